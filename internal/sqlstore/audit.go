package sqlstore

import (
	"context"

	"tousu"
)

// AppendAudit appends records to the audit log, chaining each to the one before. It sets
// each record's ID, At (to the millisecond, as stored), PrevHash and Hash.
func (s *Store) AppendAudit(ctx context.Context, recs []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.AppendAudit")
	var a Appended
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		a, err = s.e.Audit.Append(ctx, q, recs)
		return err
	})
	if err != nil {
		return err
	}
	return s.e.Audit.Done(ctx, recs, a)
}

const auditColumns = `id, at, actor, action, object, client, detail, prev_hash, hash`

func scanAudit(row Row) (r tousu.AuditRecord, err error) {
	var at int64
	err = row.Scan(&r.ID, &at, &r.Actor, &r.Action, &r.Object, &r.Client, &r.Detail, &r.PrevHash, &r.Hash)
	r.At = fromMillis(at)
	return r, err
}

// ListAudit returns up to limit records (1000 when limit ≤ 0) with ID > after, in order.
func (s *Store) ListAudit(ctx context.Context, after int64, limit int) (_ []tousu.AuditRecord, err error) {
	defer s.wrap(&err, "store.ListAudit(%d, %d)", after, limit)
	if limit <= 0 {
		limit = 1000
	}
	// What is committed belongs in what is read.
	if err := s.e.Audit.Flush(ctx); err != nil {
		return nil, err
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+auditColumns+` FROM audit WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	recs, err := collect(rows, err, scanAudit)
	if err != nil {
		return nil, err
	}
	// And what is read is durable before it is shown: a sealing turn committed by
	// another node meanwhile may not be yet (internal/postgres/audit.go).
	return recs, s.e.Audit.Flush(ctx)
}

// SearchAudit returns up to f.Limit (default 50, at most 500) records the filter selects,
// newest first.
func (s *Store) SearchAudit(ctx context.Context, f tousu.AuditFilter) (_ []tousu.AuditRecord, err error) {
	defer s.wrap(&err, "store.SearchAudit")
	if err := s.e.Audit.Flush(ctx); err != nil {
		return nil, err
	}
	query, args := s.AuditQuery(f)
	rows, err := s.e.Read.Query(ctx, query, args...)
	recs, err := collect(rows, err, scanAudit)
	if err != nil {
		return nil, err
	}
	return recs, s.e.Audit.Flush(ctx) // durable before it is shown, as in ListAudit
}

// AuditQuery is the query of SearchAudit and its arguments: each filter reads its index
// (audit_actor, audit_object, audit_action) backwards.
func (s *Store) AuditQuery(f tousu.AuditFilter) (string, []any) {
	w := s.where()
	if f.Action != "" {
		w.equals("action", f.Action)
	}
	if f.Actor != "" {
		w.equals("actor", f.Actor)
	}
	if f.Object != "" {
		w.equals("object", f.Object)
	}
	if f.Before > 0 {
		w.add("id < ?", f.Before)
	}
	return `SELECT ` + auditColumns + ` FROM audit` + w.String() + ` ORDER BY id DESC LIMIT ?`, append(w.args, pageLimit(f.Limit))
}
