// The centre pane: the open room's or conversation's header (with the call
// controls that arrive later), its timeline with paging back in time, and
// the composer.
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ConnState } from '../api/connection';
import type { Room, UserWithPresence } from '../api/types';
import { MAX_TEXT } from '../chat/client';
import type { ChatMessage } from '../chat/state';
import { Avatar } from './Avatar';
import { clockTime, dayLabel, fullTime, peerTitle, presenceLabel } from './format';

// What the centre pane shows: a private conversation or a room.
export type TimelineView =
  | { kind: 'conversation'; peer: string; messages: ChatMessage[]; more: boolean }
  | { kind: 'room'; room: Room; messages: ChatMessage[]; more: boolean };

interface Props {
  view: TimelineView | null;
  users: UserWithPresence[];
  conn: ConnState;
  loadingOlder: boolean;
  onBack: () => void;
  onSend: (text: string) => void;
  onRetry: (id: string) => void;
  onLoadOlder: () => void;
  // Narrow screens: show the room's details (members, settings) instead.
  onDetails?: () => void;
}

function statusLabel(m: ChatMessage): string {
  if (m.elsewhere) return 'Sent from another device';
  if (m.status === 'sending') return 'Sending…';
  if (m.status === 'delivered') return 'Delivered';
  return 'Not delivered';
}

// The refusal as people say it: do-not-disturb is common enough to name.
export function failureDetail(m: ChatMessage): string {
  const reason = m.reason ?? '';
  if (m.code === 480 && /disturb/i.test(reason)) return ': the recipient is in do-not-disturb';
  return ': ' + reason + (m.code ? `${reason ? ' ' : ''}(${m.code})` : '');
}

interface RowProps {
  m: ChatMessage;
  sender: string | null; // shown above a room message from someone else
  onRetry: () => void;
}

function MessageRow({ m, sender, onRetry }: RowProps) {
  const out = m.direction === 'out';
  return (
    <li
      class={`msg ${out ? 'msg-out' : 'msg-in'}${m.status === 'failed' ? ' msg-failed' : ''}`}
      data-testid="timeline-message"
      data-id={m.server_id ?? m.id}
      data-direction={m.direction}
      data-status={out ? m.status : undefined}
    >
      {sender && <div class="msg-sender">{sender}</div>}
      <div class="msg-body" data-testid="message" data-direction={m.direction} data-status={out ? m.status : undefined}>
      <div class="bubble">
        <div class="msg-text" data-testid="message-text">{m.text}</div>
      </div>
      <div class="msg-meta">
        <time dateTime={new Date(m.time_ms).toISOString()} title={fullTime(m.time_ms)}>{clockTime(m.time_ms)}</time>
        {out && !(m.status === 'delivered' && m.id === m.server_id) && (
          <span class={`msg-status status-${m.status}`} title={m.status === 'failed' ? m.reason : undefined}>
            {m.status === 'sending' && <span class="spinner" aria-hidden="true" />}
            <span>
              {statusLabel(m)}
              {m.status === 'failed' && (m.reason || m.code) ? <span class="msg-reason">{failureDetail(m)}</span> : null}
            </span>
          </span>
        )}
        {m.status === 'failed' && !m.elsewhere && (
          <button type="button" class="link-btn retry-btn" onClick={onRetry}>Retry</button>
        )}
      </div>
      </div>
    </li>
  );
}

interface TimelineProps {
  view: TimelineView;
  users: UserWithPresence[];
  loadingOlder: boolean;
  onRetry: (id: string) => void;
  onLoadOlder: () => void;
}

function viewKey(v: TimelineView): string {
  return v.kind === 'room' ? '#' + v.room.name : v.peer;
}

function Timeline({ view, users, loadingOlder, onRetry, onLoadOlder }: TimelineProps) {
  const ref = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  // Before an older page lands: the height, so the reader's place is kept.
  const anchor = useRef<number | null>(null);
  const messages = view.messages;
  const count = messages.length;
  const key = viewKey(view);
  const firstId = messages[0]?.id;
  const last = messages[count - 1];
  const lastSeen = useRef<string | undefined>(undefined);
  // Sending a message shows it, wherever the reader was.
  if (last && last.id !== lastSeen.current && last.direction === 'out' && last.status === 'sending' && !last.elsewhere) stick.current = true;
  lastSeen.current = last?.id;

  // Follow new messages only when the reader is already at the bottom.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (anchor.current !== null) {
      el.scrollTop += el.scrollHeight - anchor.current;
      anchor.current = null;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [count, key, firstId]);
  useEffect(() => {
    stick.current = true;
    anchor.current = null;
  }, [key]);

  const older = () => {
    if (!view.more || loadingOlder) return;
    anchor.current = ref.current?.scrollHeight ?? null;
    onLoadOlder();
  };

  return (
    <ol
      class="timeline"
      data-testid="timeline"
      ref={ref}
      tabIndex={0}
      aria-label="Messages"
      aria-live="polite"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {/* A button, not loading on scroll: scrolling the button into view must not make it vanish. */}
      {view.more && (
        <li class="load-older" role="presentation">
          <button type="button" class="btn btn-quiet" data-testid="load-older" onClick={older} disabled={loadingOlder} aria-busy={loadingOlder}>
            {loadingOlder ? 'Loading…' : 'Load older messages'}
          </button>
        </li>
      )}
      {count === 0 && <li class="timeline-empty">No messages yet. Say hello!</li>}
      {messages.map((m, i) => {
        const day = dayLabel(m.time_ms);
        const prev = messages[i - 1];
        const showDay = !prev || dayLabel(prev.time_ms) !== day;
        const from = m.from ?? '';
        const showSender = view.kind === 'room' && m.direction === 'in' && (showDay || prev?.from !== from || prev?.direction !== 'in');
        return (
          <Fragment key={m.id + m.direction}>
            {showDay && <li class="day-sep" role="presentation"><span>{day}</span></li>}
            <MessageRow m={m} sender={showSender ? peerTitle(from, users) : null} onRetry={() => onRetry(m.id)} />
          </Fragment>
        );
      })}
    </ol>
  );
}

