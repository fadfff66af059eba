// Messages the user typed that the server has not answered yet with a
// message.status. Kept in order, in memory and in sessionStorage (per user,
// so a reload or a re-login after an expired session still sends them), and
// sent again on every new connection until their status arrives.

export interface OutboxItem {
  id: string; // the client's id, unique per session
  to: string; // a private message's recipient; '' for a room post
  room?: string; // a room post (room.post) instead of a message.send
  text: string;
  created_ms: number;
}

export interface Sender {
  // Sends one message.send or room.post; false when there is no connection.
  (item: OutboxItem): boolean;
}

const MAX_ITEMS = 500;

export class Outbox {
  private items: OutboxItem[] = [];
  // Ids already sent on the current connection: never twice on one socket.
  private sentThisConnection = new Set<string>();

  constructor(
    private readonly storage: Storage | null,
    private readonly storageKey: string,
  ) {
    this.items = this.load();
  }

  get pending(): readonly OutboxItem[] {
    return this.items;
  }

  has(id: string): boolean {
    return this.items.some((i) => i.id === id);
  }

  // Adds unless the id is already queued; returns whether it was added.
  add(item: OutboxItem): boolean {
    if (this.has(item.id)) return false;
    if (this.items.length >= MAX_ITEMS) return false;
    this.items.push({ ...item });
    this.save();
    return true;
  }

  // The server answered (delivered or failed): forget it.
  settle(id: string): boolean {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.id !== id);
    this.sentThisConnection.delete(id);
    if (this.items.length === before) return false;
    this.save();
    return true;
  }

  // A new connection: everything pending goes again, in order.
  newConnection(): void {
    this.sentThisConnection.clear();
  }

  // Sends what this connection has not carried yet, oldest first; stops at the
  // first refusal so the order is kept.
  flush(send: Sender): number {
    let n = 0;
    for (const item of this.items) {
      if (this.sentThisConnection.has(item.id)) continue;
      if (!send(item)) break;
      this.sentThisConnection.add(item.id);
      n += 1;
    }
    return n;
  }

  clear(): void {
    this.items = [];
    this.sentThisConnection.clear();
    try {
      this.storage?.removeItem(this.storageKey);
    } catch {
      /* ignore */
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify(this.items));
    } catch {
      /* full: memory still has them */
    }
  }

  private load(): OutboxItem[] {
    try {
      const raw = this.storage?.getItem(this.storageKey);
      if (!raw) return [];
      const v = JSON.parse(raw) as unknown;
      if (!Array.isArray(v)) return [];
      const seen = new Set<string>();
      return v.filter((i): i is OutboxItem => {
        const ok = i && typeof i.id === 'string' && typeof i.to === 'string' && typeof i.text === 'string' &&
          (i.room === undefined || typeof i.room === 'string') && !seen.has(i.id);
        if (ok) seen.add(i.id);
        return ok;
      }).slice(0, MAX_ITEMS);
    } catch {
      return [];
    }
  }
}
