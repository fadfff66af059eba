// e2e_login: a user logs in through the login screen of the browser app; a
// wrong password shows the login error and keeps the login screen; after
// logging in, the main screen connects its WebSocket and lists the other
// user as a buddy; a reload keeps the session (a message to offline bob is
// stored and reaches him when he logs in); logging out returns to the
// login screen and ends the session; after a server restart (which ends
// every session) the app returns to the login screen by itself.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { E2ERun } from './lib/harness.js';
import { startParley } from './lib/parley.js';
import {
  launchBrowser,
  login,
  messagesWith,
  newPage,
  openConversation,
  sendMessage,
  sessionFromStorage,
  submitLogin,
  tid,
  waitConnected,
} from './lib/browser.js';
import { rawRequest, sendRaw, signedHeaders } from './lib/signer.js';

const run = new E2ERun('e2e_login');
let server;
let browser;
let page;
const alicePw = `web-alice-${run.token}`;

before(async () => {
  run.begin();
  server = await startParley(run, [
    { name: 'alice', password: alicePw },
    { name: 'bob', password: `web-bob-${run.token}` },
  ]);
  browser = await launchBrowser(run);
  page = await newPage(run, browser, 'alice');
});

after(async () => {
  const problems = await run.end();
  assert.deepEqual(problems, [], 'clean shutdown');
});

run.step('the app shows the login screen', {}, async () => {
  await page.goto(server.url);
  await page.locator(tid('login-user')).waitFor({ timeout: 10000 });
  assert.equal(await page.locator(tid('app-main')).count(), 0, 'no main screen before login');
});

run.step('a wrong password shows login-error and no main screen', {}, async () => {
  await submitLogin(page, 'alice', `${alicePw}-wrong`);
  await page.locator(tid('login-error')).waitFor({ timeout: 10000 });
  assert.ok((await page.locator(tid('login-error')).innerText()).trim().length > 0, 'the error says something');
  assert.equal(await page.locator(tid('app-main')).count(), 0, 'still no main screen');
  assert.ok(await page.locator(tid('login-user')).isVisible(), 'login form still there');
});

run.step('the right password opens the connected main screen', {}, async () => {
  await submitLogin(page, 'alice', alicePw);
  await page.locator(tid('app-main')).waitFor({ timeout: 10000 });
  await waitConnected(page);
  await page.locator(`${tid('buddy-list')} ${tid('buddy')}[data-user="bob"]`).waitFor({ timeout: 5000 });
  assert.equal(await page.locator(tid('login-error')).count(), 0, 'no login error on the main screen');
});

run.step('a reload keeps the session; the new WebSocket carries frames (to offline bob: stored for him)', {}, async () => {
  const before = await sessionFromStorage(page);
  await page.reload();
  await page.locator(tid('app-main')).waitFor({ timeout: 10000 });
  await waitConnected(page);
  assert.equal(await page.locator(tid('login-user')).count(), 0, 'no login screen after a reload');
  assert.deepEqual(await sessionFromStorage(page), before, 'the same session');
  // bob has no phone and no tab: the server stores the message for him and
  // answers the frame with message.status delivered (SIP 202); it would not
  // answer at all had it refused the frame's seq after the reload
  const text = `after the reload ${run.token}`;
  await openConversation(page, 'bob');
  await sendMessage(page, text);
  await messagesWith(page, text, { direction: 'out', status: 'delivered' }).first().waitFor({ timeout: 15000 });
  await waitConnected(page, 1000);
  // api.md: what arrived while he had no WebSocket comes after his hello
  const bob = await newPage(run, browser, 'bob');
  await login(bob, server.url, 'bob', `web-bob-${run.token}`);
  await bob.locator(`${tid('conversation')}[data-peer="alice"]`).waitFor({ timeout: 10000 });
  await openConversation(bob, 'alice');
  await messagesWith(bob, text, { direction: 'in' }).first().waitFor({ timeout: 10000 });
  assert.equal(await messagesWith(bob, text, { direction: 'in' }).count(), 1, 'once');
  run.pages.delete('bob');
  await bob.context().close();
});

run.step('logout returns to the login screen and ends the session', {}, async () => {
  const session = await sessionFromStorage(page);
  const logout = page.locator(tid('logout'));
  if (!(await logout.isVisible())) await page.locator(tid('user-menu')).click();
  await logout.click();
  await page.locator(tid('login-user')).waitFor({ timeout: 10000 });
  assert.equal(await page.locator(tid('app-main')).count(), 0, 'main screen gone after logout');
  const target = '/api/v1/session';
  const res = await sendRaw(server.url, rawRequest(server.url, 'GET', target, signedHeaders(session, 'GET', target)));
  assert.equal(res.status, 401, `the logged-out session is refused: ${res.body}`);
  assert.equal(res.json?.error?.code, 'unknown_session');
});

run.step('after a server restart the app returns to the login screen, and logging in works again', { timeoutMs: 60000 }, async () => {
  await login(page, server.url, 'alice', alicePw);
  await server.restart(); // sessions live in server memory: all end
  await page.locator(tid('login-user')).waitFor({ timeout: 30000 });
  assert.equal(await page.locator(tid('app-main')).count(), 0, 'main screen gone');
  await submitLogin(page, 'alice', alicePw);
  await page.locator(tid('app-main')).waitFor({ timeout: 10000 });
  await waitConnected(page);
});
