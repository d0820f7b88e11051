package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// bulkFixtures are n complaints with their histories, the same each call (IDs, instants,
// text): two days' prefixes and an imported complaint's own number, categories and
// assisting units or none, replies, notes among the later events, and complainants who
// complain again, some received before an earlier-listed complaint of theirs (the repeat
// figure then marks the later one).
func bulkFixtures(n int) []tousu.BulkComplaint {
	start := time.Date(2026, 11, 2, 1, 30, 0, 0, time.UTC)
	cs := make([]tousu.BulkComplaint, n)
	for i := range cs {
		at := start.Add(time.Duration((i*37)%n) * 41 * time.Minute)
		c := &tousu.Complaint{
			ID: fmt.Sprintf("%032x", i+1), Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit,
			Status: tousu.StatusClosed, Categories: []string{"attitude", "delay"}[:i%3%2+i%2],
			Matter:    fmt.Sprintf("第%d件：窗口工作人员态度生硬，材料未一次性告知", i),
			Request:   "希望改进服务态度",
			Target:    tousu.Target{Unit: []string{"window-1", "window-2", "dept-a"}[i%3]},
			OwnerUnit: "centre", AssignedUnit: "window-1", Handler: "h1",
			ReceivedAt: at, CreatedAt: at, UpdatedAt: at.Add(72 * time.Hour),
			Identity: tousu.SealedIdentity{PhoneIndex: fmt.Sprintf("phone-%d", i%7), Fields: map[string][]byte{"name": {byte(i)}}},
		}
		closed := at.Add(72 * time.Hour)
		c.ClosedAt = &closed
		if i%4 == 0 {
			c.Handling.Assisting = []tousu.Assist{{Unit: "window-2"}, {Unit: "dept-a"}}
		}
		if i%3 != 0 {
			c.Reply = &tousu.Reply{Process: "核查监控", Result: fmt.Sprintf("已整改第%d项", i), Channel: tousu.ChannelPhone}
			c.Satisfaction = 1 + i%5
		}
		events := []tousu.Event{
			{Type: tousu.EventRegister, Actor: "clerk1", At: at, To: tousu.StatusRegistered, Payload: json.RawMessage(`{"channel":"visit"}`)},
			{Type: "accept", Actor: "sup1", At: at.Add(time.Hour), From: tousu.StatusRegistered, To: tousu.StatusAccepted},
		}
		if i%2 == 0 {
			events = append(events, tousu.Event{Type: "note", Actor: "h1", At: at.Add(2 * time.Hour), From: tousu.StatusAccepted, To: tousu.StatusAccepted,
				Payload: json.RawMessage(fmt.Sprintf(`{"content":"调取录像第%d段"}`, i))})
		}
		events = append(events, tousu.Event{Type: "close", Actor: "sup1", At: closed, From: tousu.StatusAccepted, To: tousu.StatusClosed})
		b := tousu.BulkComplaint{Complaint: c, Events: events,
			NumberPrefix: "TS" + at.Format("20060102"),
			Audit: []tousu.AuditRecord{{At: at, Actor: "clerk1", Action: "register"},
				{At: closed, Actor: "sup1", Action: "close", Detail: fmt.Sprint(i)}}}
		if i%9 == 5 {
			b.NumberPrefix, c.Number = "", fmt.Sprintf("OLD2019-%04d", i)
		}
		cs[i] = b
	}
	return cs
}

// TestBulkSameRows: a batch written by BulkRegister in multi-row statements leaves every
// table exactly as the same complaints registered one by one (a batch of one each, as
// CreateComplaint registers) leave it — rows, numbers, figures, the index, the audit
// chain — on both engines. Only the events' own IDs are left out: they are the same set
// in another order.
func TestBulkSameRows(t *testing.T) {
	const n = 60
	engines := []struct {
		name string
		open func(t *testing.T) (tousu.Store, func() map[string][]string)
	}{{"sqlite", openSQLite}, {"postgres", openPostgres}}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			batched, dumpBatched := e.open(t)
			cs := bulkFixtures(n)
			if err := batched.BulkRegister(ctx, tousu.SourceImport, cs); err != nil {
				t.Fatalf("BulkRegister of %d = %v", n, err)
			}
			single, dumpSingle := e.open(t)
			one := bulkFixtures(n)
			for i := range one {
				if err := single.BulkRegister(ctx, tousu.SourceImport, one[i:i+1]); err != nil {
					t.Fatalf("BulkRegister of complaint %d alone = %v", i, err)
				}
			}
			// The rollups are folded from the statistics' queue, whose rows differ by
			// nature (one by one, a complaint registered late re-queues the later ones):
			// fold both, so that the queues are empty and the rollups are compared.
			for _, s := range []tousu.Store{batched, single} {
				for {
					n, err := s.FoldStats(ctx, 1000)
					if err != nil {
						t.Fatalf("FoldStats = %v", err)
					}
					if n == 0 {
						break
					}
				}
			}
			for i := range cs {
				a, b := cs[i], one[i]
				if a.Complaint.Number != b.Complaint.Number || a.Complaint.Version != b.Complaint.Version || a.Audit[1].Hash != b.Audit[1].Hash {
					t.Errorf("complaint %d: number, version, audit hash = %s %d %s in a batch, %s %d %s alone", i,
						a.Complaint.Number, a.Complaint.Version, a.Audit[1].Hash, b.Complaint.Number, b.Complaint.Version, b.Audit[1].Hash)
				}
				for j, ev := range a.Events {
					if ev.ID == 0 || ev.Seq != j+1 {
						t.Errorf("complaint %d event %d: ID %d seq %d, want its stored ID and seq %d", i, j, ev.ID, ev.Seq, j+1)
					}
				}
			}
			got, want := dumpBatched(), dumpSingle()
			for _, table := range slices.Sorted(func(yield func(string) bool) {
				for k := range want {
					if !yield(k) {
						return
					}
				}
			}) {
				if !slices.Equal(got[table], want[table]) {
					t.Errorf("table %s differs: batch %d rows, one by one %d rows\nbatch:  %.600q\nsingle: %.600q",
						table, len(got[table]), len(want[table]), got[table], want[table])
				}
			}
			for _, table := range []string{"complaints", "events", "audit", "stats_facts", "stats_rollup", "complaint_search", "complaint_units", "complaint_categories"} {
				if len(want[table]) == 0 {
					t.Errorf("table %s is empty after registering %d complaints: the comparison compared nothing", table, n)
				}
			}
			for _, q := range []string{"态度", "录像", "第17件"} {
				a, err1 := batched.ListComplaints(ctx, tousu.ComplaintFilter{Query: q, SearchInternal: true, Limit: 500})
				b, err2 := single.ListComplaints(ctx, tousu.ComplaintFilter{Query: q, SearchInternal: true, Limit: 500})
				if err1 != nil || err2 != nil || len(a) == 0 || len(a) != len(b) {
					t.Errorf("search %q: %d hits (%v) in the batch's store, %d (%v) in the other's", q, len(a), err1, len(b), err2)
					continue
				}
				for i := range a {
					if a[i].ID != b[i].ID {
						t.Errorf("search %q hit %d: %s, one by one %s", q, i, a[i].ID, b[i].ID)
					}
				}
			}
		})
	}
}

