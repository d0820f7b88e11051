package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"tousu"
)

// evaluation is a rating of window w by staff member badge at level, made at.
func evaluation(id, w, badge string, level int, at time.Time) *tousu.Evaluation {
	e := &tousu.Evaluation{ID: id, Window: w, Staff: badge, Level: level, Channel: tousu.EvalQR, Status: tousu.EvalClosed,
		CreatedAt: at.UTC(), UpdatedAt: at.UTC(), Reasons: []string{}}
	if level <= 2 {
		e.Reasons = []string{"attitude", "repeat"}
		e.Status = tousu.EvalCallbackDue
		e.CallbackDue = tousu.Date{Year: 2026, Month: 11, Day: 30}
		e.RectifyDue = tousu.Date{Year: 2026, Month: 12, Day: 4}
		e.Due = e.CallbackDue
	} else {
		closed := at.UTC()
		e.ClosedAt = &closed
	}
	return e
}

// testEvaluations: a rating round-trips with its event, audit record and outbox message;
// a transaction is rated once (a second is a conflict storing nothing), ratings without
// one any number of times; updates check the version and append to the timeline.
func testEvaluations(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	e := evaluation("PJ20261127-AAAAAA", "win-1", "A001", 1, base)
	e.Comment, e.Item, e.TransactionNo, e.Phone = "跑了三趟", "社保转移", "BJ1", []byte{1, 2, 3}
	msg := tousu.Message{Channel: tousu.MessageDesk, ToLogin: "super", Subject: "差评待回访", Body: "…", CreatedAt: base}
	ev := &tousu.EvaluationEvent{Type: "rate", Actor: "public", ActorName: "投诉人", At: base, To: string(e.Status), Payload: []byte(`{"level":1}`)}
	if err := s.CreateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: e, Event: ev, Outbox: []tousu.Message{msg},
		Audit: []tousu.AuditRecord{{At: base, Actor: "public", Action: "evaluate", Object: e.ID}}}); err != nil {
		t.Fatalf("CreateEvaluation = %v", err)
	}
	if e.Version != 1 || ev.Seq != 1 {
		t.Errorf("after CreateEvaluation: version %d, event seq %d; want 1 and 1", e.Version, ev.Seq)
	}
	got, err := s.FindEvaluation(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, e) {
		t.Errorf("FindEvaluation =\n%+v\nwant\n%+v", got, e)
	}
	if ms, err := s.ListMessages(ctx, tousu.MessageFilter{ToLogin: "super"}); err != nil || len(ms) != 1 || ms[0].Subject != "差评待回访" {
		t.Errorf("ListMessages = %v, %v; want the rating's desk message", ms, err)
	}
	if recs, err := s.SearchAudit(ctx, tousu.AuditFilter{Object: e.ID}); err != nil || len(recs) != 1 {
		t.Errorf("SearchAudit = %v, %v; want the rating's record", recs, err)
	}

	dup := evaluation("PJ20261127-BBBBBB", "win-1", "", 5, base)
	dup.TransactionNo = "BJ1"
	wantKind(t, "CreateEvaluation of a rated transaction", s.CreateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: dup}), tousu.KindConflict)
	wantKind(t, "FindEvaluation of the refused rating", func() error { _, err := s.FindEvaluation(ctx, dup.ID); return err }(), tousu.KindNotFound)
	for i := range 2 {
		if err := s.CreateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: evaluation(fmt.Sprintf("PJ20261127-C%05d", i), "win-1", "", 4, base)}); err != nil {
			t.Fatalf("CreateEvaluation without a transaction = %v", err)
		}
	}

	// An update: the call-back, as a step of its own.
	e.Status, e.Due, e.Alerts = tousu.EvalRectifyDue, e.RectifyDue, 0
	e.Detail.Callbacks = []tousu.EvaluationStep{{By: "super", ByName: "督查员", At: base.Add(time.Hour).UTC(), Text: "已回访", Yes: true}}
	e.UpdatedAt = base.Add(time.Hour).UTC()
	stale := *e
	cb := &tousu.EvaluationEvent{Type: "callback", Actor: "super", At: base.Add(time.Hour), From: "callback_due", To: "rectify_due"}
	if err := s.UpdateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: e, Event: cb}); err != nil {
		t.Fatalf("UpdateEvaluation = %v", err)
	}
	if e.Version != 2 || cb.Seq != 2 {
		t.Errorf("after UpdateEvaluation: version %d, seq %d; want 2 and 2", e.Version, cb.Seq)
	}
	wantKind(t, "UpdateEvaluation at a stale version", s.UpdateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: &stale}), tousu.KindConflict)
	missing := evaluation("PJ20261127-ZZZZZZ", "win-1", "", 4, base)
	wantKind(t, "UpdateEvaluation of a missing rating", s.UpdateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: missing}), tousu.KindNotFound)
	got, err = s.FindEvaluation(ctx, e.ID)
	if err != nil || !reflect.DeepEqual(got, e) {
		t.Errorf("after the update FindEvaluation =\n%+v, %v\nwant\n%+v", got, err, e)
	}
	evs, err := s.ListEvaluationEvents(ctx, e.ID)
	if err != nil || len(evs) != 2 || evs[0].Type != "rate" || evs[1].Type != "callback" || string(evs[0].Payload) != `{"level":1}` ||
		!evs[1].At.Equal(base.Add(time.Hour)) {
		t.Errorf("ListEvaluationEvents = %+v, %v; want rate then callback", evs, err)
	}
	wantKind(t, "FindEvaluation(hostile)", func() error { _, err := s.FindEvaluation(ctx, "PJ\x00\xff"); return err }(), tousu.KindNotFound)
}

