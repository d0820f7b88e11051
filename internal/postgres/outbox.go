package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"tousu"
	"tousu/internal/sqlstore"
)

// defaultClaim is how many messages ClaimMessages takes when given no limit.
const defaultClaim = 100

// claimMessages takes the due messages ($2: now; $3: how many) and leases them ($1: until).
// The CTE locks them with FOR UPDATE SKIP LOCKED: a claim running at the same time on
// another node skips the rows this one holds instead of waiting for them, and a row
// whose lease another claim has just committed fails the re-check of next_attempt <= now
// on its new version, so it is not taken twice. MATERIALIZED makes the CTE run once.
// Joining the CTE, rather than id IN (…), also returns each message's next_attempt from
// before the claim, which orders the answer. status 'pending' is a constant so that the
// partial index messages_due serves even a generic plan.
const claimMessages = `WITH due AS MATERIALIZED (
		SELECT id, next_attempt FROM messages
		WHERE status = 'pending' AND next_attempt <= $2
		ORDER BY next_attempt, id LIMIT $3
		FOR UPDATE SKIP LOCKED)
	UPDATE messages m SET next_attempt = $1 FROM due WHERE m.id = due.id
	RETURNING ` + sqlstore.MessageColumns + `, due.next_attempt`

// ClaimMessages takes up to limit (100 when limit ≤ 0) pending messages due at now, by
// NextAttempt then ID, and sets their NextAttempt to now+lease, in one statement that is
// safe on many nodes at once (see claimMessages): PostgreSQL's own way, where SQLite's one
// writer needs no lock.
func (db *DB) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []tousu.Message, err error) {
	defer wrap(&err, "postgres.ClaimMessages(%d, %s, %d)", millis(now), lease, limit)
	if limit <= 0 {
		limit = defaultClaim
	}
	rows, err := db.pool.Query(ctx, claimMessages, millis(now.Add(lease)), millis(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type claimed struct {
		m   tousu.Message
		due int64 // next_attempt before the claim
	}
	var cs []claimed
	for rows.Next() {
		var c claimed
		if c.m, err = sqlstore.ScanMessage(rows, &c.due); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// RETURNING comes in no particular order: the claim's order is the one they were due in.
	slices.SortFunc(cs, func(a, b claimed) int { return cmp.Or(cmp.Compare(a.due, b.due), cmp.Compare(a.m.ID, b.m.ID)) })
	var out []tousu.Message
	for _, c := range cs {
		out = append(out, c.m)
	}
	return out, nil
}
