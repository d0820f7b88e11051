package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
)

// Main is the program with its environment injected, shared by main() and the tests.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Now, when set, replaces the clock (tests).
	Now func() time.Time
	// Ready, when set, receives the listening address once serve accepts connections.
	Ready chan<- string
	// Spawn, when set, makes the command that runs tousu with args in a process of its
	// own (tousu bench starts its server and baseline so); default: this executable.
	Spawn func(args []string) *exec.Cmd
	// KeyPoll is how often a running command looks at the key file for a rotated ring;
	// zero means every 5 seconds.
	KeyPoll time.Duration
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

const usage = `tousu — 窗口投诉受理及行风督查系统

Usage:
  tousu serve     [flags]   run the API, portal, staff desk and background jobs
  tousu migrate   [flags]   bring the database schema up to date
  tousu demo      [flags]   load the demo organisation and complaints (idempotent)
  tousu user add  --login L --name N --role R[,R] [--unit CODE] [--staff BADGE] [--password-stdin]
  tousu user passwd --login L [--password-stdin]   sets (or generates and prints) a new password
  tousu token create --login L [--expires 90d]
  tousu token list   [--login L]   the API tokens: ID, account, created, expiry (never the token)
  tousu token revoke ID            revoke one token at once
  tousu calendar  list | set DATE --workday|--rest --name NAME | delete DATE
                  | import FILE [--year YYYY] [--yes]   (a State Council notice, text or JSON)
  tousu backup    PATH      write a consistent copy of the database while serving
  tousu keys generate PATH  write a new key ring for identities (mode 0600), e.g. for PostgreSQL nodes
  tousu keys rotate [--batch N] [--no-reseal] [--new]
                            add a new current key and re-seal every identity under it, while serving
  tousu audit verify        check the audit log's hash chain
  tousu archive export --from DATE --to DATE DIR
                            write the transfer package of the archived cases received in a period
  tousu archive verify DIR  check a transfer package against its manifest (non-zero exit if altered)
  tousu import FILE.csv|FILE.xlsx [--dry-run]
                            import past complaints (docs/import.md); --dry-run reports, imports nothing
  tousu archive disposals   list the cases that may be disposed of and the disposal register (销毁清册);
                            proposing and approving are done signed in, on the desk or the API
  tousu bench [--size 100k|1m] [--clients 1,8,32] [--nodes N] [--out docs/PERFORMANCE.md]
                            generate data up to the size, start the server and a baseline as
                            processes of their own, drive them over HTTP, report
  tousu bench generate --size 100k|1m [--seed N]
                            add generated complaints (every status, two years) through the bulk path
  tousu stats --period 2026-11 | --from DATE --to DATE [--unit CODE] [--group-by G]
                            the figures of a period as a table (docs/STATISTICS.md)
  tousu stats rebuild       recount the statistics' rollups from the complaints
  tousu evaluations stats [--from DATE] [--to DATE] [--group-by window|staff]
                            the 好差评 figures: counts by level, 好评率, 差评率, 差评整改率, 回访率
  tousu evaluations cards --public-url URL DIR
                            every window's A4 table card with its rating QR code, as DIR/CODE.pdf
  tousu assessment [--month YYYY-MM]
                            print a month's assessment (windows and staff, best first) as CSV

Each command takes -h for its flags. Flags fall back to environment variables
(TOUSU_DB, TOUSU_ADDR, TOUSU_KEYS, TOUSU_TZ). serve's notification channels come from
the environment only: TOUSU_SMTP_URL, TOUSU_MAIL_FROM, TOUSU_SMS_WEBHOOK_URL,
TOUSU_WEBHOOK_URL, TOUSU_WEBHOOK_SECRET (see the README).
`

