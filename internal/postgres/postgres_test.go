package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
	"tousu/internal/postgres"
	"tousu/internal/storetest"
)

// openURL opens the database at url, closes it when the test ends and, if migrate,
// migrates it.
func openURL(t *testing.T, url string, migrate bool) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	if migrate {
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate = %v", err)
		}
	}
	return db
}

// open returns a fresh, migrated store on a throwaway database.
func open(t *testing.T) *postgres.DB {
	t.Helper()
	return openURL(t, storetest.NewPostgresDatabase(t), true)
}

func TestStore(t *testing.T) {
	storetest.SkipWithoutPostgres(t)
	storetest.Run(t, func(t *testing.T) tousu.Store { return open(t) })
}

func newComplaint(id string) *tousu.Complaint {
	at := time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)
	return &tousu.Complaint{
		ID: id, Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit, Status: tousu.StatusRegistered,
		Categories: []string{"attitude"}, Matter: "窗口工作人员离岗", ReceivedAt: at, CreatedAt: at, UpdatedAt: at,
		Identity: tousu.SealedIdentity{Fields: map[string][]byte{"name": {1, 2, 3}}},
	}
}

func TestBackup(t *testing.T) {
	if _, err := exec.LookPath("pg_restore"); err != nil {
		t.Skip("SKIPPED: pg_restore is not installed")
	}
	db := open(t)
	ctx := t.Context()
	var numbers []string
	for _, id := range []string{"id-1", "id-2", "id-3"} {
		c := newComplaint(id)
		if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"}); err != nil {
			t.Fatalf("CreateComplaint = %v", err)
		}
		numbers = append(numbers, c.Number)
	}
	if err := db.AppendAudit(ctx, []tousu.AuditRecord{{At: time.Now(), Actor: "admin", Action: "backup"}}); err != nil {
		t.Fatalf("AppendAudit = %v", err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "tousu.dump")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatalf("Backup = %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup's mode: %v %v, want 0600", fi.Mode(), err)
	}
	if err := db.Backup(ctx, path); !tousu.IsKind(err, tousu.KindConflict) {
		t.Errorf("Backup to an existing file = %v, want kind conflict", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("backup directory holds %d entries, want the dump alone", len(entries))
	}

	// Restore into another database, as docs/DEPLOY.md says.
	target := storetest.NewPostgresDatabase(t)
	out, err := exec.CommandContext(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--dbname="+target, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore = %v: %s", err, out)
	}
	copied := openURL(t, target, true) // migrating a restored database finds nothing to do
	for _, n := range numbers {
		c, err := copied.FindComplaint(ctx, n)
		if err != nil {
			t.Errorf("restored: FindComplaint(%q) = %v", n, err)
			continue
		}
		if c.Matter != "窗口工作人员离岗" || string(c.Identity.Fields["name"]) != "\x01\x02\x03" {
			t.Errorf("restored: FindComplaint(%q) = %+v, want the original", n, c)
		}
	}
	recs, err := copied.ListAudit(ctx, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].Hash != tousu.ChainHash("", recs[0]) {
		t.Errorf("restored: ListAudit = %+v, %v, want the one chained record", recs, err)
	}
	// The counters came along: the next number follows the last one backed up.
	next := newComplaint("id-4")
	if err := copied.CreateComplaint(ctx, &tousu.Change{Complaint: next, NumberPrefix: "TS20261127"}); err != nil {
		t.Fatalf("restored: CreateComplaint = %v", err)
	}
	if next.Number != "TS20261127-0004" {
		t.Errorf("restored: next Number = %q, want TS20261127-0004", next.Number)
	}
	if n, err := db.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != 3 {
		t.Errorf("original after writing to the restored copy: CountComplaints = %d, %v, want 3", n, err)
	}
}

func TestBackupFailureLeavesNothing(t *testing.T) {
	db := open(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "missing-dir", "tousu.dump")
	if err := db.Backup(t.Context(), path); err == nil {
		t.Errorf("Backup into a missing directory = nil error, want one")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed backup left %d entries behind", len(entries))
	}
}

