import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../src/api/types';
import { applyLive, applyPage, emptyTimeline, fromStored, MAX_TIMELINE, mergeMessages, newestServerId, oldestServerId } from '../src/chat/history';
import type { ChatMessage } from '../src/chat/state';

const stored = (id: string, time_ms: number, from_user: string | null = 'bob', text = id): StoredMessage => ({
  id, room: 'lobby', from: `sip:${from_user ?? 'x'}@localhost`, from_user, to_user: null, text, time_ms,
});
const page = (...ms: StoredMessage[]) => ms.map((m) => fromStored(m, 'alice'));
const ids = (ms: ChatMessage[]) => ms.map((m) => m.id);

describe('history pages', () => {
  it('maps stored messages to in and out by sender', () => {
    expect(fromStored(stored('m1', 1), 'alice')).toMatchObject({ id: 'm1', direction: 'in', from: 'bob' });
    expect(fromStored(stored('m2', 1, 'alice'), 'alice')).toMatchObject({ direction: 'out', status: 'delivered', server_id: 'm2' });
    expect(fromStored(stored('m3', 1, null), 'alice').from).toBe('sip:x@localhost');
  });

  it('puts an older page before the newest one and drops overlapping ids', () => {
    let t = applyPage(emptyTimeline(), page(stored('m3', 30), stored('m4', 40)), true, false);
    expect([t.loaded, t.more]).toEqual([true, true]);
    expect(oldestServerId(t)).toBe('m3');
    t = applyPage(t, page(stored('m1', 10), stored('m2', 20), stored('m3', 30)), false, true);
    expect(ids(t.messages)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(t.more).toBe(false);
    expect(newestServerId(t)).toBe('m4');
  });

  it('keeps "more" from the older pages when the newest page is fetched again', () => {
    let t = applyPage(emptyTimeline(), page(stored('m3', 30)), true, false);
    t = applyPage(t, page(stored('m3', 30), stored('m5', 50)), false, false);
    expect(ids(t.messages)).toEqual(['m3', 'm5']);
    expect(t.more).toBe(true);
  });

  it('returns the same list when nothing is new', () => {
    const t = applyPage(emptyTimeline(), page(stored('m1', 10)), false, false);
    expect(applyLive(t, fromStored(stored('m1', 10), 'alice'))).toBe(t);
  });

  it('merges the stored copy of an own message into the one typed here', () => {
    const local: ChatMessage = { id: 'c1', direction: 'out', text: 'hi', time_ms: 1000, status: 'sending' };
    const merged = mergeMessages([local], page(stored('m9', 1200, 'alice', 'hi')));
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: 'c1', server_id: 'm9', status: 'sending' });
    // Seen again (live echo after the page): still one.
    expect(mergeMessages(merged, page(stored('m9', 1200, 'alice', 'hi')))).toBe(merged);
    // Another identical text, much later, is another message.
    expect(mergeMessages(merged, page(stored('m10', 1_000_000, 'alice', 'hi')))).toHaveLength(2);
  });

  it('never merges into a failed message or another text', () => {
    const failed: ChatMessage = { id: 'c1', direction: 'out', text: 'hi', time_ms: 1000, status: 'failed' };
    expect(mergeMessages([failed], page(stored('m1', 1000, 'alice', 'hi')))).toHaveLength(2);
    const other: ChatMessage = { id: 'c2', direction: 'out', text: 'ho', time_ms: 1000, status: 'sending' };
    expect(mergeMessages([other], page(stored('m1', 1000, 'alice', 'hi')))).toHaveLength(2);
  });

  it('pages back from the oldest stored id, not from an unsent own message', () => {
    const t = { messages: [{ id: 'c1', direction: 'out', text: 'x', time_ms: 1, status: 'sending' } as ChatMessage, ...page(stored('m5', 5))], more: true, loaded: true };
    expect(oldestServerId(t)).toBe('m5');
    expect(newestServerId(t)).toBe('m5');
    expect(oldestServerId(emptyTimeline())).toBeNull();
  });

  it('keeps time order, equal times in arrival order, and drops the oldest beyond the cap', () => {
    const t = applyPage(emptyTimeline(), page(stored('b', 5), stored('a', 5), stored('c', 1)), false, false);
    expect(ids(t.messages)).toEqual(['c', 'b', 'a']);
    const many = Array.from({ length: MAX_TIMELINE + 5 }, (_, i) => stored('m' + i, i));
    const big = applyPage(emptyTimeline(), page(...many), false, false);
    expect(big.messages).toHaveLength(MAX_TIMELINE);
    expect(big.messages[0].id).toBe('m5');
    expect(big.more).toBe(true);
  });
});

describe('history pages, equal times', () => {
  it('puts an older page first among equal times, and matches an own sending post whatever its time', () => {
    let t = applyPage(emptyTimeline(), page(stored('m2', 5), stored('m3', 5)), true, false);
    t = applyPage(t, page(stored('m1', 5)), false, true);
    expect(ids(t.messages)).toEqual(['m1', 'm2', 'm3']);
    const local: ChatMessage = { id: 'c1', direction: 'out', text: 'hi', time_ms: 1, status: 'sending' };
    expect(mergeMessages([local], page(stored('m9', 1e12, 'alice', 'hi')))).toHaveLength(1);
  });
});

describe('private history and live frames', () => {
  const live = (id: string, text: string, time_ms: number): ChatMessage => ({ id, direction: 'in', text, time_ms });
  it('takes a stored private message as the live one under another id, each live one once', () => {
    const list = [live('d-1', 'ok', 1000), live('d-2', 'ok', 2000)];
    const merged = mergeMessages(list, page(stored('m1', 1100, 'bob', 'ok'), stored('m2', 2100, 'bob', 'ok')), false, true);
    expect(merged.map((m) => [m.id, m.server_id])).toEqual([['d-1', 'm1'], ['d-2', 'm2']]);
    // Known under both ids from now on.
    expect(mergeMessages(merged, page(stored('m1', 1100, 'bob', 'ok')), false, true)).toBe(merged);
  });
  it('keeps room messages apart: their ids are the stored ones', () => {
    const list = [live('m1', 'ok', 1000)];
    expect(mergeMessages(list, page(stored('m2', 1100, 'bob', 'ok')))).toHaveLength(2);
  });
});
