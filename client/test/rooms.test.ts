import { describe, expect, it } from 'vitest';
import { parseServerMsg, toRoom, type Member, type Room, type RoomEventMsg, type RoomMessageMsg } from '../src/api/types';
import { browsableRooms, canManage, emptyRooms, joinedRooms, roomsReducer, roomsUnread, type RoomAction, type RoomsState } from '../src/chat/rooms';

const room = (name: string, over: Partial<Room> = {}): Room => ({
  name, title: name[0].toUpperCase() + name.slice(1), topic: '', visibility: 'public', uri: `sip:~${name}@localhost`,
  role: 'member', joined: true, invited: false, members: 2, unread: 0, last_id: null, ...over,
});
const post = (id: string, roomName: string, from_user = 'bob', text = id, time_ms = 1000): RoomMessageMsg => ({
  type: 'room.message', id, room: roomName, from: `sip:${from_user}@localhost`, from_user, to_user: null, text, time_ms,
});
const event = (roomName: string, kind: RoomEventMsg['kind'], user: string, extra: Partial<RoomEventMsg> = {}): RoomAction =>
  ({ type: 'event', ev: { type: 'room.event', room: roomName, kind, user, ...extra }, me: 'alice' });
const member = (name: string, role: Member['role'] = 'member'): Member => ({ name, display_name: name, role, presence: { status: 'available', note: '' } });

function run(actions: RoomAction[], start: RoomsState = emptyRooms()): RoomsState {
  return actions.reduce(roomsReducer, start);
}
const base = () => run([{ type: 'rooms', rooms: [room('lobby'), room('dev', { unread: 3 }), room('open', { joined: false, role: null })] }]);

describe('room list', () => {
  it('splits joined and browsable rooms and sums unread of joined ones', () => {
    const s = base();
    expect(joinedRooms(s).map((r) => r.name)).toEqual(['dev', 'lobby']);
    expect(browsableRooms(s).map((r) => r.name)).toEqual(['open']);
    expect(roomsUnread(s)).toBe(3);
    expect(canManage(room('x', { role: 'admin' }))).toBe(true);
    expect(canManage(room('x'))).toBe(false);
  });

  it('normalises room objects from the server', () => {
    expect(toRoom({ name: 'x' })).toMatchObject({ title: 'x', visibility: 'public', role: null, joined: false, unread: 0, last_id: null });
    expect(toRoom({ title: 'no name' })).toBeNull();
  });
});

describe('unread counting', () => {
  it('counts posts of others in rooms that are not shown, not own posts, each id once', () => {
    let s = run([{ type: 'select', name: 'lobby' }], base());
    s = run([
      { type: 'message', msg: post('m1', 'dev'), me: 'alice' },
      { type: 'message', msg: post('m1', 'dev'), me: 'alice' },
      { type: 'message', msg: post('m2', 'dev', 'alice'), me: 'alice' },
      { type: 'message', msg: post('m3', 'lobby'), me: 'alice' },
    ], s);
    expect(s.rooms.dev.unread).toBe(4);
    expect(s.rooms.dev.last_id).toBe('m2');
    expect(s.rooms.lobby.unread).toBe(0);
    expect(s.timelines.dev.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  });

  it('resets on select and on read, and a fresh list keeps the shown room at zero', () => {
    let s = run([{ type: 'select', name: 'dev' }], base());
    expect(s.rooms.dev.unread).toBe(0);
    s = run([{ type: 'rooms', rooms: [room('dev', { unread: 7 }), room('lobby', { unread: 1 })] }], s);
    expect(s.rooms.dev.unread).toBe(0);
    expect(s.rooms.lobby.unread).toBe(1);
    s = roomsReducer(s, { type: 'read', room: 'lobby' });
    expect(s.rooms.lobby.unread).toBe(0);
    expect(roomsReducer(s, { type: 'read', room: 'lobby' })).toBe(s);
  });
});

describe('own posts', () => {
  it('go sending → delivered, and the echo with the server id is merged, not doubled', () => {
    let s = run([{ type: 'local_post', id: 'c1', room: 'lobby', text: 'hello', time_ms: 1000, me: 'alice' }], base());
    s = roomsReducer(s, { type: 'message', msg: post('m7', 'lobby', 'alice', 'hello', 1100), me: 'alice' });
    s = roomsReducer(s, { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'delivered', code: 200 } });
    const msgs = s.timelines.lobby.messages;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ id: 'c1', server_id: 'm7', status: 'delivered' });
  });

  it('fail with the reason and retry as a new sending message', () => {
    let s = run([
      { type: 'local_post', id: 'c1', room: 'lobby', text: 'x', time_ms: 1, me: 'alice' },
      { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'failed', code: 403, reason: 'not a member' } },
      { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'delivered', code: 200 } },
    ], base());
    expect(s.timelines.lobby.messages[0]).toMatchObject({ status: 'failed', code: 403, reason: 'not a member' });
    s = roomsReducer(s, { type: 'retry', old_id: 'c1', new_id: 'c2', time_ms: 2 });
    expect(s.timelines.lobby.messages.map((m) => [m.id, m.status])).toEqual([['c2', 'sending']]);
  });
});

