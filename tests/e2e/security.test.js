// e2e_security: signed requests per protocol/api.md cannot be replayed,
// tampered with, or used from another browser; logins are rate-limited.
//  - From Node, with this suite's own HMAC signer: a valid signed GET
//    /api/v1/users is 200; the same bytes again are 401 replayed; a changed
//    path or body is 401 bad_signature (and the tampered logout did not
//    log out); a signed WebSocket upgrade with a foreign Origin is 403
//    bad_origin (with the server's own Origin, 101).
//  - A session id taken from a logged-in browser tab's sessionStorage is
//    useless to a second browser: with a wrong key 401 bad_signature, with
//    the right key but another User-Agent 403 wrong_browser (and the same
//    request from the first browser is 200, so the key was right).
//  - WebSocket frames (signed "<seq> <sig> <json>"): a valid ping gets a
//    pong; the same frame again gets error replayed and close 4003; a frame
//    whose JSON differs from what was signed gets error bad_signature and
//    close 4003; hello's last_seq counts the accepted frame.
//  - 5 failed logins for one account: the 6th, with the right password, is
//    429 rate_limited with Retry-After, and the login screen shows an error.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { E2ERun, env, log } from './lib/harness.js';
import { startParley } from './lib/parley.js';
import { launchBrowser, login, newPage, pageFetch, sessionFromStorage, submitLogin, tid } from './lib/browser.js';
import { apiLogin, b64url, newNonce, rawRequest, sendRaw, signedHeaders, signFrame, signRequest } from './lib/signer.js';

const run = new E2ERun('e2e_security');
const pw = (what) => `${what}-${run.token}`;
let server;
let browser;

before(async () => {
  run.begin();
  server = await startParley(run, [
    { name: 'alice', password: pw('web-alice') },
    { name: 'bob', password: pw('web-bob') },
    { name: 'carol', password: pw('web-carol') },
  ]);
  browser = await launchBrowser(run);
});

after(async () => {
  const problems = await run.end();
  assert.deepEqual(problems, [], 'clean shutdown');
});

const errorCode = (res) => res.json?.error?.code;

run.step("this suite's signer agrees with protocol/examples/signing", {}, async () => {
  const dir = path.join(env.repo, 'protocol', 'examples', 'signing');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0, `vectors in ${dir}`);
  for (const f of files) {
    const v = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    const got =
      v.kind === 'ws'
        ? signFrame(v.key, v.session_id, v.seq, v.json)
        : signRequest(v.key, v.method, v.target, v.timestamp, v.nonce, v.body);
    assert.equal(got, v.signature, f);
  }
});

run.step('signed requests from Node: valid 200, replay 401 replayed, tampering 401 bad_signature, foreign Origin 403', {}, async () => {
  const s = await apiLogin(server.url, 'alice', pw('web-alice'));
  assert.match(s.id, /^[A-Za-z0-9_-]{22}$/, 'session_id is 22 base64url characters');
  assert.match(s.key, /^[A-Za-z0-9_-]{43}$/, 'session_key is 43 base64url characters');

  const target = '/api/v1/users';
  const valid = rawRequest(server.url, 'GET', target, signedHeaders(s, 'GET', target));
  const first = await sendRaw(server.url, valid);
  assert.equal(first.status, 200, `valid signed GET ${target}: ${first.body}`);
  assert.deepEqual(
    first.json.users.map((u) => u.name),
    ['alice', 'bob', 'carol'],
    'the users, ordered by name',
  );

  const replay = await sendRaw(server.url, valid);
  assert.equal(replay.status, 401, `byte-for-byte replay: ${replay.body}`);
  assert.equal(errorCode(replay), 'replayed');

  // the signature of /api/v1/users on another path
  const h = signedHeaders(s, 'GET', target);
  const otherPath = await sendRaw(server.url, rawRequest(server.url, 'GET', '/api/v1/session', h));
  assert.equal(otherPath.status, 401, `tampered path: ${otherPath.body}`);
  assert.equal(errorCode(otherPath), 'bad_signature');
  const withQuery = await sendRaw(server.url, rawRequest(server.url, 'GET', `${target}?x=1`, signedHeaders(s, 'GET', target)));
  assert.equal(withQuery.status, 401, `tampered query: ${withQuery.body}`);
  assert.equal(errorCode(withQuery), 'bad_signature');

  // a logout signed for body "{}" sent with another body
  const lh = signedHeaders(s, 'POST', '/api/v1/logout', '{}');
  const otherBody = await sendRaw(server.url, rawRequest(server.url, 'POST', '/api/v1/logout', lh, '{"x":1}'));
  assert.equal(otherBody.status, 401, `tampered body: ${otherBody.body}`);
  assert.equal(errorCode(otherBody), 'bad_signature');

  // an old capture, correctly signed, and a request without signature
  const old = Date.now() - 120000;
  const stale = await sendRaw(server.url, rawRequest(server.url, 'GET', target, signedHeaders(s, 'GET', target, '', { timestamp: old })));
  assert.equal(stale.status, 401, `two-minute-old timestamp: ${stale.body}`);
  assert.equal(errorCode(stale), 'stale_timestamp');
  const unsigned = await sendRaw(server.url, rawRequest(server.url, 'GET', target));
  assert.equal(unsigned.status, 401, `unsigned: ${unsigned.body}`);
  assert.equal(errorCode(unsigned), 'missing_signature');

  // a WebSocket upgrade, correctly signed, from a foreign page (Origin)
  const upgrade = (origin) => {
    const ts = Date.now();
    const nonce = newNonce();
    const sig = signRequest(s.key, 'GET', '/api/v1/ws', ts, nonce);
    const headers = {
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': b64url(crypto.randomBytes(16)).slice(0, 22) + '==',
      'Sec-WebSocket-Version': '13',
      Origin: origin,
    };
    const target = `/api/v1/ws?session=${s.id}&ts=${ts}&nonce=${nonce}&sig=${sig}`;
    return sendRaw(server.url, rawRequest(server.url, 'GET', target, headers));
  };
  const foreign = await upgrade('http://evil.example');
  assert.equal(foreign.status, 403, `upgrade with a foreign Origin: ${foreign.body}`);
  assert.equal(errorCode(foreign), 'bad_origin');
  const own = await upgrade(server.url);
  assert.equal(own.status, 101, `the same upgrade with the server's own Origin: ${own.body}`);

  // none of the refused requests logged the session out
  const still = await sendRaw(server.url, rawRequest(server.url, 'GET', '/api/v1/session', signedHeaders(s, 'GET', '/api/v1/session')));
  assert.equal(still.status, 200, `session still valid: ${still.body}`);
  assert.equal(still.json.user.name, 'alice');
});

