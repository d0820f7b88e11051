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
		{"write", "analysis_limit", "400"},
		{"write", "busy_timeout", "10000"},
		{"read", "journal_mode", "wal"},
		{"read", "foreign_keys", "1"},
		{"read", "busy_timeout", "10000"},
		{"read", "query_only", "1"},
		{"read", "mmap_size", "268435456"},
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
		// The category is checked complaint by complaint while the list is read newest
		// first, not read whole and sorted.
		{"category", tousu.ComplaintFilter{Category: "fees"}, "complaints_received"},
		{"assisted by (协办)", tousu.ComplaintFilter{AssistedBy: []string{"dept-1"}}, "complaint_units_unit"},
		{"a handler's cases with those assisted", tousu.ComplaintFilter{AssignedUnits: []string{"dept-1", "win-1"},
			HandlerOrNone: "h1", AssistingUnits: []string{"dept-1", "win-1"}}, "complaint_units_unit"},
		{"phone index", tousu.ComplaintFilter{PhoneIndex: "p1"}, "complaints_phone_index"},
		{"ID number index", tousu.ComplaintFilter{IDNumberIndex: "i1"}, "complaints_id_number_index"},
	}
	for _, tt := range tests {
		w := db.ComplaintWhere(tt.filter)
		order := " ORDER BY received_at DESC, id DESC"
		if tt.filter.Order == tousu.OrderDue {
			order = " ORDER BY due_date, received_at, id"
		}
		rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN SELECT id FROM complaints"+w.String()+order+" LIMIT 50", w.Args()...)
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

// TestMessagePlans checks that claiming and the desk use the indexes meant for them.
func TestMessagePlans(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		query string
		args  []any
		index string
	}{
		{"claim", `SELECT id FROM messages WHERE status = ? AND next_attempt <= ? ORDER BY next_attempt, id LIMIT 10`,
			[]any{"pending", 0}, "messages_due"},
		{"unread desk", `SELECT id FROM messages WHERE channel = ? AND to_login = ? AND read_at IS NULL ORDER BY id DESC LIMIT 50`,
			[]any{"desk", "h1"}, "messages_desk"},
		{"attachments", `SELECT a.id FROM attachments a WHERE a.complaint_id = ? ORDER BY a.id`, []any{"c"}, "attachments_complaint"},
		{"expired sessions", `DELETE FROM sessions WHERE expiry < ?`, []any{0}, "sessions_expiry"},
	}
	for _, tt := range tests {
		rows, err := db.write.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+tt.query, tt.args...)
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

// TestMigrateDown checks that every migration's Down undoes its Up: down to nothing and up
// again, and the database works.
func TestMigrateDown(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := db.migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("DownTo(1) = %v", err)
	}
	var columns int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('users') WHERE name IN ('failed_logins', 'locked_until')`).Scan(&columns); err != nil || columns != 0 {
		t.Errorf("after DownTo(1): users has %d lockout columns, %v, want none", columns, err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("DownTo(0) = %v", err)
	}
	var tables int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("after DownTo(0): %d tables, %v, want none", tables, err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate after going down = %v", err)
	}
	if err := db.PutSetting(ctx, "k", "v"); err != nil {
		t.Errorf("PutSetting after migrating up again = %v", err)
	}
}

// TestAuditPlans checks that the audit view's filters read their indexes, not the log.
func TestAuditPlans(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		column, index string
	}{{"actor", "audit_actor"}, {"object", "audit_object"}, {"action", "audit_action"}} {
		rows, err := db.read.QueryContext(t.Context(), `EXPLAIN QUERY PLAN SELECT id FROM audit WHERE `+tt.column+
			` = ? AND id < ? ORDER BY id DESC LIMIT 50`, "x", 100)
		if err != nil {
			t.Fatal(err)
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
		if p := strings.Join(plan, "; "); !strings.Contains(p, tt.index) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("audit by %s: plan %q, want %s without sorting", tt.column, p, tt.index)
		}
	}
}
