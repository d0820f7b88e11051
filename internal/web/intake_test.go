package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
)

// addAccount creates an account with a token in the env.
func (e *env) addAccount(u app.NewUser) {
	e.t.Helper()
	u.Password = "correct horse battery"
	if _, err := e.app.CreateUser(context.Background(), tousu.SystemActor, u); err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.app.CreateToken(context.Background(), tousu.SystemActor, u.Login)
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[u.Login] = tok
}

func numbers(r result) []string {
	items, _ := r.field("items").([]any)
	var out []string
	for _, it := range items {
		m, _ := it.(map[string]any)
		s, _ := m["number"].(string)
		out = append(out, s)
	}
	return out
}

// TestUnknownUnitReachesIntakeOffice: a portal complaint naming no unit belongs to the
// intake office, is in its supervisor's 待受理 at once with a desk message, and not in
// another unit's; an admin can mark another unit as 受理机构.
func TestUnknownUnitReachesIntakeOffice(t *testing.T) {
	e := newEnv(t)
	e.addAccount(app.NewUser{Login: "office-sup", Name: "督查处督查员", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "office"})
	body := validComplaint()
	delete(body, "received_at")
	delete(body, "channel")
	body["target"] = map[string]any{"description": "不清楚，在下面描述"}
	r := e.do("POST", "/api/v1/public/complaints", "", body)
	if r.code != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.code, r.raw)
	}
	n := r.str("number")
	got := e.do("GET", "/api/v1/complaints/"+n, "office-sup", nil)
	if got.code != 200 || got.str("owner_unit") != "office" {
		t.Fatalf("intake office supervisor: %d owner %q: %s", got.code, got.str("owner_unit"), got.raw)
	}
	list := e.do("GET", "/api/v1/complaints?status=registered", "office-sup", nil)
	if !slices.Contains(numbers(list), n) {
		t.Errorf("待受理 of the intake office lacks %s: %v", n, numbers(list))
	}
	if other := e.do("GET", "/api/v1/complaints/"+n, "dept-b-super", nil); other.code != http.StatusNotFound {
		t.Errorf("a supervisor of another unit sees it: %d", other.code)
	}
	page, err := e.app.DeskMessages(context.Background(), tousu.Actor{Login: "office-sup", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "office"}, false, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range page.Items {
		if strings.Contains(m.Subject, "待受理") && strings.Contains(m.Subject, n) {
			found = true
		}
	}
	if !found {
		t.Errorf("no desk message about %s for the intake office: %+v", n, page.Items)
	}

	// The admin marks dept-b as the intake office: the next one goes there.
	admin := tousu.Actor{Login: "admin", Roles: []tousu.Role{tousu.RoleAdmin}}
	if err := e.app.SetIntakeOffice(context.Background(), admin, "dept-b"); err != nil {
		t.Fatal(err)
	}
	r = e.do("POST", "/api/v1/public/complaints", "", body)
	if got := e.do("GET", "/api/v1/complaints/"+r.str("number"), "dept-b-super", nil); got.code != 200 || got.str("owner_unit") != "dept-b" {
		t.Errorf("after marking dept-b: %d owner %q", got.code, got.str("owner_unit"))
	}
	if err := e.app.SetIntakeOffice(context.Background(), admin, "nowhere"); !tousu.IsKind(err, tousu.KindInvalid) {
		t.Errorf("SetIntakeOffice(nowhere) = %v, want invalid", err)
	}

	cov, err := e.app.Coverage(context.Background(), admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(cov.Unseen) != 0 {
		t.Errorf("complaints nobody sees: %v", cov.Unseen)
	}
}

// TestCoverageFindsGaps: a unit no supervisor covers is listed, and so is a complaint no
// active account can see.
func TestCoverageFindsGaps(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := tousu.Actor{Login: "admin", Roles: []tousu.Role{tousu.RoleAdmin}}
	cov, err := e.app.Coverage(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(cov.Units) != 0 || len(cov.Unseen) != 0 {
		t.Errorf("root-held supervisor and handlers: gaps %+v", cov)
	}
	n := e.register(nil)
	for _, login := range []string{"supervisor", "omni", "inspector", "leader", "clerk", "target"} {
		if err := e.app.SetAccountDisabled(ctx, admin, login, true); err != nil {
			t.Fatal(err)
		}
	}
	cov, err = e.app.Coverage(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for _, g := range cov.Units {
		if g.NoSupervisor {
			gaps = append(gaps, g.Unit)
		}
	}
	if !slices.Contains(gaps, "dept-a") || slices.Contains(gaps, "dept-b") {
		t.Errorf("units without a supervisor = %v, want dept-a and not dept-b", gaps)
	}
	if !slices.Contains(cov.Unseen, n) {
		t.Errorf("unseen complaints = %v, want %s", cov.Unseen, n)
	}
	if _, err := e.app.Coverage(ctx, tousu.Actor{Login: "clerk", Roles: []tousu.Role{tousu.RoleClerk}}); !tousu.IsKind(err, tousu.KindForbidden) {
		t.Errorf("Coverage as clerk = %v, want forbidden", err)
	}
}

// TestAmend: the clerk who registered it corrects the phone; the event keeps old and new
// masked, never in clear; another clerk may not; an invalid correction is 422 naming the
// field and changes nothing; the audit log records it.
func TestAmend(t *testing.T) {
	e := newEnv(t)
	e.addAccount(app.NewUser{Login: "clerk2", Name: "另一受理员", Roles: []tousu.Role{tousu.RoleClerk}})
	n := e.register(nil)
	bad := e.do("POST", "/api/v1/complaints/"+n+"/amend", "clerk", map[string]any{"reason": "更正电话", "complainant": map[string]any{"phone": "1391234567"}})
	if bad.code != http.StatusUnprocessableEntity || bad.fieldErr("complainant.phone") == "" {
		t.Errorf("a wrong phone: %d %s", bad.code, bad.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+n+"/amend", "clerk", map[string]any{"complainant": map[string]any{"phone": "13812345679"}}); r.code != 422 || r.fieldErr("reason") == "" {
		t.Errorf("no reason: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+n+"/amend", "clerk2", map[string]any{"reason": "更正", "matter": "另一件事情的描述，足够长。"}); r.code != http.StatusForbidden {
		t.Errorf("another clerk amends: %d %s", r.code, r.raw)
	}
	r := e.act(n, "amend", "clerk", map[string]any{"reason": "登记时电话末位录错", "complainant": map[string]any{"phone": "138 1234 5679"},
		"target": map[string]any{"staff": "A001"}}, http.StatusOK)
	if r.str("target.staff") != "A001" || r.str("target.description") == "" || r.str("complainant.phone") == "" {
		t.Errorf("after amend: %s", r.raw)
	}
	rev := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "supervisor", map[string]any{"reason": "回访核对"})
	if got := rev.str("complainant.phone"); got != "13812345679" {
		t.Errorf("revealed phone = %q, want the corrected 13812345679", got)
	}
	evs := e.do("GET", "/api/v1/complaints/"+n+"/events", "supervisor", nil)
	if strings.Contains(evs.raw, "13812345678") || strings.Contains(evs.raw, "13812345679") {
		t.Errorf("the timeline shows a phone in clear: %s", evs.raw)
	}
	if !strings.Contains(evs.raw, `"field":"complainant.phone"`) || !strings.Contains(evs.raw, `"field":"target.staff"`) ||
		!strings.Contains(evs.raw, "138****5678") || !strings.Contains(evs.raw, "138****5679") {
		t.Errorf("the amend event lacks the masked old and new values: %s", evs.raw)
	}
	recs, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "amend", Object: n})
	if err != nil || len(recs) != 1 || strings.Contains(recs[0].Detail, "1381234") {
		t.Errorf("audit of amend = %+v, %v", recs, err)
	}
	// Not from a later state.
	e.act(n, "accept", "supervisor", map[string]any{"classification": "case"}, 200)
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, 200)
	if r := e.do("POST", "/api/v1/complaints/"+n+"/amend", "supervisor", map[string]any{"reason": "x", "matter": "更正后的事项内容"}); r.code != http.StatusConflict {
		t.Errorf("amend when assigned: %d", r.code)
	}
}

// TestReissueQueryCode: the old code stops working, the new one tracks; audited; only
// clerks and supervisors; a reason is required.
func TestReissueQueryCode(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	n, old := r.str("number"), r.str("query_code")
	if c := e.do("POST", "/api/v1/complaints/"+n+"/query-code", "clerk", map[string]any{}); c.code != 422 || c.fieldErr("reason") == "" {
		t.Errorf("no reason: %d %s", c.code, c.raw)
	}
	if c := e.do("POST", "/api/v1/complaints/"+n+"/query-code", "leader", map[string]any{"reason": "遗失"}); c.code != http.StatusForbidden {
		t.Errorf("leader: %d", c.code)
	}
	c := e.do("POST", "/api/v1/complaints/"+n+"/query-code", "clerk", map[string]any{"reason": "投诉人遗失回执"})
	code := c.str("query_code")
	if c.code != 200 || c.str("number") != n || len(code) < 8 || code == old {
		t.Fatalf("reissue: %d %s", c.code, c.raw)
	}
	if t1 := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+old, "", nil); t1.code != http.StatusNotFound {
		t.Errorf("old code still tracks: %d", t1.code)
	}
	if t2 := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil); t2.code != 200 {
		t.Errorf("new code: %d %s", t2.code, t2.raw)
	}
	recs, _ := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "query_code", Object: n})
	if len(recs) != 1 || recs[0].Actor != "clerk" {
		t.Errorf("audit = %+v", recs)
	}
	evs := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil)
	if strings.Contains(evs.raw, "query_code\"") && strings.Contains(evs.raw, "重置查询码") {
		t.Errorf("the public timeline shows the reissue: %s", evs.raw)
	}
}

