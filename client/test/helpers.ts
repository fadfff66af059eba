// Test doubles: a scripted WebSocket, an in-memory Storage, a fake fetch,
// and the per-test DOM of the UI tests.
import { afterEach, beforeEach, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import type { SocketLike } from '../src/api/connection';
import type { Session } from '../src/api/session';
import { fromBase64url } from '../src/crypto/encoding';

export class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  static reset(): void {
    FakeSocket.all = [];
  }
  static last(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  // Server side:
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(obj: unknown): void {
    this.onmessage?.({ data: typeof obj === 'string' ? obj : JSON.stringify(obj) });
  }
  hello(lastSeq = 0, serverTime = 1_796_000_000_000): void {
    this.open();
    this.receive({ type: 'hello', api: 1, user: ALICE, last_seq: lastSeq, server_time_ms: serverTime });
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  // The frames sent, parsed: [seq, sig, message].
  frames(): { seq: number; sig: string; msg: Record<string, unknown> }[] {
    return this.sent.map((f) => {
      const a = f.indexOf(' ');
      const b = f.indexOf(' ', a + 1);
      return { seq: Number(f.slice(0, a)), sig: f.slice(a + 1, b), msg: JSON.parse(f.slice(b + 1)) };
    });
  }
}

export class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length(): number {
    return this.m.size;
  }
  clear(): void {
    this.m.clear();
  }
  getItem(k: string): string | null {
    return this.m.has(k) ? this.m.get(k)! : null;
  }
  key(i: number): string | null {
    return Array.from(this.m.keys())[i] ?? null;
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
  setItem(k: string, v: string): void {
    this.m.set(k, String(v));
  }
}

export const ALICE = { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost' };
export const KEY_TEXT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

export function testSession(): Session {
  return { id: '3q2-7wAAAAAAAAAAAAAAAA', key: fromBase64url(KEY_TEXT)!, keyText: KEY_TEXT, user: ALICE, clockOffsetMs: 0 };
}

export interface FakeCall {
  url: string;
  init: RequestInit;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

// A fetch that answers from a handler and records the calls.
export function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: FakeCall[] = [];
  const fn = async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    return handler(url, init);
  };
  return { fn, calls };
}

// The UI tests' per-test setup: a fresh root element, fetch answered by
// `handler` through a vi.fn (so a test can script or inspect it), FakeSocket
// as WebSocket, empty sessionStorage; unmounted and unstubbed after each test.
// Call at the top of a test file; read `root` and `fetchMock` in the tests.
export function uiFixture(handler: (url: string, init?: RequestInit) => Promise<Response>) {
  const fx = { root: null as unknown as HTMLElement, fetchMock: null as unknown as ReturnType<typeof vi.fn> };
  beforeEach(() => {
    sessionStorage.clear();
    FakeSocket.reset();
    fx.fetchMock = vi.fn(handler);
    vi.stubGlobal('fetch', fx.fetchMock);
    vi.stubGlobal('WebSocket', FakeSocket);
    fx.root = document.createElement('div');
    document.body.appendChild(fx.root);
  });
  afterEach(() => {
    render(null, fx.root);
    fx.root.remove();
    vi.unstubAllGlobals();
  });
  return fx;
}

// Types `value` into an input as a person would (an input event).
export async function type(el: HTMLElement | null, value: string) {
  const input = el as HTMLInputElement;
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
