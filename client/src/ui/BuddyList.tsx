// The right pane while no room is open: the community's users with live
// presence (status and note); a click opens the conversation with that user.
import type { UserWithPresence } from '../api/types';
import { Avatar } from './Avatar';
import { presenceLabel } from './format';

interface Props {
  users: UserWithPresence[];
  me: string;
  error: string | null;
  onOpen: (peer: string) => void;
  onReload: () => void;
}

export function BuddyList({ users, me, error, onOpen, onReload }: Props) {
  const self = users.filter((u) => u.name === me);
  const others = users.filter((u) => u.name !== me);
  const online = others.filter((u) => u.online);
  const offline = others.filter((u) => !u.online);
  const row = (u: UserWithPresence) => (
    <li key={u.name}>
      <button
        type="button"
        class="buddy"
        data-testid="buddy"
        data-user={u.name}
        data-online={u.online ? 'true' : 'false'}
        data-status={u.status ?? (u.online ? 'available' : 'offline')}
        onClick={() => onOpen(u.name)}
        title={`Chat with ${u.display_name || u.name} (${u.uri})`}
      >
        <Avatar id={u.name} title={u.display_name || u.name} online={u.online} status={u.status} size="sm" />
        <span class="buddy-text">
          <span class="buddy-name">{u.display_name || u.name}{u.name === me ? ' (you)' : ''}</span>
          <span class="buddy-state">{presenceLabel(u)}</span>
        </span>
      </button>
    </li>
  );
  return (
    <aside class="pane pane-right" aria-labelledby="members-title">
      <h2 id="members-title" class="section-title">
        Members <span class="count">{online.length + self.filter((u) => u.online).length} online</span>
      </h2>
      {error && (
        <div class="inline-error" role="alert">
          {error}{' '}
          <button type="button" class="link-btn" onClick={onReload}>Try again</button>
        </div>
      )}
      <ul class="buddy-list" data-testid="buddy-list">
        {self.map(row)}
        {online.map(row)}
        {offline.map(row)}
        {others.length === 0 && !error && <li class="empty-hint">No other members yet.</li>}
      </ul>
    </aside>
  );
}
