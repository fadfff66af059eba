-- Parley schema, version 2: chatrooms, their members and invitations, room
-- and private messages with a full-text index (FTS5), and the offline
-- delivery queue. Chat times are unix milliseconds (messages are ordered and
-- shown to the millisecond). Room names follow the user name rule and are
-- stored lower-case; the room's SIP URI is derived from the name (src/chat/README.md).

CREATE TABLE rooms (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL DEFAULT '',
  topic         TEXT NOT NULL DEFAULT '',
  -- NULL once the owner's user is removed: the room and its history stay
  -- with its admins rather than vanishing with one account.
  owner_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  visibility    TEXT NOT NULL CHECK (visibility IN ('public', 'invite')),
  created_at    INTEGER NOT NULL
);
CREATE INDEX rooms_by_owner ON rooms(owner_id);

CREATE TABLE room_members (
  room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at  INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX room_members_by_user ON room_members(user_id, room_id);

CREATE TABLE room_invitations (
  room_id     INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX room_invitations_by_user ON room_invitations(user_id);

-- A room message has room_id; a private one has recipient_id instead. The
-- sender is a user, or (sender_id NULL) an outside SIP URI in sender_uri.
-- AUTOINCREMENT: ids only ever grow, even after the newest row is deleted,
-- so "before id" paging and the offline queue order stay true.
CREATE TABLE messages (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id       INTEGER REFERENCES rooms(id) ON DELETE CASCADE,
  recipient_id  INTEGER REFERENCES users(id) ON DELETE CASCADE,
  sender_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  sender_uri    TEXT NOT NULL DEFAULT '',
  body          TEXT NOT NULL,
  content_type  TEXT NOT NULL DEFAULT 'text/plain',
  created_at    INTEGER NOT NULL,
  CHECK ((room_id IS NULL) <> (recipient_id IS NULL))
);
CREATE INDEX messages_by_room ON messages(room_id, id) WHERE room_id IS NOT NULL;
CREATE INDEX messages_by_recipient ON messages(recipient_id, sender_id, id)
  WHERE recipient_id IS NOT NULL;
CREATE INDEX messages_by_sender ON messages(sender_id, recipient_id, id)
  WHERE recipient_id IS NOT NULL;

-- External-content FTS5 index over message bodies, kept in step by triggers.
-- unicode61 with diacritics removed: "cafe" finds "café".
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body, content = 'messages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;

-- Messages a private identity (a SIP account, a user's web login ...) has not
-- received yet. The identity is an opaque key chosen by the gateway. Rows go
-- when delivered; the queue id keeps enqueue order within an identity.
CREATE TABLE offline_queue (
  id          INTEGER PRIMARY KEY,
  identity    TEXT NOT NULL,
  message_id  INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  UNIQUE (identity, message_id)
);
CREATE INDEX offline_queue_by_message ON offline_queue(message_id);
