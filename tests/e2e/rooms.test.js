// e2e_rooms: two browser users, alice and bob, in several rooms on one
// screen. A post in a room the reader does not have open raises its unread
// badge live; switching rooms (no page reload) shows the posts and clears
// the badge; posts arrive live both ways. A room created in the UI is found
// under Browse and joined, and the owner's member list follows live. After a
// reload the newest page of a long history shows and "load older" brings
// the rest in order, each message once. Search finds a word posted earlier
// and opens its room. Status changes (away with a note, do-not-disturb) are
// seen live by the other user; a private message to a user in
// do-not-disturb fails with that reason and goes through once she is back.
// Pictures of the rooms screen, light and dark, desktop and phone (an open
// room, and the lists).
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { E2ERun } from './lib/harness.js';
import { startParley } from './lib/parley.js';
import { launchBrowser, login, messagesWith, newPage, openConversation, sendMessage, tid, waitConnected } from './lib/browser.js';
import { apiGet, markWindow, openRoom, roomItem, roomMessages, setStatus, timelineRows, waitMember, waitUnread, windowMarker } from './lib/rooms.js';
import { backgroundLuminance, shoot, toggleTheme } from './lib/theme.js';

const run = new E2ERun('e2e_rooms');
const pw = (what) => `${what}-${run.token}`;
const kHistory = 70; // more than one page (the app asks for 50)
let server;
let alice;
let bob;

before(async () => {
  run.begin();
  server = await startParley(
    run,
    [
      { name: 'alice', password: pw('web-alice') },
      { name: 'bob', password: pw('web-bob') },
    ],
    {
      rooms: [
        { name: 'lobby', owner: 'alice', title: 'Lobby', topic: 'Say hello', members: ['bob'] },
        { name: 'random', owner: 'bob', title: 'Random', members: ['alice'] },
        { name: 'archive', owner: 'alice', title: 'Archive', members: ['bob'] },
      ],
      // the history step posts 70 messages at once; a person is held to 20
      chat: { burst: 200, messages_per_minute: 6000 },
    },
  );
  const browser = await launchBrowser(run);
  alice = await newPage(run, browser, 'alice');
  bob = await newPage(run, browser, 'bob');
  await Promise.all([login(alice, server.url, 'alice', pw('web-alice')), login(bob, server.url, 'bob', pw('web-bob'))]);
});

after(async () => {
  const problems = await run.end();
  assert.deepEqual(problems, [], 'clean shutdown');
});

const word = `zephyr${run.token}`; // the search step looks for it

run.step('unread badges rise live, switching rooms clears them, posts go both ways', {}, async () => {
  for (const page of [alice, bob]) {
    for (const name of ['lobby', 'random']) await roomItem(page, name).waitFor({ timeout: 10000 });
  }
  await openRoom(bob, 'random', 'Random');
  const marker = `no-reload-${run.token}`;
  await markWindow(bob, marker);
  await sendMessage(bob, `a rare ${word} today`);
  await openRoom(alice, 'lobby', 'Lobby');
  await waitUnread(bob, 'lobby', 0);

  const first = `first in the lobby ${run.token}`;
  const second = `second in the lobby ${run.token}`;
  await sendMessage(alice, first);
  await waitUnread(bob, 'lobby', 1);
  await sendMessage(alice, second);
  await waitUnread(bob, 'lobby', 2);

  await openRoom(bob, 'lobby', 'Lobby');
  await roomMessages(bob, first, { direction: 'in' }).waitFor({ timeout: 5000 });
  await roomMessages(bob, second, { direction: 'in' }).waitFor({ timeout: 5000 });
  await waitUnread(bob, 'lobby', 0);
  assert.equal(await windowMarker(bob), marker, 'neither the badges nor switching rooms reloaded the page');
  const rows = (await timelineRows(bob)).map((r) => r.text);
  assert.ok(rows.indexOf(first) < rows.indexOf(second), `in order: ${JSON.stringify(rows)}`);

  const reply = `bob answers in the lobby ${run.token}`;
  await sendMessage(bob, reply);
  await roomMessages(alice, reply, { direction: 'in' }).waitFor({ timeout: 10000 });
  await messagesWith(bob, reply, { direction: 'out', status: 'delivered' }).first().waitFor({ timeout: 10000 });
  // alice has the lobby open: bob's post raises no badge of hers
  await waitUnread(alice, 'lobby', 0);
});

