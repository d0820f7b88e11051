package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// accepted registers a complaint and accepts it as a case.
func (e *env) accepted() string {
	e.t.Helper()
	n := e.register(nil)
	e.act(n, "accept", "supervisor", map[string]any{"classification": "case", "categories": []string{"attitude"}}, http.StatusOK)
	return n
}

// TestAssignment: a unit nobody handles is refused; instructions and the sub-deadline
// reach the handler; an assignment can be recalled and made again.
func TestAssignment(t *testing.T) {
	e := newEnv(t)
	n := e.accepted()
	// (Without the test account that holds every role at the root, which handles all.)
	omni, err := e.store.FindUser(context.Background(), "omni")
	if err != nil {
		t.Fatal(err)
	}
	omni.Disabled = true
	if err := e.store.UpdateUser(context.Background(), omni); err != nil {
		t.Fatal(err)
	}

	// The desk offers it disabled; the API refuses it.
	mustContain(t, "assign form", e.signIn("supervisor").get("/desk/complaints/"+n), "投诉督查处（督查机构）（无承办人）",
		`<optgroup label="本机构 › 人社局" data-unit="dept-a">`)
	// The supervision office has no handler account: assigning there would strand it.
	r := e.act(n, "assign", "supervisor", map[string]any{"unit": "office", "mode": "transfer"}, http.StatusUnprocessableEntity)
	if msg := r.fieldErr("unit"); !strings.Contains(msg, "没有在岗的承办人") {
		t.Errorf("assign to a unit without handler: unit error %q", msg)
	}
	// 督办 needs the unit's sub-deadline.
	r = e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "supervise"}, http.StatusUnprocessableEntity)
	if r.fieldErr("unit_working_days") == "" {
		t.Errorf("督办 without a sub-deadline: %s", r.raw)
	}
	// A window under dept-a is handled by dept-a's handlers.
	e.act(n, "assign", "supervisor", map[string]any{"unit": "win-a1", "mode": "supervise", "unit_working_days": 4,
		"instructions": "请调阅1月29日录像并与当事人谈话"}, http.StatusOK)
	got := e.do("GET", "/api/v1/complaints/"+n, "handler-a", nil)
	if got.code != http.StatusOK || got.str("instructions") != "请调阅1月29日录像并与当事人谈话" ||
		got.field("unit_working_days") != float64(4) || got.str("unit_due") != "2026-02-05" {
		t.Errorf("the handler's view of the assignment: %d %s", got.code, got.raw)
	}
	msgs := e.deskMessages("handler-a")
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "交办意见：请调阅1月29日录像") {
		t.Errorf("handler-a's desk messages: %+v", msgs)
	}

	// Re-assignment from assigned, then recall with a reason (required).
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-b", "mode": "transfer"}, http.StatusOK)
	if got := e.do("GET", "/api/v1/complaints/"+n, "handler-a", nil); got.code != http.StatusNotFound {
		t.Errorf("the first unit's handler still sees the re-assigned case: %d", got.code)
	}
	if r := e.act(n, "recall", "supervisor", map[string]any{}, http.StatusUnprocessableEntity); r.fieldErr("reason") == "" {
		t.Errorf("recall without reason: %s", r.raw)
	}
	r = e.act(n, "recall", "supervisor", map[string]any{"reason": "派错单位"}, http.StatusOK)
	if r.str("status") != "accepted" || r.str("assigned_unit") != "" || r.str("instructions") != "" {
		t.Errorf("after recall: %s", r.raw)
	}
	e.act(n, "recall", "supervisor", map[string]any{"reason": "再撤一次"}, http.StatusConflict)
}

