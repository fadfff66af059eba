// Full-text search over the rooms the user reads and its private messages:
// results show where (room or conversation), who, when, and the text with the
// query's words highlighted; choosing one opens that room or conversation.
import { useRef, useState } from 'preact/hooks';
import type { UserWithPresence } from '../api/types';
import { mapHits, type HitTarget, type SearchHit } from '../chat/search';
import type { ChatApi } from '../api/chat_api';
import { peerTitle, shortWhen } from './format';

interface Props {
  me: string;
  users: UserWithPresence[];
  roomTitle: (name: string) => string;
  run: <T>(op: (api: ChatApi) => Promise<T>) => Promise<T | null>;
  onOpen: (target: HitTarget) => void;
}

export function SearchBox({ me, users, roomTitle, run, onOpen }: Props) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);

  const search = async () => {
    const query = q.trim();
    if (!query) return;
    const n = ++asked.current;
    setBusy(true);
    const found = await run((api) => api.search(query));
    if (n !== asked.current) return; // a newer search is on its way
    setBusy(false);
    setHits(found ? mapHits(found, query, me) : null);
  };
  const clear = () => {
    asked.current++;
    setQ('');
    setHits(null);
    setBusy(false);
  };
  const where = (t: HitTarget) => (t.kind === 'room' ? `# ${roomTitle(t.room)}` : peerTitle(t.peer, users));

  return (
    <div class="search" role="search">
      <form onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label for="search-input" class="visually-hidden">Search messages</label>
        <input
          id="search-input"
          type="search"
          class="input"
          data-testid="search-input"
          placeholder="Search messages"
          autocomplete="off"
          maxLength={256}
          value={q}
          onInput={(e) => { setQ(e.currentTarget.value); if (!e.currentTarget.value) clear(); }}
          onKeyDown={(e) => { if (e.key === 'Escape') clear(); }}
        />
      </form>
      {busy && <div class="search-note" role="status">Searching…</div>}
      {hits !== null && !busy && (
        <div class="search-results" aria-label="Search results">
          <div class="search-note" role="status">
            {hits.length === 0 ? 'Nothing found.' : `${hits.length} ${hits.length === 1 ? 'message' : 'messages'}`}
            <button type="button" class="link-btn" onClick={clear}>Close</button>
          </div>
          <ul>
            {hits.map((h) => (
              <li key={h.id}>
                <button
                  type="button"
                  class="search-hit"
                  data-testid="search-result"
                  data-id={h.id}
                  data-target={h.target.kind === 'room' ? h.target.room : h.target.peer}
                  data-kind={h.target.kind}
                  onClick={() => { onOpen(h.target); clear(); }}
                >
                  <span class="hit-top">
                    <span class="hit-where">{where(h.target)}</span>
                    <span class="hit-time">{shortWhen(h.time_ms)}</span>
                  </span>
                  <span class="hit-sender">{h.own ? 'You' : peerTitle(h.sender, users)}</span>
                  <span class="hit-text">
                    {h.segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
