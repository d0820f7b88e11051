package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"tousu"
)

// AppendAudit appends records to the audit log, chaining each to the one before. It sets
// each record's ID, At (to the millisecond, as stored), PrevHash and Hash.
func (db *DB) AppendAudit(ctx context.Context, recs []tousu.AuditRecord) (err error) {
	defer tousu.Wrap(&err, "sqlite.AppendAudit")
	var out []tousu.AuditRecord
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out, err = appendAudit(ctx, tx, recs)
		return err
	})
	if err != nil {
		return err
	}
	copy(recs, out)
	return nil
}

// appendAudit chains recs to the last record of the log within tx and inserts them; it
// returns the records as stored, leaving recs alone until the caller has committed. The
// write transaction is IMMEDIATE, so no other writer can slip a record in between.
func appendAudit(ctx context.Context, tx *sql.Tx, recs []tousu.AuditRecord) ([]tousu.AuditRecord, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	var (
		lastID int64
		prev   string
	)
	err := txQueryRow(ctx, tx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&lastID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	out := make([]tousu.AuditRecord, len(recs))
	for i, r := range recs {
		r.ID = lastID + int64(i) + 1
		// Hash what is stored, so that the verifier recomputes the same hash from the row.
		r.At = fromMillis(millis(r.At))
		r.PrevHash = prev
		r.Hash = tousu.ChainHash(prev, r)
		_, err := txExec(ctx, tx, `INSERT INTO audit (id, at, actor, action, object, client, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, millis(r.At), r.Actor, r.Action, r.Object, r.Client, r.Detail, r.PrevHash, r.Hash)
		if err != nil {
			return nil, err
		}
		prev = r.Hash
		out[i] = r
	}
	return out, nil
}

// ListAudit returns up to limit records (1000 when limit ≤ 0) with ID > after, in order.
func (db *DB) ListAudit(ctx context.Context, after int64, limit int) (_ []tousu.AuditRecord, err error) {
	defer tousu.Wrap(&err, "sqlite.ListAudit(%d, %d)", after, limit)
	if limit <= 0 {
		limit = 1000
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, action, object, client, detail, prev_hash, hash
		FROM audit WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.AuditRecord
	for rows.Next() {
		var (
			r  tousu.AuditRecord
			at int64
		)
		if err := rows.Scan(&r.ID, &at, &r.Actor, &r.Action, &r.Object, &r.Client, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return nil, err
		}
		r.At = fromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SearchAudit returns up to f.Limit (default 50, at most 500) records the filter selects,
// newest first.
func (db *DB) SearchAudit(ctx context.Context, f tousu.AuditFilter) (_ []tousu.AuditRecord, err error) {
	defer tousu.Wrap(&err, "sqlite.SearchAudit")
	w := &where{}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.Object != "" {
		w.add("object = ?", f.Object)
	}
	if f.Before > 0 {
		w.add("id < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, actor, action, object, client, detail, prev_hash, hash
		FROM audit`+w.String()+` ORDER BY id DESC LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.AuditRecord
	for rows.Next() {
		var (
			r  tousu.AuditRecord
			at int64
		)
		if err := rows.Scan(&r.ID, &at, &r.Actor, &r.Action, &r.Object, &r.Client, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return nil, err
		}
		r.At = fromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}
