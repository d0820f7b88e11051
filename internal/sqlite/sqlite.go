// Package sqlite is the tousu.Store on SQLite (modernc.org/sqlite, no cgo): the embedded
// default. One database file serves two pools: a write pool of a single connection, whose
// transactions all begin IMMEDIATE so that writers queue instead of failing with
// SQLITE_BUSY, and a read pool of a few connections that WAL lets read while the writer
// commits.
//
// Instants are stored as UTC Unix milliseconds and civil dates as 'YYYY-MM-DD' text, both
// formatted here: a time.Time is never bound (modernc would write it as text that SQLite's
// date functions cannot read).
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
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"tousu"
)

// DB is the tousu.Store on one SQLite file.
type DB struct {
	path  string
	write *sql.DB // one connection: SQLite has one writer at a time anyway
	read  *sql.DB
}

var _ tousu.Store = (*DB)(nil)

// readConns is the size of the read pool: enough for a small server's concurrent pages,
// few enough that each connection's page cache stays cheap.
const readConns = 6

// The connection settings. The driver runs busy_timeout first and the other _pragma values
// in name order, which is also the order they must run in: busy_timeout before anything
// that may need a lock, journal_mode(WAL) before synchronous, whose meaning depends on it.
// synchronous(FULL) makes an acknowledged commit survive power loss.
var (
	writePragmas = []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)"}
	readPragmas  = []string{"busy_timeout(10000)", "foreign_keys(ON)"}
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
	return &DB{path: path, write: write, read: read}, nil
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
	_, err = p.Up(ctx)
	return err
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
	// The read pool is query_only, which refuses VACUUM INTO: a connection of its own.
	conn, err := sql.Open("sqlite", dsn(db.path, readPragmas, nil))
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// inTx runs fn in an IMMEDIATE transaction on the write connection and commits it.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// execer is what both pools and transactions offer.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

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
func nullMillis(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// fromNullMillis reads an optional instant.
func fromNullMillis(ms sql.NullInt64) *time.Time {
	if !ms.Valid {
		return nil
	}
	t := fromMillis(ms.Int64)
	return &t
}

// notFound is the error for a missing row.
func notFound(msg string) error {
	return &tousu.Error{Kind: tousu.KindNotFound, Message: msg}
}

// affected fails with a not-found error when a statement changed no row.
func affected(res sql.Result, msg string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound(msg)
	}
	return nil
}
