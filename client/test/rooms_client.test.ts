import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/http';
import { ParleyClient, READ_DELAY_MS } from '../src/chat/client';
import { FakeSocket, fakeFetch, jsonResponse, MemoryStorage, testSession } from './helpers';

const ROOMS = [
  { name: 'lobby', title: 'Lobby', topic: 'Say hello', visibility: 'public', uri: 'sip:~lobby@localhost', role: 'member', joined: true, invited: false, members: 3, unread: 2, last_id: 'm-2' },
  { name: 'dev', title: 'Dev', topic: '', visibility: 'public', uri: 'sip:~dev@localhost', role: 'owner', joined: true, invited: false, members: 1, unread: 0, last_id: null },
];
const stored = (id: string, time_ms: number, from_user = 'bob', text = id) =>
  ({ id, room: 'lobby', from: `sip:${from_user}@localhost`, from_user, to_user: null, text, time_ms });

function setup(storage = new MemoryStorage()) {
  FakeSocket.reset();
  let rooms: unknown[] = ROOMS;
  const { fn, calls } = fakeFetch((url, init) => {
    const u = new URL(url, 'http://x');
    if (u.pathname === '/api/v1/users') return jsonResponse(200, { users: [] });
    if (u.pathname === '/api/v1/rooms' && init.method === 'GET') return jsonResponse(200, { rooms });
    if (u.pathname === '/api/v1/rooms' && init.method === 'POST') return jsonResponse(409, { error: { code: 'conflict', message: 'a room named lobby exists' } });
    if (u.pathname === '/api/v1/rooms/lobby/messages') {
      return u.searchParams.get('before') === 'm-2'
        ? jsonResponse(200, { messages: [stored('m-1', 10)], more: false })
        : jsonResponse(200, { messages: [stored('m-2', 20), stored('m-3', 30)], more: true });
    }
    if (u.pathname === '/api/v1/rooms/lobby/members') return jsonResponse(200, { members: [{ name: 'bob', display_name: 'Bob', role: 'owner', presence: { status: 'away', note: 'lunch' } }] });
    return jsonResponse(200, {});
  });
  const client = new ParleyClient({
    api: new ApiClient(fn), session: testSession(), storage,
    makeSocket: (u) => new FakeSocket(u), urlFor: (q) => `ws://x/api/v1/ws?${q}`,
    random: () => 1, onSessionEnded: () => {}, isVisible: () => true,
  });
  return { client, calls, storage, setRooms: (r: unknown[]) => (rooms = r) };
}

const framesOf = (type: string) => FakeSocket.last().frames().filter((f) => f.msg.type === type).map((f) => f.msg);
const reads = (calls: { url: string; init: RequestInit }[]) =>
  calls.filter((c) => c.url.endsWith('/read')).map((c) => [c.url, JSON.parse(c.init.body as string).last_id]);

