// Package sqlstore is the SQL that SQLite and PostgreSQL share: every statement that is
// the same on both engines, the scans, and the mapping between rows and domain types,
// written once. The engine packages (internal/sqlite, internal/postgres) open and tune
// their connections, supply an Engine, and keep only what really differs between the
// engines — each with a comment saying why.
//
// Statements are written with ? placeholders; an engine whose driver wants $n (pgx)
// rebinds them (Rebind). Instants are stored as UTC Unix milliseconds and civil dates as
// 'YYYY-MM-DD' text, both formatted here: a time.Time is never bound. Every method names
// itself in its errors as store.Method, whichever engine runs it.
//
// A new table's code goes here (a file per table or group of tables), with its migration
// in both engines' migrations directories; an engine package grows only when the engines
// must behave differently.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"tousu"
)

// Querier runs statements, written with ? placeholders, on a pool or in a transaction.
// Both engines' adapters offer it: database/sql for SQLite, pgx for PostgreSQL.
type Querier interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// QueryRow runs a query expected to return at most one row; a missing row is
	// sql.ErrNoRows (or an error matching it) at Scan.
	QueryRow(ctx context.Context, query string, args ...any) Row
}

// Row is one result row (sql.Row, pgx.Row).
type Row interface {
	Scan(dest ...any) error
}

// Rows is a result set (sql.Rows, pgx.Rows).
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// noRows reports a missing row: database/sql's sql.ErrNoRows, which pgx.ErrNoRows also
// matches.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Stmt is one statement of a batch; Scan, when set, reads the single row it returns.
type Stmt struct {
	Query string
	Args  []any
	Scan  func(Row) error
}

// Batcher is a Querier that can send several statements in one round trip (pgx). A
// Querier without it runs them one by one, which costs nothing more on an embedded
// database.
type Batcher interface {
	Batch(ctx context.Context, stmts []Stmt) error
}

// runBatch runs stmts on q, in one round trip where q can.
func runBatch(ctx context.Context, q Querier, stmts []Stmt) error {
	if len(stmts) == 0 {
		return nil
	}
	if b, ok := q.(Batcher); ok {
		return b.Batch(ctx, stmts)
	}
	for _, st := range stmts {
		if st.Scan == nil {
			if _, err := q.Exec(ctx, st.Query, st.Args...); err != nil {
				return err
			}
			continue
		}
		if err := st.Scan(q.QueryRow(ctx, st.Query, st.Args...)); err != nil {
			return err
		}
	}
	return nil
}

// Engine is what an engine package supplies: its pools, its transactions and the few
// places where the two engines behave differently.
type Engine struct {
	// Read runs reads: SQLite's read-only pool, PostgreSQL's pool.
	Read Querier
	// Tx runs fn in a write transaction and commits it (SQLite: through the single writer,
	// committed in groups; PostgreSQL: a read-committed transaction of its own).
	Tx func(ctx context.Context, fn func(ctx context.Context, q Querier) error) error
	// One runs a write that is a single statement. SQLite sends it through Tx like every
	// write (one writer); PostgreSQL runs it on the pool, where it commits by itself,
	// saving the two round trips of BEGIN and COMMIT.
	One func(ctx context.Context, fn func(ctx context.Context, q Querier) error) error

	// Numbers, when set, hands out k consecutive numbers of a prefix's per-day counter
	// in a short transaction of its own, before the registering transaction, and
	// returns the last. PostgreSQL needs it: taken inside the registration, the
	// counter's row lock was held until that transaction committed, so every
	// registration on every node queued behind the one before (docs/DEPLOY.md). A
	// registration that fails afterwards leaves its number unused: a gap. nil: the
	// registering transaction takes its number itself, gapless (SQLite, whose single
	// writer serialises writes anyway).
	Numbers func(ctx context.Context, prefix string, k int) (last int64, err error)

	// Audit chains audit records (see AuditChain).
	Audit AuditChain
	// Search runs a complaint list query that has a search term: PostgreSQL plans it
	// for its values (see postgres.DB.search); nil runs it on Read.
	Search func(ctx context.Context, fn func(q Querier) error) error

	// Storable reports whether the engine can hold s as text; nil: any string.
	// PostgreSQL's text holds neither NUL nor invalid UTF-8, so a key it cannot hold is
	// looked up as nobody's instead of failing — the answer SQLite gives.
	Storable func(s string) bool
	// IsUnique reports a unique or primary-key violation; IsForeignKey a foreign-key one.
	IsUnique, IsForeignKey func(err error) bool
	// Refused turns an engine's refusal of hostile text into a tousu error of kind
	// invalid, or returns err unchanged; nil: unchanged.
	Refused func(err error) error

	// Postgres switches the few statements whose best form differs (see where it is read).
	Postgres bool
}