run.step('a stolen session id is refused in a second browser', { timeoutMs: 40000 }, async () => {
  const page = await newPage(run, browser, 'alice');
  await login(page, server.url, 'alice', pw('web-alice'));
  const stolen = await sessionFromStorage(page);
  const target = '/api/v1/users';
  const url = `${server.url}${target}`;
  const userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const thief = await newPage(run, browser, 'thief', { userAgent });
  await thief.goto(`${server.url}/api/v1/version`); // same origin as the app
  assert.notEqual(await page.evaluate(() => navigator.userAgent), userAgent);

  const wrongKey = { id: stolen.id, key: b64url(crypto.randomBytes(32)) };
  const r1 = await pageFetch(thief, url, { headers: signedHeaders(wrongKey, 'GET', target) });
  assert.equal(r1.status, 401, `stolen id, wrong key: ${r1.text}`);
  assert.equal(r1.json?.error?.code, 'bad_signature');

  const r2 = await pageFetch(thief, url, { headers: signedHeaders(stolen, 'GET', target) });
  assert.equal(r2.status, 403, `stolen id and key, other User-Agent: ${r2.text}`);
  assert.equal(r2.json?.error?.code, 'wrong_browser');

  // control: the same kind of request from the browser that logged in works
  const r3 = await pageFetch(page, url, { headers: signedHeaders(stolen, 'GET', target) });
  assert.equal(r3.status, 200, `the session's own browser: ${r3.text}`);

  // the WebSocket, too, stays closed to the second browser
  const ts = Date.now();
  const nonce = newNonce();
  const sig = signedHeaders(stolen, 'GET', '/api/v1/ws', '', { timestamp: ts, nonce })['X-Parley-Signature'];
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/api/v1/ws?session=${stolen.id}&ts=${ts}&nonce=${nonce}&sig=${sig}`;
  const ws = await thief.evaluate(
    (u) =>
      new Promise((resolve) => {
        const sock = new WebSocket(u);
        let opened = false;
        sock.onopen = () => {
          opened = true;
        };
        sock.onmessage = (e) => {
          sock.close();
          resolve({ opened, frame: String(e.data).slice(0, 200) });
        };
        sock.onclose = (e) => resolve({ opened, code: e.code });
      }),
    wsUrl,
  );
  log(`second browser's WebSocket with the stolen session: ${JSON.stringify(ws)}`);
  assert.equal(ws.opened, false, `the upgrade is refused (${JSON.stringify(ws)})`);
});

// A WebSocket in PAGE whose events (frames, close) queue up in the page, so
// that the test can read them one by one.
function wsOpen(page, url) {
  return page.evaluate((u) => {
    const st = { q: [], waiters: [] };
    window.e2eSocket = st;
    const push = (ev) => {
      const w = st.waiters.shift();
      if (w) w(ev);
      else st.q.push(ev);
    };
    st.ws = new WebSocket(u);
    st.ws.onmessage = (e) => push({ frame: String(e.data) });
    st.ws.onclose = (e) => push({ close: e.code, reason: e.reason });
  }, url);
}

