package demo_test

import (
	"crypto/rand"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/demo"
	"tousu/internal/pii"
	"tousu/internal/sqlite"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newApp(t *testing.T) *app.App {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.NewKeyRing(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Store: db, Keys: keys, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// everything is an actor that sees the whole tree.
var everything = tousu.Actor{Login: "auditor", Name: "审计", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: app.RootUnitCode}

func actor(t *testing.T, a *app.App, login string) tousu.Actor {
	t.Helper()
	u, err := a.Store().FindUser(t.Context(), login)
	if err != nil {
		t.Fatalf("FindUser(%q): %v", login, err)
	}
	return u.Actor()
}

func TestLoad(t *testing.T) {
	ctx := t.Context()
	a := newApp(t)
	start := time.Now()
	sum, err := demo.Load(ctx, a, demo.Options{Complaints: 300, Seed: 20261127})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Logf("loaded in %v:\n%s", time.Since(start), sum)
	if sum.Skipped || sum.Complaints != 300 || sum.Users != 8 || sum.Staff < 25 || sum.Staff > 40 || sum.Units < 20 {
		t.Errorf("Summary = %+v, want 300 complaints, 8 users, 25–40 staff, ≥20 units", sum)
	}
	total := 0
	for _, s := range tousu.Statuses.Values() {
		if sum.ByStatus[s] == 0 {
			t.Errorf("no complaint left in status %s", s)
		}
		total += sum.ByStatus[s]
	}
	if total != 300 {
		t.Errorf("ByStatus sums to %d, want 300", total)
	}

	page, err := a.List(ctx, everything, app.ListQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 300 {
		t.Fatalf("List at the root = %d complaints, want 300", len(page.Items))
	}
	channels, kinds, statuses := map[tousu.Channel]int{}, map[tousu.Kind]int{}, map[tousu.Status]int{}
	anonymous := 0
	events := map[tousu.EventType]int{}
	reasons := map[string]int{}
	for _, c := range page.Items {
		channels[c.Channel]++
		kinds[c.Kind]++
		statuses[c.Status]++
		if c.Complainant.Anonymous {
			anonymous++
		}
		if n := utf8.RuneCountInString(c.Matter); n < 50 || n > 320 {
			t.Errorf("%s: matter of %d characters: %s", c.Number, n, c.Matter)
		}
		if c.ReceivedAt.After(now) || c.ReceivedAt.Before(now.AddDate(0, 0, -91)) {
			t.Errorf("%s: received %v, want within the 90 days before %v", c.Number, c.ReceivedAt, now)
		}
		evs, err := a.Events(ctx, everything, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			events[e.Type]++
			if e.Type == "reject" {
				var p tousu.RejectPayload
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					t.Fatal(err)
				}
				reasons[string(p.Reason)]++
			}
		}
	}
	for s, n := range statuses {
		if sum.ByStatus[s] != n {
			t.Errorf("status %s: listed %d, summary says %d", s, n, sum.ByStatus[s])
		}
	}
	for _, ch := range tousu.Channels.Values() {
		if channels[ch] == 0 {
			t.Errorf("no complaint on channel %s", ch)
		}
	}
	for _, k := range tousu.Kinds.Values() {
		if kinds[k] == 0 {
			t.Errorf("no complaint of kind %s", k)
		}
	}
	for _, r := range tousu.RejectReasons.Values() {
		if reasons[string(r)] == 0 {
			t.Errorf("no complaint rejected for %s", r)
		}
	}
	for _, tr := range tousu.Lifecycle {
		if events[tousu.EventType(tr.Action)] == 0 {
			t.Errorf("no %s event", tr.Action)
		}
	}
	if anonymous < 10 || anonymous > 60 {
		t.Errorf("%d anonymous complaints, want about 10%%", anonymous)
	}
	t.Logf("channels %v\nkinds %v\nevents %v\nreasons %v\nanonymous %d", channels, kinds, events, reasons, anonymous)

	overdue, err := a.Count(ctx, everything, app.ListQuery{Due: "overdue"})
	if err != nil {
		t.Fatal(err)
	}
	if overdue == 0 || overdue > 30 {
		t.Errorf("%d overdue complaints, want a few", overdue)
	}
	t.Logf("overdue: %d", overdue)

	// Recusal: the clerk does not see the complaint about herself; the 人社局 head does
	// not see those about him.
	sup, clerk, hrs := actor(t, a, "supervisor"), actor(t, a, "clerk"), actor(t, a, "handler-rs")
	nSup, err := a.Count(ctx, sup, app.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	nClerk, err := a.Count(ctx, clerk, app.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	aboutClerk, aboutHead := 0, 0
	for _, c := range page.Items {
		switch c.Target.Staff {
		case clerk.Staff:
			aboutClerk++
		case hrs.Staff:
			aboutHead++
			if _, err := a.Get(ctx, hrs, c.Number); !tousu.IsKind(err, tousu.KindNotFound) {
				t.Errorf("handler-rs reads %s about himself: err = %v, want not_found", c.Number, err)
			}
		}
	}
	if nSup != 300 || aboutClerk == 0 || nClerk != nSup-aboutClerk {
		t.Errorf("supervisor sees %d, clerk %d, %d about the clerk; want 300 and 300 minus those", nSup, nClerk, aboutClerk)
	}
	if aboutHead == 0 {
		t.Error("no complaint about the 人社局 head (handler-rs)")
	}
	if _, err := a.SignIn(ctx, "handler-bdc", demo.Password); err != nil {
		t.Errorf("handler-bdc cannot log in with the demo password: %v", err)
	}

	// 行风督查: a completed routine inspection with a failed item and its open
	// rectification, a special one whose task was verified, an unannounced one planned;
	// the rectified bad ratings as tasks of source evaluation; the staff record's entries.
	if sum.Inspections != 3 || sum.StaffEntries != 5 {
		t.Errorf("Summary = %+v, want 3 inspections and 5 staff entries", sum)
	}
	insps, err := a.Inspections(ctx, sup, app.InspectionQuery{})
	if err != nil {
		t.Fatal(err)
	}
	kinds2 := map[string]string{}
	for _, in := range insps {
		kinds2[string(in.Kind)+"/"+in.Status] = in.Unit
		if in.Kind == tousu.InspectionRoutine && in.Failed != 1 {
			t.Errorf("the routine inspection failed %d items, want 1", in.Failed)
		}
	}
	if kinds2["routine/completed"] != "hx-rs-01" || kinds2["special/completed"] != "hx-yb-04" || kinds2["unannounced/planned"] != "hx-bdc-06" {
		t.Errorf("inspections = %v, want routine (completed) of hx-rs-01, special (completed) of hx-yb-04, unannounced (planned) of hx-bdc-06", kinds2)
	}
	rects, err := a.Rectifications(ctx, sup, app.RectificationQuery{Source: "inspection"})
	if err != nil {
		t.Fatal(err)
	}
	byUnit := map[string]string{}
	for _, r := range rects {
		byUnit[r.Unit] = r.Status
	}
	if len(rects) != 2 || byUnit["hx-rs-01"] != tousu.RectOpen || byUnit["hx-yb-04"] != tousu.RectVerified {
		t.Errorf("inspection tasks = %v, want hx-rs-01 open and hx-yb-04 verified", byUnit)
	}
	if evTasks, err := a.Rectifications(ctx, sup, app.RectificationQuery{Source: "evaluation"}); err != nil || len(evTasks) == 0 {
		t.Errorf("no rectification task from the demo's bad ratings (%v)", err)
	}
	rec, err := a.StaffRecordOf(ctx, sup, "HX0102", now.AddDate(0, 0, -60).Format("2006-01-02"), now.Format("2006-01-02"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Inspections.Failed != 1 || len(rec.Sanctions) != 1 || len(rec.Training) != 1 {
		t.Errorf("HX0102's record: %d failed items, %d sanctions, %d training; want one each", rec.Inspections.Failed,
			len(rec.Sanctions), len(rec.Training))
	}

	again, err := demo.Load(ctx, a, demo.Options{Seed: 1})
	if err != nil {
		t.Fatalf("second Load: %v", err)
	}
	if !again.Skipped || again.Complaints != 0 {
		t.Errorf("second Load = %+v, want skipped", again)
	}
	if n, err := a.Count(ctx, everything, app.ListQuery{}); err != nil || n != 300 {
		t.Errorf("after the second Load Count = %d, %v; want 300", n, err)
	}
}

// TestDeterministic checks that the same seed gives the same complaints.
func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("loads twice")
	}
	load := func() []string {
		a := newApp(t)
		if _, err := demo.Load(t.Context(), a, demo.Options{Complaints: 40, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		page, err := a.List(t.Context(), everything, app.ListQuery{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range page.Items {
			out = append(out, c.ReceivedAt.Format(time.RFC3339)+" "+string(c.Status)+" "+c.Matter)
		}
		return out
	}
	x, y := load(), load()
	if len(x) != 40 || len(x) != len(y) {
		t.Fatalf("loaded %d and %d complaints, want 40", len(x), len(y))
	}
	for i := range x {
		if x[i] != y[i] {
			t.Errorf("complaint %d differs:\n%s\n%s", i, x[i], y[i])
		}
	}
}