// TestFirstReceiverAndLateHandover: registration records the first receiver; a complaint
// registered after the working day following receipt is flagged and found by the filter;
// the first receiver's unit head is told; the portal names no first receiver.
func TestFirstReceiverAndLateHandover(t *testing.T) {
	e := newEnv(t)
	// Received on Monday 26 January, registered Friday 30th: late.
	late := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
		b := validComplaint()
		b["received_at"] = "2026-01-26T09:00:00+08:00"
		b["first_receiver"] = map[string]any{"staff": "A001"}
		b["handed_over_at"] = "2026-01-29T16:00:00+08:00"
		return b
	}())
	if late.code != 201 {
		t.Fatalf("register: %d %s", late.code, late.raw)
	}
	if late.field("late_handover") != true || late.str("first_receiver.staff") != "A001" || late.str("first_receiver.unit") != "win-a1" ||
		late.str("first_receiver.staff_name") != "王窗口" || !strings.HasPrefix(late.str("handed_over_at"), "2026-01-29T16:00:00") {
		t.Errorf("late registration: %s", late.raw)
	}
	onTime := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
		b := validComplaint()
		b["received_at"] = "2026-01-29T17:00:00+08:00"
		return b
	}())
	if onTime.field("late_handover") != false {
		t.Errorf("received the day before: late_handover = %v", onTime.field("late_handover"))
	}
	list := e.do("GET", "/api/v1/complaints?late_handover=true", "supervisor", nil)
	if got := numbers(list); len(got) != 1 || got[0] != late.str("number") {
		t.Errorf("late_handover=true lists %v", got)
	}
	if r := e.do("GET", "/api/v1/complaints?late_handover=maybe", "supervisor", nil); r.code != 422 || r.fieldErr("late_handover") == "" {
		t.Errorf("late_handover=maybe: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
		b := validComplaint()
		b["first_receiver"] = map[string]any{"staff": "NOPE"}
		return b
	}()); r.code != 422 || r.fieldErr("first_receiver.staff") == "" {
		t.Errorf("unknown first receiver: %d %s", r.code, r.raw)
	}
	// The head of win-a1's unit (the supervisor of dept-a, nearest) is told.
	page, err := e.app.DeskMessages(context.Background(), tousu.Actor{Login: "target", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "dept-a"}, false, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	told := false
	for _, m := range page.Items {
		if strings.Contains(m.Subject, "首诉移交") && strings.Contains(m.Body, "逾期移交") {
			told = true
		}
	}
	if !told {
		t.Errorf("the first receiver's unit was not told: %+v", page.Items)
	}
	pub := validComplaint()
	delete(pub, "channel")
	p := e.do("POST", "/api/v1/public/complaints", "", pub)
	got := e.do("GET", "/api/v1/complaints/"+p.str("number"), "supervisor", nil)
	if got.field("first_receiver") != nil || got.field("late_handover") != false {
		t.Errorf("portal complaint: first_receiver %v late %v", got.field("first_receiver"), got.field("late_handover"))
	}
}

