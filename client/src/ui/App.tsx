// Top of the UI: the login screen or the main screen, and the move between
// them (login, logout, a session that ended on the server).
import { useCallback, useMemo, useState } from 'preact/hooks';
import { ApiClient, type ApiError } from '../api/http';
import { clearSession, loadSession, saveSession, type Session } from '../api/session';
import { LoginScreen } from './LoginScreen';
import { MainScreen } from './MainScreen';

function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

export function endReasonText(reason: string): string {
  switch (reason) {
    case 'logged_out':
      return 'You were logged out.';
    case 'session_expired':
      return 'Your session expired. Please log in again.';
    case 'unknown_session':
      return 'Your session ended (the server may have restarted). Please log in again.';
    case 'wrong_address':
      return 'Your network address changed, so this session cannot be used any more. Please log in again.';
    case 'wrong_browser':
      return 'This session belongs to another browser. Please log in again.';
    default:
      return 'Your session ended. Please log in again.';
  }
}

export function App() {
  const storage = useMemo(tabStorage, []);
  const api = useMemo(() => new ApiClient((input, init) => window.fetch(input, init)), []);
  const [session, setSession] = useState<Session | null>(() => (storage ? loadSession(storage) : null));
  const [notice, setNotice] = useState<string | null>(null);

  const ended = useCallback(
    (reason: string) => {
      if (storage) clearSession(storage);
      setSession(null);
      setNotice(endReasonText(reason));
    },
    [storage],
  );
  api.onSessionEnded = (err: ApiError) => ended(err.code);

  const loggedIn = (s: Session) => {
    if (storage) saveSession(storage, s);
    setNotice(null);
    setSession(s);
  };

  const loggedOut = () => {
    if (storage) clearSession(storage);
    setSession(null);
    setNotice(null);
  };

  if (!session) return <LoginScreen api={api} notice={notice} onLoggedIn={loggedIn} />;
  return <MainScreen key={session.id} api={api} session={session} storage={storage} onLoggedOut={loggedOut} onSessionEnded={ended} />;
}
