package postgres_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"tousu"
	"tousu/internal/postgres"
	"tousu/internal/storetest"
)

// TestFoldTwoNodes: two stores on one database (two nodes) fold the statistics' queue at
// once, a few changes at a time, while both register: every registration is counted
// once — a change folded by both would count twice — and each node reads the other's
// registrations at once.
func TestFoldTwoNodes(t *testing.T) {
	storetest.SkipWithoutPostgres(t)
	url := storetest.NewPostgresDatabase(t)
	nodes := []*postgres.DB{openURL(t, url, true), openURL(t, url, false)}
	ctx := t.Context()
	const each = 40
	start := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
	// received[day] counts the registrations of each day of receipt.
	received := map[tousu.Date]int64{}
	var mu sync.Mutex
	done := make(chan struct{})
	var folders, writers sync.WaitGroup
	for _, n := range nodes {
		folders.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := n.FoldStats(ctx, 3); err != nil {
					t.Errorf("FoldStats = %v", err)
					return
				}
			}
		})
	}
	for i, n := range nodes {
		writers.Go(func() {
			for k := range each {
				c := storetest.Complaint(fmt.Sprintf("node%d-%d", i, k))
				c.ReceivedAt = start.Add(time.Duration(k*17+i*5) * time.Hour)
				c.CreatedAt, c.UpdatedAt = c.ReceivedAt, c.ReceivedAt
				c.Target.Unit = []string{"win-1", "win-2"}[k%2]
				day := tousu.DateOf(c.ReceivedAt)
				c.Handling.Stats.ReceivedOn = day
				if err := n.CreateComplaint(ctx, &tousu.Change{Complaint: c, NumberPrefix: "TS20261120"}); err != nil {
					t.Errorf("CreateComplaint on node %d = %v", i, err)
					return
				}
				mu.Lock()
				received[day]++
				mu.Unlock()
			}
		})
	}
	writers.Wait()
	close(done)
	folders.Wait()
	if t.Failed() {
		return
	}
	for i, n := range nodes {
		rows, err := n.SumStats(ctx, tousu.StatSum{From: tousu.MustDate("2026-11-01"), To: tousu.MustDate("2027-01-31"), ByDay: true, DaysOnly: true})
		if err != nil {
			t.Fatalf("SumStats on node %d = %v", i, err)
		}
		got := map[tousu.Date]int64{}
		for _, r := range rows {
			if r.Measures[tousu.MReceived] != 0 {
				got[r.Day] = r.Measures[tousu.MReceived]
			}
		}
		for day, w := range received {
			if got[day] != w {
				t.Errorf("node %d: received on %s = %d, want %d", i, day, got[day], w)
			}
		}
		if len(got) != len(received) {
			t.Errorf("node %d: received counted on %d days, want %d", i, len(got), len(received))
		}
		// The whole period from the monthly rows: each registration once.
		rows, err = n.SumStats(ctx, tousu.StatSum{From: tousu.MustDate("2026-11-01"), To: tousu.MustDate("2027-01-31")})
		if err != nil {
			t.Fatalf("SumStats on node %d = %v", i, err)
		}
		if len(rows) != 1 || rows[0].Measures[tousu.MReceived] != 2*each {
			t.Errorf("node %d: received over the period = %+v, want one row of %d", i, rows, 2*each)
		}
	}
}