// TestMigrateTogether starts several nodes on one fresh database at once: goose's session
// lock lets one migrate while the others wait, and all of them succeed.
func TestMigrateTogether(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	const nodes = 4
	dbs := make([]*postgres.DB, nodes)
	for i := range dbs {
		dbs[i] = openURL(t, url, false)
	}
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	for i, db := range dbs {
		wg.Go(func() { errs[i] = db.Migrate(t.Context()) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: Migrate = %v", i, err)
		}
	}
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var applied int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FROM goose_db_version WHERE version_id = 1`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if applied != 1 {
		t.Errorf("migration 1 recorded %d times, want once", applied)
	}
	// Every node works on the schema.
	for i, db := range dbs {
		c := newComplaint("node-" + string(rune('a'+i)))
		if err := db.CreateComplaint(t.Context(), &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"}); err != nil {
			t.Errorf("node %d: CreateComplaint = %v", i, err)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	db := open(t)
	if err := db.Migrate(t.Context()); err != nil {
		t.Errorf("second Migrate = %v", err)
	}
}

// TestSameVersionsAsSQLite keeps the two dialects' migrations numbered alike.
func TestSameVersionsAsSQLite(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if v, _, ok := strings.Cut(e.Name(), "_"); ok && strings.HasSuffix(e.Name(), ".sql") {
				out = append(out, v)
			}
		}
		return out
	}
	pg, lite := names("migrations"), names("../sqlite/migrations")
	if strings.Join(pg, ",") != strings.Join(lite, ",") {
		t.Errorf("migration versions: postgres %v, sqlite %v, want the same", pg, lite)
	}
}

func TestDuplicateID(t *testing.T) {
	db := open(t)
	ctx := t.Context()
	if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: newComplaint("same"), NumberPrefix: "TS20261127"}); err != nil {
		t.Fatal(err)
	}
	err := db.CreateComplaint(ctx, &tousu.Change{Complaint: newComplaint("same"), NumberPrefix: "TS20261127"})
	if !tousu.IsKind(err, tousu.KindConflict) {
		t.Errorf("CreateComplaint with a used ID = %v, want kind conflict", err)
	}
	// The refused registration gave its number back.
	c := newComplaint("other")
	if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"}); err != nil {
		t.Fatal(err)
	}
	if c.Number != "TS20261127-0002" {
		t.Errorf("Number after a refused registration = %q, want TS20261127-0002", c.Number)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, url := range []string{"postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=1", "postgres://nobody:secret@x/y?pool_max_conns=zero"} {
		db, err := postgres.Open(t.Context(), url)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) = nil error, want one", url)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v: the error shows the password", url, err)
		}
	}
}

func TestErrorsNameTheMethod(t *testing.T) {
	db := open(t)
	_, err := db.FindComplaint(t.Context(), "TS20261127-0042")
	if !tousu.IsKind(err, tousu.KindNotFound) || !strings.HasPrefix(err.Error(), `postgres.FindComplaint("TS20261127-0042"): `) ||
		tousu.PublicMessage(err) != "未找到该投诉件" {
		t.Errorf("FindComplaint(missing) = %v, want a not-found error named after the method, saying 未找到该投诉件", err)
	}
}

// TestUnstorableText: PostgreSQL text holds neither NUL nor invalid UTF-8, which SQLite
// keeps. Lookups and filters by such values find nothing (storetest's HostileValues);
// storing one is invalid input, never an internal error.
func TestUnstorableText(t *testing.T) {
	db := open(t)
	for _, bad := range []string{"离岗\x00", "\xff\xfe"} {
		c := newComplaint("id-1")
		c.Matter = bad
		err := db.CreateComplaint(t.Context(), &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"})
		if !tousu.IsKind(err, tousu.KindInvalid) || !strings.HasPrefix(err.Error(), "postgres.CreateComplaint: ") {
			t.Errorf("CreateComplaint with the matter %q = %v, want kind invalid, named after the method", bad, err)
		}
	}

	// The writers of the desk and the outbox, and what a change carries with it.
	ctx := t.Context()
	c := newComplaint("id-2")
	if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: c, NumberPrefix: "TS20261127",
		Outbox: []tousu.Message{{Channel: tousu.MessageEmail, CreatedAt: c.CreatedAt}}}); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.ListMessages(ctx, tousu.MessageFilter{})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("ListMessages = %d, %v, want 1", len(msgs), err)
	}
	for _, bad := range []string{"离岗\x00", "\xff\xfe"} {
		data := []byte(bad)
		sum := sha256.Sum256(data)
		attachment := tousu.Attachment{SHA256: hex.EncodeToString(sum[:]), Name: bad, Size: int64(len(data)), Data: data, CreatedAt: c.CreatedAt}
		failed := msgs[0]
		failed.LastError = bad
		tests := []struct {
			op  string
			err error
		}{
			{"postgres.PutSetting(", db.PutSetting(ctx, "portal.notice", bad)},
			{"postgres.PutSession", db.PutSession(ctx, bad, []byte("data"), c.CreatedAt)},
			{"postgres.UpdateMessage(", db.UpdateMessage(ctx, &failed)},
			{"postgres.TryLease(", func() error { _, err := db.TryLease(ctx, bad, "node-a", c.CreatedAt, c.CreatedAt); return err }()},
			{"postgres.UpdateIdentity(", db.UpdateIdentity(ctx, c.ID, tousu.SealedIdentity{PhoneIndex: bad})},
			{"postgres.UpdateComplaint(", db.UpdateComplaint(ctx, &tousu.Change{Complaint: c, Attachments: []tousu.Attachment{attachment}})},
			{"postgres.UpdateComplaint(", db.UpdateComplaint(ctx, &tousu.Change{Complaint: c,
				Outbox: []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "h1", Subject: bad, CreatedAt: c.CreatedAt}}})},
		}
		for _, tt := range tests {
			if !tousu.IsKind(tt.err, tousu.KindInvalid) || !strings.HasPrefix(tt.err.Error(), tt.op) {
				t.Errorf("%s…) with %q = %v, want kind invalid, named after the method", tt.op, bad, tt.err)
			}
		}
	}
	// The refused changes left the complaint as it was.
	if got, err := db.FindComplaint(ctx, c.Number); err != nil || got.Version != 1 {
		t.Errorf("FindComplaint after refused changes = %+v, %v, want version 1", got, err)
	}
	if as, err := db.ListAttachments(ctx, c.ID); err != nil || len(as) != 0 {
		t.Errorf("ListAttachments after refused changes = %d, %v, want none", len(as), err)
	}
}

// TestPoolSize: a node opens DefaultMaxConns connections at most, unless the URL says.
func TestPoolSize(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	tests := []struct {
		url  string
		want int32
	}{
		{url, postgres.DefaultMaxConns},
		{postgres.WithParam(url, "pool_max_conns=3"), 3},
	}
	for _, tt := range tests {
		db := openURL(t, tt.url, false)
		if got := postgres.PoolStats(db).MaxConns(); got != tt.want {
			t.Errorf("Open(%s): MaxConns = %d, want %d", tt.url, got, tt.want)
		}
	}
}

// TestClaimSkipsLocked: a claim skips the messages another node's claim holds locked
// instead of waiting for them, and takes them once that node lets them go still due.
func TestClaimSkipsLocked(t *testing.T) {
	db := open(t)
	ctx := t.Context()
	c := newComplaint("id-1")
	ch := &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"}
	for _, s := range []string{"m1", "m2", "m3"} {
		ch.Outbox = append(ch.Outbox, tousu.Message{Channel: tousu.MessageEmail, Subject: s, CreatedAt: c.CreatedAt})
	}
	if err := db.CreateComplaint(ctx, ch); err != nil {
		t.Fatal(err)
	}
	now := c.CreatedAt.Add(time.Minute)

	// Another node, mid-claim, holds m1.
	other, err := pgx.Connect(ctx, postgres.URL(db))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(context.Background())
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT id FROM messages WHERE id = $1 FOR UPDATE`, ch.Outbox[0].ID); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := db.ClaimMessages(wait, now, time.Hour, 10)
	if err != nil || len(got) != 2 || got[0].ID != ch.Outbox[1].ID || got[1].ID != ch.Outbox[2].ID {
		t.Fatalf("ClaimMessages while m1 is locked = %+v, %v, want m2 and m3 at once", got, err)
	}
	// The other node let m1 go without claiming it: it is due, and the next claim takes it.
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	got, err = db.ClaimMessages(ctx, now, time.Hour, 10)
	if err != nil || len(got) != 1 || got[0].ID != ch.Outbox[0].ID {
		t.Errorf("ClaimMessages after m1 is unlocked = %+v, %v, want m1", got, err)
	}
}

