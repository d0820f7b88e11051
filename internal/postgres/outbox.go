package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
)

// messageColumns are the columns of a message row (the table aliased m), in the order of
// scanMessage.
const messageColumns = `m.id, m.complaint_id, m.channel, m.recipient, m.to_login, m.subject, m.body,
	m.status, m.attempts, m.next_attempt, m.last_error, m.created_at, m.sent_at, m.read_at`

// defaultClaim is how many messages ClaimMessages takes when given no limit.
const defaultClaim = 100

// scanMessage scans a message row, then any extra columns after it into extra.
func scanMessage(s pgx.Row, extra ...any) (tousu.Message, error) {
	var (
		m                   tousu.Message
		nextAttempt, create int64
		sentAt, readAt      *int64
	)
	dest := append([]any{&m.ID, &m.ComplaintID, &m.Channel, &m.To, &m.ToLogin, &m.Subject, &m.Body,
		&m.Status, &m.Attempts, &nextAttempt, &m.LastError, &create, &sentAt, &readAt}, extra...)
	if err := s.Scan(dest...); err != nil {
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

// queueMessage queues the insert of a message; its ID goes to *id.
func queueMessage(b *pgx.Batch, m tousu.Message, id *int64) {
	b.Queue(`INSERT INTO messages (complaint_id, channel, recipient, to_login, subject, body,
			status, attempts, next_attempt, last_error, created_at, sent_at, read_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		m.ComplaintID, m.Channel, m.To, m.ToLogin, m.Subject, m.Body,
		m.Status, m.Attempts, millis(m.NextAttempt), m.LastError, millis(m.CreatedAt), nullMillis(m.SentAt), nullMillis(m.ReadAt)).
		QueryRow(func(row pgx.Row) error { return row.Scan(id) })
}

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
	RETURNING ` + messageColumns + `, due.next_attempt`

// ClaimMessages takes up to limit (100 when limit ≤ 0) pending messages due at now, by
// NextAttempt then ID, and sets their NextAttempt to now+lease, in one statement that is
// safe on many nodes at once (see claimMessages).
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
		if c.m, err = scanMessage(rows, &c.due); err != nil {
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

// UpdateMessage writes a message's Status, Attempts, NextAttempt, LastError, SentAt and
// ReadAt.
func (db *DB) UpdateMessage(ctx context.Context, m *tousu.Message) (err error) {
	defer wrap(&err, "postgres.UpdateMessage(%d)", m.ID)
	tag, err := db.pool.Exec(ctx, `UPDATE messages SET status = $1, attempts = $2, next_attempt = $3, last_error = $4,
		sent_at = $5, read_at = $6 WHERE id = $7`,
		m.Status, m.Attempts, millis(m.NextAttempt), m.LastError, nullMillis(m.SentAt), nullMillis(m.ReadAt), m.ID)
	if err != nil {
		return err
	}
	return affected(tag, "未找到该消息")
}

// ListMessages returns up to f.Limit (default 50, at most 500) messages that f selects,
// newest (highest ID) first. f.AfterID pages on: when set, only messages older than it
// (ID < AfterID) are listed, so the last ID of one page is the AfterID of the next. A
// filter value PostgreSQL cannot hold as text selects nothing.
func (db *DB) ListMessages(ctx context.Context, f tousu.MessageFilter) (_ []tousu.Message, err error) {
	defer wrap(&err, "postgres.ListMessages")
	sql, args := listMessages(f)
	rows, err := db.pool.Query(ctx, sql, args...)
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

// listMessages is the query of ListMessages and its arguments. An account's desk (its
// login and a channel, unread or not) reads messages_desk or messages_unread in order.
func listMessages(f tousu.MessageFilter) (string, []any) {
	w := &where{}
	if f.Status != "" {
		w.equals("m.status", string(f.Status))
	}
	if f.Channel != "" {
		w.equals("m.channel", string(f.Channel))
	}
	if f.ToLogin != "" {
		w.equals("m.to_login", f.ToLogin)
	}
	if f.Unread {
		w.add("m.read_at IS NULL")
	}
	if f.AfterID > 0 {
		w.add("m.id < " + w.arg(f.AfterID))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	return `SELECT ` + messageColumns + ` FROM messages m` + w.String() + ` ORDER BY m.id DESC LIMIT ` + w.arg(limit), w.args
}

// TryLease takes the named lease for holder until until when nobody holds it, when its
// holder's time ran out (until ≤ now), or when holder holds it already (a renewal). It
// reports whether holder holds the lease now.
//
// It is one upsert. When the row exists, or another node is inserting it right now, ON
// CONFLICT waits for that node's transaction and then decides on the committed row: it
// updates it, and returns it, only when the WHERE holds; when the lease is someone
// else's and still running it returns nothing. So of many nodes trying at once, one gets
// the lease.
func (db *DB) TryLease(ctx context.Context, name, holder string, now, until time.Time) (ok bool, err error) {
	defer wrap(&err, "postgres.TryLease(%q, %q)", name, holder)
	var got string
	err = db.pool.QueryRow(ctx, `INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
			WHERE leases.until <= $4 OR leases.holder = EXCLUDED.holder
		RETURNING holder`, name, holder, millis(until), millis(now)).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // someone else's, still running
	}
	return err == nil, err
}