describe('ParleyClient rooms', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends room.post through the outbox, again after a reconnect, until its status', async () => {
    const { client } = setup();
    client.start();
    const id = client.post('lobby', 'hi all')!;
    expect(client.snapshot.rooms.timelines.lobby.messages[0].status).toBe('sending');
    FakeSocket.last().hello();
    expect(framesOf('room.post')).toEqual([{ type: 'room.post', id, room: 'lobby', text: 'hi all' }]);
    FakeSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last().hello(1);
    expect(framesOf('room.post').map((m) => m.id)).toEqual([id]);
    FakeSocket.last().receive({ type: 'message.status', id, status: 'delivered', code: 200 });
    expect(client.outbox.pending).toEqual([]);
    expect(client.snapshot.rooms.timelines.lobby.messages[0].status).toBe('delivered');
  });

  it('keeps an unanswered room post across a reload', () => {
    const first = setup();
    first.client.post('dev', 'typed offline');
    const second = setup(first.storage);
    expect(second.client.snapshot.rooms.timelines.dev.messages[0]).toMatchObject({ text: 'typed offline', status: 'sending' });
    second.client.start();
    FakeSocket.last().hello();
    expect(framesOf('room.post').map((m) => m.text)).toEqual(['typed offline']);
  });

  it('marks a failed room post when the server refuses its frame', () => {
    const { client } = setup();
    client.start();
    FakeSocket.last().hello();
    const id = client.post('lobby', 'x')!;
    const seq = FakeSocket.last().frames().find((f) => f.msg.id === id)!.seq;
    FakeSocket.last().receive({ type: 'error', code: 'bad_request', message: 'room: bad name', seq });
    expect(client.snapshot.rooms.timelines.lobby.messages[0]).toMatchObject({ status: 'failed', reason: 'room: bad name' });
    client.retryPost(id, 'lobby');
    expect(framesOf('room.post')).toHaveLength(2);
  });

  it('opens a room: newest page, members, read mark; pages back with before', async () => {
    const { client, calls } = setup();
    client.start();
    await vi.waitFor(() => expect(client.snapshot.rooms.loaded).toBe(true));
    expect(client.snapshot.rooms.rooms.lobby.unread).toBe(2);
    client.selectRoom('lobby');
    expect(client.snapshot.rooms.rooms.lobby.unread).toBe(0);
    await vi.waitFor(() => expect(client.snapshot.rooms.members.lobby).toHaveLength(1));
    await vi.waitFor(() => expect(reads(calls)).toEqual([['/api/v1/rooms/lobby/read', 'm-3']]));
    expect(client.snapshot.rooms.timelines.lobby.more).toBe(true);
    await client.loadOlder();
    expect(calls.some((c) => c.url === '/api/v1/rooms/lobby/messages?before=m-2&limit=50')).toBe(true);
    expect(client.snapshot.rooms.timelines.lobby.messages.map((m) => m.id)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(client.snapshot.rooms.timelines.lobby.more).toBe(false);
    // A live post in the open room is marked read after a short delay, once.
    FakeSocket.last().hello();
    FakeSocket.last().receive({ type: 'room.message', ...stored('m-4', 40) });
    FakeSocket.last().receive({ type: 'room.message', ...stored('m-5', 50) });
    await vi.advanceTimersByTimeAsync(READ_DELAY_MS);
    expect(reads(calls).slice(1)).toEqual([['/api/v1/rooms/lobby/read', 'm-5']]);
  });

  it('sends the read mark a live post was waiting for when another room or a conversation opens at once', async () => {
    const { client, calls } = setup();
    client.start();
    await vi.waitFor(() => expect(client.snapshot.rooms.loaded).toBe(true));
    client.selectRoom('lobby');
    await vi.waitFor(() => expect(reads(calls)).toEqual([['/api/v1/rooms/lobby/read', 'm-3']]));
    FakeSocket.last().hello();
    FakeSocket.last().receive({ type: 'room.message', ...stored('m-4', 40) });
    client.selectRoom('dev'); // before READ_DELAY_MS
    expect(reads(calls).slice(1)).toEqual([['/api/v1/rooms/lobby/read', 'm-4']]);
    await vi.advanceTimersByTimeAsync(READ_DELAY_MS);
    expect(reads(calls).filter(([u]) => u === '/api/v1/rooms/lobby/read')).toHaveLength(2);

    client.selectRoom('lobby');
    FakeSocket.last().receive({ type: 'room.message', ...stored('m-5', 50) });
    client.select('bob');
    expect(reads(calls).pop()).toEqual(['/api/v1/rooms/lobby/read', 'm-5']);
  });

  it('counts unread posts in other rooms and fetches the list after events it cannot apply alone', async () => {
    const { client, calls, setRooms } = setup();
    client.start();
    await vi.waitFor(() => expect(client.snapshot.rooms.loaded).toBe(true));
    client.selectRoom('dev');
    FakeSocket.last().hello();
    FakeSocket.last().receive({ type: 'room.message', ...stored('m-9', 90) });
    expect(client.snapshot.rooms.rooms.lobby.unread).toBe(3);
    const before = calls.filter((c) => c.url === '/api/v1/rooms').length;
    setRooms([{ ...ROOMS[0], title: 'The Lobby' }, ROOMS[1]]);
    FakeSocket.last().receive({ type: 'room.event', room: 'lobby', kind: 'renamed', user: 'bob' });
    await vi.waitFor(() => expect(client.snapshot.rooms.rooms.lobby.title).toBe('The Lobby'));
    expect(calls.filter((c) => c.url === '/api/v1/rooms').length).toBe(before + 1);
    FakeSocket.last().receive({ type: 'room.event', room: 'dev', kind: 'deleted', user: 'alice' });
    expect(client.snapshot.rooms.active).toBeNull();
    expect(client.snapshot.rooms.rooms.dev).toBeUndefined();
  });

  it('sends presence.set when connected and shows the status the server reports', () => {
    const { client } = setup();
    client.start();
    client.setPresence('dnd', 'focus time');
    expect(client.snapshot.own).toBeNull();
    FakeSocket.last().hello();
    expect(framesOf('presence.set')).toEqual([{ type: 'presence.set', status: 'dnd', note: 'focus time' }]);
    FakeSocket.last().receive({ type: 'presence', user: 'alice', online: true, status: 'dnd', note: 'focus time' });
    expect(client.snapshot.own).toEqual({ status: 'dnd', note: 'focus time' });
  });

  it('shows a refused operation in the error banner and returns null', async () => {
    const { client } = setup();
    const r = await client.run((api) => api.createRoom({ name: 'lobby', title: '', topic: '', visibility: 'public' }));
    expect(r).toBeNull();
    expect(client.snapshot.error).toBe('a room named lobby exists');
    client.dismissError();
    expect(client.snapshot.error).toBeNull();
  });
});
