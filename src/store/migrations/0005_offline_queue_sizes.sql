-- Parley schema, version 5: the length of every identity's offline queue,
-- kept by triggers, so bounding a queue (MessageRepository::
-- kMaxQueuedPerIdentity) costs one key lookup per queued message instead of
-- counting the queue. Triggers also see the rows that cascades remove (a
-- room or message deleted), so the count never drifts.

CREATE TABLE offline_queue_sizes (
  identity  TEXT PRIMARY KEY,
  queued    INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO offline_queue_sizes (identity, queued)
  SELECT identity, count(*) FROM offline_queue GROUP BY identity;

CREATE TRIGGER offline_queue_sizes_insert AFTER INSERT ON offline_queue BEGIN
  INSERT OR IGNORE INTO offline_queue_sizes (identity, queued) VALUES (new.identity, 0);
  UPDATE offline_queue_sizes SET queued = queued + 1 WHERE identity = new.identity;
END;

-- An empty queue loses its row, so identities that come and go (browser
-- logins) leave nothing behind.
CREATE TRIGGER offline_queue_sizes_delete AFTER DELETE ON offline_queue BEGIN
  UPDATE offline_queue_sizes SET queued = queued - 1 WHERE identity = old.identity;
  DELETE FROM offline_queue_sizes WHERE identity = old.identity AND queued <= 0;
END;
