package sqlstore

import (
	"context"
	"time"

	"tousu"
)

// putLinks stores a change's complaint links (关联) in its transaction; a link that
// exists already is left as it is.
func putLinks(ctx context.Context, q Querier, links []tousu.ComplaintLink) error {
	for _, l := range links {
		if _, err := q.Exec(ctx, `INSERT INTO complaint_links (complaint_id, linked_id, kind, created_by, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (complaint_id, linked_id) DO NOTHING`,
			l.ComplaintID, l.LinkedID, l.Kind, l.By, millis(l.At)); err != nil {
			return err
		}
	}
	return nil
}

// ListLinks returns the links of a complaint, newest first, with the linked numbers.
func (s *Store) ListLinks(ctx context.Context, complaintID string) (_ []tousu.ComplaintLink, err error) {
	defer s.wrap(&err, "store.ListLinks(%q)", complaintID)
	if !s.storable(complaintID) {
		return nil, nil
	}
	rows, err := s.e.Read.Query(ctx, `SELECT l.complaint_id, l.linked_id, l.kind, l.created_by, l.created_at, c.number
		FROM complaint_links l JOIN complaints c ON c.id = l.linked_id
		WHERE l.complaint_id = ? ORDER BY l.created_at DESC, c.number DESC`, complaintID)
	return collect(rows, err, func(r Row) (tousu.ComplaintLink, error) {
		var l tousu.ComplaintLink
		var at int64
		err := r.Scan(&l.ComplaintID, &l.LinkedID, &l.Kind, &l.By, &at, &l.LinkedNumber)
		l.At = fromMillis(at)
		return l, err
	})
}

// CountRepeats counts the complaints received in [from, to), within scope, linked as a
// repeat to one received before them.
func (s *Store) CountRepeats(ctx context.Context, from, to time.Time, scope []string) (n int, err error) {
	defer s.wrap(&err, "store.CountRepeats")
	w := s.where()
	w.add("c.received_at >= ?", millis(from))
	w.add("c.received_at < ?", millis(to))
	if scope != nil {
		in(w, []string{"c.owner_unit", "c.target_unit", "c.assigned_unit"}, scope)
	}
	w.add(`EXISTS (SELECT 1 FROM complaint_links l JOIN complaints e ON e.id = l.linked_id
		WHERE l.complaint_id = c.id AND l.kind = '` + tousu.LinkRepeat + `' AND e.received_at < c.received_at)`)
	err = s.e.Read.QueryRow(ctx, `SELECT COUNT(*) FROM complaints c`+w.String(), w.args...).Scan(&n)
	return n, err
}
