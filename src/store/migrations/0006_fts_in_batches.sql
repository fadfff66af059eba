-- Parley schema, version 6: the full-text index is brought up to date in
-- batches (MessageRepository::index_pending) instead of by a trigger inside
-- every message's commit. FTS5 writes a new index segment per transaction,
-- which cost three quarters of the store thread's time per stored message;
-- a batch of a thousand messages writes one. fts_progress.indexed_upto is
-- the newest message id in messages_fts: messages above it wait for the
-- next batch, and a search indexes them first, so it never misses one.

CREATE TABLE fts_progress (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto  INTEGER NOT NULL
);

-- Everything stored so far went through the insert trigger.
INSERT INTO fts_progress (id, indexed_upto) SELECT 1, coalesce(max(id), 0) FROM messages;

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

-- Only an indexed row may leave the index: an external-content 'delete' of a
-- row the index never saw corrupts it.
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.id <= (SELECT indexed_upto FROM fts_progress) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
  WHEN old.id <= (SELECT indexed_upto FROM fts_progress) BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
