-- +goose Up

-- handling is the JSON of the handling state (instructions, sub-deadline, assisting
-- units, the handler's report, a pending extension, dissatisfaction, discipline);
-- marks repeats the bits of it that lists filter on (不满意, 纪检, 延期).
ALTER TABLE complaints ADD COLUMN handling jsonb   NOT NULL DEFAULT '{}';
ALTER TABLE complaints ADD COLUMN marks    INTEGER NOT NULL DEFAULT 0;

-- Few cases carry a mark: a partial index keeps the queues (不满意, 纪检) a short scan.
CREATE INDEX complaints_marks ON complaints (marks, received_at) WHERE marks <> 0;

-- +goose Down

DROP INDEX complaints_marks;
ALTER TABLE complaints DROP COLUMN marks;
ALTER TABLE complaints DROP COLUMN handling;
