package postgres

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"tousu/internal/sqlstore"
	"tousu/internal/storetest"
)

// TestScopedPlans: every inbox tab and list filter of a supervisor scoped to a centre,
// alone and with a search, is planned without a sequential scan of complaints, on a
// table of thousands of complaints with fresh statistics.
func TestScopedPlans(t *testing.T) {
	url := storetest.NewPostgresDatabase(t)
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	storetest.FillForPlans(t, db, 3000)
	// VACUUM also moves the rows waiting in the GIN index's pending list into the index,
	// as autovacuum does on a live database; the planner counts a long list as a cost.
	if _, err := db.pool.Exec(t.Context(), `VACUUM ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for _, tt := range storetest.ScopedPlanCases() {
		for _, q := range storetest.PlanSearches {
			f := tt.Filter
			f.Query = q
			query, args := db.ListQuery(f)
			// And the inbox's tab count of the same list, capped as the desk takes it.
			cf := f
			cf.CountUpTo = 1000
			countQuery, countArgs := db.CountQuery(cf)
			var plan []string
			err := pgx.BeginFunc(t.Context(), db.pool, func(tx pgx.Tx) error {
				// Thousands of rows are still few enough to read whole; at a million a
				// sequential scan costs seconds. Switched off, the planner shows whether
				// an index serves the query at all (it falls back to a scan if none does).
				if _, err := tx.Exec(t.Context(), `SET LOCAL enable_seqscan = off`); err != nil {
					return err
				}
				rows, err := tx.Query(t.Context(), "EXPLAIN "+sqlstore.Rebind(query), args...)
				if err != nil {
					return err
				}
				if plan, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
					return err
				}
				rows, err = tx.Query(t.Context(), "EXPLAIN "+sqlstore.Rebind(countQuery), countArgs...)
				if err != nil {
					return err
				}
				count, err := pgx.CollectRows(rows, pgx.RowTo[string])
				plan = append(plan, count...)
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", tt.Name, err)
			}
			p := strings.Join(plan, "\n")
			if strings.Contains(p, "Seq Scan on complaints") || strings.Contains(p, "Seq Scan on complaint_search") {
				t.Errorf("%s, search %q: sequential scan of complaints:\n%s", tt.Name, q, p)
			}
			if testing.Verbose() {
				t.Logf("%s, search %q:\n%s", tt.Name, q, p)
			}
		}
	}
}
