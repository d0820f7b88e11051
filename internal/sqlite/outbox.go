package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tousu"
)

// messageColumns are the columns of a message row, in the order of scanMessage.
const messageColumns = `id, complaint_id, channel, recipient, to_login, subject, body,
	status, attempts, next_attempt, last_error, created_at, sent_at, read_at`

// defaultClaim is how many messages ClaimMessages takes when given no limit.
const defaultClaim = 100

func scanMessage(s rowScanner) (tousu.Message, error) {
	var (
		m                   tousu.Message
		nextAttempt, create int64
		sentAt, readAt      sql.NullInt64
	)
	err := s.Scan(&m.ID, &m.ComplaintID, &m.Channel, &m.To, &m.ToLogin, &m.Subject, &m.Body,
		&m.Status, &m.Attempts, &nextAttempt, &m.LastError, &create, &sentAt, &readAt)
	if err != nil {
		return m, err
	}
	m.NextAttempt = fromMillis(nextAttempt)
	m.CreatedAt = fromMillis(create)
	m.SentAt = fromNullMillis(sentAt)
	m.ReadAt = fromNullMillis(readAt)
	return m, nil
}

// numbered is ms with tousu.NumberPlaceholder replaced by a new complaint's number, in a
// new slice: the caller's messages change only once the change has committed.
func numbered(ms []tousu.Message, number string) []tousu.Message {
	if len(ms) == 0 {
		return ms
	}
	out := make([]tousu.Message, len(ms))
	for i, m := range ms {
		out[i] = m.WithNumber(number)
	}
	return out
}

// insertMessage stores a message and returns its ID.
func insertMessage(ctx context.Context, tx *sql.Tx, m tousu.Message) (int64, error) {
	var id int64
	err := txQueryRow(ctx, tx, `INSERT INTO messages (complaint_id, channel, recipient, to_login, subject, body,
			status, attempts, next_attempt, last_error, created_at, sent_at, read_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.ComplaintID, m.Channel, m.To, m.ToLogin, m.Subject, m.Body,
		m.Status, m.Attempts, millis(m.NextAttempt), m.LastError, millis(m.CreatedAt), nullMillis(m.SentAt), nullMillis(m.ReadAt)).Scan(&id)
	return id, err
}

// ClaimMessages takes up to limit (100 when limit ≤ 0) pending messages due at now, by
// NextAttempt then ID, and sets their NextAttempt to now+lease. The select and the update
// are one IMMEDIATE transaction, and SQLite has one writer, so no two claims overlap.
func (db *DB) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []tousu.Message, err error) {
	defer tousu.Wrap(&err, "sqlite.ClaimMessages(%d, %s, %d)", millis(now), lease, limit)
	if limit <= 0 {
		limit = defaultClaim
	}
	until := now.Add(lease)
	var out []tousu.Message
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = nil
		rows, err := txQuery(ctx, tx, `SELECT `+messageColumns+` FROM messages
			WHERE status = ? AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?`,
			tousu.MessagePending, millis(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]any, len(out))
		for i, m := range out {
			ids[i] = m.ID
		}
		_, err = txExec(ctx, tx, `UPDATE messages SET next_attempt = ? WHERE id IN `+in(len(ids)),
			append([]any{millis(until)}, ids...)...)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].NextAttempt = fromMillis(millis(until))
	}
	return out, nil
}

// UpdateMessage writes a message's Status, Attempts, NextAttempt, LastError, SentAt and
// ReadAt.
func (db *DB) UpdateMessage(ctx context.Context, m *tousu.Message) (err error) {
	defer tousu.Wrap(&err, "sqlite.UpdateMessage(%d)", m.ID)
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `UPDATE messages SET status = ?, attempts = ?, next_attempt = ?, last_error = ?,
			sent_at = ?, read_at = ? WHERE id = ?`,
			m.Status, m.Attempts, millis(m.NextAttempt), m.LastError, nullMillis(m.SentAt), nullMillis(m.ReadAt), m.ID)
		if err != nil {
			return err
		}
		return affected(res, "未找到该消息")
	})
}

// ListMessages returns up to f.Limit (default 50, at most 500) messages that f selects,
// newest (highest ID) first. f.AfterID pages on: when set, only messages older than it
// (ID < AfterID) are listed, so the last ID of one page is the AfterID of the next.
func (db *DB) ListMessages(ctx context.Context, f tousu.MessageFilter) (_ []tousu.Message, err error) {
	defer tousu.Wrap(&err, "sqlite.ListMessages")
	w := &where{}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.Channel != "" {
		w.add("channel = ?", f.Channel)
	}
	if f.ToLogin != "" {
		w.add("to_login = ?", f.ToLogin)
	}
	if f.Unread {
		w.add("read_at IS NULL")
	}
	if f.AfterID > 0 {
		w.add("id < ?", f.AfterID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages`+w.String()+` ORDER BY id DESC LIMIT ?`,
		append(w.args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// TryLease takes the named lease for holder until until when nobody holds it, when its
// holder's time ran out (until ≤ now), or when holder holds it already (a renewal). It
// reports whether holder holds the lease now.
func (db *DB) TryLease(ctx context.Context, name, holder string, now, until time.Time) (ok bool, err error) {
	defer tousu.Wrap(&err, "sqlite.TryLease(%q, %q)", name, holder)
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// The upsert returns a row only when it inserted or updated one: when the lease
		// is someone else's and still running, the WHERE keeps the row and returns none.
		var got string
		err := txQueryRow(ctx, tx, `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
				WHERE leases.until <= ? OR leases.holder = excluded.holder
			RETURNING holder`, name, holder, millis(until), millis(now)).Scan(&got)
		switch {
		case err == nil:
			ok = got == holder
			return nil
		case errors.Is(err, sql.ErrNoRows):
			ok = false
			return nil
		}
		return err
	})
	return ok, err
}
