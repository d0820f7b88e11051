// Package sqlite is the tousu.Store on SQLite (modernc.org/sqlite, no cgo): the embedded
// default. One database file serves two pools: a write pool of a single connection, whose
// transactions all begin IMMEDIATE so that writers queue instead of failing with
// SQLITE_BUSY, and a read pool of a few connections that WAL lets read while the writer
// commits.
//
// The SQL both engines share is written once in internal/sqlstore; this package keeps what
// is SQLite's own: opening and tuning the two pools, the single writer that commits in
// groups (and its prepared statements), the audit chain written by that writer (audit.go),
// the outbox claim (outbox.go), VACUUM INTO for backups, and the migrations.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	msqlite "modernc.org/sqlite" // the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"tousu"
	"tousu/internal/sqlstore"
)

// DB is the tousu.Store on one SQLite file: the shared SQL of sqlstore over SQLite's
// pools and its single writer.
type DB struct {
	*sqlstore.Store
	path  string
	write *sql.DB // one connection: SQLite has one writer at a time anyway
	read  *sql.DB

	// Writes are committed in groups (see writer): writes hands a transaction's work to
	// the writer goroutine, quit stops it, stopped is closed once it has.
	writes   chan *writeReq
	quit     chan struct{}
	stopped  chan struct{}
	closing  sync.Once
	prepared *preparedCache
	// readStmts are the read pool's prepared statements (prepared.go).
	readStmts *readStmts
	opt       optimizer // the writer's PRAGMA optimize schedule (optimize.go)
}

var _ tousu.Store = (*DB)(nil)

// readConns is the size of the read pool: enough for a small server's concurrent pages,
// few enough that each connection's page cache stays cheap.
const readConns = 6

// The connection settings. The driver runs busy_timeout first and the other _pragma values
// in name order, which is also the order they must run in: busy_timeout before anything
// that may need a lock, journal_mode(WAL) before synchronous, whose meaning depends on it.
// synchronous(FULL) makes an acknowledged commit survive power loss. The read pool maps
// the file into memory (mmap_size, up to 256 MiB): a page read is then a memory access
// instead of a read() system call and a copy into each connection's own page cache — at
// 100,000 complaints it cut the server's CPU per inbox list by a quarter to a third
// (docs/PERFORMANCE.md). Mapped pages are the kernel's page cache, shared with every
// other reader of the file, and given back under memory pressure. The writer maps the
// file too (its reads of index pages, not its writes, which go to the WAL), and keeps its
// statement journals in memory (temp_store): each registration of a group commit runs in
// a savepoint, whose journal of the pages it changes was written to a temporary file, a
// write() per page — together a third less system-call time in a registration's profile.
var (
	writePragmas = []string{"busy_timeout(10000)", "analysis_limit(" + strconv.Itoa(analysisLimit) + ")",
		"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "temp_store(MEMORY)", "mmap_size(268435456)"}
	readPragmas = []string{"busy_timeout(10000)", "foreign_keys(ON)", "mmap_size(268435456)"}
)

func dsn(path string, pragmas []string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q["_pragma"] = pragmas
	return path + "?" + q.Encode()
}

// Open opens (creating if need be) the database file at path. It does not migrate: call
// Migrate before use.
func Open(ctx context.Context, path string) (_ *DB, err error) {
	defer tousu.Wrap(&err, "sqlite.Open(%q)", path)
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") || strings.ContainsAny(path, "?#") {
		// Two pools must see the same database, so it must be a plain file path; '?' would
		// start the driver's parameters.
		return nil, fmt.Errorf("not a plain file path: %q", path)
	}
	write, err := sql.Open("sqlite", dsn(path, writePragmas, url.Values{"_txlock": {"immediate"}}))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// The write connection opens first, so the file exists and is in WAL mode before any
	// reader connects.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", dsn(path, readPragmas, url.Values{"_query_only": {"1"}}))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	read.SetConnMaxIdleTime(0)
	read.SetConnMaxLifetime(0)
	if err := read.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, err
	}
	db := &DB{path: path, write: write, read: read, writes: make(chan *writeReq),
		quit: make(chan struct{}), stopped: make(chan struct{}), opt: optimizer{last: time.Now()},
		prepared:  &preparedCache{stmts: map[string]*sql.Stmt{}, missed: map[string]bool{}},
		readStmts: &readStmts{db: read, stmts: map[string]*sql.Stmt{}, seen: map[string]bool{}}}
	db.Store = sqlstore.New(sqlstore.Engine{
		Read: pool{read, db.readStmts},
		Tx: func(ctx context.Context, fn func(context.Context, sqlstore.Querier) error) error {
			return db.inTx(ctx, func(ctx context.Context, t *sql.Tx) error { return fn(ctx, tx{t}) })
		},
		Audit:        chain{},
		IsUnique:     isUnique,
		IsForeignKey: isForeignKey,
	})
	go db.writer()
	return db, nil
}

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the schema up to date with the embedded goose migrations.
func (db *DB) Migrate(ctx context.Context) (err error) {
	defer tousu.Wrap(&err, "sqlite.Migrate")
	p, err := db.migrator()
	if err != nil {
		return err
	}
	if _, err = p.Up(ctx); err != nil {
		return err
	}
	// Complaints registered before the full-text index existed are indexed now
	// (sqlstore.BackfillSearch).
	if _, err := db.BackfillSearch(ctx); err != nil {
		return err
	}
	// Version 15 counts the complaints written before it, in Go (sqlstore/stats.go).
	if err := db.BackfillStats(ctx); err != nil {
		return err
	}
	// The schema is up to date: gather the statistics that are missing or stale
	// (optimize.go).
	return db.optimize(ctx, true)
}

