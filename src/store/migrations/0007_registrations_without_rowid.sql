-- Parley schema, version 7: registrations keyed by (account, contact) alone.
-- Every REGISTER refresh rewrites its row; with a rowid table that was three
-- b-tree writes (the row, the unique index, and the expiry index, whose key
-- changes on every refresh). A WITHOUT ROWID table stores the row in its
-- primary-key b-tree: one write. Expired rows are deleted only when the
-- server starts, where a scan of the table is cheap, so the expiry index
-- went with it.

CREATE TABLE registrations_v7 (
  account_id        INTEGER NOT NULL REFERENCES sip_accounts(id) ON DELETE CASCADE,
  contact           TEXT NOT NULL,
  instance_id       TEXT NOT NULL DEFAULT '',
  reg_id            INTEGER NOT NULL DEFAULT 0,
  transport         TEXT NOT NULL,
  received_address  TEXT NOT NULL,
  received_port     INTEGER NOT NULL,
  path              TEXT NOT NULL DEFAULT '',
  q                 REAL NOT NULL DEFAULT 1.0,
  call_id           TEXT NOT NULL,
  cseq              INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  user_agent        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (account_id, contact)
) WITHOUT ROWID;

INSERT INTO registrations_v7 (account_id, contact, instance_id, reg_id, transport,
    received_address, received_port, path, q, call_id, cseq, expires_at, updated_at, user_agent)
  SELECT account_id, contact, instance_id, reg_id, transport, received_address, received_port,
         path, q, call_id, cseq, expires_at, updated_at, user_agent
  FROM registrations;

DROP TABLE registrations;
ALTER TABLE registrations_v7 RENAME TO registrations;
