-- +goose Up

-- Intake (issue 11): the blind index of the complainant's name, for staff who may reveal
-- identities to find a complainant's cases by exact name; who first received a complaint,
-- where and when it was handed over (staff, unit, handed_over_at); and the 逾期移交 flag,
-- a list filter.
ALTER TABLE complaints ADD COLUMN name_index text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN intake jsonb NOT NULL DEFAULT '{}';
ALTER TABLE complaints ADD COLUMN late_handover boolean NOT NULL DEFAULT false;
CREATE INDEX complaints_name_index ON complaints (name_index) WHERE name_index <> '';
CREATE INDEX complaints_late_handover ON complaints (received_at, id) WHERE late_handover;

-- +goose Down
DROP INDEX complaints_late_handover;
DROP INDEX complaints_name_index;
ALTER TABLE complaints DROP COLUMN late_handover;
ALTER TABLE complaints DROP COLUMN intake;
ALTER TABLE complaints DROP COLUMN name_index;
