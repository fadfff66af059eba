// The logged-in session of this tab: id, key, user and the clock offset to
// the server. Kept in memory and in sessionStorage (per tab, so a reload keeps
// it); never in a cookie or localStorage.
import { fromBase64url } from '../crypto/encoding';
import { isUser, type User } from './types';

export interface Session {
  id: string;
  key: Uint8Array;
  keyText: string;
  user: User;
  // server time minus local time, in ms: added to Date.now() for timestamps.
  clockOffsetMs: number;
}

const KEY = 'parley.session';

export function makeSession(id: string, keyText: string, user: User, serverTimeMs: number, nowMs: number): Session | null {
  const key = fromBase64url(keyText);
  if (!key || key.length !== 32 || !id) return null;
  return { id, key, keyText, user, clockOffsetMs: Number.isFinite(serverTimeMs) ? serverTimeMs - nowMs : 0 };
}

export function saveSession(storage: Storage, s: Session): void {
  try {
    storage.setItem(KEY, JSON.stringify({ id: s.id, key: s.keyText, user: s.user, offset: s.clockOffsetMs }));
  } catch {
    /* storage full or disabled: the session lives in memory only */
  }
}

export function loadSession(storage: Storage): Session | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as { id?: unknown; key?: unknown; user?: unknown; offset?: unknown };
    if (typeof v.id !== 'string' || typeof v.key !== 'string' || !isUser(v.user)) return null;
    const key = fromBase64url(v.key);
    if (!key || key.length !== 32) return null;
    return { id: v.id, key, keyText: v.key, user: v.user, clockOffsetMs: typeof v.offset === 'number' ? v.offset : 0 };
  } catch {
    return null;
  }
}

export function clearSession(storage: Storage): void {
  try {
    storage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}
