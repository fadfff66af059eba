// The WebSocket to /api/v1/ws: signed upgrade query, signed frames with a
// sequence number that continues above the server's `last_seq`, a ping every
// 25 s, and automatic reconnection with exponential back-off and jitter.
// The socket constructor, clock and randomness are injected for tests;
// timers are the global ones (so fake timers drive them).
import { buildFrame, wsQuery } from './signing';
import type { Session } from './session';
import { parseServerMsg, type ClientMsg, type HelloMsg, type ServerMsg } from './types';

export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

// The part of the browser WebSocket this class uses.
export interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionOptions {
  session: Session;
  makeSocket: (url: string) => SocketLike;
  // Absolute ws:// or wss:// URL for a query string.
  urlFor: (query: string) => string;
  now?: () => number;
  random?: () => number;
  // Asked after a socket failed before its hello: resolves with the reason
  // (e.g. unknown_session) when the session is over, null otherwise. A
  // refused upgrade shows no HTTP status to scripts, so this asks over HTTP.
  probeSessionEnded?: () => Promise<string | null>;
}

export interface ConnectionEvents {
  onState?: (state: ConnState, retryAtMs: number | null) => void;
  onHello?: (hello: HelloMsg) => void;
  onMessage?: (msg: ServerMsg) => void;
  onSessionEnded?: (reason: string) => void;
}

export const PING_INTERVAL_MS = 25_000;
export const PONG_TIMEOUT_MS = 10_000;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
const OPEN = 1;

// Delay before reconnect attempt `attempt` (0 = first): doubles from 0.5 s up
// to 30 s, then keeps a random 50–100 % of that so tabs do not reconnect in step.
export function backoffDelay(attempt: number, random: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Math.min(attempt, 30)));
  return Math.round(ceiling * (0.5 + 0.5 * Math.min(Math.max(random, 0), 1)));
}

export class Connection {
  private socket: SocketLike | null = null;
  private state: ConnState = 'offline';
  private seq = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private helloSeen = false;
  private stopped = true;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly events: ConnectionEvents = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
  }

  get currentState(): ConnState {
    return this.state;
  }
  get lastSeq(): number {
    return this.seq;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.open('connecting');
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.dropSocket();
    this.setState('offline', null);
  }

  // Reconnect now instead of waiting (the browser came back online, or the user asked).
  retryNow(): void {
    if (this.stopped || this.state === 'connected' || this.state === 'connecting') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open('connecting');
  }

  // Signs and sends one message; returns its seq, or 0 when not connected
  // (the caller keeps the message).
  send(msg: ClientMsg): number {
    if (this.state !== 'connected' || !this.socket || this.socket.readyState !== OPEN) return 0;
    const json = JSON.stringify(msg);
    this.seq += 1;
    try {
      this.socket.send(buildFrame(this.opts.session.key, this.opts.session.id, this.seq, json));
    } catch {
      return 0;
    }
    return this.seq;
  }

  private open(state: ConnState): void {
    this.dropSocket();
    this.helloSeen = false;
    this.setState(state, null);
    const s = this.opts.session;
    const url = this.opts.urlFor(wsQuery(s.id, s.key, this.now() + s.clockOffsetMs));
    let socket: SocketLike;
    try {
      socket = this.opts.makeSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => {
      // The socket is opened with batch=1: one message may carry several frames, one per line.
      if (this.socket !== socket || typeof ev.data !== 'string') return;
      for (const line of ev.data.split('\n')) {
        if (line !== '' && this.socket === socket) this.onFrame(line);
      }
    };
    socket.onclose = (ev) => {
      if (this.socket === socket) this.onClosed(ev.code, ev.reason);
    };
    // An error is always followed by a close; the close decides what happens.
    socket.onerror = () => {};
    socket.onopen = () => {};
  }

  private onFrame(text: string): void {
    const msg = parseServerMsg(text);
    if (!msg) return;
    if (msg.type === 'hello') {
      this.helloSeen = true;
      // Continue above what the server accepted (another tab may share the session).
      if (msg.last_seq > this.seq) this.seq = msg.last_seq;
      this.opts.session.clockOffsetMs = msg.server_time_ms - this.now();
      this.attempt = 0;
      this.startPing();
      this.setState('connected', null);
      this.events.onHello?.(msg);
      return;
    }
    if (msg.type === 'pong') {
      if (this.pongTimer) clearTimeout(this.pongTimer);
      this.pongTimer = null;
      if (typeof msg.server_time_ms === 'number') this.opts.session.clockOffsetMs = msg.server_time_ms - this.now();
    }
    this.events.onMessage?.(msg);
  }

  private onClosed(code: number, reason: string): void {
    const hadHello = this.helloSeen;
    this.socket = null;
    this.clearTimers();
    if (this.stopped) return;
    if (code === 4001) {
      this.endSession(reason || 'session_ended');
      return;
    }
    this.scheduleReconnect();
    if (!hadHello && this.opts.probeSessionEnded) {
      this.opts.probeSessionEnded().then(
        (reason) => {
          if (reason && !this.stopped) this.endSession(reason);
        },
        () => {},
      );
    }
  }

  private endSession(reason: string): void {
    this.stop();
    this.events.onSessionEnded?.(reason);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.random());
    this.attempt += 1;
    const at = this.now() + delay;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open('reconnecting');
    }, delay);
    this.setState('reconnecting', at);
  }

  private startPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (this.send({ type: 'ping' }) === 0) return;
      if (this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        // No pong: the path is dead even if the socket does not know yet.
        this.pongTimer = null;
        if (!this.socket) return;
        this.dropSocket();
        this.onClosed(1006, 'pong timeout');
      }, PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    s.onopen = s.onmessage = s.onerror = null;
    s.onclose = null;
    try {
      s.close(1000, 'bye');
    } catch {
      /* already closed */
    }
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = this.pongTimer = this.retryTimer = null;
  }

  private setState(state: ConnState, retryAtMs: number | null): void {
    this.state = state;
    this.events.onState?.(state, retryAtMs);
  }
}
