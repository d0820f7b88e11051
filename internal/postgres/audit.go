package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"tousu"
)

// auditChainLock is the key of the transaction-scoped advisory lock that serialises appends
// to the audit chain: the ASCII of "tousuaud". Nothing else in tousu takes it, and it is
// far from goose's migration lock (4097083626).
const auditChainLock int64 = 0x746f757375617564

// AppendAudit appends records to the audit log, chaining each to the one before. It sets
// each record's ID, At (to the millisecond, as stored), PrevHash and Hash.
func (db *DB) AppendAudit(ctx context.Context, recs []tousu.AuditRecord) (err error) {
	defer wrap(&err, "postgres.AppendAudit")
	var out []tousu.AuditRecord
	err = db.inTx(ctx, func(tx pgx.Tx) error {
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
// returns the records as stored, leaving recs alone until the caller has committed.
//
// The chain is one sequence: each record's ID is the last ID plus one and its hash covers
// the last hash. With many writers on many nodes, two transactions reading the same last
// record would fork it (and one would then fail on the primary key). So before reading,
// the transaction takes pg_advisory_xact_lock(auditChainLock): appenders queue on it, and
// it is released only when the holder commits or rolls back — after its rows are visible
// — so the next holder's read (a new snapshot under read committed) sees them. Callers
// append last in their transaction, after the row locks they need (the complaint's row,
// the number counter), which keeps the lock order fixed and the hold short: a few inserts
// and the commit.
//
// The price is that every audited write in the deployment commits one at a time. That
// is a design for now: a later sealer — appenders insert unchained rows freely, and one
// job chains them in order — can replace the lock without changing the table.
func appendAudit(ctx context.Context, tx pgx.Tx, recs []tousu.AuditRecord) ([]tousu.AuditRecord, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, auditChainLock); err != nil {
		return nil, err
	}
	var (
		lastID int64
		prev   string
	)
	err := tx.QueryRow(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&lastID, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	out := make([]tousu.AuditRecord, len(recs))
	for i, r := range recs {
		r.ID = lastID + int64(i) + 1
		// Hash what is stored, so that the verifier recomputes the same hash from the row.
		r.At = fromMillis(millis(r.At))
		r.PrevHash = prev
		r.Hash = tousu.ChainHash(prev, r)
		_, err := tx.Exec(ctx, `INSERT INTO audit (id, at, actor, action, object, client, detail, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
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
	defer wrap(&err, "postgres.ListAudit(%d, %d)", after, limit)
	if limit <= 0 {
		limit = 1000
	}
	rows, err := db.pool.Query(ctx, `SELECT id, at, actor, action, object, client, detail, prev_hash, hash
		FROM audit WHERE id > $1 ORDER BY id LIMIT $2`, after, limit)
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
	defer wrap(&err, "postgres.SearchAudit")
	sql, args := searchAudit(f)
	rows, err := db.pool.Query(ctx, sql, args...)
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

// searchAudit is the query of SearchAudit and its arguments.
func searchAudit(f tousu.AuditFilter) (string, []any) {
	w := &where{}
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
		w.add("id < " + w.arg(f.Before))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	return `SELECT id, at, actor, action, object, client, detail, prev_hash, hash FROM audit` + w.String() +
		` ORDER BY id DESC LIMIT ` + w.arg(limit), w.args
}
