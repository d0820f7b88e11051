package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// statsClock is the settable clock of the statistics tests.
type statsClock struct{ t time.Time }

func (c *statsClock) Now() time.Time { return c.t }

func statsDay(s string) time.Time {
	d := tousu.MustDate(s)
	return time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, cst)
}

// statsSet builds the hand-made set of complaints of docs/STATISTICS.md's worked example,
// through the lifecycle, each step on its own day:
//
//	C0 10-30 win-a1 attitude, left open (overdue later)
//	C1 11-03 win-a1 A001 attitude+efficiency, onsite, resolved the same day founded (on time), rated 5 on 11-06
//	C2 11-02 win-a1 A001 attitude, onsite (due the same day), resolved 11-05 unfounded (late), rated 2 on 11-07
//	C3 11-10 win-b1 fees, withdrawn 11-11 (a consultation)
//	C4 11-12 win-b1 other, rejected 11-13
//	C5 11-20 win-a1 attitude, same complainant as C1 (a repeat), left open
//	C6 11-30 dept-b process, a suggestion by phone, onsite, resolved 12-01 (not_applicable)
func statsSet(t *testing.T, a *app.App, clk *statsClock) map[string]string {
	t.Helper()
	ctx := context.Background()
	nums := map[string]string{}
	reg := func(name, day string, p tousu.Complainant, mod func(*tousu.Register)) {
		clk.t = statsDay(day)
		nums[name] = register(t, a, p, func(in *tousu.Register) {
			at := statsDay(day)
			in.ReceivedAt = &at
			if mod != nil {
				mod(in)
			}
		})
	}
	act := func(name, day string, act tousu.Action, p tousu.Payload) {
		t.Helper()
		clk.t = statsDay(day)
		if _, err := a.Act(ctx, supervisor, nums[name], act, p); err != nil {
			t.Fatalf("%s %s on %s: %v", act, name, day, err)
		}
	}
	resolve := func(f tousu.Finding, ms ...tousu.Measure) *tousu.ResolvePayload {
		return &tousu.ResolvePayload{Decision: tousu.Decision{Finding: f, Measures: ms, Improvement: "加强培训"},
			Process: "现场协调", Result: "已当场处理", Channel: tousu.ChannelPhone}
	}
	reg("C0", "2026-10-30", person(7), func(in *tousu.Register) { in.Categories = []string{"attitude"} })
	reg("C1", "2026-11-03", person(1), func(in *tousu.Register) {
		in.Target.Staff, in.Categories = "A001", []string{"attitude", "efficiency"}
	})
	act("C1", "2026-11-03", tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassOnsite, Categories: []string{"attitude", "efficiency"}})
	act("C1", "2026-11-03", tousu.ActResolve, resolve(tousu.FindingFounded, tousu.MeasureCorrection))
	act("C1", "2026-11-06", tousu.ActFeedback, &tousu.FeedbackPayload{Level: 5})

	reg("C2", "2026-11-02", person(2), func(in *tousu.Register) {
		in.Target.Staff, in.Categories = "A001", []string{"attitude"}
	})
	act("C2", "2026-11-02", tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassOnsite, Categories: []string{"attitude"}})
	act("C2", "2026-11-05", tousu.ActResolve, resolve(tousu.FindingUnfounded, tousu.MeasureRequestGranted))
	act("C2", "2026-11-07", tousu.ActFeedback, &tousu.FeedbackPayload{Level: 2})

	reg("C3", "2026-11-10", person(3), func(in *tousu.Register) {
		in.Target.Unit, in.Categories = "win-b1", []string{"fees"}
	})
	act("C3", "2026-11-11", tousu.ActWithdraw, &tousu.NotePayload{Note: "不了解办事流程，经解释后撤回"})

	reg("C4", "2026-11-12", person(4), func(in *tousu.Register) {
		in.Target.Unit, in.Categories = "win-b1", []string{"other"}
	})
	act("C4", "2026-11-13", tousu.ActReject, &tousu.RejectPayload{Reason: tousu.RejectInvalid, Explanation: "无具体投诉对象和事项"})

	reg("C5", "2026-11-20", person(1), func(in *tousu.Register) { in.Categories = []string{"attitude"} })

	reg("C6", "2026-11-30", person(6), func(in *tousu.Register) {
		in.Kind, in.Channel = tousu.KindSuggestion, tousu.ChannelPhone
		in.Target.Unit, in.Categories = "dept-b", []string{"process"}
	})
	act("C6", "2026-11-30", tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassOnsite, Categories: []string{"process"}})
	act("C6", "2026-12-01", tousu.ActResolve, resolve(tousu.FindingNotApplicable, tousu.MeasureSuggestionAdopted))
	clk.t = statsDay("2027-01-15")
	return nums
}

