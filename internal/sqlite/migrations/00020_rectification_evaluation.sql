-- Version 20: a bad rating (差评) that reaches its rectification step is a rectification
-- task too (source evaluation), linked to the rating by evaluation_id: one task per
-- rating, kept in step with it in the rating's own write transaction.

-- +goose Up
ALTER TABLE rectifications ADD COLUMN evaluation_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX rectifications_evaluation ON rectifications (evaluation_id) WHERE evaluation_id <> '';

-- +goose Down
DROP INDEX rectifications_evaluation;
ALTER TABLE rectifications DROP COLUMN evaluation_id;
