// What a person does with rooms, presence and search in the browser app,
// written against its data-testid contract (README.md lists it): open a
// room, read its timeline, its unread badge and members, set one's own
// status, search. Every wait is on DOM state with a timeout.
import { pageFetch, sessionFromStorage, tid } from './browser.js';
import { signedHeaders } from './signer.js';

// The room list's entry for room NAME.
export const roomItem = (page, name) => page.locator(tid(`room-item-${name}`));

// Waits until room NAME's entry says UNREAD (data-unread; a badge shows the
// number while it is above 0, and no badge shows at 0).
export async function waitUnread(page, name, unread, timeout = 10000) {
  await page.locator(`${tid(`room-item-${name}`)}[data-unread="${unread}"]`).waitFor({ timeout });
  const badge = page.locator(tid(`room-unread-${name}`));
  if (unread > 0) {
    await badge.filter({ hasText: new RegExp(`^\\s*${unread}\\s*$`) }).waitFor({ timeout });
  } else {
    await badge.waitFor({ state: 'detached', timeout });
  }
}

// Opens room NAME from the room list; resolves when it is the open room
// (its title in the centre pane, its entry marked current).
export async function openRoom(page, name, title) {
  await roomItem(page, name).click();
  await page.locator(`${tid(`room-item-${name}`)}[aria-current="true"]`).waitFor({ timeout: 5000 });
  await page.locator(tid('active-room-title')).filter({ hasText: title }).waitFor({ timeout: 5000 });
  await page.locator(tid('composer-input')).waitFor({ timeout: 5000 });
}

// The timeline rows (timeline-message) of the open room with exactly TEXT.
export function roomMessages(page, text, { direction } = {}) {
  let sel = `${tid('timeline')} ${tid('timeline-message')}`;
  if (direction) sel += `[data-direction="${direction}"]`;
  return page.locator(sel).filter({ has: page.locator(tid('message-text'), { hasText: exact(text) }) });
}

// {id, text} of every timeline row, top to bottom.
export function timelineRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="timeline"] [data-testid="timeline-message"]')].map((el) => ({
      id: el.getAttribute('data-id'),
      text: el.querySelector('[data-testid="message-text"]')?.textContent ?? '',
    })),
  );
}

// Waits until member USER of the open room shows STATUS (data-status) and,
// when given, NOTE in its row.
export async function waitMember(page, user, status, note, timeout = 10000) {
  let member = page.locator(`${tid('member-list')} ${tid(`member-${user}`)}[data-status="${status}"]`);
  if (note !== undefined) member = member.filter({ hasText: note });
  await member.waitFor({ timeout });
}

// Chooses STATUS and NOTE in the header and saves; resolves once the server
// reported it back (own-status).
export async function setStatus(page, status, note = '') {
  await page.locator(tid('status-picker')).selectOption(status);
  await page.locator(tid('status-note')).fill(note);
  await page.locator(tid('status-save')).click();
  await page.locator(`${tid('own-status')}[data-status="${status}"]`).waitFor({ timeout: 10000 });
}

// Marks the page's window, to tell later whether it was reloaded.
export async function markWindow(page, marker) {
  await page.evaluate((m) => {
    window.__e2eMarker = m;
  }, marker);
}

export const windowMarker = (page) => page.evaluate(() => window.__e2eMarker ?? null);

function exact(text) {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`);
}

// A signed GET of the browser API from PAGE, with its session (the
// server binds a session to the browser that logged in). Resolves
// {status, json}.
export async function apiGet(page, baseUrl, target) {
  const session = await sessionFromStorage(page);
  return pageFetch(page, baseUrl + target, { headers: signedHeaders(session, 'GET', target) });
}
