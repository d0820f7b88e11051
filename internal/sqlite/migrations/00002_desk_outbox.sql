-- The desk and the outbox: sign-in lockout, the deadline alerts given, evidence files,
-- sessions, settings, outbox messages and job leases. Same conventions as 00001: instants
-- are UTC Unix milliseconds, tables are STRICT.

-- +goose Up

-- Lockout after repeated wrong passwords. locked_until is 0 when the account is not locked.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until  INTEGER NOT NULL DEFAULT 0;

-- The tousu.Alert* bits of the deadline warnings a complaint has had.
ALTER TABLE complaints ADD COLUMN alerts INTEGER NOT NULL DEFAULT 0;

-- File contents, once per SHA-256 (lower-case hex) however many attachments share them.
CREATE TABLE blobs (
    sha256 TEXT    NOT NULL PRIMARY KEY,
    data   BLOB    NOT NULL,
    size   INTEGER NOT NULL
) STRICT;

-- The evidence files of each complaint.
CREATE TABLE attachments (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    complaint_id TEXT    NOT NULL REFERENCES complaints (id),
    sha256       TEXT    NOT NULL REFERENCES blobs (sha256),
    name         TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    size         INTEGER NOT NULL,
    uploaded_by  TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX attachments_complaint ON attachments (complaint_id, id);
-- The foreign key's other side: finding whether a blob is still attached.
CREATE INDEX attachments_sha256 ON attachments (sha256);

-- Web sessions, by the SHA-256 of their token.
CREATE TABLE sessions (
    hash   TEXT    NOT NULL PRIMARY KEY,
    data   BLOB    NOT NULL,
    expiry INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_expiry ON sessions (expiry);

-- Portal texts, message templates and the like.
CREATE TABLE settings (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The outbox. recipient is the sealed address (NULL for desk messages); complaint_id is ''
-- for messages about no complaint, hence no foreign key. IDs are never reused, so that a
-- purge of old messages cannot make a desk link point at another message.
CREATE TABLE messages (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    complaint_id TEXT    NOT NULL DEFAULT '',
    channel      TEXT    NOT NULL,
    recipient    BLOB,
    to_login     TEXT    NOT NULL DEFAULT '',
    subject      TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_error   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER,
    read_at      INTEGER
) STRICT;

-- Claiming: pending messages by when they are due.
CREATE INDEX messages_due  ON messages (status, next_attempt, id);
-- The desk: an account's messages of a channel, or only its unread ones, newest first.
CREATE INDEX messages_desk ON messages (to_login, channel, read_at, id);

-- Job leases: which node runs a job until when.
CREATE TABLE leases (
    name   TEXT    NOT NULL PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- +goose Down

DROP TABLE leases;
DROP TABLE messages;
DROP TABLE settings;
DROP TABLE sessions;
DROP TABLE attachments;
DROP TABLE blobs;
ALTER TABLE complaints DROP COLUMN alerts;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;
