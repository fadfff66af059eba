// The logged-in app's engine, without UI: owns the connection, the outbox and
// the chat state, and turns server messages into state changes. The UI
// subscribes to it; tests drive it with a fake WebSocket and a fake fetch.
import { ApiError, type ApiClient } from '../api/http';
import { Connection, type ConnState, type SocketLike } from '../api/connection';
import type { Session } from '../api/session';
import type { ServerMsg } from '../api/types';
import { base64url, randomBytes } from '../crypto/encoding';
import { Outbox, type OutboxItem } from './outbox';
import { chatReducer, loadChat, saveChat, type ChatAction, type ChatState } from './state';

export interface ClientSnapshot {
  chat: ChatState;
  conn: ConnState;
  retryAtMs: number | null;
  usersError: string | null;
}

export interface ClientDeps {
  api: ApiClient;
  session: Session;
  storage: Storage | null;
  makeSocket: (url: string) => SocketLike;
  urlFor: (query: string) => string;
  now?: () => number;
  random?: () => number;
  onSessionEnded: (reason: string) => void;
}

export const MAX_TEXT = 16384;

export function newClientId(): string {
  return 'c' + base64url(randomBytes(12));
}

export class ParleyClient {
  readonly outbox: Outbox;
  readonly connection: Connection;
  private snap: ClientSnapshot;
  private listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly chatKey: string;
  private ended = false;
  // seq of each message.send frame on the current connection → client id.
  private sendSeqs = new Map<number, string>();

  constructor(private readonly deps: ClientDeps) {
    this.now = deps.now ?? Date.now;
    const user = deps.session.user.name;
    this.chatKey = `parley.chat.${user}`;
    this.outbox = new Outbox(deps.storage, `parley.outbox.${user}`);
    this.snap = { chat: loadChat(deps.storage, this.chatKey), conn: 'offline', retryAtMs: null, usersError: null };
    this.connection = new Connection(
      {
        session: deps.session,
        makeSocket: deps.makeSocket,
        urlFor: deps.urlFor,
        now: deps.now,
        random: deps.random,
        probeSessionEnded: () =>
          deps.api.session(deps.session).then(
            () => null,
            (e) => (e instanceof ApiError && e.sessionEnded ? e.code : null),
          ),
      },
      {
        onState: (conn, retryAtMs) => this.set({ ...this.snap, conn, retryAtMs }),
        onHello: () => this.onConnected(),
        onMessage: (m) => this.onServerMsg(m),
        onSessionEnded: (reason) => this.endSession(reason),
      },
    );
  }

  get snapshot(): ClientSnapshot {
    return this.snap;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.connection.start();
    void this.loadUsers();
  }

  stop(): void {
    this.connection.stop();
  }

  async loadUsers(): Promise<void> {
    try {
      const users = await this.deps.api.users(this.deps.session);
      this.snap = { ...this.snap, usersError: null };
      this.dispatch({ type: 'users', users });
    } catch (e) {
      if (e instanceof ApiError && e.sessionEnded) return; // the api client reports it
      this.set({ ...this.snap, usersError: e instanceof Error ? e.message : 'cannot load users' });
    }
  }

  select(peer: string | null): void {
    this.dispatch({ type: 'select', peer, now_ms: this.serverNow() });
  }

  // Queues a message and sends it when connected; it stays queued until the
  // server answers with message.status.
  send(to: string, text: string): string | null {
    if (!to || !text.trim() || text.length > MAX_TEXT) return null;
    const item: OutboxItem = { id: newClientId(), to, text, created_ms: this.serverNow() };
    this.outbox.add(item);
    this.dispatch({ type: 'local_send', id: item.id, to, text, time_ms: item.created_ms });
    this.flush();
    return item.id;
  }

  retry(failedId: string, to: string): void {
    const m = this.snap.chat.conversations[to]?.messages.find((x) => x.id === failedId && x.status === 'failed');
    if (!m) return;
    const item: OutboxItem = { id: newClientId(), to, text: m.text, created_ms: this.serverNow() };
    this.outbox.add(item);
    this.dispatch({ type: 'retry', old_id: failedId, new_id: item.id, time_ms: item.created_ms });
    this.flush();
  }

  // The user logged out (or the session ended): nothing of it stays in this tab.
  forget(): void {
    this.connection.stop();
    this.outbox.clear();
    try {
      this.deps.storage?.removeItem(this.chatKey);
    } catch {
      /* ignore */
    }
  }

  private serverNow(): number {
    return this.now() + this.deps.session.clockOffsetMs;
  }

  private onConnected(): void {
    this.outbox.newConnection();
    this.sendSeqs.clear();
    this.flush();
    // Presence may have changed while we were away.
    void this.loadUsers();
  }

  private flush(): void {
    this.outbox.flush((item) => {
      const seq = this.connection.send({ type: 'message.send', id: item.id, to: item.to, text: item.text });
      if (seq > 0) this.sendSeqs.set(seq, item.id);
      return seq > 0;
    });
  }

  // An `error` answering one of our message.send frames (e.g. bad_request
  // for a bad `to`): the message will never get a status, so it failed.
  private onFrameError(seq: number | undefined, code: string, message: string | undefined): void {
    if (seq === undefined) return;
    const id = this.sendSeqs.get(seq);
    if (id === undefined) return;
    this.sendSeqs.delete(seq);
    if (code === 'bad_signature' || code === 'replayed') return; // the socket closes; resent after the reconnect
    this.outbox.settle(id);
    this.dispatch({ type: 'status', msg: { type: 'message.status', id, status: 'failed', reason: message || code } });
  }

  private onServerMsg(m: ServerMsg): void {
    switch (m.type) {
      case 'message.status':
        this.outbox.settle(m.id);
        this.dispatch({ type: 'status', msg: m });
        break;
      case 'message':
        if (m.direction === 'in') this.connection.send({ type: 'message.ack', id: m.id });
        this.dispatch({ type: 'incoming', msg: m });
        break;
      case 'presence':
        this.dispatch({ type: 'presence', changes: m.changes });
        break;
      case 'error':
        this.onFrameError(m.seq, m.code, m.message);
        break;
      default:
        break;
    }
  }

  private endSession(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.onSessionEnded(reason);
  }

  private dispatch(a: ChatAction): void {
    const chat = chatReducer(this.snap.chat, a);
    if (chat === this.snap.chat) return;
    saveChat(this.deps.storage, this.chatKey, chat);
    this.set({ ...this.snap, chat });
  }

  private set(s: ClientSnapshot): void {
    this.snap = s;
    for (const fn of this.listeners) fn();
  }
}