// TestReportSendBackDecide: the handler reports; the supervisor sends back, then decides
// from the report; a unit's case cannot be decided before its report, a 自办 case can.
func TestReportSendBackDecide(t *testing.T) {
	e := newEnv(t)
	n := e.accepted()
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "transfer"}, http.StatusOK)
	e.act(n, "sign", "handler-a", nil, http.StatusOK)
	r := e.act(n, "decide", "supervisor", validPayload(tousu.ActDecide, e), http.StatusConflict)
	if msg := r.str("error.message"); !strings.Contains(msg, "报送办理结果") {
		t.Errorf("decide before the report: %q", msg)
	}
	if r := e.act(n, "report", "handler-a", map[string]any{"process": ""}, http.StatusUnprocessableEntity); r.fieldErr("process") == "" {
		t.Errorf("report without process: %s", r.raw)
	}
	e.act(n, "report", "handler-b", validPayload(tousu.ActReport, e), http.StatusNotFound)
	r = e.act(n, "report", "handler-a", validPayload(tousu.ActReport, e), http.StatusOK)
	if r.str("status") != "reported" || r.str("report.reply_draft") == "" || r.str("report.by") != "handler-a" {
		t.Errorf("after report: %s", r.raw)
	}
	if msgs := e.deskMessages("supervisor"); len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Subject, "待审核") {
		t.Errorf("the supervisor is not told of the report: %+v", msgs)
	}
	e.act(n, "send_back", "handler-a", map[string]any{"reason": "x"}, http.StatusForbidden)
	r = e.act(n, "send_back", "supervisor", map[string]any{"reason": "未联系投诉人"}, http.StatusOK)
	if r.str("status") != "in_progress" {
		t.Errorf("after send_back: %s", r.raw)
	}
	if msgs := e.deskMessages("handler-a"); len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Body, "未联系投诉人") {
		t.Errorf("the handler is not told of the send-back: %+v", msgs)
	}
	e.act(n, "report", "handler-a", validPayload(tousu.ActReport, e), http.StatusOK)
	// The desk's decision form is filled in from the report.
	p := e.signIn("supervisor").get("/desk/complaints/" + n)
	mustContain(t, "decide form", p, `name="finding" value="founded" checked`, `name="measures" value="criticism" checked`, "承办单位办理结果")
	e.act(n, "decide", "supervisor", validPayload(tousu.ActDecide, e), http.StatusOK)

	// 自办: the office's own handler works it and the supervisor decides at once.
	n2 := e.accepted()
	e.act(n2, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "self"}, http.StatusOK)
	e.act(n2, "sign", "handler-a", nil, http.StatusOK)
	e.act(n2, "decide", "supervisor", validPayload(tousu.ActDecide, e), http.StatusOK)
}

// TestHandlerSeesThePhoneOnly: the handler working the case may call the complainant;
// the reveal is audited and never shows the ID number.
func TestHandlerSeesThePhoneOnly(t *testing.T) {
	e := newEnv(t)
	n := e.register(func(b map[string]any) {
		b["complainant"] = map[string]any{"name": "张三", "phone": "13812345678", "id_number": "11010519491231002X"}
	})
	e.act(n, "accept", "supervisor", map[string]any{"classification": "case"}, http.StatusOK)
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, http.StatusOK)
	if r := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "handler-a", map[string]any{"reason": ""}); r.code != http.StatusUnprocessableEntity {
		t.Errorf("reveal without reason: %d", r.code)
	}
	r := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "handler-a", map[string]any{"reason": "电话联系核实情况"})
	if r.code != http.StatusOK || r.str("complainant.phone") != "13812345678" || strings.Contains(r.raw, "11010519491231002X") ||
		strings.Contains(r.raw, "张三") {
		t.Errorf("handler reveal: %d %s", r.code, r.raw)
	}
	recs, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "reveal", Actor: "handler-a"})
	if err != nil || len(recs) != 1 || recs[0].Object != n || !strings.Contains(recs[0].Detail, "电话联系核实情况") {
		t.Errorf("the reveal's audit: %+v %v", recs, err)
	}
}

