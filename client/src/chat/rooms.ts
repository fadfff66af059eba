// The rooms of the main screen and the pure reducer that changes them: the
// list (joined, invited and public rooms with unread counts), the active
// room, each room's timeline (history pages, live posts, own posts with their
// delivery state) and member list with live presence.
import type { Member, PresenceChange, Room, RoomEventMsg, RoomMessageMsg, StatusMsg } from '../api/types';
import { applyLive, applyPage, emptyTimeline, fromStored, type Timeline } from './history';
import type { ChatMessage } from './state';

export interface RoomsState {
  rooms: Record<string, Room>;
  timelines: Record<string, Timeline>;
  members: Record<string, Member[]>;
  active: string | null;
  loaded: boolean; // the list came from the server at least once
}

export type RoomAction =
  | { type: 'rooms'; rooms: Room[] }
  | { type: 'room'; room: Room }
  | { type: 'removed'; name: string }
  | { type: 'select'; name: string | null }
  | { type: 'page'; room: string; messages: ChatMessage[]; more: boolean; older: boolean }
  | { type: 'local_post'; id: string; room: string; text: string; time_ms: number; me: string }
  | { type: 'status'; msg: StatusMsg }
  | { type: 'message'; msg: RoomMessageMsg; me: string }
  | { type: 'event'; ev: RoomEventMsg; me: string }
  | { type: 'read'; room: string }
  | { type: 'members'; room: string; members: Member[] }
  | { type: 'presence'; changes: PresenceChange[] }
  | { type: 'retry'; old_id: string; new_id: string; time_ms: number };

export function emptyRooms(): RoomsState {
  return { rooms: {}, timelines: {}, members: {}, active: null, loaded: false };
}

function without<T>(rec: Record<string, T>, key: string): Record<string, T> {
  if (!(key in rec)) return rec;
  const next = { ...rec };
  delete next[key];
  return next;
}

function putRoom(s: RoomsState, r: Room): RoomsState {
  return { ...s, rooms: { ...s.rooms, [r.name]: r } };
}

function putTimeline(s: RoomsState, name: string, t: Timeline): RoomsState {
  return { ...s, timelines: { ...s.timelines, [name]: t } };
}

function timeline(s: RoomsState, name: string): Timeline {
  return s.timelines[name] ?? emptyTimeline();
}

function remove(s: RoomsState, name: string): RoomsState {
  return {
    ...s,
    rooms: without(s.rooms, name),
    timelines: without(s.timelines, name),
    members: without(s.members, name),
    active: s.active === name ? null : s.active,
  };
}

// Where an own post typed here is: room, index in its timeline.
function findOwn(s: RoomsState, id: string): [string, number] | null {
  for (const [name, t] of Object.entries(s.timelines)) {
    const i = t.messages.findIndex((m) => m.direction === 'out' && m.id === id && !m.elsewhere);
    if (i >= 0) return [name, i];
  }
  return null;
}

function withMessage(t: Timeline, i: number, m: ChatMessage): Timeline {
  const messages = t.messages.slice();
  messages[i] = m;
  return { ...t, messages };
}

function onStatus(s: RoomsState, msg: StatusMsg): RoomsState {
  const hit = findOwn(s, msg.id);
  if (!hit) return s;
  const [name, i] = hit;
  const t = s.timelines[name];
  const m = t.messages[i];
  if (m.status !== 'sending') return s; // the first final answer wins
  const next: ChatMessage = { ...m, status: msg.status };
  if (msg.status === 'failed') {
    next.code = msg.code;
    next.reason = msg.reason || (msg.code ? `error ${msg.code}` : 'not delivered');
  }
  return putTimeline(s, name, withMessage(t, i, next));
}

function onMessage(s: RoomsState, msg: RoomMessageMsg, me: string): RoomsState {
  const name = msg.room;
  const t = timeline(s, name);
  const m = fromStored(msg, me);
  const next = applyLive(t, m);
  if (next === t) return s; // seen already
  let out = putTimeline(s, name, next);
  const r = s.rooms[name];
  if (r) {
    const unread = m.direction === 'in' && s.active !== name ? r.unread + 1 : r.unread;
    out = putRoom(out, { ...r, unread, last_id: msg.id });
  }
  return out;
}

function memberCount(r: Room, delta: number): Room {
  return { ...r, members: Math.max(0, r.members + delta) };
}

// A room.event: what can be known from the frame alone. The client also
// fetches the room list or members again where the frame does not carry it.
function onEvent(s: RoomsState, ev: RoomEventMsg, me: string): RoomsState {
  const r = s.rooms[ev.room];
  if (ev.kind === 'deleted') return remove(s, ev.room);
  if (!r) return s;
  const mine = ev.user === me;
  const members = s.members[ev.room];
  switch (ev.kind) {
    case 'joined': {
      if (mine) return putRoom(s, { ...r, joined: true, invited: false, role: r.role ?? 'member' });
      if (members?.some((x) => x.name === ev.user)) return s;
      const added: Member = { name: ev.user, display_name: ev.user, role: 'member', presence: { status: 'offline', note: '' } };
      const next = putRoom(s, memberCount(r, 1));
      return members ? { ...next, members: { ...next.members, [ev.room]: members.concat(added) } } : next;
    }
    case 'left': {
      if (mine) {
        if (r.visibility === 'invite') return remove(s, ev.room);
        const next = putRoom(s, { ...r, joined: false, role: null, unread: 0 });
        return { ...next, members: without(s.members, ev.room), active: s.active === ev.room ? null : s.active };
      }
      const next = putRoom(s, memberCount(r, -1));
      return members ? { ...next, members: { ...next.members, [ev.room]: members.filter((x) => x.name !== ev.user) } } : next;
    }
    case 'renamed':
      return ev.title !== undefined ? putRoom(s, { ...r, title: ev.title || r.name }) : s;
    case 'topic':
      return ev.topic !== undefined ? putRoom(s, { ...r, topic: ev.topic }) : s;
    case 'invited':
      return mine && !r.joined ? putRoom(s, { ...r, invited: true }) : s;
    default:
      return s;
  }
}

