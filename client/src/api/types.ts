// The JSON shapes of api.md v1, as the browser sees them. Unknown fields are
// ignored; everything from the server is checked before use (see guards).

export interface User {
  name: string;
  display_name: string;
  uri: string;
}

export interface UserWithPresence extends User {
  online: boolean;
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
export interface PresenceChange { user: string; online: boolean }
// api.md `presence`: one user's change, or several at once in `users`;
// parseServerMsg turns both into `changes`.
export interface PresenceMsg { type: 'presence'; changes: PresenceChange[] }
export interface ErrorMsg { type: 'error'; code: string; message?: string; seq?: number }

export type ServerMsg = HelloMsg | PongMsg | StatusMsg | IncomingMsg | PresenceMsg | ErrorMsg;

export type ClientMsg =
  | { type: 'ping' }
  | { type: 'message.send'; id: string; to: string; text: string }
  | { type: 'message.ack'; id: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrOrNull = (v: unknown) => v === null || v === undefined || isStr(v);

export function isUser(v: unknown): v is User {
  return isObj(v) && isStr(v.name) && isStr(v.uri) && (v.display_name === undefined || isStr(v.display_name));
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
      const isChange = (c: unknown): c is PresenceChange =>
        isObj(c) && isStr(c.user) && typeof c.online === 'boolean';
      if (Array.isArray(v.users)) {
        return v.users.every(isChange) ? { type: 'presence', changes: v.users } : null;
      }
      return isChange(v) ? { type: 'presence', changes: [{ user: v.user, online: v.online }] } : null;
    }
    case 'error':
      return isStr(v.code) ? (v as unknown as ErrorMsg) : null;
    default:
      return null;
  }
}
