// The signed HTTP endpoints of api.md for rooms, history, search and buddies,
// for one session. Answers are checked and normalised here, so the rest of
// the app only sees well-formed rooms, members and stored messages.
import type { ApiClient } from './http';
import type { Session } from './session';
import { isStoredMessage, toMember, toRoom, type Member, type Room, type StoredMessage } from './types';

export interface HistoryPage {
  messages: StoredMessage[]; // oldest first
  more: boolean; // older messages exist before the first one
}

export interface NewRoom {
  name: string;
  title: string;
  topic: string;
  visibility: 'public' | 'invite';
}

export type RoomChange = Partial<Pick<NewRoom, 'title' | 'topic' | 'visibility'>>;

export const HISTORY_PAGE = 50;

const seg = (s: string) => encodeURIComponent(s);

function list<T>(v: unknown, map: (x: unknown) => T | null): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = [];
  for (const x of v) {
    const m = map(x);
    if (m !== null) out.push(m);
  }
  return out;
}

function page(v: { messages?: unknown; more?: unknown }): HistoryPage {
  const messages = list(v.messages, (x) => (isStoredMessage(x) ? x : null));
  return { messages, more: v.more === true };
}

// Percent-encoding only (no '+' for spaces): the signature covers the target
// exactly as sent, and the server decodes %XX.
function query(params: Record<string, string | null>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== null && e[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return parts.length ? '?' + parts.join('&') : '';
}

function historyQuery(before: string | null, limit: number): string {
  return query({ before, limit: String(limit) });
}

function mustRoom(v: unknown): Room {
  const r = toRoom(v);
  if (!r) throw new Error('the server sent an unusable room');
  return r;
}

export class ChatApi {
  constructor(
    private readonly api: ApiClient,
    private readonly session: Session,
  ) {}

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.api.signed<T>(this.session, method, path, body);
  }

  async rooms(): Promise<Room[]> {
    const r = await this.call<{ rooms?: unknown }>('GET', '/rooms');
    return list(r.rooms, toRoom);
  }

  async createRoom(room: NewRoom): Promise<Room> {
    return mustRoom(await this.call('POST', '/rooms', room));
  }

  async updateRoom(name: string, change: RoomChange): Promise<Room> {
    return mustRoom(await this.call('PATCH', `/rooms/${seg(name)}`, change));
  }

  async deleteRoom(name: string): Promise<void> {
    await this.call('DELETE', `/rooms/${seg(name)}`);
  }

  async join(name: string): Promise<Room> {
    return mustRoom(await this.call('POST', `/rooms/${seg(name)}/join`, {}));
  }

  async leave(name: string): Promise<Room | null> {
    return toRoom(await this.call('POST', `/rooms/${seg(name)}/leave`, {}));
  }

  async invite(name: string, user: string): Promise<void> {
    await this.call('POST', `/rooms/${seg(name)}/invite`, { user });
  }

  async members(name: string): Promise<Member[]> {
    const r = await this.call<{ members?: unknown }>('GET', `/rooms/${seg(name)}/members`);
    return list(r.members, toMember);
  }

  async roomHistory(name: string, before: string | null, limit = HISTORY_PAGE): Promise<HistoryPage> {
    return page(await this.call('GET', `/rooms/${seg(name)}/messages${historyQuery(before, limit)}`));
  }

  async privateHistory(user: string, before: string | null, limit = HISTORY_PAGE): Promise<HistoryPage> {
    return page(await this.call('GET', `/conversations/${seg(user)}/messages${historyQuery(before, limit)}`));
  }

  async markRead(name: string, lastId: string): Promise<void> {
    await this.call('POST', `/rooms/${seg(name)}/read`, { last_id: lastId });
  }

  async search(q: string, limit = 50): Promise<StoredMessage[]> {
    const r = await this.call<{ hits?: unknown }>('GET', `/search${query({ q, limit: String(limit) })}`);
    return list(r.hits, (x) => (isStoredMessage(x) ? x : null));
  }

  async buddies(): Promise<Member[]> {
    const r = await this.call<{ buddies?: unknown }>('GET', '/buddies');
    return list(r.buddies, toMember);
  }

  async addBuddy(user: string): Promise<void> {
    await this.call('POST', '/buddies', { user });
  }

  async removeBuddy(user: string): Promise<void> {
    await this.call('DELETE', `/buddies/${seg(user)}`);
  }
}
