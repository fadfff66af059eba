-- Parley schema, version 3: how far each member has read each room, for the
-- browser's unread counts. last_read is a message id (ids only grow).
-- Members get a row when they join, at the room's newest message, so old
-- history never counts as unread.

CREATE TABLE room_reads (
  room_id    INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  last_read  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