// testEvaluationLists: the list filters by scope, window, staff, level, status, dates,
// the deadline job's due day and missing alerts, and pages newest first.
func testEvaluationLists(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	var all []string
	for i, c := range []struct {
		w, staff string
		level    int
	}{{"win-1", "A001", 1}, {"win-1", "A002", 5}, {"win-2", "B001", 2}, {"win-2", "B001", 4}, {"win-3", "", 3}} {
		e := evaluation(fmt.Sprintf("PJ20261127-L%05d", i), c.w, c.staff, c.level, base.Add(time.Duration(i)*time.Minute))
		if err := s.CreateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: e}); err != nil {
			t.Fatal(err)
		}
		all = append([]string{e.ID}, all...)
	}
	ids := func(f tousu.EvaluationFilter) []string {
		t.Helper()
		es, err := s.ListEvaluations(ctx, f)
		if err != nil {
			t.Fatalf("ListEvaluations(%+v) = %v", f, err)
		}
		out := []string{}
		for _, e := range es {
			out = append(out, e.ID[len(e.ID)-2:])
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    tousu.EvaluationFilter
		want []string
	}{
		{"all", tousu.EvaluationFilter{}, []string{"04", "03", "02", "01", "00"}},
		{"scope", tousu.EvaluationFilter{Units: []string{"win-2", "win-3"}}, []string{"04", "03", "02"}},
		{"window", tousu.EvaluationFilter{Window: "win-1"}, []string{"01", "00"}},
		{"staff", tousu.EvaluationFilter{Staff: "B001"}, []string{"03", "02"}},
		{"level", tousu.EvaluationFilter{Level: 2}, []string{"02"}},
		{"status", tousu.EvaluationFilter{Statuses: []tousu.EvaluationStatus{tousu.EvalCallbackDue}}, []string{"02", "00"}},
		{"from", tousu.EvaluationFilter{From: base.Add(3 * time.Minute)}, []string{"04", "03"}},
		{"to", tousu.EvaluationFilter{To: base.Add(time.Minute)}, []string{"00"}},
		{"due by", tousu.EvaluationFilter{DueTo: tousu.Date{Year: 2026, Month: 11, Day: 30}}, []string{"02", "00"}},
		{"not yet due", tousu.EvaluationFilter{DueTo: tousu.Date{Year: 2026, Month: 11, Day: 29}}, []string{}},
		{"lacking an alert", tousu.EvaluationFilter{DueTo: tousu.Date{Year: 2026, Month: 12, Day: 1}, AlertsLacking: tousu.AlertOverdue}, []string{"02", "00"}},
		{"page", tousu.EvaluationFilter{Limit: 2, After: &tousu.Cursor{Key: base.Add(3 * time.Minute).UnixMilli(), ID: all[1]}}, []string{"02", "01"}},
		{"hostile window", tousu.EvaluationFilter{Window: "w\x00"}, []string{}},
	} {
		if got := ids(c.f); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: ListEvaluations = %v, want %v", c.name, got, c.want)
		}
	}
	// The overdue warning taken: the rating no longer lacks it.
	e, err := s.FindEvaluation(ctx, all[4])
	if err != nil {
		t.Fatal(err)
	}
	e.Alerts |= tousu.AlertOverdue
	if err := s.UpdateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: e}); err != nil {
		t.Fatal(err)
	}
	if got := ids(tousu.EvaluationFilter{DueTo: tousu.Date{Year: 2026, Month: 12, Day: 1}, AlertsLacking: tousu.AlertOverdue}); !reflect.DeepEqual(got, []string{"02"}) {
		t.Errorf("after the warning: %v, want [02]", got)
	}
}

