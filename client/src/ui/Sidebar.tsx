// The left pane: rooms (coming later), a field to start a conversation with a
// user name or SIP URI, and the one-to-one conversations, most recent first.
import { useState } from 'preact/hooks';
import type { UserWithPresence } from '../api/types';
import { peerKey } from '../chat/peer';
import type { Conversation } from '../chat/state';
import { Avatar } from './Avatar';
import { peerTitle, shortWhen } from './format';

interface Props {
  conversations: Conversation[];
  users: UserWithPresence[];
  selected: string | null;
  onOpen: (peer: string) => void;
}

function preview(c: Conversation): string {
  const m = c.messages[c.messages.length - 1];
  if (!m) return 'No messages yet';
  return (m.direction === 'out' ? 'You: ' : '') + m.text.replace(/\s+/g, ' ');
}

export function NewConversation({ users, onOpen }: { users: UserWithPresence[]; onOpen: (peer: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const open = () => {
    const peer = peerKey(value, users);
    if (!peer) {
      setError('Type a user name or a SIP address (sip:name@host).');
      return;
    }
    setError(null);
    setValue('');
    onOpen(peer);
  };
  return (
    <div class="new-conv">
      <label for="new-conv-input" class="visually-hidden">New conversation: user name or SIP address</label>
      <input
        id="new-conv-input"
        data-testid="new-conversation-input"
        class="input"
        placeholder="Name or sip:user@host"
        autocomplete="off"
        autocapitalize="none"
        spellcheck={false}
        list="new-conv-users"
        value={value}
        aria-invalid={error !== null}
        aria-describedby="new-conv-error"
        onInput={(e) => { setValue(e.currentTarget.value); setError(null); }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            open();
          } else if (e.key === 'Escape') {
            setValue('');
            setError(null);
          }
        }}
      />
      <datalist id="new-conv-users">
        {users.map((u) => <option key={u.name} value={u.name}>{u.display_name}</option>)}
      </datalist>
      <div id="new-conv-error" class="field-error" aria-live="polite">{error}</div>
    </div>
  );
}

export function Sidebar({ conversations, users, selected, onOpen }: Props) {
  return (
    <nav class="pane pane-left" aria-label="Rooms and conversations">
      <section class="side-section" aria-labelledby="rooms-title">
        <h2 id="rooms-title" class="section-title">Rooms</h2>
        <div class="placeholder">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M4 5h16v11H8l-4 4z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" /></svg>
          <span>Rooms arrive soon</span>
        </div>
      </section>
      <section class="side-section side-conversations" aria-labelledby="conv-title">
        <h2 id="conv-title" class="section-title">Conversations</h2>
        <NewConversation users={users} onOpen={onOpen} />
        <ul class="conv-list" data-testid="conversation-list">
          {conversations.length === 0 && <li class="empty-hint">No conversations yet. Pick someone in the member list or type a name above.</li>}
          {conversations.map((c) => {
            const title = peerTitle(c.peer, users);
            const user = users.find((u) => u.name === c.peer);
            const last = c.messages[c.messages.length - 1];
            return (
              <li key={c.peer}>
                <button
                  type="button"
                  class={`conv-item${c.peer === selected ? ' is-selected' : ''}${c.unread > 0 ? ' has-unread' : ''}`}
                  data-testid="conversation"
                  data-peer={c.peer}
                  aria-current={c.peer === selected ? 'true' : undefined}
                  onClick={() => onOpen(c.peer)}
                >
                  <Avatar id={c.peer} title={title} online={user ? user.online : undefined} />
                  <span class="conv-main">
                    <span class="conv-top">
                      <span class="conv-title">{title}</span>
                      <span class="conv-time">{last ? shortWhen(last.time_ms) : ''}</span>
                    </span>
                    <span class="conv-bottom">
                      <span class="conv-preview">{preview(c)}</span>
                      {c.unread > 0 && (
                        <span class="badge" aria-label={`${c.unread} unread`}>
                          {c.unread > 99 ? '99+' : c.unread}
                        </span>
                      )}
                    </span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </section>
    </nav>
  );
}
