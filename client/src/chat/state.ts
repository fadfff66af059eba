// The chat state of the main screen and the pure reducer that changes it:
// users and presence, conversations (most recent first, unread counts), and
// the delivery state of own messages (sending → delivered | failed).
import type { IncomingMsg, PresenceChange, StatusMsg, UserWithPresence } from '../api/types';
import { applyPage, serverId } from './history';
import { peerOfMessage } from './peer';

export type Delivery = 'sending' | 'delivered' | 'failed';

export interface ChatMessage {
  id: string; // client id for own messages sent here, server id otherwise
  direction: 'in' | 'out';
  text: string;
  time_ms: number;
  status?: Delivery; // out only
  code?: number;
  reason?: string;
  elsewhere?: boolean; // out, sent from another tab or device
  server_id?: string; // out, sent here: the stored id, once history or an echo showed it
  from?: string; // room messages: the sender's user name, or SIP URI when not a local user
}

export interface Conversation {
  peer: string;
  messages: ChatMessage[];
  unread: number;
  last_ms: number;
  more?: boolean; // older history exists on the server
  loaded?: boolean; // the newest history page was fetched (not kept across reloads)
}

export interface ChatState {
  users: UserWithPresence[];
  conversations: Record<string, Conversation>;
  selected: string | null;
  buddies: string[]; // user names, sorted
}

export type ChatAction =
  | { type: 'users'; users: UserWithPresence[] }
  | { type: 'presence'; changes: PresenceChange[] }
  | { type: 'buddies'; names: string[] }
  | { type: 'history'; peer: string; messages: ChatMessage[]; more: boolean; older: boolean; now_ms: number }
  | { type: 'select'; peer: string | null; now_ms: number }
  | { type: 'local_send'; id: string; to: string; text: string; time_ms: number }
  | { type: 'status'; msg: StatusMsg }
  | { type: 'incoming'; msg: IncomingMsg }
  | { type: 'retry'; old_id: string; new_id: string; time_ms: number };

export const MAX_MESSAGES_PER_CONVERSATION = 500;

export function emptyChat(): ChatState {
  return { users: [], conversations: {}, selected: null, buddies: [] };
}

function withPresence(u: UserWithPresence, c: PresenceChange | undefined): UserWithPresence {
  if (!c) return u;
  const next: UserWithPresence = { ...u, online: c.online };
  if (c.status) next.status = c.status;
  else if (!c.online) next.status = 'offline';
  if (c.note !== undefined) next.note = c.note;
  return next;
}

function withConversation(state: ChatState, peer: string, now_ms: number): Conversation {
  return state.conversations[peer] ?? { peer, messages: [], unread: 0, last_ms: now_ms };
}

function put(state: ChatState, c: Conversation): ChatState {
  return { ...state, conversations: { ...state.conversations, [c.peer]: c } };
}

function append(c: Conversation, m: ChatMessage): Conversation {
  const messages = c.messages.concat(m);
  if (messages.length > MAX_MESSAGES_PER_CONVERSATION) messages.splice(0, messages.length - MAX_MESSAGES_PER_CONVERSATION);
  return { ...c, messages, last_ms: Math.max(c.last_ms, m.time_ms) };
}

function findOwn(state: ChatState, id: string): [Conversation, number] | null {
  for (const c of Object.values(state.conversations)) {
    const i = c.messages.findIndex((m) => m.direction === 'out' && m.id === id && !m.elsewhere);
    if (i >= 0) return [c, i];
  }
  return null;
}

function replaceMessage(c: Conversation, i: number, m: ChatMessage): Conversation {
  const messages = c.messages.slice();
  messages[i] = m;
  return { ...c, messages };
}

