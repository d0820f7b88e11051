package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tousu"
)

// hallResults are results for every item of the default hall checklist: each passed,
// but one_notice failed (naming A001) and courtesy scored 10 of its 15.
func hallResults() []map[string]any {
	var items []map[string]any
	for _, it := range tousu.DefaultChecklists()[0].Items {
		r := map[string]any{"item": it.Code, "result": "pass"}
		switch it.Code {
		case "one_notice":
			r = map[string]any{"item": it.Code, "result": "fail", "note": "材料不全未一次性告知", "staff": []string{"A001"}}
		case "courtesy":
			r["score"] = 10
		}
		items = append(items, r)
	}
	return items
}

// inspect plans an unannounced inspection of win-a1 on the hall checklist as the
// supervisor, records hallResults and completes it; it returns the inspection's id.
func (e *env) inspect() string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/inspections", "supervisor", map[string]any{"unit": "win-a1", "kind": "unannounced",
		"date": "2026-01-30", "checklist": "hall"})
	if r.code != http.StatusCreated || r.str("status") != "planned" {
		e.t.Fatalf("plan: %d %s", r.code, r.raw)
	}
	id := jsonNumber(r.field("id"))
	if r := e.do("POST", "/api/v1/inspections/"+id+"/results", "supervisor", map[string]any{"items": hallResults()}); r.code != http.StatusOK {
		e.t.Fatalf("results: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/inspections/"+id+"/complete", "supervisor", nil); r.code != http.StatusOK {
		e.t.Fatalf("complete: %d %s", r.code, r.raw)
	}
	return id
}

