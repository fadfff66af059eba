// The login form: name and password, the server's error text, a disabled
// button while waiting, and a countdown after too many attempts (429).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from '../api/http';
import type { Session } from '../api/session';
import { ThemeToggle } from './ThemeToggle';

interface Props {
  api: ApiClient;
  notice: string | null;
  onLoggedIn: (s: Session) => void;
}

export function LoginScreen({ api, notice, onLoggedIn }: Props) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryUntil, setRetryUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const userRef = useRef<HTMLInputElement>(null);

  useEffect(() => userRef.current?.focus(), []);

  useEffect(() => {
    if (retryUntil === null) return;
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= retryUntil) {
        setRetryUntil(null);
        setError(null);
      }
    }, 250);
    return () => clearInterval(t);
  }, [retryUntil]);

  const waitS = retryUntil === null ? 0 : Math.max(0, Math.ceil((retryUntil - now) / 1000));
  const shownError = retryUntil !== null ? `Too many attempts, retry in ${waitS} s.` : error;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || retryUntil !== null) return;
    if (!user.trim() || !password) {
      setError('Enter your name and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await api.login(user.trim(), password);
      setPassword('');
      onLoggedIn(s);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const n = Date.now();
        setNow(n);
        setRetryUntil(n + (err.retryAfterS ?? 60) * 1000);
      } else if (err instanceof ApiError && err.code === 'network') {
        setError('Cannot reach the server. Check your connection and try again.');
      } else {
        setError(err instanceof Error && err.message ? err.message : 'Login failed.');
      }
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <div class="login-theme"><ThemeToggle /></div>
      <main class="login-card" aria-labelledby="login-title">
        <div class="brand brand-large" aria-hidden="true">
          <span class="brand-mark">P</span>
        </div>
        <h1 id="login-title">Sign in to Parley</h1>
        {notice && <p class="login-notice" role="status">{notice}</p>}
        <form onSubmit={submit} noValidate>
          <label for="login-user">Name</label>
          <input
            id="login-user"
            ref={userRef}
            data-testid="login-user"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            value={user}
            onInput={(e) => setUser(e.currentTarget.value)}
          />
          <label for="login-password">Password</label>
          <input
            id="login-password"
            data-testid="login-password"
            type="password"
            name="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <div class="login-error" aria-live="assertive">
            {shownError && <span data-testid="login-error" role="alert">{shownError}</span>}
          </div>
          <button type="submit" class="btn btn-primary btn-block" data-testid="login-submit" disabled={busy || retryUntil !== null} aria-busy={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
