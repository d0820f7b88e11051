package web_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// TestCalendarProvisionalAndImport: past the last notice, dates are the statutory
// calendar's and say so (API, complaint, desk banner for every account); an admin
// imports the notice by pasting it (API and desk), and they stop being provisional.
func TestCalendarProvisionalAndImport(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 12, 20, 10, 0, 0, 0, cst))

	// 元旦 2027 is a statutory holiday even without the notice.
	r := e.do("GET", "/api/v1/calendar/workdays?from=2026-12-20&add=15", "", nil)
	if r.str("date") != "2027-01-11" || r.field("provisional") != true {
		t.Fatalf("2026-12-20 + 15: %s, want 2027-01-11 provisional", r.raw)
	}
	if r := e.do("GET", "/api/v1/calendar/workdays?from=2026-01-30&add=15", "", nil); r.str("date") != "2026-02-27" || r.field("provisional") != false {
		t.Errorf("2026-01-30 + 15: %s, want 2026-02-27 not provisional", r.raw)
	}
	n := e.register(nil)
	c := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil)
	if c.str("due_date") != "2027-01-11" || c.field("due_provisional") != true {
		t.Fatalf("complaint: due %v provisional %v, want 2027-01-11 provisional", c.field("due_date"), c.field("due_provisional"))
	}
	// Every staff account sees the banner and the 预计 beside the date.
	for _, who := range []string{"clerk", "handler-a", "supervisor"} {
		p := e.signIn(who).get("/desk/")
		mustContain(t, who+"'s desk", p, "尚未导入2027年的节假日安排")
	}
	mustContain(t, "case page", e.signIn("supervisor").get("/desk/complaints/"+n), "预计")

	// Only an admin imports; a line it cannot read is named.
	text, err := os.ReadFile("../workday/testdata/notice-2026.txt")
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do("POST", "/api/v1/calendar/notices", "supervisor", map[string]any{"year": 2026, "text": string(text), "dry_run": true}); r.code != http.StatusForbidden {
		t.Errorf("supervisor import: %d, want 403", r.code)
	}
	bad := "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假。\n二、春节：另行通知。"
	r = e.do("POST", "/api/v1/calendar/notices", "admin", map[string]any{"year": 2027, "text": bad})
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.fieldErr("text"), "第3行") {
		t.Fatalf("unreadable notice: %d %s, want 422 naming text and line 3", r.code, r.raw)
	}
	// The 2026 notice previews to the embedded data.
	r = e.do("POST", "/api/v1/calendar/notices", "admin", map[string]any{"text": string(text), "dry_run": true})
	hol, _ := r.field("holidays").([]any)
	work, _ := r.field("workdays").([]any)
	if r.code != 200 || r.field("year") != float64(2026) || len(hol) != 33 || len(work) != 6 || hol[0] != "2026-01-01" || work[5] != "2026-10-10" {
		t.Fatalf("2026 preview: %d %s", r.code, r.raw)
	}

	// The desk: paste, preview, confirm.
	adm := e.signIn("admin")
	if p := adm.post("/desk/admin/calendar/notice", url.Values{"text": {bad}, "year": {"2027"}}); p.code != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "第3行") {
		t.Errorf("desk: unreadable notice: %d", p.code)
	}
	notice := "国务院办公厅关于2027年部分节假日安排的通知\n　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。"
	p := adm.post("/desk/admin/calendar/notice", url.Values{"text": {notice}})
	mustContain(t, "preview", p, "2027年：放假 11 天，调休上班 1 天", "2027-02-20", "确认导入")
	if r := e.do("GET", "/api/v1/calendar/workdays?from=2026-12-20&add=15", "", nil); r.field("provisional") != true {
		t.Fatal("the preview saved the notice")
	}
	p = adm.follow(adm.post("/desk/admin/calendar/notice", url.Values{"text": {notice}, "confirm": {"1"}}))
	mustContain(t, "confirmed", p, "已导入2027年节假日安排")
	if r := e.do("GET", "/api/v1/calendar/workdays?from=2026-12-20&add=15", "", nil); r.str("date") != "2027-01-11" || r.field("provisional") != false {
		t.Errorf("after the import: %s, want 2027-01-11 not provisional", r.raw)
	}
	if c := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); c.field("due_provisional") != false {
		t.Errorf("complaint still provisional after the import")
	}
	if p := e.signIn("clerk").get("/desk/"); strings.Contains(p.body, "尚未导入2027年") {
		t.Errorf("the banner stays after the import")
	}
}

// TestPoliciesByChannelAndUnit: a 12345 work order gets the hotline's 5 working days, a
// complaint about the 医保局's window the 医保局's 10, both over the general rule; the
// policies page tells which policy a sample complaint would get.
func TestPoliciesByChannelAndUnit(t *testing.T) {
	e := newEnv(t)
	for _, p := range []map[string]any{
		{"name": "投诉", "kind": "complaint", "days": 15, "unit": "workday"},
		{"name": "12345热线工单", "kind": "complaint", "channel": "hotline", "days": 5, "unit": "workday"},
		{"name": "医保局", "kind": "complaint", "org_unit": "dept-b", "days": 10, "unit": "workday"},
	} {
		if r := e.do("POST", "/api/v1/policies", "admin", p); r.code != http.StatusCreated && r.code != http.StatusOK {
			t.Fatalf("policy %v: %d %s", p["name"], r.code, r.raw)
		}
	}
	r := e.do("POST", "/api/v1/policies", "admin", map[string]any{"name": "x", "channel": "pigeon", "org_unit": "nowhere", "days": 5, "unit": "workday"})
	if r.code != http.StatusUnprocessableEntity || r.fieldErr("channel") == "" || r.fieldErr("org_unit") == "" {
		t.Errorf("bad channel and unit: %d %s", r.code, r.raw)
	}
	// Received Fri 2026-01-30: +5 is 02-06, +10 is 02-13, +15 is 02-27 (over 春节).
	for _, tt := range []struct {
		name, channel, unit, due string
	}{
		{"a visit about 人社", "visit", "win-a1", "2026-02-27"},
		{"a hotline work order", "hotline", "win-a1", "2026-02-06"},
		{"a visit about 医保's window", "visit", "win-b1", "2026-02-13"},
	} {
		n := e.register(func(m map[string]any) {
			m["channel"] = tt.channel
			m["target"] = map[string]any{"unit": tt.unit}
		})
		if c := e.do("GET", "/api/v1/complaints/"+n, "omni", nil); c.str("due_date") != tt.due {
			t.Errorf("%s: due %v, want %s", tt.name, c.field("due_date"), tt.due)
		}
	}
	p := e.signIn("admin").get("/desk/admin/policies?s_kind=complaint&s_channel=visit&s_unit=win-b1&s_category=&s_classification=#sample")
	mustContain(t, "sample", p, "适用规则“医保局”", "10个工作日", "2026年2月13日", "医保局及下级")
}