function onPresence(s: RoomsState, changes: PresenceChange[]): RoomsState {
  const latest = new Map(changes.map((c) => [c.user, c]));
  let changed = false;
  const members: Record<string, Member[]> = {};
  for (const [room, list] of Object.entries(s.members)) {
    members[room] = list.map((m) => {
      const c = latest.get(m.name);
      if (!c) return m;
      changed = true;
      const status = c.status ?? (c.online ? (m.presence.status === 'offline' ? 'available' : m.presence.status) : 'offline');
      return { ...m, presence: { status, note: c.note ?? m.presence.note } };
    });
  }
  return changed ? { ...s, members } : s;
}

function onRetry(s: RoomsState, a: { old_id: string; new_id: string; time_ms: number }): RoomsState {
  const hit = findOwn(s, a.old_id);
  if (!hit) return s;
  const [name, i] = hit;
  const t = s.timelines[name];
  const m = t.messages[i];
  if (m.status !== 'failed') return s;
  const messages = t.messages.filter((_, j) => j !== i);
  messages.push({ id: a.new_id, direction: 'out', text: m.text, time_ms: a.time_ms, status: 'sending', from: m.from });
  return putTimeline(s, name, { ...t, messages });
}

export function roomsReducer(s: RoomsState, a: RoomAction): RoomsState {
  switch (a.type) {
    case 'rooms': {
      const rooms: Record<string, Room> = {};
      for (const r of a.rooms) rooms[r.name] = s.active === r.name ? { ...r, unread: 0 } : r;
      const active = s.active && rooms[s.active] ? s.active : null;
      return { ...s, rooms, active, loaded: true };
    }
    case 'room':
      return putRoom(s, s.active === a.room.name ? { ...a.room, unread: 0 } : a.room);
    case 'removed':
      return remove(s, a.name);
    case 'select': {
      if (a.name === null) return s.active === null ? s : { ...s, active: null };
      const r = s.rooms[a.name];
      const next = { ...s, active: a.name };
      return r && r.unread ? putRoom(next, { ...r, unread: 0 }) : next;
    }
    case 'page':
      return putTimeline(s, a.room, applyPage(timeline(s, a.room), a.messages, a.more, a.older));
    case 'local_post': {
      if (findOwn(s, a.id)) return s;
      const t = timeline(s, a.room);
      const m: ChatMessage = { id: a.id, direction: 'out', text: a.text, time_ms: a.time_ms, status: 'sending', from: a.me };
      return putTimeline(s, a.room, { ...t, messages: t.messages.concat(m) });
    }
    case 'status':
      return onStatus(s, a.msg);
    case 'message':
      return onMessage(s, a.msg, a.me);
    case 'event':
      return onEvent(s, a.ev, a.me);
    case 'read': {
      const r = s.rooms[a.room];
      return r && r.unread ? putRoom(s, { ...r, unread: 0 }) : s;
    }
    case 'members':
      return { ...s, members: { ...s.members, [a.room]: a.members.slice().sort(byRoleThenName) } };
    case 'presence':
      return onPresence(s, a.changes);
    case 'retry':
      return onRetry(s, a);
  }
}

const ROLE_ORDER = { owner: 0, admin: 1, member: 2 } as const;

function byRoleThenName(a: Member, b: Member): number {
  const ra = a.role ? ROLE_ORDER[a.role] : 3;
  const rb = b.role ? ROLE_ORDER[b.role] : 3;
  return ra - rb || a.display_name.localeCompare(b.display_name) || a.name.localeCompare(b.name);
}

// The rooms the user is in, by title; then the ones it is invited to.
export function joinedRooms(s: RoomsState): Room[] {
  return Object.values(s.rooms)
    .filter((r) => r.joined)
    .sort((a, b) => a.title.localeCompare(b.title) || a.name.localeCompare(b.name));
}

export function invitedRooms(s: RoomsState): Room[] {
  return Object.values(s.rooms).filter((r) => !r.joined && r.invited).sort((a, b) => a.name.localeCompare(b.name));
}

// Public rooms the user could join.
export function browsableRooms(s: RoomsState): Room[] {
  return Object.values(s.rooms).filter((r) => !r.joined).sort((a, b) => a.title.localeCompare(b.title) || a.name.localeCompare(b.name));
}

export function roomsUnread(s: RoomsState): number {
  return Object.values(s.rooms).reduce((n, r) => n + (r.joined ? r.unread : 0), 0);
}

export function canManage(r: Room | undefined): boolean {
  return r?.role === 'owner' || r?.role === 'admin';
}
