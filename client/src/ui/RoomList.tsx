// The Rooms section of the left pane: joined rooms with unread badges (the
// open one highlighted), invitations, public rooms to browse and join, and
// the dialog that creates a room.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { NewRoom } from '../api/chat_api';
import type { Room } from '../api/types';

interface Props {
  joined: Room[];
  invited: Room[];
  browsable: Room[];
  active: string | null;
  onOpen: (name: string) => void;
  onJoin: (name: string) => void;
  onCreate: (room: NewRoom) => Promise<boolean>;
  // Browse opened: public rooms created since the list was loaded reach no
  // one's socket (room.event goes to members only), so the list is asked again.
  onBrowse?: () => void;
}

// api.md Names: after lower-casing, [a-z0-9][a-z0-9._-]{0,63}.
export function roomNameProblem(name: string): string | null {
  const n = name.trim().toLowerCase();
  if (!n) return 'A room needs a name.';
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(n)) return 'Use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
  return null;
}

function Badge({ room }: { room: Room }) {
  if (room.unread <= 0) return null;
  return (
    <span class="badge" data-testid={`room-unread-${room.name}`} aria-label={`${room.unread} unread`}>
      {room.unread}
    </span>
  );
}

export function CreateRoomDialog({ onCreate, onClose }: { onCreate: Props['onCreate']; onClose: () => void }) {
  const [form, setForm] = useState<NewRoom>({ name: '', title: '', topic: '', visibility: 'public' });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const field = <K extends keyof NewRoom>(k: K) => (v: NewRoom[K]) => setForm({ ...form, [k]: v });
  const submit = async () => {
    const p = roomNameProblem(form.name);
    setProblem(p);
    if (p || busy) return;
    setBusy(true);
    const ok = await onCreate({ ...form, name: form.name.trim().toLowerCase(), title: form.title.trim() || form.name.trim() });
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <div class="dialog-backdrop" onKeyDown={(e) => { if (e.key === 'Escape') onClose(); }}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="create-room-title">
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h2 id="create-room-title">New room</h2>
        <label for="room-create-name">Name</label>
        <input id="room-create-name" ref={first} class="input" data-testid="room-create-name" autocomplete="off" autocapitalize="none"
          spellcheck={false} maxLength={64} value={form.name} aria-invalid={problem !== null} aria-describedby="room-create-problem"
          onInput={(e) => { field('name')(e.currentTarget.value); setProblem(null); }} />
        <div id="room-create-problem" class="field-error" aria-live="polite">{problem}</div>
        <label for="room-create-title">Title</label>
        <input id="room-create-title" class="input" data-testid="room-create-title" maxLength={100} value={form.title}
          placeholder="Shown in the room list" onInput={(e) => field('title')(e.currentTarget.value)} />
        <label for="room-create-topic">Topic</label>
        <input id="room-create-topic" class="input" data-testid="room-create-topic" maxLength={500} value={form.topic}
          onInput={(e) => field('topic')(e.currentTarget.value)} />
        <label for="room-create-visibility">Who can join</label>
        <select id="room-create-visibility" class="input" data-testid="room-create-visibility" value={form.visibility}
          onChange={(e) => field('visibility')(e.currentTarget.value === 'invite' ? 'invite' : 'public')}>
          <option value="public">Anyone (public)</option>
          <option value="invite">Invited people only</option>
        </select>
        <div class="dialog-actions">
          <button type="button" class="btn btn-quiet" onClick={onClose}>Cancel</button>
          <button type="submit" class="btn btn-primary" data-testid="room-create-submit" disabled={busy} aria-busy={busy}>
            {busy ? 'Creating…' : 'Create room'}
          </button>
        </div>
      </form>
      </div>
    </div>
  );
}

function BrowseRooms({ rooms, onJoin }: { rooms: Room[]; onJoin: (name: string) => void }) {
  return (
    <div class="browse" data-testid="room-browse">
      {rooms.length === 0 && <div class="empty-hint">No other public rooms.</div>}
      <ul>
        {rooms.map((r) => (
          <li key={r.name} class="browse-item">
            <span class="browse-text">
              <span class="conv-title">{r.title}</span>
              <span class="conv-preview">{r.topic || `${r.members} ${r.members === 1 ? 'member' : 'members'}`}</span>
            </span>
            <button type="button" class="btn btn-quiet" data-testid={`room-join-${r.name}`} onClick={() => onJoin(r.name)}>Join</button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function RoomList({ joined, invited, browsable, active, onOpen, onJoin, onCreate, onBrowse }: Props) {
  const [creating, setCreating] = useState(false);
  const [browsing, setBrowsing] = useState(false);
  const others = browsable.filter((r) => !r.invited && r.visibility === 'public');
  return (
    <section class="side-section" aria-labelledby="rooms-title">
      <div class="section-head">
        <h2 id="rooms-title" class="section-title">Rooms</h2>
        <button type="button" class="link-btn" data-testid="room-browse-button" aria-expanded={browsing} onClick={() => { if (!browsing) onBrowse?.(); setBrowsing(!browsing); }}>
          {browsing ? 'Done' : 'Browse'}
        </button>
        <button type="button" class="icon-btn" data-testid="room-create-button" aria-label="New room" title="New room" onClick={() => setCreating(true)}>
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M12 5v14M5 12h14" stroke="currentColor" stroke-width="2.2" /></svg>
        </button>
      </div>
      {browsing && <BrowseRooms rooms={others} onJoin={(n) => { onJoin(n); setBrowsing(false); }} />}
      <ul class="conv-list" data-testid="room-list">
        {joined.length === 0 && invited.length === 0 && <li class="empty-hint">No rooms yet. Browse public rooms or create one.</li>}
        {joined.map((r) => (
          <li key={r.name}>
            <button
              type="button"
              class={`conv-item room-item${r.name === active ? ' is-selected' : ''}${r.unread > 0 ? ' has-unread' : ''}`}
              data-testid={`room-item-${r.name}`}
              data-unread={r.unread}
              aria-current={r.name === active ? 'true' : undefined}
              onClick={() => onOpen(r.name)}
            >
              <span class="room-mark" aria-hidden="true">#</span>
              <span class="conv-main">
                <span class="conv-top">
                  <span class="conv-title">{r.title}</span>
                  <Badge room={r} />
                </span>
                {r.topic && <span class="conv-preview">{r.topic}</span>}
              </span>
            </button>
          </li>
        ))}
        {invited.map((r) => (
          <li key={r.name} class="browse-item invite-item">
            <span class="browse-text">
              <span class="conv-title">{r.title}</span>
              <span class="conv-preview">You are invited</span>
            </span>
            <button type="button" class="btn btn-quiet" data-testid={`room-join-${r.name}`} onClick={() => onJoin(r.name)}>Join</button>
          </li>
        ))}
      </ul>
      {creating && <CreateRoomDialog onCreate={onCreate} onClose={() => setCreating(false)} />}
    </section>
  );
}