// ignored are the columns left out of the comparison: the events' IDs (the same set,
// handed out in another order), PostgreSQL's queue IDs of sealed audit records, and the
// FTS5 index's own b-tree and the counter it stamps rows with (both depend on how many
// rows each transaction carried; its contents are compared through the token counts of
// complaint_fts_docsize and by searching).
var ignored = map[string]bool{"events.id": true, "audit.row_id": true, "complaint_fts_docsize.origin": true,
	"complaint_fts_data.*": true, "complaint_fts_idx.*": true, "complaint_fts.*": true}

func openSQLite(t *testing.T) (tousu.Store, func() map[string][]string) {
	path := filepath.Join(t.TempDir(), "tousu.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db, func() map[string][]string {
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		query := func(q string, args ...any) (rowsOf, error) {
			r, err := raw.QueryContext(t.Context(), q, args...)
			return sqlRows{r}, err
		}
		tables := firstColumn(t)(query(`SELECT name FROM sqlite_schema WHERE type = 'table'
			AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`))
		cols := func(table string) []string {
			return firstColumn(t)(query(`SELECT name FROM pragma_table_info(?)`, table))
		}
		return dump(t, tables, cols, func(q string) (rowsOf, error) { return query(q) })
	}
}

func openPostgres(t *testing.T) (tousu.Store, func() map[string][]string) {
	url := storetest.NewPostgresDatabase(t)
	db, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db, func() map[string][]string {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		query := func(q string, args ...any) (rowsOf, error) {
			r, err := conn.Query(ctx, q, args...)
			return pgxRows{r}, err
		}
		tables := firstColumn(t)(query(`SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`))
		cols := func(table string) []string {
			return firstColumn(t)(query(`SELECT column_name FROM information_schema.columns
				WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, table))
		}
		return dump(t, tables, cols, func(q string) (rowsOf, error) { return query(q) })
	}
}

// rowsOf is what dump reads of either driver's rows.
type rowsOf interface {
	Next() bool
	Values() ([]any, error)
	Close()
	Err() error
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Values() ([]any, error) {
	cols, err := r.Columns()
	if err != nil {
		return nil, err
	}
	vs := make([]any, len(cols))
	ps := make([]any, len(cols))
	for i := range vs {
		ps[i] = &vs[i]
	}
	return vs, r.Scan(ps...)
}

func (r sqlRows) Close() { r.Rows.Close() }

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Close() { r.Rows.Close() }

// firstColumn reads the first column of every row of a query's result.
func firstColumn(t *testing.T) func(rows rowsOf, err error) []string {
	return func(rows rowsOf, err error) []string { return column(t, rows, err) }
}

func column(t *testing.T, rows rowsOf, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vs, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vs[0]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// dump is every table's rows, each a line of its compared columns' values, sorted.
func dump(t *testing.T, tables []string, colsOf func(string) []string, query func(string) (rowsOf, error)) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range tables {
		if ignored[table+".*"] {
			continue
		}
		var cols []string
		for _, c := range colsOf(table) {
			if !ignored[table+"."+c] {
				cols = append(cols, `"`+c+`"`)
			}
		}
		rows, err := query(`SELECT ` + strings.Join(cols, ", ") + ` FROM ` + table)
		if err != nil {
			t.Fatalf("reading %s: %v", table, err)
		}
		var lines []string
		for rows.Next() {
			vs, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range vs {
				if b, ok := v.([]byte); ok {
					vs[i] = string(b)
				}
			}
			lines = append(lines, fmt.Sprintf("%v", vs))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(lines)
		out[table] = lines
	}
	return out
}