// testEvaluationStats: the figures count by level per window and per staff member, bad
// ratings called back and closed on time, and leave excluded ratings out of everything
// but their own count.
func testEvaluationStats(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	mk := func(i int, w, staff string, level int, mod func(*tousu.Evaluation)) {
		e := evaluation(fmt.Sprintf("PJ20261127-S%05d", i), w, staff, level, base.Add(time.Duration(i)*time.Minute))
		if mod != nil {
			mod(e)
		}
		if err := s.CreateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: e}); err != nil {
			t.Fatal(err)
		}
	}
	mk(0, "win-1", "A001", 5, nil)
	mk(1, "win-1", "A001", 4, nil)
	mk(2, "win-1", "A002", 1, func(e *tousu.Evaluation) {
		e.Detail.Callbacks = []tousu.EvaluationStep{{By: "s", At: base.UTC(), Text: "回访"}}
		e.Status, e.OnTime = tousu.EvalClosed, true
	})
	mk(3, "win-1", "", 2, nil)
	mk(4, "win-2", "B001", 1, func(e *tousu.Evaluation) { e.Excluded, e.AppealStatus = true, "upheld" })
	mk(5, "win-2", "B001", 3, nil)

	got, err := s.EvaluationStats(ctx, tousu.EvaluationStatsFilter{GroupBy: "window"})
	if err != nil {
		t.Fatal(err)
	}
	want := []tousu.EvaluationCounts{
		{Key: "win-1", Total: 4, Levels: [5]int{1, 1, 0, 1, 1}, Bad: 2, Good: 2, Callback: 1, OnTime: 1},
		{Key: "win-2", Total: 1, Levels: [5]int{0, 0, 1, 0, 0}, Excluded: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("by window = %+v\nwant %+v", got, want)
	}
	got, err = s.EvaluationStats(ctx, tousu.EvaluationStatsFilter{GroupBy: "staff", Units: []string{"win-1"}, From: base.Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	want = []tousu.EvaluationCounts{
		{Key: "A001", Total: 1, Levels: [5]int{0, 0, 0, 1, 0}, Good: 1},
		{Key: "A002", Total: 1, Levels: [5]int{1, 0, 0, 0, 0}, Bad: 1, Callback: 1, OnTime: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("by staff in win-1 from the second minute = %+v\nwant %+v", got, want)
	}
	_, err = s.EvaluationStats(ctx, tousu.EvaluationStatsFilter{GroupBy: "unit"})
	wantKind(t, "EvaluationStats by an unknown grouping", err, tousu.KindInvalid)
}
