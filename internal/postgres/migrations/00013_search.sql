-- Version 13: lists and search that stay fast at a million complaints.
--
-- The status tabs of the inbox (待受理, 待签收, 待审核, 待答复) list one status by due
-- date: complaints_status_due reads them in that order and stops at the page's end.

-- +goose Up
CREATE INDEX complaints_status_due ON complaints (status, due_date, received_at, id);

-- +goose Down
DROP INDEX complaints_status_due;
