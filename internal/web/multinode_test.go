package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/audit"
	"tousu/internal/postgres"
	"tousu/internal/storetest"
	"tousu/internal/web"
)

// skipUnlessPostgres runs a many-node test in TestMain's PostgreSQL pass only: SQLite has
// one machine by design.
func skipUnlessPostgres(t *testing.T) {
	t.Helper()
	storetest.SkipWithoutPostgres(t)
	if storeUnderTest != "postgres" {
		t.Skip("runs in the PostgreSQL pass")
	}
}

// node starts another tousu node on e's database: its own connection pool, use cases and
// HTTP server, sharing the database, the key ring and the clock, as nodes behind a load
// balancer do. It returns an env whose requests go to the new node.
func (e *env) node(t *testing.T) *env {
	t.Helper()
	db, err := postgres.Open(t.Context(), e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// Every node migrates on start; this one finds nothing to do.
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Store: db, Keys: e.keys, Now: e.clock.Now, Location: cst})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureBase(t.Context()); err != nil {
		t.Fatal(err)
	}
	n := *e
	n.app, n.store = a, db
	n.srv = httptest.NewServer(web.New(web.Options{App: a, SubmitPerMinute: 1000, TrackPerMinute: 1000}))
	t.Cleanup(n.srv.Close)
	return &n
}

// TestTwoNodesOneDatabase is issue 6's "done": two nodes on one PostgreSQL database take
// 200 registrations at once, alternately, and hand out 200 distinct numbers — in fact
// the day's first 200, since a number is never skipped — with one unbroken audit chain.
func TestTwoNodesOneDatabase(t *testing.T) {
	skipUnlessPostgres(t)
	a := newEnv(t)
	b := a.node(t)
	nodes := []*env{a, b}

	const workers, each = 8, 25
	var (
		mu      sync.Mutex
		numbers []string
		wg      sync.WaitGroup
	)
	body := mustJSON(t, validComplaint())
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				n := nodes[(w+i)%len(nodes)]
				req, err := http.NewRequest("POST", n.srv.URL+"/api/v1/complaints", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+n.tokens["clerk"])
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Errorf("worker %d, registration %d: %v", w, i, err)
					return
				}
				var answer struct{ Number string }
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || json.Unmarshal(raw, &answer) != nil {
					t.Errorf("worker %d, registration %d: %d %s", w, i, resp.StatusCode, raw)
					return
				}
				mu.Lock()
				numbers = append(numbers, answer.Number)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	const total = workers * each
	slices.Sort(numbers)
	want := make([]string, total)
	for i := range want {
		want[i] = fmt.Sprintf("TS20260130-%04d", i+1) // the harness's clock says 2026-01-30
	}
	if len(slices.Compact(slices.Clone(numbers))) != total {
		t.Errorf("%d registrations got %d distinct numbers, want %d", total, len(slices.Compact(slices.Clone(numbers))), total)
	}
	if !slices.Equal(numbers, want) {
		t.Errorf("numbers %v … %v, want %s … %s each once", numbers[:3], numbers[len(numbers)-3:], want[0], want[total-1])
	}
	for _, n := range nodes {
		if got, err := n.store.CountComplaints(t.Context(), tousu.ComplaintFilter{}); err != nil || got != total {
			t.Errorf("CountComplaints = %d, %v, want %d", got, err, total)
		}
	}
	// Both nodes read what either wrote: a complaint registered on one is on the other.
	for _, number := range []string{want[0], want[total-1]} {
		for i, n := range nodes {
			if r := n.do("GET", "/api/v1/complaints/"+number, "supervisor", nil); r.code != http.StatusOK || r.str("number") != number {
				t.Errorf("node %d: GET %s = %d %s", i, number, r.code, r.raw)
			}
		}
	}
	// The audit log is one chain whoever appended.
	if h, err := audit.Verify(t.Context(), a.store); err != nil || h.Records < total {
		t.Errorf("audit.Verify = %d records, %v, want at least %d and an unbroken chain", h.Records, err, total)
	}
}

// TestIdempotencyAcrossNodes: a client that retries through another node (the load
// balancer chose another) gets the same complaint, not a second one.
func TestIdempotencyAcrossNodes(t *testing.T) {
	skipUnlessPostgres(t)
	a := newEnv(t)
	b := a.node(t)
	send := func(n *env) result {
		req, _ := http.NewRequest("POST", n.srv.URL+"/api/v1/complaints", strings.NewReader(mustJSON(t, validComplaint())))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+n.tokens["clerk"])
		req.Header.Set("Idempotency-Key", "retry-through-b")
		return n.send(req)
	}
	first, again := send(a), send(b)
	if first.code != http.StatusCreated || again.code != http.StatusCreated {
		t.Fatalf("codes %d, %d: %s", first.code, again.code, again.raw)
	}
	if first.str("number") != again.str("number") || first.str("query_code") != again.str("query_code") {
		t.Errorf("retry on the other node gave %s/%s, first %s/%s",
			again.str("number"), again.str("query_code"), first.str("number"), first.str("query_code"))
	}
	if n, err := b.store.CountComplaints(t.Context(), tousu.ComplaintFilter{}); err != nil || n != 1 {
		t.Errorf("CountComplaints = %d, %v, want 1", n, err)
	}
}
