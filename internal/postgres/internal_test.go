package postgres

import (
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tousu"
	"tousu/internal/storetest"
)

// WithParam exposes withParam to the external tests.
var WithParam = withParam

// PoolStats exposes the pool's statistics to the external tests.
func PoolStats(db *DB) *pgxpool.Stat { return db.pool.Stat() }

// TestSearchPlanCacheMode: queries with a search term plan for their term; the setting
// ends with their transaction, so the pooled connection goes back as it was.
func TestSearchPlanCacheMode(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	db, err := Open(t.Context(), withParam(url, "pool_max_conns=1"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mode := func(query string) string {
		var m string
		err := db.search(t.Context(), query, func(q querier) error {
			return q.QueryRow(t.Context(), `SHOW plan_cache_mode`).Scan(&m)
		})
		if err != nil {
			t.Fatalf("search(%q) = %v", query, err)
		}
		return m
	}
	for _, tt := range []struct{ query, want string }{
		{"", "auto"},
		{"态度", "force_custom_plan"},
		{"  ", "auto"},
		{"离岗", "force_custom_plan"},
		{"", "auto"},
	} {
		if got := mode(tt.query); got != tt.want {
			t.Errorf("plan_cache_mode for query %q = %s, want %s", tt.query, got, tt.want)
		}
	}
}

// withParam adds a parameter to a URL.
func withParam(url, param string) string {
	if strings.Contains(url, "?") {
		return url + "&" + param
	}
	return url + "?" + param
}

func TestDumpTarget(t *testing.T) {
	tests := []struct {
		dsn, target string
		env         []string
	}{
		{"postgres://tousu:s3cret@db1:5432/tousu?sslmode=require&pool_max_conns=20&search_path=x",
			"postgres://tousu@db1:5432/tousu?sslmode=require", []string{"PGPASSWORD=s3cret"}},
		{"postgresql://db1/tousu", "postgresql://db1/tousu", nil},
		{"postgres://u@h1,h2/tousu?target_session_attrs=read-write&pool_min_conns=2",
			"postgres://u@h1,h2/tousu?target_session_attrs=read-write", nil},
		{"host=db1 dbname=tousu", "host=db1 dbname=tousu", nil},
	}
	for _, tt := range tests {
		target, env, err := dumpTarget(tt.dsn)
		if err != nil || target != tt.target || !slices.Equal(env, tt.env) {
			t.Errorf("dumpTarget(%q) = %q, %q, %v, want %q, %q", tt.dsn, target, env, err, tt.target, tt.env)
		}
	}
}

// TestQueryPlans checks that the list queries can use the indexes meant for them, in their
// order. The tables are empty, so sequential scans and sorts are switched off to see which
// index the planner would take on a full table.
func TestQueryPlans(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	db, err := Open(t.Context(), url)
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
		want   string
	}{
		{"due window", tousu.ComplaintFilter{DueTo: tousu.MustDate("2026-12-01"), Order: tousu.OrderDue}, "complaints_due"},
		{"newest", tousu.ComplaintFilter{}, "complaints_received"},
		{"newest after a cursor", tousu.ComplaintFilter{After: &tousu.Cursor{Key: 1, ID: "x"}}, "Index Cond: (ROW(received_at, id) < ROW("},
		{"status", tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusAccepted}}, "complaints_status"},
		{"category", tousu.ComplaintFilter{Category: "fees"}, "complaint_categories_category"},
	}
	for _, tt := range tests {
		w := complaintWhere(tt.filter)
		order := " ORDER BY received_at DESC, id DESC"
		if tt.filter.Order == tousu.OrderDue {
			order = " ORDER BY due_date, received_at, id"
		}
		if a := tt.filter.After; a != nil {
			w.add(w.newestBefore(a.Key, a.ID))
		}
		var plan []string
		err := pgx.BeginFunc(t.Context(), db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(t.Context(), `SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off`); err != nil {
				return err
			}
			rows, err := tx.Query(t.Context(), "EXPLAIN SELECT id FROM complaints"+w.String()+order+" LIMIT 50", w.args...)
			if err != nil {
				return err
			}
			plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, tt.want) {
			t.Errorf("%s: plan does not use %s:\n%s", tt.name, tt.want, p)
		}
	}
}
