// @vitest-environment happy-dom
// The UI against the DOM contract of tests/e2e (data-testid and data-*
// attributes), with a fake fetch and a fake WebSocket.
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { App } from '../src/ui/App';
import { FakeSocket, jsonResponse, KEY_TEXT, type, uiFixture } from './helpers';

const USERS = [
  { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost', online: true },
  { name: 'bob', display_name: 'Bob', uri: 'sip:bob@localhost', online: false },
];
const LOGIN = {
  session_id: '3q2-7wAAAAAAAAAAAAAAAA', session_key: KEY_TEXT, user: USERS[0],
  idle_timeout_s: 1800, max_age_s: 43200, server_time_ms: Date.now(),
};

const fx = uiFixture(async (url: string) => {
  if (url === '/api/v1/login') return jsonResponse(200, LOGIN);
  if (url === '/api/v1/users') return jsonResponse(200, { users: USERS });
  return jsonResponse(200, {});
});
const $ = (sel: string) => fx.root.querySelector(sel) as HTMLElement | null;
const $$ = (sel: string) => Array.from(fx.root.querySelectorAll(sel)) as HTMLElement[];
const tid = (id: string) => `[data-testid="${id}"]`;

async function flush() {
  for (let i = 0; i < 5; i++) await act(async () => { await Promise.resolve(); });
}

function key(el: HTMLElement | null, k: string, extra: KeyboardEventInit = {}) {
  el!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...extra }));
}


async function loginAsAlice() {
  render(<App />, fx.root);
  await type($(tid('login-user')), 'alice');
  await type($(tid('login-password')), 'alice-pw');
  await act(async () => { $(tid('login-submit'))!.click(); });
  await flush();
}

