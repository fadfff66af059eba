// Small display helpers: names, initials, avatar colours, times.
import type { PresenceStatus, UserWithPresence } from '../api/types';

export function peerTitle(peer: string, users: readonly UserWithPresence[]): string {
  const u = users.find((x) => x.name === peer);
  if (u) return u.display_name || u.name;
  return peer.replace(/^sips?:/i, '');
}

export function initials(title: string): string {
  const words = title.replace(/[^\p{L}\p{N} ]/gu, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0].slice(0, 2).toUpperCase();
  return (words[0][0] + words[1][0]).toUpperCase();
}

// Dark enough hues for white text at WCAG AA (≥ 4.5:1).
const AVATAR_COLOURS = ['#1f5fa8', '#7a3fa0', '#a2331f', '#146b52', '#8a4b08', '#2f4b8f', '#8c2a5c', '#3d6610'];

export function avatarColour(key: string): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length];
}

export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

// For lists: the time today, otherwise the date.
export function shortWhen(ms: number): string {
  const d = new Date(ms);
  if (d.toDateString() === new Date().toDateString()) return clockTime(ms);
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function fullTime(ms: number): string {
  return new Date(ms).toLocaleString();
}

// The label of the day a message belongs to: Today, Yesterday, or a date.
export function dayLabel(ms: number, nowMs: number = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(nowMs);
  const yesterday = new Date(nowMs);
  yesterday.setDate(today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  const sameYear = d.getFullYear() === today.getFullYear();
  return d.toLocaleDateString(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: sameYear ? undefined : 'numeric' });
}

const STATUS_LABELS: Record<PresenceStatus, string> = {
  offline: 'Offline',
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  dnd: 'Do not disturb',
  on_the_phone: 'On the phone',
};

export function statusLabel(status: PresenceStatus): string {
  return STATUS_LABELS[status] ?? status;
}

// "Away · back at 2": the status, and the note when there is one.
export function presenceText(status: PresenceStatus, note: string | undefined): string {
  const label = statusLabel(status);
  return note ? `${label} · ${note}` : label;
}

// A user's presence from the users list (older servers send `online` only).
export function presenceLabel(u: UserWithPresence): string {
  return presenceText(u.status ?? (u.online ? 'available' : 'offline'), u.note);
}
