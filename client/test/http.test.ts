import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from '../src/api/http';
import { signHttp } from '../src/api/signing';
import { loadSession, saveSession, clearSession } from '../src/api/session';
import { fakeFetch, jsonResponse, KEY_TEXT, MemoryStorage, testSession } from './helpers';

const LOGIN_OK = {
  session_id: '3q2-7wAAAAAAAAAAAAAAAA', session_key: KEY_TEXT,
  user: { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost' },
  idle_timeout_s: 1800, max_age_s: 43200, server_time_ms: 1_796_000_010_000,
};

describe('ApiClient', () => {
  it('logs in without signing and keeps the clock offset', async () => {
    const { fn, calls } = fakeFetch(() => jsonResponse(200, LOGIN_OK));
    const api = new ApiClient(fn, () => 1_796_000_000_000);
    const s = await api.login('alice', 'alice-pw');
    expect(calls[0].url).toBe('/api/v1/login');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(calls[0].init.body as string)).toEqual({ user: 'alice', password: 'alice-pw' });
    expect(Object.keys(calls[0].init.headers as object)).not.toContain('X-Parley-Signature');
    expect(s.id).toBe(LOGIN_OK.session_id);
    expect(s.key).toHaveLength(32);
    expect(s.clockOffsetMs).toBe(10_000);
  });

  it('turns an error body into ApiError with code and message', async () => {
    const { fn } = fakeFetch(() => jsonResponse(401, { error: { code: 'bad_credentials', message: 'wrong user or password' } }));
    const err = await new ApiClient(fn).login('a', 'b').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.code, err.message]).toEqual([401, 'bad_credentials', 'wrong user or password']);
  });

  it('reads Retry-After of a 429', async () => {
    const { fn } = fakeFetch(() => jsonResponse(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '42' }));
    const err = (await new ApiClient(fn).login('a', 'b').catch((e) => e)) as ApiError;
    expect([err.code, err.retryAfterS]).toEqual(['rate_limited', 42]);
  });

  it('refuses a login answer with an unusable key', async () => {
    const { fn } = fakeFetch(() => jsonResponse(200, { ...LOGIN_OK, session_key: 'short' }));
    await expect(new ApiClient(fn).login('a', 'b')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('signs requests with the four headers, server-corrected time and the body hash', async () => {
    const { fn, calls } = fakeFetch(() => jsonResponse(200, {}));
    const session = { ...testSession(), clockOffsetMs: 2500 };
    await new ApiClient(fn, () => 1_796_000_000_000).logout(session);
    const h = calls[0].init.headers as Record<string, string>;
    expect(calls[0].url).toBe('/api/v1/logout');
    expect(h['X-Parley-Session']).toBe(session.id);
    expect(h['X-Parley-Timestamp']).toBe('1796000002500');
    expect(h['X-Parley-Nonce']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(calls[0].init.body).toBe('{}');
    expect(h['X-Parley-Signature']).toBe(signHttp(session.key, 'POST', '/api/v1/logout', '1796000002500', h['X-Parley-Nonce'], '{}'));
  });

  it('uses a fresh nonce per request and the empty-body hash for GET', async () => {
    const { fn, calls } = fakeFetch(() => jsonResponse(200, { users: [{ name: 'bob', display_name: 'Bob', uri: 'sip:bob@localhost', online: true }] }));
    const api = new ApiClient(fn, () => 5);
    const s = testSession();
    const users = await api.users(s);
    await api.users(s);
    expect(users.map((u) => u.name)).toEqual(['bob']);
    const [a, b] = calls.map((c) => c.init.headers as Record<string, string>);
    expect(a['X-Parley-Nonce']).not.toBe(b['X-Parley-Nonce']);
    expect(a['X-Parley-Signature']).toBe(signHttp(s.key, 'GET', '/api/v1/users', '5', a['X-Parley-Nonce'], ''));
    expect(calls[0].init.body).toBeUndefined();
  });

  it('reports an ended or unusable session (unknown_session, session_expired, wrong_address, wrong_browser) only', async () => {
    const cases = [[401, 'unknown_session', true], [401, 'session_expired', true], [401, 'bad_signature', false],
      [401, 'stale_timestamp', false], [403, 'wrong_address', true], [403, 'wrong_browser', true], [429, 'rate_limited', false]] as const;
    for (const [status, code, ended] of cases) {
      const { fn } = fakeFetch(() => jsonResponse(status, { error: { code, message: code } }));
      const api = new ApiClient(fn);
      const seen = vi.fn();
      api.onSessionEnded = seen;
      await expect(api.users(testSession())).rejects.toMatchObject({ code });
      expect(seen).toHaveBeenCalledTimes(ended ? 1 : 0);
    }
  });

  it('re-syncs the clock from Date after stale_timestamp and retries once', async () => {
    let n = 0;
    const { fn, calls } = fakeFetch(() =>
      ++n === 1
        ? jsonResponse(401, { error: { code: 'stale_timestamp', message: 'clock' } }, { Date: 'Wed, 01 Dec 2027 00:00:00 GMT' })
        : jsonResponse(200, { users: [] }));
    const s = testSession();
    await new ApiClient(fn, () => 1_796_000_000_000).users(s);
    const serverMs = Date.parse('Wed, 01 Dec 2027 00:00:00 GMT');
    expect(s.clockOffsetMs).toBe(serverMs - 1_796_000_000_000);
    const [a, b] = calls.map((c) => c.init.headers as Record<string, string>);
    expect(b['X-Parley-Timestamp']).toBe(String(serverMs));
    expect(b['X-Parley-Nonce']).not.toBe(a['X-Parley-Nonce']);
    expect(calls).toHaveLength(2);
  });

  it('does not retry a second stale_timestamp', async () => {
    const { fn, calls } = fakeFetch(() =>
      jsonResponse(401, { error: { code: 'stale_timestamp', message: 'clock' } }, { Date: 'Wed, 01 Dec 2027 00:00:00 GMT' }));
    await expect(new ApiClient(fn).users(testSession())).rejects.toMatchObject({ code: 'stale_timestamp' });
    expect(calls).toHaveLength(2);
  });

  it('maps a network failure to ApiError network', async () => {
    const api = new ApiClient(async () => { throw new TypeError('failed'); });
    await expect(api.login('a', 'b')).rejects.toMatchObject({ code: 'network', status: 0 });
  });
});

describe('session storage', () => {
  it('round-trips through sessionStorage and clears', () => {
    const st = new MemoryStorage();
    saveSession(st, testSession());
    const back = loadSession(st)!;
    expect(back.id).toBe(testSession().id);
    expect(Array.from(back.key)).toEqual(Array.from(testSession().key));
    clearSession(st);
    expect(loadSession(st)).toBeNull();
  });
  it('refuses a stored key of the wrong size', () => {
    const st = new MemoryStorage();
    st.setItem('parley.session', JSON.stringify({ id: 'x', key: 'AAAA', user: { name: 'a', uri: 'sip:a@b' } }));
    expect(loadSession(st)).toBeNull();
  });
});
