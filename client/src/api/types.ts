// The JSON shapes of api.md v1, as the browser sees them. Unknown fields are
// ignored; everything from the server is checked before use (see guards).

export interface User {
  name: string;
  display_name: string;
  uri: string;
}

// api.md presence status; `offline` and `on_the_phone` are set by the server only.
export type PresenceStatus = 'offline' | 'available' | 'away' | 'busy' | 'dnd' | 'on_the_phone';
export const SETTABLE_STATUSES = ['available', 'away', 'busy', 'dnd'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export interface UserWithPresence extends User {
  online: boolean;
  status?: PresenceStatus;
  note?: string;
}

export type RoomRole = 'owner' | 'admin' | 'member';

// api.md room object.
export interface Room {
  name: string;
  title: string;
  topic: string;
  visibility: 'public' | 'invite';
  uri: string;
  role: RoomRole | null;
  joined: boolean;
  invited?: boolean;
  members: number;
  unread: number;
  last_id: string | null;
}

// A room member or a buddy, with live presence.
export interface Member {
  name: string;
  display_name: string;
  role: RoomRole | null;
  presence: { status: PresenceStatus; note: string };
}

// api.md stored message (history pages, search hits, room.message).
export interface StoredMessage {
  id: string;
  room: string | null;
  from: string;
  from_user: string | null;
  to_user: string | null;
  text: string;
  time_ms: number;
}

export interface LoginResponse {
  session_id: string;
  session_key: string;
  user: User;
  idle_timeout_s: number;
  max_age_s: number;
  server_time_ms: number;
}

export interface HelloMsg { type: 'hello'; api: number; user: User; last_seq: number; server_time_ms: number }
export interface PongMsg { type: 'pong'; server_time_ms: number }
export interface StatusMsg { type: 'message.status'; id: string; status: 'delivered' | 'failed'; code?: number; reason?: string }
export interface IncomingMsg {
  type: 'message';
  id: string;
  direction: 'in' | 'out';
  from: string;
  from_user: string | null;
  to: string;
  to_user: string | null;
  text: string;
  content_type?: string;
  time_ms: number;
}
export interface PresenceChange { user: string; online: boolean; status?: PresenceStatus; note?: string }
// api.md `presence`: one user's change, or several at once in `users`;
// parseServerMsg turns both into `changes`.
export interface PresenceMsg { type: 'presence'; changes: PresenceChange[] }
export interface RoomMessageMsg extends StoredMessage { type: 'room.message'; room: string }
export type RoomEventKind = 'joined' | 'left' | 'renamed' | 'topic' | 'deleted' | 'invited' | 'updated';
export interface RoomEventMsg { type: 'room.event'; room: string; kind: RoomEventKind; user: string; title?: string; topic?: string }
export interface ErrorMsg { type: 'error'; code: string; message?: string; seq?: number }

export type ServerMsg = HelloMsg | PongMsg | StatusMsg | IncomingMsg | PresenceMsg | RoomMessageMsg | RoomEventMsg | ErrorMsg;

export type ClientMsg =
  | { type: 'ping' }
  | { type: 'message.send'; id: string; to: string; text: string }
  | { type: 'message.ack'; id: string }
  | { type: 'room.post'; id: string; room: string; text: string }
  | { type: 'presence.set'; status: SettableStatus; note: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrOrNull = (v: unknown) => v === null || v === undefined || isStr(v);

export function isUser(v: unknown): v is User {
  return isObj(v) && isStr(v.name) && isStr(v.uri) && (v.display_name === undefined || isStr(v.display_name));
}

const STATUSES: readonly string[] = ['offline', 'available', 'away', 'busy', 'dnd', 'on_the_phone'];
const ROOM_EVENTS: readonly RoomEventKind[] = ['joined', 'left', 'renamed', 'topic', 'deleted', 'invited', 'updated'];

export function isStatus(v: unknown): v is PresenceStatus {
  return isStr(v) && STATUSES.includes(v);
}

// One presence change: `online` alone (older servers), `status` alone, or both.
function presenceChange(c: unknown): PresenceChange | null {
  if (!isObj(c) || !isStr(c.user)) return null;
  const status = isStatus(c.status) ? c.status : undefined;
  let online: boolean;
  if (typeof c.online === 'boolean') online = c.online;
  else if (status) online = status !== 'offline';
  else return null;
  const out: PresenceChange = { user: c.user, online };
  if (status) out.status = status;
  if (status || isStr(c.note)) out.note = isStr(c.note) ? c.note : '';
  return out;
}

export function isStoredMessage(v: unknown): v is StoredMessage {
  return isObj(v) && isStr(v.id) && isStr(v.from) && isStr(v.text) && isNum(v.time_ms) &&
    isStrOrNull(v.room) && isStrOrNull(v.from_user) && isStrOrNull(v.to_user);
}

function isRole(v: unknown): v is RoomRole {
  return v === 'owner' || v === 'admin' || v === 'member';
}

// A room object from the server, with defaults for missing optional fields; null when unusable.
export function toRoom(v: unknown): Room | null {
  if (!isObj(v) || !isStr(v.name) || !v.name) return null;
  return {
    name: v.name,
    title: isStr(v.title) && v.title ? v.title : v.name,
    topic: isStr(v.topic) ? v.topic : '',
    visibility: v.visibility === 'invite' ? 'invite' : 'public',
    uri: isStr(v.uri) ? v.uri : '',
    role: isRole(v.role) ? v.role : null,
    joined: v.joined === true,
    invited: v.invited === true,
    members: isNum(v.members) ? v.members : 0,
    unread: isNum(v.unread) ? v.unread : 0,
    last_id: isStr(v.last_id) && v.last_id ? v.last_id : null,
  };
}

export function toMember(v: unknown): Member | null {
  if (!isObj(v) || !isStr(v.name)) return null;
  const p = isObj(v.presence) ? v.presence : {};
  return {
    name: v.name,
    display_name: isStr(v.display_name) && v.display_name ? v.display_name : v.name,
    role: isRole(v.role) ? v.role : null,
    presence: { status: isStatus(p.status) ? p.status : 'offline', note: isStr(p.note) ? p.note : '' },
  };
}

// Parses one server frame; null when it is not JSON or not a known, well-formed message.
export function parseServerMsg(text: string): ServerMsg | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(v) || !isStr(v.type)) return null;
  switch (v.type) {
    case 'hello':
      return isNum(v.last_seq) && isUser(v.user) ? (v as unknown as HelloMsg) : null;
    case 'pong':
      return v as unknown as PongMsg;
    case 'message.status':
      return isStr(v.id) && (v.status === 'delivered' || v.status === 'failed') ? (v as unknown as StatusMsg) : null;
    case 'message':
      return isStr(v.id) && (v.direction === 'in' || v.direction === 'out') && isStr(v.from) && isStr(v.to) &&
        isStr(v.text) && isStrOrNull(v.from_user) && isStrOrNull(v.to_user)
        ? (v as unknown as IncomingMsg)
        : null;
    case 'presence': {
      if (Array.isArray(v.users)) {
        const changes = v.users.map(presenceChange);
        return changes.every((c) => c !== null) ? { type: 'presence', changes: changes as PresenceChange[] } : null;
      }
      const c = presenceChange(v);
      return c ? { type: 'presence', changes: [c] } : null;
    }
    case 'room.message':
      return isStoredMessage(v) && isStr(v.room) ? ({ ...v, type: 'room.message' } as RoomMessageMsg) : null;
    case 'room.event':
      return isStr(v.room) && isStr(v.kind) && ROOM_EVENTS.includes(v.kind as RoomEventKind) && isStrOrNull(v.user)
        ? ({ ...v, user: v.user ?? '' } as unknown as RoomEventMsg)
        : null;
    case 'error':
      return isStr(v.code) ? (v as unknown as ErrorMsg) : null;
    default:
      return null;
  }
}
