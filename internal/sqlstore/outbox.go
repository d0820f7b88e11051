package sqlstore

import (
	"context"
	"time"

	"tousu"
)

// MessageColumns are the columns of a message row (the table aliased m), in the order of
// ScanMessage.
const MessageColumns = `m.id, m.complaint_id, m.channel, m.recipient, m.to_login, m.subject, m.body,
	m.status, m.attempts, m.next_attempt, m.last_error, m.created_at, m.sent_at, m.read_at`

// ScanMessage scans a message row, then any extra columns after it into extra.
func ScanMessage(r Row, extra ...any) (tousu.Message, error) {
	var (
		m                   tousu.Message
		nextAttempt, create int64
		sentAt, readAt      *int64
	)
	dest := append([]any{&m.ID, &m.ComplaintID, &m.Channel, &m.To, &m.ToLogin, &m.Subject, &m.Body,
		&m.Status, &m.Attempts, &nextAttempt, &m.LastError, &create, &sentAt, &readAt}, extra...)
	if err := r.Scan(dest...); err != nil {
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

// messageStmt is the insert of a message; its ID goes to *id.
func messageStmt(m tousu.Message, id *int64) Stmt {
	return Stmt{Query: `INSERT INTO messages (complaint_id, channel, recipient, to_login, subject, body,
			status, attempts, next_attempt, last_error, created_at, sent_at, read_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		Args: []any{m.ComplaintID, m.Channel, m.To, m.ToLogin, m.Subject, m.Body,
			m.Status, m.Attempts, millis(m.NextAttempt), m.LastError, millis(m.CreatedAt), nullMillis(m.SentAt), nullMillis(m.ReadAt)},
		Scan: func(r Row) error { return r.Scan(id) }}
}

// UpdateMessage writes a message's Status, Attempts, NextAttempt, LastError, SentAt and
// ReadAt.
func (s *Store) UpdateMessage(ctx context.Context, m *tousu.Message) (err error) {
	defer s.wrap(&err, "store.UpdateMessage(%d)", m.ID)
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `UPDATE messages SET status = ?, attempts = ?, next_attempt = ?, last_error = ?,
			sent_at = ?, read_at = ? WHERE id = ?`,
			m.Status, m.Attempts, millis(m.NextAttempt), m.LastError, nullMillis(m.SentAt), nullMillis(m.ReadAt), m.ID)
		return affected(n, err, "未找到该消息")
	})
}

// ListMessages returns up to f.Limit (default 50, at most 500) messages that f selects,
// newest (highest ID) first. f.AfterID pages on: when set, only messages older than it
// (ID < AfterID) are listed, so the last ID of one page is the AfterID of the next. A
// filter value the engine cannot hold as text selects nothing.
func (s *Store) ListMessages(ctx context.Context, f tousu.MessageFilter) (_ []tousu.Message, err error) {
	defer s.wrap(&err, "store.ListMessages")
	query, args := s.MessagesQuery(f)
	rows, err := s.e.Read.Query(ctx, query, args...)
	return collect(rows, err, func(r Row) (tousu.Message, error) { return ScanMessage(r) })
}

// MessagesQuery is the query of ListMessages and its arguments. An account's desk (its
// login and a channel, unread or not) reads messages_desk or messages_unread in order.
func (s *Store) MessagesQuery(f tousu.MessageFilter) (string, []any) {
	w := s.where()
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
		w.add("m.id < ?", f.AfterID)
	}
	return `SELECT ` + MessageColumns + ` FROM messages m` + w.String() + ` ORDER BY m.id DESC LIMIT ?`,
		append(w.args, pageLimit(f.Limit))
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
func (s *Store) TryLease(ctx context.Context, name, holder string, now, until time.Time) (ok bool, err error) {
	defer s.wrap(&err, "store.TryLease(%q, %q)", name, holder)
	err = s.e.One(ctx, func(ctx context.Context, q Querier) error {
		var got string
		err := q.QueryRow(ctx, `INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
				WHERE leases.until <= ? OR leases.holder = excluded.holder
			RETURNING holder`, name, holder, millis(until), millis(now)).Scan(&got)
		switch {
		case noRows(err):
			ok = false // someone else's, still running
			return nil
		case err != nil:
			return err
		}
		ok = got == holder
		return nil
	})
	return ok, err
}
