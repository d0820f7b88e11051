package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// Statements on the write connection are prepared once and reused: preparing costs about
// as much as running a small insert, and the write connection is the one thing every
// write waits for. A statement is prepared after the transaction that first ran it (the
// single connection is busy until then), and by every later one taken from the cache.

// maxPrepared bounds the cache: write statements are constants, but a few are built with
// as many placeholders as their arguments.
const maxPrepared = 256

// preparedCache holds the write connection's prepared statements, and the statements run
// since the last commit that are not prepared yet.
type preparedCache struct {
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	missed map[string]bool
}

type preparedKey struct{}

// withPrepared gives a transaction's work the cache, through its context.
func withPrepared(ctx context.Context, pc *preparedCache) context.Context {
	return context.WithValue(ctx, preparedKey{}, pc)
}

// stmt returns the prepared statement for q bound to tx, or nil (and notes the miss).
func stmtFor(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	pc, _ := ctx.Value(preparedKey{}).(*preparedCache)
	if pc == nil {
		return nil
	}
	pc.mu.Lock()
	st := pc.stmts[q]
	if st == nil && len(pc.stmts)+len(pc.missed) < maxPrepared {
		pc.missed[q] = true
	}
	pc.mu.Unlock()
	if st == nil {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

func txExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := stmtFor(ctx, tx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func txQueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st := stmtFor(ctx, tx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

func txQuery(ctx context.Context, tx *sql.Tx, q string, args ...any) (*sql.Rows, error) {
	if st := stmtFor(ctx, tx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

// prepareMissed prepares the statements run since the last call, while the write
// connection is free. A statement that fails to prepare is simply run unprepared.
func (db *DB) prepareMissed() {
	pc := db.prepared
	pc.mu.Lock()
	missed := pc.missed
	pc.missed = map[string]bool{}
	pc.mu.Unlock()
	for q := range missed {
		st, err := db.write.PrepareContext(context.Background(), q)
		if err != nil {
			continue
		}
		pc.mu.Lock()
		pc.stmts[q] = st
		pc.mu.Unlock()
	}
}

// closePrepared closes the prepared statements.
func (db *DB) closePrepared() {
	pc := db.prepared
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for q, st := range pc.stmts {
		st.Close()
		delete(pc.stmts, q)
	}
}

// Statements on the read pool are prepared once too, for the reads every request makes
// (authentication, the settings, the look-up of repeats at each registration): parsing
// one cost as much as running it. database/sql prepares a pooled statement again on
// each connection it runs on, once. A statement is prepared the second time it is seen,
// so that one-off texts (a list with an unusual filter) do not fill the cache.
type readStmts struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	seen  map[string]bool
}

// stmt returns the prepared statement for q, or nil. It prepares outside the lock: that
// waits for a connection of the pool, which a reader may hold while asking for another
// statement.
func (c *readStmts) stmt(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	st, seen := c.stmts[q], c.seen[q]
	full := len(c.stmts) >= maxPrepared
	if st == nil && !seen && !full {
		if len(c.seen) >= 4*maxPrepared {
			clear(c.seen)
		}
		c.seen[q] = true
	}
	c.mu.Unlock()
	if st != nil || !seen || full {
		return st
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil // run unprepared, and report the error then
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had := c.stmts[q]; had != nil { // prepared meanwhile by another reader
		st.Close()
		return had
	}
	delete(c.seen, q)
	c.stmts[q] = st
	return st
}

// close closes the prepared statements.
func (c *readStmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}
