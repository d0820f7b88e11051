-- Version 21: the open cases of a supervisor's subtree, by due date, without reading the
-- rest of the subtree. A scoped status tab (待受理, 待签收, 办理中, 待审核, 待答复) or due
-- tab (即将超期, 已超期) finds the open cases of each unit of the scope through these
-- (one per column a scope matches), then sorts those few; before, it read one status (or
-- every running clock) of the whole table by due date and checked the scope row by row,
-- or read the whole subtree. Partial: the open cases are a small share of a large table,
-- and closing a case takes it out. The list adds the predicate, word for word, when
-- every status it asks for is open (sqlstore.openStatuses): the planners match it by
-- its form.

-- +goose Up
CREATE INDEX complaints_owner_open ON complaints (owner_unit, status, due_date, received_at, id)
    WHERE status IN ('registered', 'accepted', 'assigned', 'in_progress', 'suspended', 'reported', 'decided');
CREATE INDEX complaints_target_open ON complaints (target_unit, status, due_date, received_at, id)
    WHERE status IN ('registered', 'accepted', 'assigned', 'in_progress', 'suspended', 'reported', 'decided');
CREATE INDEX complaints_assigned_open ON complaints (assigned_unit, status, due_date, received_at, id)
    WHERE status IN ('registered', 'accepted', 'assigned', 'in_progress', 'suspended', 'reported', 'decided');

-- +goose Down
DROP INDEX complaints_assigned_open;
DROP INDEX complaints_target_open;
DROP INDEX complaints_owner_open;
