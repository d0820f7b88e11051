package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// TestAssessmentUncapped: 20,050 complaints received in January 2026 through the bulk
// path — each about A001 at win-a1, founded, and handed over late by B001 of win-b1 —
// are all counted by the month's assessment: the complaints and founded ones from the
// statistics' rollups, the late handovers from the accountability records, which the
// store pages through with no cap (the assessment once stopped at 20,000 a month). On
// PostgreSQL, whose per-complaint rollup writes make 20,050 take minutes on a shared
// machine, 1,050 (three pages of late candidates) check the same queries.
func TestAssessmentUncapped(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 20,050 complaints")
	}
	e := newEnv(t)
	n := 20050
	if storeUnderTest != "sqlite" {
		n = 1050
	}
	day := time.Date(2026, 1, 12, 9, 0, 0, 0, cst)
	batch := make([]tousu.BulkComplaint, 0, 1000)
	for i := range n {
		at := day.Add(time.Duration(i) * time.Second)
		handed := at.Add(72 * time.Hour)
		decided := at.Add(96 * time.Hour)
		c := &tousu.Complaint{ID: fmt.Sprintf("uncapped%08d", i), Kind: tousu.KindComplaint, Channel: tousu.ChannelPhone,
			Status: tousu.StatusDecided, Classification: tousu.ClassCase, Categories: []string{"attitude"},
			Target: tousu.Target{Unit: "win-a1", Staff: "A001"}, Matter: "窗口人员态度生硬", Request: "批评教育",
			OwnerUnit: "root", Mode: tousu.ModeTransfer, ReceivedAt: at, CreatedAt: handed, UpdatedAt: decided,
			Intake: tousu.Intake{Staff: "B001", Unit: "win-b1", HandedOverAt: &handed}, LateHandover: true,
			Decision: &tousu.Decision{Finding: tousu.FindingFounded, Measures: []tousu.Measure{}, Staff: []string{"A001"}}}
		c.Handling.Stats.ReceivedOn = tousu.DateOf(at)
		c.Handling.Stats.DecidedOn = tousu.DateOf(decided)
		batch = append(batch, tousu.BulkComplaint{Complaint: c, NumberPrefix: app.NumberPrefix + "20260112",
			Events: []tousu.Event{{Type: tousu.EventRegister, Actor: "clerk", At: handed, To: tousu.StatusRegistered},
				{Type: tousu.EventType(tousu.ActDecide), Actor: "supervisor", At: decided, From: tousu.StatusRegistered, To: tousu.StatusDecided}},
			Audit: []tousu.AuditRecord{{At: handed, Actor: "clerk", Action: "register"}}})
		if len(batch) == cap(batch) || i == n-1 {
			if err := e.store.BulkRegister(t.Context(), tousu.SourceGenerated, batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	r := e.do("GET", "/api/v1/assessment?month=2026-01", "leader", nil)
	if r.code != http.StatusOK {
		t.Fatalf("assessment: %d %s", r.code, r.raw)
	}
	find := func(list, code string) map[string]any {
		items, _ := r.field(list).([]any)
		for _, it := range items {
			if m := it.(map[string]any); m["code"] == code {
				return m
			}
		}
		t.Fatalf("%s has no %s", list, code)
		return nil
	}
	for _, c := range []struct {
		list, code, field string
		want              int
	}{
		{"units", "win-a1", "complaints", n}, {"units", "win-a1", "founded", n}, {"staff", "A001", "founded", n},
		{"staff", "B001", "accountability", n}, {"units", "win-b1", "accountability", n},
		{"units", "win-a1", "score", 100 - 10*n}, {"units", "win-b1", "score", 100 - 3*n},
	} {
		if got := find(c.list, c.code)[c.field]; got != float64(c.want) {
			t.Errorf("assessment %s %s %s = %v, want %v", c.list, c.code, c.field, got, c.want)
		}
	}
}
