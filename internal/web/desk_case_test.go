package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestDeskCaseActions(t *testing.T) {
	e := newEnv(t)
	number := e.register(nil)
	sup := e.signIn("supervisor")
	casePath := "/desk/complaints/" + number

	p := sup.get(casePath)
	if p.code != http.StatusOK {
		t.Fatalf("case page: %d", p.code)
	}
	// Only the actions allowed now have forms.
	mustContain(t, "registered case", p, `action="`+casePath+`/accept"`, `action="`+casePath+`/reject"`,
		`action="`+casePath+`/merge"`, `action="`+casePath+`/withdraw"`, "张*", "登记")
	for _, a := range []string{"assign", "decide", "reply", "feedback", "archive", "sign"} {
		if strings.Contains(p.body, `action="`+casePath+`/`+a+`"`) {
			t.Errorf("a registered case offers %s", a)
		}
	}

	// A refused action re-renders the page with the errors beside the fields and the
	// values typed, and changes nothing.
	bad := sup.post(casePath+"/reject", url.Values{"reason": {"out_of_scope"}, "explanation": {"不属于本中心职责"}})
	if bad.code != http.StatusUnprocessableEntity {
		t.Fatalf("reject without a referral: %d", bad.code)
	}
	mustContain(t, "refused reject", bad, "不属于本机构职责范围的，须告知可受理的机构", "不属于本中心职责",
		`value="out_of_scope" checked`, `id="act-reject" open`)
	if got := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil).str("status"); got != "registered" {
		t.Errorf("after a refused reject the status is %s", got)
	}

	// A successful action redirects back to the case with a notice.
	ok := sup.post(casePath+"/accept", url.Values{"classification": {"case"}, "categories": {"attitude", "efficiency"}})
	if ok.code != http.StatusSeeOther || !strings.HasPrefix(ok.location, casePath) {
		t.Fatalf("accept: %d to %q", ok.code, ok.location)
	}
	p = sup.follow(ok)
	mustContain(t, "accepted case", p, "已完成“受理”", "已受理", "立案处理类", "服务态度、工作效率", `action="`+casePath+`/assign"`)
	// The notice is shown once.
	if strings.Contains(sup.get(casePath).body, "已完成“受理”") {
		t.Errorf("the notice shows again on the next page")
	}

	// An action the state no longer allows (a second tab, a second click) is a notice.
	again := sup.post(casePath+"/accept", url.Values{"classification": {"case"}})
	if again.code != http.StatusConflict || !strings.Contains(again.body, `class="notice"`) || !strings.Contains(again.body, "不能执行") {
		t.Errorf("accepting twice: %d", again.code)
	}

	// Numbers typed wrongly are the domain's error, beside the field.
	r := sup.post(casePath+"/extend", url.Values{"days": {"很多"}, "reason": {"x"}})
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "延期天数应为1至60") || !strings.Contains(r.body, `value="很多"`) {
		t.Errorf("extend by 很多: %d", r.code)
	}

	// Assign, sign, note, extend, decide, reply, feedback (reopened), decide, reply, close:
	// the whole way through the desk.
	steps := []struct {
		who, action string
		form        url.Values
		status      string
	}{
		{"supervisor", "assign", url.Values{"unit": {"dept-a"}, "handler": {"handler-a"}, "mode": {"transfer"}}, "已派单"},
		{"handler-a", "sign", nil, "办理中"},
		{"handler-a", "note", url.Values{"method": {"video"}, "content": {"调看录像，工作人员确有不耐烦"}, "participants": {"李科长"}}, "办理中"},
		{"supervisor", "extend", url.Values{"days": {"5"}, "reason": {"需补充调查"}}, "办理中"},
		{"handler-a", "report", url.Values{"process": {"调看录像并谈话"}, "finding": {"founded"}, "measures": {"criticism"}, "reply_draft": {"经核实属实"}}, "已报送待审"},
		{"supervisor", "send_back", url.Values{"reason": {"请补充与投诉人的沟通情况"}}, "办理中"},
		{"handler-a", "report", url.Values{"process": {"调看录像并谈话，已电话联系投诉人"}, "finding": {"founded"}, "measures": {"criticism"}}, "已报送待审"},
		{"supervisor", "decide", url.Values{"finding": {"founded"}, "measures": {"criticism", "correction"}, "staff": {"A001"}, "improvement": {"培训"}}, "已处理"},
		{"supervisor", "reply", url.Values{"process": {"调看录像"}, "result": {"属实"}, "improvement": {"培训"}, "channel": {"phone"}}, "已答复"},
		{"supervisor", "feedback", url.Values{"level": {"2"}, "comment": {"不满意"}, "reopen": {"1"}}, "已答复"},
		{"supervisor", "reopen", url.Values{"reason": {"投诉人不满意，重新核查"}}, "办理中"},
		{"handler-a", "report", url.Values{"process": {"重新核查"}}, "已报送待审"},
		{"supervisor", "decide", url.Values{"finding": {"founded"}, "measures": {"correction"}, "improvement": {"再次培训"}}, "已处理"},
		{"supervisor", "reply", url.Values{"process": {"重新核查"}, "result": {"已整改"}, "channel": {"letter"}}, "已答复"},
		{"supervisor", "close", url.Values{"note": {"多次联系投诉人未果"}}, "已办结"},
	}
	for _, s := range steps {
		d := e.signIn(s.who)
		r := d.post(casePath+"/"+s.action, s.form)
		if r.code != http.StatusSeeOther {
			t.Fatalf("%s as %s: %d: %s", s.action, s.who, r.code, clipBody(r.body))
		}
		if p := d.follow(r); !strings.Contains(p.body, `<span class="status status-`) || !strings.Contains(p.body, ">"+s.status+"</span>") {
			t.Errorf("after %s the case page does not show %s", s.action, s.status)
		}
	}
	// The timeline tells the payloads in words, internal events marked as such.
	p = sup.get(casePath)
	mustContain(t, "timeline", p, `<li class="internal">`, "调看录像", "李科长", "延长", "5个工作日", "属实", "批评教育、责令改正",
		"王窗口（A001）", "不满意", "申请重办", "多次联系投诉人未果", "人社局", "转办", "人社承办人（handler-a）")

	// Unknown actions and cases are 404 pages; GET never acts.
	if r := sup.post(casePath+"/explode", nil); r.code != http.StatusNotFound {
		t.Errorf("unknown action: %d", r.code)
	}
	if r := sup.get("/desk/complaints/TS20990101-0001"); r.code != http.StatusNotFound {
		t.Errorf("unknown case: %d", r.code)
	}
	if r := sup.get(casePath + "/close"); r.code != http.StatusNotFound && r.code != http.StatusMethodNotAllowed {
		t.Errorf("GET of an action: %d", r.code)
	}
}

