package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tousu"
	"tousu/internal/sqlstore"
)

// chain appends audit records within the write transaction itself: SQLite's one writer
// (an IMMEDIATE transaction) means no other writer can slip a record in between reading
// the last hash and inserting the next, so no queue and no sealer are needed.
type chain struct{}

// Append chains recs to the last record of the log within q and inserts them; it returns
// the records as stored, leaving recs alone until the caller has committed.
func (chain) Append(ctx context.Context, q sqlstore.Querier, recs []tousu.AuditRecord) (sqlstore.Appended, error) {
	if len(recs) == 0 {
		return sqlstore.Appended{}, nil
	}
	var (
		lastID int64
		prev   string
	)
	err := q.QueryRow(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&lastID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return sqlstore.Appended{}, err
	}
	out := make([]tousu.AuditRecord, len(recs))
	for i, r := range recs {
		r.ID = lastID + int64(i) + 1
		// Hash what is stored, so that the verifier recomputes the same hash from the row.
		r.At = time.UnixMilli(r.At.UnixMilli()).UTC()
		r.PrevHash = prev
		r.Hash = tousu.ChainHash(prev, r)
		prev = r.Hash
		out[i] = r
	}
	// A bulk load's records, thousands at a time, go in few multi-row statements.
	err = sqlstore.Insert{Head: `INSERT INTO audit (id, at, actor, action, object, client, detail, prev_hash, hash)`, Width: 9}.
		Run(ctx, q, sqlstore.MaxParamsSQLite, len(out), func(i int, args []any) []any {
			r := &out[i]
			return append(args, r.ID, r.At.UnixMilli(), r.Actor, r.Action, r.Object, r.Client, r.Detail, r.PrevHash, r.Hash)
		}, nil)
	if err != nil {
		return sqlstore.Appended{}, err
	}
	return sqlstore.Appended{Records: out}, nil
}

// Done gives the caller's records what was stored, once committed.
func (chain) Done(_ context.Context, recs []tousu.AuditRecord, a sqlstore.Appended) error {
	copy(recs, a.Records)
	return nil
}

// Flush has nothing to do: a committed record is in the chain.
func (chain) Flush(context.Context) error { return nil }
