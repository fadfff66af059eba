// The right pane while a room is open: its topic, the settings owners and
// admins may change (title, topic, visibility, invitations, deletion), the
// members with their role and live presence, and the way out (leave).
import { useEffect, useState } from 'preact/hooks';
import type { RoomChange } from '../api/chat_api';
import type { Member, Room } from '../api/types';
import { canManage } from '../chat/rooms';
import { Avatar } from './Avatar';
import { presenceText } from './format';

interface Props {
  room: Room;
  members: Member[] | undefined;
  me: string;
  buddies: string[];
  onChat: (user: string) => void;
  onAddBuddy: (user: string) => void;
  onLeave: () => void;
  onUpdate: (change: RoomChange) => Promise<boolean>;
  onInvite: (user: string) => Promise<boolean>;
  onDelete: () => void;
  onBack: () => void; // narrow screens: back to the room's timeline
}

function Settings({ room, onUpdate, onInvite, onDelete }: Pick<Props, 'room' | 'onUpdate' | 'onInvite' | 'onDelete'>) {
  const [title, setTitle] = useState(room.title);
  const [topic, setTopic] = useState(room.topic);
  const [visibility, setVisibility] = useState(room.visibility);
  const [invitee, setInvitee] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    setTitle(room.title);
    setTopic(room.topic);
    setVisibility(room.visibility);
  }, [room.name, room.title, room.topic, room.visibility]);

  const save = async () => {
    const change: RoomChange = {};
    if (title.trim() && title.trim() !== room.title) change.title = title.trim();
    if (topic !== room.topic) change.topic = topic;
    if (visibility !== room.visibility) change.visibility = visibility;
    if (Object.keys(change).length === 0) return;
    if (await onUpdate(change)) setSaved('Saved.');
  };
  const invite = async () => {
    const who = invitee.trim().toLowerCase();
    if (!who) return;
    if (await onInvite(who)) {
      setInvitee('');
      setSaved(`Invited ${who}.`);
    }
  };
  return (
    <div class="room-settings-form" data-testid="room-settings-form">
      <form onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <label for="room-title-input">Title</label>
        <input id="room-title-input" class="input" data-testid="room-title-input" maxLength={100} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        <label for="room-topic-input">Topic</label>
        <input id="room-topic-input" class="input" data-testid="room-topic-input" maxLength={500} value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
        <label for="room-visibility-input">Who can join</label>
        <select id="room-visibility-input" class="input" data-testid="room-visibility-input" value={visibility}
          onChange={(e) => setVisibility(e.currentTarget.value === 'invite' ? 'invite' : 'public')}>
          <option value="public">Anyone (public)</option>
          <option value="invite">Invited people only</option>
        </select>
        <button type="submit" class="btn btn-primary" data-testid="room-settings-save">Save</button>
      </form>
      <form class="inline-form" onSubmit={(e) => { e.preventDefault(); void invite(); }}>
        <label for="room-invite-input" class="visually-hidden">Invite a user</label>
        <input id="room-invite-input" class="input" data-testid="room-invite-input" placeholder="Invite a user by name" autocapitalize="none"
          autocomplete="off" value={invitee} onInput={(e) => setInvitee(e.currentTarget.value)} />
        <button type="submit" class="btn btn-quiet" data-testid="room-invite-submit">Invite</button>
      </form>
      <div class="field-note" role="status">{saved}</div>
      {confirming ? (
        <div class="danger-zone">
          <span>Delete this room and its history for everyone?</span>
          <button type="button" class="btn btn-danger" data-testid="room-delete-confirm" onClick={onDelete}>Delete</button>
          <button type="button" class="btn btn-quiet" onClick={() => setConfirming(false)}>Keep</button>
        </div>
      ) : (
        <button type="button" class="link-btn danger-link" data-testid="room-delete" onClick={() => setConfirming(true)}>Delete room…</button>
      )}
    </div>
  );
}

function MemberRow({ m, me, buddy, onChat, onAddBuddy }: { m: Member; me: string; buddy: boolean; onChat: () => void; onAddBuddy: () => void }) {
  const self = m.name === me;
  return (
    <li class="member" data-testid={`member-${m.name}`} data-status={m.presence.status} data-role={m.role ?? undefined}>
      <Avatar id={m.name} title={m.display_name} status={m.presence.status} size="sm" />
      <span class="buddy-text">
        <span class="buddy-name">{m.display_name}{self ? ' (you)' : ''}</span>
        <span class="buddy-state">
          {m.role && m.role !== 'member' && <span class="role-tag">{m.role}</span>}
          {presenceText(m.presence.status, m.presence.note)}
        </span>
      </span>
      {!self && (
        <span class="member-actions">
          <button type="button" class="icon-btn" data-testid={`member-chat-${m.name}`} aria-label={`Chat with ${m.display_name}`} title={`Chat with ${m.display_name}`} onClick={onChat}>
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M4 5h16v11H8l-4 4z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" /></svg>
          </button>
          {!buddy && (
            <button type="button" class="icon-btn" data-testid={`member-buddy-${m.name}`} aria-label={`Add ${m.display_name} as buddy`} title="Add as buddy" onClick={onAddBuddy}>
              <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M12 4l2.4 5 5.4.6-4 3.7 1.1 5.3L12 16l-4.9 2.6 1.1-5.3-4-3.7 5.4-.6z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" /></svg>
            </button>
          )}
        </span>
      )}
    </li>
  );
}

export function RoomPanel({ room, members, me, buddies, onChat, onAddBuddy, onLeave, onUpdate, onInvite, onDelete, onBack }: Props) {
  const [settings, setSettings] = useState(false);
  useEffect(() => setSettings(false), [room.name]);
  const manage = canManage(room);
  const buddySet = new Set(buddies);
  const online = members?.filter((m) => m.presence.status !== 'offline').length ?? 0;
  return (
    <aside class="pane pane-right" aria-labelledby="room-panel-title">
      <button type="button" class="btn btn-quiet details-back" onClick={onBack}>← Back to {room.title}</button>
      <div class="room-info">
        <h2 id="room-panel-title" class="section-title">About this room</h2>
        <p class="room-topic" data-testid="room-topic">{room.topic || 'No topic yet.'}</p>
        <p class="room-meta">{room.visibility === 'invite' ? 'Invite-only' : 'Public'} · {room.uri}</p>
        <div class="room-buttons">
          {manage && (
            <button type="button" class="btn btn-quiet" data-testid="room-settings" aria-expanded={settings} onClick={() => setSettings(!settings)}>
              {settings ? 'Close settings' : 'Settings'}
            </button>
          )}
          <button type="button" class="btn btn-quiet" data-testid="room-leave" onClick={onLeave}>Leave room</button>
        </div>
        {manage && settings && <Settings room={room} onUpdate={onUpdate} onInvite={onInvite} onDelete={onDelete} />}
      </div>
      <h2 class="section-title">
        Members <span class="count">{members ? `${online} of ${members.length} online` : ''}</span>
      </h2>
      <ul class="buddy-list" data-testid="member-list">
        {members === undefined && <li class="empty-hint">Loading members…</li>}
        {members?.map((m) => (
          <MemberRow key={m.name} m={m} me={me} buddy={buddySet.has(m.name)} onChat={() => onChat(m.name)} onAddBuddy={() => onAddBuddy(m.name)} />
        ))}
      </ul>
    </aside>
  );
}
