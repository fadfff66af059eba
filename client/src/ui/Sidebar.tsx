// The left pane: search, the rooms, a field to start a conversation with a
// user name or SIP URI, and the one-to-one conversations (most recent first,
// then buddies not talked to yet) with presence.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { UserWithPresence } from '../api/types';
import { peerKey } from '../chat/peer';
import type { Conversation } from '../chat/state';
import { Avatar } from './Avatar';
import { peerTitle, presenceLabel, shortWhen } from './format';

interface Props {
  conversations: Conversation[];
  buddies: string[];
  users: UserWithPresence[];
  selected: string | null;
  onOpen: (peer: string) => void;
  // Search and rooms, above the conversations.
  children?: ComponentChildren;
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

// Conversations first, then buddies without one, so every buddy is one click away.
export function conversationEntries(conversations: Conversation[], buddies: string[]): Conversation[] {
  const known = new Set(conversations.map((c) => c.peer));
  const rest = buddies.filter((b) => !known.has(b)).map((peer) => ({ peer, messages: [], unread: 0, last_ms: 0 }));
  return conversations.concat(rest);
}

function ConversationRow({ c, users, selected, buddy, onOpen }: { c: Conversation; users: UserWithPresence[]; selected: boolean; buddy: boolean; onOpen: () => void }) {
  const title = peerTitle(c.peer, users);
  const user = users.find((u) => u.name === c.peer);
  const last = c.messages[c.messages.length - 1];
  return (
    <li data-testid={`conversation-item-${c.peer}`} data-status={user ? user.status ?? (user.online ? 'available' : 'offline') : undefined}>
      <button
        type="button"
        class={`conv-item${selected ? ' is-selected' : ''}${c.unread > 0 ? ' has-unread' : ''}`}
        data-testid="conversation"
        data-peer={c.peer}
        aria-current={selected ? 'true' : undefined}
        onClick={onOpen}
      >
        <Avatar id={c.peer} title={title} online={user ? user.online : undefined} status={user?.status} />
        <span class="conv-main">
          <span class="conv-top">
            <span class="conv-title">{title}{buddy && <span class="buddy-star" title="Buddy" aria-label="(buddy)"> ★</span>}</span>
            <span class="conv-time">{last ? shortWhen(last.time_ms) : ''}</span>
          </span>
          <span class="conv-bottom">
            <span class="conv-preview">{last ? preview(c) : user ? presenceLabel(user) : 'No messages yet'}</span>
            {c.unread > 0 && (
              <span class="badge" aria-label={`${c.unread} unread`}>
                {c.unread > 99 ? '99+' : c.unread}
              </span>
            )}
          </span>
          {last && user && <span class="conv-status">{presenceLabel(user)}</span>}
        </span>
      </button>
    </li>
  );
}

export function Sidebar({ conversations, buddies, users, selected, onOpen, children }: Props) {
  const entries = conversationEntries(conversations, buddies);
  const isBuddy = new Set(buddies);
  return (
    <nav class="pane pane-left" aria-label="Rooms and conversations">
      {children}
      <section class="side-section side-conversations" aria-labelledby="conv-title">
        <h2 id="conv-title" class="section-title">Conversations</h2>
        <NewConversation users={users} onOpen={onOpen} />
        <ul class="conv-list" data-testid="conversation-list">
          {entries.length === 0 && <li class="empty-hint">No conversations yet. Pick someone in the member list or type a name above.</li>}
          {entries.map((c) => (
            <ConversationRow key={c.peer} c={c} users={users} selected={c.peer === selected} buddy={isBuddy.has(c.peer)} onOpen={() => onOpen(c.peer)} />
          ))}
        </ul>
      </section>
    </nav>
  );
}
