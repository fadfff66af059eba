// The top bar: app name, connection state, own status, theme switch and the user menu.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnState } from '../api/connection';
import type { PresenceStatus, SettableStatus, User } from '../api/types';
import { Avatar } from './Avatar';
import { StatusPicker } from './StatusPicker';
import { ThemeToggle } from './ThemeToggle';

interface Props {
  user: User;
  conn: ConnState;
  retryAtMs: number | null;
  onRetryNow: () => void;
  onLogout: () => void;
  own: { status: PresenceStatus; note: string } | null;
  onSetStatus: (status: SettableStatus, note: string) => void;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function ConnectionIndicator({ conn, retryAtMs, onRetryNow }: { conn: ConnState; retryAtMs: number | null; onRetryNow: () => void }) {
  const now = useNow(conn === 'reconnecting' && retryAtMs !== null);
  let label: string;
  switch (conn) {
    case 'connected':
      label = 'Connected';
      break;
    case 'connecting':
      label = 'Connecting…';
      break;
    case 'reconnecting':
      label = retryAtMs !== null && retryAtMs > now ? `Reconnecting in ${Math.ceil((retryAtMs - now) / 1000)} s` : 'Reconnecting…';
      break;
    default:
      label = 'Offline';
  }
  return (
    <div class="conn" data-testid="connection-state" data-state={conn} role="status" aria-live="polite">
      <span class={`conn-dot conn-${conn}`} aria-hidden="true" />
      <span class="conn-label">{label}</span>
      {conn === 'reconnecting' && (
        <button type="button" class="link-btn" onClick={onRetryNow}>
          Retry now
        </button>
      )}
    </div>
  );
}

function UserMenu({ user, onLogout }: { user: User; onLogout: () => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const first = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    first.current?.focus();
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const title = user.display_name || user.name;
  return (
    <div class="user-menu" ref={root}>
      <button
        type="button"
        ref={button}
        class="user-menu-btn"
        data-testid="user-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="user-menu-list"
        onClick={() => setOpen(!open)}
      >
        <Avatar id={user.name} title={title} size="sm" />
        <span class="user-menu-name">{title}</span>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path d="M7 10l5 5 5-5" fill="none" stroke="currentColor" stroke-width="2" /></svg>
      </button>
      {open && (
        <div class="menu" id="user-menu-list" role="menu">
          <div class="menu-info">
            <div class="menu-info-name">{title}</div>
            <div class="menu-info-uri">{user.uri}</div>
          </div>
          <button type="button" role="menuitem" ref={first} class="menu-item" data-testid="logout" onClick={() => { setOpen(false); onLogout(); }}>
            Log out
          </button>
        </div>
      )}
    </div>
  );
}

export function Header({ user, conn, retryAtMs, onRetryNow, onLogout, own, onSetStatus }: Props) {
  return (
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">P</span>
        <span class="brand-name">Parley</span>
      </div>
      <ConnectionIndicator conn={conn} retryAtMs={retryAtMs} onRetryNow={onRetryNow} />
      <StatusPicker own={own} onSet={onSetStatus} />
      <div class="topbar-actions">
        <ThemeToggle />
        <UserMenu user={user} onLogout={onLogout} />
      </div>
    </header>
  );
}
