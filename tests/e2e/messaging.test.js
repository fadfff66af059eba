// e2e_messaging: browsers and SIP phones message each other through Parley.
// alice and bob each have a web login and a SIP account; each has a baresip
// phone registered and a Chromium tab logged in.
//  - alice's browser -> bob: reaches bob's phone (and bob's browser), and
//    the sent bubble reaches data-status=delivered;
//  - alice's second tab (another session) shows that message as "out";
//  - bob's phone -> sip:alice@localhost: shows in both of alice's tabs as
//    "in";
//  - one message to alice reaches both her browser and her phone, whether
//    it comes from bob's phone or from bob's browser;
//  - a phone's text with markup in it shows as that text in the browser
//    (no elements, no script), and non-ASCII text arrives intact both ways;
//  - bob shows offline to alice once his tab has logged out and his phone
//    has un-REGISTERed (right after the logout, the phone alone still
//    keeps him online).
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { E2ERun, log } from './lib/harness.js';
import { startParley } from './lib/parley.js';
import { startPhone } from './lib/baresip.js';
import { launchBrowser, login, messagesWith, newPage, openConversation, sendMessage, tid } from './lib/browser.js';

const run = new E2ERun('e2e_messaging');
const pw = (what) => `${what}-${run.token}`;
let server;
let alicePhone;
let bobPhone;
let alice; // alice's page
let alice2; // alice's second tab (a session of its own)
let bob; // bob's page

before(async () => {
  run.begin();
  server = await startParley(run, [
    { name: 'alice', password: pw('web-alice'), sip: [{ user: 'alice', password: pw('sip-alice') }] },
    { name: 'bob', password: pw('web-bob'), sip: [{ user: 'bob', password: pw('sip-bob') }] },
  ], {
    // api.md: presence frames reach only room mates and buddies, so alice
    // sees bob go offline live only when they share a room
    rooms: [{ name: 'team', owner: 'alice', members: ['bob'] }],
  });
  const domain = server.domain;
  [alicePhone, bobPhone] = await Promise.all([
    startPhone(run, { name: 'alice-phone', user: 'alice', password: pw('sip-alice'), server, contact: `sip:bob@${domain}` }),
    startPhone(run, { name: 'bob-phone', user: 'bob', password: pw('sip-bob'), server, contact: `sip:alice@${domain}` }),
  ]);
  const browser = await launchBrowser(run);
  [alice, alice2, bob] = await Promise.all([
    newPage(run, browser, 'alice'),
    newPage(run, browser, 'alice2'),
    newPage(run, browser, 'bob'),
  ]);
  await Promise.all([
    login(alice, server.url, 'alice', pw('web-alice')),
    login(alice2, server.url, 'alice', pw('web-alice')),
    login(bob, server.url, 'bob', pw('web-bob')),
  ]);
});

after(async () => {
  const problems = await run.end();
  assert.deepEqual(problems, [], 'clean shutdown');
});

run.step('alice sees bob online (his phone is registered)', {}, async () => {
  await alice.locator(`${tid('buddy')}[data-user="bob"][data-online="true"]`).waitFor({ timeout: 10000 });
});

run.step("alice's browser -> bob: bob's phone and browser get it, alice's bubble is delivered", { timeoutMs: 30000 }, async () => {
  const text = `hello bob from alice's browser ${run.token}`;
  const since = bobPhone.mark();
  await openConversation(alice, 'bob');
  const bubble = await sendMessage(alice, text);
  const line = await bobPhone.waitMessage('alice', text, { since, timeoutMs: 10000 });
  log(`bob's phone printed: ${line}`);
  await messagesWith(alice, text, { direction: 'out', status: 'delivered' }).first().waitFor({ timeout: 10000 });
  assert.equal(await bubble.count(), 1, 'one bubble for the message');
  // bob's browser: the conversation with alice appears, and holds the message
  await bob.locator(`${tid('conversation')}[data-peer="alice"]`).waitFor({ timeout: 10000 });
  await openConversation(bob, 'alice');
  await messagesWith(bob, text, { direction: 'in' }).first().waitFor({ timeout: 10000 });
});

run.step("alice's second tab shows what she sent from the first as out", {}, async () => {
  const text = `hello bob from alice's browser ${run.token}`;
  await alice2.locator(`${tid('conversation')}[data-peer="bob"]`).waitFor({ timeout: 10000 });
  await openConversation(alice2, 'bob');
  await messagesWith(alice2, text, { direction: 'out' }).first().waitFor({ timeout: 10000 });
});

