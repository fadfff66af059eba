// The logged-in app's engine, without UI: owns the connection, the outbox and
// the chat state, and turns server messages into state changes. The UI
// subscribes to it; tests drive it with a fake WebSocket and a fake fetch.
import { ApiError } from '../api/http';
import { Connection } from '../api/connection';
import { ChatApi } from '../api/chat_api';
import type { PresenceChange, Room, RoomEventMsg, RoomMessageMsg, ServerMsg, SettableStatus, StatusMsg } from '../api/types';
import { fromStored, newestServerId, oldestServerId } from './history';
import { Outbox, type OutboxItem } from './outbox';
import { isUri } from './peer';
import { emptyRooms, roomsReducer, type RoomAction } from './rooms';
import { chatReducer, loadChat, saveChat, type ChatAction } from './state';

export * from './client_types';
import { errorText, MAX_TEXT, newClientId, pageVisible, READ_DELAY_MS, type ClientDeps, type ClientSnapshot } from './client_types';

export class ParleyClient {
  readonly outbox: Outbox;
  readonly connection: Connection;
  readonly chatApi: ChatApi;
  readonly me: string;
  private snap: ClientSnapshot;
  private listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly visible: () => boolean;
  private readonly chatKey: string;
  private readonly roomKey: string;
  private ended = false;
  // seq of each message.send / room.post frame on the current connection → client id.
  private sendSeqs = new Map<number, string>();
  private wantedPresence: { status: SettableStatus; note: string } | null = null;
  private readMarks = new Map<string, string>();
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  private roomsReload: Promise<void> | null = null;
  private roomsAgain = false;
  private refreshOpen = false;

  constructor(private readonly deps: ClientDeps) {
    this.now = deps.now ?? Date.now;
    this.visible = deps.isVisible ?? pageVisible;
    this.me = deps.session.user.name;
    this.chatKey = `parley.chat.${this.me}`;
    this.roomKey = `parley.room.${this.me}`;
    this.outbox = new Outbox(deps.storage, `parley.outbox.${this.me}`);
    this.chatApi = new ChatApi(deps.api, deps.session);
    const rooms = emptyRooms();
    rooms.active = this.loadActiveRoom();
    this.snap = {
      chat: loadChat(deps.storage, this.chatKey), rooms, conn: 'offline', retryAtMs: null,
      usersError: null, own: null, error: null, loadingOlder: false,
    };
    // Undelivered room posts of an earlier page load show again, still sending.
    for (const item of this.outbox.pending) {
      if (item.room) this.dispatchRooms({ type: 'local_post', id: item.id, room: item.room, text: item.text, time_ms: item.created_ms, me: this.me });
    }
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
    void this.loadRooms();
    void this.loadBuddies();
  }

  stop(): void {
    this.connection.stop();
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
  }

  async loadUsers(): Promise<void> {
    try {
      const users = await this.deps.api.users(this.deps.session);
      this.snap = { ...this.snap, usersError: null };
      const self = users.find((u) => u.name === this.me);
      if (self?.status) this.snap = { ...this.snap, own: { status: self.status, note: self.note ?? '' } };
      this.dispatch({ type: 'users', users });
    } catch (e) {
      if (e instanceof ApiError && e.sessionEnded) return; // the api client reports it
      this.set({ ...this.snap, usersError: e instanceof Error ? e.message : 'cannot load users' });
    }
  }

  // The room list again (unread counts, titles, topics). A call while one is
  // on its way asks once more after it, as the answer may predate the change.
  loadRooms(refreshOpen = false): Promise<void> {
    if (refreshOpen) this.refreshOpen = true;
    if (this.roomsReload) {
      this.roomsAgain = true;
      return this.roomsReload;
    }
    this.roomsReload = (async () => {
      do {
        this.roomsAgain = false;
        try {
          const rooms = await this.chatApi.rooms();
          this.dispatchRooms({ type: 'rooms', rooms });
        } catch (e) {
          this.fail(e, true);
          break;
        }
      } while (this.roomsAgain);
      this.roomsReload = null;
      // The open room's newest page when it has none yet, or after a reconnect.
      const active = this.snap.rooms.active;
      const refresh = this.refreshOpen;
      this.refreshOpen = false;
      if (active && (refresh || !this.snap.rooms.timelines[active]?.loaded)) void this.openRoom(active);
      else this.markRead();
    })();
    return this.roomsReload;
  }

