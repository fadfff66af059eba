// HTTP side of api.md: unsigned login, signed requests for everything else.
// fetch and the clock are injected so tests run without a server.
import { signedHeaders } from './signing';
import { makeSession, type Session } from './session';
import type { LoginResponse, User, UserWithPresence } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterS: number | null = null,
    readonly serverDateMs: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  // The session is gone for good, or unusable from this address/browser
  // (bound at login): show the login screen.
  get sessionEnded(): boolean {
    if (this.status === 401) return this.code === 'unknown_session' || this.code === 'session_expired';
    if (this.status === 403) return this.code === 'wrong_address' || this.code === 'wrong_browser';
    return false;
  }
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

const PREFIX = '/api/v1';

async function errorFrom(res: Response): Promise<ApiError> {
  let code = 'http_' + res.status;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    /* not JSON: keep the status line */
  }
  const ra = res.headers.get('Retry-After');
  const retry = ra !== null && /^\d+$/.test(ra.trim()) ? parseInt(ra, 10) : null;
  const date = Date.parse(res.headers.get('Date') ?? '');
  return new ApiError(res.status, code, message, retry, Number.isFinite(date) ? date : null);
}

export class ApiClient {
  // Called when a signed request answers that the session is over.
  onSessionEnded: ((err: ApiError) => void) | null = null;

  constructor(
    private readonly fetchFn: FetchFn,
    private readonly now: () => number = Date.now,
  ) {}

  async login(user: string, password: string): Promise<Session> {
    let res: Response;
    try {
      res = await this.fetchFn(PREFIX + '/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user, password }),
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, 'network', 'cannot reach the server');
    }
    if (!res.ok) throw await errorFrom(res);
    const body = (await res.json()) as LoginResponse;
    const s = makeSession(body.session_id, body.session_key, body.user, body.server_time_ms, this.now());
    if (!s) throw new ApiError(res.status, 'bad_response', 'the server sent an unusable session');
    return s;
  }

  // One signed request; `path` is below /api/v1 and may carry a query.
  // A stale_timestamp answer re-syncs the clock from the response's Date
  // header (the local clock jumped) and tries once more with a new nonce.
  async signed<T>(session: Session, method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.signedOnce<T>(session, method, path, body);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'stale_timestamp' || e.serverDateMs === null) throw e;
      session.clockOffsetMs = e.serverDateMs - this.now();
      return this.signedOnce<T>(session, method, path, body);
    }
  }

  private async signedOnce<T>(session: Session, method: string, path: string, body?: unknown): Promise<T> {
    const target = PREFIX + path;
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = signedHeaders(session.id, session.key, method, target, text, this.now() + session.clockOffsetMs);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(target, { method, headers, body: body === undefined ? undefined : text, credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'network', 'cannot reach the server');
    }
    if (!res.ok) {
      const err = await errorFrom(res);
      if (err.sessionEnded) this.onSessionEnded?.(err);
      throw err;
    }
    return (await res.json()) as T;
  }

  logout(s: Session): Promise<unknown> {
    return this.signed(s, 'POST', '/logout', {});
  }

  session(s: Session): Promise<{ user: User; idle_timeout_s: number; expires_at_ms: number }> {
    return this.signed(s, 'GET', '/session');
  }

  async users(s: Session): Promise<UserWithPresence[]> {
    const r = await this.signed<{ users?: unknown }>(s, 'GET', '/users');
    return Array.isArray(r.users) ? (r.users as UserWithPresence[]).filter((u) => u && typeof u.name === 'string') : [];
  }
}
