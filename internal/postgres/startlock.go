package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// startLockKey is the advisory lock that start-up holds: any fixed number other than
// goose's own migration lock, which Migrate takes inside it.
const startLockKey int64 = 0x746f757375_01 // "tousu", 1

// StartLock waits until no other node is starting on this database and keeps the others
// waiting until release is called. Nodes started together on a fresh database would each
// otherwise see no first admin, no demo and no root unit, and each create them: the
// second to commit fails on a unique login or, worse, loads the demo twice.
//
// The lock is a session advisory lock on a connection of its own, outside the pool: a pool
// of one connection must stay free for the start-up work the lock guards, and the lock
// goes with the connection if the process dies.
func (db *DB) StartLock(ctx context.Context) (release func(), err error) {
	defer wrap(&err, "postgres.StartLock")
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, startLockKey); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return func() {
		// Closing the session releases its advisory locks; unlock first anyway so that
		// the next node goes on at once even if closing is slow.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, startLockKey)
		conn.Close(ctx)
	}, nil
}
