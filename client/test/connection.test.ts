import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, Connection, type ConnState } from '../src/api/connection';
import { signFrame, signHttp } from '../src/api/signing';
import { FakeSocket, testSession } from './helpers';

function setup(opts: { probe?: () => Promise<string | null>; random?: () => number } = {}) {
  FakeSocket.reset();
  const session = testSession();
  const states: [ConnState, number | null][] = [];
  const ended: string[] = [];
  const received: unknown[] = [];
  const conn = new Connection(
    {
      session,
      makeSocket: (url) => new FakeSocket(url),
      urlFor: (q) => `ws://parley.test/api/v1/ws?${q}`,
      now: () => Date.now(),
      random: opts.random ?? (() => 1),
      probeSessionEnded: opts.probe,
    },
    {
      onState: (s, at) => states.push([s, at]),
      onMessage: (m) => received.push(m),
      onSessionEnded: (r) => ended.push(r),
    },
  );
  return { conn, session, states, ended, received };
}

describe('backoffDelay', () => {
  it('doubles from 0.5 s up to a 30 s cap, jitter keeps 50–100 %', () => {
    const full = [0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelay(n, 1));
    expect(full).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(backoffDelay(0, 0)).toBe(250);
    expect(backoffDelay(6, 0)).toBe(15000);
    expect(backoffDelay(3, 0.5)).toBe(3000);
  });
});

