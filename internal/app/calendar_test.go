package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// notice2027 is a notice for 2027 as the State Council would word it, for the tests: the
// real one was not out when they were written. Its 春节 differs from the statutory days
// (one more day off, a make-up Saturday), so that importing it moves due dates.
const notice2027 = `国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
国务院办公厅`

// TestImportMovesOpenCases: a case received in 2027 before the notice is due on the
// statutory calendar (provisional); importing the notice moves its due date once, with
// an event on the complainant's timeline, however many nodes run the job; an override
// then moves it again.
func TestImportMovesOpenCases(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		ctx := context.Background()
		clock := &ntClock{t: time.Date(2027, 1, 29, 10, 0, 0, 0, cst)}
		a := newApp(t, db, app.Options{Keys: newRing(t, 1), Now: clock.Now})
		b, err := app.New(app.Options{Store: db, Keys: newRing(t, 1), Now: clock.Now, Location: cst})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Register(ctx, clerk, tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit,
			Complainant: person(1), Target: tousu.Target{Unit: "win-a1"}, Matter: "春节前办理社保转移，窗口推诿。"}, app.RegisterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Statutory: Feb 1–4 (4), 除夕 Feb 5 to 初三 Feb 8 and 补假 Feb 9–10, Feb 11–12 (6),
		// Feb 15–19 (11), Feb 22–25 (15).
		if v.DueDate != tousu.MustDate("2027-02-25") || !v.DueProvisional {
			t.Fatalf("before the notice: due %s provisional %v, want 2027-02-25 provisional", v.DueDate, v.DueProvisional)
		}

		// A preview changes nothing.
		res, err := a.ImportNotice(ctx, admin, app.NoticeInput{Year: 2027, Text: notice2027, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Saved || len(res.Workdays) != 1 || res.Workdays[0] != tousu.MustDate("2027-02-20") {
			t.Fatalf("preview: %+v", res)
		}
		if _, err := a.ImportNotice(ctx, clerk, app.NoticeInput{Year: 2027, Text: notice2027}); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Fatalf("a clerk imported a notice: %v", err)
		}
		if _, err := a.ImportNotice(ctx, admin, app.NoticeInput{Year: 2027, Text: notice2027}); err != nil {
			t.Fatal(err)
		}

		// Two nodes tick; the lease gives the recompute to one, and it happens once.
		changed := 0
		for range 2 {
			for i, n := range []*app.App{a, b} {
				rep, err := n.Tick(ctx, []string{"node-a", "node-b"}[i], time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				changed += rep.Recompute.Changed
			}
		}
		if changed != 1 {
			t.Fatalf("recomputed %d times, want 1", changed)
		}
		// Notice: Feb 1–4 (4), Feb 15–19 (9), Sat Feb 20 (10), Feb 22–26 (15).
		got, err := a.Get(ctx, supervisor, v.Number)
		if err != nil {
			t.Fatal(err)
		}
		if got.DueDate != tousu.MustDate("2027-02-26") || got.DueProvisional {
			t.Fatalf("after the notice: due %s provisional %v, want 2027-02-26 not provisional", got.DueDate, got.DueProvisional)
		}
		pub, err := a.Track(ctx, v.Number, v.QueryCode)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, e := range pub.Timeline {
			if e.Type == tousu.EventDueAdjusted {
				texts = append(texts, e.Label+"："+e.Text)
			}
		}
		if len(texts) != 1 || !strings.Contains(texts[0], "期限因节假日安排调整") || !strings.Contains(texts[0], "2027-02-26") {
			t.Fatalf("public timeline: %q", texts)
		}
		if pub.DueDate != tousu.MustDate("2027-02-26") {
			t.Errorf("public due date %s", pub.DueDate)
		}
		var audited bool
		for _, r := range auditActions(t, db) {
			if r.Action == "deadline.recompute" && r.Object == v.Number {
				audited = true
			}
			if r.Action == "calendar.import" && r.Actor != admin.Login {
				t.Errorf("import audited as %q", r.Actor)
			}
		}
		if !audited {
			t.Error("the recompute is not in the audit log")
		}

		// A local holiday on Mon Feb 22 moves it again, on the next tick.
		if err := a.PutCalendarOverride(ctx, admin, tousu.CalendarOverride{Date: tousu.MustDate("2027-02-22"), Name: "地方假日"}); err != nil {
			t.Fatal(err)
		}
		rep, err := b.Tick(ctx, "node-a", time.Minute) // node-a's lease, held from b: the lease is by name
		if err != nil {
			t.Fatal(err)
		}
		if rep.Recompute.Changed != 1 {
			t.Fatalf("after the override: changed %d, want 1", rep.Recompute.Changed)
		}
		got, _ = a.Get(ctx, supervisor, v.Number)
		if got.DueDate != tousu.MustDate("2027-03-01") {
			t.Errorf("after the override: due %s, want 2027-03-01", got.DueDate)
		}
	})
}

