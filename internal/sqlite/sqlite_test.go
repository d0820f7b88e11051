package sqlite_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"tousu"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// open returns a fresh, migrated database in a temporary file.
func open(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate = %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tousu.Store { return open(t) })
}

func TestBackup(t *testing.T) {
	db := open(t)
	ctx := t.Context()
	var numbers []string
	for _, id := range []string{"id-1", "id-2", "id-3"} {
		c := storetest.Complaint(id)
		if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"}); err != nil {
			t.Fatalf("CreateComplaint = %v", err)
		}
		numbers = append(numbers, c.Number)
	}
	if err := db.AppendAudit(ctx, []tousu.AuditRecord{{At: time.Now(), Actor: "admin", Action: "backup"}}); err != nil {
		t.Fatalf("AppendAudit = %v", err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatalf("Backup = %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup's mode: %v %v, want 0600 like the database", fi.Mode(), err)
	}
	if err := db.Backup(ctx, path); !tousu.IsKind(err, tousu.KindConflict) {
		t.Errorf("Backup to an existing file = %v, want kind conflict", err)
	}

	copied, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(backup) = %v", err)
	}
	defer copied.Close()
	if err := copied.Migrate(ctx); err != nil {
		t.Fatalf("Migrate(backup) = %v", err)
	}
	for _, n := range numbers {
		c, err := copied.FindComplaint(ctx, n)
		if err != nil {
			t.Errorf("backup: FindComplaint(%q) = %v", n, err)
			continue
		}
		if c.Matter != "窗口工作人员离岗" || string(c.Identity.Fields["name"]) != "\x01\x02\x03" {
			t.Errorf("backup: FindComplaint(%q) = %+v, want the original", n, c)
		}
	}
	recs, err := copied.ListAudit(ctx, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].Hash != tousu.ChainHash("", recs[0]) {
		t.Errorf("backup: ListAudit = %+v, %v, want the one chained record", recs, err)
	}
	// The copy is a database of its own: writing to it leaves the original alone.
	if err := copied.CreateComplaint(ctx, &tousu.Change{Complaint: storetest.Complaint("id-4"), NumberPrefix: "TS20261127"}); err != nil {
		t.Fatalf("backup: CreateComplaint = %v", err)
	}
	if n, err := db.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != 3 {
		t.Errorf("original after writing to the backup: CountComplaints = %d, %v, want 3", n, err)
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tousu.db")
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := storetest.Complaint("id-1")
	if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: c, NumberPrefix: "TS20261127"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindComplaint(ctx, c.Number); err != nil {
		t.Errorf("FindComplaint after reopening = %v", err)
	}
	next := storetest.Complaint("id-2")
	if err := db.CreateComplaint(ctx, &tousu.Change{Complaint: next, NumberPrefix: "TS20261127"}); err != nil {
		t.Fatal(err)
	}
	if next.Number != "TS20261127-0002" {
		t.Errorf("Number after reopening = %q, want TS20261127-0002", next.Number)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, path := range []string{"", ":memory:", "file:x.db", "x.db?_pragma=foo"} {
		if db, err := sqlite.Open(t.Context(), path); err == nil {
			db.Close()
			t.Errorf("Open(%q) = nil error, want one", path)
		}
	}
}