describe('room events', () => {
  it('deleted removes the room and closes it when shown', () => {
    let s = run([{ type: 'select', name: 'lobby' }], base());
    s = roomsReducer(s, event('lobby', 'deleted', 'bob'));
    expect(s.rooms.lobby).toBeUndefined();
    expect(s.active).toBeNull();
  });

  it('joined and left by others change the count and a loaded member list', () => {
    let s = run([{ type: 'members', room: 'lobby', members: [member('bob'), member('alice'), member('zed', 'owner')] }], base());
    expect(s.members.lobby.map((m) => m.name)).toEqual(['zed', 'alice', 'bob']);
    s = roomsReducer(s, event('lobby', 'joined', 'carol'));
    expect(s.rooms.lobby.members).toBe(3);
    expect(s.members.lobby.map((m) => m.name)).toContain('carol');
    expect(roomsReducer(s, event('lobby', 'joined', 'carol'))).toBe(s);
    s = roomsReducer(s, event('lobby', 'left', 'bob'));
    expect(s.rooms.lobby.members).toBe(2);
    expect(s.members.lobby.map((m) => m.name)).not.toContain('bob');
  });

  it('left by me keeps a public room to browse and drops an invite-only one', () => {
    let s = run([{ type: 'room', room: room('secret', { visibility: 'invite' }) }, { type: 'select', name: 'lobby' }], base());
    s = roomsReducer(s, event('lobby', 'left', 'alice'));
    expect(s.rooms.lobby).toMatchObject({ joined: false, role: null });
    expect(s.active).toBeNull();
    s = roomsReducer(s, event('secret', 'left', 'alice'));
    expect(s.rooms.secret).toBeUndefined();
  });

  it('joined by me, invited, renamed and topic', () => {
    let s = roomsReducer(base(), event('open', 'invited', 'alice'));
    expect(s.rooms.open.invited).toBe(true);
    s = roomsReducer(s, event('open', 'joined', 'alice'));
    expect(s.rooms.open).toMatchObject({ joined: true, invited: false, role: 'member' });
    s = roomsReducer(s, event('open', 'renamed', 'bob', { title: 'Open space' }));
    s = roomsReducer(s, event('open', 'topic', 'bob', { topic: 'All welcome' }));
    expect([s.rooms.open.title, s.rooms.open.topic]).toEqual(['Open space', 'All welcome']);
    // Without the new values the frame changes nothing here (the client fetches the list).
    expect(roomsReducer(s, event('open', 'renamed', 'bob'))).toBe(s);
    expect(roomsReducer(s, event('nowhere', 'joined', 'bob'))).toBe(s);
  });

  it('parses room frames, with a null user', () => {
    expect(parseServerMsg('{"type":"room.event","room":"lobby","kind":"updated","user":null}')).toEqual({ type: 'room.event', room: 'lobby', kind: 'updated', user: '' });
    expect(parseServerMsg('{"type":"room.event","room":"lobby","kind":"exploded","user":"x"}')).toBeNull();
    expect(parseServerMsg('{"type":"room.message","id":"m1","room":null,"from":"sip:a@b","from_user":"a","to_user":null,"text":"x","time_ms":1}')).toBeNull();
  });
});

describe('member presence', () => {
  it('follows presence frames with status and note', () => {
    let s = run([{ type: 'members', room: 'lobby', members: [member('bob')] }], base());
    s = roomsReducer(s, { type: 'presence', changes: [{ user: 'bob', online: true, status: 'dnd', note: 'meeting' }] });
    expect(s.members.lobby[0].presence).toEqual({ status: 'dnd', note: 'meeting' });
    s = roomsReducer(s, { type: 'presence', changes: [{ user: 'bob', online: false }] });
    expect(s.members.lobby[0].presence.status).toBe('offline');
    expect(roomsReducer(s, { type: 'presence', changes: [{ user: 'nobody', online: true }] })).toBe(s);
  });
});
