// What the app's engine (client.ts) offers and needs: its snapshot, its
// dependencies, and the small helpers the UI shares with it.
import { ApiError, type ApiClient } from '../api/http';
import type { ConnState, SocketLike } from '../api/connection';
import type { Session } from '../api/session';
import type { PresenceStatus } from '../api/types';
import { base64url, randomBytes } from '../crypto/encoding';
import type { RoomsState } from './rooms';
import type { ChatState } from './state';

export interface ClientSnapshot {
  chat: ChatState;
  rooms: RoomsState;
  conn: ConnState;
  retryAtMs: number | null;
  usersError: string | null;
  // The user's own presence as the server last reported it (presence frames, users list).
  own: { status: PresenceStatus; note: string } | null;
  // The last refused operation, for the error banner; null when dismissed.
  error: string | null;
  loadingOlder: boolean;
}

export interface ClientDeps {
  api: ApiClient;
  session: Session;
  storage: Storage | null;
  makeSocket: (url: string) => SocketLike;
  urlFor: (query: string) => string;
  now?: () => number;
  random?: () => number;
  onSessionEnded: (reason: string) => void;
  // Whether the page is shown (a room shown counts as read); default: document visibility.
  isVisible?: () => boolean;
}

export const MAX_TEXT = 16384;
// Marking read waits this long, so a burst of posts costs one request.
export const READ_DELAY_MS = 300;

export function newClientId(): string {
  return 'c' + base64url(randomBytes(12));
}

export function pageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState !== 'hidden';
}

// What a refusal says to people: the server's message, or the code.
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message || e.code;
  return e instanceof Error ? e.message : 'something went wrong';
}