// TestAuditWritersTakeNoLock: a registration commits while a sealer holds the sealing lock
// (writers only queue their audit records), and its record joins the chain once the
// sealer lets go.
func TestAuditWritersTakeNoLock(t *testing.T) {
	storetest.SkipWithoutPostgres(t)
	url := storetest.NewPostgresDatabase(t)
	db := openURL(t, url, true)
	ctx := t.Context()
	sealer, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer sealer.Close(context.Background())
	tx, err := sealer.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(0x746f757375617564)); err != nil {
		t.Fatal(err)
	}
	c := newComplaint("lockfree")
	ch := &tousu.Change{Complaint: c, NumberPrefix: "TS20261127",
		Audit: []tousu.AuditRecord{{At: c.CreatedAt, Actor: "clerk1", Action: "register"}}}
	done := make(chan error, 1)
	go func() { done <- db.CreateComplaint(ctx, ch) }()
	// The complaint is committed and readable while the sealing lock is held.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := db.FindComplaint(ctx, "TS20261127-0001"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the registration did not commit while a sealer held its lock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("CreateComplaint = %v", err)
	}
	if ch.Audit[0].ID != 1 || ch.Audit[0].Hash == "" || ch.Audit[0].Object != "TS20261127-0001" {
		t.Errorf("audit record after sealing = %+v, want ID 1, a hash, the new number", ch.Audit[0])
	}
}
