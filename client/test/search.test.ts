import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../src/api/types';
import { highlight, hitTarget, mapHits, queryTerms } from '../src/chat/search';

const hit = (over: Partial<StoredMessage>): StoredMessage => ({
  id: 'm1', room: null, from: 'sip:bob@localhost', from_user: 'bob', to_user: 'alice', text: 'Coffee at 12?', time_ms: 5, ...over,
});

describe('search hits', () => {
  it('opens the room of a room hit, and the other side of a private one', () => {
    expect(hitTarget(hit({ room: 'lobby', to_user: null }), 'alice')).toEqual({ kind: 'room', room: 'lobby' });
    expect(hitTarget(hit({}), 'alice')).toEqual({ kind: 'conversation', peer: 'bob' });
    expect(hitTarget(hit({ from_user: 'alice', from: 'sip:alice@localhost', to_user: 'bob' }), 'alice')).toEqual({ kind: 'conversation', peer: 'bob' });
    expect(hitTarget(hit({ from_user: null, from: 'sip:x@example.org' }), 'alice')).toEqual({ kind: 'conversation', peer: 'sip:x@example.org' });
  });

  it('highlights every term without case, longest first, and keeps the text whole', () => {
    const segs = highlight('Coffee? coffee at the Cafe', queryTerms('COFFEE caf'));
    expect(segs.filter((s) => s.hit).map((s) => s.text)).toEqual(['Coffee', 'coffee', 'Caf']);
    expect(segs.map((s) => s.text).join('')).toBe('Coffee? coffee at the Cafe');
    expect(queryTerms('"a b" OR -c*')).toEqual(['a', 'b', 'c']);
    expect(highlight('x.y', queryTerms('.'))).toEqual([{ text: 'x', hit: false }, { text: '.', hit: true }, { text: 'y', hit: false }]);
    expect(highlight('plain', [])).toEqual([{ text: 'plain', hit: false }]);
  });

  it('maps hits in the server order, once per id, with sender and ownership', () => {
    const hits = mapHits([hit({ id: 'a', time_ms: 1 }), hit({ id: 'b', room: 'lobby', from_user: 'alice', time_ms: 9 }), hit({ id: 'a' })], 'coffee', 'alice');
    expect(hits.map((h) => h.id)).toEqual(['a', 'b']);
    expect(hits[0]).toMatchObject({ sender: 'bob', own: false, target: { kind: 'conversation', peer: 'bob' } });
    expect(hits[1]).toMatchObject({ sender: 'alice', own: true, target: { kind: 'room', room: 'lobby' } });
    expect(hits[0].segments[0]).toEqual({ text: 'Coffee', hit: true });
  });
});
