-- The first schema of tousu on SQLite. Instants are UTC Unix milliseconds (INTEGER),
-- civil dates are 'YYYY-MM-DD' text ('' when none), booleans are 0/1. Tables are STRICT so
-- that a value of the wrong type (a time.Time bound by mistake) fails instead of being kept.

-- +goose Up

-- The organisation tree. parent is the parent's code, '' at the root.
CREATE TABLE units (
    code     TEXT    NOT NULL PRIMARY KEY,
    name     TEXT    NOT NULL,
    parent   TEXT    NOT NULL DEFAULT '',
    kind     TEXT    NOT NULL DEFAULT '',
    services TEXT    NOT NULL DEFAULT '',
    hours    TEXT    NOT NULL DEFAULT '',
    phone    TEXT    NOT NULL DEFAULT '',
    address  TEXT    NOT NULL DEFAULT '',
    sort     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE staff (
    badge  TEXT    NOT NULL PRIMARY KEY,
    name   TEXT    NOT NULL,
    unit   TEXT    NOT NULL DEFAULT '',
    title  TEXT    NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE INDEX staff_unit ON staff (unit, badge);

CREATE TABLE categories (
    code        TEXT    NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    parent      TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1
) STRICT;

-- Staff accounts. roles is a comma-separated list of role names.
CREATE TABLE users (
    login         TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    roles         TEXT    NOT NULL DEFAULT '',
    unit          TEXT    NOT NULL DEFAULT '',
    staff         TEXT    NOT NULL DEFAULT '',
    password_hash TEXT    NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;

-- API tokens, kept only as their SHA-256 hash.
CREATE TABLE tokens (
    hash       TEXT    NOT NULL PRIMARY KEY,
    login      TEXT    NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX tokens_login ON tokens (login);

CREATE TABLE calendar_overrides (
    date    TEXT    NOT NULL PRIMARY KEY, -- 'YYYY-MM-DD'
    workday INTEGER NOT NULL,
    name    TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Deadline policies. '' in kind, category or classification matches anything.
CREATE TABLE policies (
    id             INTEGER NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL DEFAULT '',
    category       TEXT    NOT NULL DEFAULT '',
    classification TEXT    NOT NULL DEFAULT '',
    days           INTEGER NOT NULL,
    unit           TEXT    NOT NULL
) STRICT;

-- The projection of each complaint's events. The complainant's identity is kept only
-- sealed (identity: JSON of the encrypted fields) with blind indexes beside it.
-- deadline is the JSON of the clock, due_date repeats its due day for filters and order,
-- clock_running says whether that clock runs (tousu.Status.Open and not suspended).
CREATE TABLE complaints (
    id                  TEXT    NOT NULL PRIMARY KEY,
    number              TEXT    NOT NULL UNIQUE,
    version             INTEGER NOT NULL,
    kind                TEXT    NOT NULL,
    channel             TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    classification      TEXT    NOT NULL DEFAULT '',
    categories          TEXT    NOT NULL DEFAULT '[]', -- JSON array, in the order given
    anonymous           INTEGER NOT NULL DEFAULT 0,
    identity            TEXT    NOT NULL DEFAULT '{}',
    phone_index         TEXT    NOT NULL DEFAULT '',
    id_number_index     TEXT    NOT NULL DEFAULT '',
    target_unit         TEXT    NOT NULL DEFAULT '',
    target_staff        TEXT    NOT NULL DEFAULT '',
    target_description  TEXT    NOT NULL DEFAULT '',
    matter              TEXT    NOT NULL DEFAULT '',
    request             TEXT    NOT NULL DEFAULT '',
    incident_at         INTEGER,
    incident_place      TEXT    NOT NULL DEFAULT '',
    business_receipt_no TEXT    NOT NULL DEFAULT '',
    written             INTEGER NOT NULL DEFAULT 0,
    first_receiver      TEXT    NOT NULL DEFAULT '',
    owner_unit          TEXT    NOT NULL DEFAULT '',
    assigned_unit       TEXT    NOT NULL DEFAULT '',
    handler             TEXT    NOT NULL DEFAULT '',
    mode                TEXT    NOT NULL DEFAULT '',
    received_at         INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    closed_at           INTEGER,
    query_code_hash     TEXT    NOT NULL DEFAULT '',
    deadline            TEXT    NOT NULL DEFAULT '{}',
    due_date            TEXT    NOT NULL DEFAULT '',
    clock_running       INTEGER NOT NULL DEFAULT 0, -- 1 while open and not suspended
    decision            TEXT,
    reply               TEXT,
    satisfaction        INTEGER NOT NULL DEFAULT 0,
    merged_into         TEXT    NOT NULL DEFAULT ''
) STRICT;

-- The list queries: newest first, alone or within a status or unit.
CREATE INDEX complaints_received      ON complaints (received_at, id);
CREATE INDEX complaints_status        ON complaints (status, received_at, id);
CREATE INDEX complaints_target_unit   ON complaints (target_unit, received_at, id);
CREATE INDEX complaints_assigned_unit ON complaints (assigned_unit, received_at, id);
CREATE INDEX complaints_owner_unit    ON complaints (owner_unit, received_at, id);
-- The due window: complaints whose clock runs (open, not suspended), by due date.
CREATE INDEX complaints_due ON complaints (clock_running, due_date, received_at, id);
CREATE INDEX complaints_target_staff ON complaints (target_staff) WHERE target_staff <> '';
CREATE INDEX complaints_handler      ON complaints (handler) WHERE handler <> '';
CREATE INDEX complaints_phone_index  ON complaints (phone_index) WHERE phone_index <> '';
CREATE INDEX complaints_id_number_index ON complaints (id_number_index) WHERE id_number_index <> '';

-- The categories of each complaint, for filters and counts by category.
CREATE TABLE complaint_categories (
    complaint_id TEXT NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    category     TEXT NOT NULL,
    PRIMARY KEY (complaint_id, category)
) STRICT, WITHOUT ROWID;

CREATE INDEX complaint_categories_category ON complaint_categories (category, complaint_id);

-- Every complaint's timeline, append-only.
CREATE TABLE events (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    complaint_id TEXT    NOT NULL REFERENCES complaints (id),
    seq          INTEGER NOT NULL,
    type         TEXT    NOT NULL,
    actor        TEXT    NOT NULL DEFAULT '',
    actor_name   TEXT    NOT NULL DEFAULT '',
    at           INTEGER NOT NULL,
    from_status  TEXT    NOT NULL DEFAULT '',
    to_status    TEXT    NOT NULL DEFAULT '',
    payload      TEXT,
    UNIQUE (complaint_id, seq)
) STRICT;

-- The last number handed out per prefix (e.g. TS20261127).
CREATE TABLE number_counters (
    prefix TEXT    NOT NULL PRIMARY KEY,
    n      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Registrations made with an Idempotency-Key.
CREATE TABLE idempotency (
    actor        TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL DEFAULT '',
    number       TEXT    NOT NULL,
    secret       BLOB,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (actor, key)
) STRICT, WITHOUT ROWID;

-- The tamper-evident audit log: hash = SHA-256(prev_hash, canonical record), see
-- tousu.ChainHash. IDs are assigned by the store, consecutive from 1.
CREATE TABLE audit (
    id        INTEGER NOT NULL PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL DEFAULT '',
    action    TEXT    NOT NULL DEFAULT '',
    object    TEXT    NOT NULL DEFAULT '',
    client    TEXT    NOT NULL DEFAULT '',
    detail    TEXT    NOT NULL DEFAULT '',
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
) STRICT;

-- +goose Down

DROP TABLE audit;
DROP TABLE idempotency;
DROP TABLE number_counters;
DROP TABLE events;
DROP TABLE complaint_categories;
DROP TABLE complaints;
DROP TABLE policies;
DROP TABLE calendar_overrides;
DROP TABLE tokens;
DROP TABLE users;
DROP TABLE categories;
DROP TABLE staff;
DROP TABLE units;
