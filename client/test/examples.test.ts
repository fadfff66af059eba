// Checks the shared protocol examples (protocol/examples/): the signing
// vectors must come out byte for byte, and every server message must parse.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildFrame, canonicalFrame, canonicalHttp, hexSha256, signFrame, signHttp } from '../src/api/signing';
import { parseServerMsg } from '../src/api/types';
import { ApiClient } from '../src/api/http';
import { ParleyClient } from '../src/chat/client';
import { FakeSocket, fakeFetch, MemoryStorage } from './helpers';
import { fromBase64url } from '../src/crypto/encoding';

const EXAMPLES = join(__dirname, '..', '..', 'protocol', 'examples');
const SIGNING = join(EXAMPLES, 'signing');

function jsonFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

interface Vector {
  kind: 'http' | 'ws';
  key: string;
  method?: string;
  target?: string;
  timestamp?: number;
  nonce?: string;
  body?: string;
  body_sha256?: string;
  session_id?: string;
  seq?: number;
  json?: string;
  json_sha256?: string;
  canonical: string;
  signature: string;
  frame?: string;
}

describe('protocol/examples/signing', () => {
  const files = jsonFiles(SIGNING);
  it('has vectors', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const v = JSON.parse(readFileSync(join(SIGNING, f), 'utf8')) as Vector;
      const key = fromBase64url(v.key)!;
      expect(key).toHaveLength(32);
      if (v.kind === 'http') {
        const ts = String(v.timestamp);
        expect(hexSha256(v.body!)).toBe(v.body_sha256);
        expect(canonicalHttp(v.method!, v.target!, ts, v.nonce!, v.body!)).toBe(v.canonical);
        expect(signHttp(key, v.method!, v.target!, ts, v.nonce!, v.body!)).toBe(v.signature);
      } else {
        expect(hexSha256(v.json!)).toBe(v.json_sha256);
        expect(canonicalFrame(v.session_id!, v.seq!, v.json!)).toBe(v.canonical);
        expect(signFrame(key, v.session_id!, v.seq!, v.json!)).toBe(v.signature);
        if (v.frame) expect(buildFrame(key, v.session_id!, v.seq!, v.json!)).toBe(v.frame);
      }
    });
  }
});

describe('protocol/examples messages', () => {
  const files = jsonFiles(EXAMPLES);
  const s2c = files.filter((f) => f.startsWith('s2c.'));
  it.skipIf(s2c.length === 0)('every server-to-browser example parses as its type', () => {
    for (const f of s2c) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      const type = f.slice(4, -5);
      const m = parseServerMsg(text);
      if (['hello', 'pong', 'message.status', 'message', 'presence', 'error', 'room.message', 'room.event'].includes(type)) {
        expect(m, f).not.toBeNull();
        expect(m!.type, f).toBe(type);
      }
    }
  });
});

const example = (name: string): unknown => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8'));
const has = (name: string) => existsSync(join(EXAMPLES, name));
const response = (status: number, name: string) =>
  new Response(readFileSync(join(EXAMPLES, name), 'utf8'), { status, headers: { 'Content-Type': 'application/json' } });

describe('protocol/examples HTTP bodies', () => {
  it.skipIf(!has('http.login.request.json') || !has('http.login.response.json'))('login: same request shape, response gives a session', async () => {
    const { fn, calls } = fakeFetch(() => response(200, 'http.login.response.json'));
    const s = await new ApiClient(fn, () => 1_796_000_000_000).login('alice', 'alice-pw');
    expect(JSON.parse(calls[0].init.body as string)).toEqual(example('http.login.request.json'));
    expect(s.user.name).toBe('alice');
    expect(s.key).toHaveLength(32);
    expect(s.clockOffsetMs).toBe(0);
  });

  it.skipIf(!has('http.users.response.json'))('users', async () => {
    const { fn } = fakeFetch(() => response(200, 'http.users.response.json'));
    const users = await new ApiClient(fn).users({ id: 'x', key: new Uint8Array(32), keyText: '', user: { name: 'a', display_name: 'A', uri: 'sip:a@b' }, clockOffsetMs: 0 });
    expect(users).toEqual((example('http.users.response.json') as { users: unknown[] }).users);
  });

  it.skipIf(!has('http.error.json'))('error body', async () => {
    const { fn } = fakeFetch(() => response(401, 'http.error.json'));
    await expect(new ApiClient(fn).login('a', 'b')).rejects.toMatchObject({ status: 401, code: 'bad_signature', message: 'signature does not match' });
  });

  it.skipIf(!has('http.logout.request.json'))('logout body', async () => {
    const { fn, calls } = fakeFetch(() => response(200, 'http.logout.response.json'));
    await new ApiClient(fn).logout({ id: 'x', key: new Uint8Array(32), keyText: '', user: { name: 'a', display_name: 'A', uri: 'sip:a@b' }, clockOffsetMs: 0 });
    expect(JSON.parse(calls[0].init.body as string)).toEqual(example('http.logout.request.json'));
  });
});

