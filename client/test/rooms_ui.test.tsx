// @vitest-environment happy-dom
// Rooms, history, search and status in the UI, against the data-testid
// contract of tests/e2e, with a fake fetch and a fake WebSocket.
import { beforeEach, describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { App } from '../src/ui/App';
import { FakeSocket, jsonResponse, KEY_TEXT, type, uiFixture } from './helpers';

const USERS = [
  { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost', online: true, status: 'available', note: '' },
  { name: 'bob', display_name: 'Bob', uri: 'sip:bob@localhost', online: true, status: 'away', note: 'back at 2' },
];
const LOGIN = {
  session_id: '3q2-7wAAAAAAAAAAAAAAAA', session_key: KEY_TEXT, user: USERS[0],
  idle_timeout_s: 1800, max_age_s: 43200, server_time_ms: Date.now(),
};
const room = (name: string, over: Record<string, unknown> = {}) => ({
  name, title: name[0].toUpperCase() + name.slice(1), topic: `About ${name}`, visibility: 'public', uri: `sip:~${name}@localhost`,
  role: 'member', joined: true, invited: false, members: 2, unread: 0, last_id: null, ...over,
});
const now = Date.now();
const stored = (id: string, text: string, from_user = 'bob', roomName: string | null = 'lobby') =>
  ({ id, room: roomName, from: `sip:${from_user}@localhost`, from_user, to_user: roomName ? null : 'alice', text, time_ms: now - 1000 });

// Rooms the server has beyond the fixed ones (created by others after login).
let extraRooms: ReturnType<typeof room>[] = [];
const fx = uiFixture(async (url: string, init: RequestInit = {}) => routes(url, init));
const $ = (sel: string) => fx.root.querySelector(sel) as HTMLElement | null;
const $$ = (sel: string) => Array.from(fx.root.querySelectorAll(sel)) as HTMLElement[];
const tid = (id: string) => `[data-testid="${id}"]`;

async function flush() {
  for (let i = 0; i < 8; i++) await act(async () => { await new Promise((r) => setTimeout(r, 0)); });
}

async function choose(el: HTMLElement | null, value: string) {
  const select = el as HTMLSelectElement;
  await act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function click(el: HTMLElement | null) {
  await act(async () => el!.click());
  await flush();
}

function routes(url: string, init: RequestInit): Response {
  const u = new URL(url, 'http://x');
  const p = u.pathname;
  if (p === '/api/v1/login') return jsonResponse(200, LOGIN);
  if (p === '/api/v1/users') return jsonResponse(200, { users: USERS });
  if (p === '/api/v1/rooms' && init.method === 'GET') {
    return jsonResponse(200, { rooms: [room('lobby', { unread: 2, last_id: 'm-3' }), room('dev'), room('garden', { joined: false, role: null }), ...extraRooms] });
  }
  if (p === '/api/v1/rooms' && init.method === 'POST') return jsonResponse(409, { error: { code: 'conflict', message: 'a room named lobby exists' } });
  if (p === '/api/v1/rooms/garden/join') return jsonResponse(200, room('garden'));
  if (p === '/api/v1/rooms/lobby/messages') {
    return u.searchParams.get('before')
      ? jsonResponse(200, { messages: [stored('m-1', 'the very first')], more: false })
      : jsonResponse(200, { messages: [stored('m-2', 'Hello all'), stored('m-3', 'Coffee?')], more: true });
  }
  if (p.endsWith('/members')) {
    return jsonResponse(200, { members: [
      { name: 'alice', display_name: 'Alice', role: 'member', presence: { status: 'available', note: '' } },
      { name: 'bob', display_name: 'Bob', role: 'owner', presence: { status: 'away', note: 'back at 2' } },
    ] });
  }
  if (p === '/api/v1/search') return jsonResponse(200, { hits: [stored('m-3', 'Coffee? coffee!')] });
  if (p === '/api/v1/buddies') return jsonResponse(200, { buddies: [] });
  return jsonResponse(200, { messages: [], more: false });
}

beforeEach(() => {
  extraRooms = [];
});

async function login() {
  render(<App />, fx.root);
  await type($(tid('login-user')), 'alice');
  await type($(tid('login-password')), 'alice-pw');
  await act(async () => { $(tid('login-submit'))!.click(); });
  await flush();
  await act(async () => FakeSocket.last().hello());
  await flush();
}

const calls = (pred: (url: string, init: RequestInit) => boolean) =>
  fx.fetchMock.mock.calls.filter(([u, i]) => pred(u as string, (i ?? {}) as RequestInit));
const frames = (type: string) => FakeSocket.last().frames().filter((f) => f.msg.type === type).map((f) => f.msg);

describe('rooms in the UI', () => {
  it('lists joined rooms with unread counts, opens one with history, members and a read mark', async () => {
    await login();
    const lobby = $(`${tid('room-list')} ${tid('room-item-lobby')}`)!;
    expect(lobby.dataset.unread).toBe('2');
    expect($(tid('room-unread-lobby'))!.textContent).toBe('2');
    expect($(tid('room-item-garden'))).toBeNull();

    await click(lobby);
    expect($(tid('active-room-title'))!.textContent).toBe('Lobby');
    expect($(tid('room-item-lobby'))!.dataset.unread).toBe('0');
    expect($(tid('room-unread-lobby'))).toBeNull();
    expect($$(tid('timeline-message')).map((m) => m.dataset.id)).toEqual(['m-2', 'm-3']);
    expect($(`${tid('member-list')} ${tid('member-bob')}`)!.dataset.status).toBe('away');
    expect($(tid('member-bob'))!.textContent).toContain('back at 2');
    expect(calls((u) => u === '/api/v1/rooms/lobby/read')).toHaveLength(1);

    await act(async () => FakeSocket.last().receive({ type: 'presence', user: 'bob', online: true, status: 'dnd', note: 'meeting' }));
    expect($(tid('member-bob'))!.dataset.status).toBe('dnd');

    await click($(tid('load-older')));
    expect($$(tid('timeline-message')).map((m) => m.dataset.id)).toEqual(['m-1', 'm-2', 'm-3']);
    expect($(tid('load-older'))).toBeNull();
  });

  it('posts with room.post, shows delivery, and merges the echo', async () => {
    await login();
    await click($(tid('room-item-dev')));
    await type($(tid('composer-input')), 'hi devs');
    await click($(tid('composer-send')));
    const post = frames('room.post')[0];
    expect(post).toMatchObject({ room: 'dev', text: 'hi devs' });
    expect($(`${tid('timeline')} ${tid('message')}`)!.dataset.status).toBe('sending');
    await act(async () => {
      FakeSocket.last().receive({ type: 'room.message', ...stored('m-9', 'hi devs', 'alice', 'dev'), time_ms: Date.now() });
      FakeSocket.last().receive({ type: 'message.status', id: post.id, status: 'delivered', code: 200 });
    });
    expect($$(tid('timeline-message'))).toHaveLength(1);
    expect($(tid('timeline-message'))!.dataset.id).toBe('m-9');
    expect($(tid('message'))!.dataset.status).toBe('delivered');
  });

  it('counts live posts in other rooms', async () => {
    await login();
    await click($(tid('room-item-dev')));
    await act(async () => FakeSocket.last().receive({ type: 'room.message', ...stored('m-4', 'news') }));
    expect($(tid('room-item-lobby'))!.dataset.unread).toBe('3');
    expect($(tid('room-unread-lobby'))!.textContent).toBe('3');
  });

  it('browses and joins a public room', async () => {
    await login();
    await click($(tid('room-browse-button')));
    await click($(tid('room-join-garden')));
    expect(calls((u, i) => u === '/api/v1/rooms/garden/join' && i.method === 'POST')).toHaveLength(1);
    expect($(tid('room-item-garden'))).not.toBeNull();
    expect($(tid('active-room-title'))!.textContent).toBe('Garden');
  });

  it('asks for the room list again when Browse opens, so rooms created since show', async () => {
    await login();
    extraRooms = [room('plan', { joined: false, role: null, members: 1 })];
    const before = calls((u, i) => u === '/api/v1/rooms' && i.method === 'GET').length;
    await click($(tid('room-browse-button')));
    expect(calls((u, i) => u === '/api/v1/rooms' && i.method === 'GET')).toHaveLength(before + 1);
    expect($(tid('room-join-plan'))).not.toBeNull();
    await click($(tid('room-browse-button'))); // Done: closing asks nothing
    expect(calls((u, i) => u === '/api/v1/rooms' && i.method === 'GET')).toHaveLength(before + 1);
  });

  it('shows the server refusal of a new room and keeps the dialog', async () => {
    await login();
    await click($(tid('room-create-button')));
    await click($(tid('room-create-submit')));
    expect(fx.root.textContent).toContain('A room needs a name.');
    await type($(tid('room-create-name')), 'Lobby');
    await type($(tid('room-create-title')), 'Another lobby');
    await click($(tid('room-create-submit')));
    const sent = calls((u, i) => u === '/api/v1/rooms' && i.method === 'POST')[0][1] as RequestInit;
    expect(JSON.parse(sent.body as string)).toMatchObject({ name: 'lobby', title: 'Another lobby', visibility: 'public' });
    expect($(tid('error-banner'))!.textContent).toContain('a room named lobby exists');
    expect($(tid('room-create-name'))).not.toBeNull();
  });

  it('opens a private conversation from the member list', async () => {
    await login();
    await click($(tid('room-item-lobby')));
    await click($(tid('member-chat-bob')));
    expect($(tid('active-room-title'))).toBeNull();
    expect($(`${tid('conversation-item-bob')} ${tid('conversation')}`)!.getAttribute('aria-current')).toBe('true');
    expect(calls((u) => u.startsWith('/api/v1/conversations/bob/messages'))).toHaveLength(1);
  });
});

describe('status and search in the UI', () => {
  it('sets the own status and shows what the server reports back', async () => {
    await login();
    expect($(tid('own-status'))!.dataset.status).toBe('available');
    await choose($(tid('status-picker')), 'dnd');
    await type($(tid('status-note')), 'focus time');
    await click($(tid('status-save')));
    expect(frames('presence.set')).toEqual([{ type: 'presence.set', status: 'dnd', note: 'focus time' }]);
    expect($(tid('own-status'))!.dataset.status).toBe('available');
    await act(async () => FakeSocket.last().receive({ type: 'presence', users: [{ user: 'alice', online: true, status: 'dnd', note: 'focus time' }] }));
    expect($(tid('own-status'))!.dataset.status).toBe('dnd');
    expect($(tid('own-status'))!.textContent).toContain('focus time');
  });

  it('lists hits with the terms highlighted and opens the room of one', async () => {
    await login();
    await type($(tid('search-input')), 'coffee');
    await act(async () => { ($(tid('search-input')) as HTMLInputElement).form!.requestSubmit(); });
    await flush();
    const hit = $(tid('search-result'))!;
    expect(hit.dataset.target).toBe('lobby');
    expect(Array.from(hit.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['Coffee', 'coffee']);
    expect(calls((u) => u === '/api/v1/search?q=coffee&limit=50')).toHaveLength(1);
    await click(hit);
    expect($(tid('active-room-title'))!.textContent).toBe('Lobby');
    expect($(tid('search-result'))).toBeNull();
  });
});
