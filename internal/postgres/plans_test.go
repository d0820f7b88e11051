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
// table of thousands of complaints with fresh statistics, planned for its values as
// searches are (force_custom_plan).
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
	if _, err := db.pool.Exec(t.Context(), `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for _, tt := range storetest.ScopedPlanCases() {
		for _, q := range storetest.PlanSearches {
			f := tt.Filter
			f.Query = q
			query, args := db.ListQuery(f)
			var plan []string
			err := pgx.BeginFunc(t.Context(), db.pool, func(tx pgx.Tx) error {
				rows, err := tx.Query(t.Context(), "EXPLAIN "+sqlstore.Rebind(query), args...)
				if err != nil {
					return err
				}
				plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
				return err
			})
			if err != nil {
				t.Fatalf("%s: %v", tt.Name, err)
			}
			p := strings.Join(plan, "\n")
			if strings.Contains(p, "Seq Scan on complaints") {
				t.Errorf("%s, search %q: sequential scan of complaints:\n%s", tt.Name, q, p)
			}
			if testing.Verbose() {
				t.Logf("%s, search %q:\n%s", tt.Name, q, p)
			}
		}
	}
}