func TestDeskReveal(t *testing.T) {
	e := newEnv(t)
	number := e.register(nil)
	casePath := "/desk/complaints/" + number

	// The handler working the case never sees the identity, but may see the phone
	// number to call the complainant; a handler of another unit cannot.
	e.act(number, "accept", "supervisor", map[string]any{"classification": "case"}, http.StatusOK)
	e.act(number, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, http.StatusOK)
	h := e.signIn("handler-a")
	p := h.get(casePath)
	if strings.Contains(p.body, "张三") || !strings.Contains(p.body, "查看投诉人电话") {
		t.Errorf("the handler's case page shows the identity or lacks the phone reveal form")
	}
	if r := h.post(casePath+"/reveal", url.Values{"reason": {"电话联系核实"}}); r.code != http.StatusOK || strings.Contains(r.body, "张三") ||
		!strings.Contains(r.body, "13812345678") {
		t.Errorf("handler phone reveal: %d", r.code)
	}

	sup := e.signIn("supervisor")
	mustContain(t, "supervisor's case page", sup.get(casePath), `action="`+casePath+`/reveal"`, "张*")
	// A reason is required, and nothing is revealed without one.
	r := sup.post(casePath+"/reveal", url.Values{"reason": {""}})
	if r.code != http.StatusUnprocessableEntity || strings.Contains(r.body, "张三") || !strings.Contains(r.body, "请填写查看投诉人身份的理由") {
		t.Errorf("reveal without a reason: %d", r.code)
	}
	r = sup.post(casePath+"/reveal", url.Values{"reason": {"回访需要联系投诉人"}})
	if r.code != http.StatusOK {
		t.Fatalf("reveal: %d", r.code)
	}
	mustContain(t, "revealed", r, "张三", "13812345678", "本次查看已记入审计日志")
	// Shown once: the case page afterwards is masked again.
	if strings.Contains(sup.get(casePath).body, "13812345678") {
		t.Errorf("the identity is still shown after the reveal")
	}
	recs, _ := e.store.ListAudit(t.Context(), 0, 1000)
	found := false
	for _, rec := range recs {
		found = found || rec.Action == "reveal" && rec.Object == number && rec.Actor == "supervisor" && rec.Detail == "回访需要联系投诉人"
	}
	if !found {
		t.Errorf("the reveal is not in the audit log")
	}
}

func TestDeskReturnLeavesTheHandlersScope(t *testing.T) {
	e := newEnv(t)
	number := e.register(nil)
	e.act(number, "accept", "supervisor", map[string]any{"classification": "case"}, http.StatusOK)
	e.act(number, "assign", "supervisor", map[string]any{"unit": "dept-b", "mode": "transfer"}, http.StatusOK)
	h := e.signIn("handler-b")
	r := h.post("/desk/complaints/"+number+"/return", url.Values{"reason": {"不属于医保局"}})
	if r.code != http.StatusSeeOther || r.location != "/desk/" {
		t.Fatalf("return: %d to %q, want the inbox", r.code, r.location)
	}
	mustContain(t, "inbox after return", h.follow(r), "已完成“退单”", "该件已不在您的办理范围内")
}
