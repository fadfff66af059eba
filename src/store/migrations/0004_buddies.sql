-- Parley schema, version 4: buddies. A user adds another user as a buddy to
-- watch its presence and reach it from the contact list; the relation is
-- one-way (alice having bob does not give bob alice).

CREATE TABLE buddies (
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  buddy_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, buddy_id),
  CHECK (user_id <> buddy_id)
) WITHOUT ROWID;
-- Who has this user as a buddy (presence watchers), and the cascade when a
-- user is removed, without a scan.
CREATE INDEX buddies_by_buddy ON buddies(buddy_id, user_id);