// The next event that is not a presence/message push, or {timeout: true}.
async function wsNext(page, timeoutMs = 5000) {
  for (;;) {
    const ev = await page.evaluate(
      (ms) =>
        new Promise((resolve) => {
          const st = window.e2eSocket;
          if (st.q.length) return resolve(st.q.shift());
          const f = (e) => {
            clearTimeout(timer);
            resolve(e);
          };
          const timer = setTimeout(() => {
            st.waiters.splice(st.waiters.indexOf(f), 1);
            resolve({ timeout: true });
          }, ms);
          st.waiters.push(f);
          return undefined;
        }),
      timeoutMs,
    );
    if (ev.frame) {
      ev.json = JSON.parse(ev.frame);
      if (ev.json.type === 'presence' || ev.json.type === 'message') continue;
    }
    return ev;
  }
}

const wsSend = (page, text) => page.evaluate((t) => window.e2eSocket.ws.send(t), text);

run.step('WebSocket frames: a replayed or tampered frame is refused and the socket closed (4003)', {}, async () => {
  // a session of this browser context's own (the WebSocket is bound to the
  // User-Agent of the login, so the login comes from the page too)
  const page = await newPage(run, browser, 'frames');
  await page.goto(`${server.url}/api/v1/version`);
  const login = await pageFetch(page, `${server.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'bob', password: pw('web-bob') }),
  });
  assert.equal(login.status, 200, login.text);
  const s = { id: login.json.session_id, key: login.json.session_key };
  const wsUrl = () => {
    const ts = Date.now();
    const nonce = newNonce();
    const sig = signRequest(s.key, 'GET', '/api/v1/ws', ts, nonce);
    return `${server.url.replace(/^http/, 'ws')}/api/v1/ws?session=${s.id}&ts=${ts}&nonce=${nonce}&sig=${sig}`;
  };
  const frame = (seq, json, signedJson = json) => `${seq} ${signFrame(s.key, s.id, seq, signedJson)} ${json}`;
  const ping = '{"type":"ping"}';

  await wsOpen(page, wsUrl());
  const hello = await wsNext(page);
  assert.equal(hello.json?.type, 'hello', JSON.stringify(hello));
  const good = frame(hello.json.last_seq + 1, ping);
  await wsSend(page, good);
  const pong = await wsNext(page);
  assert.equal(pong.json?.type, 'pong', `a valid frame is answered: ${JSON.stringify(pong)}`);
  await wsSend(page, good);
  const replayErr = await wsNext(page);
  assert.equal(replayErr.json?.type, 'error', JSON.stringify(replayErr));
  assert.equal(replayErr.json.code, 'replayed');
  const replayClose = await wsNext(page);
  assert.equal(replayClose.close, 4003, `closed after the replay: ${JSON.stringify(replayClose)}`);

  await wsOpen(page, wsUrl());
  const hello2 = await wsNext(page);
  assert.equal(hello2.json?.type, 'hello', JSON.stringify(hello2));
  assert.equal(hello2.json.last_seq, hello.json.last_seq + 1, 'last_seq counts the accepted frame');
  await wsSend(page, frame(hello2.json.last_seq + 1, '{"type":"ping","x":1}', ping));
  const tamperErr = await wsNext(page);
  assert.equal(tamperErr.json?.type, 'error', JSON.stringify(tamperErr));
  assert.equal(tamperErr.json.code, 'bad_signature');
  const tamperClose = await wsNext(page);
  assert.equal(tamperClose.close, 4003, `closed after the tampered frame: ${JSON.stringify(tamperClose)}`);
});

run.step('failed logins: after 5 for one account even the right password gets 429 (and the login screen says so)', {}, async () => {
  const attempt = (password) =>
    sendRaw(server.url, rawRequest(server.url, 'POST', '/api/v1/login', {}, JSON.stringify({ user: 'carol', password })));
  for (let i = 1; i <= 5; i++) {
    const r = await attempt(`wrong-${i}`);
    assert.equal(r.status, 401, `wrong password #${i}: ${r.body}`);
    assert.equal(errorCode(r), 'bad_credentials');
  }
  const limited = await attempt(pw('web-carol'));
  assert.equal(limited.status, 429, `the right password after 5 failures: ${limited.body}`);
  assert.equal(errorCode(limited), 'rate_limited');
  assert.match(limited.headers['retry-after'] ?? '', /^[1-9][0-9]*$/, 'Retry-After in seconds');

  const page = await newPage(run, browser, 'carol');
  await page.goto(server.url);
  await submitLogin(page, 'carol', pw('web-carol'));
  await page.locator(tid('login-error')).waitFor({ timeout: 10000 });
  assert.equal(await page.locator(tid('app-main')).count(), 0, 'no main screen while limited');
  log(`login screen while rate-limited says: ${(await page.locator(tid('login-error')).innerText()).trim()}`);
});
