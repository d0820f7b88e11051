package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
	"tousu/internal/sqlstore"
)

// auditSealLock is the key of the transaction-scoped advisory lock that only sealers take
// (the ASCII of "tousuaud"): writers never wait on it. Nothing else in tousu takes it, and
// it is far from goose's migration lock (4097083626).
const auditSealLock int64 = 0x746f757375617564

// sealer is PostgreSQL's audit chain: writers queue, a sealer chains (see Append).
type sealer struct{ db *DB }

// Append queues recs for the audit chain within q and returns their queue IDs.
//
// The chain is one sequence: each record's ID is the last ID plus one and its hash covers
// the last hash. Writers on many nodes must not fork it, yet must not queue on one lock
// for every audited write either. So writers only queue their records, in their own
// transaction, without a lock; a sealer (sealAudit) moves what is queued into the chain
// in queue order. A write learns its records' place after its commit (Done).
func (sealer) Append(ctx context.Context, q sqlstore.Querier, recs []tousu.AuditRecord) (sqlstore.Appended, error) {
	// In multi-row statements (a bulk load queues thousands): the queue IDs are taken
	// in the order of the rows, so the records, sorted by them, are recs in order.
	ids := make([]int64, 0, len(recs))
	err := sqlstore.Insert{Head: `INSERT INTO audit_pending (at, actor, action, object, client, detail)`, Width: 6,
		Tail: ` RETURNING row_id`}.
		Run(ctx, q, sqlstore.MaxParamsPostgres, len(recs), func(i int, args []any) []any {
			r := &recs[i]
			return append(args, millis(r.At), r.Actor, r.Action, r.Object, r.Client, r.Detail)
		}, func(row sqlstore.Row) error {
			var id int64
			err := row.Scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return sqlstore.Appended{}, err
	}
	slices.Sort(ids)
	return sqlstore.Appended{Queued: ids}, nil
}

// Flush seals what is queued (what is committed belongs in what is read) and makes what
// is sealed durable: the log's readers call it before they read, to see every committed
// record, and after, so that nothing they show can be lost in a crash and sealed again
// differently (durable).
func (s sealer) Flush(ctx context.Context) error {
	if err := s.db.sealAudit(ctx); err != nil {
		return err
	}
	return s.db.durable(ctx)
}

// durable returns once every transaction committed before it was called is on disk. A
// sealing turn commits without waiting for its WAL flush (sealTurns), which keeps the
// sealing lock from being held through a disk write; but a turn lost in a crash is sealed
// again by the next one, and if a record queued earlier was committed in the meantime
// (after the lost turn took its snapshot), the records are chained again in another order,
// under other IDs and hashes. So no sealed record is shown — to its writer (Done), to a
// reader of the log, to `tousu audit verify` and the anchors it prints — until its turn is
// durable. A transaction that is given an ID commits with a WAL record and, committing
// synchronously, flushes the WAL up to it, and so every turn committed before it; it takes
// no lock, and PostgreSQL's group commit shares the flush among the nodes' writers.
func (db *DB) durable(ctx context.Context) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT set_config('synchronous_commit', 'on', true), pg_current_xact_id()`)
		return err
	})
	if err == nil && db.sealHook != nil {
		db.sealHook("durable", nil)
	}
	return err
}

// Done seals the queue, then fills recs (queued as a.Queued) with their places in the
// chain as stored.
func (s sealer) Done(ctx context.Context, recs []tousu.AuditRecord, a sqlstore.Appended) error {
	db, rowIDs := s.db, a.Queued
	if len(rowIDs) == 0 {
		return nil
	}
	// A writer does not queue for the sealing lock: under load another writer's turn
	// seals its records, and many writers lining up for empty turns of their own (each a
	// few round trips under the lock) made every node wait for every other. So: take a
	// turn if the lock is free; are the records sealed now (by this turn or another)? If
	// not, look again shortly.
	var byRow map[int64]tousu.AuditRecord
	for pause := 250 * time.Microsecond; ; pause = min(2*pause, 10*time.Millisecond) {
		locked, err := db.sealTurns(ctx, true)
		if err != nil {
			return err
		}
		if byRow, err = db.sealed(ctx, rowIDs); err != nil {
			return err
		}
		if len(byRow) == len(rowIDs) {
			break
		}
		if !locked {
			select {
			case <-time.After(pause):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	// What this writer is told of its records must survive a crash (durable).
	if err := db.durable(ctx); err != nil {
		return err
	}
	for i, id := range rowIDs {
		s, ok := byRow[id]
		if !ok {
			return fmt.Errorf("audit record %d queued but not sealed", id)
		}
		recs[i].ID, recs[i].At, recs[i].Object, recs[i].PrevHash, recs[i].Hash = s.ID, s.At, s.Object, s.PrevHash, s.Hash
	}
	return nil
}

// sealed returns the records queued as rowIDs that are in the chain by now.
func (db *DB) sealed(ctx context.Context, rowIDs []int64) (map[int64]tousu.AuditRecord, error) {
	rows, err := db.pool.Query(ctx, `SELECT row_id, id, at, object, prev_hash, hash FROM audit WHERE row_id = ANY($1)`, rowIDs)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRow := map[int64]tousu.AuditRecord{}
	for rows.Next() {
		var (
			rowID, at int64
			r         tousu.AuditRecord
		)
		if err := rows.Scan(&rowID, &r.ID, &at, &r.Object, &r.PrevHash, &r.Hash); err != nil {
			return nil, err
		}
		r.At = fromMillis(at)
		byRow[rowID] = r
	}
	return byRow, rows.Err()
}

// sealBatch is how many queued records one sealing transaction chains.
const sealBatch = 1000

// sealAudit chains every queued audit record, in queue order, each to the one before.
// Sealers on many nodes take turns on auditSealLock; each turn chains whatever is queued
// by then, so the turns are few however many writers there are. A record queued by a
// transaction that commits after a later one's was sealed is simply sealed in a later
// turn: the chain's order is the order of sealing.
func (db *DB) sealAudit(ctx context.Context) error {
	_, err := db.sealTurns(ctx, false)
	return err
}

// sealTurns takes sealing turns until the queue is empty. With try, it gives up at once
// when another sealer holds the lock, reporting false.
func (db *DB) sealTurns(ctx context.Context, try bool) (locked bool, err error) {
	lock := `SELECT pg_advisory_xact_lock($1), set_config('synchronous_commit', 'off', true)`
	if try {
		lock = `SELECT pg_try_advisory_xact_lock($1), set_config('synchronous_commit', 'off', true)`
	}
	for {
		n := 0
		var turn []int64 // the IDs sealed, for sealHook
		locked = true
		err := db.inTx(ctx, func(tx pgx.Tx) error {
			// The turn commits without waiting for its WAL flush, so that the next turn
			// does not wait for the disk: the records it moves are already durable in
			// audit_pending (queued by committed writes), and a turn lost in a crash puts
			// them back there for the next sealer to chain. Nothing it sealed is shown
			// before a flush (durable), so a turn that can be lost was seen by no one
			// (docs/DEPLOY.md).
			var got any
			if err := tx.QueryRow(ctx, lock, auditSealLock).Scan(&got, nil); err != nil {
				return err
			}
			if b, ok := got.(bool); ok && !b {
				locked = false
				return nil
			}
			var (
				lastID int64
				prev   string
			)
			err := tx.QueryRow(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&lastID, &prev)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			rows, err := tx.Query(ctx, `DELETE FROM audit_pending WHERE row_id IN
				(SELECT row_id FROM audit_pending ORDER BY row_id LIMIT $1)
				RETURNING row_id, at, actor, action, object, client, detail`, sealBatch)
			if err != nil {
				return err
			}
			type queued struct {
				rowID int64
				r     tousu.AuditRecord
			}
			var q []queued
			for rows.Next() {
				var (
					e  queued
					at int64
				)
				if err := rows.Scan(&e.rowID, &at, &e.r.Actor, &e.r.Action, &e.r.Object, &e.r.Client, &e.r.Detail); err != nil {
					rows.Close()
					return err
				}
				e.r.At = fromMillis(at)
				q = append(q, e)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			slices.SortFunc(q, func(a, b queued) int { return cmp.Compare(a.rowID, b.rowID) })
			b := &pgx.Batch{}
			for i := range q {
				r := &q[i].r
				r.ID = lastID + int64(i) + 1
				r.PrevHash = prev
				r.Hash = tousu.ChainHash(prev, *r)
				prev = r.Hash
				b.Queue(`INSERT INTO audit (id, at, actor, action, object, client, detail, prev_hash, hash, row_id)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
					r.ID, millis(r.At), r.Actor, r.Action, r.Object, r.Client, r.Detail, r.PrevHash, r.Hash, q[i].rowID)
			}
			n = len(q)
			if n == 0 {
				return nil
			}
			if db.sealHook != nil {
				turn = make([]int64, n)
				for i := range q {
					turn[i] = q[i].r.ID
				}
				db.sealHook("sealing", turn)
			}
			return tx.SendBatch(ctx, b).Close()
		})
		if err == nil && n > 0 && db.sealHook != nil {
			db.sealHook("committed", turn)
		}
		if err != nil || !locked || n < sealBatch {
			return locked, err
		}
	}
}