function Composer({ peer, conn, label, onSend }: { peer: string; conn: ConnState; label: string; onSend: (text: string) => void }) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const drafts = useRef(new Map<string, string>());

  useEffect(() => {
    setText(drafts.current.get(peer) ?? '');
    if (window.matchMedia?.('(pointer: fine)').matches) ref.current?.focus();
  }, [peer]);

  // Grow with the text up to a few lines.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 160) + 'px';
  }, [text]);

  const update = (v: string) => {
    setText(v);
    drafts.current.set(peer, v);
  };
  const send = () => {
    if (!text.trim() || text.length > MAX_TEXT) return;
    onSend(text);
    update('');
    ref.current?.focus();
  };
  const offline = conn !== 'connected';
  const tooLong = text.length > MAX_TEXT;

  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); send(); }}>
      <div class="composer-hint" id="composer-hint" aria-live="polite">
        {tooLong
          ? `Too long: ${text.length} of ${MAX_TEXT} characters.`
          : offline
            ? 'Offline: messages wait here and go out when the connection is back.'
            : ''}
      </div>
      <div class="composer-row">
        <label for="composer-input" class="visually-hidden">Message</label>
        <textarea
          id="composer-input"
          ref={ref}
          data-testid="composer-input"
          class="composer-input"
          rows={1}
          placeholder={label}
          title="Enter sends, Shift+Enter starts a new line"
          aria-describedby="composer-hint"
          value={text}
          onInput={(e) => update(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" class="btn btn-primary send-btn" data-testid="composer-send" disabled={!text.trim() || tooLong} aria-label="Send">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3 20l18-8L3 4v6l12 2-12 2z" fill="currentColor" /></svg>
        </button>
      </div>
    </form>
  );
}

function RoomHeader({ room }: { room: Room }) {
  return (
    <div class="conv-header-text">
      <h2 class="conv-header-title" data-testid="active-room-title">{room.title}</h2>
      <div class="conv-header-sub">
        {room.topic || (room.visibility === 'invite' ? 'Invite-only room' : 'Public room')} · {room.members} {room.members === 1 ? 'member' : 'members'}
      </div>
    </div>
  );
}

function PeerHeader({ peer, users }: { peer: string; users: UserWithPresence[] }) {
  const user = users.find((u) => u.name === peer);
  const title = peerTitle(peer, users);
  return (
    <>
      <Avatar id={peer} title={title} online={user?.online} status={user?.status} />
      <div class="conv-header-text">
        <h2 class="conv-header-title">{title}</h2>
        <div class="conv-header-sub">{user ? `${presenceLabel(user)} · ${user.uri}` : peer}</div>
      </div>
    </>
  );
}

export function ConversationPane({ view, users, conn, loadingOlder, onBack, onSend, onRetry, onLoadOlder, onDetails }: Props) {
  if (!view) {
    return (
      <main class="pane pane-centre pane-empty" aria-label="Conversation">
        <div class="empty-state">
          <svg viewBox="0 0 48 48" width="56" height="56" aria-hidden="true"><path d="M8 10h32v22H18l-10 8z" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linejoin="round" /></svg>
          <h2>Pick a room or a conversation</h2>
          <p>Choose a room on the left, someone from the members list, or start a new chat with a name or SIP address.</p>
        </div>
      </main>
    );
  }
  const isRoom = view.kind === 'room';
  const title = isRoom ? view.room.title : peerTitle(view.peer, users);
  return (
    <main class="pane pane-centre" aria-label={isRoom ? `Room ${title}` : `Conversation with ${title}`}>
      <div class="conv-header">
        <button type="button" class="icon-btn back-btn" onClick={onBack} aria-label="Back to rooms and conversations">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" /></svg>
        </button>
        {isRoom ? <RoomHeader room={view.room} /> : <PeerHeader peer={view.peer} users={users} />}
        {isRoom && onDetails && (
          <button type="button" class="icon-btn details-btn" data-testid="room-details" onClick={onDetails} aria-label="Members and room settings" title="Members and room settings">
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><circle cx="9" cy="8" r="3.2" fill="none" stroke="currentColor" stroke-width="1.8" /><path d="M3 19c.8-3.2 3.2-5 6-5s5.2 1.8 6 5M16 5.5a3 3 0 0 1 0 5.6M18 14.5c1.5.7 2.6 2.3 3 4.5" fill="none" stroke="currentColor" stroke-width="1.8" /></svg>
          </button>
        )}
        {!isRoom && (
          <div class="call-controls" role="group" aria-label="Calls (arrive soon)" title="Calls arrive soon">
            <button type="button" class="icon-btn" disabled aria-label="Audio call (calls arrive soon)">
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M6.6 10.8a15.2 15.2 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z" fill="currentColor" /></svg>
            </button>
            <button type="button" class="icon-btn" disabled aria-label="Video call (calls arrive soon)">
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M3 6h12v12H3zM15 10l6-3v10l-6-3z" fill="currentColor" /></svg>
            </button>
            <span class="soon-label">Calls arrive soon</span>
          </div>
        )}
      </div>
      <Timeline view={view} users={users} loadingOlder={loadingOlder} onRetry={onRetry} onLoadOlder={onLoadOlder} />
      <Composer peer={viewKey(view)} conn={conn} label={isRoom ? `Message ${title}…` : 'Write a message…'} onSend={onSend} />
    </main>
  );
}
