package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"tousu"
	"tousu/internal/storetest"
)

// TestOptimizeOnMigrate: a database filled without statistics has them once migrated
// (which every start does), so the planner no longer guesses.
func TestOptimizeOnMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tousu.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		c := storetest.Complaint(fmt.Sprintf("c%03d", i))
		c.Number = fmt.Sprintf("TS20261127-%04d", i+1)
		if err := db.CreateComplaint(t.Context(), &tousu.Change{Complaint: c}); err != nil {
			t.Fatal(err)
		}
	}
	// Drop whatever the writer gathered meanwhile, as on a database that never had any.
	if _, err := db.write.ExecContext(t.Context(), `DELETE FROM sqlite_stat1`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.read.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'complaints'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("no statistics for complaints after Migrate: PRAGMA optimize did not analyse it")
	}
}

func TestOptimizerDue(t *testing.T) {
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	o := optimizer{last: start}
	if o.due(10, start.Add(time.Minute)) {
		t.Error("due after 10 writes and a minute")
	}
	if !o.due(1, start.Add(optimizeEvery)) {
		t.Error("not due after optimizeEvery")
	}
	o.ran(start)
	if !o.due(optimizeAfterWrites, start.Add(time.Second)) {
		t.Error("not due after optimizeAfterWrites writes")
	}
}
