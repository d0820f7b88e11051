package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tousu"
)

// TestStaffRecordAndAssessment: for staff member A001 in January 2026 — a founded
// complaint, a complaint confirmed malicious (left out of the figures), a failed
// inspection item, a praise, a sanction and a training — the record shows each, and the
// month's assessment is the hand-computed 100 − 10 (founded) − 5 (failed item) − 5
// (sanction) + 2 (praise) = 82 for A001 and for window win-a1; A002, who handles both
// cases of dept-a still unanswered past their due date, carries two late_reply
// accountability records: 100 − 2×3 = 94; B001, who handed a complaint over late, and
// their window win-b1: 100 − 3 = 97. Roles, scope and recusal hold; every view is audited.
func TestStaffRecordAndAssessment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	atA001 := func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"} }
	founded := e.register(atA001)
	e.driveFrom(founded, tousu.StatusDecided)
	malicious := e.register(atA001)
	open := e.register(nil)
	e.driveFrom(open, tousu.StatusInProgress)
	e.inspect()
	// A 非常不满意 of A001 at 医保 win-a1 (好差评): in the record and −2 in the assessment.
	bad := badRating("T-A001")
	bad["window"], bad["staff"] = "win-a1", "A001"
	if r := e.rate(bad); r.code != http.StatusCreated {
		t.Fatalf("rating: %d %s", r.code, r.raw)
	}
	// Received on Monday 26 January by B001 and handed over on the 29th: late (逾期移交).
	late := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
		b := validComplaint()
		b["received_at"] = "2026-01-26T09:00:00+08:00"
		b["first_receiver"] = map[string]any{"staff": "B001"}
		b["handed_over_at"] = "2026-01-29T16:00:00+08:00"
		return b
	}())
	if late.field("late_handover") != true {
		t.Fatalf("late handover: %s", late.raw)
	}

	// Malicious: proposed by a supervisor with reasons, confirmed by an inspector.
	if r := e.do("POST", "/api/v1/complaints/"+malicious+"/malicious", "inspector", map[string]any{"reason": "捏造事实"}); r.code != http.StatusForbidden {
		t.Errorf("proposal by an inspector: %d, want 403", r.code)
	}
	if r := e.do("POST", "/api/v1/complaints/"+founded+"/malicious", "supervisor", map[string]any{"reason": "捏造事实"}); r.code != http.StatusConflict {
		t.Errorf("a founded complaint proposed malicious: %d %s, want 409", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+malicious+"/malicious", "supervisor", map[string]any{"reason": ""}); r.code != http.StatusUnprocessableEntity || r.fieldErr("reason") == "" {
		t.Errorf("proposal without reason: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+malicious+"/malicious", "supervisor", map[string]any{"reason": "经调取录像，所述情形不存在，且投诉人多次以同一事由投诉"}); r.code != http.StatusOK || r.str("status") != "proposed" {
		t.Fatalf("propose: %d %s", r.code, r.raw)
	}
	if !hasMessage(e, "inspector", "恶意投诉认定待审核") {
		t.Errorf("the inspector is not told of the proposal")
	}
	if r := e.do("POST", "/api/v1/complaints/"+malicious+"/malicious_review", "supervisor", map[string]any{"confirmed": true}); r.code != http.StatusForbidden {
		t.Errorf("review by a supervisor: %d, want 403", r.code)
	}
	if r := e.do("POST", "/api/v1/complaints/"+malicious+"/malicious_review", "inspector", map[string]any{"confirmed": true, "note": "同意认定"}); r.code != http.StatusOK || r.str("status") != "confirmed" {
		t.Fatalf("confirm: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/complaints/"+malicious, "supervisor", nil); r.str("status") != "registered" {
		t.Errorf("the complaint's status after the review: %s, want registered (lifecycle-neutral)", r.str("status"))
	}
	if c, err := e.store.FindComplaint(ctx, malicious); err != nil || c.Marks&tousu.MarkMalicious == 0 {
		t.Errorf("the confirmed complaint lacks its mark (%v)", err)
	}
	if r := e.do("GET", "/api/v1/public/complaints/"+malicious+"?code=x", "", nil); strings.Contains(r.raw, "malicious") {
		t.Errorf("the public answer mentions the mark: %s", r.raw)
	}
	if r := e.do("GET", "/api/v1/malicious?status=confirmed", "inspector", nil); !strings.Contains(r.raw, malicious) {
		t.Errorf("the 纪检 summary lacks the confirmed complaint: %s", r.raw)
	}
	// A new complaint from the same person: a notice for the clerk, registered as any other
	// — in the API's answer too, never in the portal's.
	reg := e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	if reg.code != http.StatusCreated || !strings.Contains(reg.str("malicious_notice"), malicious) ||
		!strings.Contains(reg.str("malicious_notice"), "不得因此拒绝受理") || strings.Contains(reg.str("malicious_notice"), "张三") {
		t.Errorf("the registration's answer to the clerk: %d %s, want the notice naming %s", reg.code, reg.raw, malicious)
	}
	again := reg.str("number")
	if r := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
		b := validComplaint()
		b["complainant"] = map[string]any{"name": "李四", "phone": "13900001111"}
		return b
	}()); r.code != http.StatusCreated || strings.Contains(r.raw, "malicious_notice") {
		t.Errorf("another person's registration: %d %s, want no notice", r.code, r.raw)
	}
	pub := validComplaint()
	delete(pub, "channel")
	if r := e.do("POST", "/api/v1/public/complaints", "", pub); r.code != http.StatusCreated || strings.Contains(r.raw, "malicious") ||
		strings.Contains(r.raw, "恶意") {
		t.Errorf("the portal's answer: %d %s, want a registration without the notice", r.code, r.raw)
	}
	c, err := e.store.FindComplaint(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	clerk := tousu.Actor{Login: "clerk", Roles: []tousu.Role{tousu.RoleClerk}}
	if n := e.app.MaliciousNotice(ctx, clerk, c); !strings.Contains(n, malicious) || !strings.Contains(n, "不得因此拒绝受理") {
		t.Errorf("notice to the clerk = %q", n)
	}
	other := e.register(func(b map[string]any) { b["complainant"] = map[string]any{"name": "李四", "phone": "13900001111"} })
	if c, _ := e.store.FindComplaint(ctx, other); e.app.MaliciousNotice(ctx, clerk, c) != "" {
		t.Errorf("a notice for another person")
	}

	// Praise, sanctions and training, each by its roles.
	praise := map[string]any{"type": "praise", "date": "2026-01-30", "reason": "主动帮助老年群众填表", "source": "other"}
	if r := e.do("POST", "/api/v1/staff/A001/praise", "inspector", praise); r.code != http.StatusForbidden {
		t.Errorf("praise by an inspector: %d, want 403", r.code)
	}
	if r := e.do("POST", "/api/v1/staff/A001/praise", "leader", map[string]any{"type": "medal", "reason": ""}); r.code != http.StatusUnprocessableEntity ||
		r.fieldErr("type") == "" || r.fieldErr("reason") == "" {
		t.Errorf("bad praise: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/staff/A001/praise", "leader", praise); r.code != http.StatusCreated {
		t.Fatalf("praise: %d %s", r.code, r.raw)
	}
	sanction := map[string]any{"type": "education", "date": "2026-01-30", "reason": "态度生硬", "source": "complaint", "source_ref": founded}
	if r := e.do("POST", "/api/v1/staff/A001/sanctions", "supervisor", sanction); r.code != http.StatusForbidden {
		t.Errorf("sanction by a supervisor: %d, want 403", r.code)
	}
	if r := e.do("POST", "/api/v1/staff/A001/sanctions", "inspector", sanction); r.code != http.StatusCreated {
		t.Fatalf("sanction: %d %s", r.code, r.raw)
	}
	training := map[string]any{"course": "文明服务礼仪", "date": "2026-01-20", "hours": 4, "result": "合格"}
	if r := e.do("POST", "/api/v1/staff/A001/training", "supervisor", training); r.code != http.StatusCreated {
		t.Fatalf("training: %d %s", r.code, r.raw)
	}

	// The open case passes its due date.
	e.clock.Set(time.Date(2026, 3, 16, 9, 0, 0, 0, cst))
	r := e.do("GET", "/api/v1/staff/A001/record?from=2026-01-01&to=2026-01-31", "supervisor", nil)
	if r.code != http.StatusOK {
		t.Fatalf("record: %d %s", r.code, r.raw)
	}
	for path, want := range map[string]any{"badge": "A001", "complaints.total": 1.0, "complaints.founded": 1.0, "complaints.malicious": 1.0,
		"complaints.measures.criticism": 1.0, "inspections.failed": 1.0, "evaluations.available": true,
		"evaluations.total": 1.0, "evaluations.bad": 1.0, "evaluations.by_level.1": 1.0} {
		if got := r.field(path); got != want {
			t.Errorf("record %s = %v, want %v", path, got, want)
		}
	}
	for _, k := range []string{"praise", "sanctions", "training"} {
		if l, _ := r.field(k).([]any); len(l) != 1 {
			t.Errorf("record %s = %v, want one", k, r.field(k))
		}
	}
	if strings.Contains(r.raw, "13812345678") || strings.Contains(r.raw, "张三") {
		t.Errorf("the record shows a complainant: %s", r.raw)
	}
	r = e.do("GET", "/api/v1/staff/A002/record?from=2026-01-01&to=2026-01-31", "inspector", nil)
	acc, _ := r.field("accountability").([]any)
	if len(acc) != 2 || acc[0].(map[string]any)["kind"] != "late_reply" || !strings.Contains(r.raw, open) || !strings.Contains(r.raw, founded) {
		t.Errorf("A002's accountability = %v, want late_reply of %s and %s", acc, open, founded)
	}
	r = e.do("GET", "/api/v1/staff/B001/record?from=2026-01-01&to=2026-01-31", "inspector", nil)
	if acc, _ := r.field("accountability").([]any); len(acc) != 1 || acc[0].(map[string]any)["kind"] != "late_handover" ||
		acc[0].(map[string]any)["unit"] != "win-b1" {
		t.Errorf("B001's accountability = %v, want one late_handover at win-b1", r.field("accountability"))
	}
	if r := e.do("GET", "/api/v1/staff/A001/record", "target", nil); r.code != http.StatusForbidden {
		t.Errorf("A001 reading their own record: %d, want 403", r.code)
	}
	if r := e.do("GET", "/api/v1/staff/A001/record", "handler-a", nil); r.code != http.StatusForbidden {
		t.Errorf("a handler reading a record: %d, want 403", r.code)
	}
	if r := e.do("GET", "/api/v1/staff/A001/record", "dept-b-super", nil); r.code != http.StatusNotFound {
		t.Errorf("a record outside the reader's subtree: %d, want 404", r.code)
	}
	if r := e.do("GET", "/api/v1/staff/A001/record?from=2026-02-01&to=2026-01-01", "supervisor", nil); r.code != http.StatusUnprocessableEntity || r.fieldErr("to") == "" {
		t.Errorf("a period backwards: %d %s", r.code, r.raw)
	}
	if recs, err := e.store.SearchAudit(ctx, tousu.AuditFilter{Action: "staff.record", Object: "staff:A001"}); err != nil || len(recs) != 1 {
		t.Errorf("views of A001's record audited: %d (%v), want 1", len(recs), err)
	}

	// The month's assessment.
	r = e.do("GET", "/api/v1/assessment?month=2026-01", "leader", nil)
	if r.code != http.StatusOK {
		t.Fatalf("assessment: %d %s", r.code, r.raw)
	}
	score := func(list, code string) float64 {
		items, _ := r.field(list).([]any)
		for _, it := range items {
			m := it.(map[string]any)
			if m["code"] == code {
				return m["score"].(float64)
			}
		}
		t.Errorf("%s has no %s: %s", list, code, r.raw)
		return 0
	}
	for _, c := range []struct {
		list, code string
		want       float64
	}{{"units", "win-a1", 80}, {"units", "win-b1", 97}, {"staff", "A001", 80}, {"staff", "A002", 94}, {"staff", "B001", 97}} {
		if got := score(c.list, c.code); got != c.want {
			t.Errorf("assessment %s %s = %v, want %v", c.list, c.code, got, c.want)
		}
	}
	if units, _ := r.field("units").([]any); len(units) < 2 || units[0].(map[string]any)["code"] != "win-b1" {
		t.Errorf("ranking = %v, want win-b1 first", units)
	}
	if r := e.do("GET", "/api/v1/assessment?month=2026-13", "leader", nil); r.code != http.StatusUnprocessableEntity || r.fieldErr("month") == "" {
		t.Errorf("bad month: %d %s", r.code, r.raw)
	}
	// Weights: the admin's; a sanction weighing 0 gives win-a1 85.
	w := map[string]any{"base": 100, "founded": 10, "failed_item": 5, "accountability": 3, "sanction": 0, "praise": 2,
		"bad_evaluation": 2, "publish": true, "min_sample": 1, "top": 10}
	if r := e.do("PUT", "/api/v1/assessment/weights", "leader", w); r.code != http.StatusForbidden {
		t.Errorf("weights by a leader: %d, want 403", r.code)
	}
	if r := e.do("PUT", "/api/v1/assessment/weights", "admin", map[string]any{"base": -1, "top": 0}); r.code != http.StatusUnprocessableEntity || r.fieldErr("base") == "" || r.fieldErr("top") == "" {
		t.Errorf("bad weights: %d %s", r.code, r.raw)
	}
	if r := e.do("PUT", "/api/v1/assessment/weights", "admin", w); r.code != http.StatusOK {
		t.Fatalf("weights: %d %s", r.code, r.raw)
	}
	r = e.do("GET", "/api/v1/assessment?month=2026-01", "leader", nil)
	if got := score("units", "win-a1"); got != 85 {
		t.Errorf("win-a1 with sanctions weighing 0: %v, want 85", got)
	}
	// The red list on the portal shows only windows with a sample of at least 1.
	red, err := e.app.RedList(ctx, "2026-01")
	if err != nil || len(red.Units) != 1 || red.Units[0].Code != "win-a1" {
		t.Errorf("red list = %+v (%v), want win-a1 alone (win-b1 has no sample)", red, err)
	}
}

// TestMaliciousLeavesStaffStats: statistics by staff count a complaint about A001 until
// it is confirmed malicious; then A001's figures leave it out and the window's keep it.
func TestMaliciousLeavesStaffStats(t *testing.T) {
	e := newEnv(t)
	n := e.register(func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"} })
	received := func(groupBy, key string) float64 {
		t.Helper()
		r := e.do("GET", "/api/v1/stats?from=2026-01-01&to=2026-01-31&group_by="+groupBy, "leader", nil)
		if r.code != http.StatusOK {
			t.Fatalf("stats: %d %s", r.code, r.raw)
		}
		groups, _ := r.field("groups").([]any)
		for _, g := range groups {
			if m := g.(map[string]any); m["key"] == key {
				v, _ := m["received"].(float64)
				return v
			}
		}
		return 0
	}
	if got := received("staff", "A001"); got != 1 {
		t.Fatalf("A001 received before = %v, want 1", got)
	}
	e.do("POST", "/api/v1/complaints/"+n+"/malicious", "supervisor", map[string]any{"reason": "捏造事实"})
	if r := e.do("POST", "/api/v1/complaints/"+n+"/malicious_review", "inspector", map[string]any{"confirmed": true}); r.code != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.code, r.raw)
	}
	if got := received("staff", "A001"); got != 0 {
		t.Errorf("A001 received after the confirmation = %v, want 0", got)
	}
	if got := received("window", "win-a1"); got != 1 {
		t.Errorf("win-a1 received after the confirmation = %v, want 1 (the window did receive it)", got)
	}
}

// TestLateSigning: a unit assigned a case on Friday 30 January owes its signature (or its
// return) by the next working day, Monday 2 February. On Wednesday the 4th, the case it
// signed for that day and the one it has not signed for carry a 逾期签收 record of the
// unit, in the accountability and in the unit's month; the case signed at once, the one
// returned on the Monday, and the one recalled before the unit answered carry none.
func TestLateSigning(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	signedLate := e.register(nil)
	e.driveFrom(signedLate, tousu.StatusAssigned)
	unsigned := e.register(nil)
	e.driveFrom(unsigned, tousu.StatusAssigned)
	signed := e.register(nil)
	e.driveFrom(signed, tousu.StatusInProgress)
	returned := e.register(nil)
	e.driveFrom(returned, tousu.StatusAssigned)
	recalled := e.register(nil)
	e.driveFrom(recalled, tousu.StatusAssigned)
	e.act(recalled, "recall", "supervisor", map[string]any{"reason": "改派其他部门"}, http.StatusOK)

	e.clock.Set(time.Date(2026, 2, 2, 16, 0, 0, 0, cst))
	e.act(returned, "return", "handler-a", validPayload(tousu.ActReturn, e), http.StatusOK)
	e.clock.Set(time.Date(2026, 2, 4, 10, 0, 0, 0, cst))
	e.act(signedLate, "sign", "handler-a", nil, http.StatusOK)

	recs, err := e.app.Accountability(ctx, tousu.Date{Year: 2026, Month: 1, Day: 1}, tousu.Date{Year: 2026, Month: 2, Day: 28})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range recs {
		if r.Kind == "late_sign" {
			if r.Unit != "dept-a" || r.Date.String() != "2026-02-02" {
				t.Errorf("late_sign of %s: unit %s, due %s, want dept-a and 2026-02-02", r.Number, r.Unit, r.Date)
			}
			got[r.Number] = r.Detail
		}
	}
	want := map[string]string{signedLate: "签收时限2026-02-02，2026-02-04签收或退单", unsigned: "签收时限2026-02-02，至今未签收"}
	if len(got) != len(want) || got[signedLate] != want[signedLate] || got[unsigned] != want[unsigned] {
		t.Errorf("late_sign records = %v, want %v", got, want)
	}

	// The admin sets the signing deadline on the desk: 0 sets none, for the assignments
	// made after; more than 10 working days is refused beside its field.
	admin := e.signIn("admin")
	mustContain(t, "templates page", admin.get("/desk/admin/templates"), `name="sign_within" value="1"`)
	form := map[string][]string{"extension_cap_workdays": {"15"}, "extension_cap_days": {"30"},
		"approval_above_workdays": {"5"}, "approval_above_days": {"10"}, "auto_close_after": {"10"}, "sign_within": {"11"}}
	if r := admin.post("/desk/admin/handling", form); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "应为0（不设签收时限）至10个工作日") {
		t.Errorf("a signing deadline of 11 working days: %d", r.code)
	}
	form["sign_within"] = []string{"0"}
	if r := admin.post("/desk/admin/handling", form); r.code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.code, clipBody(r.body))
	}
	free := e.register(nil)
	e.driveFrom(free, tousu.StatusAssigned)
	e.clock.Set(time.Date(2026, 2, 10, 10, 0, 0, 0, cst))
	recs, err = e.app.Accountability(ctx, tousu.Date{Year: 2026, Month: 1, Day: 1}, tousu.Date{Year: 2026, Month: 2, Day: 28})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Kind == "late_sign" && r.Number == free {
			t.Errorf("a late_sign record for an assignment made without a signing deadline: %+v", r)
		}
	}
}
