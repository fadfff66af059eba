// Headless Chromium (Debian's, through playwright-core) for the e2e tests,
// launched with the flags of /work/shared/browser/NOTES.md, and the actions
// a person takes in the browser app, written against its data-testid
// contract (tests/e2e/README.md lists it). Every wait is on DOM state with a
// timeout.
import fs from 'node:fs';
import path from 'node:path';
import { env, log } from './harness.js';

// playwright-core comes from tests/e2e/node_modules (npm ci in tests/e2e).
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  throw new Error(`playwright-core is not installed: run 'npm ci' in tests/e2e (${err.message})`);
}

const kArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
];

export const tid = (id) => `[data-testid="${id}"]`;

// Playwright's launch() runs Chromium on a fresh temporary profile
// (user-data-dir) of its own, removed on close; each context is isolated.
export async function launchBrowser(run) {
  const browser = await chromium.launch({ executablePath: env.chromium, headless: true, args: kArgs });
  run.onCleanup('chromium', async () => {
    await browser.close();
    return null;
  });
  return browser;
}

// A fresh context + page labelled LABEL (its console goes to a log file in
// the work dir; it is screenshotted if a step fails).
export async function newPage(run, browser, label, contextOpts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOpts });
  const page = await context.newPage();
  const logFile = path.join(run.work, `browser-${label}.log`);
  const out = fs.createWriteStream(logFile);
  page.on('console', (m) => out.write(`${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => out.write(`pageerror: ${e.message}\n`));
  page.on('requestfailed', (r) => out.write(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}\n`));
  run.pages.set(label, page);
  run.logs.push(logFile);
  return page;
}

export async function waitConnected(page, timeout = 10000) {
  await page.locator(`${tid('connection-state')}[data-state="connected"]`).waitFor({ timeout });
}

// Fills the login form and submits it (no wait for the outcome).
export async function submitLogin(page, user, password) {
  await page.locator(tid('login-user')).fill(user);
  await page.locator(tid('login-password')).fill(password);
  await page.locator(tid('login-submit')).click();
}

// Opens the app and logs in; resolves when the main screen is connected.
export async function login(page, baseUrl, user, password) {
  await page.goto(baseUrl);
  await page.locator(tid('login-user')).waitFor({ timeout: 10000 });
  await submitLogin(page, user, password);
  await page.locator(tid('app-main')).waitFor({ timeout: 10000 });
  await waitConnected(page);
  log(`${user} logged in in the browser`);
}

// The conversation with PEER (user name or SIP URI): clicked in the list if
// it is there, else opened by typing PEER into the new-conversation input.
export async function openConversation(page, peer) {
  const item = page.locator(`${tid('conversation')}[data-peer="${peer}"]`);
  if ((await item.count()) > 0) {
    await item.first().click();
  } else {
    const input = page.locator(tid('new-conversation-input'));
    await input.fill(peer);
    await input.press('Enter');
  }
  await page.locator(tid('timeline')).waitFor({ timeout: 5000 });
  await page.locator(tid('composer-input')).waitFor({ timeout: 5000 });
}

// The message bubbles in the open timeline with exactly TEXT.
export function messagesWith(page, text, { direction, status } = {}) {
  let sel = tid('message');
  if (direction) sel += `[data-direction="${direction}"]`;
  if (status) sel += `[data-status="${status}"]`;
  return page
    .locator(`${tid('timeline')} ${sel}`)
    .filter({ has: page.locator(tid('message-text'), { hasText: new RegExp(`^\\s*${reEscape(text)}\\s*$`) }) });
}

function reEscape(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// Types TEXT into the composer and clicks send; resolves with the outgoing
// bubble once it shows in the timeline.
export async function sendMessage(page, text) {
  await page.locator(tid('composer-input')).fill(text);
  await page.locator(tid('composer-send')).click();
  const bubble = messagesWith(page, text, { direction: 'out' });
  await bubble.first().waitFor({ timeout: 5000 });
  return bubble;
}

// Session id and key as the page keeps them in sessionStorage (api.md: the
// key lives in memory and sessionStorage). The storage layout is the app's
// own business, so this looks for one object (stored as JSON) holding a
// 22-character id and a 43-character key, whatever the item is called.
export async function sessionFromStorage(page) {
  const items = await page.evaluate(() => {
    const all = {};
    for (let i = 0; i < sessionStorage.length; i++) {
      const k = sessionStorage.key(i);
      all[k] = sessionStorage.getItem(k);
    }
    return all;
  });
  const isId = (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{22}$/.test(v);
  const isKey = (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);
  const found = [];
  const walk = (v, depth) => {
    if (!v || typeof v !== 'object' || depth > 4) return;
    const entries = Object.entries(v);
    const id = entries.find(([k, x]) => /id/i.test(k) && isId(x));
    const key = entries.find(([k, x]) => /key/i.test(k) && isKey(x));
    if (id && key) found.push({ id: id[1], key: key[1] });
    for (const [, x] of entries) walk(x, depth + 1);
  };
  for (const raw of Object.values(items)) {
    try {
      walk(JSON.parse(raw), 0);
    } catch {
      // not JSON
    }
  }
  if (found.length !== 1) {
    throw new Error(`want one session {id, key} in sessionStorage, found ${found.length} (items: ${Object.keys(items).join(', ')})`);
  }
  return found[0];
}

// fetch() from inside PAGE (so with its User-Agent and origin). Resolves
// {status, json}.
export function pageFetch(page, url, { method = 'GET', headers = {}, body } = {}) {
  return page.evaluate(
    async ({ url, method, headers, body }) => {
      const res = await fetch(url, { method, headers, body });
      const text = await res.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, json, text };
    },
    { url, method, headers, body },
  );
}
