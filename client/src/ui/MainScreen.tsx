// The logged-in screen: header, rooms and conversations, the open
// conversation, and the members list. Owns the ParleyClient of the session.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SocketLike } from '../api/connection';
import type { ApiClient } from '../api/http';
import type { Session } from '../api/session';
import { ParleyClient } from '../chat/client';
import { orderedConversations, totalUnread } from '../chat/state';
import { BuddyList } from './BuddyList';
import { ConversationPane } from './ConversationPane';
import { Header } from './Header';
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
  return `${scheme}//${location.host}/api/v1/ws?${query}`;
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
  const [view, setView] = useState<'list' | 'conversation'>(() => (client.snapshot.chat.selected ? 'conversation' : 'list'));

  useEffect(() => {
    const off = client.subscribe(() => setSnap(client.snapshot));
    client.start();
    // Back online, or back to the tab: do not wait out the back-off.
    const online = () => client.connection.retryNow();
    const visible = () => {
      if (document.visibilityState === 'visible') client.connection.retryNow();
    };
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visible);
    return () => {
      off();
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visible);
      client.stop();
    };
  }, [client]);

  const unread = totalUnread(snap.chat);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  const open = (peer: string) => {
    client.select(peer);
    setView('conversation');
  };
  const back = () => {
    client.select(null);
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

  const chat = snap.chat;
  const conversation = chat.selected ? chat.conversations[chat.selected] ?? null : null;
  return (
    <div class="app" data-testid="app-main" data-view={conversation && view === 'conversation' ? 'conversation' : 'list'}>
      <Header user={session.user} conn={snap.conn} retryAtMs={snap.retryAtMs} onRetryNow={() => client.connection.retryNow()} onLogout={logout} />
      <div class="panes">
        <Sidebar conversations={orderedConversations(chat)} users={chat.users} selected={chat.selected} onOpen={open} />
        <ConversationPane
          conversation={conversation}
          users={chat.users}
          conn={snap.conn}
          onBack={back}
          onSend={(peer, text) => client.send(peer, text)}
          onRetry={(peer, id) => client.retry(id, peer)}
        />
        <BuddyList users={chat.users} me={session.user.name} error={snap.usersError} onOpen={open} onReload={() => void client.loadUsers()} />
      </div>
    </div>
  );
}
