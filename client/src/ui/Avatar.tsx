// A round avatar with initials and an optional presence dot (its colour
// follows the status: available, away, busy, do-not-disturb, on the phone).
import type { PresenceStatus } from '../api/types';
import { avatarColour, initials } from './format';

interface Props {
  id: string;
  title: string;
  online?: boolean;
  status?: PresenceStatus;
  size?: 'sm' | 'md';
}

export function Avatar({ id, title, online, status, size = 'md' }: Props) {
  const shown = online === undefined && status === undefined ? undefined : status ?? (online ? 'available' : 'offline');
  return (
    <span class={`avatar avatar-${size}`} style={{ backgroundColor: avatarColour(id) }} aria-hidden="true">
      {initials(title)}
      {shown !== undefined && <span class={`presence-dot ${shown === 'offline' ? 'is-offline' : 'is-online'} st-${shown}`} />}
    </span>
  );
}
