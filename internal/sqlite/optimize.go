package sqlite

import (
	"context"
	"time"
)

// The query planner needs statistics: without them SQLite guesses, and a supervisor's
// scoped inbox over a million complaints once took seconds instead of a millisecond.
// SQLite's advice for long-lived connections is followed: PRAGMA optimize=0x10002 once
// the schema is up to date (analysing every table whose statistics are missing or
// stale), then plain PRAGMA optimize from time to time. Each ANALYZE it runs samples
// at most analysisLimit rows per index (PRAGMA analysis_limit), so it stays short
// even on a large database.

// analysisLimit bounds the rows an ANALYZE examines per index: SQLite suggests 100–1000.
const analysisLimit = 400

// The writer re-runs PRAGMA optimize after optimizeEvery, or sooner after
// optimizeAfterWrites write transactions (a bulk import changes the statistics most).
const (
	optimizeEvery       = time.Hour
	optimizeAfterWrites = 50_000
)

// optimizer remembers when the writer last ran PRAGMA optimize and how many write
// transactions it committed since. Only the writer goroutine touches it.
type optimizer struct {
	last   time.Time
	writes int
}

// due reports whether PRAGMA optimize should run now, after n more transactions.
func (o *optimizer) due(n int, now time.Time) bool {
	o.writes += n
	return o.writes >= optimizeAfterWrites || now.Sub(o.last) >= optimizeEvery
}

// ran notes a run at now.
func (o *optimizer) ran(now time.Time) { o.last, o.writes = now, 0 }

// optimize runs PRAGMA optimize on the write connection (which database/sql hands to
// one user at a time): every table with mask 0x10002 (after migrating), else the tables
// the connection used since its last run (periodically, from the writer).
func (db *DB) optimize(ctx context.Context, all bool) error {
	q := `PRAGMA optimize`
	if all {
		q = `PRAGMA optimize=0x10002`
	}
	_, err := db.write.ExecContext(ctx, q)
	return err
}