// TestDissatisfaction: a rating of 1–2 never closes the case; supervisors are told and
// see it in the 不满意 queue; closing needs an explanation the complainant reads;
// reopening clears the old rating.
func TestDissatisfaction(t *testing.T) {
	e := newEnv(t)
	reg := e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	n, code := reg.str("number"), reg.str("query_code")
	e.driveFrom(n, tousu.StatusReplied)
	fb := e.do("POST", "/api/v1/public/complaints/"+n+"/feedback", "", map[string]any{"code": code, "level": 1, "comment": "没有解决"})
	if fb.code != http.StatusOK || fb.str("status") != "replied" {
		t.Fatalf("rating 1: %d %s", fb.code, fb.raw)
	}
	got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil)
	if got.field("dissatisfied") != true || got.field("satisfaction") != float64(1) {
		t.Errorf("after rating 1: %s", got.raw)
	}
	list := e.do("GET", "/api/v1/complaints?dissatisfied=true", "supervisor", nil)
	if items, _ := list.field("items").([]any); len(items) != 1 || !strings.Contains(list.raw, n) {
		t.Errorf("dissatisfied=true: %s", list.raw)
	}
	if r := e.do("GET", "/api/v1/complaints?dissatisfied=maybe", "supervisor", nil); r.code != http.StatusUnprocessableEntity {
		t.Errorf("dissatisfied=maybe: %d", r.code)
	}
	if msgs := e.deskMessages("supervisor"); len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Subject, "不满意") {
		t.Errorf("the supervisor is not told: %+v", msgs)
	}
	mustContain(t, "不满意 tab", e.signIn("supervisor").get("/desk/?tab=dissatisfied"), n)
	// A second rating is refused; closing without an explanation too.
	if r := e.do("POST", "/api/v1/public/complaints/"+n+"/feedback", "", map[string]any{"code": code, "level": 5}); r.code != http.StatusConflict {
		t.Errorf("second rating: %d", r.code)
	}
	if r := e.act(n, "close", "supervisor", map[string]any{"note": "x"}, http.StatusUnprocessableEntity); r.fieldErr("explanation") == "" {
		t.Errorf("close without explanation: %s", r.raw)
	}
	e.act(n, "close", "supervisor", map[string]any{"explanation": "经复核，窗口已按规定一次性告知，处理并无不当。"}, http.StatusOK)
	pub := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil)
	if pub.str("status") != "closed" || !strings.Contains(pub.str("explanation"), "经复核") {
		t.Errorf("the complainant does not read the explanation: %s", pub.raw)
	}

	// Reopened instead: the old rating goes, a fresh one is asked after the new reply.
	reg = e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	n, code = reg.str("number"), reg.str("query_code")
	e.driveFrom(n, tousu.StatusReplied)
	e.do("POST", "/api/v1/public/complaints/"+n+"/feedback", "", map[string]any{"code": code, "level": 2, "reopen": true})
	e.act(n, "reopen", "supervisor", map[string]any{"reason": "投诉人不满意"}, http.StatusOK)
	e.act(n, "decide", "supervisor", validPayload(tousu.ActDecide, e), http.StatusOK)
	e.act(n, "reply", "supervisor", validPayload(tousu.ActReply, e), http.StatusOK)
	pub = e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil)
	if pub.field("can_feedback") != true || pub.field("satisfaction") != nil {
		t.Errorf("after reopen and a new reply: %s", pub.raw)
	}
	p := e.portalGet("/track?number=" + n + "&code=" + code)
	if strings.Contains(p.body, "您的评价") || !strings.Contains(p.body, "评价处理结果") {
		t.Errorf("the portal shows the old rating or no fresh form")
	}
}

// TestAutoClose: a reply never rated closes itself after the policy's working days, with
// an event saying so; a dissatisfied one waits.
func TestAutoClose(t *testing.T) {
	e := newEnv(t)
	n := e.register(nil)
	e.driveFrom(n, tousu.StatusReplied)
	n2 := e.register(nil)
	e.driveFrom(n2, tousu.StatusReplied)
	e.act(n2, "feedback", "supervisor", map[string]any{"level": 2}, http.StatusOK)
	ctx := context.Background()
	e.clock.Set(time.Date(2026, 2, 12, 10, 0, 0, 0, cst)) // 9 working days after 1月30日
	if _, err := e.app.ScanDeadlines(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); got.str("status") != "replied" {
		t.Errorf("closed before 10 working days: %s", got.str("status"))
	}
	e.clock.Set(time.Date(2026, 2, 13, 10, 0, 0, 0, cst))
	rep, err := e.app.ScanDeadlines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AutoClosed != 1 {
		t.Errorf("auto-closed %d, want 1", rep.AutoClosed)
	}
	if got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); got.str("status") != "closed" {
		t.Errorf("unrated reply after 10 working days: %s", got.str("status"))
	}
	evs := e.do("GET", "/api/v1/complaints/"+n+"/events", "supervisor", nil)
	if !strings.Contains(evs.raw, `"auto_close"`) || !strings.Contains(evs.raw, "未收到评价") {
		t.Errorf("no auto_close event: %s", evs.raw)
	}
	if got := e.do("GET", "/api/v1/complaints/"+n2, "supervisor", nil); got.str("status") != "replied" {
		t.Errorf("a dissatisfied case closed by itself: %s", got.str("status"))
	}
}

