// Light and dark pictures of the app for people to look at: the page's
// background luminance, a theme toggle that must change it, and a
// screenshot named after the theme it shows. Shared by the screenshot
// steps of several test files.
import path from 'node:path';
import { env, log } from './harness.js';
import { tid } from './browser.js';

// Relative luminance (0 black .. 1 white) of the first opaque background
// from app-main up to the document. With a number `other`, runs in
// waitForFunction: truthy once the luminance is more than 0.2 from it.
export function pageLuminance(other) {
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

export const backgroundLuminance = (page) => page.evaluate(pageLuminance, null);

// Clicks the theme toggle until the background changes (a toggle may cycle
// through "system" first); resolves with the new luminance.
export async function toggleTheme(page) {
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

// Saves PREFIX-SIZE-<light|dark>.png (by luminance LUM) to the artefacts
// dir; resolves with the theme's name.
export async function shoot(page, prefix, size, lum) {
  const theme = lum < 0.5 ? 'dark' : 'light';
  const file = path.join(env.artifacts, `${prefix}-${size}-${theme}.png`);
  // no hover or focus ring left on the theme toggle in the picture (a
  // phone's list view has no timeline: the app's corner then)
  const timeline = page.locator(tid('timeline'));
  const spot = (await timeline.isVisible()) ? timeline : page.locator(tid('app-main'));
  await spot.hover({ position: { x: 5, y: 5 } });
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: file, animations: 'disabled' });
  log(`screenshot: ${file}`);
  return theme;
}
