package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEvaluationRectificationTask: a 差评 that reaches its rectification step is a
// rectification task of source evaluation — the window's, due on the rating's
// rectification day, linked to the rating — in the unit's one list of what it must put
// right. Submitting and verifying through either the rating or the task moves both; the
// rating's rules apply either way; an upheld appeal ends the task; the desk shows the
// source.
func TestEvaluationRectificationTask(t *testing.T) {
	e := newEnv(t)
	id := e.rate(badRating("BJ1")).str("id")
	tasks := func(who, query string) []map[string]any {
		t.Helper()
		r := e.do("GET", "/api/v1/rectifications"+query, who, nil)
		if r.code != http.StatusOK {
			t.Fatalf("rectifications%s as %s: %d %s", query, who, r.code, r.raw)
		}
		items, _ := r.field("items").([]any)
		out := make([]map[string]any, len(items))
		for i, it := range items {
			out[i] = it.(map[string]any)
		}
		return out
	}
	if l := tasks("dept-b-super", "?source=evaluation"); len(l) != 0 {
		t.Fatalf("a rating waiting for its call-back has a task: %v", l)
	}
	e.evalAct(id, "callback", "dept-b-super", map[string]any{"reached": true, "note": "群众反映窗口未一次告知材料"}, http.StatusOK)
	l := tasks("handler-b", "?unit=win-b1")
	if len(l) != 1 || l[0]["source"] != "evaluation" || l[0]["evaluation_id"] != id || l[0]["unit"] != "win-b1" ||
		l[0]["due_date"] != "2026-02-06" || l[0]["status"] != "open" || l[0]["source_label"] != "差评" {
		t.Fatalf("the unit's tasks after the call-back: %v, want one open evaluation task of %s due 2026-02-06", l, id)
	}
	if strings.Contains(mustJSON(t, l), "13812345678") {
		t.Errorf("the task shows the citizen's phone: %v", l)
	}
	if l := tasks("handler-b", "?source=inspection"); len(l) != 0 {
		t.Errorf("source=inspection lists the rating's task: %v", l)
	}
	task := "/api/v1/rectifications/" + mustJSON(t, l[0]["id"])
	eval := func() result { return e.do("GET", "/api/v1/evaluations/"+id, "dept-b-super", nil) }

	// Submitted through the task: the rating waits for verification with the same text.
	if r := e.do("POST", task+"/submit", "handler-b", map[string]any{"text": " "}); r.code != http.StatusUnprocessableEntity || r.fieldErr("text") == "" {
		t.Errorf("an empty submission: %d %s", r.code, r.raw)
	}
	r := e.do("POST", task+"/submit", "handler-b", map[string]any{"text": "已对窗口人员批评教育，材料清单上墙"})
	if r.code != http.StatusOK || r.str("status") != "submitted" || r.str("text") != "已对窗口人员批评教育，材料清单上墙" {
		t.Fatalf("submit through the task: %d %s", r.code, r.raw)
	}
	if v := eval(); v.str("status") != "verify_due" || v.str("detail.rectification.text") != "已对窗口人员批评教育，材料清单上墙" {
		t.Errorf("the rating after the task's submission: %s, want verify_due with the text", v.raw)
	}
	// Returned through the rating: the task is open again, returned once.
	e.evalAct(id, "verify", "dept-b-super", map[string]any{"accepted": false, "note": "清单未上墙"}, http.StatusOK)
	if r := e.do("GET", task, "handler-b", nil); r.str("status") != "open" || r.field("returns") != 1.0 || r.str("verify_note") != "清单未上墙" {
		t.Errorf("the task after the rating's return: %s, want open, returned once", r.raw)
	}
	e.evalAct(id, "rectify", "handler-b", map[string]any{"text": "材料清单已上墙公示"}, http.StatusOK)
	if r := e.do("GET", task, "dept-b-super", nil); r.str("status") != "submitted" || r.field("may_verify") != true {
		t.Errorf("the task after the rating's rectification: %s, want submitted, verifiable", r.raw)
	}
	// Verified through the task, under the rating's rule: a supervisor, not an inspector.
	if r := e.do("POST", task+"/verify", "inspector", map[string]any{"accepted": true}); r.code != http.StatusForbidden {
		t.Errorf("an inspector verifying a rating's task: %d %s, want 403", r.code, r.raw)
	}
	r = e.do("POST", task+"/verify", "dept-b-super", map[string]any{"accepted": true, "note": "已现场核实"})
	if r.code != http.StatusOK || r.str("status") != "verified" {
		t.Fatalf("verify through the task: %d %s", r.code, r.raw)
	}
	if v := eval(); v.str("status") != "closed" || v.field("on_time") != true {
		t.Errorf("the rating after the task's verification: %s, want closed on time", v.raw)
	}
	if r := e.do("POST", task+"/verify", "dept-b-super", map[string]any{"accepted": true}); r.code != http.StatusConflict {
		t.Errorf("verifying twice: %d, want 409", r.code)
	}

	// An upheld appeal ends the task.
	other := e.rate(badRating("BJ2")).str("id")
	e.evalAct(other, "callback", "dept-b-super", map[string]any{"reached": true, "note": "已联系"}, http.StatusOK)
	e.evalAct(other, "appeal", "handler-b", map[string]any{"reason": "评价人当天未到本窗口办事"}, http.StatusOK)
	e.evalAct(other, "decide_appeal", "supervisor", map[string]any{"upheld": true, "note": "监控可证"}, http.StatusOK)
	for _, it := range tasks("supervisor", "?source=evaluation") {
		if it["evaluation_id"] == other && (it["status"] != "verified" || !strings.Contains(it["verify_note"].(string), "申诉复核成立")) {
			t.Errorf("the task of an upheld appeal: %v, want verified with the decision", it)
		}
	}

	// A task past its due day shows overdue; the rating's own job does the warning.
	late := e.rate(badRating("BJ3")).str("id")
	e.rate(badRating("BJ4")) // never called back: due 2 February
	e.evalAct(late, "callback", "dept-b-super", map[string]any{"reached": true, "note": "已联系"}, http.StatusOK)
	e.clock.Set(time.Date(2026, 2, 10, 9, 0, 0, 0, cst))
	if _, err := e.app.Tick(context.Background(), "node-1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if l := tasks("handler-b", "?status=overdue&source=evaluation"); len(l) != 1 || l[0]["evaluation_id"] != late {
		t.Errorf("overdue evaluation tasks: %v, want %s's", l, late)
	}

	// Accountability of February for win-b1: BJ4 not called back by its due day (late
	// callback) and BJ3's task overdue — 100 − 2 × 3 in the assessment.
	r = e.do("GET", "/api/v1/assessment?month=2026-02", "leader", nil)
	for _, it := range r.field("units").([]any) {
		if m := it.(map[string]any); m["code"] == "win-b1" && (m["accountability"] != 2.0 || m["score"] != 94.0) {
			t.Errorf("win-b1 in February: %v, want 2 accountability records (a late call-back, an overdue task), 94", m)
		}
	}

	// The desk's list shows where each task comes from.
	page := e.signIn("handler-b").get("/desk/rectifications?source=evaluation")
	mustContain(t, "the desk's rectification list", page, "差评", "差评整改")
	detail := e.signIn("dept-b-super").get("/desk/rectifications/" + mustJSON(t, l[0]["id"]))
	mustContain(t, "the desk's task page", detail, `id="rect-source">差评`, "/desk/evaluations/"+id)
}
