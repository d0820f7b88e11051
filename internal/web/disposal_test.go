package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/audit"
)

// skeleton is what a disposal keeps of a complaint's API view: what figures count.
var skeleton = []string{"number", "kind", "channel", "status", "classification", "categories", "target.unit", "target.staff",
	"owner_unit", "assigned_unit", "handler", "mode", "received_at", "created_at", "closed_at", "due_date", "deadline",
	"decision.finding", "decision.measures", "decision.staff", "reply.channel", "satisfaction", "counted_as", "late_handover",
	"report.finding", "report.measures", "report.staff", "report.unit", "discipline_referred",
	"retention.class", "retention.archived_on", "retention.retain_until"}

// TestDisposal: archived cases past their retention period and on no legal hold are
// candidates; a proposal refuses a held or unexpired case by name; approval needs a
// leader other than the proposer and re-checks holds; it destroys the identity, the
// evidence and every free text — in the view, the timeline and the stored events — and
// keeps the statistical skeleton; the audit log holds none of it and still verifies;
// the register lists the disposal on the desk and as a PDF; a refusal frees the cases.
func TestDisposal(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Every class 10 years, so that a decided case runs out too.
	rule := map[string]any{"discipline": "10y", "founded_report": "10y", "founded_complaint": "10y", "other": "10y"}
	if r := e.do("PUT", "/api/v1/retention-rule", "admin", rule); r.code != http.StatusOK {
		t.Fatalf("rule: %d %s", r.code, r.raw)
	}
	decided := e.register(nil)
	if _, err := e.app.Attach(ctx, tousu.Actor{Login: "supervisor", Roles: []tousu.Role{tousu.RoleSupervisor}}, decided,
		[]app.Upload{{Name: "张三身份证.pdf", Data: []byte("%PDF-1.4\n张三 330106199001011234\n%%EOF\n")}}); err != nil {
		t.Fatal(err)
	}
	e.driveFrom(decided, tousu.StatusReplied)
	e.act(decided, "close", "supervisor", map[string]any{"note": "已回访"}, http.StatusOK)
	e.act(decided, "archive", "supervisor", nil, http.StatusOK)
	archive := func() string {
		n := e.register(nil)
		e.act(n, "reject", "supervisor", validPayload(tousu.ActReject, e), http.StatusOK)
		e.act(n, "archive", "supervisor", nil, http.StatusOK)
		return n
	}
	rejected, held := archive(), archive()
	e.clock.Set(time.Date(2026, 6, 1, 9, 0, 0, 0, cst))
	young := archive()
	if r := e.do("POST", "/api/v1/complaints/"+held+"/hold", "inspector", map[string]any{"reason": "行政诉讼"}); r.code != http.StatusOK {
		t.Fatalf("hold: %d %s", r.code, r.raw)
	}
	e.clock.Set(time.Date(2036, 2, 2, 9, 0, 0, 0, cst))

	before := e.do("GET", "/api/v1/complaints/"+decided, "supervisor", nil)
	if before.str("retention.retain_until") != "2036-01-30" || before.field("retention.expired") != true {
		t.Fatalf("retention before: %v", before.field("retention"))
	}

	// Candidates: the expired ones on no hold, oldest first; not for a clerk or a
	// supervisor of one department.
	c := e.do("GET", "/api/v1/disposals/candidates", "supervisor", nil)
	if got := numbersOf(c); strings.Join(got, ",") != decided+","+rejected {
		t.Errorf("candidates = %v, want %s and %s", got, decided, rejected)
	}
	for who, want := range map[string]int{"clerk": http.StatusForbidden, "dept-b-super": http.StatusForbidden, "": http.StatusUnauthorized} {
		if r := e.do("GET", "/api/v1/disposals/candidates", who, nil); r.code != want {
			t.Errorf("candidates as %q: %d, want %d", who, r.code, want)
		}
	}
	if r := e.do("GET", "/api/v1/disposals/candidates?limit=0", "supervisor", nil); r.code != http.StatusUnprocessableEntity || r.fieldErr("limit") == "" {
		t.Errorf("limit=0: %d %s", r.code, r.raw)
	}

	// A proposal names each case it cannot take, and stores nothing.
	r := e.do("POST", "/api/v1/disposals", "omni", map[string]any{"numbers": []string{decided, held, young, "TS19990101-0001"}, "reason": "期满"})
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.fieldErr("numbers"), held+"：处于法律保全中") ||
		!strings.Contains(r.fieldErr("numbers"), young+"：保管期限未满（至 2036-06-01）") || !strings.Contains(r.fieldErr("numbers"), "TS19990101-0001：未找到") {
		t.Errorf("proposal with a held, an unexpired and a missing case: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/disposals", "omni", map[string]any{"numbers": []string{decided}, "reason": " "}); r.code != http.StatusUnprocessableEntity || r.fieldErr("reason") == "" {
		t.Errorf("proposal without grounds: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/disposals", "leader", map[string]any{"numbers": []string{decided}, "reason": "期满"}); r.code != http.StatusForbidden {
		t.Errorf("proposal by a leader: %d, want 403", r.code)
	}
	if r := e.do("GET", "/api/v1/disposals", "supervisor", nil); len(r.field("items").([]any)) != 0 {
		t.Fatalf("a refused proposal was stored: %s", r.raw)
	}
	r = e.do("POST", "/api/v1/disposals", "omni", map[string]any{"numbers": []string{decided, rejected}, "reason": "保管期限已满，经鉴定无继续保存价值"})
	if r.code != http.StatusCreated || r.str("status") != "proposed" || len(r.field("items").([]any)) != 2 || r.str("proposed_by") != "omni" {
		t.Fatalf("proposal: %d %s", r.code, r.raw)
	}
	id := fmt.Sprint(r.field("id"))
	if r := e.do("POST", "/api/v1/disposals", "supervisor", map[string]any{"numbers": []string{rejected}, "reason": "期满"}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.fieldErr("numbers"), "已在待审批") {
		t.Errorf("a case proposed twice: %d %s", r.code, r.raw)
	}
	if got := numbersOf(e.do("GET", "/api/v1/disposals/candidates", "supervisor", nil)); len(got) != 0 {
		t.Errorf("candidates after the proposal = %v, want none", got)
	}

	// Approval: a leader, not the proposer; a hold placed meanwhile stops it.
	approve := "/api/v1/disposals/" + id + "/approve"
	if r := e.do("POST", approve, "omni", map[string]any{}); r.code != http.StatusForbidden || !strings.Contains(r.raw, "提议人以外") {
		t.Errorf("approval by the proposer: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", approve, "supervisor", nil); r.code != http.StatusForbidden {
		t.Errorf("approval by a supervisor: %d", r.code)
	}
	if r := e.do("POST", "/api/v1/complaints/"+rejected+"/hold", "inspector", map[string]any{"reason": "信访复查"}); r.code != http.StatusOK {
		t.Fatal(r.raw)
	}
	if r := e.do("POST", approve, "leader", nil); r.code != http.StatusConflict || !strings.Contains(r.raw, rejected+"：处于法律保全中") {
		t.Errorf("approval with a case held meanwhile: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/complaints/"+decided, "supervisor", nil); r.str("matter") == "" || r.field("retention.disposed") != nil {
		t.Fatalf("a refused approval destroyed something: %s", r.raw)
	}
	if r := e.do("DELETE", "/api/v1/complaints/"+rejected+"/hold", "inspector", map[string]any{"reason": "复查结束"}); r.code != http.StatusOK {
		t.Fatal(r.raw)
	}
	figures := func() string {
		t.Helper()
		st, err := e.app.Stats(ctx, tousu.Actor{Login: "supervisor", Roles: []tousu.Role{tousu.RoleSupervisor}},
			app.StatsQuery{From: tousu.MustDate("2026-01-01"), To: tousu.MustDate("2026-12-31"), GroupBy: "category"})
		if err != nil {
			t.Fatal(err)
		}
		return mustJSON(t, st)
	}
	figuresBefore := figures()
	r = e.do("POST", approve, "leader", map[string]any{"note": "同意销毁"})
	if r.code != http.StatusOK || r.str("status") != "approved" || r.str("decided_by") != "leader" || r.str("note") != "同意销毁" {
		t.Fatalf("approval: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", approve, "leader", nil); r.code != http.StatusConflict {
		t.Errorf("approval again: %d, want 409", r.code)
	}

	if got := figures(); got != figuresBefore {
		t.Errorf("the figures of 2026 changed with the disposal:\n%s\nwant\n%s", got, figuresBefore)
	}
	if !strings.Contains(figuresBefore, `"received":4`) {
		t.Errorf("the figures checked hold nothing: %s", figuresBefore)
	}

	// What stays and what is gone.
	after := e.do("GET", "/api/v1/complaints/"+decided, "supervisor", nil)
	for _, f := range skeleton {
		if b, a := mustJSON(t, before.field(f)), mustJSON(t, after.field(f)); b != a {
			t.Errorf("after disposal %s = %s, want %s as before", f, a, b)
		}
	}
	if before.field("decision.finding") == nil || before.field("report.unit") == nil {
		t.Fatalf("the skeleton checked nothing: %s", before.raw)
	}
	for _, f := range []string{"matter", "request", "target.description", "decision.improvement", "reply.process", "reply.result", "reply.improvement",
		"complainant.name", "complainant.phone", "instructions", "report.process", "report.reply_draft"} {
		if s := after.str(f); s != "" {
			t.Errorf("after disposal %s = %q, want it destroyed", f, s)
		}
	}
	if after.field("retention.disposed.disposal") == nil || after.str("retention.disposed.approved_by") != "leader" {
		t.Errorf("retention.disposed = %v", after.field("retention.disposed"))
	}
	if r := e.do("GET", "/api/v1/complaints/"+decided+"/attachments", "supervisor", nil); len(r.field("items").([]any)) != 0 {
		t.Errorf("attachments after disposal: %s", r.raw)
	}
	if n, err := e.store.EvidenceBytes(ctx); err != nil || n != 0 {
		t.Errorf("evidence bytes after disposal = %d, %v, want 0", n, err)
	}
	if r := e.do("POST", "/api/v1/complaints/"+decided+"/reveal", "supervisor", map[string]any{"reason": "核实"}); strings.Contains(r.raw, "张三") || strings.Contains(r.raw, "13812345678") {
		t.Errorf("reveal after disposal: %s", r.raw)
	}
	destroyed := []string{"张三", "13812345678", "态度生硬", "一次性告知所需材料", "1号窗口穿蓝色制服", "调看录像", "批评教育",
		"窗口设置材料清单", "请核实窗口服务态度", "法院执行范围", "区人民法院", "张三身份证"}
	events := e.do("GET", "/api/v1/complaints/"+decided+"/events", "supervisor", nil)
	evRaw := events.raw
	for _, n := range []string{decided, rejected} {
		c, err := e.store.FindComplaint(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := e.store.ListEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			evRaw += string(ev.Payload)
		}
		if len(c.Identity.Fields) != 0 || c.Identity.PhoneIndex != "" || c.Identity.NameIndex != "" || c.QueryCodeHash != "" {
			t.Errorf("%s keeps its sealed identity or indexes: %+v", n, c.Identity)
		}
	}
	if !strings.Contains(evRaw, `"finding":"founded"`) || !strings.Contains(evRaw, `"reason":"out_of_scope"`) {
		t.Errorf("the timeline lost its codes: %s", evRaw)
	}
	recs, err := e.store.ListAudit(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var auditText strings.Builder
	actions := map[string]int{}
	for _, rec := range recs {
		fmt.Fprintln(&auditText, rec.Actor, rec.Action, rec.Object, rec.Detail)
		actions[rec.Action]++
	}
	for _, s := range destroyed {
		if strings.Contains(evRaw, s) {
			t.Errorf("the timeline still holds %q", s)
		}
		if strings.Contains(auditText.String(), s) {
			t.Errorf("the audit log holds %q, which the disposal destroyed", s)
		}
	}
	if actions["dispose"] != 2 || actions["disposal.approve"] != 1 || actions["disposal.propose"] != 3 {
		t.Errorf("audit actions = %v, want 2 dispose, 1 disposal.approve, 3 disposal.propose", actions)
	}
	if _, err := audit.Verify(ctx, e.store); err != nil {
		t.Errorf("the audit chain after disposal: %v", err)
	}

	// The register: the desk page and the PDF.
	sup := e.signIn("supervisor")
	mustContain(t, "disposals page", sup.get("/desk/disposals"), "档案销毁", "销毁清册", "第"+id+"号", "已批准销毁", "没有保管期限届满")
	lead := e.signIn("leader")
	p := lead.get("/desk/disposals/" + id)
	mustContain(t, "disposal page", p, decided, rejected, "保管期限已满", "同意销毁", "打印销毁清册")
	if strings.Contains(p.body, "批准销毁</button>") {
		t.Errorf("an approved disposal still offers approval")
	}
	pdf := lead.get("/desk/disposals/" + id + "/register.pdf")
	if pdf.code != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF") {
		t.Errorf("register PDF: %d %s", pdf.code, pdf.header.Get("Content-Type"))
	}
	if p := e.signIn("clerk").get("/desk/disposals"); p.code != http.StatusForbidden {
		t.Errorf("disposals page for a clerk: %d", p.code)
	}

	// On the desk: a proposal, a refusal without a note refused, then with one; the
	// case is a candidate again.
	e.clock.Set(time.Date(2036, 6, 3, 9, 0, 0, 0, cst))
	mustContain(t, "candidates on the desk", sup.get("/desk/disposals"), young, `name="number" value="`+young+`"`)
	if p := sup.post("/desk/disposals", url.Values{"number": {young}, "reason": {""}}); p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "请填写") {
		t.Errorf("desk proposal without grounds: %d %s", p.code, clipBody(p.body))
	}
	p = sup.post("/desk/disposals", url.Values{"number": {young}, "reason": {"期满"}})
	if p.code != http.StatusSeeOther {
		t.Fatalf("desk proposal: %d %s", p.code, clipBody(p.body))
	}
	mustContain(t, "proposed disposal for the leader", lead.get(p.location), "批准销毁</button>", "退回</button>", young)
	if p := lead.post(p.location+"/refuse", url.Values{"note": {""}}); p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "请填写") {
		t.Errorf("refusal without a note: %d %s", p.code, clipBody(p.body))
	}
	if p := lead.post(p.location+"/refuse", url.Values{"note": {"仍有参考价值"}}); p.code != http.StatusSeeOther {
		t.Errorf("refusal: %d %s", p.code, clipBody(p.body))
	}
	if got := numbersOf(e.do("GET", "/api/v1/disposals/candidates", "supervisor", nil)); strings.Join(got, ",") != young {
		t.Errorf("candidates after a refusal = %v, want %s again", got, young)
	}
	if r := e.do("GET", "/api/v1/complaints/"+young, "supervisor", nil); r.str("matter") == "" {
		t.Errorf("a refused disposal destroyed the case")
	}
}

func numbersOf(r result) []string {
	var out []string
	items, _ := r.field("items").([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["number"].(string))
	}
	return out
}