// Run runs one command line.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return m.serve(ctx, rest)
	case "migrate":
		return m.migrate(ctx, rest)
	case "demo":
		return m.demo(ctx, rest)
	case "user":
		if len(rest) > 0 && rest[0] == "add" {
			return m.userAdd(ctx, rest[1:])
		}
		if len(rest) > 0 && rest[0] == "passwd" {
			return m.userPasswd(ctx, rest[1:])
		}
		return usageError{"usage: tousu user add --login L --name N --role R[,R] | tousu user passwd --login L [--password-stdin]"}
	case "token":
		if len(rest) > 0 {
			switch rest[0] {
			case "create":
				return m.tokenCreate(ctx, rest[1:])
			case "list":
				return m.tokenList(ctx, rest[1:])
			case "revoke":
				return m.tokenRevoke(ctx, rest[1:])
			}
		}
		return usageError{"usage: tousu token create --login L [--expires 90d] | list [--login L] | revoke ID"}
	case "calendar":
		return m.calendar(ctx, rest)
	case "backup":
		return m.backup(ctx, rest)
	case "keys":
		return m.keysCommand(ctx, rest)
	case "audit":
		if len(rest) > 0 && rest[0] == "verify" {
			return m.auditVerify(ctx, rest[1:])
		}
		return usageError{"usage: tousu audit verify"}
	case "archive":
		return m.archiveCommand(ctx, rest)
	case "import":
		return m.importCommand(ctx, rest)
	case "bench":
		return m.benchCommand(ctx, rest)
	case "stats":
		return m.statsCommand(ctx, rest)
	case "evaluations":
		return m.evaluationsCommand(ctx, rest)
	case "assessment":
		return m.assessment(ctx, rest)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	fmt.Fprint(m.Stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// config is what every command needs to reach the database.
type config struct {
	db       string
	keysFile string
	tz       string
	evidence app.EvidenceLimits // serve's budgets for evidence; zero: the defaults
}

// envInt is env for a whole number; a value that is not one falls back to def.
func (m *Main) envInt(name string, def int64) int64 {
	if v := m.Getenv(name); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return def
}

func (m *Main) env(name, def string) string {
	if v := m.Getenv(name); v != "" {
		return v
	}
	return def
}

// flags returns a flag set with the common flags bound to cfg.
func (m *Main) flags(name string, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("tousu "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.StringVar(&cfg.db, "db", m.env("TOUSU_DB", "sqlite:data/tousu.db"), "database: sqlite:PATH or a postgres:// URL (TOUSU_DB)")
	fs.StringVar(&cfg.keysFile, "keys-file", "", "key ring file for identities; default: tousu.keys beside the SQLite database (used when TOUSU_KEYS is unset)")
	fs.StringVar(&cfg.tz, "tz", m.env("TOUSU_TZ", "Asia/Shanghai"), "the deployment's time zone for dates and deadlines (TOUSU_TZ)")
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// env is an opened database with the use cases over it.
type env struct {
	store tousu.Store
	app   *app.App
	log   *slog.Logger
	keys  keyOrigin
	// stopWatch stops watching the key file.
	stopWatch context.CancelFunc
}

func (e *env) Close() error {
	if e.stopWatch != nil {
		e.stopWatch()
	}
	return e.store.Close()
}

// keyOrigin is where the key ring came from: TOUSU_KEYS, or a file.
type keyOrigin struct {
	env  bool   // TOUSU_KEYS: the process cannot see it change
	path string // the key file, when not env
}

// open opens and migrates the database, loads the key ring and builds the use cases.
func (m *Main) open(ctx context.Context, cfg config) (*env, error) {
	return m.openWith(ctx, cfg, nil)
}

// startLocker is a store that can keep other processes from starting on the same database
// while this one migrates it and creates what a fresh database needs (see StartLock in
// internal/postgres and internal/sqlite).
type startLocker interface {
	StartLock(ctx context.Context) (release func(), err error)
}

// openWith is open, running first too, if not nil, before other processes may start on
// the database: what first creates once (the first admin, the demo) is then created by
// one of several nodes started together, and the others find it.
func (m *Main) openWith(ctx context.Context, cfg config, first func(*env) error) (*env, error) {
	log := slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	loc, err := time.LoadLocation(cfg.tz)
	if err != nil {
		return nil, usageError{fmt.Sprintf("unknown time zone %q (TOUSU_TZ)", cfg.tz)}
	}
	store, dataDir, err := openStore(ctx, cfg.db)
	if err != nil {
		return nil, err
	}
	if l, ok := store.(startLocker); ok {
		release, err := l.StartLock(ctx)
		if err != nil {
			store.Close()
			return nil, err
		}
		defer release()
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	keys, origin, err := m.keyRing(cfg, dataDir, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	opts := app.Options{Store: store, Keys: keys, Now: m.Now, Location: loc, Logger: log, Evidence: cfg.evidence}
	if !origin.env {
		// A rotation elsewhere (tousu keys rotate, or the file copied from the node that
		// rotated) adds a key to the file: read it again when a sealed value names a key
		// this process has not loaded.
		opts.ReloadKeys = func() (*pii.KeyRing, error) { return pii.ReadKeyFile(origin.path) }
	}
	a, err := app.New(opts)
	if err != nil {
		store.Close()
		return nil, err
	}
	if err := a.EnsureBase(ctx); err != nil {
		store.Close()
		return nil, err
	}
	e := &env{store: store, app: a, log: log, keys: origin}
	if first != nil {
		if err := first(e); err != nil {
			store.Close()
			return nil, err
		}
	}
	if !origin.env {
		watch, stop := context.WithCancel(ctx)
		e.stopWatch = stop
		every := m.KeyPoll
		if every <= 0 {
			every = 5 * time.Second
		}
		go watchKeyFile(watch, origin.path, every, a, log)
	}
	return e, nil
}

// openStore opens the database a DSN names; dataDir is where a key file may live.
func openStore(ctx context.Context, dsn string) (tousu.Store, string, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, "", usageError{"--db sqlite: needs a path, e.g. sqlite:data/tousu.db"}
		}
		dir := filepath.Dir(path)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, "", err
		}
		// The database holds sealed identities and the audit log: readable by the
		// service's user only. SQLite gives its -wal and -shm files the same mode.
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
		if err != nil {
			return nil, "", err
		}
		f.Close()
		db, err := sqlite.Open(ctx, path)
		return db, dir, err
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		// No data directory: every node must read the same key ring, from TOUSU_KEYS or
		// --keys-file, never one generated beside a database that nodes share.
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, "", err
		}
		return db, "", nil
	}
	return nil, "", usageError{"--db must be sqlite:PATH or a postgres:// URL"}
}

// keyRing loads the identity keys: TOUSU_KEYS if set, else the key file, created with
// mode 0600 on first start. Keys never live in the database.
func (m *Main) keyRing(cfg config, dataDir string, log *slog.Logger) (*pii.KeyRing, keyOrigin, error) {
	if text := m.Getenv("TOUSU_KEYS"); text != "" {
		k, err := pii.ParseKeyRing(text)
		return k, keyOrigin{env: true}, err
	}
	path := cfg.keysFile
	if path == "" {
		if dataDir == "" {
			return nil, keyOrigin{}, usageError{"set TOUSU_KEYS or --keys-file: identities are encrypted with a key ring"}
		}
		path = filepath.Join(dataDir, "tousu.keys")
	}
	if dataDir == "" {
		// A shared database: every node must read the same ring, so none may invent one.
		if _, err := os.Stat(path); err != nil {
			return nil, keyOrigin{}, usageError{fmt.Sprintf("key file %s: %v; on PostgreSQL every node needs the same key ring: make one with 'tousu keys generate PATH' and give it to every node, or pass TOUSU_KEYS", path, err)}
		}
	}
	keys, created, err := pii.LoadOrCreateKeyFile(path, rand.Reader)
	if err != nil {
		return nil, keyOrigin{}, err
	}
	if created {
		log.Warn("generated a new key ring for identities; back it up with the database: without it no identity can be read", "file", path)
	}
	return keys, keyOrigin{path: path}, nil
}
