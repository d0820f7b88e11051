-- Version 16: 好差评 — citizens' ratings of each window's service, and the handling of
-- bad ones (回访, 整改, 核实) with their timeline. The phone left for the call-back is
-- sealed like a complainant's identity. transaction_no (办件编号) is unique when given:
-- one rating per transaction; NULL when none.

-- +goose Up
CREATE TABLE evaluations (
    id             TEXT    NOT NULL PRIMARY KEY,
    window_unit    TEXT    NOT NULL,
    staff          TEXT    NOT NULL DEFAULT '',
    level          INTEGER NOT NULL,
    reasons        TEXT    NOT NULL DEFAULT '',
    comment        TEXT    NOT NULL DEFAULT '',
    transaction_no TEXT,
    item           TEXT    NOT NULL DEFAULT '',
    channel        TEXT    NOT NULL,
    phone          BLOB,
    status         TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    entered_by     TEXT    NOT NULL DEFAULT '',
    callback_due   TEXT    NOT NULL DEFAULT '',
    rectify_due    TEXT    NOT NULL DEFAULT '',
    due            TEXT    NOT NULL DEFAULT '',
    alerts         INTEGER NOT NULL DEFAULT 0,
    closed_at      INTEGER,
    on_time        INTEGER NOT NULL DEFAULT 0,
    excluded       INTEGER NOT NULL DEFAULT 0,
    appeal_status  TEXT    NOT NULL DEFAULT '',
    complaint_no   TEXT    NOT NULL DEFAULT '',
    detail         TEXT    NOT NULL DEFAULT '{}',
    called_back    INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE UNIQUE INDEX evaluations_transaction ON evaluations (transaction_no);
-- Lists and figures: a window's ratings, newest first; a staff member's.
CREATE INDEX evaluations_window ON evaluations (window_unit, created_at, id);
CREATE INDEX evaluations_staff ON evaluations (staff, created_at);
CREATE INDEX evaluations_created ON evaluations (created_at, id);
-- The deadline job: open ratings by due day.
CREATE INDEX evaluations_due ON evaluations (status, due);

CREATE TABLE evaluation_events (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    evaluation_id TEXT    NOT NULL REFERENCES evaluations (id),
    seq           INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    actor         TEXT    NOT NULL DEFAULT '',
    actor_name    TEXT    NOT NULL DEFAULT '',
    at            INTEGER NOT NULL,
    from_status   TEXT    NOT NULL DEFAULT '',
    to_status     TEXT    NOT NULL DEFAULT '',
    payload       TEXT,
    UNIQUE (evaluation_id, seq)
) STRICT;

-- +goose Down
DROP TABLE evaluation_events;
DROP TABLE evaluations;