// migrator is the goose provider of the embedded migrations, on the write connection.
func (db *DB) migrator() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db.write, fsys, goose.WithDisableGlobalRegistry(true))
}

// Close closes both pools; closing the last connection checkpoints the WAL.
func (db *DB) Close() (err error) {
	defer tousu.Wrap(&err, "sqlite.Close")
	db.closing.Do(func() { close(db.quit) })
	<-db.stopped
	db.closePrepared()
	db.readStmts.close()
	return errors.Join(db.read.Close(), db.write.Close())
}

// Backup writes a consistent copy of the database to path, which must not exist, while the
// database keeps serving: VACUUM INTO reads one snapshot, as a reader, and writes it out
// compacted.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	defer tousu.Wrap(&err, "sqlite.Backup(%q)", path)
	if _, err := os.Lstat(path); err == nil {
		return &tousu.Error{Kind: tousu.KindConflict, Message: "备份文件已存在，请换一个路径"}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// The copy holds everything the database holds: it is created empty, readable by its
	// owner only (0600, like the database), before VACUUM INTO fills it — SQLite accepts
	// an empty file and would otherwise create it with the umask's mode. O_EXCL also
	// makes sure no file that appeared meanwhile is overwritten.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return &tousu.Error{Kind: tousu.KindConflict, Message: "备份文件已存在，请换一个路径"}
	}
	if err != nil {
		return err
	}
	if err := errors.Join(f.Chmod(0o600), f.Close()); err != nil {
		os.Remove(path)
		return err
	}
	// The read pool is query_only, which refuses VACUUM INTO: a connection of its own.
	conn, err := sql.Open("sqlite", dsn(db.path, readPragmas, nil))
	if err != nil {
		os.Remove(path)
		return err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return err
	}
	return os.Chmod(path, 0o600)
}

// inTx runs fn in an IMMEDIATE transaction on the write connection and commits it. It
// returns once the commit is durable (or failed). fn's writes are committed together with
// those of other writers waiting at the same moment (group commit), each isolated by a
// savepoint: a failing fn rolls back its own writes only. fn runs with a context that
// keeps ctx's values but is never cancelled: a caller who goes away mid-write must not
// interrupt the connection, which would roll back the whole group's transaction.
func (db *DB) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.writes <- req:
	case <-db.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once taken, the work is committed or refused as one; its outcome is always awaited,
	// so that a caller never reports failure for a write that was committed.
	return <-req.done
}