// TestComplainantSearch: exact phone, ID number and name find a complainant's cases for
// those who may reveal, audited; others are refused; unknown parameters are 400 naming
// them; staff=BADGE filters.
func TestComplainantSearch(t *testing.T) {
	e := newEnv(t)
	a := e.register(func(b map[string]any) {
		b["complainant"] = map[string]any{"name": "张 三", "phone": "13812345678", "id_number": "11010519491231002X"}
	})
	b := e.register(func(b map[string]any) {
		b["complainant"] = map[string]any{"name": "李四", "phone": "0571-87654321"}
		b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"}
	})
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"complainant_phone=%2B86+138-1234-5678", []string{a}},
		{"complainant_phone=057187654321", []string{b}},
		{"complainant_id_number=11010519491231002x", []string{a}},
		{"complainant_name=" + url.QueryEscape("张三"), []string{a}},
		{"complainant_name=" + url.QueryEscape("张"), nil},
		{"staff=A001", []string{b}},
		{"staff=B001", nil},
	} {
		r := e.do("GET", "/api/v1/complaints?"+c.query, "supervisor", nil)
		if r.code != 200 || !slices.Equal(numbers(r), c.want) {
			t.Errorf("%s: %d %v, want %v: %s", c.query, r.code, numbers(r), c.want, r.raw)
		}
	}
	if r := e.do("GET", "/api/v1/complaints?complainant_phone=13812345678", "clerk", nil); r.code != http.StatusForbidden {
		t.Errorf("clerk searching by phone: %d", r.code)
	}
	if r := e.do("GET", "/api/v1/complaints?complainant_phone=123", "supervisor", nil); r.code != 422 || r.fieldErr("complainant_phone") == "" {
		t.Errorf("bad phone: %d %s", r.code, r.raw)
	}
	r := e.do("GET", "/api/v1/complaints?staf=A001", "supervisor", nil)
	if r.code != http.StatusBadRequest || r.fieldErr("staf") == "" || !strings.Contains(r.str("error.message"), "staf") {
		t.Errorf("unknown parameter: %d %s", r.code, r.raw)
	}
	recs, _ := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "search_complainant", Actor: "supervisor"})
	if len(recs) != 5 {
		t.Errorf("%d searches audited, want 5", len(recs))
	}
	for _, rec := range recs {
		if strings.Contains(rec.Detail, "138") || strings.Contains(rec.Detail, "张") {
			t.Errorf("the audit names a value: %+v", rec)
		}
	}
}

