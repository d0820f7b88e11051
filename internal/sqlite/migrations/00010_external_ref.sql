-- Version 10: the reference another system gives a complaint it sent (the 12345
-- hotline's order number, 工单号), so that a resent order finds the same complaint and
-- status events can name the order. '' for complaints of our own; unique otherwise.

-- +goose Up
ALTER TABLE complaints ADD COLUMN external_ref TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX complaints_external_ref ON complaints (external_ref) WHERE external_ref <> '';

-- +goose Down
DROP INDEX complaints_external_ref;
ALTER TABLE complaints DROP COLUMN external_ref;