run.step('a room created in the UI is joined from Browse; the owner sees the new member live', {}, async () => {
  const name = `plan-${run.token}`;
  const title = `Planning ${run.token}`;
  await alice.locator(tid('room-create-button')).click();
  await alice.locator(tid('room-create-name')).fill(name);
  await alice.locator(tid('room-create-title')).fill(title);
  await alice.locator(tid('room-create-topic')).fill('Next steps');
  await alice.locator(tid('room-create-submit')).click();
  await alice.locator(tid('active-room-title')).filter({ hasText: title }).waitFor({ timeout: 10000 });
  await alice.locator(`${tid('room-item-' + name)}[aria-current="true"]`).waitFor({ timeout: 5000 });
  await alice.locator(`${tid('member-list')} ${tid('member-alice')}[data-role="owner"]`).waitFor({ timeout: 5000 });
  assert.equal(await alice.locator(`${tid('member-list')} ${tid('member-bob')}`).count(), 0, 'bob is not a member yet');

  await bob.locator(tid('room-browse-button')).click();
  await bob.locator(tid(`room-join-${name}`)).click();
  await bob.locator(tid('active-room-title')).filter({ hasText: title }).waitFor({ timeout: 10000 });
  await roomItem(bob, name).waitFor({ timeout: 5000 });
  await alice.locator(`${tid('member-list')} ${tid('member-bob')}`).waitFor({ timeout: 10000 });
  await waitMember(alice, 'bob', 'available'); // his presence comes with the members fetched after the event

  const hello = `bob joined the plan ${run.token}`;
  await sendMessage(bob, hello);
  await roomMessages(alice, hello, { direction: 'in' }).waitFor({ timeout: 10000 });
});

run.step('after a reload the newest page shows; load-older brings the rest in order, once each', { timeoutMs: 60000 }, async () => {
  const text = (i) => `h${String(i).padStart(2, '0')}-${run.token}`;
  await openRoom(alice, 'archive', 'Archive');
  const input = alice.locator(tid('composer-input'));
  for (let i = 1; i <= kHistory; i++) {
    await input.fill(text(i));
    await input.press('Enter');
  }
  await alice.waitForFunction(
    ({ n, suffix }) =>
      [...document.querySelectorAll('[data-testid="timeline"] [data-testid="message"][data-status="delivered"]')].filter((el) =>
        el.textContent.includes(suffix),
      ).length === n,
    { n: kHistory, suffix: `-${run.token}` },
    { timeout: 30000 },
  );

  await openRoom(bob, 'archive', 'Archive');
  await bob.reload();
  await bob.locator(tid('app-main')).waitFor({ timeout: 10000 });
  await waitConnected(bob);
  if ((await bob.locator(`${tid('room-item-archive')}[aria-current="true"]`).count()) === 0) await openRoom(bob, 'archive', 'Archive');
  await bob.locator(tid('active-room-title')).filter({ hasText: 'Archive' }).waitFor({ timeout: 10000 });
  await bob.locator(tid('load-older')).waitFor({ timeout: 10000 });
  await roomMessages(bob, text(kHistory)).waitFor({ timeout: 10000 });
  const page1 = (await timelineRows(bob)).map((r) => r.text);
  const want1 = Array.from({ length: 50 }, (_, k) => text(kHistory - 49 + k));
  assert.deepEqual(page1, want1, 'the newest page: the last 50, oldest first');
  // the lobby was read before the reload: its read mark is on the server
  await waitUnread(bob, 'lobby', 0);

  await bob.locator(tid('load-older')).click();
  await roomMessages(bob, text(1)).waitFor({ timeout: 10000 });
  await bob.locator(tid('load-older')).waitFor({ state: 'detached', timeout: 10000 });
  const rows = await timelineRows(bob);
  const want = Array.from({ length: kHistory }, (_, k) => text(k + 1));
  assert.deepEqual(
    rows.map((r) => r.text),
    want,
    'all of them, oldest first, each once',
  );
  const ids = rows.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, `no duplicate ids: ${ids.join(' ')}`);
});