func jsonNumber(v any) string {
	f, _ := v.(float64)
	return itoa(int64(f))
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestChecklists: the defaults are listed (the hall's nine items and three presets); a
// root admin replaces one, others may not, and a bad one names its fields.
func TestChecklists(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/api/v1/checklists", "supervisor", nil)
	items, _ := r.field("items").([]any)
	if r.code != http.StatusOK || len(items) != 4 {
		t.Fatalf("checklists: %d %s, want the 4 defaults", r.code, r.raw)
	}
	if !strings.Contains(r.raw, "一次性告知") || !strings.Contains(r.raw, `"preset":"hospital"`) || !strings.Contains(r.raw, `"preset":"police"`) ||
		!strings.Contains(r.raw, `"preset":"drug"`) {
		t.Errorf("checklists lack the hall's items or a preset: %s", r.raw)
	}
	mine := map[string]any{"name": "专项：收费公示", "items": []map[string]any{{"code": "fees", "name": "收费公示", "weight": 50},
		{"code": "receipt", "name": "开具票据", "weight": 50}}}
	if r := e.do("PUT", "/api/v1/checklists/fees-special", "supervisor", mine); r.code != http.StatusForbidden {
		t.Errorf("checklist saved by a supervisor: %d, want 403", r.code)
	}
	if r := e.do("PUT", "/api/v1/checklists/fees-special", "admin", mine); r.code != http.StatusOK {
		t.Fatalf("checklist saved by the admin: %d %s", r.code, r.raw)
	}
	bad := map[string]any{"name": "", "items": []map[string]any{{"code": "x", "name": "某项", "weight": 0}}}
	if r := e.do("PUT", "/api/v1/checklists/bad", "admin", bad); r.code != http.StatusUnprocessableEntity ||
		r.fieldErr("name") == "" || r.fieldErr("items[0].weight") == "" {
		t.Errorf("bad checklist: %d %s, want 422 naming name and items[0].weight", r.code, r.raw)
	}
	r = e.do("GET", "/api/v1/checklists", "inspector", nil)
	if items, _ := r.field("items").([]any); len(items) != 5 {
		t.Errorf("after saving one: %d checklists, want 5", len(items))
	}
}

// TestInspectionAndRectification: an inspection is planned, recorded and completed with
// the score computed by hand (100 − 15 for the failed 一次性告知 − 5 for 文明用语 scored 10
// of 15 = 80); the failed item opens a task due in 5 working days, which the unit's
// handler submits, the inspector returns with a reason, then accepts. Scope: another
// unit sees nothing; a planned (unannounced) inspection is hidden from the unit.
func TestInspectionAndRectification(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/inspections", "supervisor", map[string]any{"unit": "win-a1", "kind": "sometimes",
		"date": "2026-13-01", "checklist": "nope"})
	if r.code != http.StatusUnprocessableEntity || r.fieldErr("kind") == "" || r.fieldErr("date") == "" || r.fieldErr("checklist") == "" {
		t.Errorf("bad plan: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/inspections", "dept-b-super", map[string]any{"unit": "win-a1", "kind": "routine",
		"date": "2026-01-30", "checklist": "hall"}); r.code != http.StatusUnprocessableEntity || r.fieldErr("unit") == "" {
		t.Errorf("plan outside the supervisor's subtree: %d %s", r.code, r.raw)
	}
	r = e.do("POST", "/api/v1/inspections", "supervisor", map[string]any{"unit": "win-a1", "kind": "unannounced",
		"date": "2026-01-30", "checklist": "hall"})
	id := jsonNumber(r.field("id"))
	if r := e.do("GET", "/api/v1/inspections/"+id, "handler-a", nil); r.code != http.StatusNotFound {
		t.Errorf("a planned unannounced inspection read by the unit: %d, want 404", r.code)
	}
	if r := e.do("POST", "/api/v1/inspections/"+id+"/complete", "supervisor", nil); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.fieldErr("items"), "在岗在位") {
		t.Errorf("complete with no results: %d %s", r.code, r.raw)
	}
	bad := []map[string]any{{"item": "one_notice", "result": "fail"}, {"item": "nope", "result": "pass"},
		{"item": "dress", "result": "pass", "score": 50}, {"item": "fees", "result": "fail", "note": "无", "staff": []string{"Z999"}}}
	if r := e.do("POST", "/api/v1/inspections/"+id+"/results", "supervisor", map[string]any{"items": bad}); r.code != http.StatusUnprocessableEntity ||
		r.fieldErr("items[0].note") == "" || r.fieldErr("items[1].item") == "" || r.fieldErr("items[2].score") == "" || r.fieldErr("items[3].staff") == "" {
		t.Errorf("bad results: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/inspections/"+id+"/results", "handler-a", map[string]any{"items": hallResults()}); r.code != http.StatusNotFound && r.code != http.StatusForbidden {
		t.Errorf("results by the unit's handler: %d, want 403 or 404", r.code)
	}
	e.do("POST", "/api/v1/inspections/"+id+"/results", "supervisor", map[string]any{"items": hallResults()})
	r = e.do("POST", "/api/v1/inspections/"+id+"/complete", "supervisor", nil)
	if r.code != http.StatusOK || r.str("status") != "completed" || r.field("score") != 80.0 || r.field("max_score") != 100.0 || r.field("failed") != 1.0 {
		t.Fatalf("complete: %d %s, want completed 80/100 with 1 failed", r.code, r.raw)
	}
	rects, _ := r.field("rectifications").([]any)
	if len(rects) != 1 {
		t.Fatalf("rectifications = %v, want 1", rects)
	}
	task := rects[0].(map[string]any)
	if task["due_date"] != "2026-02-06" || task["status"] != "open" || task["item"] != "one_notice" || task["unit"] != "win-a1" {
		t.Errorf("task = %v, want one_notice of win-a1 open, due 2026-02-06 (5 working days)", task)
	}
	tid := itoa(int64(task["id"].(float64)))
	if !hasMessage(e, "handler-a", "督查整改通知") || hasMessage(e, "handler-b", "督查整改通知") {
		t.Errorf("the unit (and only it) is not told of its tasks")
	}
	if r := e.do("POST", "/api/v1/inspections/"+id+"/complete", "supervisor", nil); r.code != http.StatusConflict {
		t.Errorf("complete twice: %d, want 409", r.code)
	}

	list := func(who, query string) int {
		r := e.do("GET", "/api/v1/rectifications"+query, who, nil)
		if r.code != http.StatusOK {
			t.Fatalf("rectifications%s as %s: %d %s", query, who, r.code, r.raw)
		}
		items, _ := r.field("items").([]any)
		return len(items)
	}
	if n := list("handler-a", ""); n != 1 {
		t.Errorf("the unit's handler lists %d tasks, want 1", n)
	}
	if n := list("handler-b", ""); n != 0 {
		t.Errorf("another unit's handler lists %d tasks, want 0", n)
	}
	if n := list("supervisor", "?unit=win-a1&status=open&source=inspection"); n != 1 {
		t.Errorf("the supervisor lists %d open tasks of win-a1, want 1", n)
	}
	if r := e.do("GET", "/api/v1/rectifications?status=done", "supervisor", nil); r.code != http.StatusUnprocessableEntity || r.fieldErr("status") == "" {
		t.Errorf("bad status filter: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/submit", "handler-b", map[string]any{"text": "已整改"}); r.code != http.StatusNotFound {
		t.Errorf("submit by another unit: %d, want 404", r.code)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/submit", "handler-a", map[string]any{"text": ""}); r.code != http.StatusUnprocessableEntity || r.fieldErr("text") == "" {
		t.Errorf("empty submit: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/submit", "handler-a", map[string]any{"text": "已组织窗口人员学习一次性告知制度"}); r.code != http.StatusOK || r.str("status") != "submitted" {
		t.Fatalf("submit: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/verify", "handler-a", map[string]any{"accepted": true}); r.code != http.StatusForbidden {
		t.Errorf("verify by the unit itself: %d, want 403", r.code)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/verify", "inspector", map[string]any{"accepted": false}); r.code != http.StatusUnprocessableEntity || r.fieldErr("note") == "" {
		t.Errorf("return without a reason: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/verify", "inspector", map[string]any{"accepted": false, "note": "缺少学习记录"}); r.code != http.StatusOK || r.str("status") != "open" || r.field("returns") != 1.0 {
		t.Errorf("return: %d %s", r.code, r.raw)
	}
	if !hasMessage(e, "handler-a", "整改被退回") {
		t.Errorf("the unit was not told of the return")
	}
	e.do("POST", "/api/v1/rectifications/"+tid+"/submit", "handler-a", map[string]any{"text": "补充学习记录"})
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/verify", "inspector", map[string]any{"accepted": true, "note": "整改到位"}); r.code != http.StatusOK || r.str("status") != "verified" {
		t.Errorf("accept: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/inspections?unit=dept-a&status=completed&from=2026-01-01&to=2026-01-31", "handler-a", nil); r.code != http.StatusOK || !strings.Contains(r.raw, `"score":80`) {
		t.Errorf("the unit's completed inspections: %d %s", r.code, r.raw)
	}
	recs, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Object: "rectification:" + tid})
	if err != nil || len(recs) != 4 {
		t.Errorf("audit of the task: %d records (%v), want 4 (submit, return, submit, accept)", len(recs), err)
	}
}

func hasMessage(e *env, login, subject string) bool {
	ms, err := e.store.ListMessages(context.Background(), tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: login})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		if strings.Contains(m.Subject, subject) {
			return true
		}
	}
	return false
}

// TestRectificationOverdue: a task left open past its due date turns overdue and the
// unit is told the day after; after 3 working days late it is reported to the unit's
// superiors, after 5 to the supervision office, after 10 to discipline inspection, each
// step once, through the deadline job.
func TestRectificationOverdue(t *testing.T) {
	e := newEnv(t)
	e.inspect()
	ctx := context.Background()
	tick := func(day string) {
		t.Helper()
		d := tousu.MustDate(day)
		e.clock.Set(time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, cst))
		if _, err := e.app.Tick(ctx, "test", time.Minute); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(e.clock.Now().Add(10 * time.Minute)) // the lease passes
	}
	status := func() string {
		r := e.do("GET", "/api/v1/rectifications?unit=win-a1", "supervisor", nil)
		items, _ := r.field("items").([]any)
		if len(items) != 1 {
			t.Fatalf("tasks: %s", r.raw)
		}
		return items[0].(map[string]any)["status"].(string)
	}
	tick("2026-02-06")
	if s := status(); s != "open" {
		t.Errorf("on the due day: %s, want open", s)
	}
	tick("2026-02-09")
	if s := status(); s != "overdue" || !hasMessage(e, "handler-a", "整改超期") {
		t.Errorf("the day after: %s, want overdue and the unit told", s)
	}
	if hasMessage(e, "inspector", "整改超期上报") {
		t.Errorf("escalated to discipline inspection at once")
	}
	rep, err := e.app.ScanRectifications(ctx)
	if err != nil || rep.Overdue+rep.Escalated != 0 {
		t.Errorf("a second scan the same day: %+v %v, want nothing more", rep, err)
	}
	tick("2026-02-12") // 4 working days late
	if !hasMessage(e, "target", "整改超期上报") {
		t.Errorf("not reported to the unit's superiors after 3 working days")
	}
	tick("2026-03-09")
	if !hasMessage(e, "inspector", "整改超期上报") {
		t.Errorf("not reported to discipline inspection after 10 working days")
	}
	// Submitting late is still possible; an overdue task returned stays overdue.
	r := e.do("GET", "/api/v1/rectifications", "handler-a", nil)
	tid := itoa(int64(r.field("items").([]any)[0].(map[string]any)["id"].(float64)))
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/submit", "handler-a", map[string]any{"text": "已整改"}); r.code != http.StatusOK {
		t.Fatalf("late submit: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/rectifications/"+tid+"/verify", "supervisor", map[string]any{"accepted": false, "note": "不到位"}); r.str("status") != "overdue" {
		t.Errorf("a late task returned: %s, want overdue", r.raw)
	}
}
