-- +goose Up

-- The audit view filters by actor, object or action, newest first: each an index ending
-- in the ID, so that a page is a range scan however long the log grows.
CREATE INDEX audit_actor  ON audit (actor, id);
CREATE INDEX audit_object ON audit (object, id);
CREATE INDEX audit_action ON audit (action, id);

-- +goose Down

DROP INDEX audit_action;
DROP INDEX audit_object;
DROP INDEX audit_actor;