  async loadBuddies(): Promise<void> {
    try {
      const buddies = await this.chatApi.buddies();
      this.dispatch({ type: 'buddies', names: buddies.map((b) => b.name) });
    } catch (e) {
      this.fail(e, true);
    }
  }

  // Opens a private conversation (null: none).
  select(peer: string | null): void {
    this.flushRead();
    if (peer !== null) this.dispatchRooms({ type: 'select', name: null });
    this.dispatch({ type: 'select', peer, now_ms: this.serverNow() });
    if (peer !== null && !this.snap.chat.conversations[peer]?.loaded) void this.loadConversation(peer, false);
  }

  // Opens a room (null: none): its newest history, members, and read mark.
  selectRoom(name: string | null): void {
    this.flushRead();
    if (name !== null) this.dispatch({ type: 'select', peer: null, now_ms: this.serverNow() });
    this.dispatchRooms({ type: 'select', name });
    this.saveActiveRoom(name);
    if (name !== null) void this.openRoom(name);
  }

  // The page before the oldest message shown, for the open room or conversation.
  async loadOlder(): Promise<void> {
    if (this.snap.loadingOlder) return;
    const room = this.snap.rooms.active;
    const peer = this.snap.chat.selected;
    if (room === null && peer === null) return;
    this.set({ ...this.snap, loadingOlder: true });
    try {
      if (room !== null) await this.loadRoomPage(room, true);
      else if (peer !== null) await this.loadConversation(peer, true);
    } finally {
      this.set({ ...this.snap, loadingOlder: false });
    }
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

  // A room post: queued, shown as sending, and kept like a private message.
  post(room: string, text: string): string | null {
    if (!room || !text.trim() || text.length > MAX_TEXT) return null;
    const item: OutboxItem = { id: newClientId(), to: '', room, text, created_ms: this.serverNow() };
    this.outbox.add(item);
    this.dispatchRooms({ type: 'local_post', id: item.id, room, text, time_ms: item.created_ms, me: this.me });
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

  retryPost(failedId: string, room: string): void {
    const m = this.snap.rooms.timelines[room]?.messages.find((x) => x.id === failedId && x.status === 'failed');
    if (!m) return;
    const item: OutboxItem = { id: newClientId(), to: '', room, text: m.text, created_ms: this.serverNow() };
    this.outbox.add(item);
    this.dispatchRooms({ type: 'retry', old_id: failedId, new_id: item.id, time_ms: item.created_ms });
    this.flush();
  }

  // The manual status; sent now or on the next connection. The header shows
  // what the server reports back, not this wish.
  setPresence(status: SettableStatus, note: string): void {
    this.wantedPresence = { status, note };
    this.sendPresence();
  }

  // Marks the open room read up to its newest stored message, once per id.
  markRead(): void {
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
    const room = this.snap.rooms.active;
    if (room === null || !this.visible() || !this.snap.rooms.rooms[room]?.joined) return;
    const t = this.snap.rooms.timelines[room];
    const last = t ? newestServerId(t) : null;
    this.dispatchRooms({ type: 'read', room });
    if (!last || this.readMarks.get(room) === last) return;
    this.readMarks.set(room, last);
    this.chatApi.markRead(room, last).catch(() => this.readMarks.delete(room));
  }

  dismissError(): void {
    if (this.snap.error !== null) this.set({ ...this.snap, error: null });
  }

  // Runs one REST operation; a refusal goes to the error banner and gives null.
  async run<T>(op: (api: ChatApi) => Promise<T>): Promise<T | null> {
    try {
      const r = await op(this.chatApi);
      this.dismissError();
      return r;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  // A room changed by an answer of ours (create, join, leave, settings).
  applyRoom(room: Room): void {
    this.dispatchRooms({ type: 'room', room });
  }

  removeRoom(name: string): void {
    this.dispatchRooms({ type: 'removed', name });
    if (this.snap.rooms.active === null) this.saveActiveRoom(null);
  }

  async loadMembers(room: string): Promise<void> {
    try {
      const members = await this.chatApi.members(room);
      this.dispatchRooms({ type: 'members', room, members });
    } catch (e) {
      this.fail(e);
    }
  }

  setBuddies(names: string[]): void {
    this.dispatch({ type: 'buddies', names });
  }

  // The user logged out (or the session ended): nothing of it stays in this tab.
  forget(): void {
    this.stop();
    this.outbox.clear();
    for (const key of [this.chatKey, this.roomKey]) {
      try {
        this.deps.storage?.removeItem(key);
      } catch {
        /* ignore */
      }
    }
  }

  private serverNow(): number {
    return this.now() + this.deps.session.clockOffsetMs;
  }

  private async openRoom(name: string): Promise<void> {
    const joined = this.snap.rooms.rooms[name]?.joined;
    if (!joined) return;
    this.markRead();
    await Promise.all([this.loadRoomPage(name, false), this.loadMembers(name)]);
    if (this.snap.rooms.active === name) this.markRead();
  }

  private async loadRoomPage(room: string, older: boolean): Promise<void> {
    const t = this.snap.rooms.timelines[room];
    const before = older && t ? oldestServerId(t) : null;
    if (older && (!t || !t.more || !before)) return;
    try {
      const page = await this.chatApi.roomHistory(room, before);
      const messages = page.messages.map((m) => fromStored(m, this.me));
      this.dispatchRooms({ type: 'page', room, messages, more: page.more, older });
    } catch (e) {
      this.fail(e);
    }
  }

  // Private history lives on the server for local users only.
  private async loadConversation(peer: string, older: boolean): Promise<void> {
    if (isUri(peer)) return;
    const c = this.snap.chat.conversations[peer];
    const before = older && c ? oldestServerId({ messages: c.messages, more: !!c.more, loaded: !!c.loaded }) : null;
    if (older && (!c?.more || !before)) return;
    try {
      const page = await this.chatApi.privateHistory(peer, before);
      const messages = page.messages.map((m) => fromStored(m, this.me));
      this.dispatch({ type: 'history', peer, messages, more: page.more, older, now_ms: this.serverNow() });
    } catch (e) {
      // A name that is no local user has no history: not worth a banner.
      if (e instanceof ApiError && (e.status === 404 || e.status === 400)) return;
      this.fail(e);
    }
  }

  private onConnected(): void {
    this.outbox.newConnection();
    this.sendSeqs.clear();
    this.flush();
    this.sendPresence();
    // Presence may have changed while we were away; room posts are not
    // replayed, so the list (unread) and the open room's newest page fill the gap.
    void this.loadUsers();
    void this.loadRooms(true);
    const peer = this.snap.chat.selected;
    if (peer !== null && this.snap.chat.conversations[peer]?.loaded) void this.loadConversation(peer, false);
  }

  private sendPresence(): void {
    const want = this.wantedPresence;
    if (!want) return;
    if (this.connection.send({ type: 'presence.set', status: want.status, note: want.note }) > 0) this.wantedPresence = null;
  }

  private flush(): void {
    this.outbox.flush((item) => {
      const seq = item.room
        ? this.connection.send({ type: 'room.post', id: item.id, room: item.room, text: item.text })
        : this.connection.send({ type: 'message.send', id: item.id, to: item.to, text: item.text });
      if (seq > 0) this.sendSeqs.set(seq, item.id);
      return seq > 0;
    });
  }

  // An `error` answering one of our message.send / room.post frames (e.g.
  // bad_request for a bad `to`): the message will never get a status, so it failed.
  private onFrameError(seq: number | undefined, code: string, message: string | undefined): void {
    if (seq === undefined) return;
    const id = this.sendSeqs.get(seq);
    if (id === undefined) return;
    this.sendSeqs.delete(seq);
    if (code === 'bad_signature' || code === 'replayed') return; // the socket closes; resent after the reconnect
    this.onStatus({ type: 'message.status', id, status: 'failed', reason: message || code });
  }

  private onStatus(msg: StatusMsg): void {
    this.outbox.settle(msg.id);
    this.dispatch({ type: 'status', msg });
    this.dispatchRooms({ type: 'status', msg });
  }

  private onRoomMessage(m: RoomMessageMsg): void {
    const known = m.room in this.snap.rooms.rooms;
    this.dispatchRooms({ type: 'message', msg: m, me: this.me });
    if (!known) void this.loadRooms();
    else if (this.snap.rooms.active === m.room && this.visible()) this.scheduleRead();
  }

  private onRoomEvent(ev: RoomEventMsg): void {
    const wasActive = this.snap.rooms.active === ev.room;
    this.dispatchRooms({ type: 'event', ev, me: this.me });
    if (wasActive && this.snap.rooms.active === null) this.saveActiveRoom(null);
    const mine = ev.user === this.me;
    // The frame says what changed, not the new values: the list has them.
    if (ev.kind !== 'deleted' && (mine || ['renamed', 'topic', 'updated', 'invited'].includes(ev.kind) || !(ev.room in this.snap.rooms.rooms))) {
      void this.loadRooms();
    }
    if ((ev.kind === 'joined' || ev.kind === 'left') && !mine && this.snap.rooms.active === ev.room) void this.loadMembers(ev.room);
  }

  private onPresence(changes: PresenceChange[]): void {
    this.dispatch({ type: 'presence', changes });
    this.dispatchRooms({ type: 'presence', changes });
    const self = changes.filter((c) => c.user === this.me).pop();
    if (self) this.set({ ...this.snap, own: { status: self.status ?? (self.online ? 'available' : 'offline'), note: self.note ?? '' } });
  }

  private onServerMsg(m: ServerMsg): void {
    switch (m.type) {
      case 'message.status':
        this.onStatus(m);
        break;
      case 'message':
        if (m.direction === 'in') this.connection.send({ type: 'message.ack', id: m.id });
        this.dispatch({ type: 'incoming', msg: m });
        break;
      case 'presence':
        this.onPresence(m.changes);
        break;
      case 'room.message':
        this.onRoomMessage(m);
        break;
      case 'room.event':
        this.onRoomEvent(m);
        break;
      case 'error':
        this.onFrameError(m.seq, m.code, m.message);
        break;
      default:
        break;
    }
  }

  // A read mark still waiting belongs to the room being left: markRead marks
  // whichever room is open when it runs, so send it before another opens
  // (else the posts read there count as unread after a reload).
  private flushRead(): void {
    if (this.readTimer) this.markRead();
  }

  private scheduleRead(): void {
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => this.markRead(), READ_DELAY_MS);
  }

  private fail(e: unknown, quietNotFound = false): void {
    if (e instanceof ApiError && e.sessionEnded) return; // the api client reports it
    // A server without chat answers 404 to the rooms API: no rooms, no banner.
    if (quietNotFound && e instanceof ApiError && e.status === 404) return;
    this.set({ ...this.snap, error: errorText(e) });
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

  private dispatchRooms(a: RoomAction): void {
    const rooms = roomsReducer(this.snap.rooms, a);
    if (rooms === this.snap.rooms) return;
    this.set({ ...this.snap, rooms });
  }

  private loadActiveRoom(): string | null {
    try {
      return this.deps.storage?.getItem(this.roomKey) || null;
    } catch {
      return null;
    }
  }

  private saveActiveRoom(name: string | null): void {
    try {
      if (name === null) this.deps.storage?.removeItem(this.roomKey);
      else this.deps.storage?.setItem(this.roomKey, name);
    } catch {
      /* full or disabled */
    }
  }

  private set(s: ClientSnapshot): void {
    this.snap = s;
    for (const fn of this.listeners) fn();
  }
}
