import { describe, expect, it } from 'vitest';
import { parseServerMsg, type IncomingMsg, type PresenceMsg } from '../src/api/types';
import { peerKey, peerOfMessage } from '../src/chat/peer';
import { chatReducer, emptyChat, loadChat, orderedConversations, saveChat, totalUnread, type ChatAction, type ChatState } from '../src/chat/state';
import { MemoryStorage } from './helpers';

const users = [
  { name: 'bob', display_name: 'Bob', uri: 'sip:bob@localhost', online: false },
  { name: 'alice', display_name: 'Alice', uri: 'sip:alice@localhost', online: true },
];

function run(actions: ChatAction[], start: ChatState = emptyChat()): ChatState {
  return actions.reduce(chatReducer, start);
}

function incoming(over: Partial<IncomingMsg>): IncomingMsg {
  return {
    type: 'message', id: 's1', direction: 'in', from: 'sip:bob@localhost', from_user: 'bob',
    to: 'sip:alice@localhost', to_user: 'alice', text: 'hi', content_type: 'text/plain', time_ms: 1000, ...over,
  };
}

describe('peer keys', () => {
  it('maps names and URIs of local users to the name', () => {
    expect(peerKey('bob', users)).toBe('bob');
    expect(peerKey('Bob', users)).toBe('bob');
    expect(peerKey('sip:bob@localhost', users)).toBe('bob');
    expect(peerKey('<sip:bob@localhost;transport=tcp>', users)).toBe('bob');
    expect(peerKey('bob@localhost', users)).toBe('bob');
  });
  it('keeps foreign SIP URIs', () => {
    expect(peerKey('sip:carol@example.org', users)).toBe('sip:carol@example.org');
    expect(peerKey('carol@example.org', users)).toBe('sip:carol@example.org');
    expect(peerKey('', users)).toBeNull();
    expect(peerKey('two words', users)).toBeNull();
  });
  it('finds the other side of a server message', () => {
    expect(peerOfMessage(incoming({}), users)).toBe('bob');
    expect(peerOfMessage(incoming({ from_user: null, from: 'sip:carol@example.org' }), users)).toBe('sip:carol@example.org');
    expect(peerOfMessage(incoming({ direction: 'out', from_user: 'alice', to_user: null, to: 'sip:x@y' }), users)).toBe('sip:x@y');
  });
});