// TestExtensionApproval: extensions only from accepted on, within the cap; above the
// threshold a leader decides and the due date moves only when approved.
func TestExtensionApproval(t *testing.T) {
	e := newEnv(t)
	reg := e.register(nil)
	e.act(reg, "extend", "supervisor", map[string]any{"working_days": 5, "reason": "x"}, http.StatusConflict)
	n := e.accepted()
	due := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil).str("due_date")
	if r := e.act(n, "extend", "supervisor", map[string]any{"working_days": 16, "reason": "案情复杂"}, http.StatusUnprocessableEntity); !strings.Contains(r.fieldErr("working_days"), "15") {
		t.Errorf("extension over the cap: %s", r.raw)
	}
	r := e.act(n, "extend", "supervisor", map[string]any{"working_days": 3, "reason": "需调取记录"}, http.StatusOK)
	if r.str("due_date") == due || r.field("extended") != true || r.field("pending_extension") != nil {
		t.Errorf("a small extension: %s", r.raw)
	}
	due = r.str("due_date")
	r = e.act(n, "extend", "supervisor", map[string]any{"working_days": 10, "reason": "需外单位协查"}, http.StatusOK)
	if r.str("due_date") != due || r.field("pending_extension.days") != float64(10) {
		t.Errorf("an extension above the threshold moved the due date or opened no request: %s", r.raw)
	}
	if list := e.do("GET", "/api/v1/complaints?pending_extension=true", "leader", nil); !strings.Contains(list.raw, n) {
		t.Errorf("pending_extension=true: %s", list.raw)
	}
	if msgs := e.deskMessages("leader"); len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "延期待审批") {
		t.Errorf("the leader's desk: %+v", msgs)
	}
	e.act(n, "extend", "supervisor", map[string]any{"working_days": 1, "reason": "再延"}, http.StatusConflict)
	e.act(n, "approve_extension", "supervisor", map[string]any{}, http.StatusForbidden)
	r = e.act(n, "approve_extension", "leader", map[string]any{"note": "同意"}, http.StatusOK)
	if r.str("due_date") == due || r.field("pending_extension") != nil || r.field("deadline.extension_days") != float64(13) {
		t.Errorf("after approval: %s", r.raw)
	}
	pub := e.do("GET", "/api/v1/complaints/"+n+"/events", "supervisor", nil)
	if !strings.Contains(pub.raw, `"extension_requested"`) || !strings.Contains(pub.raw, `"approve_extension"`) {
		t.Errorf("timeline: %s", pub.raw)
	}
	e.act(n, "deny_extension", "leader", map[string]any{}, http.StatusConflict)

	// Denied: nothing moves.
	n2 := e.accepted()
	due2 := e.do("GET", "/api/v1/complaints/"+n2, "supervisor", nil).str("due_date")
	e.act(n2, "extend", "supervisor", map[string]any{"working_days": 8, "reason": "需外单位协查"}, http.StatusOK)
	r = e.act(n2, "deny_extension", "leader", map[string]any{"note": "理由不足"}, http.StatusOK)
	if r.str("due_date") != due2 || r.field("pending_extension") != nil || r.field("extended") != false {
		t.Errorf("after denial: %s", r.raw)
	}
}