run.step('search finds a word posted earlier and opens its room', {}, async () => {
  // alice never opened random, where bob posted once: after a reload the
  // count comes from the server's read marks, not from live frames
  await alice.reload();
  await alice.locator(tid('app-main')).waitFor({ timeout: 10000 });
  await waitConnected(alice);
  await waitUnread(alice, 'random', 1);
  await waitUnread(alice, 'lobby', 0);
  const input = alice.locator(tid('search-input'));
  await input.fill(word);
  await input.press('Enter');
  const hit = alice.locator(`${tid('search-result')}[data-kind="room"][data-target="random"]`).filter({ hasText: word });
  await hit.waitFor({ timeout: 10000 });
  assert.equal(await alice.locator(tid('search-result')).count(), 1, 'one hit for a word posted once');
  await hit.click();
  await alice.locator(tid('active-room-title')).filter({ hasText: 'Random' }).waitFor({ timeout: 10000 });
  await alice.locator(`${tid('room-item-random')}[aria-current="true"]`).waitFor({ timeout: 5000 });
  await roomMessages(alice, `a rare ${word} today`, { direction: 'in' }).waitFor({ timeout: 10000 });
});

run.step('status changes are seen live; do-not-disturb refuses a private message until she is back', {}, async () => {
  await openRoom(bob, 'lobby', 'Lobby');
  await waitMember(bob, 'alice', 'available');
  const note = `at lunch ${run.token}`;
  await setStatus(alice, 'away', note);
  await waitMember(bob, 'alice', 'away', note);
  await setStatus(alice, 'dnd', '');
  await waitMember(bob, 'alice', 'dnd');

  await bob.locator(tid('member-chat-alice')).click();
  await bob.locator(tid('composer-input')).waitFor({ timeout: 5000 });
  const refused = `are you there ${run.token}`;
  await sendMessage(bob, refused);
  const failed = messagesWith(bob, refused, { direction: 'out', status: 'failed' }).first();
  await failed.waitFor({ timeout: 10000 });
  assert.match(await failed.innerText(), /do-not-disturb/i, 'the failure names do-not-disturb');

  await setStatus(alice, 'available', '');
  await bob.locator(`${tid('conversation-item-alice')}[data-status="available"]`).waitFor({ timeout: 10000 });
  const later = `now you are back ${run.token}`;
  await sendMessage(bob, later);
  await messagesWith(bob, later, { direction: 'out', status: 'delivered' }).first().waitFor({ timeout: 10000 });
  await alice.locator(tid('conversation-item-bob')).waitFor({ timeout: 10000 });
  await openConversation(alice, 'bob');
  await messagesWith(alice, later, { direction: 'in' }).first().waitFor({ timeout: 10000 });
  // the refused one was not delivered: it is not in her history either
  const history = await apiGet(alice, server.url, '/api/v1/conversations/bob/messages');
  assert.equal(history.status, 200, history.text);
  const texts = history.json.messages.map((m) => m.text);
  assert.ok(texts.includes(later), `her history has the message sent after dnd: ${JSON.stringify(texts)}`);
  assert.ok(!texts.includes(refused), `her history lacks the one refused in dnd: ${JSON.stringify(texts)}`);
  assert.equal(await messagesWith(alice, refused).count(), 0, 'nor does her timeline');
});

run.step('pictures of the rooms screen: light and dark, desktop and phone', {}, async () => {
  await openRoom(alice, 'lobby', 'Lobby');
  await alice.setViewportSize({ width: 1280, height: 800 });
  await waitMember(alice, 'bob', 'available');
  const a = await shoot(alice, 'rooms', 'desktop', await backgroundLuminance(alice));
  const b = await shoot(alice, 'rooms', 'desktop', await toggleTheme(alice));
  assert.deepEqual([a, b].sort(), ['dark', 'light'], 'one light and one dark picture');

  await alice.setViewportSize({ width: 375, height: 812 });
  await alice.locator(tid('active-room-title')).filter({ hasText: 'Lobby' }).waitFor({ timeout: 5000 });
  const c = await shoot(alice, 'rooms', 'phone', await backgroundLuminance(alice));
  const d = await shoot(alice, 'rooms', 'phone', await toggleTheme(alice));
  assert.deepEqual([c, d].sort(), ['dark', 'light'], 'one light and one dark picture');
  // the phone's other half: the lists (rooms, conversations)
  await alice.getByRole('button', { name: 'Back to rooms and conversations' }).click();
  await alice.locator(`${tid('app-main')}[data-view="list"]`).waitFor({ timeout: 5000 });
  await roomItem(alice, 'lobby').waitFor({ state: 'visible', timeout: 5000 });
  const e = await shoot(alice, 'rooms', 'phone-list', await backgroundLuminance(alice));
  const f = await shoot(alice, 'rooms', 'phone-list', await toggleTheme(alice));
  assert.deepEqual([e, f].sort(), ['dark', 'light'], 'one light and one dark picture');
  const overflow = await alice.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (page is ${overflow} px wider)`);
});
