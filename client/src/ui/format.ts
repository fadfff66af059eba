// Small display helpers: names, initials, avatar colours, times.
import type { UserWithPresence } from '../api/types';

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
  const d = new Date(ms);
  const now = new Date();
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return hm;
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' }) + ' ' + hm;
}

export function fullTime(ms: number): string {
  return new Date(ms).toLocaleString();
}
