import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/http';
import { ParleyClient } from '../src/chat/client';
import { FakeSocket, fakeFetch, jsonResponse, MemoryStorage, testSession } from './helpers';

const USERS = [
  { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost', online: true },
  { name: 'bob', display_name: 'Bob', uri: 'sip:bob@localhost', online: false },
];

function setup(storage = new MemoryStorage(), sessionGone = false) {
  FakeSocket.reset();
  const { fn, calls } = fakeFetch((url) =>
    sessionGone
      ? jsonResponse(401, { error: { code: 'unknown_session', message: 'no such session' } })
      : url.startsWith('/api/v1/users') ? jsonResponse(200, { users: USERS }) : jsonResponse(200, {}));
  const api = new ApiClient(fn);
  const ended: string[] = [];
  const client = new ParleyClient({
    api, session: testSession(), storage,
    makeSocket: (u) => new FakeSocket(u),
    urlFor: (q) => `ws://x/api/v1/ws?${q}`,
    random: () => 1,
    onSessionEnded: (r) => ended.push(r),
  });
  return { client, calls, ended, storage };
}

const sends = (s: FakeSocket) => s.frames().filter((f) => f.msg.type === 'message.send').map((f) => f.msg);

describe('ParleyClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('queues text typed before the connection and sends it after hello, in order', () => {
    const { client } = setup();
    client.start();
    client.send('bob', 'one');
    client.send('bob', 'two');
    expect(client.snapshot.chat.conversations.bob.messages.map((m) => m.status)).toEqual(['sending', 'sending']);
    FakeSocket.last().hello(7);
    const s = sends(FakeSocket.last());
    expect(s.map((m) => m.text)).toEqual(['one', 'two']);
    expect(FakeSocket.last().frames().map((f) => f.seq)).toEqual([8, 9]);
    expect(s[0].to).toBe('bob');
  });

  it('resends unanswered messages after a reconnect, never twice on one socket', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().hello();
    const id = client.send('bob', 'hello')!;
    expect(sends(FakeSocket.last())).toHaveLength(1);
    FakeSocket.last().serverClose(1006);
    client.send('bob', 'while away');
    vi.advanceTimersByTime(500);
    FakeSocket.last().hello(1);
    const again = sends(FakeSocket.last());
    expect(again.map((m) => m.text)).toEqual(['hello', 'while away']);
    expect(again[0].id).toBe(id);
    FakeSocket.last().receive({ type: 'message.status', id, status: 'delivered', code: 200, reason: 'OK' });
    expect(client.outbox.pending.map((i) => i.text)).toEqual(['while away']);
    expect(client.snapshot.chat.conversations.bob.messages[0].status).toBe('delivered');
  });

  it('keeps the outbox across a reload (sessionStorage) and sends it on the next connection', () => {
    const first = setup();
    first.client.start();
    first.client.send('bob', 'typed offline');
    first.client.stop();
    const second = setup(first.storage);
    expect(second.client.snapshot.chat.conversations.bob.messages[0].text).toBe('typed offline');
    second.client.start();
    FakeSocket.last().hello();
    expect(sends(FakeSocket.last()).map((m) => m.text)).toEqual(['typed offline']);
  });

  it('acknowledges incoming messages and counts them unread', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().hello();
    FakeSocket.last().receive({ type: 'message', id: 'srv-1', direction: 'in', from: 'sip:bob@localhost', from_user: 'bob',
      to: 'sip:alice@localhost', to_user: 'alice', text: 'hey', content_type: 'text/plain', time_ms: 5 });
    const acks = FakeSocket.last().frames().filter((f) => f.msg.type === 'message.ack');
    expect(acks.map((f) => f.msg.id)).toEqual(['srv-1']);
    expect(client.snapshot.chat.conversations.bob.unread).toBe(1);
  });

  it('does not acknowledge a message sent from another tab', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().hello();
    FakeSocket.last().receive({ type: 'message', id: 'srv-2', direction: 'out', from: 'sip:alice@localhost', from_user: 'alice',
      to: 'sip:bob@localhost', to_user: 'bob', text: 'from my phone', content_type: 'text/plain', time_ms: 5 });
    expect(FakeSocket.last().frames().filter((f) => f.msg.type === 'message.ack')).toHaveLength(0);
    expect(client.snapshot.chat.conversations.bob.messages[0].direction).toBe('out');
  });

  it('loads users and applies presence pushes', async () => {
    const { client } = setup();
    client.start();
    await vi.waitFor(() => expect(client.snapshot.chat.users).toHaveLength(2));
    FakeSocket.last().hello();
    FakeSocket.last().receive({ type: 'presence', user: 'bob', online: true });
    expect(client.snapshot.chat.users.find((u) => u.name === 'bob')!.online).toBe(true);
  });

  it('retries a failed message with a new id', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().hello();
    const id = client.send('bob', 'x')!;
    FakeSocket.last().receive({ type: 'message.status', id, status: 'failed', code: 404, reason: 'Not Found' });
    expect(client.snapshot.chat.conversations.bob.messages[0].reason).toBe('Not Found');
    client.retry(id, 'bob');
    const s = sends(FakeSocket.last());
    expect(s).toHaveLength(2);
    expect(s[1].id).not.toBe(id);
    expect(s[1].text).toBe('x');
  });

  it('reports the end of the session on close 4001', () => {
    const { client, ended } = setup();
    client.start();
    FakeSocket.last().hello();
    FakeSocket.last().serverClose(4001, 'session_expired');
    expect(ended).toEqual(['session_expired']);
    expect(client.snapshot.conn).toBe('offline');
  });

  it('refuses empty and oversized texts', () => {
    const { client } = setup();
    expect(client.send('bob', '   ')).toBeNull();
    expect(client.send('bob', 'x'.repeat(16385))).toBeNull();
    expect(client.send('bob', 'x'.repeat(16384))).not.toBeNull();
  });

  it('goes back to login when the upgrade fails and the session is unknown (server restart)', async () => {
    const { client, ended, calls } = setup(new MemoryStorage(), true);
    client.start();
    FakeSocket.last().serverClose(1006);
    await vi.waitFor(() => expect(ended).toEqual(['unknown_session']));
    expect(calls.some((c) => c.url === '/api/v1/session')).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('keeps retrying when the session is fine but the socket fails', async () => {
    const { client, ended } = setup();
    client.start();
    FakeSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.all).toHaveLength(2);
    expect(ended).toEqual([]);
    expect(client.snapshot.conn).toBe('reconnecting');
  });

  it('marks a message failed when the server answers its frame with an error', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().hello();
    const id = client.send('bad target', 'x')!;
    const frame = FakeSocket.last().frames().find((f) => f.msg.id === id)!;
    FakeSocket.last().receive({ type: 'error', code: 'bad_request', message: 'to: not a user or SIP URI', seq: frame.seq });
    const m = client.snapshot.chat.conversations['bad target'].messages[0];
    expect([m.status, m.reason]).toEqual(['failed', 'to: not a user or SIP URI']);
    expect(client.outbox.pending).toEqual([]);
    FakeSocket.last().receive({ type: 'error', code: 'unknown_type', seq: 999 });
    expect(client.snapshot.chat.conversations['bad target'].messages[0].status).toBe('failed');
  });
});
