// Search hits as the UI lists them: where the message is (a room or a
// private conversation), who wrote it, and its text cut into plain and
// highlighted pieces for the query's words. Pure functions.
import type { StoredMessage } from '../api/types';

export type HitTarget = { kind: 'room'; room: string } | { kind: 'conversation'; peer: string };

export interface Segment {
  text: string;
  hit: boolean;
}

export interface SearchHit {
  id: string;
  target: HitTarget;
  sender: string; // user name, or SIP URI for outside senders
  own: boolean;
  time_ms: number;
  segments: Segment[];
}

// The words of a query, without quotes and operators, longest first so that
// overlapping words highlight the longer one.
export function queryTerms(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(/[\s"'()*]+/)
    .map((w) => w.replace(/^[-+]+/, ''))
    .filter((w) => w.length > 0 && !['and', 'or', 'not', 'near'].includes(w));
  return Array.from(new Set(words)).sort((a, b) => b.length - a.length);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// `text` cut at every case-insensitive occurrence of a term (also inside
// words, as full-text search matches prefixes and stems).
export function highlight(text: string, terms: readonly string[]): Segment[] {
  if (terms.length === 0 || !text) return [{ text, hit: false }];
  const re = new RegExp(terms.map(escapeRe).join('|'), 'giu');
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (m[0].length === 0) continue;
    if (at > last) out.push({ text: text.slice(last, at), hit: false });
    out.push({ text: m[0], hit: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out.length ? out : [{ text, hit: false }];
}

// Where a hit opens: its room, or the conversation with the other side.
export function hitTarget(s: StoredMessage, me: string): HitTarget {
  if (s.room) return { kind: 'room', room: s.room };
  const fromMe = s.from_user === me;
  const peer = fromMe ? s.to_user ?? me : s.from_user ?? s.from;
  return { kind: 'conversation', peer };
}

// Hits in the server's order (its ranking), each with its target and highlighted text.
export function mapHits(hits: readonly StoredMessage[], query: string, me: string): SearchHit[] {
  const terms = queryTerms(query);
  const seen = new Set<string>();
  const out: SearchHit[] = [];
  for (const h of hits) {
    if (seen.has(h.id)) continue;
    seen.add(h.id);
    out.push({
      id: h.id,
      target: hitTarget(h, me),
      sender: h.from_user ?? h.from,
      own: h.from_user === me,
      time_ms: h.time_ms,
      segments: highlight(h.text, terms),
    });
  }
  return out;
}
