// Timelines built from three sources that overlap: history pages fetched
// over HTTP, live frames, and own messages typed here (known by the client's
// id until the server's copy shows up). Pure functions; one copy per message.
import type { StoredMessage } from '../api/types';
import type { ChatMessage } from './state';

export interface Timeline {
  messages: ChatMessage[]; // oldest first
  more: boolean; // older messages exist on the server
  loaded: boolean; // the newest page was fetched
}

// Enough for a long read back in time; the oldest are dropped beyond it.
export const MAX_TIMELINE = 2000;
// An own message typed here and its stored copy are taken as one when their
// times are this close (the clocks are corrected, the server stamps on receipt).
const SAME_MESSAGE_MS = 5 * 60_000;

export function emptyTimeline(): Timeline {
  return { messages: [], more: false, loaded: false };
}

// The server's id of a message, or null for an own message not seen stored yet.
export function serverId(m: ChatMessage): string | null {
  if (m.server_id) return m.server_id;
  if (m.direction === 'out' && !m.elsewhere) return null;
  return m.id;
}

// A stored message as this user sees it.
export function fromStored(s: StoredMessage, me: string): ChatMessage {
  const from = s.from_user ?? s.from;
  if (s.from_user === me) {
    return { id: s.id, direction: 'out', text: s.text, time_ms: s.time_ms, status: 'delivered', server_id: s.id, from };
  }
  return { id: s.id, direction: 'in', text: s.text, time_ms: s.time_ms, from };
}

// Private messages arrive live with the id of their delivery, which need not
// be the stored id history pages give; the same text in the same direction
// this close in time is taken as the same message.
const SAME_LIVE_MS = 2 * 60_000;

// The message already in the list that stored `m` is a copy of: an own
// message typed here (one still sending has no stored copy yet, whatever the
// clocks say; a delivered one must be close in time), or with `fuzzy`, a
// live private message under another id.
function twin(list: ChatMessage[], m: ChatMessage, taken: Set<number>, fuzzy: boolean): number {
  return list.findIndex((x, i) => {
    if (taken.has(i) || x.server_id || x.direction !== m.direction || x.text !== m.text) return false;
    const near = (ms: number) => Math.abs(x.time_ms - m.time_ms) <= ms;
    if (x.direction === 'out' && !x.elsewhere) return x.status !== 'failed' && (x.status === 'sending' || near(SAME_MESSAGE_MS));
    return fuzzy && near(SAME_LIVE_MS);
  });
}

// Adds stored messages (a page or one live message) to a list: each id once,
// a stored copy merged into the message it copies (which keeps its id: the
// outbox and message.status know an own message by the client's id), then
// in time order. `older`: the incoming page precedes the list, so it goes
// first among equal times. `fuzzy`: see `twin` (private conversations only;
// room messages always carry their stored id).
export function mergeMessages(list: readonly ChatMessage[], incoming: readonly ChatMessage[], older = false, fuzzy = false): ChatMessage[] {
  const out = list.slice();
  const fresh: ChatMessage[] = [];
  const known = new Set<string>();
  for (const m of out) {
    known.add(m.id);
    if (m.server_id) known.add(m.server_id);
  }
  const taken = new Set<number>();
  let added = false;
  for (const m of incoming) {
    const id = serverId(m) ?? m.id;
    if (known.has(id)) continue;
    known.add(id);
    const at = twin(out, m, taken, fuzzy);
    if (at >= 0) {
      taken.add(at);
      out[at] = { ...out[at], server_id: id, from: m.from ?? out[at].from };
      continue;
    }
    fresh.push(m);
    added = true;
  }
  if (!added && taken.size === 0) return list as ChatMessage[];
  const all = older ? fresh.concat(out) : out.concat(fresh);
  // Stable: equal times keep this order.
  return all.map((m, i) => [m, i] as const).sort((a, b) => a[0].time_ms - b[0].time_ms || a[1] - b[1]).map((p) => p[0]);
}

// A fetched page: `older` pages were asked with `before`; their `more` says
// whether to offer more. The newest page only says so when nothing older is
// known already.
export function applyPage(t: Timeline, page: readonly ChatMessage[], more: boolean, older: boolean, fuzzy = false): Timeline {
  const messages = mergeMessages(t.messages, page, older, fuzzy);
  const nextMore = older || !t.loaded ? more : t.more || more;
  return trim({ messages, more: nextMore, loaded: true });
}

// A live message at the end of the timeline.
export function applyLive(t: Timeline, m: ChatMessage): Timeline {
  const messages = mergeMessages(t.messages, [m]);
  if (messages === t.messages) return t;
  return trim({ ...t, messages });
}

function trim(t: Timeline): Timeline {
  if (t.messages.length <= MAX_TIMELINE) return t;
  return { ...t, messages: t.messages.slice(t.messages.length - MAX_TIMELINE), more: true };
}

// The id to page back from: the oldest message the server knows.
export function oldestServerId(t: Timeline): string | null {
  for (const m of t.messages) {
    const id = serverId(m);
    if (id) return id;
  }
  return null;
}

// The newest stored id: what "read up to here" means.
export function newestServerId(t: Timeline): string | null {
  for (let i = t.messages.length - 1; i >= 0; i--) {
    const id = serverId(t.messages[i]);
    if (id) return id;
  }
  return null;
}
