-- Version 15: the statistics (docs/STATISTICS.md). stats_facts holds what each complaint
-- contributes (tousu.StatFact), stats_rollup the daily ("d") and monthly ("m") sums of the
-- facts by unit and dimension, keyed so that one unit's rows of a period are one range. Both are rewritten in the complaint's write transaction,
-- so that a year's figures read a few thousand rows instead of every complaint. Days are
-- YYYYMMDD integers in the deployment's time zone; a month's rows carry its first day.
-- The complaints written before this version are counted by the store right after the
-- migration (the stats.backfill setting asks for it): the facts are computed in Go, from
-- the same function the write path uses.

-- +goose Up
CREATE TABLE stats_facts (
    complaint_id TEXT    NOT NULL PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    unit         TEXT    NOT NULL,
    received_day INTEGER NOT NULL,
    consultation INTEGER NOT NULL,
    refused      INTEGER NOT NULL,
    replied_day  INTEGER NOT NULL,
    on_time      INTEGER NOT NULL,
    decided_day  INTEGER NOT NULL,
    founded      INTEGER NOT NULL,
    rated_day    INTEGER NOT NULL,
    satisfied    INTEGER NOT NULL,
    repeat       INTEGER NOT NULL,
    earlier      INTEGER NOT NULL,
    fact         TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

-- The drill-down from a figure to its list: replied, decided or rated in a period.
CREATE INDEX stats_facts_replied ON stats_facts (replied_day) WHERE replied_day <> 0;
CREATE INDEX stats_facts_decided ON stats_facts (decided_day) WHERE decided_day <> 0;
CREATE INDEX stats_facts_rated   ON stats_facts (rated_day) WHERE rated_day <> 0;

CREATE TABLE stats_rollup (
    dim             TEXT    NOT NULL,
    grain           TEXT    NOT NULL,
    day             INTEGER NOT NULL,
    unit            TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    received        INTEGER NOT NULL,
    consultations   INTEGER NOT NULL,
    not_accepted    INTEGER NOT NULL,
    replied         INTEGER NOT NULL,
    replied_on_time INTEGER NOT NULL,
    reply_workdays  INTEGER NOT NULL,
    decided         INTEGER NOT NULL,
    founded         INTEGER NOT NULL,
    rated           INTEGER NOT NULL,
    satisfied       INTEGER NOT NULL,
    repeat          INTEGER NOT NULL,
    PRIMARY KEY (dim, unit, grain, day, key)
) STRICT, WITHOUT ROWID;

INSERT INTO settings (key, value) VALUES ('stats.backfill', 'pending') ON CONFLICT (key) DO NOTHING;

-- Public disclosures (公示): drafts, and published versions that never change. version is
-- 0 for a draft and numbered on publication, per period and unit.
CREATE TABLE disclosures (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    period       TEXT    NOT NULL,
    unit         TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT    NOT NULL,
    content      TEXT    NOT NULL,
    changes      TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    published_by TEXT    NOT NULL,
    published_at INTEGER
) STRICT;

CREATE UNIQUE INDEX disclosures_version ON disclosures (period, unit, version) WHERE version > 0;

-- +goose Down
DROP INDEX disclosures_version;
DROP TABLE disclosures;
DROP TABLE stats_rollup;
DROP INDEX stats_facts_rated;
DROP INDEX stats_facts_decided;
DROP INDEX stats_facts_replied;
DROP TABLE stats_facts;
DELETE FROM settings WHERE key = 'stats.backfill';