// TestDisciplineReferral: a decision that refers to 纪检, or an integrity case, reaches
// the inspectors' queue; the inspector records the outcome.
func TestDisciplineReferral(t *testing.T) {
	e := newEnv(t)
	n := e.register(nil)
	e.driveFrom(n, tousu.StatusDecided) // the decision includes discipline_referral
	list := e.do("GET", "/api/v1/complaints?referred=discipline", "inspector", nil)
	if !strings.Contains(list.raw, n) {
		t.Errorf("referred=discipline: %s", list.raw)
	}
	if msgs := e.deskMessages("inspector"); len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "移送纪检") {
		t.Errorf("the inspector's desk: %+v", msgs)
	}
	mustContain(t, "纪检 tab", e.signIn("inspector").get("/desk/?tab=discipline"), n)
	if r := e.act(n, "discipline_outcome", "inspector", map[string]any{"outcome": "maybe", "text": ""}, http.StatusUnprocessableEntity); r.fieldErr("outcome") == "" || r.fieldErr("text") == "" {
		t.Errorf("bad outcome: %s", r.raw)
	}
	r := e.act(n, "discipline_outcome", "inspector", map[string]any{"outcome": "sanction", "text": "给予警告处分"}, http.StatusOK)
	if r.str("discipline_outcome.outcome") != "sanction" || r.str("status") != "decided" {
		t.Errorf("after the outcome: %s", r.raw)
	}
	if list := e.do("GET", "/api/v1/complaints?referred=discipline_pending", "inspector", nil); strings.Contains(list.raw, n) {
		t.Errorf("a case with its outcome is still pending: %s", list.raw)
	}
	// An integrity complaint is referred on acceptance; a case not referred has no outcome.
	n2 := e.register(nil)
	e.act(n2, "accept", "supervisor", map[string]any{"classification": "case", "categories": []string{"integrity"}}, http.StatusOK)
	if got := e.do("GET", "/api/v1/complaints/"+n2, "inspector", nil); got.field("discipline_referred") != true {
		t.Errorf("integrity case not referred: %s", got.raw)
	}
	n3 := e.register(nil)
	e.driveFrom(n3, tousu.StatusReplied)
	// (driveFrom's decision refers; one without the measure is not referred.)
	n4 := e.accepted()
	e.act(n4, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "self"}, http.StatusOK)
	e.act(n4, "sign", "handler-a", nil, http.StatusOK)
	e.act(n4, "decide", "supervisor", map[string]any{"finding": "unfounded"}, http.StatusOK)
	e.act(n4, "discipline_outcome", "inspector", map[string]any{"outcome": "none", "text": "无"}, http.StatusConflict)
}

// TestLeaderInstructs: a leader's instruction is internal and reaches those working the
// case; the leader's desk opens on the overview of its scope.
func TestLeaderInstructs(t *testing.T) {
	e := newEnv(t)
	reg := e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	n, code := reg.str("number"), reg.str("query_code")
	e.driveFrom(n, tousu.StatusInProgress)
	e.act(n, "instruct", "supervisor", map[string]any{"text": "x"}, http.StatusForbidden)
	if r := e.act(n, "instruct", "leader", map[string]any{"text": ""}, http.StatusUnprocessableEntity); r.fieldErr("text") == "" {
		t.Errorf("instruct without text: %s", r.raw)
	}
	e.act(n, "instruct", "leader", map[string]any{"text": "请务必于本周内答复群众"}, http.StatusOK)
	if msgs := e.deskMessages("handler-a"); len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Body, "请务必于本周内答复群众") {
		t.Errorf("the handler is not told of the instruction: %+v", msgs)
	}
	if pub := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil); strings.Contains(pub.raw, "本周内答复") || strings.Contains(pub.raw, "instruct") {
		t.Errorf("the instruction is public: %s", pub.raw)
	}
	p := e.signIn("leader").get("/desk/")
	mustContain(t, "leader's overview", p, "管辖范围概况", "办理中")
	if strings.Contains(p.body, "/desk/complaints/new") {
		t.Errorf("the leader is offered 登记投诉")
	}
}

// TestJointHandling: assisting units (协办) see the case, sign and report their part;
// the case waits for the lead unit's report.
func TestJointHandling(t *testing.T) {
	e := newEnv(t)
	n := e.accepted()
	if r := e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer", "assisting_units": []string{"dept-a"}}, http.StatusUnprocessableEntity); r.fieldErr("assisting_units") == "" {
		t.Errorf("the lead unit as its own assistant: %s", r.raw)
	}
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer", "assisting_units": []string{"dept-b"}}, http.StatusOK)
	if msgs := e.deskMessages("handler-b"); len(msgs) != 1 || !strings.Contains(msgs[0].Body, "协办单位：医保局") {
		t.Errorf("the assisting unit's handler is not told: %+v", msgs)
	}
	got := e.do("GET", "/api/v1/complaints/"+n, "handler-b", nil)
	if got.code != http.StatusOK || !strings.Contains(strings.Join(got.actions(), " "), "assist_sign") {
		t.Fatalf("the assisting handler's view: %d %s", got.code, got.raw)
	}
	e.act(n, "sign", "handler-b", nil, http.StatusForbidden)
	e.act(n, "assist_sign", "handler-a", nil, http.StatusForbidden)
	e.act(n, "assist_sign", "handler-b", nil, http.StatusOK)
	e.act(n, "assist_sign", "handler-b", nil, http.StatusConflict)
	e.act(n, "sign", "handler-a", nil, http.StatusOK)
	r := e.act(n, "assist_report", "handler-b", map[string]any{"process": "核对了医保缴费记录"}, http.StatusOK)
	if r.str("status") != "in_progress" || !strings.Contains(r.raw, `"report":{"process":"核对了医保缴费记录"`) {
		t.Errorf("after the assisting report: %s", r.raw)
	}
	e.act(n, "report", "handler-b", validPayload(tousu.ActReport, e), http.StatusForbidden)
	e.act(n, "report", "handler-a", validPayload(tousu.ActReport, e), http.StatusOK)
}

