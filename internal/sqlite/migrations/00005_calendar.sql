-- Version 5: deadline policies keyed also by intake channel (12345 热线工单) and by
-- organisation unit (a hospital's own periods); '' matches anything, as for the others.

-- +goose Up
ALTER TABLE policies ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE policies ADD COLUMN org_unit TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE policies DROP COLUMN org_unit;
ALTER TABLE policies DROP COLUMN channel;
