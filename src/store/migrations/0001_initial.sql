-- Parley schema, version 1: users (public identities), their SIP accounts and
-- telephone numbers (private identities), and SIP registrations.
-- Times are unix seconds. Names are stored lower-case; NOCASE keeps the
-- uniqueness case-insensitive even for rows written by other tools.

CREATE TABLE users (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name      TEXT NOT NULL DEFAULT '',
  -- Argon2id (libsodium crypto_pwhash_str); NULL = no web login.
  web_password_hash TEXT,
  created_at        INTEGER NOT NULL
);

CREATE TABLE sip_accounts (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  username    TEXT NOT NULL UNIQUE COLLATE NOCASE,
  realm       TEXT NOT NULL,
  -- HA1 = H(username:realm:password), RFC 8760; the password is never stored.
  ha1_md5     TEXT NOT NULL,
  ha1_sha256  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX sip_accounts_by_user ON sip_accounts(user_id);

CREATE TABLE numbers (
  id       INTEGER PRIMARY KEY,
  user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- E.164: "+" then 3 to 15 digits.
  number   TEXT NOT NULL UNIQUE
           CHECK (length(number) BETWEEN 4 AND 16
                  AND substr(number, 1, 1) = '+'
                  AND NOT substr(number, 2) GLOB '*[^0-9]*')
);
CREATE INDEX numbers_by_user ON numbers(user_id);

CREATE TABLE registrations (
  id                INTEGER PRIMARY KEY,
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
  UNIQUE (account_id, contact)
);
CREATE INDEX registrations_by_expiry ON registrations(expires_at);
