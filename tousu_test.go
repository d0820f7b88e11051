package tousu_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"tousu"
)

func TestValidIDNumber(t *testing.T) {
	for _, c := range []struct {
		id   string
		want bool
	}{
		{"11010519491231002X", true}, // the standard's own example
		{"110101199003071234", false},
		{"11010519491231002x", false}, // the check character is upper case
		{"1101051949123100", false},
		{"", false},
		{"ABCDEFGHIJKLMNOPQR", false},
	} {
		if got := tousu.ValidIDNumber(c.id); got != c.want {
			t.Errorf("ValidIDNumber(%q) = %v, want %v", c.id, got, c.want)
		}
	}
}

func TestRegisterValidate(t *testing.T) {
	now := time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC)
	valid := func() tousu.Register {
		return tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit,
			Complainant: tousu.Complainant{Name: "张三", Phone: "13812345678"}, Matter: "窗口人员态度恶劣"}
	}
	future := now.Add(time.Hour)
	for _, c := range []struct {
		name  string
		mod   func(r *tousu.Register)
		field string // "" when valid
	}{
		{"valid", func(r *tousu.Register) {}, ""},
		{"anonymous", func(r *tousu.Register) { r.Complainant = tousu.Complainant{Anonymous: true} }, ""},
		{"anonymous with a name", func(r *tousu.Register) { r.Complainant.Anonymous = true }, "complainant.name"},
		{"no contact", func(r *tousu.Register) { r.Complainant.Phone = "" }, "complainant.phone"},
		{"email only", func(r *tousu.Register) { r.Complainant.Phone, r.Complainant.Email = "", "a@b.cn" }, ""},
		{"bad email", func(r *tousu.Register) { r.Complainant.Email = "not an email" }, "complainant.email"},
		{"no matter", func(r *tousu.Register) { r.Matter = "" }, "matter"},
		{"matter too long", func(r *tousu.Register) { r.Matter = strings.Repeat("投", tousu.MaxMatter+1) }, "matter"},
		{"invalid UTF-8", func(r *tousu.Register) { r.Request = "\xff\xfe" }, "request"},
		{"NUL byte", func(r *tousu.Register) { r.Matter = "窗口\x00态度" }, "matter"},
		{"line breaks are fine", func(r *tousu.Register) { r.Matter = "第一行\r\n第二行\t完" }, ""},
		{"unknown kind", func(r *tousu.Register) { r.Kind = "praise" }, "kind"},
		{"unknown channel", func(r *tousu.Register) { r.Channel = "fax" }, "channel"},
		{"future receipt", func(r *tousu.Register) { r.ReceivedAt = &future }, "received_at"},
		{"future incident", func(r *tousu.Register) { r.IncidentAt = &future }, "incident_at"},
		{"bad unit code", func(r *tousu.Register) { r.Target.Unit = "Robert'); DROP TABLE" }, "target.unit"},
		{"bad category", func(r *tousu.Register) { r.Categories = []string{"UPPER"} }, "categories"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := valid()
			c.mod(&r)
			r.Normalize()
			err := r.Validate(now)
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !tousu.IsKind(err, tousu.KindInvalid) || tousu.FieldsOf(err)[c.field] == "" {
				t.Fatalf("Validate() = %v, want an invalid error naming %s", err, c.field)
			}
		})
	}
}