describe('Connection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_796_000_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it('signs the upgrade query as GET /api/v1/ws', () => {
    const { conn, session } = setup();
    conn.start();
    const url = new URL(FakeSocket.last().url);
    expect(url.pathname).toBe('/api/v1/ws');
    const q = url.searchParams;
    expect(q.get('session')).toBe(session.id);
    expect(q.get('ts')).toBe('1796000000000');
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(q.get('sig')).toBe(signHttp(session.key, 'GET', '/api/v1/ws', q.get('ts')!, q.get('nonce')!, ''));
  });

  it('takes several frames from one message, one per line (batch=1)', () => {
    const { conn, received } = setup();
    conn.start();
    FakeSocket.last().hello(0);
    const a = { type: 'presence', user: 'bob', online: true, status: 'away', note: '' };
    const b = { type: 'room.event', room: 'lobby', kind: 'joined', user: 'carol' };
    FakeSocket.last().receive(`${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    expect(received.slice(-2).map((m) => (m as { type: string }).type)).toEqual(['presence', 'room.event']);
    expect(received.slice(-1)).toEqual([b]);
  });

  it('is connecting until hello, then connected; nothing is sent before hello', () => {
    const { conn, states } = setup();
    conn.start();
    expect(conn.currentState).toBe('connecting');
    FakeSocket.last().open();
    expect(conn.send({ type: 'ping' })).toBe(0);
    FakeSocket.last().receive({ type: 'hello', api: 1, user: { name: 'alice', uri: 'sip:alice@localhost' }, last_seq: 0, server_time_ms: 1 });
    expect(conn.currentState).toBe('connected');
    expect(states.map((s) => s[0])).toEqual(['connecting', 'connected']);
  });

  it('continues the sequence above hello.last_seq and signs each frame', () => {
    const { conn, session } = setup();
    conn.start();
    FakeSocket.last().hello(41);
    expect(conn.send({ type: 'message.ack', id: 's1' })).toBe(42);
    expect(conn.send({ type: 'ping' })).toBe(43);
    const frames = FakeSocket.last().frames();
    expect(frames.map((f) => f.seq)).toEqual([42, 43]);
    const raw = FakeSocket.last().sent[0];
    const json = '{"type":"message.ack","id":"s1"}';
    expect(raw).toBe(`42 ${signFrame(session.key, session.id, 42, json)} ${json}`);
  });

  it('keeps counting across reconnects when the server reports a lower last_seq', () => {
    const { conn } = setup();
    conn.start();
    FakeSocket.last().hello(10);
    conn.send({ type: 'ping' });
    conn.send({ type: 'ping' }); // 12
    FakeSocket.last().serverClose(1006);
    vi.advanceTimersByTime(500);
    FakeSocket.last().hello(5);
    conn.send({ type: 'ping' });
    expect(FakeSocket.last().frames()[0].seq).toBe(13);
  });

  it('reconnects with growing delays and resets after a hello', () => {
    const { conn, states } = setup();
    conn.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = FakeSocket.all.length;
      FakeSocket.last().serverClose(1006);
      const [state, at] = states[states.length - 1];
      expect(state).toBe('reconnecting');
      delays.push(at! - Date.now());
      vi.advanceTimersByTime(at! - Date.now() - 1);
      expect(FakeSocket.all.length).toBe(before); // not yet
      vi.advanceTimersByTime(1);
      expect(FakeSocket.all.length).toBe(before + 1);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    FakeSocket.last().hello();
    FakeSocket.last().serverClose(1001);
    expect(states[states.length - 1][1]! - Date.now()).toBe(500);
  });

  it('applies jitter from the random source', () => {
    const { conn, states } = setup({ random: () => 0 });
    conn.start();
    FakeSocket.last().serverClose(1006);
    expect(states[states.length - 1][1]! - Date.now()).toBe(250);
  });

  it('ends the session on close code 4001 without reconnecting', () => {
    const { conn, ended } = setup();
    conn.start();
    FakeSocket.last().hello();
    FakeSocket.last().serverClose(4001, 'logged_out');
    expect(ended).toEqual(['logged_out']);
    expect(conn.currentState).toBe('offline');
    vi.advanceTimersByTime(120_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('reconnects after 4003 (the new hello fixes the sequence)', () => {
    const { conn } = setup();
    conn.start();
    FakeSocket.last().hello();
    FakeSocket.last().serverClose(4003, 'replayed');
    expect(conn.currentState).toBe('reconnecting');
    vi.advanceTimersByTime(500);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('asks whether the session still exists when the upgrade fails', async () => {
    const probe = vi.fn(async () => 'unknown_session');
    const { conn, ended } = setup({ probe });
    conn.start();
    FakeSocket.last().serverClose(1006);
    await vi.runAllTicks();
    await Promise.resolve();
    expect(probe).toHaveBeenCalledOnce();
    expect(ended).toEqual(['unknown_session']);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('does not probe after a socket that had its hello', () => {
    const probe = vi.fn(async () => null);
    const { conn } = setup({ probe });
    conn.start();
    FakeSocket.last().hello();
    FakeSocket.last().serverClose(1001);
    expect(probe).not.toHaveBeenCalled();
  });

  it('pings every 25 s and reconnects when no pong comes within 10 s', () => {
    const { conn } = setup();
    conn.start();
    const s = FakeSocket.last();
    s.hello();
    vi.advanceTimersByTime(25_000);
    expect(s.frames().map((f) => f.msg.type)).toEqual(['ping']);
    s.receive({ type: 'pong', server_time_ms: Date.now() });
    vi.advanceTimersByTime(25_000);
    expect(s.frames().map((f) => f.msg.type)).toEqual(['ping', 'ping']);
    vi.advanceTimersByTime(10_000);
    expect(s.closedWith).not.toBeNull();
    expect(conn.currentState).toBe('reconnecting');
  });

  it('updates the clock offset from hello', () => {
    const { conn, session } = setup();
    conn.start();
    FakeSocket.last().hello(0, Date.now() + 5000);
    expect(session.clockOffsetMs).toBe(5000);
    conn.stop();
  });

  it('stops cleanly: no reconnect, state offline', () => {
    const { conn } = setup();
    conn.start();
    FakeSocket.last().hello();
    conn.stop();
    expect(conn.currentState).toBe('offline');
    vi.advanceTimersByTime(100_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('ignores frames that are not JSON or not a known message', () => {
    const { conn, received } = setup();
    conn.start();
    FakeSocket.last().hello();
    FakeSocket.last().receive('not json');
    FakeSocket.last().receive({ type: 'presence', user: 7 });
    FakeSocket.last().receive({ type: 'presence', user: 'bob', online: true, extra: 1 });
    expect(received).toEqual([{ type: 'presence', changes: [{ user: 'bob', online: true }] }]);
  });
});
