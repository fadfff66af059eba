import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxItem } from '../src/chat/outbox';
import { MemoryStorage } from './helpers';

const item = (id: string, text = id): OutboxItem => ({ id, to: 'bob', text, created_ms: 1 });

describe('Outbox', () => {
  it('queues while offline and flushes in order once connected', () => {
    const o = new Outbox(new MemoryStorage(), 'k');
    o.add(item('a'));
    o.add(item('b'));
    o.add(item('c'));
    expect(o.flush(() => false)).toBe(0);
    const sent: string[] = [];
    o.newConnection();
    expect(o.flush((i) => (sent.push(i.id), true))).toBe(3);
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('stops at the first refusal to keep the order', () => {
    const o = new Outbox(null, 'k');
    ['a', 'b', 'c'].forEach((id) => o.add(item(id)));
    const sent: string[] = [];
    o.flush((i) => (i.id === 'b' ? false : (sent.push(i.id), true)));
    expect(sent).toEqual(['a']);
    o.flush((i) => (sent.push(i.id), true));
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('sends an id only once per connection and again on the next until settled', () => {
    const o = new Outbox(null, 'k');
    o.add(item('a'));
    const sent: string[] = [];
    const send = (i: OutboxItem) => (sent.push(i.id), true);
    o.flush(send);
    o.flush(send);
    expect(sent).toEqual(['a']);
    o.newConnection();
    o.flush(send);
    expect(sent).toEqual(['a', 'a']);
    expect(o.settle('a')).toBe(true);
    o.newConnection();
    o.flush(send);
    expect(sent).toEqual(['a', 'a']);
    expect(o.settle('a')).toBe(false);
  });

  it('de-duplicates by client id', () => {
    const o = new Outbox(null, 'k');
    expect(o.add(item('a', 'one'))).toBe(true);
    expect(o.add(item('a', 'two'))).toBe(false);
    expect(o.pending.map((i) => i.text)).toEqual(['one']);
  });

  it('survives a reload through sessionStorage', () => {
    const storage = new MemoryStorage();
    const o = new Outbox(storage, 'parley.outbox.alice');
    o.add(item('a'));
    o.add(item('b'));
    o.settle('a');
    const again = new Outbox(storage, 'parley.outbox.alice');
    expect(again.pending.map((i) => i.id)).toEqual(['b']);
    const other = new Outbox(storage, 'parley.outbox.bob');
    expect(other.pending).toEqual([]);
  });

  it('ignores corrupt storage and duplicate stored ids', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', '{nope');
    expect(new Outbox(storage, 'k').pending).toEqual([]);
    storage.setItem('k', JSON.stringify([item('a'), item('a'), { id: 3 }, item('b')]));
    expect(new Outbox(storage, 'k').pending.map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('clear forgets memory and storage', () => {
    const storage = new MemoryStorage();
    const o = new Outbox(storage, 'k');
    o.add(item('a'));
    o.clear();
    expect(o.pending).toEqual([]);
    expect(storage.getItem('k')).toBeNull();
  });
});