// TestPhoneAndNameRules: the phone rules of issue 11 through the API.
func TestPhoneAndNameRules(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		phone, want string // want "" = refused
	}{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"+86 138-1234-5678", "13812345678"},
		{"0571-87654321", "0571-87654321"},
		{"010 62345678 转 123", "010-62345678-123"},
		{"010-62345678-123", "010-62345678-123"},
		{"+852 2123 4567", "+85221234567"},
		{"1391234567", ""},
		{"138123456789", ""},
		{"87654321", ""},
		{"12345", ""},
	} {
		body := validComplaint()
		body["complainant"] = map[string]any{"name": "张三", "phone": c.phone}
		r := e.do("POST", "/api/v1/complaints", "clerk", body)
		if c.want == "" {
			if r.code != 422 || !strings.Contains(r.fieldErr("complainant.phone"), "手机号应为11位") {
				t.Errorf("phone %q: %d %s", c.phone, r.code, r.raw)
			}
			continue
		}
		if r.code != 201 {
			t.Errorf("phone %q: %d %s", c.phone, r.code, r.raw)
			continue
		}
		rev := e.do("POST", "/api/v1/complaints/"+r.str("number")+"/reveal", "supervisor", map[string]any{"reason": "核对"})
		if got := rev.str("complainant.phone"); got != c.want {
			t.Errorf("phone %q stored as %q, want %q", c.phone, got, c.want)
		}
	}
	for _, name := range []string{"张三😀", "张\u200b三", "李\u0007四"} {
		body := validComplaint()
		body["complainant"] = map[string]any{"name": name, "phone": "13812345678"}
		if r := e.do("POST", "/api/v1/complaints", "clerk", body); r.code != 422 || r.fieldErr("complainant.name") == "" {
			t.Errorf("name %q: %d %s", name, r.code, r.raw)
		}
	}
}

// TestWithdrawTellsTheWindow: withdrawal after explanation tells the supervisors and
// handlers nearest the window (here dept-a's supervisor), and the complaint counts as a consultation.
func TestWithdrawTellsTheWindow(t *testing.T) {
	e := newEnv(t)
	n := e.register(nil)
	r := e.act(n, "withdraw", "clerk", map[string]any{"note": "经解释，投诉人表示理解"}, 200)
	if r.str("counted_as") != "consultation" {
		t.Errorf("counted_as = %q", r.str("counted_as"))
	}
	page, err := e.app.DeskMessages(context.Background(), tousu.Actor{Login: "target", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "dept-a"}, false, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) == 0 || !strings.Contains(page.Items[0].Subject, "撤销") || !strings.Contains(page.Items[0].Body, "按咨询统计") {
		t.Errorf("the window's handler was not told: %+v", page.Items)
	}
}