// figuresJSON is f as the API writes it, for comparisons that name every field.
func figuresJSON(t *testing.T, f app.Figures) string {
	t.Helper()
	// The complaints' figures only: this set has no ratings, whose figures (by window and
	// staff) web's TestEvaluationsInStats checks.
	if r := f.RatingFigures; r != nil && r.Evaluations != 0 {
		t.Errorf("figures of a set without ratings count %d ratings", r.Evaluations)
	}
	f.RatingFigures = nil
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStatsFigures computes every figure of the hand-built set and compares them field by
// field, in total and by group, on both databases; then rebuilds the rollups from the
// complaints and finds the same figures (the rollups equal the recount).
func TestStatsFigures(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		clk := &statsClock{t: statsDay("2026-10-30")}
		a := newApp(t, db, app.Options{Keys: newRing(t, 1), Now: clk.Now})
		statsSet(t, a, clk)
		ctx := context.Background()
		nov := app.StatsQuery{From: tousu.MustDate("2026-11-01"), To: tousu.MustDate("2026-11-30")}
		const novTotal = `{"received":5,"consultations":1,"not_accepted":1,"replied":2,"replied_on_time":1,"on_time_rate":0.5,` +
			`"avg_working_days":1.5,"decided":2,"founded":1,"founded_rate":0.5,"rated":2,"satisfied":1,"satisfaction_rate":0.5,` +
			`"overdue_open":null,"repeat":1}`
		want := map[string]map[string]string{
			"": {},
			"unit": {
				"dept-a": `{"received":3,"consultations":0,"not_accepted":0,"replied":2,"replied_on_time":1,"on_time_rate":0.5,` +
					`"avg_working_days":1.5,"decided":2,"founded":1,"founded_rate":0.5,"rated":2,"satisfied":1,"satisfaction_rate":0.5,` +
					`"overdue_open":null,"repeat":1}`,
				"dept-b": `{"received":2,"consultations":1,"not_accepted":1,"replied":0,"replied_on_time":0,"on_time_rate":null,` +
					`"avg_working_days":null,"decided":0,"founded":0,"founded_rate":null,"rated":0,"satisfied":0,"satisfaction_rate":null,` +
					`"overdue_open":null,"repeat":0}`,
			},
			"category": {
				"attitude": `{"received":3,"consultations":0,"not_accepted":0,"replied":2,"replied_on_time":1,"on_time_rate":0.5,` +
					`"avg_working_days":1.5,"decided":2,"founded":1,"founded_rate":0.5,"rated":2,"satisfied":1,"satisfaction_rate":0.5,` +
					`"overdue_open":null,"repeat":1}`,
				"efficiency": `{"received":1,"consultations":0,"not_accepted":0,"replied":1,"replied_on_time":1,"on_time_rate":1,` +
					`"avg_working_days":0,"decided":1,"founded":1,"founded_rate":1,"rated":1,"satisfied":1,"satisfaction_rate":1,` +
					`"overdue_open":null,"repeat":0}`,
				"fees": `{"received":0,"consultations":1,"not_accepted":0,"replied":0,"replied_on_time":0,"on_time_rate":null,` +
					`"avg_working_days":null,"decided":0,"founded":0,"founded_rate":null,"rated":0,"satisfied":0,"satisfaction_rate":null,` +
					`"overdue_open":null,"repeat":0}`,
			},
			"staff": {
				"A001": `{"received":2,"consultations":0,"not_accepted":0,"replied":2,"replied_on_time":1,"on_time_rate":0.5,` +
					`"avg_working_days":1.5,"decided":2,"founded":1,"founded_rate":0.5,"rated":2,"satisfied":1,"satisfaction_rate":0.5,` +
					`"overdue_open":null,"repeat":0}`,
			},
			"kind": {
				"suggestion": `{"received":1,"consultations":0,"not_accepted":0,"replied":0,"replied_on_time":0,"on_time_rate":null,` +
					`"avg_working_days":null,"decided":0,"founded":0,"founded_rate":null,"rated":0,"satisfied":0,"satisfaction_rate":null,` +
					`"overdue_open":null,"repeat":0}`,
			},
			"window": {
				"win-b1": `{"received":1,"consultations":1,"not_accepted":1,"replied":0,"replied_on_time":0,"on_time_rate":null,` +
					`"avg_working_days":null,"decided":0,"founded":0,"founded_rate":null,"rated":0,"satisfied":0,"satisfaction_rate":null,` +
					`"overdue_open":null,"repeat":0}`,
			},
		}
		check := func(stage string) {
			t.Helper()
			for group, groups := range want {
				q := nov
				q.GroupBy = group
				rep, err := a.Stats(ctx, leader, q)
				if err != nil {
					t.Fatalf("%s: Stats(%q) = %v", stage, group, err)
				}
				if got := figuresJSON(t, rep.Total); got != novTotal {
					t.Errorf("%s: Stats(group_by=%q).total =\n%s\nwant\n%s", stage, group, got, novTotal)
				}
				for key, w := range groups {
					found := false
					for _, g := range rep.Groups {
						if g.Key == key {
							found = true
							if got := figuresJSON(t, g.Figures); got != w {
								t.Errorf("%s: Stats(group_by=%q) group %q =\n%s\nwant\n%s", stage, group, key, got, w)
							}
						}
					}
					if !found {
						t.Errorf("%s: Stats(group_by=%q) has no group %q: %+v", stage, group, key, rep.Groups)
					}
				}
			}
			// The trend: October received C1, December replied C6 (not a decision:
			// not_applicable).
			rep, err := a.Stats(ctx, leader, app.StatsQuery{From: tousu.MustDate("2026-10-01"), To: tousu.MustDate("2026-12-31"), GroupBy: "month"})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, g := range rep.Groups {
				keys = append(keys, g.Key)
			}
			if len(rep.Groups) != 3 || rep.Groups[0].Received != 1 || rep.Groups[1].Received != 5 ||
				rep.Groups[2].Replied != 1 || rep.Groups[2].Decided != 0 || rep.Total.Received != 6 {
				t.Errorf("%s: by month %v = %+v", stage, keys, rep.Groups)
			}
		}
		check("written")
		if err := db.RebuildStats(ctx); err != nil {
			t.Fatal(err)
		}
		check("rebuilt")

		// A leader of dept-b sees dept-b's figures only; a unit outside its scope is refused.
		deptB := tousu.Actor{Login: "lb", Name: "医保局领导", Roles: []tousu.Role{tousu.RoleLeader}, Unit: "dept-b"}
		rep, err := a.Stats(ctx, deptB, nov)
		if err != nil || rep.Total.Received != 2 || rep.Total.Consultations != 1 || rep.Unit != "dept-b" {
			t.Errorf("Stats as dept-b's leader = %+v, %v", rep, err)
		}
		q := nov
		q.Unit = "dept-a"
		if _, err := a.Stats(ctx, deptB, q); !tousu.IsKind(err, tousu.KindInvalid) {
			t.Errorf("Stats of dept-a as dept-b's leader = %v, want invalid", err)
		}
		// The staff member complained about never sees their own row.
		self := tousu.Actor{Login: "a001", Name: "王窗口", Roles: []tousu.Role{tousu.RoleLeader}, Staff: "A001"}
		q = nov
		q.GroupBy = "staff"
		if rep, err := a.Stats(ctx, self, q); err != nil || len(rep.Groups) != 0 {
			t.Errorf("Stats by staff as A001 = %+v, %v, want no group", rep, err)
		}
		// overdue_open counts C0 and C5 (open, due long ago) in a period that includes today.
		q = app.StatsQuery{From: tousu.MustDate("2027-01-01"), To: tousu.MustDate("2027-01-31"), GroupBy: "unit"}
		rep, err = a.Stats(ctx, leader, q)
		if err != nil || rep.Total.OverdueOpen == nil || *rep.Total.OverdueOpen != 2 {
			t.Errorf("Stats of January 2027: overdue_open = %+v, %v, want 2", rep.Total.OverdueOpen, err)
		}
		for _, g := range rep.Groups {
			if g.Key == "dept-a" && (g.OverdueOpen == nil || *g.OverdueOpen != 2) {
				t.Errorf("January 2027, dept-a: overdue_open = %v, want 2", g.OverdueOpen)
			}
		}
		// Bad input names the field.
		for _, bad := range []app.StatsQuery{{}, {From: nov.To, To: nov.From}, {From: nov.From, To: nov.To, GroupBy: "colour"},
			{From: nov.From, To: nov.To, Unit: "nowhere"}} {
			if _, err := a.Stats(ctx, leader, bad); !tousu.IsKind(err, tousu.KindInvalid) {
				t.Errorf("Stats(%+v) = %v, want invalid", bad, err)
			}
		}
		if _, err := a.Stats(ctx, admin, nov); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("Stats as admin = %v, want forbidden", err)
		}
	})
}

// TestWilson compares the 95% Wilson interval with values computed by hand.
func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n      int64
		low, high float64
	}{
		{0, 10, 0, 0.2775}, {5, 10, 0.2366, 0.7634}, {10, 10, 0.7225, 1}, {81, 100, 0.7222, 0.8749},
	} {
		r := app.Wilson(c.k, c.n)
		if r == nil || r.Low != c.low || r.High != c.high {
			t.Errorf("Wilson(%d, %d) = %+v, want [%v, %v]", c.k, c.n, r, c.low, c.high)
		}
	}
	if app.Wilson(0, 0) != nil {
		t.Errorf("Wilson(0, 0) is not nil")
	}
}