describe('login screen', () => {
  it('shows the server message on a refused login and keeps the form', async () => {
    fx.fetchMock.mockImplementationOnce(async () => jsonResponse(401, { error: { code: 'bad_credentials', message: 'wrong name or password' } }));
    render(<App />, fx.root);
    expect($(tid('login-error'))).toBeNull();
    await type($(tid('login-user')), 'alice');
    await type($(tid('login-password')), 'nope');
    await act(async () => { $(tid('login-submit'))!.click(); });
    await flush();
    expect($(tid('login-error'))!.textContent).toBe('wrong name or password');
    expect($(tid('app-main'))).toBeNull();
  });

  it('disables the button while waiting', async () => {
    let answer: (r: Response) => void = () => {};
    fx.fetchMock.mockImplementationOnce(() => new Promise<Response>((r) => (answer = r)));
    render(<App />, fx.root);
    await type($(tid('login-user')), 'alice');
    await type($(tid('login-password')), 'pw');
    await act(async () => { $(tid('login-submit'))!.click(); });
    expect(($(tid('login-submit')) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => answer(jsonResponse(401, { error: { code: 'bad_credentials', message: 'no' } })));
    await flush();
    expect(($(tid('login-submit')) as HTMLButtonElement).disabled).toBe(false);
  });

  it('counts down after 429', async () => {
    fx.fetchMock.mockImplementationOnce(async () => jsonResponse(429, { error: { code: 'rate_limited', message: 'x' } }, { 'Retry-After': '12' }));
    render(<App />, fx.root);
    await type($(tid('login-user')), 'alice');
    await type($(tid('login-password')), 'pw');
    await act(async () => { $(tid('login-submit'))!.click(); });
    await flush();
    expect($(tid('login-error'))!.textContent).toMatch(/too many attempts, retry in 1[12] s/i);
    expect(($(tid('login-submit')) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('main screen', () => {
  it('logs in, connects, lists users, sends and shows delivery', async () => {
    await loginAsAlice();
    expect($(tid('app-main'))).not.toBeNull();
    expect($(tid('connection-state'))!.dataset.state).toBe('connecting');
    const stored = JSON.parse(sessionStorage.getItem('parley.session')!);
    expect([stored.id, stored.key]).toEqual([LOGIN.session_id, KEY_TEXT]);
    expect(document.cookie).toBe('');

    const sock = FakeSocket.last();
    await act(async () => sock.hello());
    expect($(tid('connection-state'))!.dataset.state).toBe('connected');

    const bob = $(`${tid('buddy-list')} ${tid('buddy')}[data-user="bob"]`)!;
    expect(bob.dataset.online).toBe('false');
    await act(async () => sock.receive({ type: 'presence', user: 'bob', online: true }));
    expect($(`${tid('buddy')}[data-user="bob"]`)!.dataset.online).toBe('true');

    await act(async () => bob.click());
    expect($(tid('timeline'))).not.toBeNull();
    expect($(`${tid('conversation-list')} ${tid('conversation')}[data-peer="bob"]`)).not.toBeNull();

    await type($(tid('composer-input')), 'hello bob');
    await act(async () => key($(tid('composer-input')), 'Enter'));
    const msg = $(`${tid('timeline')} ${tid('message')}`)!;
    expect([msg.dataset.direction, msg.dataset.status]).toEqual(['out', 'sending']);
    expect(msg.querySelector(tid('message-text'))!.textContent).toBe('hello bob');
    expect(($(tid('composer-input')) as HTMLTextAreaElement).value).toBe('');

    const sent = sock.frames().find((f) => f.msg.type === 'message.send')!;
    expect(sent.msg).toMatchObject({ to: 'bob', text: 'hello bob' });
    await act(async () => sock.receive({ type: 'message.status', id: sent.msg.id, status: 'delivered', code: 200, reason: 'OK' }));
    expect($(tid('message'))!.dataset.status).toBe('delivered');
  });

  it('counts the user in the online members', async () => {
    await loginAsAlice();
    await act(async () => FakeSocket.last().hello());
    // alice (online, herself) and bob (offline): one online.
    expect($('#members-title .count')!.textContent).toBe('1 online');
    await act(async () => FakeSocket.last().receive({ type: 'presence', user: 'bob', online: true }));
    expect($('#members-title .count')!.textContent).toBe('2 online');
  });

  it('Shift+Enter does not send', async () => {
    await loginAsAlice();
    await act(async () => FakeSocket.last().hello());
    await act(async () => $(`${tid('buddy')}[data-user="bob"]`)!.click());
    await type($(tid('composer-input')), 'line one');
    await act(async () => key($(tid('composer-input')), 'Enter', { shiftKey: true }));
    expect($$(tid('message'))).toHaveLength(0);
    await act(async () => $(tid('composer-send'))!.click());
    expect($$(tid('message'))).toHaveLength(1);
  });

  it('opens a conversation with a SIP URI typed in the new-conversation field', async () => {
    await loginAsAlice();
    await type($(tid('new-conversation-input')), 'carol@example.org');
    await act(async () => key($(tid('new-conversation-input')), 'Enter'));
    expect($(`${tid('conversation')}[data-peer="sip:carol@example.org"]`)).not.toBeNull();
    expect($(tid('timeline'))).not.toBeNull();
  });

  it('shows incoming messages with an unread count and acknowledges them', async () => {
    await loginAsAlice();
    const sock = FakeSocket.last();
    await act(async () => sock.hello());
    await act(async () => sock.receive({ type: 'message', id: 'srv-1', direction: 'in', from: 'sip:bob@localhost', from_user: 'bob',
      to: 'sip:alice@localhost', to_user: 'alice', text: 'hi alice', content_type: 'text/plain', time_ms: Date.now() }));
    const conv = $(`${tid('conversation')}[data-peer="bob"]`)!;
    expect(conv.querySelector('.badge')!.textContent).toBe('1');
    expect(sock.frames().some((f) => f.msg.type === 'message.ack' && f.msg.id === 'srv-1')).toBe(true);
    await act(async () => conv.click());
    const m = $(tid('message'))!;
    expect(m.dataset.direction).toBe('in');
    expect(m.dataset.status).toBeUndefined();
    expect($(`${tid('conversation')}[data-peer="bob"] .badge`)).toBeNull();
  });

  it('logs out from the user menu and clears the tab storage', async () => {
    await loginAsAlice();
    await act(async () => $(tid('user-menu'))!.click());
    await act(async () => { $(tid('logout'))!.click(); });
    await flush();
    expect(fx.fetchMock.mock.calls.some(([u]) => u === '/api/v1/logout')).toBe(true);
    expect($(tid('login-user'))).not.toBeNull();
    expect(sessionStorage.getItem('parley.session')).toBeNull();
  });

  it('Escape closes the user menu', async () => {
    await loginAsAlice();
    await act(async () => $(tid('user-menu'))!.click());
    expect($(tid('logout'))).not.toBeNull();
    await act(async () => key(document.body, 'Escape'));
    expect($(tid('logout'))).toBeNull();
  });

  it('returns to the login screen with a reason on close 4001', async () => {
    await loginAsAlice();
    await act(async () => FakeSocket.last().hello());
    await act(async () => FakeSocket.last().serverClose(4001, 'session_expired'));
    expect($(tid('login-user'))).not.toBeNull();
    expect(fx.root.textContent).toContain('Your session expired');
  });

  it('keeps the session over a reload', async () => {
    await loginAsAlice();
    render(null, fx.root);
    render(<App />, fx.root);
    expect($(tid('app-main'))).not.toBeNull();
  });

  it('toggles the theme and remembers it', async () => {
    await loginAsAlice();
    const before = document.documentElement.dataset.theme;
    await act(async () => $(tid('theme-toggle'))!.click());
    const after = document.documentElement.dataset.theme;
    expect(after).not.toBe(before);
    expect(localStorage.getItem('parley.theme')).toBe(after);
  });
});
