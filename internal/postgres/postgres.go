// Package postgres is the tousu.Store on PostgreSQL (pgx v5, one connection pool per
// process): the store for deployments that outgrow one machine, where any number of
// stateless `tousu serve` nodes share one database. It behaves exactly as internal/sqlite
// does — the conformance suite internal/storetest runs on both — and keeps the same
// representation: instants as UTC Unix milliseconds (bigint), civil dates as 'YYYY-MM-DD'
// text, text compared byte by byte (COLLATE "C"). The SQL both engines share is written
// once in internal/sqlstore; this package supplies pgx (rebinding ? to $n, sending
// batches in one round trip) and keeps only what is PostgreSQL's own.
//
// What many nodes need beyond one SQLite writer:
//
//   - Numbers: the per-prefix counter is an upsert inside the registering transaction;
//     its row lock hands out each number once across all nodes, and a rolled-back
//     registration gives its number back.
//   - The audit chain: writers queue their records without a lock; a sealer chains the
//     queue in order under an advisory lock only sealers take, so the chain stays one
//     sequence (see sealer and sealAudit in audit.go).
//   - Migrations: goose runs them under PostgreSQL's session-level advisory lock, so that
//     nodes starting together migrate once and the others wait (see Migrate).
//   - The outbox: a claim is one UPDATE over the due messages it locks with FOR UPDATE
//     SKIP LOCKED, so that nodes claiming at once take disjoint messages without waiting
//     for each other (see ClaimMessages).
//   - Search: a list with a search term is planned for its term (see search).
//   - Text: PostgreSQL refuses NUL and invalid UTF-8, which SQLite keeps; such a key is
//     nobody's, and such a value is invalid input (see storable and refused).
//
// Pool sizing comes from the URL (pgx's pool_max_conns, pool_min_conns,
// pool_max_conn_lifetime, pool_max_conn_idle_time, pool_health_check_period); without
// pool_max_conns a node opens at most DefaultMaxConns connections.
package postgres

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"tousu"
	"tousu/internal/sqlstore"
)

// DB is the tousu.Store on one PostgreSQL database: the shared SQL of sqlstore over a pgx
// pool, and what many nodes need of their own.
type DB struct {
	*sqlstore.Store
	url  string // as given to Open, for pg_dump; never put into an error or a log
	pool *pgxpool.Pool
	// sealHook, set by tests only, is told of the audit sealer's steps (audit.go).
	sealHook func(step string, ids []int64)
}

var _ tousu.Store = (*DB)(nil)

// DefaultMaxConns is the pool size of a node whose URL does not set pool_max_conns: a
// fixed number rather than one derived from the CPU count, so that an operator can add
// up nodes × connections against the server's max_connections (docs/DEPLOY.md).
const DefaultMaxConns = 10

// defaultConnectTimeout bounds a connection attempt when the URL sets no connect_timeout,
// so that a node facing an unreachable server fails its health check instead of hanging.
const defaultConnectTimeout = 10 * time.Second

// Open connects to the database at url (postgres://user:password@host:port/dbname?…, or
// pgx's key=value form) and checks that it answers. It does not migrate: call Migrate
// before use.
func Open(ctx context.Context, url string) (_ *DB, err error) {
	// The URL may carry a password: it stays out of the error (pgx redacts its own).
	defer wrap(&err, "postgres.Open")
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		// Names the nodes' sessions in pg_stat_activity.
		cfg.ConnConfig.RuntimeParams["application_name"] = "tousu"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	db := &DB{url: url, pool: pool}
	db.Store = sqlstore.New(sqlstore.Engine{
		Read: pgq{pool},
		Tx: func(ctx context.Context, fn func(context.Context, sqlstore.Querier) error) error {
			return db.inTx(ctx, func(tx pgx.Tx) error { return fn(ctx, pgq{tx}) })
		},
		One: func(ctx context.Context, fn func(context.Context, sqlstore.Querier) error) error {
			return fn(ctx, pgq{pool})
		},
		Numbers:      db.numbers,
		Audit:        sealer{db},
		Search:       db.search,
		Storable:     storable,
		IsUnique:     func(err error) bool { return pgCode(err) == codeUniqueViolation },
		IsForeignKey: func(err error) bool { return pgCode(err) == codeForeignKeyViolation },
		Refused:      refused,
		Postgres:     true,
	})
	return db, nil
}

//go:embed migrations/*.sql
var migrations embed.FS

// How long a node waits for another node's migrations: goose retries the advisory lock
// every second, for five minutes.
const (
	migrationLockPeriod   = 1 // seconds between attempts
	migrationLockAttempts = 300
)