// TestJointHandlingLists: an assisting unit's handlers (协办) find the case in the API list
// and in the desk inbox (a 协办 tab, and marked 协办 in the other tabs), as they may read
// it; a handler of an unrelated unit does not, nor the staff member complained about.
func TestJointHandlingLists(t *testing.T) {
	e := newEnv(t)
	e.addUser(app.NewUser{Login: "handler-o", Name: "督查处承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "office"})
	e.addUser(app.NewUser{Login: "zhao", Name: "赵窗口", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-b", Staff: "B001"})
	n := e.accepted()
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer", "assisting_units": []string{"dept-b"}}, http.StatusOK)
	// A second joint case, about 赵窗口 of the assisting unit: recusal hides it from him.
	m := e.register(func(b map[string]any) { b["target"] = map[string]any{"unit": "win-b1", "staff": "B001"} })
	e.act(m, "accept", "supervisor", map[string]any{"classification": "case", "categories": []string{"attitude"}}, http.StatusOK)
	e.act(m, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer", "assisting_units": []string{"dept-b"}}, http.StatusOK)
	// A case the assisting unit has no part in.
	other := e.accepted()
	e.act(other, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, http.StatusOK)

	lists := []struct {
		who, path string
		want      []string
		not       []string
	}{
		{"handler-b", "/api/v1/complaints", []string{n, m}, []string{other}},
		{"handler-b", "/api/v1/complaints?assisting=true&status=assigned", []string{n, m}, []string{other}},
		{"handler-b", "/api/v1/complaints?status=closed", nil, []string{n, m, other}},
		{"handler-a", "/api/v1/complaints", []string{n, m, other}, nil},
		{"handler-a", "/api/v1/complaints?assisting=true", nil, []string{n, m, other}},
		{"zhao", "/api/v1/complaints", []string{n}, []string{m, other}},
		{"zhao", "/api/v1/complaints?assisting=true", []string{n}, []string{m, other}},
		{"handler-o", "/api/v1/complaints", nil, []string{n, m, other}},
		{"dept-b-super", "/api/v1/complaints?assisting=true", []string{m}, []string{n, other}},
	}
	for _, l := range lists {
		got := listNumbers(e, l.path, l.who)
		for _, x := range l.want {
			if !contains(got, x) {
				t.Errorf("%s GET %s = %v, lacks %s", l.who, l.path, got, x)
			}
		}
		for _, x := range l.not {
			if contains(got, x) {
				t.Errorf("%s GET %s = %v, has %s", l.who, l.path, got, x)
			}
		}
	}
	// What the list shows, a direct read shows; and the reverse.
	for _, c := range []struct {
		who, number string
		code        int
	}{{"handler-b", m, http.StatusOK}, {"zhao", m, http.StatusNotFound}, {"handler-o", n, http.StatusNotFound}} {
		if r := e.do("GET", "/api/v1/complaints/"+c.number, c.who, nil); r.code != c.code {
			t.Errorf("%s GET %s: %d, want %d", c.who, c.number, r.code, c.code)
		}
	}
	r := e.do("GET", "/api/v1/complaints", "handler-b", nil)
	if !strings.Contains(r.raw, `"viewer_assists":true`) {
		t.Errorf("the assisting handler's list does not mark its 协办 cases: %s", r.raw)
	}
	if r := e.do("GET", "/api/v1/complaints?assisting=maybe", "handler-b", nil); r.code != http.StatusUnprocessableEntity || r.fieldErr("assisting") == "" {
		t.Errorf("assisting=maybe: %d %s", r.code, r.raw)
	}

	// The desk: a 协办 tab with its count, and the rows marked in the other tabs.
	b := e.signIn("handler-b")
	inbox := b.get("/desk/")
	mustContain(t, "assisting handler's inbox", inbox, `协办 <span class="badge">2</span>`, n, m)
	tab := b.get("/desk/?tab=assisting")
	mustContain(t, "协办 tab", tab, n, m, `<span class="tag">协办</span>`)
	if strings.Contains(tab.body, other) {
		t.Errorf("the 协办 tab lists a case the unit has no part in")
	}
	e.act(n, "assist_sign", "handler-b", nil, http.StatusOK)
	mustContain(t, "协办 tab after signing", b.get("/desk/?tab=assisting"), n)
	for _, who := range []string{"handler-o", "zhao"} {
		p := e.signIn(who).get("/desk/?tab=assisting")
		if strings.Contains(p.body, m) || (who == "handler-o" && strings.Contains(p.body, n)) {
			t.Errorf("%s's 协办 tab shows a case it may not read", who)
		}
	}
	a := e.signIn("handler-a").get("/desk/?tab=assigned")
	if mustContain(t, "lead handler's inbox", a, n); strings.Contains(a.body, `<span class="tag">协办</span>`) {
		t.Errorf("the lead unit's handler sees its case marked 协办")
	}
}

// addUser creates a user with the test password and an API token.
func (e *env) addUser(u app.NewUser) {
	e.t.Helper()
	u.Password = "correct horse battery"
	ctx := context.Background()
	if _, err := e.app.CreateUser(ctx, tousu.SystemActor, u); err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.app.CreateToken(ctx, tousu.SystemActor, u.Login)
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[u.Login] = tok
}

// TestStatementNote: an interview with the staff member may be marked as their own
// statement (陈述申辩); no other record may.
func TestStatementNote(t *testing.T) {
	e := newEnv(t)
	n := e.register(nil)
	e.driveFrom(n, tousu.StatusInProgress)
	if r := e.act(n, "note", "handler-a", map[string]any{"method": "video", "content": "录像", "statement": true}, http.StatusUnprocessableEntity); r.fieldErr("statement") == "" {
		t.Errorf("a video marked as a statement: %s", r.raw)
	}
	e.act(n, "note", "handler-a", map[string]any{"method": "interview_staff", "content": "王窗口称当时系统故障，并非故意拖延。", "statement": true}, http.StatusOK)
	mustContain(t, "timeline", e.signIn("supervisor").get("/desk/complaints/"+n), "被投诉人陈述申辩", "并非故意拖延")
}

// deskMessages are the desk messages to login, oldest first.
func (e *env) deskMessages(login string) []tousu.Message {
	e.t.Helper()
	ms, err := e.store.ListMessages(context.Background(), tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: login})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms
}

// driveFrom takes a registered complaint n to status s the ordinary way (as drive).
func (e *env) driveFrom(n string, s tousu.Status) {
	e.t.Helper()
	steps := []struct {
		act tousu.Action
		at  tousu.Status
	}{
		{tousu.ActAccept, tousu.StatusAccepted}, {tousu.ActAssign, tousu.StatusAssigned}, {tousu.ActSign, tousu.StatusInProgress},
		{tousu.ActReport, tousu.StatusReported}, {tousu.ActDecide, tousu.StatusDecided}, {tousu.ActReply, tousu.StatusReplied},
	}
	for _, st := range steps {
		e.act(n, string(st.act), actorFor(st.act), validPayload(st.act, e), http.StatusOK)
		if st.at == s {
			return
		}
	}
	e.t.Fatalf("driveFrom: status %s", s)
}

// actions are the allowed_actions of a complaint answer.
func (r result) actions() []string {
	var out []string
	xs, _ := r.field("allowed_actions").([]any)
	for _, x := range xs {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestHandlingPolicyAdmin: the admin sets the extension cap and threshold on the desk;
// a wrong value is refused beside its field; the new policy applies.
func TestHandlingPolicyAdmin(t *testing.T) {
	e := newEnv(t)
	a := e.signIn("admin")
	mustContain(t, "templates page", a.get("/desk/admin/templates"), `action="/desk/admin/handling"`, `value="15"`)
	form := map[string][]string{"extension_cap_workdays": {"20"}, "extension_cap_days": {"30"},
		"approval_above_workdays": {"30"}, "approval_above_days": {"10"}, "auto_close_after": {"5"}, "sign_within": {"1"}}
	if r := a.post("/desk/admin/handling", form); r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "应为0至延期上限") {
		t.Errorf("threshold above the cap: %d", r.code)
	}
	form["approval_above_workdays"] = []string{"12"}
	if r := a.post("/desk/admin/handling", form); r.code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.code, clipBody(r.body))
	}
	if r := e.signIn("supervisor").post("/desk/admin/handling", form); r.code != http.StatusForbidden {
		t.Errorf("a supervisor saves the policy: %d", r.code)
	}
	n := e.accepted()
	r := e.act(n, "extend", "supervisor", map[string]any{"working_days": 12, "reason": "需外单位协查"}, http.StatusOK)
	if r.field("pending_extension") != nil || r.field("deadline.extension_days") != float64(12) {
		t.Errorf("12 working days under the new threshold: %s", r.raw)
	}
}

// TestHalfwayUrge: a 督办 unit is urged once, automatically, at half its sub-deadline;
// a report spares it.
func TestHalfwayUrge(t *testing.T) {
	e := newEnv(t)
	n := e.accepted()
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "supervise", "unit_working_days": 4}, http.StatusOK)
	n2 := e.accepted()
	e.act(n2, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "supervise", "unit_working_days": 4}, http.StatusOK)
	e.act(n2, "sign", "handler-a", nil, http.StatusOK)
	e.act(n2, "report", "handler-a", validPayload(tousu.ActReport, e), http.StatusOK)
	ctx := context.Background()
	e.clock.Set(time.Date(2026, 2, 2, 10, 0, 0, 0, cst)) // 1 working day after 1月30日
	if rep, err := e.app.ScanDeadlines(ctx); err != nil || rep.HalfwayUrged != 0 {
		t.Fatalf("before half-way: %+v %v", rep, err)
	}
	e.clock.Set(time.Date(2026, 2, 3, 10, 0, 0, 0, cst)) // 2 of 4 working days
	for range 2 {
		if _, err := e.app.ScanDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
	}
	evs := e.do("GET", "/api/v1/complaints/"+n+"/events", "supervisor", nil)
	if strings.Count(evs.raw, `"halfway_urge"`) != 1 || !strings.Contains(evs.raw, "已过半") {
		t.Errorf("half-way urges: %s", evs.raw)
	}
	if msgs := e.deskMessages("handler-a"); len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Body, "已过半") {
		t.Errorf("the handler is not urged: %+v", msgs)
	}
	if evs := e.do("GET", "/api/v1/complaints/"+n2+"/events", "supervisor", nil); strings.Contains(evs.raw, `"halfway_urge"`) {
		t.Errorf("a reported case was urged")
	}
}