export function chatReducer(state: ChatState, a: ChatAction): ChatState {
  switch (a.type) {
    case 'users':
      return { ...state, users: a.users.slice().sort((x, y) => x.name.localeCompare(y.name)) };
    case 'presence': {
      const latest = new Map(a.changes.map((c) => [c.user, c]));
      if (!state.users.some((u) => latest.has(u.name))) return state;
      return { ...state, users: state.users.map((u) => withPresence(u, latest.get(u.name))) };
    }
    case 'buddies':
      return { ...state, buddies: Array.from(new Set(a.names)).sort() };
    case 'history': {
      const c = withConversation(state, a.peer, a.now_ms);
      const t = applyPage({ messages: c.messages, more: c.more ?? false, loaded: c.loaded ?? false }, a.messages, a.more, a.older, true);
      const last = t.messages[t.messages.length - 1];
      return put(state, { ...c, messages: t.messages, more: t.more, loaded: true, last_ms: Math.max(c.last_ms, last?.time_ms ?? 0) });
    }
    case 'select': {
      if (a.peer === null) return { ...state, selected: null };
      const c = withConversation(state, a.peer, a.now_ms);
      return { ...put(state, { ...c, unread: 0 }), selected: a.peer };
    }
    case 'local_send': {
      if (findOwn(state, a.id)) return state; // same client id: once only
      const c = withConversation(state, a.to, a.time_ms);
      return put(state, append(c, { id: a.id, direction: 'out', text: a.text, time_ms: a.time_ms, status: 'sending' }));
    }
    case 'status': {
      const hit = findOwn(state, a.msg.id);
      if (!hit) return state;
      const [c, i] = hit;
      const m = c.messages[i];
      if (m.status !== 'sending') return state; // the first final answer wins
      const next: ChatMessage = { ...m, status: a.msg.status };
      if (a.msg.status === 'failed') {
        next.code = a.msg.code;
        next.reason = a.msg.reason || (a.msg.code ? `error ${a.msg.code}` : 'not delivered');
      }
      return put(state, replaceMessage(c, i, next));
    }
    case 'incoming': {
      const msg = a.msg;
      const peer = peerOfMessage(msg, state.users);
      const c = withConversation(state, peer, msg.time_ms);
      if (c.messages.some((m) => serverId(m) === msg.id || m.server_id === msg.id || (m.direction === 'in' && m.id === msg.id))) return state;
      const m: ChatMessage = msg.direction === 'in'
        ? { id: msg.id, direction: 'in', text: msg.text, time_ms: msg.time_ms }
        : { id: msg.id, direction: 'out', text: msg.text, time_ms: msg.time_ms, status: 'delivered', elsewhere: true };
      let next = append(c, m);
      if (msg.direction === 'in' && state.selected !== peer) next = { ...next, unread: next.unread + 1 };
      return put(state, next);
    }
    case 'retry': {
      const hit = findOwn(state, a.old_id);
      if (!hit) return state;
      const [c, i] = hit;
      const m = c.messages[i];
      if (m.status !== 'failed') return state;
      const messages = c.messages.filter((_, j) => j !== i);
      return put(state, append({ ...c, messages }, { id: a.new_id, direction: 'out', text: m.text, time_ms: a.time_ms, status: 'sending' }));
    }
  }
}

// Conversations, most recent first.
export function orderedConversations(state: ChatState): Conversation[] {
  return Object.values(state.conversations).sort((a, b) => b.last_ms - a.last_ms || a.peer.localeCompare(b.peer));
}

export function totalUnread(state: ChatState): number {
  return Object.values(state.conversations).reduce((n, c) => n + c.unread, 0);
}

// Conversations survive a reload of the tab (sessionStorage, per user).
export function saveChat(storage: Storage | null, key: string, state: ChatState): void {
  try {
    storage?.setItem(key, JSON.stringify({ conversations: state.conversations, selected: state.selected }));
  } catch {
    /* full or disabled */
  }
}

export function loadChat(storage: Storage | null, key: string): ChatState {
  const s = emptyChat();
  try {
    const raw = storage?.getItem(key);
    if (!raw) return s;
    const v = JSON.parse(raw) as { conversations?: Record<string, Conversation>; selected?: unknown };
    if (v.conversations && typeof v.conversations === 'object') {
      for (const [peer, c] of Object.entries(v.conversations)) {
        if (c && Array.isArray(c.messages) && typeof c.last_ms === 'number') {
          s.conversations[peer] = { peer, messages: c.messages, unread: Number(c.unread) || 0, last_ms: c.last_ms, ...(c.more === true ? { more: true } : {}) };
        }
      }
    }
    if (typeof v.selected === 'string') s.selected = v.selected;
  } catch {
    /* start empty */
  }
  return s;
}
