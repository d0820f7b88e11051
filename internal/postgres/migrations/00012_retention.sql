-- Version 12: legal holds (法律保全) on archived cases. A hold stops any disposal of the
-- case after its retention period (保管期限) until an inspector or supervisor lifts it;
-- one row per case on hold, removed when lifted (the audit log keeps both steps).

-- +goose Up
CREATE TABLE legal_holds (
    complaint_id text   COLLATE "C" NOT NULL PRIMARY KEY REFERENCES complaints (id),
    reason       text   COLLATE "C" NOT NULL,
    set_by       text   COLLATE "C" NOT NULL,
    set_at       bigint NOT NULL
);

-- +goose Down
DROP TABLE legal_holds;
