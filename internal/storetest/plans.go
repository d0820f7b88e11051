package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"tousu"
)

// PlanCase is a list query whose plan the engines' tests check: one inbox tab or filter
// as a supervisor scoped to a centre runs it.
type PlanCase struct {
	Name   string
	Filter tousu.ComplaintFilter
}

// planScope is the subtree of the centre that the scoped supervisor sees.
var planScope = []string{"centre", "dept-1", "dept-2", "dept-3", "win-1", "win-2", "win-3", "win-4"}

// ScopedPlanCases are the inbox tabs and the list filters of the desk and the API, each
// as a supervisor held at the centre sees them (scope and recusal included), and each
// combined with a search.
func ScopedPlanCases() []PlanCase {
	scoped := func(f tousu.ComplaintFilter) tousu.ComplaintFilter {
		f.Scope, f.ExcludeTargetStaff = planScope, "S9"
		if f.Order == "" {
			f.Order = tousu.OrderNewest
		}
		return f
	}
	dept := func(f tousu.ComplaintFilter) tousu.ComplaintFilter {
		f = scoped(f)
		f.Scope = []string{"dept-1", "win-1"}
		return f
	}
	due := tousu.MustDate("2026-12-01")
	open := []tousu.Status{tousu.StatusInProgress, tousu.StatusSuspended}
	cases := []PlanCase{
		{"全部 (all, newest)", scoped(tousu.ComplaintFilter{})},
		{"全部, next page", scoped(tousu.ComplaintFilter{After: &tousu.Cursor{Key: 1_790_000_000_000, ID: "c0100"}})},
		{"待受理 (registered, by due)", scoped(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusRegistered}, Order: tousu.OrderDue})},
		{"待签收 (assigned, by due)", scoped(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusAssigned}, Order: tousu.OrderDue})},
		{"办理中 (in progress or suspended, by due)", scoped(tousu.ComplaintFilter{Statuses: open, Order: tousu.OrderDue})},
		{"即将超期 (due soon)", scoped(tousu.ComplaintFilter{DueFrom: due, DueTo: due.AddDays(3), Order: tousu.OrderDue})},
		{"已超期 (overdue)", scoped(tousu.ComplaintFilter{DueTo: due, Order: tousu.OrderDue})},
		{"待回访 (replied, newest)", scoped(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusReplied}})},
		{"不满意 (dissatisfied)", scoped(tousu.ComplaintFilter{Marks: tousu.MarkDissatisfied})},
		{"待归档 (closed and the like)", scoped(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusClosed,
			tousu.StatusNotAccepted, tousu.StatusWithdrawn, tousu.StatusMerged}})},
		{"status", scoped(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusAccepted}})},
		{"kind", scoped(tousu.ComplaintFilter{Kind: tousu.KindReport})},
		{"channel", scoped(tousu.ComplaintFilter{Channel: tousu.ChannelLetter})},
		{"category", scoped(tousu.ComplaintFilter{Category: "fees"})},
		{"unit", scoped(tousu.ComplaintFilter{Units: []string{"dept-2", "win-3"}})},
		{"date range", scoped(tousu.ComplaintFilter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)})},
		{"staff", scoped(tousu.ComplaintFilter{TargetStaff: "S1"})},
		{"complainant's phone", scoped(tousu.ComplaintFilter{PhoneIndex: "p1"})},
		{"late handover", scoped(tousu.ComplaintFilter{LateHandover: true})},
		// A department's supervisor: a scope of a few units, newest first read unit by unit
		// (sqlstore.scopedNewest), by due date through the open cases of each unit.
		{"全部, a department's scope", dept(tousu.ComplaintFilter{})},
		{"待归档, a department's scope", dept(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusClosed, tousu.StatusNotAccepted}})},
		{"类别, a department's scope", dept(tousu.ComplaintFilter{Category: "fees"})},
		{"待受理, a department's scope", dept(tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusRegistered}, Order: tousu.OrderDue})},
		{"已超期, a department's scope", dept(tousu.ComplaintFilter{DueTo: due, Order: tousu.OrderDue})},
		{"handler's own", tousu.ComplaintFilter{AssignedUnits: []string{"dept-1", "win-1"}, HandlerOrNone: "h1",
			AssistingUnits: []string{"dept-1", "win-1"}, ExcludeTargetStaff: "S9", Order: tousu.OrderDue, Statuses: open}},
	}
	return cases
}

// FillForPlans registers n complaints spread like a real office's over units, statuses,
// kinds, channels and two years, so that an engine's statistics describe a table on
// which a full scan would hurt.
func FillForPlans(t *testing.T, s tousu.Store, n int) {
	t.Helper()
	statuses := []tousu.Status{tousu.StatusArchived, tousu.StatusArchived, tousu.StatusArchived, tousu.StatusClosed,
		tousu.StatusClosed, tousu.StatusArchived, tousu.StatusReplied, tousu.StatusInProgress, tousu.StatusArchived,
		tousu.StatusNotAccepted, tousu.StatusArchived, tousu.StatusClosed, tousu.StatusRegistered, tousu.StatusAssigned,
		tousu.StatusArchived, tousu.StatusClosed, tousu.StatusDecided, tousu.StatusArchived, tousu.StatusSuspended}
	units := []string{"centre", "dept-1", "dept-2", "dept-3", "win-1", "win-2", "win-3", "win-4", "other", "far"}
	channels := []tousu.Channel{tousu.ChannelVisit, tousu.ChannelPhone, tousu.ChannelHotline, tousu.ChannelWeb, tousu.ChannelLetter}
	cats := []string{"attitude", "efficiency", "fees", "process", "integrity", "other", "facilities"}
	start := time.Date(2025, 1, 1, 1, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				c := Complaint(fmt.Sprintf("p%06d", i))
				c.Number = fmt.Sprintf("TS%08d-%04d", 20250101+i/1000, i%1000+1)
				c.Status = statuses[i%len(statuses)]
				c.Kind = []tousu.Kind{tousu.KindComplaint, tousu.KindComplaint, tousu.KindReport, tousu.KindSuggestion}[i%4]
				c.Channel = channels[i%len(channels)]
				c.OwnerUnit, c.Target.Unit = units[i%3], units[(i*7)%len(units)]
				c.Target.Staff = fmt.Sprintf("S%d", i%50)
				c.Categories = []string{cats[i%len(cats)]}
				at := start.Add(time.Duration(i) * 17 * time.Minute)
				c.ReceivedAt, c.CreatedAt, c.UpdatedAt = at, at, at
				if c.Status != tousu.StatusRegistered && c.Status != tousu.StatusNotAccepted {
					c.AssignedUnit, c.Handler = units[(i*3)%len(units)], fmt.Sprintf("h%d", i%20)
				}
				if c.Status.Open() {
					c.Deadline = tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: tousu.DateOf(at), Due: tousu.DateOf(at.AddDate(0, 0, 21))}
				}
				if err := s.CreateComplaint(t.Context(), &tousu.Change{Complaint: c}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// PlanSearches are the searches combined with each PlanCase ("" for none).
var PlanSearches = []string{"", "态度", "0042", "包"}
