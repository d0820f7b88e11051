-- Version 11: the units a complaint involves beyond its assigned (lead) unit, one row
-- each, so that lists can find a case by them with an index: the assisting units of a
-- joint assignment (协办, role 'assist'). The rows repeat what complaints.handling holds
-- and are rewritten with it in the complaint's write transaction.

-- +goose Up
CREATE TABLE complaint_units (
    complaint_id text COLLATE "C" NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    unit         text COLLATE "C" NOT NULL,
    role         text COLLATE "C" NOT NULL,
    PRIMARY KEY (complaint_id, unit, role)
);

-- A handler's list asks "which cases does a unit of my subtree assist?".
CREATE INDEX complaint_units_unit ON complaint_units (unit, role, complaint_id);

-- The cases assigned jointly before this version.
INSERT INTO complaint_units (complaint_id, unit, role)
SELECT c.id, a.value ->> 'unit', 'assist'
FROM complaints c, jsonb_array_elements(COALESCE(c.handling -> 'assisting', '[]'::jsonb)) a
WHERE COALESCE(a.value ->> 'unit', '') <> ''
ON CONFLICT DO NOTHING;

-- +goose Down
DROP INDEX complaint_units_unit;
DROP TABLE complaint_units;
