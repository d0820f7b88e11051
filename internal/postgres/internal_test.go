package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"tousu"
	"tousu/internal/audit"
	"tousu/internal/sqlstore"
	"tousu/internal/storetest"
)

// WithParam exposes withParam to the external tests.
var WithParam = withParam

// URL exposes the URL a store was opened with to the external tests.
func URL(db *DB) string { return db.url }

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
		err := db.Search(t.Context(), query, func(q sqlstore.Querier) error {
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
		{"assisted by (协办)", tousu.ComplaintFilter{AssistedBy: []string{"dept-1"}}, "complaint_units_unit"},
		{"a handler's cases with those assisted", tousu.ComplaintFilter{AssignedUnits: []string{"dept-1", "win-1"},
			HandlerOrNone: "h1", AssistingUnits: []string{"dept-1", "win-1"}}, "complaint_units_unit"},
	}
	for _, tt := range tests {
		w := db.ComplaintWhere(tt.filter)
		order := " ORDER BY received_at DESC, id DESC"
		if tt.filter.Order == tousu.OrderDue {
			order = " ORDER BY due_date, received_at, id"
		}
		if a := tt.filter.After; a != nil {
			w.NewestBefore(a.Key, a.ID)
		}
		var plan []string
		err := pgx.BeginFunc(t.Context(), db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(t.Context(), `SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off`); err != nil {
				return err
			}
			rows, err := tx.Query(t.Context(), sqlstore.Rebind("EXPLAIN SELECT id FROM complaints"+w.String()+order+" LIMIT 50"), w.Args()...)
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

// TestDeskPlans checks that claiming, the desk, attachments, expired sessions and the
// blind indexes use the indexes meant for them, in their order, even under a generic
// plan (which pgx's cached statements may settle on). The tables are empty, so sequential
// scans and sorts are switched off to see which index the planner would take.
func TestDeskPlans(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	complaints := func(f tousu.ComplaintFilter) (string, []any) {
		w := db.ComplaintWhere(f)
		return "SELECT id FROM complaints" + w.String() + " ORDER BY received_at DESC, id DESC LIMIT 50", w.Args()
	}
	query := func(sql string, args ...any) func() (string, []any) {
		return func() (string, []any) { return sql, args }
	}
	tests := []struct {
		name     string
		query    func() (string, []any)
		want     string
		unsorted bool // a few rows found by the index, then sorted
	}{
		{"claim", query(claimMessages, int64(2), int64(1), 100), "Index Scan using messages_due", false},
		{"a login's desk", func() (string, []any) {
			return db.MessagesQuery(tousu.MessageFilter{ToLogin: "h1", Channel: tousu.MessageDesk})
		}, "Index Scan Backward using messages_desk", false},
		{"a login's unread desk", func() (string, []any) {
			return db.MessagesQuery(tousu.MessageFilter{ToLogin: "h1", Channel: tousu.MessageDesk, Unread: true})
		}, "Index Scan Backward using messages_unread", false},
		{"a login's desk, next page", func() (string, []any) {
			return db.MessagesQuery(tousu.MessageFilter{ToLogin: "h1", Channel: tousu.MessageDesk, AfterID: 99})
		}, "Index Scan Backward using messages_desk", false},
		{"attachments", query(sqlstore.AttachmentsOf, "c"),
			"Index Scan using attachments_complaint", false},
		{"expired sessions", query(`DELETE FROM sessions WHERE expiry < $1`, int64(0)), "sessions_expiry", false},
		{"phone index", func() (string, []any) { return complaints(tousu.ComplaintFilter{PhoneIndex: "p1"}) }, "complaints_phone_index", true},
		{"ID number index", func() (string, []any) { return complaints(tousu.ComplaintFilter{IDNumberIndex: "i1"}) }, "complaints_id_number_index", true},
		{"audit by actor", func() (string, []any) { return db.AuditQuery(tousu.AuditFilter{Actor: "sup1"}) }, "Index Scan Backward using audit_actor", false},
		{"audit by object, next page", func() (string, []any) {
			return db.AuditQuery(tousu.AuditFilter{Object: "TS20261127-0001", Before: 99})
		}, "Index Scan Backward using audit_object", false},
		{"audit by action", func() (string, []any) { return db.AuditQuery(tousu.AuditFilter{Action: "reveal"}) }, "Index Scan Backward using audit_action", false},
	}
	for i, tt := range tests {
		sql, args := tt.query()
		sql = sqlstore.Rebind(sql)
		name := fmt.Sprintf("desk_plan_%d", i)
		var plan []string
		err := pgx.BeginFunc(t.Context(), db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(t.Context(), `SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;
				SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
				return err
			}
			if !tt.unsorted {
				if _, err := tx.Exec(t.Context(), `SET LOCAL enable_sort = off`); err != nil {
					return err
				}
			}
			// A prepared statement, so that the generic plan is the one explained.
			if _, err := tx.Prepare(t.Context(), name, sql); err != nil {
				return err
			}
			rows, err := tx.Query(t.Context(), "EXPLAIN EXECUTE "+name+literals(args))
			if err != nil {
				return err
			}
			plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, tt.want) || (!tt.unsorted && strings.Contains(p, "Sort")) {
			t.Errorf("%s: plan does not read %s (in order: %t):\n%s", tt.name, tt.want, !tt.unsorted, p)
		}
	}
}

// literals is "(v1, …, vn)" for EXECUTE, or "" for none: EXPLAIN EXECUTE takes no
// parameters of its own. Only the tests' own constants come here.
func literals(args []any) string {
	if len(args) == 0 {
		return ""
	}
	ps := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			ps[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		default:
			ps[i] = fmt.Sprint(v)
		}
	}
	return "(" + strings.Join(ps, ", ") + ")"
}

// TestMigrateDown checks that every migration's Down undoes its Up: down to nothing and up
// again, and the database works.
func TestMigrateDown(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, storetest.NewPostgresDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	down := func(version int64) {
		t.Helper()
		err := db.migrate(ctx, func(p *goose.Provider) error {
			_, err := p.DownTo(ctx, version)
			return err
		})
		if err != nil {
			t.Fatalf("DownTo(%d) = %v", version, err)
		}
	}
	down(1)
	var columns int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'users' AND column_name IN ('failed_logins', 'locked_until')`).Scan(&columns); err != nil || columns != 0 {
		t.Errorf("after DownTo(1): users has %d lockout columns, %v, want none", columns, err)
	}
	down(0)
	var tables int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("after DownTo(0): %d tables, %v, want none", tables, err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate after going down = %v", err)
	}
	if err := db.PutSetting(ctx, "k", "v"); err != nil {
		t.Errorf("PutSetting after migrating up again = %v", err)
	}
}

// TestAuditCrashNeverRechains: a sealing turn commits without waiting for the disk, so a
// crash of the database can lose it, and the next turn then seals its records again. If
// a record queued earlier was committed while the lost turn ran (after its snapshot), the
// records are chained again in another order: the record its writer was told is number 1,
// with its hash, would be number 2, and the head written down as an anchor would break
// `tousu audit verify`. The crash is simulated as PostgreSQL's own: every turn committed
// since the last durable commit is undone (its records back in the queue), nothing else.
func TestAuditCrashNeverRechains(t *testing.T) {
	storetest.SkipWithoutPostgres(t)
	ctx := t.Context()
	url := storetest.NewPostgresDatabase(t)
	db, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	// A writer that queued its record first and commits while the turn runs.
	early, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer early.Close(context.Background())
	tx, err := early.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit_pending (at, actor, action) VALUES ($1, 'clerk1', 'early')`, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}

	var (
		mu        sync.Mutex
		unflushed [][]int64 // turns committed since the last durable commit
		committed bool
	)
	db.sealHook = func(step string, ids []int64) {
		mu.Lock()
		defer mu.Unlock()
		switch step {
		case "sealing": // the turn has its snapshot: the early writer commits now
			if !committed {
				committed = true
				if err := tx.Commit(ctx); err != nil {
					t.Errorf("early writer: %v", err)
				}
			}
		case "committed":
			unflushed = append(unflushed, ids)
		case "durable":
			unflushed = nil
		}
	}
	recs := []tousu.AuditRecord{{At: time.Now(), Actor: "clerk2", Action: "late"}}
	if err := db.AppendAudit(ctx, recs); err != nil {
		t.Fatal(err)
	}
	told := audit.Head{ID: recs[0].ID, Hash: recs[0].Hash}
	if told.ID == 0 || told.Hash == "" {
		t.Fatalf("the writer was told %+v, want its place in the chain", recs[0])
	}

	// The database crashes: what was not flushed is lost.
	db.sealHook = nil
	for _, turn := range unflushed {
		err := db.inTx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO audit_pending (row_id, at, actor, action, object, client, detail)
				SELECT row_id, at, actor, action, object, client, detail FROM audit WHERE id = ANY($1)`, turn); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `DELETE FROM audit WHERE id = ANY($1)`, turn)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	head, err := audit.Verify(ctx, db, told)
	if err != nil {
		t.Errorf("after the crash, audit verify with the head the writer was told (%s): %v", told, err)
	}
	if head.Records != 2 {
		t.Errorf("after the crash the chain holds %d records, want 2", head.Records)
	}
}
