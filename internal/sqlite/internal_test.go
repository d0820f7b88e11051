package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"tousu"
)

func TestPragmas(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "synchronous", "2"}, // FULL
		{"write", "foreign_keys", "1"},
		{"write", "busy_timeout", "10000"},
		{"read", "journal_mode", "wal"},
		{"read", "foreign_keys", "1"},
		{"read", "busy_timeout", "10000"},
		{"read", "query_only", "1"},
	}
	for _, tt := range tests {
		pool := db.write
		if tt.pool == "read" {
			pool = db.read
		}
		var got string
		if err := pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Errorf("%s pool: PRAGMA %s = %v", tt.pool, tt.pragma, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s pool: PRAGMA %s = %q, want %q", tt.pool, tt.pragma, got, tt.want)
		}
	}
}

// TestQueryPlans checks that the list queries use the indexes meant for them.
func TestQueryPlans(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter tousu.ComplaintFilter
		index  string
	}{
		{"due window", tousu.ComplaintFilter{DueTo: tousu.MustDate("2026-12-01"), Order: tousu.OrderDue}, "complaints_due"},
		{"newest", tousu.ComplaintFilter{}, "complaints_received"},
		{"status", tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusAccepted}}, "complaints_status"},
		{"category", tousu.ComplaintFilter{Category: "fees"}, "complaint_categories_category"},
	}
	for _, tt := range tests {
		w := complaintWhere(tt.filter)
		order := " ORDER BY received_at DESC, id DESC"
		if tt.filter.Order == tousu.OrderDue {
			order = " ORDER BY due_date, received_at, id"
		}
		rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN SELECT id FROM complaints"+w.String()+order+" LIMIT 50", w.args...)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, tt.index) {
			t.Errorf("%s: plan %q does not use %s", tt.name, p, tt.index)
		}
	}
}