describe('protocol/examples browser-to-server messages', () => {
  it.skipIf(!has('c2s.message.send.json') || !has('s2c.hello.json'))('the client sends message.send, message.ack and ping in the example shapes', () => {
    vi.useFakeTimers();
    try {
      FakeSocket.reset();
      const { fn } = fakeFetch(() => response(200, 'http.users.response.json'));
      const login = example('http.login.response.json') as { session_id: string; session_key: string };
      const client = new ParleyClient({
        api: new ApiClient(fn),
        session: { id: login.session_id, key: new Uint8Array(32), keyText: login.session_key, user: { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost' }, clockOffsetMs: 0 },
        storage: new MemoryStorage(),
        makeSocket: (u) => new FakeSocket(u),
        urlFor: (q) => 'ws://x/api/v1/ws?' + q,
        onSessionEnded: () => {},
      });
      client.start();
      const sock = FakeSocket.last();
      sock.open();
      sock.receive(readFileSync(join(EXAMPLES, 's2c.hello.json'), 'utf8'));
      const want = example('c2s.message.send.json') as { to: string; text: string };
      client.send(want.to, want.text);
      sock.receive(readFileSync(join(EXAMPLES, 's2c.message.json'), 'utf8'));
      vi.advanceTimersByTime(25_000);
      const frames = sock.frames();
      expect(frames[0].seq).toBe((example('s2c.hello.json') as { last_seq: number }).last_seq + 1);
      const byType = new Map(frames.map((f) => [f.msg.type as string, f.msg]));
      const keys = (o: unknown) => Object.keys(o as object).sort();
      expect(keys(byType.get('message.send'))).toEqual(keys(want));
      expect(byType.get('message.send')).toMatchObject({ to: want.to, text: want.text });
      expect(keys(byType.get('message.ack'))).toEqual(keys(example('c2s.message.ack.json')));
      expect(byType.get('message.ack')!.id).toBe((example('s2c.message.json') as { id: string }).id);
      expect(byType.get('ping')).toEqual(example('c2s.ping.json'));
      client.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('protocol/examples rooms bodies', () => {
  const session = { id: 'x', key: new Uint8Array(32), keyText: '', user: { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost' }, clockOffsetMs: 0 };
  it.skipIf(!has('http.rooms.response.json') || !has('http.rooms.messages.response.json'))('rooms, members, history, search, buddies and the new room request', async () => {
    const { ChatApi } = await import('../src/api/chat_api');
    const byPath: Record<string, string> = {
      '/api/v1/rooms': 'http.rooms.response.json', '/api/v1/rooms/lobby/members': 'http.rooms.members.response.json',
      '/api/v1/rooms/lobby/messages': 'http.rooms.messages.response.json', '/api/v1/search': 'http.search.response.json',
      '/api/v1/buddies': 'http.buddies.response.json',
    };
    const { fn, calls } = fakeFetch((url, init) =>
      init.method === 'POST' ? response(201, 'http.rooms.post.response.json') : response(200, byPath[new URL(url, 'http://x').pathname]));
    const api = new ChatApi(new ApiClient(fn), session);
    expect(await api.rooms()).toEqual((example('http.rooms.response.json') as { rooms: unknown[] }).rooms);
    expect(await api.members('lobby')).toEqual((example('http.rooms.members.response.json') as { members: unknown[] }).members);
    expect(await api.roomHistory('lobby', null)).toEqual(example('http.rooms.messages.response.json'));
    expect(await api.search('coffee')).toEqual((example('http.search.response.json') as { hits: unknown[] }).hits);
    expect(await api.buddies()).toEqual((example('http.buddies.response.json') as { buddies: unknown[] }).buddies);
    const req = example('http.rooms.post.request.json') as { name: string; title: string; topic: string; visibility: 'public' };
    expect(await api.createRoom(req)).toEqual(example('http.rooms.post.response.json'));
    expect(JSON.parse(calls[calls.length - 1].init.body as string)).toEqual(req);
  });
});
