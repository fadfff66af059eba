// The chat state of the main screen and the pure reducer that changes it:
// users and presence, conversations (most recent first, unread counts), and
// the delivery state of own messages (sending → delivered | failed).
import type { IncomingMsg, StatusMsg, UserWithPresence } from '../api/types';
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
}

export interface Conversation {
  peer: string;
  messages: ChatMessage[];
  unread: number;
  last_ms: number;
}

export interface ChatState {
  users: UserWithPresence[];
  conversations: Record<string, Conversation>;
  selected: string | null;
}

export type ChatAction =
  | { type: 'users'; users: UserWithPresence[] }
  | { type: 'presence'; changes: { user: string; online: boolean }[] }
  | { type: 'select'; peer: string | null; now_ms: number }
  | { type: 'local_send'; id: string; to: string; text: string; time_ms: number }
  | { type: 'status'; msg: StatusMsg }
  | { type: 'incoming'; msg: IncomingMsg }
  | { type: 'retry'; old_id: string; new_id: string; time_ms: number };

export const MAX_MESSAGES_PER_CONVERSATION = 500;

export function emptyChat(): ChatState {
  return { users: [], conversations: {}, selected: null };
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
      const latest = new Map(a.changes.map((c) => [c.user, c.online]));
      if (!state.users.some((u) => latest.has(u.name))) return state;
      return {
        ...state,
        users: state.users.map((u) => (latest.has(u.name) ? { ...u, online: latest.get(u.name)! } : u)),
      };
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
      if (c.messages.some((m) => m.id === msg.id && (m.direction === 'in' || m.elsewhere))) return state;
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
          s.conversations[peer] = { peer, messages: c.messages, unread: Number(c.unread) || 0, last_ms: c.last_ms };
        }
      }
    }
    if (typeof v.selected === 'string') s.selected = v.selected;
  } catch {
    /* start empty */
  }
  return s;
}
