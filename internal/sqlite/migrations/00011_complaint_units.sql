-- Version 11: the units a complaint involves beyond its assigned (lead) unit, one row
-- each, so that lists can find a case by them with an index: the assisting units of a
-- joint assignment (协办, role 'assist'). The rows repeat what complaints.handling holds
-- and are rewritten with it in the complaint's write transaction.

-- +goose Up
CREATE TABLE complaint_units (
    complaint_id TEXT NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    unit         TEXT NOT NULL,
    role         TEXT NOT NULL,
    PRIMARY KEY (complaint_id, unit, role)
) STRICT, WITHOUT ROWID;

-- A handler's list asks "which cases does a unit of my subtree assist?".
CREATE INDEX complaint_units_unit ON complaint_units (unit, role, complaint_id);

-- The cases assigned jointly before this version.
INSERT INTO complaint_units (complaint_id, unit, role)
SELECT c.id, json_extract(a.value, '$.unit'), 'assist'
FROM complaints c, json_each(c.handling, '$.assisting') a
WHERE json_extract(a.value, '$.unit') <> ''
ON CONFLICT DO NOTHING;

-- +goose Down
DROP INDEX complaint_units_unit;
DROP TABLE complaint_units;
