-- Version 13: lists and search that stay fast at a million complaints.
--
-- The status tabs of the inbox (待受理, 待签收, 待审核, 待答复) list one status by due
-- date: complaints_status_due reads them in that order and stops at the page's end.
--
-- The full-text index (docs/SEARCH.md): internal/cjk turns a complaint's text into
-- bigram tokens, which complaint_fts (FTS5, contentless: it keeps the index, not the
-- text) holds in two columns, body (what every reader of the case may search) and
-- internal (investigation notes, reports, the decision). Its rowid is
-- complaint_search.doc, the received_at instant in milliseconds times 2^20 plus a
-- number from the complaint's ID: reading the index backwards by rowid reads the hits
-- newest first, and a page stops at its last row instead of sorting every hit.
-- digest is a hash of the indexed text, so an update that changes none rewrites nothing.

-- +goose Up
CREATE INDEX complaints_status_due ON complaints (status, due_date, received_at, id);

-- A complainant's, a staff member's and a window's complaints, newest first, without
-- sorting them all: the look-ups of repeats at every registration, and the list filters.
-- (Same names, more columns: no more index entries to write.)
DROP INDEX complaints_phone_index;
CREATE INDEX complaints_phone_index ON complaints (phone_index, received_at, id) WHERE phone_index <> '';
DROP INDEX complaints_id_number_index;
CREATE INDEX complaints_id_number_index ON complaints (id_number_index, received_at, id) WHERE id_number_index <> '';
DROP INDEX complaints_target_staff;
CREATE INDEX complaints_target_staff ON complaints (target_staff, received_at, id) WHERE target_staff <> '';

-- The channel and kind filters, newest first; and the queues of the inbox that a mark
-- selects (不满意, 纪检待处理, 延期待批), each a partial index of the few cases it holds
-- (sqlstore.ComplaintWhere spells the predicates the same way).
CREATE INDEX complaints_channel ON complaints (channel, received_at, id);
CREATE INDEX complaints_kind ON complaints (kind, received_at, id);
CREATE INDEX complaints_dissatisfied ON complaints (received_at, id) WHERE (marks & 1) <> 0;
CREATE INDEX complaints_discipline_pending ON complaints (received_at, id) WHERE (marks & 4) <> 0;
CREATE INDEX complaints_pending_extension ON complaints (due_date, received_at, id) WHERE (marks & 16) <> 0;

CREATE TABLE complaint_search (
    complaint_id TEXT    NOT NULL PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    doc          INTEGER NOT NULL,
    digest       TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX complaint_search_doc ON complaint_search (doc);

CREATE VIRTUAL TABLE complaint_fts USING fts5 (body, internal,
    tokenize = 'unicode61 remove_diacritics 0', content = '', contentless_delete = 1);

-- Repeat complaints (反复投诉): a supervisor links (关联) two complaints about the same
-- matter, one row each way, so that a case lists its links by its primary key and the
-- statistics count repeats (a complaint linked to one received before it).
CREATE TABLE complaint_links (
    complaint_id TEXT    NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    linked_id    TEXT    NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (complaint_id, linked_id)
) STRICT;

-- The complaints registered before this version are indexed by tousu on its next start
-- (the tokenizer is Go code); this setting tells it to.
INSERT INTO settings (key, value) SELECT 'search.backfill', 'pending' WHERE EXISTS (SELECT 1 FROM complaints)
ON CONFLICT (key) DO NOTHING;

-- +goose Down
DELETE FROM settings WHERE key = 'search.backfill';
DROP TABLE complaint_links;
DROP TABLE complaint_fts;
DROP INDEX complaint_search_doc;
DROP TABLE complaint_search;
DROP INDEX complaints_pending_extension;
DROP INDEX complaints_discipline_pending;
DROP INDEX complaints_dissatisfied;
DROP INDEX complaints_kind;
DROP INDEX complaints_channel;
DROP INDEX complaints_target_staff;
CREATE INDEX complaints_target_staff ON complaints (target_staff) WHERE target_staff <> '';
DROP INDEX complaints_id_number_index;
CREATE INDEX complaints_id_number_index ON complaints (id_number_index) WHERE id_number_index <> '';
DROP INDEX complaints_phone_index;
CREATE INDEX complaints_phone_index ON complaints (phone_index) WHERE phone_index <> '';
DROP INDEX complaints_status_due;