// TestLifecycleTable checks the table itself: every action reaches a status, from states
// that exist, and archived is final.
func TestLifecycleTable(t *testing.T) {
	seen := map[tousu.Action]bool{}
	for _, tr := range tousu.Lifecycle {
		if seen[tr.Action] {
			t.Errorf("action %s appears twice", tr.Action)
		}
		seen[tr.Action] = true
		if len(tr.Roles) == 0 || len(tr.From) == 0 || tr.Label == "" {
			t.Errorf("action %s lacks roles, states or a label", tr.Action)
		}
		for _, s := range append(tr.From, tr.To) {
			if s != "" && !tousu.Statuses.Valid(s) {
				t.Errorf("action %s names unknown status %s", tr.Action, s)
			}
		}
		if tousu.NewPayload(tr.Action) == nil {
			t.Errorf("action %s has no payload type", tr.Action)
		}
	}
	if got := tousu.ActionsFrom(tousu.StatusArchived); len(got) != 0 {
		t.Errorf("archived allows %v, want nothing", got)
	}
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC)
	sup := tousu.Actor{Login: "s", Roles: []tousu.Role{tousu.RoleSupervisor}}
	clerk := tousu.Actor{Login: "c", Roles: []tousu.Role{tousu.RoleClerk}}
	c := &tousu.Complaint{ID: "x", Number: "TS20260130-0001", Status: tousu.StatusRegistered}

	if _, err := tousu.Apply(c, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase}, clerk, now); !tousu.IsKind(err, tousu.KindForbidden) {
		t.Errorf("clerk accept: %v, want forbidden", err)
	}
	_, err := tousu.Apply(c, tousu.ActReply, nil, sup, now)
	if !tousu.IsKind(err, tousu.KindTransition) || !strings.Contains(err.Error(), "“受理”") ||
		!strings.Contains(err.Error(), "已登记") || strings.Contains(err.Error(), "accept") {
		t.Errorf("reply from registered: %v, want invalid_transition naming 已登记 and “受理” in Chinese words only", err)
	}
	ev, err := tousu.Apply(c, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassOnsite, Categories: []string{"fees"}}, sup, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != tousu.StatusAccepted || c.Classification != tousu.ClassOnsite || ev.From != tousu.StatusRegistered ||
		ev.To != tousu.StatusAccepted || ev.Type != "accept" || fmt.Sprint(c.Categories) != "[fees]" {
		t.Errorf("after accept: %+v, event %+v", c, ev)
	}
	res := &tousu.ResolvePayload{Decision: tousu.Decision{Finding: tousu.FindingFounded}, Process: "现场协调", Result: "当场办结", Channel: tousu.ChannelVisit}
	if _, err := tousu.Apply(c, tousu.ActResolve, res, clerk, now); err != nil {
		t.Fatal(err)
	}
	if c.Status != tousu.StatusReplied || c.Reply == nil || c.Decision == nil {
		t.Errorf("after resolve: %+v", c)
	}
	if _, err := tousu.Apply(c, tousu.ActFeedback, &tousu.FeedbackPayload{Level: 4, Reopen: true}, sup, now); !tousu.IsKind(err, tousu.KindInvalid) {
		t.Errorf("reopen request while satisfied: %v, want invalid", err)
	}
	if _, err := tousu.Apply(c, tousu.ActFeedback, &tousu.FeedbackPayload{Level: 1, Reopen: true}, tousu.PublicActor, now); err != nil {
		t.Fatal(err)
	}
	// A rating of 1–2 never closes nor reopens the case by itself: it waits, marked
	// dissatisfied, for a supervisor.
	if c.Status != tousu.StatusReplied || c.Satisfaction != 1 || !c.Handling.Dissatisfied || c.Marks&tousu.MarkDissatisfied == 0 {
		t.Errorf("dissatisfied with reopen: status %s satisfaction %d handling %+v marks %b", c.Status, c.Satisfaction, c.Handling, c.Marks)
	}
	if _, err := tousu.Apply(c, tousu.ActFeedback, &tousu.FeedbackPayload{Level: 5}, tousu.PublicActor, now); !tousu.IsKind(err, tousu.KindTransition) {
		t.Errorf("second rating after dissatisfaction: %v, want invalid_transition", err)
	}
	if _, err := tousu.Apply(c, tousu.ActClose, &tousu.ClosePayload{}, sup, now); tousu.FieldsOf(err)["explanation"] == "" {
		t.Errorf("close of a dissatisfied case without explanation: %v, want a field error on explanation", err)
	}
	if _, err := tousu.Apply(c, tousu.ActReopen, &tousu.ReasonPayload{Reason: "投诉人不满意"}, sup, now); err != nil {
		t.Fatal(err)
	}
	if c.Status != tousu.StatusInProgress || c.Satisfaction != 0 || c.Handling.Dissatisfied || c.Marks != 0 {
		t.Errorf("after reopen: status %s satisfaction %d handling %+v marks %b", c.Status, c.Satisfaction, c.Handling, c.Marks)
	}
}

func TestErrorKinds(t *testing.T) {
	base := tousu.Errorf(tousu.KindNotFound, "未找到")
	var err error = base
	tousu.Wrap(&err, "sqlite.FindComplaint(%q)", "TS1")
	if tousu.KindOf(err) != tousu.KindNotFound || tousu.PublicMessage(err) != "未找到" {
		t.Errorf("wrapped: kind %s message %q", tousu.KindOf(err), tousu.PublicMessage(err))
	}
	if got := err.Error(); got != `sqlite.FindComplaint("TS1"): 未找到` {
		t.Errorf("Error() = %q", got)
	}
	plain := errors.New("disk on fire")
	tousu.Wrap(&plain, "op")
	if tousu.KindOf(plain) != tousu.KindInternal || strings.Contains(tousu.PublicMessage(plain), "fire") {
		t.Errorf("foreign error: kind %s, message %q", tousu.KindOf(plain), tousu.PublicMessage(plain))
	}
}

func TestDate(t *testing.T) {
	d := tousu.MustDate("2026-02-28")
	if d.AddDays(1).String() != "2026-03-01" || d.Weekday() != time.Saturday {
		t.Errorf("AddDays/Weekday wrong for %s", d)
	}
	var z tousu.Date
	if b, _ := z.MarshalJSON(); string(b) != "null" {
		t.Errorf("zero date marshals as %s", b)
	}
	if d.DaysUntil(tousu.MustDate("2026-03-02")) != 2 {
		t.Errorf("DaysUntil wrong")
	}
}

func TestTreeOrder(t *testing.T) {
	type node struct{ code, parent string }
	nodes := []node{{"win", "dept"}, {"dept", "root"}, {"orphan", "gone"}, {"root", ""}, {"a", "b"}, {"b", "a"}}
	got := tousu.TreeOrder(nodes, func(n node) (string, string) { return n.code, n.parent })
	var codes []string
	for _, n := range got {
		codes = append(codes, n.code)
	}
	// Parents first; an orphan counts as a root; a cycle comes last, nothing lost.
	if want := "orphan root dept win a b"; strings.Join(codes, " ") != want {
		t.Errorf("TreeOrder = %v, want %s", codes, want)
	}
}

func TestDateKey(t *testing.T) {
	for _, d := range []tousu.Date{{}, tousu.MustDate("2026-02-27"), tousu.MustDate("1999-12-31")} {
		if got := tousu.KeyDate(tousu.DateKey(d)); got != d {
			t.Errorf("KeyDate(DateKey(%v)) = %v", d, got)
		}
	}
	if k := tousu.DateKey(tousu.MustDate("2026-02-27")); k != 20260227 {
		t.Errorf("DateKey(2026-02-27) = %d", k)
	}
}
