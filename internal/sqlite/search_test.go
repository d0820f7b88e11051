package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"tousu"
	"tousu/internal/storetest"
)

// TestSearchBackfill: complaints registered before the full-text index existed (the
// index emptied, the migration's setting left) are found once the store migrates.
func TestSearchBackfill(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i := range 1200 { // more than one batch
		c := storetest.Complaint(fmt.Sprintf("c%04d", i))
		c.Number = fmt.Sprintf("TS20261127-%04d", i+1)
		if err := db.CreateComplaint(t.Context(), &tousu.Change{Complaint: c}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`DELETE FROM complaint_fts`, `DELETE FROM complaint_search`,
		`INSERT INTO settings (key, value) VALUES ('search.backfill', 'pending')`} {
		if _, err := db.write.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int {
		n, err := db.CountComplaints(t.Context(), tousu.ComplaintFilter{Query: "离岗"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("before the backfill: %d hits, want 0", n)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1200 {
		t.Errorf("after the backfill: %d hits, want 1200", n)
	}
	if _, err := db.GetSetting(t.Context(), "search.backfill"); !tousu.IsKind(err, tousu.KindNotFound) {
		t.Errorf("search.backfill after the backfill: %v, want not found", err)
	}
}
