-- Version 4 keeps the version numbers of both stores in step. On PostgreSQL it adds the
-- queue of the audit sealer, which lets writers on many nodes append without a lock;
-- SQLite has one writer, which chains each record as it writes it, and needs no queue.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
