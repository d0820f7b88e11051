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
