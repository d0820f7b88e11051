-- Version 18: disposal after retention (销毁). A disposal is proposed with the cases it
-- lists, then approved or refused by a leader other than the proposer; approved, its
-- cases lose identity, evidence and free text and it is a page of the disposal register
-- (销毁清册). The items keep what the register prints, as it was when proposed.

-- +goose Up
CREATE TABLE disposals (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    status      TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    proposed_by TEXT    NOT NULL,
    proposed_at INTEGER NOT NULL,
    decided_by  TEXT    NOT NULL DEFAULT '',
    decided_at  INTEGER,
    note        TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE disposal_items (
    disposal_id  INTEGER NOT NULL REFERENCES disposals (id),
    complaint_id TEXT    NOT NULL REFERENCES complaints (id),
    number       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    unit         TEXT    NOT NULL DEFAULT '',
    received_at  INTEGER NOT NULL,
    archived_on  TEXT    NOT NULL,
    class        TEXT    NOT NULL,
    retain_until TEXT    NOT NULL,
    attachments  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (disposal_id, complaint_id)
) STRICT;

CREATE INDEX disposal_items_complaint ON disposal_items (complaint_id, disposal_id);

-- +goose Down
DROP TABLE disposal_items;
DROP TABLE disposals;
