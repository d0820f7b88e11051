package sqlstore

import (
	"context"

	"tousu"
)

// GetHold returns the legal hold on a complaint, nil when it has none.
func (s *Store) GetHold(ctx context.Context, complaintID string) (_ *tousu.LegalHold, err error) {
	defer s.wrap(&err, "store.GetHold(%q)", complaintID)
	if !s.storable(complaintID) {
		return nil, nil // no complaint's id can be it
	}
	var h tousu.LegalHold
	var at int64
	err = s.e.Read.QueryRow(ctx, `SELECT reason, set_by, set_at FROM legal_holds WHERE complaint_id = ?`,
		complaintID).Scan(&h.Reason, &h.SetBy, &at)
	if noRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h.SetAt = fromMillis(at)
	return &h, nil
}

// PutHold places a legal hold on a complaint, replacing the one it has.
func (s *Store) PutHold(ctx context.Context, complaintID string, h tousu.LegalHold) (err error) {
	defer s.wrap(&err, "store.PutHold(%q)", complaintID)
	if !s.storable(complaintID) {
		return notFound("未找到该投诉")
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO legal_holds (complaint_id, reason, set_by, set_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (complaint_id) DO UPDATE SET reason = excluded.reason, set_by = excluded.set_by,
				set_at = excluded.set_at`,
			complaintID, h.Reason, h.SetBy, millis(h.SetAt))
		if err != nil && s.e.IsForeignKey(err) {
			return notFound("未找到该投诉")
		}
		return err
	})
}

// DeleteHold lifts the legal hold on a complaint.
func (s *Store) DeleteHold(ctx context.Context, complaintID string) (err error) {
	defer s.wrap(&err, "store.DeleteHold(%q)", complaintID)
	if !s.storable(complaintID) {
		return notFound("该投诉没有法律保全")
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM legal_holds WHERE complaint_id = ?`, complaintID)
		return affected(n, err, "该投诉没有法律保全")
	})
}
