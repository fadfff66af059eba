// e2e_screenshots: pictures of the main screen for people to look at, in
// the light and the dark theme, at desktop size and at a 375 px phone
// width. They go to $E2E_ARTIFACTS (CTest: BUILD/e2e-artifacts/) and their
// paths are printed. The theme toggle must change the page's background
// between a light and a dark one.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { E2ERun } from './lib/harness.js';
import { startParley } from './lib/parley.js';
import { launchBrowser, login, messagesWith, newPage, openConversation, sendMessage, tid } from './lib/browser.js';
import { backgroundLuminance, shoot, toggleTheme } from './lib/theme.js';

const run = new E2ERun('e2e_screenshots');
const pw = (what) => `${what}-${run.token}`;
let server;
let alice;

before(async () => {
  run.begin();
  server = await startParley(run, [
    { name: 'alice', password: pw('web-alice') },
    { name: 'bob', password: pw('web-bob') },
    { name: 'carol', password: pw('web-carol') },
  ]);
  const browser = await launchBrowser(run);
  const bob = await newPage(run, browser, 'bob');
  alice = await newPage(run, browser, 'alice');
  await Promise.all([login(alice, server.url, 'alice', pw('web-alice')), login(bob, server.url, 'bob', pw('web-bob'))]);
  // a short conversation, so the timeline has something in both directions
  await openConversation(bob, 'alice');
  await sendMessage(bob, 'Hi Alice! Lunch at noon?');
  await alice.locator(`${tid('conversation')}[data-peer="bob"]`).waitFor({ timeout: 10000 });
  await openConversation(alice, 'bob');
  await messagesWith(alice, 'Hi Alice! Lunch at noon?', { direction: 'in' }).first().waitFor({ timeout: 10000 });
  await sendMessage(alice, 'Sure, see you there.');
  await messagesWith(alice, 'Sure, see you there.', { direction: 'out', status: 'delivered' })
    .first()
    .waitFor({ timeout: 10000 });
});

after(async () => {
  const problems = await run.end();
  assert.deepEqual(problems, [], 'clean shutdown');
});

run.step('desktop (1280x800), light and dark', {}, async () => {
  await alice.setViewportSize({ width: 1280, height: 800 });
  const a = await shoot(alice, 'main', 'desktop', await backgroundLuminance(alice));
  const b = await shoot(alice, 'main', 'desktop', await toggleTheme(alice));
  assert.deepEqual([a, b].sort(), ['dark', 'light'], 'one light and one dark picture');
});

run.step('phone (375x812), light and dark', {}, async () => {
  await alice.setViewportSize({ width: 375, height: 812 });
  await alice.locator(tid('app-main')).waitFor({ timeout: 5000 });
  const a = await shoot(alice, 'main', 'phone', await backgroundLuminance(alice));
  const b = await shoot(alice, 'main', 'phone', await toggleTheme(alice));
  assert.deepEqual([a, b].sort(), ['dark', 'light'], 'one light and one dark picture');
  const overflow = await alice.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (page is ${overflow} px wider)`);
});
