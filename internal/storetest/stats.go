package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"tousu"
)

// statsRows reads every rollup row of the grain ("d" or "m") over 2026–2027, keyed as
// StatKey, zero rows left out.
func statsRows(t *testing.T, s tousu.Store, grain string) map[tousu.StatKey]tousu.StatMeasures {
	t.Helper()
	out := map[tousu.StatKey]tousu.StatMeasures{}
	for _, dim := range tousu.StatDims {
		rows, err := s.SumStats(t.Context(), tousu.StatSum{Dim: dim, From: tousu.MustDate("2026-01-01"),
			To: tousu.MustDate("2027-12-31"), ByDay: true, DaysOnly: grain == "d", ByUnit: true})
		if err != nil {
			t.Fatalf("SumStats(%q) = %v", dim, err)
		}
		for _, r := range rows {
			if r.Measures != (tousu.StatMeasures{}) {
				out[tousu.StatKey{Grain: grain, Day: r.Day, Unit: r.Unit, Dim: dim, Key: r.Key}] = r.Measures
			}
		}
	}
	return out
}

// recount computes the rollups from the complaints themselves, independently of the
// store's fact rows: each complaint's fact (tousu.StatFactOf), its earlier complaint by
// the same complainant found by comparing blind indexes here.
func recount(t *testing.T, s tousu.Store) map[tousu.StatKey]tousu.StatMeasures {
	t.Helper()
	cs, err := s.ListComplaints(t.Context(), tousu.ComplaintFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	units, err := s.ListUnits(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{}
	for _, u := range units {
		parent[u.Code] = u.Parent
	}
	out := map[tousu.StatKey]tousu.StatMeasures{}
	for _, c := range cs {
		earlier := false
		for _, o := range cs {
			if o.ID != c.ID && !c.Identity.Anonymous && o.ReceivedAt.Before(c.ReceivedAt) &&
				(c.Identity.PhoneIndex != "" && o.Identity.PhoneIndex == c.Identity.PhoneIndex ||
					c.Identity.IDNumberIndex != "" && o.Identity.IDNumberIndex == c.Identity.IDNumberIndex) {
				earlier = true
			}
		}
		f := tousu.StatFactOf(c, earlier)
		if _, ok := parent[f.Unit]; ok {
			for u := f.Unit; u != ""; u = parent[u] {
				f.Path = append(f.Path, u)
			}
		}
		for k, m := range tousu.StatDelta(nil, &f) {
			sum := out[k]
			for i, v := range m {
				sum[i] += v
			}
			out[k] = sum
		}
	}
	return out
}

func compareRollups(t *testing.T, stage string, got, want map[tousu.StatKey]tousu.StatMeasures, grain string) {
	t.Helper()
	n := 0
	for k, w := range want {
		if k.Grain != grain {
			continue
		}
		n++
		if got[k] != w {
			t.Errorf("%s: rollup %+v = %v, recount %v", stage, k, got[k], w)
		}
	}
	if len(got) != n {
		for k, g := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: rollup %+v = %v, recount has none", stage, k, g)
			}
		}
	}
}