// TestCalendarDayClock: a period in 日 pauses and extends in calendar days.
func TestCalendarDayClock(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		ctx := context.Background()
		clock := &ntClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, cst)}
		a := newApp(t, db, app.Options{Keys: newRing(t, 1), Now: clock.Now})
		if err := a.PutPolicy(ctx, admin, &tousu.Policy{Name: "信访 15日", Days: 15, Unit: tousu.CalendarDays}); err != nil {
			t.Fatal(err)
		}
		n := register(t, a, person(2), nil)
		v, err := a.Get(ctx, supervisor, n)
		if err != nil {
			t.Fatal(err)
		}
		if v.DueDate != tousu.MustDate("2026-11-17") {
			t.Fatalf("15 日 from 2026-11-02: due %s, want 2026-11-17", v.DueDate)
		}
		if _, err := a.Act(ctx, supervisor, n, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase}); err != nil {
			t.Fatalf("accept: %v", err)
		}
		// A unit is assigned only where a handler works; extensions up to the 30-day cap
		// without a leader's approval, so that the clock alone is tested here.
		if _, err := a.CreateUser(ctx, tousu.SystemActor, app.NewUser{Login: "handler", Name: "承办人",
			Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a", Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		pol := app.DefaultHandlingPolicy
		pol.ApprovalAboveDays = 30
		if err := a.SetHandlingPolicy(ctx, admin, pol); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Act(ctx, supervisor, n, tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Mode: tousu.ModeTransfer}); err != nil {
			t.Fatalf("assign: %v", err)
		}
		handler := tousu.Actor{Login: "handler", Name: "承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a"}
		if _, err := a.Act(ctx, handler, n, tousu.ActSign, nil); err != nil {
			t.Fatalf("sign: %v", err)
		}
		clock.Set(time.Date(2026, 11, 6, 9, 0, 0, 0, cst))
		if _, err := a.Act(ctx, supervisor, n, tousu.ActSuspend, &tousu.ReasonPayload{Reason: "等待鉴定结论"}); err != nil {
			t.Fatalf("suspend: %v", err)
		}
		clock.Set(time.Date(2026, 11, 16, 9, 0, 0, 0, cst))
		v, err = a.Act(ctx, supervisor, n, tousu.ActResume, &tousu.ReasonPayload{Reason: "已取得鉴定结论"})
		if err != nil {
			t.Fatalf("resume: %v", err)
		}
		if v.DueDate != tousu.MustDate("2026-11-27") {
			t.Fatalf("after a 10-day suspension: due %s, want 2026-11-27", v.DueDate)
		}
		// working_days names the wrong unit for this case.
		_, err = a.Act(ctx, supervisor, n, tousu.ActExtend, &tousu.ExtendPayload{WorkingDays: 5, Reason: "案情复杂"})
		if e, ok := err.(*tousu.Error); !ok || e.Fields["days"] == "" {
			t.Fatalf("extend with working_days on a 日 policy: %v, want a refusal naming days", err)
		}
		v, err = a.Act(ctx, supervisor, n, tousu.ActExtend, &tousu.ExtendPayload{Days: 30, Reason: "案情复杂，需补充调查"})
		if err != nil {
			t.Fatalf("extend: %v", err)
		}
		// 15 + 10 + 30 = 55 days from Nov 2: Sun Dec 27 → Mon Dec 28.
		if v.DueDate != tousu.MustDate("2026-12-28") {
			t.Errorf("after +30 日: due %s, want 2026-12-28", v.DueDate)
		}
	})
}

// TestProvisionalSMS: the complainant's receipt by SMS says the date is 预计 when it runs
// into a year without its holiday notice.
func TestProvisionalSMS(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		e.clock.Set(time.Date(2026, 12, 20, 10, 0, 0, 0, ntZone))
		e.channels(e.a, app.Notifications{})
		e.register(ntPerson, nil)
		e.deliver(e.a)
		texts := e.sms.sms(t)
		if len(texts) != 1 || !strings.Contains(texts[0].Text, "2027年1月11日（预计）") {
			t.Fatalf("SMS %q, want the due date 2027年1月11日（预计）", texts)
		}
	})
}

// TestRecomputeWarnings: a case warned overdue on the statutory calendar is not overdue
// once the notice gives it a day more, and is warned again only when it is late again.
func TestRecomputeWarnings(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		ctx := context.Background()
		clock := &ntClock{t: time.Date(2027, 1, 29, 10, 0, 0, 0, cst)}
		a := newApp(t, db, app.Options{Keys: newRing(t, 1), Now: clock.Now})
		n := register(t, a, person(3), nil)
		overdue := func() int {
			evs, err := a.Events(ctx, supervisor, n)
			if err != nil {
				t.Fatal(err)
			}
			k := 0
			for _, e := range evs {
				if e.Type == tousu.EventWarnOverdue {
					k++
				}
			}
			return k
		}
		clock.Set(time.Date(2027, 2, 26, 9, 0, 0, 0, cst)) // the day after the statutory due date
		if _, err := a.Tick(ctx, "node", time.Minute); err != nil {
			t.Fatal(err)
		}
		if v, _ := a.Get(ctx, supervisor, n); !v.Overdue || overdue() != 1 {
			t.Fatalf("on 02-26: overdue %v, %d warnings, want overdue and 1", v.Overdue, overdue())
		}
		if _, err := a.ImportNotice(ctx, admin, app.NoticeInput{Year: 2027, Text: notice2027}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Tick(ctx, "node", time.Minute); err != nil {
			t.Fatal(err)
		}
		v, _ := a.Get(ctx, supervisor, n)
		if v.Overdue || v.DueDate != tousu.MustDate("2027-02-26") || overdue() != 1 {
			t.Fatalf("after the notice: due %s overdue %v, %d warnings", v.DueDate, v.Overdue, overdue())
		}
		clock.Set(time.Date(2027, 2, 27, 9, 0, 0, 0, cst))
		if _, err := a.Tick(ctx, "node", time.Minute); err != nil {
			t.Fatal(err)
		}
		if overdue() != 2 {
			t.Errorf("late again on 02-27: %d overdue warnings, want 2", overdue())
		}
	})
}
