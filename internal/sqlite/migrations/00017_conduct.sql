-- Version 17: 行风督查 — inspection checklists, inspections, rectification tasks, their
-- photos and evidence (content in blobs, as for complaints' evidence), the entries of the
-- staff record (praise, sanctions, training) and malicious-complaint marks.

-- +goose Up
CREATE TABLE checklists (
    code       TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    preset     TEXT    NOT NULL DEFAULT '',
    items      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE inspections (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    unit         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    checklist    TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    inspector    TEXT    NOT NULL,
    note         TEXT    NOT NULL DEFAULT '',
    results      TEXT    NOT NULL,
    score        REAL    NOT NULL DEFAULT 0,
    max_score    REAL    NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    staff        TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    completed_at INTEGER
) STRICT;
CREATE INDEX inspections_unit_day ON inspections (unit, day);
CREATE INDEX inspections_day ON inspections (day);

CREATE TABLE rectifications (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    source        TEXT    NOT NULL,
    inspection_id INTEGER NOT NULL DEFAULT 0,
    unit          TEXT    NOT NULL,
    item          TEXT    NOT NULL,
    item_name     TEXT    NOT NULL,
    finding       TEXT    NOT NULL DEFAULT '',
    staff         TEXT    NOT NULL DEFAULT '',
    due_date      TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    inspector     TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    alerts        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX rectifications_unit ON rectifications (unit, status);
CREATE INDEX rectifications_due ON rectifications (status, due_date);
CREATE INDEX rectifications_inspection ON rectifications (inspection_id);

CREATE TABLE conduct_files (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    owner        TEXT    NOT NULL,
    item         TEXT    NOT NULL DEFAULT '',
    sha256       TEXT    NOT NULL REFERENCES blobs (sha256),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX conduct_files_owner ON conduct_files (owner, id);
CREATE INDEX conduct_files_sha256 ON conduct_files (sha256);

CREATE TABLE staff_entries (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    badge      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    type       TEXT    NOT NULL DEFAULT '',
    day        TEXT    NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    source     TEXT    NOT NULL DEFAULT '',
    source_ref TEXT    NOT NULL DEFAULT '',
    result     TEXT    NOT NULL DEFAULT '',
    hours      INTEGER NOT NULL DEFAULT 0,
    created_by TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_entries_badge ON staff_entries (badge, day);
CREATE INDEX staff_entries_day ON staff_entries (day);

CREATE TABLE malicious_marks (
    complaint_id    TEXT    NOT NULL PRIMARY KEY REFERENCES complaints (id),
    number          TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    proposed_by     TEXT    NOT NULL,
    proposed_at     INTEGER NOT NULL,
    note            TEXT    NOT NULL DEFAULT '',
    reviewed_by     TEXT    NOT NULL DEFAULT '',
    reviewed_at     INTEGER,
    staff           TEXT    NOT NULL DEFAULT '',
    unit            TEXT    NOT NULL DEFAULT '',
    phone_index     TEXT    NOT NULL DEFAULT '',
    id_number_index TEXT    NOT NULL DEFAULT '',
    name_index      TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX malicious_marks_phone ON malicious_marks (phone_index);
CREATE INDEX malicious_marks_id_number ON malicious_marks (id_number_index);
CREATE INDEX malicious_marks_name ON malicious_marks (name_index);
CREATE INDEX malicious_marks_staff ON malicious_marks (staff);

-- +goose Down
DROP TABLE malicious_marks;
DROP TABLE staff_entries;
DROP TABLE conduct_files;
DROP TABLE rectifications;
DROP TABLE inspections;
DROP TABLE checklists;
