-- +goose Up

-- Writers append audit records here, unchained and without any lock; the sealer moves them
-- into audit in the order they were queued, each chained to the one before (see
-- sealAudit). row_id in audit says which queued row a chained record came from.
CREATE TABLE audit_pending (
    row_id bigserial NOT NULL PRIMARY KEY,
    at     bigint NOT NULL,
    actor  text   COLLATE "C" NOT NULL DEFAULT '',
    action text   COLLATE "C" NOT NULL DEFAULT '',
    object text   COLLATE "C" NOT NULL DEFAULT '',
    client text   COLLATE "C" NOT NULL DEFAULT '',
    detail text   COLLATE "C" NOT NULL DEFAULT ''
);

ALTER TABLE audit ADD COLUMN row_id bigint;
CREATE UNIQUE INDEX audit_row_id ON audit (row_id);

-- +goose Down

DROP INDEX audit_row_id;
ALTER TABLE audit DROP COLUMN row_id;
DROP TABLE audit_pending;
