-- Version 6 closes holes found by an outside review.
--
-- staff_links remembers every badge an account has ever been linked to, so that recusal
-- follows the person and not the account's current badge field: clearing or changing the
-- field never lifts a recusal.
--
-- users.epoch counts password changes and resets: a desk session signed in under an older
-- epoch ends, so that a changed password ends every other session of the account.
--
-- tokens.expires_at (Unix ms, 0 for none) lets an API token carry an expiry.

-- +goose Up
CREATE TABLE staff_links (
    login     TEXT    NOT NULL REFERENCES users (login) ON DELETE CASCADE,
    badge     TEXT    NOT NULL,
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (login, badge)
) STRICT;

INSERT INTO staff_links (login, badge, linked_at) SELECT login, staff, created_at FROM users WHERE staff <> '';

ALTER TABLE users ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE tokens DROP COLUMN expires_at;
ALTER TABLE users DROP COLUMN epoch;
DROP TABLE staff_links;