// Migrate brings the schema up to date with the embedded goose migrations, which carry the
// same version numbers as SQLite's. goose holds PostgreSQL's session-level advisory lock
// while it migrates, so nodes that start together do not race: one migrates, the others
// wait for it and then find nothing left to do.
func (db *DB) Migrate(ctx context.Context) (err error) {
	defer wrap(&err, "postgres.Migrate")
	err = db.migrate(ctx, func(p *goose.Provider) error {
		if _, err := p.Up(ctx); err != nil {
			return err
		}
		// Complaints registered before the full-text index existed are indexed now, still
		// under the lock, so that one node does it (sqlstore.BackfillSearch).
		_, err := db.BackfillSearch(ctx)
		return err
	})
	if err != nil {
		return err
	}
	// Version 15 counts the complaints written before it, in Go (sqlstore/stats.go),
	// once: the node that deletes the request does it.
	return db.BackfillStats(ctx)
}

// migrate runs fn with a goose provider of the embedded migrations, under the session
// lock, on a small pool of its own that it closes afterwards.
func (db *DB) migrate(ctx context.Context, fn func(p *goose.Provider) error) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(migrationLockPeriod, migrationLockAttempts))
	if err != nil {
		return err
	}
	// goose speaks database/sql and holds the lock on one connection while it migrates on
	// another: a small pool of its own, so that neither a pool_max_conns of 1 nor a busy
	// serving pool can starve it.
	cfg := db.pool.Config()
	cfg.MaxConns, cfg.MinConns = 2, 0
	mpool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer mpool.Close()
	sqlDB := stdlib.OpenDBFromPool(mpool)
	defer sqlDB.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys,
		goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	return fn(p)
}

// Close closes the pool, waiting for the connections in use to be returned.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Backup writes a consistent copy of the database to path, which must not exist, while
// the database keeps serving. It runs pg_dump (which must be on PATH, of the server's
// major version or newer) in its custom format: one snapshot of the whole database, read
// as a repeatable-read transaction, that pg_restore turns back into a database
// (docs/DEPLOY.md). The dump is written beside path and linked into place only when
// complete, so a failed backup leaves nothing behind and an existing file is never
// overwritten.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	defer wrap(&err, "postgres.Backup(%q)", path)
	if _, err := os.Lstat(path); err == nil {
		return &tousu.Error{Kind: tousu.KindConflict, Message: "备份文件已存在，请换一个路径"}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("pg_dump is needed for backups of PostgreSQL: install the PostgreSQL client tools (the server's major version or newer): %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return err
	}
	// CreateTemp makes the file readable by its owner only (0600); the dump holds
	// everything the database holds. Said again in case the platform's default differs.
	if err := errors.Join(tmp.Chmod(0o600), tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	defer os.Remove(tmp.Name())

	target, env, err := dumpTarget(db.url)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-password", "--file="+tmp.Name(), "--dbname="+target)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	// A hard link never replaces an existing file, even one created while pg_dump ran.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "备份文件已存在，请换一个路径"}
		}
		// A file system without hard links: check again and rename.
		if _, err := os.Lstat(path); err == nil {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "备份文件已存在，请换一个路径"}
		}
		return os.Rename(tmp.Name(), path)
	}
	return nil
}

// libpqParams are the connection parameters libpq (and so pg_dump) understands; pgx's own
// (pool_max_conns, statement_cache_capacity, …) and bare run-time settings, which libpq
// refuses in a URL, are left out of the URL given to pg_dump.
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "passfile": true,
	"require_auth": true, "channel_binding": true, "connect_timeout": true, "client_encoding": true,
	"options": true, "application_name": true, "fallback_application_name": true,
	"keepalives": true, "keepalives_idle": true, "keepalives_interval": true, "keepalives_count": true,
	"tcp_user_timeout": true, "sslmode": true, "requiressl": true, "sslcompression": true,
	"sslcert": true, "sslkey": true, "sslpassword": true, "sslcertmode": true, "sslrootcert": true,
	"sslcrl": true, "sslcrldir": true, "sslsni": true, "requirepeer": true,
	"ssl_min_protocol_version": true, "ssl_max_protocol_version": true, "gssencmode": true,
	"krbsrvname": true, "gsslib": true, "gssdelegation": true, "service": true,
	"target_session_attrs": true, "load_balance_hosts": true,
}

// dumpTarget is the --dbname for pg_dump and its extra environment: the URL without the
// parameters libpq does not know and without its password, which goes in PGPASSWORD so
// that it never shows in the process list.
func dumpTarget(dsn string) (string, []string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		// pgx's key=value form is libpq's too.
		return dsn, nil, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, errors.New("cannot parse the database URL")
	}
	var env []string
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	q := u.Query()
	for k := range q {
		if !libpqParams[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), env, nil
}