describe('chatReducer', () => {
  it('moves an own message from sending to delivered', () => {
    const s = run([
      { type: 'local_send', id: 'c1', to: 'bob', text: 'hello', time_ms: 10 },
      { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'delivered', code: 200, reason: 'OK' } },
    ]);
    expect(s.conversations.bob.messages).toEqual([{ id: 'c1', direction: 'out', text: 'hello', time_ms: 10, status: 'delivered' }]);
  });

  it('records code and reason of a failure; the first final status wins', () => {
    const s = run([
      { type: 'local_send', id: 'c1', to: 'bob', text: 'hello', time_ms: 10 },
      { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'failed', code: 480, reason: 'Temporarily Unavailable' } },
      { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'delivered', code: 200 } },
    ]);
    const m = s.conversations.bob.messages[0];
    expect([m.status, m.code, m.reason]).toEqual(['failed', 480, 'Temporarily Unavailable']);
  });

  it('ignores a status for an unknown id and a second local_send with the same id', () => {
    const a = run([{ type: 'local_send', id: 'c1', to: 'bob', text: 'x', time_ms: 1 }]);
    expect(chatReducer(a, { type: 'status', msg: { type: 'message.status', id: 'zz', status: 'delivered' } })).toBe(a);
    expect(chatReducer(a, { type: 'local_send', id: 'c1', to: 'bob', text: 'x', time_ms: 2 })).toBe(a);
  });

  it('retry turns a failed message into a new sending one at the end', () => {
    const s = run([
      { type: 'local_send', id: 'c1', to: 'bob', text: 'one', time_ms: 1 },
      { type: 'local_send', id: 'c2', to: 'bob', text: 'two', time_ms: 2 },
      { type: 'status', msg: { type: 'message.status', id: 'c1', status: 'failed', code: 408 } },
      { type: 'retry', old_id: 'c1', new_id: 'c3', time_ms: 3 },
    ]);
    expect(s.conversations.bob.messages.map((m) => [m.id, m.text, m.status])).toEqual([
      ['c2', 'two', 'sending'],
      ['c3', 'one', 'sending'],
    ]);
  });

  it('counts unread incoming messages unless the conversation is selected', () => {
    let s = run([{ type: 'users', users }, { type: 'incoming', msg: incoming({ id: 's1' }) }, { type: 'incoming', msg: incoming({ id: 's2' }) }]);
    expect(s.conversations.bob.unread).toBe(2);
    expect(totalUnread(s)).toBe(2);
    s = chatReducer(s, { type: 'select', peer: 'bob', now_ms: 5 });
    expect(s.conversations.bob.unread).toBe(0);
    s = chatReducer(s, { type: 'incoming', msg: incoming({ id: 's3' }) });
    expect(s.conversations.bob.unread).toBe(0);
    expect(s.conversations.bob.messages).toHaveLength(3);
  });

  it('drops a repeated incoming message id', () => {
    const s = run([{ type: 'incoming', msg: incoming({ id: 's1' }) }, { type: 'incoming', msg: incoming({ id: 's1' }) }]);
    expect(s.conversations.bob.messages).toHaveLength(1);
    expect(s.conversations.bob.unread).toBe(1);
  });

  it('shows a message sent from another tab as an own message', () => {
    const s = run([{ type: 'incoming', msg: incoming({ id: 's9', direction: 'out', from_user: 'alice', from: 'sip:alice@localhost', to_user: 'bob', to: 'sip:bob@localhost' }) }]);
    const m = s.conversations.bob.messages[0];
    expect([m.direction, m.status, m.elsewhere]).toEqual(['out', 'delivered', true]);
    expect(s.conversations.bob.unread).toBe(0);
  });

  it('puts messages from non-local senders under their SIP URI', () => {
    const s = run([{ type: 'incoming', msg: incoming({ from_user: null, from: 'sip:carol@example.org' }) }]);
    expect(Object.keys(s.conversations)).toEqual(['sip:carol@example.org']);
  });

  it('orders conversations by the most recent message', () => {
    const s = run([
      { type: 'incoming', msg: incoming({ id: 'a', time_ms: 100 }) },
      { type: 'incoming', msg: incoming({ id: 'b', from_user: null, from: 'sip:c@x', time_ms: 200 }) },
      { type: 'local_send', id: 'c1', to: 'dave', text: 'x', time_ms: 150 },
    ]);
    expect(orderedConversations(s).map((c) => c.peer)).toEqual(['sip:c@x', 'dave', 'bob']);
    const t = chatReducer(s, { type: 'local_send', id: 'c2', to: 'bob', text: 'y', time_ms: 300 });
    expect(orderedConversations(t).map((c) => c.peer)).toEqual(['bob', 'sip:c@x', 'dave']);
  });

  it('applies presence updates to known users only', () => {
    let s = run([{ type: 'users', users }]);
    expect(s.users.map((u) => u.name)).toEqual(['alice', 'bob']);
    s = chatReducer(s, { type: 'presence', changes: [{ user: 'bob', online: true }] });
    expect(s.users.find((u) => u.name === 'bob')!.online).toBe(true);
    expect(chatReducer(s, { type: 'presence', changes: [{ user: 'nobody', online: true }] })).toBe(s);
  });

  it('applies several presence changes from one frame', () => {
    let s = run([{ type: 'users', users }]);
    const m = parseServerMsg('{"type":"presence","users":[{"user":"alice","online":false},{"user":"bob","online":true}]}');
    expect(m).not.toBeNull();
    s = chatReducer(s, { type: 'presence', changes: (m as PresenceMsg).changes });
    expect(s.users.map((u) => [u.name, u.online])).toEqual([['alice', false], ['bob', true]]);
    expect(parseServerMsg('{"type":"presence","users":[{"user":"bob"}]}')).toBeNull();
    expect(parseServerMsg('{"type":"presence","user":"bob","online":true}')).toEqual({
      type: 'presence', changes: [{ user: 'bob', online: true }],
    });
  });

  it('saves and restores conversations', () => {
    const storage = new MemoryStorage();
    const s = run([{ type: 'incoming', msg: incoming({}) }, { type: 'select', peer: 'bob', now_ms: 1 }]);
    saveChat(storage, 'k', s);
    const back = loadChat(storage, 'k');
    expect(back.conversations).toEqual(s.conversations);
    expect(back.selected).toBe('bob');
    storage.setItem('k', 'garbage');
    expect(loadChat(storage, 'k')).toEqual(emptyChat());
  });
});
