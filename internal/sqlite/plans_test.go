package sqlite

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tousu/internal/storetest"
)

// fullScan is a plan step that reads the whole complaints table: a SCAN without an
// index. "SCAN complaints USING INDEX" walks an index in the list's order and stops at
// the page's end.
var fullScan = regexp.MustCompile(`SCAN complaints($|;)`)

// TestScopedPlans: every inbox tab and list filter of a supervisor scoped to a centre,
// alone and with a search, is planned without a full scan of complaints, on a table
// whose statistics (gathered as at every start) describe thousands of complaints.
func TestScopedPlans(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	storetest.FillForPlans(t, db, 3000)
	if err := db.optimize(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	for _, tt := range storetest.ScopedPlanCases() {
		for _, q := range storetest.PlanSearches {
			f := tt.Filter
			f.Query = q
			query, args := db.ListQuery(f)
			p := plan(t, db, query, args)
			if fullScan.MatchString(p) {
				t.Errorf("%s, search %q: full scan of complaints: %s", tt.Name, q, p)
			}
			if testing.Verbose() {
				t.Logf("%s, search %q: %s", tt.Name, q, p)
			}
			// The inbox's tab count of the same list, capped as the desk takes it.
			f.CountUpTo = 1000
			query, args = db.CountQuery(f)
			if p := plan(t, db, query, args); fullScan.MatchString(p) {
				t.Errorf("%s, search %q: the capped count reads all of complaints: %s", tt.Name, q, p)
			}
		}
	}
}

// plan is the query plan of query, its steps joined by "; ".
func plan(t *testing.T, db *DB, query string, args []any) string {
	t.Helper()
	rows, err := db.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "; ")
}