// querier is what the pool and a transaction both offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// pgq is a pgx pool or transaction as a sqlstore.Querier: it rebinds the shared
// statements' ? placeholders to $n and sends batches in one round trip.
type pgq struct{ q querier }

func (p pgq) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := p.q.Exec(ctx, sqlstore.Rebind(sql), args...)
	return tag.RowsAffected(), err
}

func (p pgq) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	return p.q.Query(ctx, sqlstore.Rebind(sql), args...)
}

func (p pgq) QueryRow(ctx context.Context, sql string, args ...any) sqlstore.Row {
	return p.q.QueryRow(ctx, sqlstore.Rebind(sql), args...)
}

// Batch sends stmts in one round trip.
func (p pgq) Batch(ctx context.Context, stmts []sqlstore.Stmt) error {
	b := &pgx.Batch{}
	for _, st := range stmts {
		qq := b.Queue(sqlstore.Rebind(st.Query), st.Args...)
		if scan := st.Scan; scan != nil {
			qq.QueryRow(func(row pgx.Row) error { return scan(row) })
		}
	}
	return p.q.SendBatch(ctx, b).Close()
}

// inTx runs fn in a read-committed transaction and commits it, or rolls it back when fn
// fails. Writers that must see each other's work take a lock for it (a row, or the audit
// sealer's advisory lock); everything else is one statement that needs none.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

// takeNumbers advances a prefix's counter as sqlstore.TakeNumbers does, in one statement
// that commits by itself without waiting for its WAL to reach the disk
// (synchronous_commit off, set for this transaction alone by set_config(…, true) in the
// same statement).
const takeNumbers = `WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
	INSERT INTO number_counters (prefix, n) SELECT $1, $2 FROM async
	ON CONFLICT (prefix) DO UPDATE SET n = number_counters.n + $2 RETURNING n`

// numbers hands out k numbers of a prefix before the registering transaction
// (sqlstore.Engine.Numbers) and returns the last. Every registration on every node bumps
// the same row of the day, so its lock must be held as briefly as possible: for one
// statement, not for a whole registration, and not for a disk flush either. Skipping the
// flush loses nothing that matters: a number is used only by a registration that commits
// after this, synchronously, and flushing that commit flushes all WAL before it, this
// increment included; a crash can lose only increments that no committed complaint uses,
// and the counter then hands them out again.
func (db *DB) numbers(ctx context.Context, prefix string, k int) (last int64, err error) {
	defer wrap(&err, "postgres.numbers(%q, %d)", prefix, k)
	err = db.pool.QueryRow(ctx, takeNumbers, prefix, k).Scan(&last)
	return last, err
}

// search runs a list query that has a search term. Without one it runs on the pool, where
// pgx's prepared statements may settle on a generic plan: the filters' plans barely
// depend on their values. With one, the best plan does: a rare phrase wants the text
// index, a common one the received_at order — and a cached generic plan was once 45 times
// slower on the rare phrase. So the query runs in a read-only transaction that sets
// plan_cache_mode = force_custom_plan for itself alone (SET LOCAL ends with the
// transaction, so the pooled connection goes back unchanged), at the price of two short
// round trips.
func (db *DB) search(ctx context.Context, fn func(q sqlstore.Querier) error) error {
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return err
		}
		return fn(pgq{tx})
	})
}

// storable reports whether PostgreSQL can hold s as text: valid UTF-8 without NUL.
// SQLite keeps any bytes; a key that PostgreSQL could not even compare cannot be
// stored here, so a lookup by it finds nothing instead of failing — the answer SQLite
// gives for a key nobody stored.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// SQLSTATE codes the store turns into kinds.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeCharacterNotInRepert = "22021" // e.g. a NUL byte in text
	codeUntranslatable       = "22P05" // e.g. \u0000 in jsonb
)

// pgCode is the SQLSTATE of err, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// refused turns text that PostgreSQL refuses into an invalid-input error: hostile input
// is never an internal error.
func refused(err error) error {
	switch pgCode(err) {
	case codeCharacterNotInRepert, codeUntranslatable:
		return &tousu.Error{Kind: tousu.KindInvalid, Message: "内容含有无法保存的字符（如空字符），请修改后重试", Err: err}
	}
	return err
}

// wrap is tousu.Wrap after refused.
func wrap(errp *error, format string, args ...any) {
	if *errp == nil {
		return
	}
	*errp = refused(*errp)
	tousu.Wrap(errp, format, args...)
}

// millis is t as stored: UTC Unix milliseconds, as in sqlstore.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis is a stored instant, in UTC.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
