-- Version 19: the statistics' queue (docs/STATISTICS.md). A write that moves a figure no
-- longer upserts the rollups in its own transaction: it queues one row here, the fact it
-- replaces (before, '' for a new complaint) and the fact it stores (after), and
-- sqlstore.FoldStats later folds many queued rows into stats_rollup at once, summing the
-- rows they share. Readers of the rollups fold what is queued first, so figures stay exact.
-- Nothing is queued by this version: the rollups are complete as they stand.

-- +goose Up
CREATE TABLE stats_pending (
    seq         INTEGER NOT NULL PRIMARY KEY,
    before_fact TEXT    NOT NULL,
    after_fact  TEXT    NOT NULL
) STRICT;

-- +goose Down
DROP TABLE stats_pending;
