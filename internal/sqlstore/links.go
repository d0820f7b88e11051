package sqlstore

import (
	"context"
	"strconv"
	"strings"
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

// RepeatCandidates runs each ground's filter as one branch of a single UNION ALL on the
// read pool: a branch reads its own index (the blind index, the target staff member or
// unit, each with received_at) newest first and stops at its LIMIT, with the scope and
// recusal terms of the lists, so that a registration's look-up of repeats costs a few
// index probes and one statement whatever the number of complaints.
func (s *Store) RepeatCandidates(ctx context.Context, grounds []tousu.ComplaintFilter) (_ []tousu.RepeatCandidate, err error) {
	defer s.wrap(&err, "store.RepeatCandidates")
	if len(grounds) == 0 {
		return nil, nil
	}
	var (
		branches []string
		args     []any
	)
	for i, f := range grounds {
		w := s.ComplaintWhere(tousu.ComplaintFilter{Scope: f.Scope, ExcludeTargetStaff: f.ExcludeTargetStaff,
			ExcludeTargetStaffs: f.ExcludeTargetStaffs, Units: f.Units, AssignedUnits: f.AssignedUnits,
			HandlerOrNone: f.HandlerOrNone, AssistingUnits: f.AssistingUnits, PhoneIndex: f.PhoneIndex,
			IDNumberIndex: f.IDNumberIndex, TargetStaff: f.TargetStaff, TargetUnit: f.TargetUnit, From: f.From})
		// The ground's number is ours (the loop's index), never a user's value.
		branches = append(branches, `SELECT * FROM (SELECT `+strconv.Itoa(i)+` AS ground, id, number, status, received_at, matter, request
			FROM complaints`+w.String()+` ORDER BY received_at DESC, id DESC LIMIT ?) AS g`+strconv.Itoa(i))
		args = append(append(args, w.args...), pageLimit(f.Limit))
	}
	rows, err := s.e.Read.Query(ctx, strings.Join(branches, " UNION ALL "), args...)
	return collect(rows, err, func(r Row) (tousu.RepeatCandidate, error) {
		var (
			c  tousu.RepeatCandidate
			at int64
		)
		err := r.Scan(&c.Ground, &c.ID, &c.Number, &c.Status, &at, &c.Matter, &c.Request)
		c.ReceivedAt = fromMillis(at)
		return c, err
	})
}
