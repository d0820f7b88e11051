package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tousu"
)

// TestRetentionClasses: an archived case shows its retention class and retain_until in
// the API view — 永久 for a discipline referral, 10年 for a case not accepted — the
// period running from the archive day; a rule changed by the admin applies, and a bad
// rule is refused with the field named; cases not yet archived have none.
func TestRetentionClasses(t *testing.T) {
	e := newEnv(t)
	referred := e.register(nil)
	e.driveFrom(referred, tousu.StatusReplied) // decided founded with a discipline referral
	e.act(referred, "close", "supervisor", map[string]any{"note": "已回访"}, http.StatusOK)
	if r := e.do("GET", "/api/v1/complaints/"+referred, "supervisor", nil); r.field("retention") != nil {
		t.Errorf("a closed case has a retention before archiving: %s", r.raw)
	}
	e.act(referred, "archive", "supervisor", nil, http.StatusOK)
	rejected := e.register(nil)
	e.act(rejected, "reject", "supervisor", validPayload(tousu.ActReject, e), http.StatusOK)
	e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, cst))
	e.act(rejected, "archive", "supervisor", nil, http.StatusOK)

	r := e.do("GET", "/api/v1/complaints/"+referred, "supervisor", nil)
	if r.str("retention.class") != "permanent" || r.str("retention.class_label") != "永久" || r.field("retention.retain_until") != nil ||
		r.str("retention.archived_on") != "2026-01-30" {
		t.Errorf("referred case retention = %v, want 永久 from 2026-01-30 with no retain_until", r.field("retention"))
	}
	r = e.do("GET", "/api/v1/complaints/"+rejected, "supervisor", nil)
	if r.str("retention.class") != "10y" || r.str("retention.retain_until") != "2036-03-02" || r.field("retention.expired") != false {
		t.Errorf("rejected case retention = %v, want 10y until 2036-03-02, not expired", r.field("retention"))
	}
	// A query code reissued later does not move the archive day.
	e.clock.Set(time.Date(2026, 4, 1, 9, 0, 0, 0, cst))
	if r := e.do("POST", "/api/v1/complaints/"+rejected+"/query-code", "supervisor", map[string]any{"reason": "投诉人遗失"}); r.code != http.StatusOK {
		t.Fatalf("reissue: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/complaints/"+rejected, "supervisor", nil); r.str("retention.archived_on") != "2026-03-02" {
		t.Errorf("after a reissue: %v, want archived_on 2026-03-02 still", r.field("retention"))
	}
	e.clock.Set(time.Date(2036, 3, 3, 9, 0, 0, 0, cst))
	if r := e.do("GET", "/api/v1/complaints/"+rejected, "supervisor", nil); r.field("retention.expired") != true {
		t.Errorf("the day after retain_until: %v, want expired", r.field("retention"))
	}

	rule := map[string]any{"discipline": "permanent", "founded_report": "30y", "founded_complaint": "30y", "other": "30y"}
	if r := e.do("PUT", "/api/v1/retention-rule", "supervisor", rule); r.code != http.StatusForbidden {
		t.Errorf("rule set by a supervisor: %d, want 403", r.code)
	}
	bad := map[string]any{"discipline": "permanent", "founded_report": "30y", "founded_complaint": "30y", "other": "5y"}
	if r := e.do("PUT", "/api/v1/retention-rule", "admin", bad); r.code != http.StatusUnprocessableEntity || r.fieldErr("other") == "" {
		t.Errorf("rule with 5y: %d %s, want 422 naming other", r.code, r.raw)
	}
	if r := e.do("PUT", "/api/v1/retention-rule", "admin", rule); r.code != http.StatusOK {
		t.Fatalf("rule: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/retention-rule", "clerk", nil); r.str("other") != "30y" {
		t.Errorf("rule read back: %s", r.raw)
	}
	r = e.do("GET", "/api/v1/complaints/"+rejected, "supervisor", nil)
	if r.str("retention.class") != "30y" || r.str("retention.retain_until") != "2056-03-02" || r.field("retention.expired") != false {
		t.Errorf("after the rule change: %v, want 30y until 2056-03-02", r.field("retention"))
	}
}

// TestLegalHold: an inspector or supervisor places a legal hold on an archived case with
// a reason and lifts it with one; the hold shows in the API view and on the case page;
// other roles, a missing reason and a case not archived are refused with nothing stored.
func TestLegalHold(t *testing.T) {
	e := newEnv(t)
	open := e.register(nil)
	n := e.register(nil)
	e.act(n, "reject", "supervisor", validPayload(tousu.ActReject, e), http.StatusOK)
	e.act(n, "archive", "supervisor", nil, http.StatusOK)
	hold := "/api/v1/complaints/" + n + "/hold"

	if r := e.do("POST", hold, "clerk", map[string]any{"reason": "诉讼"}); r.code != http.StatusForbidden {
		t.Errorf("hold by a clerk: %d, want 403", r.code)
	}
	if r := e.do("POST", hold, "inspector", map[string]any{"reason": "  "}); r.code != http.StatusUnprocessableEntity || r.fieldErr("reason") == "" {
		t.Errorf("hold without a reason: %d %s, want 422 naming reason", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+open+"/hold", "inspector", map[string]any{"reason": "诉讼"}); r.code != http.StatusConflict {
		t.Errorf("hold on a case not archived: %d, want 409", r.code)
	}
	if r := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); r.field("retention.legal_hold") != nil {
		t.Fatalf("a refused hold was stored: %s", r.raw)
	}
	r := e.do("POST", hold, "inspector", map[string]any{"reason": "行政诉讼（2026）浙0106行初1号"})
	if r.code != http.StatusOK || r.str("retention.legal_hold.reason") != "行政诉讼（2026）浙0106行初1号" ||
		r.str("retention.legal_hold.set_by") != "inspector" {
		t.Fatalf("hold: %d %s", r.code, r.raw)
	}
	sup := e.signIn("supervisor")
	mustContain(t, "case page with a hold", sup.get("/desk/complaints/"+n), "保管期限", "10年", "保全中", "行政诉讼（2026）浙0106行初1号", "解除保全")

	if r := e.do("DELETE", hold, "inspector", map[string]any{}); r.code != http.StatusUnprocessableEntity {
		t.Errorf("lift without a reason: %d, want 422", r.code)
	}
	if r := e.do("DELETE", hold, "supervisor", map[string]any{"reason": "诉讼终结"}); r.code != http.StatusOK || r.field("retention.legal_hold") != nil {
		t.Fatalf("lift: %d %s", r.code, r.raw)
	}
	if r := e.do("DELETE", hold, "supervisor", map[string]any{"reason": "诉讼终结"}); r.code != http.StatusNotFound {
		t.Errorf("lift with no hold: %d, want 404", r.code)
	}

	// On the desk: a refused form names the field and stores nothing; then it is set.
	p := sup.post("/desk/complaints/"+n+"/hold", url.Values{"reason": {""}})
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "请填写理由") {
		t.Errorf("desk hold without a reason: %d %s", p.code, clipBody(p.body))
	}
	p = sup.post("/desk/complaints/"+n+"/hold", url.Values{"reason": {"信访复查"}})
	if p.code != http.StatusSeeOther {
		t.Fatalf("desk hold: %d %s", p.code, clipBody(p.body))
	}
	mustContain(t, "case page after the desk hold", sup.get("/desk/complaints/"+n), "保全中", "信访复查")
	p = sup.post("/desk/complaints/"+n+"/hold/lift", url.Values{"reason": {"复查结束"}})
	if p.code != http.StatusSeeOther {
		t.Fatalf("desk lift: %d %s", p.code, clipBody(p.body))
	}
	if r := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); r.field("retention.legal_hold") != nil {
		t.Errorf("after the desk lift: %s", r.raw)
	}
	// Setting and lifting are in the audit log with their reasons.
	insp := e.signIn("inspector")
	mustContain(t, "audit of holds set", insp.get("/desk/admin/audit?action=hold.set&object="+n), "行政诉讼（2026）浙0106行初1号", "信访复查")
	mustContain(t, "audit of holds lifted", insp.get("/desk/admin/audit?action=hold.lift&object="+n), "诉讼终结", "复查结束")
	// A clerk's case page offers no hold form.
	if p := e.signIn("clerk").get("/desk/complaints/" + n); p.code != http.StatusOK || !strings.Contains(p.body, "保管期限") ||
		strings.Contains(p.body, `action="/desk/complaints/`+n+`/hold"`) {
		t.Errorf("clerk's case page: %d, want the retention shown and no legal-hold form", p.code)
	}
}
