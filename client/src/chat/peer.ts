// Who a conversation is with: a local user's name, or a SIP URI for anyone
// else. One key per person, so "bob", "sip:bob@localhost" and Bob's messages
// all land in one conversation.
import type { User } from '../api/types';

export function isUri(s: string): boolean {
  return /^(sips?|tel):/i.test(s);
}

// Strips a display name/angle brackets/parameters for comparison: "sip:bob@x;transport=tcp" → "sip:bob@x".
export function bareUri(uri: string): string {
  let u = uri.trim();
  const lt = u.indexOf('<');
  const gt = u.indexOf('>');
  if (lt >= 0 && gt > lt) u = u.slice(lt + 1, gt);
  const semi = u.indexOf(';');
  if (semi >= 0) u = u.slice(0, semi);
  return u.replace(/^sips?:/i, (m) => m.toLowerCase());
}

// The conversation key for what the user typed or what the server sent.
export function peerKey(input: string, users: readonly User[]): string | null {
  const s = input.trim();
  if (!s || s.length > 256 || /\s/.test(s)) return null;
  if (isUri(s)) {
    const bare = bareUri(s);
    const u = users.find((x) => bareUri(x.uri).toLowerCase() === bare.toLowerCase());
    return u ? u.name : bare;
  }
  if (s.includes('@')) return peerKey('sip:' + s, users);
  const u = users.find((x) => x.name.toLowerCase() === s.toLowerCase());
  return u ? u.name : s;
}

// The peer of a server `message`: the other side, seen from this user.
export function peerOfMessage(
  m: { direction: 'in' | 'out'; from: string; from_user: string | null; to: string; to_user: string | null },
  users: readonly User[],
): string {
  if (m.direction === 'in') return m.from_user ?? peerKey(m.from, users) ?? m.from;
  return m.to_user ?? peerKey(m.to, users) ?? m.to;
}