// TestBatchArchive: the supervisor archives several closed cases at once; one that
// cannot be archived is named, the others are done.
func TestBatchArchive(t *testing.T) {
	e := newEnv(t)
	var closed []string
	for range 2 {
		n := e.register(nil)
		e.driveFrom(n, tousu.StatusReplied)
		e.act(n, "close", "supervisor", map[string]any{"note": "已回访"}, http.StatusOK)
		closed = append(closed, n)
	}
	open := e.register(nil)
	sup := e.signIn("supervisor")
	mustContain(t, "待归档", sup.get("/desk/?tab=archive"), `action="/desk/archive"`, `value="`+closed[0]+`"`, "批量归档所选")
	r := sup.post("/desk/archive", map[string][]string{"numbers": {closed[0], closed[1], open}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("batch archive: %d %s", r.code, clipBody(r.body))
	}
	p := sup.follow(r)
	mustContain(t, "after the batch", p, "已归档2件", "未能归档："+open)
	for _, n := range closed {
		if got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); got.str("status") != "archived" {
			t.Errorf("%s: %s", n, got.str("status"))
		}
	}
	// The clerk may not archive: nothing changes.
	n := e.register(nil)
	e.act(n, "withdraw", "clerk", map[string]any{"note": "撤回"}, http.StatusOK)
	clerk := e.signIn("clerk")
	if r := clerk.post("/desk/archive", map[string][]string{"numbers": {n}}); r.code != http.StatusForbidden {
		t.Errorf("the clerk's batch archive: %d", r.code)
	}
	if got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); got.str("status") != "withdrawn" {
		t.Errorf("the clerk archived %s: %s", n, got.str("status"))
	}
}
