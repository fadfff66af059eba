// The logged-in screen: header, rooms and conversations, the open
// conversation, and the members list. Owns the ParleyClient of the session.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SocketLike } from '../api/connection';
import type { ApiClient } from '../api/http';
import type { Session } from '../api/session';
import type { NewRoom, RoomChange } from '../api/chat_api';
import { ParleyClient } from '../chat/client';
import { browsableRooms, invitedRooms, joinedRooms, roomsUnread } from '../chat/rooms';
import type { HitTarget } from '../chat/search';
import { orderedConversations, totalUnread } from '../chat/state';
import { BuddyList } from './BuddyList';
import { ConversationPane, type TimelineView } from './ConversationPane';
import { Header } from './Header';
import { RoomList } from './RoomList';
import { RoomPanel } from './RoomPanel';
import { SearchBox } from './SearchBox';
import { Sidebar } from './Sidebar';

interface Props {
  api: ApiClient;
  session: Session;
  storage: Storage | null;
  onLoggedOut: () => void;
  onSessionEnded: (reason: string) => void;
}

export function wsUrl(query: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/ws?${query}&batch=1`;
}

export function MainScreen({ api, session, storage, onLoggedOut, onSessionEnded }: Props) {
  const client = useMemo(
    () =>
      new ParleyClient({
        api,
        session,
        storage,
        makeSocket: (url) => new WebSocket(url) as unknown as SocketLike,
        urlFor: wsUrl,
        onSessionEnded,
      }),
    [api, session],
  );
  const [snap, setSnap] = useState(client.snapshot);
  // Narrow screens show either the lists or the conversation.
  const [view, setView] = useState<'list' | 'conversation' | 'details'>(() =>
    client.snapshot.chat.selected || client.snapshot.rooms.active ? 'conversation' : 'list');

  useEffect(() => {
    const off = client.subscribe(() => setSnap(client.snapshot));
    client.start();
    // Back online, or back to the tab: do not wait out the back-off.
    const online = () => client.connection.retryNow();
    const visible = () => {
      if (document.visibilityState !== 'visible') return;
      client.connection.retryNow();
      client.markRead();
    };
    const focus = () => client.markRead();
    window.addEventListener('online', online);
    window.addEventListener('focus', focus);
    document.addEventListener('visibilitychange', visible);
    return () => {
      off();
      window.removeEventListener('online', online);
      window.removeEventListener('focus', focus);
      document.removeEventListener('visibilitychange', visible);
      client.stop();
    };
  }, [client]);

  const unread = totalUnread(snap.chat) + roomsUnread(snap.rooms);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  const open = (peer: string) => {
    client.select(peer);
    setView('conversation');
  };
  const openRoom = (name: string) => {
    client.selectRoom(name);
    setView('conversation');
  };
  const back = () => {
    client.select(null);
    client.selectRoom(null);
    setView('list');
  };
  const logout = async () => {
    try {
      await api.logout(session);
    } catch {
      /* the session may already be gone; log out locally anyway */
    }
    client.forget();
    onLoggedOut();
  };
  const me = session.user.name;
  const rooms = snap.rooms;
  const chat = snap.chat;
  const active = rooms.active ? rooms.rooms[rooms.active] ?? null : null;

  const join = async (name: string) => {
    const room = await client.run((a) => a.join(name));
    if (!room) return;
    client.applyRoom(room);
    openRoom(room.name);
  };
  const create = async (r: NewRoom) => {
    const room = await client.run((a) => a.createRoom(r));
    if (!room) return false;
    client.applyRoom(room);
    openRoom(room.name);
    return true;
  };
  const leave = async (name: string) => {
    const done = await client.run(async (a) => ({ room: await a.leave(name) }));
    if (!done) return;
    if (done.room && done.room.visibility === 'public') client.applyRoom(done.room);
    else client.removeRoom(name);
    back();
  };
  const update = async (name: string, change: RoomChange) => {
    const room = await client.run((a) => a.updateRoom(name, change));
    if (room) client.applyRoom(room);
    return room !== null;
  };
  const invite = async (name: string, user: string) => (await client.run((a) => a.invite(name, user).then(() => true))) === true;
  const remove = async (name: string) => {
    if ((await client.run((a) => a.deleteRoom(name).then(() => true))) !== true) return;
    client.removeRoom(name);
    back();
  };
  const addBuddy = async (user: string) => {
    if ((await client.run((a) => a.addBuddy(user).then(() => true))) !== true) return;
    client.setBuddies(chat.buddies.concat(user));
  };
  const openHit = (t: HitTarget) => (t.kind === 'room' ? openRoom(t.room) : open(t.peer));

  let timeline: TimelineView | null = null;
  if (active) {
    const t = rooms.timelines[active.name];
    timeline = { kind: 'room', room: active, messages: t?.messages ?? [], more: t?.more ?? false };
  } else if (chat.selected && chat.conversations[chat.selected]) {
    const c = chat.conversations[chat.selected];
    timeline = { kind: 'conversation', peer: c.peer, messages: c.messages, more: c.more ?? false };
  }
  const onSend = (text: string) => {
    if (timeline?.kind === 'room') client.post(timeline.room.name, text);
    else if (timeline) client.send(timeline.peer, text);
  };
  const onRetry = (id: string) => {
    if (timeline?.kind === 'room') client.retryPost(id, timeline.room.name);
    else if (timeline) client.retry(id, timeline.peer);
  };

  return (
    <div class="app" data-testid="app-main" data-view={timeline && view !== 'list' ? (view === 'details' && active ? 'details' : 'conversation') : 'list'}>
      <Header
        user={session.user} conn={snap.conn} retryAtMs={snap.retryAtMs} onRetryNow={() => client.connection.retryNow()} onLogout={logout}
        own={snap.own} onSetStatus={(st, note) => client.setPresence(st, note)}
      />
      {snap.error && (
        <div class="error-banner" data-testid="error-banner" role="alert">
          <span>{snap.error}</span>
          <button type="button" class="link-btn" onClick={() => client.dismissError()} aria-label="Dismiss the error">Dismiss</button>
        </div>
      )}
      <div class="panes">
        <Sidebar conversations={orderedConversations(chat)} buddies={chat.buddies} users={chat.users} selected={chat.selected} onOpen={open}>
          <SearchBox me={me} users={chat.users} roomTitle={(n) => rooms.rooms[n]?.title ?? n} run={(op) => client.run(op)} onOpen={openHit} />
          <RoomList
            joined={joinedRooms(rooms)} invited={invitedRooms(rooms)} browsable={browsableRooms(rooms)} active={rooms.active}
            onOpen={openRoom} onJoin={(n) => void join(n)} onCreate={create} onBrowse={() => void client.loadRooms()}
          />
        </Sidebar>
        <ConversationPane
          view={timeline}
          users={chat.users}
          conn={snap.conn}
          loadingOlder={snap.loadingOlder}
          onBack={back}
          onSend={onSend}
          onRetry={onRetry}
          onLoadOlder={() => void client.loadOlder()}
          onDetails={() => setView('details')}
        />
        {active ? (
          <RoomPanel
            room={active} members={rooms.members[active.name]} me={me} buddies={chat.buddies}
            onChat={open} onAddBuddy={(u) => void addBuddy(u)} onLeave={() => void leave(active.name)}
            onUpdate={(c) => update(active.name, c)} onInvite={(u) => invite(active.name, u)} onDelete={() => void remove(active.name)}
            onBack={() => setView('conversation')}
          />
        ) : (
          <BuddyList users={chat.users} me={me} error={snap.usersError} onOpen={open} onReload={() => void client.loadUsers()} />
        )}
      </div>
    </div>
  );
}
