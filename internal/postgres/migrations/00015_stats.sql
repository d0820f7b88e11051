-- Version 15: the statistics (docs/STATISTICS.md). stats_facts holds what each complaint
-- contributes (tousu.StatFact), stats_rollup the daily ("d") and monthly ("m") sums of the
-- facts by unit and dimension. Both are rewritten in the complaint's write transaction,
-- so that a year's figures read a few thousand rows instead of every complaint. Days are
-- YYYYMMDD integers in the deployment's time zone; a month's rows carry its first day.
-- The complaints written before this version are counted by the store right after the
-- migration (the stats.backfill setting asks for it): the facts are computed in Go, from
-- the same function the write path uses.

-- +goose Up
CREATE TABLE stats_facts (
    complaint_id text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES complaints (id) ON DELETE CASCADE,
    unit         text COLLATE "C" NOT NULL,
    received_day bigint  NOT NULL,
    consultation bigint  NOT NULL,
    refused      bigint  NOT NULL,
    replied_day  bigint  NOT NULL,
    on_time      bigint  NOT NULL,
    decided_day  bigint  NOT NULL,
    founded      bigint  NOT NULL,
    rated_day    bigint  NOT NULL,
    satisfied    bigint  NOT NULL,
    repeat       bigint  NOT NULL,
    earlier      bigint  NOT NULL,
    fact         text COLLATE "C" NOT NULL
);

-- The drill-down from a figure to its list: replied, decided or rated in a period.
CREATE INDEX stats_facts_replied ON stats_facts (replied_day) WHERE replied_day <> 0;
CREATE INDEX stats_facts_decided ON stats_facts (decided_day) WHERE decided_day <> 0;
CREATE INDEX stats_facts_rated   ON stats_facts (rated_day) WHERE rated_day <> 0;

CREATE TABLE stats_rollup (
    dim             text COLLATE "C" NOT NULL,
    grain           text COLLATE "C" NOT NULL,
    day             bigint  NOT NULL,
    unit            text COLLATE "C" NOT NULL,
    key             text COLLATE "C" NOT NULL,
    received        bigint  NOT NULL,
    consultations   bigint  NOT NULL,
    not_accepted    bigint  NOT NULL,
    replied         bigint  NOT NULL,
    replied_on_time bigint  NOT NULL,
    reply_workdays  bigint  NOT NULL,
    decided         bigint  NOT NULL,
    founded         bigint  NOT NULL,
    rated           bigint  NOT NULL,
    satisfied       bigint  NOT NULL,
    repeat          bigint  NOT NULL,
    PRIMARY KEY (dim, grain, day, unit, key)
);

INSERT INTO settings (key, value) VALUES ('stats.backfill', 'pending') ON CONFLICT (key) DO NOTHING;

-- +goose Down
DROP TABLE stats_rollup;
DROP INDEX stats_facts_rated;
DROP INDEX stats_facts_decided;
DROP INDEX stats_facts_replied;
DROP TABLE stats_facts;
DELETE FROM settings WHERE key = 'stats.backfill';