run.step("bob's phone -> sip:alice@localhost shows in both of alice's tabs as in", { timeoutMs: 30000 }, async () => {
  const text = `hi alice from bob's phone ${run.token}`;
  const since = bobPhone.mark();
  bobPhone.message(text);
  await Promise.all([
    messagesWith(alice, text, { direction: 'in' }).first().waitFor({ timeout: 10000 }),
    messagesWith(alice2, text, { direction: 'in' }).first().waitFor({ timeout: 10000 }),
  ]);
  const codes = await bobPhone.waitCode('MESSAGE', /^2/, { since, timeoutMs: 10000 });
  log(`bob's phone got ${codes.join(',')} for its MESSAGE`);
});

run.step("one message from bob's phone reaches alice's browser and alice's phone", { timeoutMs: 30000 }, async () => {
  const text = `to both of alice's endpoints from bob's phone ${run.token}`;
  const since = alicePhone.mark();
  const sinceBob = bobPhone.mark();
  bobPhone.message(text);
  const [line] = await Promise.all([
    alicePhone.waitMessage('bob', text, { since, timeoutMs: 10000 }),
    messagesWith(alice, text, { direction: 'in' }).first().waitFor({ timeout: 10000 }),
  ]);
  log(`alice's phone printed: ${line}`);
  await bobPhone.waitCode('MESSAGE', /^2/, { since: sinceBob, timeoutMs: 10000 });
  assert.equal(alicePhone.countMessages(text, since), 1, "alice's phone got it once");
  assert.equal(await messagesWith(alice, text).count(), 1, "alice's browser shows it once");
});

run.step("one message from bob's browser reaches alice's browser and alice's phone", { timeoutMs: 30000 }, async () => {
  const text = `to both of alice's endpoints from bob's browser ${run.token}`;
  const since = alicePhone.mark();
  await sendMessage(bob, text);
  const [line] = await Promise.all([
    alicePhone.waitMessage('bob', text, { since, timeoutMs: 10000 }),
    messagesWith(alice, text, { direction: 'in' }).first().waitFor({ timeout: 10000 }),
  ]);
  log(`alice's phone printed: ${line}`);
  await messagesWith(bob, text, { direction: 'out', status: 'delivered' }).first().waitFor({ timeout: 10000 });
  assert.equal(alicePhone.countMessages(text, since), 1, "alice's phone got it once");
  assert.equal(await messagesWith(alice, text).count(), 1, "alice's browser shows it once");
});

run.step('text from a phone is shown as text, not markup, and UTF-8 survives both ways', {}, async () => {
  const hostile = `<img src=x onerror="window.e2ePwned=1"><b>bold</b> Grüße ☕ 日本 ${run.token}`;
  const since = bobPhone.mark();
  bobPhone.message(hostile);
  const bubble = messagesWith(alice, hostile, { direction: 'in' }).first();
  await bubble.waitFor({ timeout: 10000 });
  await bobPhone.waitCode('MESSAGE', /^2/, { since, timeoutMs: 10000 });
  const inside = bubble.locator(tid('message-text'));
  assert.equal((await inside.textContent()).trim(), hostile, 'the text exactly');
  assert.equal(await inside.locator('img, b').count(), 0, 'no elements made from the text');
  assert.equal(await alice.evaluate(() => window.e2ePwned), undefined, 'no script ran');

  const reply = `Grüße zurück ☕ 日本 — ${run.token}`;
  const sinceReply = bobPhone.mark();
  await sendMessage(alice, reply);
  await bobPhone.waitMessage('alice', reply, { since: sinceReply, timeoutMs: 10000 });
});

run.step('bob goes offline for alice when his tab logs out and his phone un-REGISTERs', {}, async () => {
  const bobBuddy = (online) => alice.locator(`${tid('buddy')}[data-user="bob"][data-online="${online}"]`);
  const logout = bob.locator(tid('logout'));
  if (!(await logout.isVisible())) await bob.locator(tid('user-menu')).click();
  await logout.click();
  await bob.locator(tid('login-user')).waitFor({ timeout: 10000 });
  // his phone is still registered
  assert.equal(await bobBuddy('true').count(), 1, 'bob is still online through his phone');
  await bobPhone.stop(); // /quit: REGISTER with Expires 0
  await bobBuddy('false').waitFor({ timeout: 10000 });
});