// AuditChain is how an engine appends to the hash-chained audit log. SQLite has one
// writer, so a write transaction chains its records itself; PostgreSQL's writers on
// many nodes queue theirs and a sealer chains the queue (see each engine's audit.go).
type AuditChain interface {
	// Append stores recs within the write transaction q and returns what Done needs.
	Append(ctx context.Context, q Querier, recs []tousu.AuditRecord) (Appended, error)
	// Done, after the commit, gives recs their places in the chain as stored.
	Done(ctx context.Context, recs []tousu.AuditRecord, a Appended) error
	// Flush makes every committed record readable in the chain before a read.
	Flush(ctx context.Context) error
}

// Appended is what AuditChain.Append hands to Done: the records as chained (SQLite) or
// the queue IDs they wait under (PostgreSQL).
type Appended struct {
	Records []tousu.AuditRecord
	Queued  []int64
}

// Store is the tousu.Store methods shared by both engines, over an Engine. An engine's DB
// embeds it and adds what it does its own way (Migrate, Close, Backup, ClaimMessages).
type Store struct {
	e Engine
}

// New is the shared store over e.
func New(e Engine) *Store {
	if e.One == nil {
		e.One = e.Tx
	}
	return &Store{e: e}
}

// storable reports whether the engine can hold s as text.
func (s *Store) storable(v string) bool { return s.e.Storable == nil || s.e.Storable(v) }

// wrap names the method in err, after turning text the engine refused into an
// invalid-input error: hostile input is never an internal error.
func (s *Store) wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	if s.e.Refused != nil {
		*errp = s.e.Refused(*errp)
	}
	tousu.Wrap(errp, format, args...)
}

// isUnique reports a unique or primary-key violation.
func (s *Store) isUnique(err error) bool { return err != nil && s.e.IsUnique(err) }

// Rebind turns ? placeholders into PostgreSQL's $1, $2, …, leaving quoted text alone.
// Rebound statements are remembered: the same few hundred statements run all day.
func Rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	if len(q) < 4096 {
		rebound.Store(q, out)
	}
	return out
}

var rebound sync.Map

// millis is t as stored: UTC Unix milliseconds.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is a stored instant, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// zeroMillis stores an instant whose zero value means "none" as 0.
func zeroMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromZeroMillis reads an instant stored by zeroMillis.
func fromZeroMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return fromMillis(ms)
}

// nullMillis stores an optional instant as NULL when absent.
func nullMillis(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	return new(t.UnixMilli())
}

// fromNullMillis reads an optional instant.
func fromNullMillis(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	return new(fromMillis(*ms))
}

// nullText stores optional text (JSON) as NULL when absent.
func nullText(b []byte) *string {
	if b == nil {
		return nil
	}
	return new(string(b))
}

// notFound is the error for a missing row.
func notFound(msg string) error {
	return &tousu.Error{Kind: tousu.KindNotFound, Message: msg}
}

// affected fails with a not-found error when a statement changed no row.
func affected(n int64, err error, msg string) error {
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(msg)
	}
	return nil
}

// collect reads every row with scan.
func collect[T any](rows Rows, err error, scan func(Row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// The page sizes of the lists.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// pageLimit is a list's limit: the default for none, at most maxLimit.
func pageLimit(n int) int {
	if n <= 0 {
		return defaultLimit
	}
	return min(n, maxLimit)
}
