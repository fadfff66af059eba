// e2e_screenshots: pictures of the main screen for people to look at, in
// the light and the dark theme, at desktop size and at a 375 px phone
// width. They go to $E2E_ARTIFACTS (CTest: BUILD/e2e-artifacts/) and their
// paths are printed. The theme toggle must change the page's background
// between a light and a dark one.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { E2ERun, env, log } from './lib/harness.js';
import { startParley } from './lib/parley.js';
import { launchBrowser, login, messagesWith, newPage, openConversation, sendMessage, tid } from './lib/browser.js';

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

// Relative luminance (0 black .. 1 white) of the first opaque background
// from app-main up to the document. With a number `other`, runs in
// waitForFunction: truthy once the luminance is more than 0.2 from it.
function pageLuminance(other) {
  let el = document.querySelector('[data-testid="app-main"]');
  let lum = 1; // nothing painted: the browser's white
  while (el) {
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(getComputedStyle(el).backgroundColor);
    if (m && (m[4] === undefined || Number(m[4]) > 0.5)) {
      const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      break;
    }
    el = el.parentElement;
  }
  if (typeof other === 'number') return Math.abs(lum - other) > 0.2 ? lum : false;
  return lum;
}

const backgroundLuminance = (page) => page.evaluate(pageLuminance, null);

// Clicks the theme toggle until the background changes (a toggle may cycle
// through "system" first); resolves with the new luminance.
async function toggleTheme(page) {
  const before = await backgroundLuminance(page);
  const toggle = page.locator(tid('theme-toggle'));
  for (let i = 0; i < 3; i++) {
    if (!(await toggle.isVisible())) await page.locator(tid('user-menu')).click();
    await toggle.click();
    try {
      const changed = await page.waitForFunction(pageLuminance, before, { timeout: 2000 });
      const lum = await changed.jsonValue();
      if (await page.locator(tid('logout')).isVisible()) await page.keyboard.press('Escape'); // close the menu
      return lum;
    } catch {
      // not yet: click again
    }
  }
  throw new Error(`theme-toggle did not change the background (luminance stays ${before.toFixed(2)})`);
}

async function shoot(page, size, lum) {
  const theme = lum < 0.5 ? 'dark' : 'light';
  const file = path.join(env.artifacts, `main-${size}-${theme}.png`);
  // no hover or focus ring left on the theme toggle in the picture
  await page.locator(tid('timeline')).hover({ position: { x: 5, y: 5 } });
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: file, animations: 'disabled' });
  log(`screenshot: ${file}`);
  return theme;
}

run.step('desktop (1280x800), light and dark', {}, async () => {
  await alice.setViewportSize({ width: 1280, height: 800 });
  const a = await shoot(alice, 'desktop', await backgroundLuminance(alice));
  const b = await shoot(alice, 'desktop', await toggleTheme(alice));
  assert.deepEqual([a, b].sort(), ['dark', 'light'], 'one light and one dark picture');
});

run.step('phone (375x812), light and dark', {}, async () => {
  await alice.setViewportSize({ width: 375, height: 812 });
  await alice.locator(tid('app-main')).waitFor({ timeout: 5000 });
  const a = await shoot(alice, 'phone', await backgroundLuminance(alice));
  const b = await shoot(alice, 'phone', await toggleTheme(alice));
  assert.deepEqual([a, b].sort(), ['dark', 'light'], 'one light and one dark picture');
  const overflow = await alice.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (page is ${overflow} px wider)`);
});
