package demo

import (
	"fmt"
	"strconv"
	"time"

	"tousu"
	"tousu/internal/app"
)

// The demo's 行风督查: a routine inspection of 人社 1号窗口 completed ten days ago with a
// failed item (一次性告知, naming HX0102) whose rectification is still open; a special
// inspection of 医保 4号窗口 a month ago whose failed item was put right and verified; an
// unannounced inspection of 不动产 6号窗口 planned for next week; and praise, a sanction
// and training in the staff record, so that the inspection, rectification, staff record
// and ranking pages have something to show.

// conductSummary counts what conduct loaded.
type conductSummary struct {
	Inspections, Entries int
}

func (l *loader) conduct() (conductSummary, error) {
	var sum conductSummary
	day := func(daysAgo int) tousu.Date { return tousu.DateOf(l.now.AddDate(0, 0, -daysAgo)) }
	at := func(d tousu.Date, hour int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, hour, 30, 0, 0, l.now.Location())
	}
	items := []string{"on_post", "dress", "courtesy", "one_notice", "disclosure", "fees", "first_ask", "environment", "time_limit"}
	// inspect plans an inspection on d and, when done, records its results (every item
	// passed but those in failed) and completes it.
	inspect := func(unit string, kind tousu.InspectionKind, d tousu.Date, note string, done bool,
		failed map[string]tousu.InspectionResult) (*app.InspectionView, error) {
		l.t = at(d, 9).AddDate(0, 0, -3)
		if l.t.After(l.now) {
			l.t = l.now
		}
		v, err := l.a.PlanInspection(l.ctx, l.supervisor, app.NewInspection{Unit: unit, Kind: kind, Date: d.String(),
			Checklist: "hall", Note: note})
		if err != nil {
			return nil, fmt.Errorf("demo: inspection of %s: %w", unit, err)
		}
		sum.Inspections++
		if !done {
			return v, nil
		}
		l.t = at(d, 10)
		var results []tousu.InspectionResult
		for _, it := range items {
			r, ok := failed[it]
			if !ok {
				r = tousu.InspectionResult{Result: tousu.ResultPass}
			}
			r.Item = it
			results = append(results, r)
		}
		if _, err := l.a.RecordResults(l.ctx, l.supervisor, v.ID, results); err != nil {
			return nil, fmt.Errorf("demo: results of inspection %d: %w", v.ID, err)
		}
		l.t = at(d, 11)
		if v, err = l.a.CompleteInspection(l.ctx, l.supervisor, v.ID); err != nil {
			return nil, fmt.Errorf("demo: completing inspection %d: %w", v.ID, err)
		}
		return v, nil
	}

	routine, err := inspect("hx-rs-01", tousu.InspectionRoutine, day(10), "季度例行检查", true, map[string]tousu.InspectionResult{
		"one_notice": {Result: tousu.ResultFail, Note: "群众补交材料时，窗口未出具一次性告知单", Staff: []string{"HX0102"}},
	})
	if err != nil {
		return sum, err
	}
	special, err := inspect("hx-yb-04", tousu.InspectionSpecial, day(30), "医保转移接续专项督查", true, map[string]tousu.InspectionResult{
		"disclosure": {Result: tousu.ResultFail, Note: "异地就医备案办理时限公示与实际不符"},
	})
	if err != nil {
		return sum, err
	}
	if _, err := inspect("hx-bdc-06", tousu.InspectionUnannounced, tousu.DateOf(l.now.AddDate(0, 0, 7)), "明察暗访：转移登记窗口服务态度",
		false, nil); err != nil {
		return sum, err
	}
	// The special inspection's task: put right by 医保局 and verified.
	for _, t := range special.Rectifications {
		l.t = at(day(27), 15)
		if _, err := l.a.SubmitRectification(l.ctx, l.handlers["handler-yb"], t.ID, "已更正公示栏中的办理时限，并对照系统逐项核对", nil); err != nil {
			return sum, fmt.Errorf("demo: rectification %d: %w", t.ID, err)
		}
		l.t = at(day(25), 10)
		if _, err := l.a.VerifyRectification(l.ctx, l.supervisor, t.ID, true, "现场核实，公示内容已更正"); err != nil {
			return sum, fmt.Errorf("demo: verifying rectification %d: %w", t.ID, err)
		}
	}

	// The staff record: praise, a sanction from the routine inspection, training.
	for _, e := range []struct {
		who   tousu.Actor
		badge string
		kind  string
		in    app.NewStaffEntry
	}{
		{l.leader, "HX0104", tousu.EntryPraise, app.NewStaffEntry{Type: "praise", Date: day(20).String(),
			Reason: "主动为行动不便的老人上门办理养老金领取资格认证", Source: "other"}},
		{l.leader, "HX0202", tousu.EntryPraise, app.NewStaffEntry{Type: "circular", Date: day(12).String(),
			Reason: "连续三个月好差评无差评，群众送来锦旗", Source: "evaluation"}},
		{l.inspector, "HX0102", tousu.EntrySanction, app.NewStaffEntry{Type: "education", Date: day(9).String(),
			Reason: "未履行一次性告知，群众多跑一趟", Source: "inspection", SourceRef: strconv.FormatInt(routine.ID, 10)}},
		{l.supervisor, "HX0102", tousu.EntryTraining, app.NewStaffEntry{Date: day(5).String(), Course: "一次性告知与首问负责制度",
			Hours: 2, Result: "合格"}},
		{l.supervisor, "HX0103", tousu.EntryTraining, app.NewStaffEntry{Date: day(5).String(), Course: "一次性告知与首问负责制度",
			Hours: 2, Result: "合格"}},
	} {
		l.t = l.now
		if _, err := l.a.AddStaffEntry(l.ctx, e.who, e.badge, e.kind, e.in); err != nil {
			return sum, fmt.Errorf("demo: %s of %s: %w", e.kind, e.badge, err)
		}
		sum.Entries++
	}
	l.t = l.now
	return sum, nil
}