// writeReq is one transaction's work waiting for the writer.
type writeReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
}

var errClosed = errors.New("sqlite: database closed")

// maxGroup bounds how many transactions one commit carries.
const maxGroup = 64

// writer commits the write transactions in groups. Durable commits cost a WAL sync each;
// while one commit syncs, the next writers queue up, and the writer then runs all that are
// waiting in one transaction and syncs once. A lone writer pays nothing extra.
func (db *DB) writer() {
	defer close(db.stopped)
	for {
		var first *writeReq
		select {
		case first = <-db.writes:
		case <-db.quit:
			return
		}
		group := []*writeReq{first}
	gather:
		for len(group) < maxGroup {
			select {
			case r := <-db.writes:
				group = append(group, r)
			default:
				break gather
			}
		}
		db.commitGroup(group)
		db.prepareMissed()
		if db.opt.due(len(group), time.Now()) {
			// Statistics are an optimisation: a failure leaves the old ones in place.
			_ = db.optimize(context.Background(), false)
			db.opt.ran(time.Now())
		}
	}
}

// commitGroup runs a group of transactions' work in one transaction, each in a savepoint
// when there are several, and tells each caller its outcome.
func (db *DB) commitGroup(group []*writeReq) {
	errs := make([]error, len(group))
	finish := func(commitErr error) {
		for i, r := range group {
			if errs[i] == nil {
				errs[i] = commitErr
			}
			r.done <- errs[i]
		}
	}
	ctx := withPrepared(context.Background(), db.prepared)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		finish(err)
		return
	}
	if len(group) == 1 {
		if errs[0] = group[0].fn(withPrepared(context.WithoutCancel(group[0].ctx), db.prepared), tx); errs[0] != nil {
			tx.Rollback()
			finish(nil)
			return
		}
		finish(tx.Commit())
		return
	}
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err // its caller has gone: do not start it
			continue
		}
		if _, err := txExec(ctx, tx, `SAVEPOINT w`); err != nil {
			tx.Rollback()
			finish(err)
			return
		}
		if errs[i] = r.fn(withPrepared(context.WithoutCancel(r.ctx), db.prepared), tx); errs[i] != nil {
			if _, err := txExec(ctx, tx, `ROLLBACK TO w`); err != nil {
				tx.Rollback()
				finish(err)
				return
			}
		}
		if _, err := txExec(ctx, tx, `RELEASE w`); err != nil {
			tx.Rollback()
			finish(err)
			return
		}
	}
	finish(tx.Commit())
}

// execer is what both pools and transactions offer.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// pool is a database/sql pool as a sqlstore.Querier; its reads use the statements
// prepared in stmts, when it has them.
type pool struct {
	db    execer
	stmts *readStmts
}

func (p pool) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := p.db.ExecContext(ctx, q, args...)
	return rowsAffected(res, err)
}

func (p pool) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	query := p.db.QueryContext
	if st := p.stmts.stmt(ctx, q); st != nil {
		query = func(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
			return st.QueryContext(ctx, args...)
		}
	}
	rows, err := query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (p pool) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	if st := p.stmts.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, q, args...)
}

// tx is a write transaction as a sqlstore.Querier: its statements come from the prepared
// cache (see prepared.go).
type tx struct{ tx *sql.Tx }

func (t tx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return rowsAffected(txExec(ctx, t.tx, q, args...))
}

func (t tx) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	rows, err := txQuery(ctx, t.tx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (t tx) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Row {
	return txQueryRow(ctx, t.tx, q, args...)
}

// sqlRows is *sql.Rows with the Close of sqlstore.Rows.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// constraint reports whether err is one of SQLite's constraint failures.
func constraint(err error, codes ...int) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && slices.Contains(codes, se.Code())
}

// isUnique reports SQLite's UNIQUE or PRIMARY KEY constraint failure.
func isUnique(err error) bool {
	return constraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// isForeignKey reports SQLite's FOREIGN KEY constraint failure.
func isForeignKey(err error) bool { return constraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) }
