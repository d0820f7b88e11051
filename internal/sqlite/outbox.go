package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tousu"
	"tousu/internal/sqlstore"
)

// defaultClaim is how many messages ClaimMessages takes when given no limit.
const defaultClaim = 100

// ClaimMessages takes up to limit (100 when limit ≤ 0) pending messages due at now, by
// NextAttempt then ID, and sets their NextAttempt to now+lease. SQLite's own way: the
// select and the update are one IMMEDIATE transaction, and SQLite has one writer, so no
// two claims overlap (PostgreSQL needs FOR UPDATE SKIP LOCKED instead).
func (db *DB) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []tousu.Message, err error) {
	defer tousu.Wrap(&err, "sqlite.ClaimMessages(%d, %s, %d)", now.UnixMilli(), lease, limit)
	if limit <= 0 {
		limit = defaultClaim
	}
	until := now.Add(lease).UnixMilli()
	var out []tousu.Message
	err = db.inTx(ctx, func(ctx context.Context, t *sql.Tx) error {
		out = nil
		rows, err := txQuery(ctx, t, `SELECT `+sqlstore.MessageColumns+` FROM messages m
			WHERE status = ? AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?`,
			tousu.MessagePending, now.UnixMilli(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		ids := []any{until}
		for rows.Next() {
			m, err := sqlstore.ScanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
			ids = append(ids, m.ID)
		}
		if err := rows.Err(); err != nil || len(out) == 0 {
			return err
		}
		_, err = txExec(ctx, t, `UPDATE messages SET next_attempt = ? WHERE id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(out)), ", ")+`)`, ids...)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].NextAttempt = time.UnixMilli(until).UTC()
	}
	return out, nil
}