// testStatsRecount: after registrations and every kind of change that moves a figure —
// receipt days early and late in a month, withdrawal, refusal, replies before and after
// the due date, decisions, ratings 1–5, changed categories, units and staff, merges,
// archiving — the rollups equal a recount from the complaints, at both grains, on both
// engines; RebuildStats gives the same rows; a period cut inside months sums the right
// days.
func testStatsRecount(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	// A tree for some of the units (each complaint counts under its unit and the units
	// above it); "win-a2" stays outside it and counts under itself alone.
	for _, u := range []tousu.Unit{{Code: "centre", Name: "中心"}, {Code: "dept-a", Name: "甲局", Parent: "centre"},
		{Code: "win-a1", Name: "甲窗口", Parent: "dept-a"}, {Code: "dept-b", Name: "乙局", Parent: "centre"}} {
		if err := s.PutUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(15, 15))
	units := []string{"win-a1", "win-a2", "dept-b", ""}
	staff := []string{"", "A001", "A002"}
	cats := [][]string{{"attitude"}, {"attitude", "efficiency"}, {"fees"}, {}}
	start := time.Date(2026, 10, 28, 9, 0, 0, 0, beijing)
	var all []*tousu.Complaint
	for i := range 40 {
		c := newComplaint(t)
		c.ReceivedAt = start.Add(time.Duration(r.IntN(70*24)) * time.Hour)
		c.CreatedAt, c.UpdatedAt = c.ReceivedAt, c.ReceivedAt
		c.Target = tousu.Target{Unit: units[r.IntN(len(units))], Staff: staff[r.IntN(len(staff))]}
		c.Categories = cats[r.IntN(len(cats))]
		c.Channel = []tousu.Channel{tousu.ChannelVisit, tousu.ChannelPhone, tousu.ChannelWeb}[r.IntN(3)]
		c.Identity.PhoneIndex = fmt.Sprintf("phone-%d", r.IntN(12))
		if i%7 == 0 {
			c.Identity.PhoneIndex = ""
			c.Identity.IDNumberIndex = fmt.Sprintf("id-%d", r.IntN(3))
		}
		c.Handling.Stats.ReceivedOn = tousu.DateOf(c.ReceivedAt.In(beijing))
		if i%5 == 0 {
			c.Handling.Stats.ReceivedOn = tousu.Date{} // a row from before the statistics: derived
		}
		create(t, s, c)
		all = append(all, c)
	}
	day := func(c *tousu.Complaint, n int) tousu.Date { return tousu.DateOf(c.ReceivedAt.In(beijing)).AddDays(n) }
	for round := range 3 {
		for i, c := range all {
			at := c.ReceivedAt.Add(time.Duration(round+1) * 24 * time.Hour)
			switch (i + round) % 9 {
			case 0:
				c.Handling.Stats.Withdrawn = true
				update(t, s, c, "withdraw", tousu.StatusWithdrawn, at)
			case 1:
				if c.Status == tousu.StatusWithdrawn || c.Status == tousu.StatusNotAccepted {
					update(t, s, c, "archive", tousu.StatusArchived, at)
				} else {
					c.Handling.Stats.Refused = true
					update(t, s, c, "reject", tousu.StatusNotAccepted, at)
				}
			case 2, 3:
				if c.Handling.Stats.FirstReplyOn.IsZero() {
					c.Handling.Stats.FirstReplyOn = day(c, 3+r.IntN(30))
					c.Handling.Stats.FirstReplyDue = day(c, 20)
					c.Handling.Stats.FirstReplyWorkdays = r.IntN(25)
				}
				f := []tousu.Finding{tousu.FindingFounded, tousu.FindingPartly, tousu.FindingUnfounded, tousu.FindingNotApplicable}[r.IntN(4)]
				c.Decision = &tousu.Decision{Finding: f, Staff: []string{staff[r.IntN(len(staff))]}}
				c.Handling.Stats.DecidedOn = c.Handling.Stats.FirstReplyOn
				update(t, s, c, "resolve", tousu.StatusReplied, at)
			case 4:
				if !c.Handling.Stats.FirstReplyOn.IsZero() {
					c.Satisfaction = 1 + r.IntN(5)
					c.Handling.Stats.RatedOn = c.Handling.Stats.FirstReplyOn.AddDays(r.IntN(5))
					update(t, s, c, "feedback", tousu.StatusClosed, at)
				}
			case 5:
				c.Categories = cats[r.IntN(len(cats))]
				c.Target.Unit = units[r.IntN(len(units))]
				c.Target.Staff = staff[r.IntN(len(staff))]
				update(t, s, c, "amend", c.Status, at)
			case 6:
				c.MergedInto = all[0].Number
				update(t, s, c, "merge", tousu.StatusMerged, at)
			case 7:
				update(t, s, c, "note", c.Status, at) // changes no figure
			case 8:
				c.AssignedUnit = units[r.IntN(len(units))]
				update(t, s, c, "assign", tousu.StatusAssigned, at)
			}
		}
	}
	want := recount(t, s)
	if len(want) == 0 {
		t.Fatal("the recount found nothing: the fixture counts nothing")
	}
	for _, grain := range []string{"d", "m"} {
		compareRollups(t, "written", statsRows(t, s, grain), want, grain)
	}
	if err := s.RebuildStats(ctx); err != nil {
		t.Fatalf("RebuildStats = %v", err)
	}
	for _, grain := range []string{"d", "m"} {
		compareRollups(t, "rebuilt", statsRows(t, s, grain), want, grain)
	}

	// A period cut inside months: the monthly rows of December and the daily rows of the
	// days around it add up to the recount of those days.
	from, to := tousu.MustDate("2026-11-15"), tousu.MustDate("2027-01-10")
	for _, dim := range tousu.StatDims {
		rows, err := s.SumStats(ctx, tousu.StatSum{Dim: dim, From: from, To: to, ByUnit: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]string]tousu.StatMeasures{}
		for _, r := range rows {
			got[[2]string{r.Unit, r.Key}] = r.Measures
		}
		wantSum := map[[2]string]tousu.StatMeasures{}
		for k, m := range want {
			if k.Grain == "d" && k.Dim == dim && !k.Day.Before(from) && !k.Day.After(to) {
				sum := wantSum[[2]string{k.Unit, k.Key}]
				for i, v := range m {
					sum[i] += v
				}
				wantSum[[2]string{k.Unit, k.Key}] = sum
			}
		}
		for k, w := range wantSum {
			if got[k] != w {
				t.Errorf("SumStats(%q, %s…%s) %v = %v, want %v", dim, from, to, k, got[k], w)
			}
		}
		// The same, summed over two units in the store: what a scoped group by key reads.
		rows, err = s.SumStats(ctx, tousu.StatSum{Dim: dim, From: from, To: to, Units: []string{"win-a1", "dept-b"}})
		if err != nil {
			t.Fatal(err)
		}
		summed := map[string]tousu.StatMeasures{}
		for k, m := range wantSum {
			if k[0] == "win-a1" || k[0] == "dept-b" {
				sum := summed[k[1]]
				for i, v := range m {
					sum[i] += v
				}
				summed[k[1]] = sum
			}
		}
		for _, r := range rows {
			if r.Unit != "" || r.Measures != summed[r.Key] {
				t.Errorf("SumStats(%q, two units) key %q = %v (unit %q), want %v", dim, r.Key, r.Measures, r.Unit, summed[r.Key])
			}
			delete(summed, r.Key)
		}
		for k, m := range summed {
			if m != (tousu.StatMeasures{}) {
				t.Errorf("SumStats(%q, two units) lacks key %q = %v", dim, k, m)
			}
		}
	}
}
