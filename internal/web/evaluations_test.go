package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// rate posts a public rating and returns its answer.
func (e *env) rate(body map[string]any) result {
	e.t.Helper()
	return e.do("POST", "/api/v1/public/evaluations", "", body)
}

// badRating is a 非常不满意 of 医保1号窗口's 赵窗口 with reasons and a phone.
func badRating(tx string) map[string]any {
	return map[string]any{"window": "win-b1", "staff": "B001", "level": 1, "reasons": []string{"attitude", "repeat"},
		"comment": "材料没有一次说清，跑了三趟", "transaction_no": tx, "item": "医保关系转移", "channel": "qr", "phone": "13812345678"}
}

// item reads a dotted path from the i-th of a list answer's items.
func item(r result, i int, path string) any {
	items, _ := r.field("items").([]any)
	if i >= len(items) {
		return nil
	}
	return result{body: map[string]any{"x": items[i]}}.field("x." + path)
}

func (e *env) evalAct(id, action, who string, body any, want int) result {
	e.t.Helper()
	r := e.do("POST", "/api/v1/evaluations/"+id+"/"+action, who, body)
	if r.code != want {
		e.t.Fatalf("%s %s by %s: %d %s, want %d", action, id, who, r.code, r.raw, want)
	}
	return r
}

func (e *env) evalCount(who string) int {
	e.t.Helper()
	r := e.do("GET", "/api/v1/evaluations?limit=500", who, nil)
	items, _ := r.field("items").([]any)
	return len(items)
}

// TestEvaluationRating: a rating is answered 201 with its number, level and status (bad
// ones wait for a call-back, good ones are closed); a second rating of the same
// transaction is 409; bad input is refused field by field in Chinese with nothing
// stored; the list is scoped; the phone is masked and revealed only with a reason, audited.
func TestEvaluationRating(t *testing.T) {
	e := newEnv(t)
	r := e.rate(badRating("BJ20260130-0001"))
	if r.code != http.StatusCreated || r.str("status") != "callback_due" || r.field("level") != 1.0 ||
		!strings.HasPrefix(r.str("id"), "PJ20260130-") || len(r.body) != 3 {
		t.Fatalf("bad rating: %d %s, want 201 {id PJ20260130-…, level 1, status callback_due}", r.code, r.raw)
	}
	bad := r.str("id")
	good := e.rate(map[string]any{"window": "win-a1", "staff": "A001", "level": 5, "transaction_no": "BJ20260130-0002"})
	if good.code != http.StatusCreated || good.str("status") != "closed" {
		t.Fatalf("good rating: %d %s, want 201 closed", good.code, good.raw)
	}
	if d := e.rate(badRating("BJ20260130-0001")); d.code != http.StatusConflict || d.fieldErr("transaction_no") == "" {
		t.Errorf("second rating of a transaction: %d %s, want 409 naming transaction_no", d.code, d.raw)
	}

	for _, c := range []struct {
		name  string
		mod   func(map[string]any)
		field string
	}{
		{"no level", func(m map[string]any) { delete(m, "level") }, "level"},
		{"level 6", func(m map[string]any) { m["level"] = 6 }, "level"},
		{"bad without reasons", func(m map[string]any) { m["reasons"] = []string{} }, "reasons"},
		{"unknown reason", func(m map[string]any) { m["reasons"] = []string{"rude"} }, "reasons"},
		{"reasons on a good rating", func(m map[string]any) { m["level"] = 4 }, "reasons"},
		{"unknown window", func(m map[string]any) { m["window"] = "nowhere" }, "window"},
		{"no window", func(m map[string]any) { m["window"] = "" }, "window"},
		{"staff of another window", func(m map[string]any) { m["staff"] = "A001" }, "staff"},
		{"bad phone", func(m map[string]any) { m["phone"] = "12345" }, "phone"},
		{"paper channel from the public", func(m map[string]any) { m["channel"] = "box" }, "channel"},
		{"unknown channel", func(m map[string]any) { m["channel"] = "fax" }, "channel"},
		{"long comment", func(m map[string]any) { m["comment"] = strings.Repeat("慢", 501) }, "comment"},
		{"control characters", func(m map[string]any) { m["item"] = "医保\x00转移" }, "item"},
	} {
		body := badRating("BJ-BAD")
		c.mod(body)
		r := e.rate(body)
		if r.code != http.StatusUnprocessableEntity || r.fieldErr(c.field) == "" {
			t.Errorf("%s: %d %s, want 422 naming %s", c.name, r.code, r.raw, c.field)
		}
		if msg := r.fieldErr(c.field); msg != "" && !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4E00 }) {
			t.Errorf("%s: the error %q is not in Chinese", c.name, msg)
		}
	}
	if r := e.rate(map[string]any{"window": "win-b1", "level": "five"}); r.code != http.StatusBadRequest && r.code != http.StatusUnprocessableEntity {
		t.Errorf("a level of the wrong type: %d, want 400 or 422", r.code)
	}
	if n := e.evalCount("supervisor"); n != 2 {
		t.Errorf("ratings stored after the refused ones: %d, want 2", n)
	}

	// Scope: the 医保局's supervisor sees the bad rating of its window, not the 人社局's.
	if n := e.evalCount("dept-b-super"); n != 1 {
		t.Errorf("dept-b-super sees %d ratings, want 1", n)
	}
	if r := e.do("GET", "/api/v1/evaluations/"+bad, "handler-a", nil); r.code != http.StatusNotFound {
		t.Errorf("handler of another department reads the rating: %d, want 404", r.code)
	}
	if r := e.do("GET", "/api/v1/evaluations?level=1&window=win-b1&status=callback_due", "supervisor", nil); len(r.field("items").([]any)) != 1 {
		t.Errorf("filtered list: %s, want the bad rating", r.raw)
	}
	if r := e.do("GET", "/api/v1/evaluations?colour=red", "supervisor", nil); r.code != http.StatusBadRequest {
		t.Errorf("unknown parameter: %d, want 400", r.code)
	}
	if r := e.do("GET", "/api/v1/evaluations", "", nil); r.code != http.StatusUnauthorized {
		t.Errorf("list without a token: %d, want 401", r.code)
	}

	got := e.do("GET", "/api/v1/evaluations/"+bad, "dept-b-super", nil)
	if got.str("phone") != "138****5678" || strings.Contains(got.raw, "13812345678") || got.str("window_name") != "医保1号窗口" ||
		got.str("staff_name") != "赵窗口" || got.str("callback_due") != "2026-02-02" || got.str("rectify_due") != "2026-02-06" {
		t.Errorf("the rating: %s, want the phone masked, names resolved, due 2026-02-02 and 2026-02-06", got.raw)
	}
	e.evalAct(bad, "reveal", "dept-b-super", map[string]any{}, http.StatusUnprocessableEntity)
	e.evalAct(bad, "reveal", "handler-b", map[string]any{"reason": "回访"}, http.StatusForbidden)
	if r := e.evalAct(bad, "reveal", "dept-b-super", map[string]any{"reason": "回访评价人"}, http.StatusOK); r.str("phone") != "13812345678" {
		t.Errorf("reveal: %s", r.raw)
	}
	if !strings.HasPrefix(e.dsn, "postgres") { // the SQLite file holds the phone sealed only
		for _, f := range []string{e.dsn, e.dsn + "-wal"} {
			if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "13812345678") {
				t.Errorf("%s holds the phone in clear", filepath.Base(f))
			}
		}
	}
	recs, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Object: bad})
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, rec := range recs {
		acts = append(acts, rec.Action)
		if strings.Contains(rec.Detail, "13812345678") {
			t.Errorf("audit record %s carries the phone: %q", rec.Action, rec.Detail)
		}
	}
	if strings.Join(acts, ",") != "evaluation.reveal,evaluate" {
		t.Errorf("audit of the rating: %v, want evaluate then evaluation.reveal", acts)
	}
}

// TestEvaluationLifecycle: a bad rating is called back, put right, returned once by the
// supervisor, put right again and accepted: closed on time, and the citizen who left a
// phone gets an SMS. Steps left undone past their due day raise the overdue warning, the
// automatic urge and the escalation, each once, and the window's people hear of them.
func TestEvaluationLifecycle(t *testing.T) {
	e := newEnv(t)
	sms := &recorder{}
	e.app.SetNotifications(app.Notifications{SMS: sms})
	id := e.rate(badRating("BJ1")).str("id")
	late := e.rate(badRating("BJ2")).str("id")

	// Nobody calls back: on Wednesday 4 February, two working days past 2 February.
	e.clock.Set(time.Date(2026, 2, 4, 9, 0, 0, 0, cst))
	rep, err := e.app.Tick(context.Background(), "node-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Evaluations.Overdue != 2 || rep.Evaluations.Urged != 2 || rep.Evaluations.Escalated != 0 {
		t.Errorf("first scan: %+v, want 2 overdue and 2 urged", rep.Evaluations)
	}
	if rep, _ := e.app.Tick(context.Background(), "node-1", time.Minute); rep.Evaluations.Warnings() != 0 {
		t.Errorf("second scan the same day: %+v, want nothing new", rep.Evaluations)
	}
	v := e.do("GET", "/api/v1/evaluations/"+id, "dept-b-super", nil)
	if v.field("overdue") != true || !strings.Contains(v.raw, `"warn_overdue"`) || !strings.Contains(v.raw, `"urge"`) {
		t.Errorf("after the scan: %s, want overdue with warn_overdue and urge in the timeline", v.raw)
	}
	msgs, err := e.store.ListMessages(context.Background(), tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: "handler-b"})
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Subject)
	}
	if all := strings.Join(subjects, "|"); !strings.Contains(all, "差评待回访 "+id) || !strings.Contains(all, "催办 "+id) {
		t.Errorf("handler-b's desk messages: %v, want the bad rating and the urge", subjects)
	}

	// The staff member rated neither calls the citizen back nor sees the phone.
	own := e.rate(map[string]any{"window": "win-a1", "staff": "A001", "level": 2, "reasons": []string{"slow"}, "phone": "13912345678"}).str("id")
	e.evalAct(own, "callback", "target", map[string]any{"reached": true, "note": "我打的"}, http.StatusForbidden)
	e.evalAct(own, "reveal", "target", map[string]any{"reason": "回访"}, http.StatusForbidden)

	// Its desk message leads to the rating.
	notes := e.signIn("handler-b").get("/desk/notifications")
	mustContain(t, "handler-b's notifications", notes, "查看评价 "+id, `name="evaluation" value="`+id+`"`)

	// The window's supervisor calls back; the call-back's due day passed, the step is new.
	e.evalAct(id, "callback", "dept-b-super", map[string]any{"note": "已联系"}, http.StatusUnprocessableEntity)
	e.evalAct(id, "rectify", "dept-b-super", map[string]any{"text": "整改"}, http.StatusConflict)
	r := e.evalAct(id, "callback", "dept-b-super", map[string]any{"reached": true, "note": "群众反映窗口未一次告知材料"}, http.StatusOK)
	if r.str("status") != "rectify_due" || r.str("due") != "2026-02-06" || r.field("overdue") != false {
		t.Errorf("after the call-back: %s, want rectify_due, due 2026-02-06", r.raw)
	}
	e.evalAct(id, "rectify", "dept-b-super", map[string]any{"text": " "}, http.StatusUnprocessableEntity)
	e.evalAct(id, "rectify", "handler-b", map[string]any{"text": "已对窗口人员批评教育，公示材料清单"}, http.StatusOK)
	e.evalAct(id, "verify", "handler-b", map[string]any{"accepted": true}, http.StatusForbidden)
	e.evalAct(id, "verify", "dept-b-super", map[string]any{"accepted": false}, http.StatusUnprocessableEntity)
	if r := e.evalAct(id, "verify", "dept-b-super", map[string]any{"accepted": false, "note": "清单未上墙"}, http.StatusOK); r.str("status") != "rectify_due" {
		t.Errorf("returned verification: %s, want rectify_due", r.raw)
	}
	e.evalAct(id, "rectify", "dept-b-super", map[string]any{"text": "材料清单已上墙公示"}, http.StatusOK)
	r = e.evalAct(id, "verify", "dept-b-super", map[string]any{"accepted": true, "note": "已现场核实"}, http.StatusOK)
	if r.str("status") != "closed" || r.field("on_time") != true || r.str("due") != "" {
		t.Errorf("accepted verification: %s, want closed on time", r.raw)
	}
	e.evalAct(id, "verify", "dept-b-super", map[string]any{"accepted": true}, http.StatusConflict)
	if _, err := e.app.DeliverOutbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := sms.sent()
	if len(out) != 1 || out[0].To != "13812345678" || !strings.Contains(out[0].Body, "材料清单已上墙公示") || !strings.Contains(out[0].Body, id) {
		t.Errorf("SMS to the citizen: %+v, want one to 13812345678 naming the rectification", out)
	}

	// The other is left alone until 3 working days past due: reported to the head.
	e.clock.Set(time.Date(2026, 2, 5, 9, 0, 0, 0, cst))
	rep, err = e.app.Tick(context.Background(), "node-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Evaluations.Escalated != 1 || rep.Evaluations.Overdue != 0 {
		t.Errorf("third working day past due: %+v, want one escalation", rep.Evaluations)
	}
	if v := e.do("GET", "/api/v1/evaluations/"+late, "supervisor", nil); !strings.Contains(v.raw, `"escalate"`) || !strings.Contains(v.raw, "报送") {
		t.Errorf("escalated rating: %s", v.raw)
	}
	// A rating closed late is not on time.
	e.clock.Set(time.Date(2026, 2, 10, 9, 0, 0, 0, cst))
	e.evalAct(late, "callback", "dept-b-super", map[string]any{"reached": false, "note": "电话无人接听"}, http.StatusOK)
	e.evalAct(late, "rectify", "handler-b", map[string]any{"text": "已整改"}, http.StatusOK)
	if r := e.evalAct(late, "verify", "dept-b-super", map[string]any{"accepted": true, "note": "核实"}, http.StatusOK); r.field("on_time") != false {
		t.Errorf("late rectification: %s, want on_time false", r.raw)
	}
}

// TestEvaluationAppeal: the window appeals a malicious rating with its reason; neither
// the appellant nor a supervisor outside the office may decide; the office's supervisor
// upholds it, which closes it and leaves it out of the figures, never deleted; a rejected
// appeal leaves it counted; every step is audited.
func TestEvaluationAppeal(t *testing.T) {
	e := newEnv(t)
	id := e.rate(badRating("BJ1")).str("id")
	other := e.rate(badRating("BJ2")).str("id")
	good := e.rate(map[string]any{"window": "win-b1", "staff": "B001", "level": 5}).str("id")
	e.evalAct(good, "appeal", "handler-b", map[string]any{"reason": "无"}, http.StatusConflict)
	e.evalAct(id, "appeal", "handler-b", map[string]any{}, http.StatusUnprocessableEntity)
	e.evalAct(id, "decide_appeal", "supervisor", map[string]any{"upheld": true, "note": "x"}, http.StatusConflict)
	e.evalAct(id, "appeal", "handler-b", map[string]any{"reason": "评价人当天未到本窗口办事，监控可证"}, http.StatusOK)
	e.evalAct(id, "appeal", "handler-b", map[string]any{"reason": "再次申诉"}, http.StatusConflict)
	e.evalAct(id, "decide_appeal", "handler-b", map[string]any{"upheld": true, "note": "x"}, http.StatusForbidden)
	e.evalAct(id, "decide_appeal", "dept-b-super", map[string]any{"upheld": true, "note": "x"}, http.StatusForbidden)
	e.evalAct(id, "decide_appeal", "supervisor", map[string]any{"note": "x"}, http.StatusUnprocessableEntity)
	r := e.evalAct(id, "decide_appeal", "supervisor", map[string]any{"upheld": true, "note": "经查看监控，申诉成立"}, http.StatusOK)
	if r.str("status") != "closed" || r.field("excluded") != true || r.str("appeal_status") != "upheld" {
		t.Errorf("upheld appeal: %s, want closed and excluded", r.raw)
	}
	e.evalAct(other, "appeal", "dept-b-super", map[string]any{"reason": "恶意评价"}, http.StatusOK)
	if r := e.evalAct(other, "decide_appeal", "supervisor", map[string]any{"upheld": false, "note": "理由不充分"}, http.StatusOK); r.str("status") != "callback_due" || r.field("excluded") != false {
		t.Errorf("rejected appeal: %s, want the rating still waiting for its call-back", r.raw)
	}
	if r := e.do("GET", "/api/v1/evaluations?appeal=upheld", "supervisor", nil); len(r.field("items").([]any)) != 1 {
		t.Errorf("the upheld rating is kept: %s", r.raw)
	}
	st := e.do("GET", "/api/v1/evaluations/stats?group_by=window", "supervisor", nil)
	if item(st, 0, "total") != 2.0 || item(st, 0, "excluded") != 1.0 || item(st, 0, "bad") != 1.0 {
		t.Errorf("figures after the appeals: %s, want 2 counted (1 bad), 1 excluded", st.raw)
	}
	recs, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Object: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Action != "evaluation.decide_appeal" || recs[1].Action != "evaluation.appeal" {
		t.Errorf("audit: %+v, want evaluate, evaluation.appeal, evaluation.decide_appeal", recs)
	}
}

// TestEvaluationFigures: counts by level, 好评率, 差评率, 差评整改率 and 回访率 per window
// and per staff member, within dates and the caller's scope.
func TestEvaluationFigures(t *testing.T) {
	e := newEnv(t)
	for _, lv := range []int{5, 5, 4, 3} {
		e.rate(map[string]any{"window": "win-a1", "staff": "A001", "level": lv})
	}
	onTime := e.rate(badRating("BJ1")).str("id")
	e.rate(badRating("BJ2"))
	e.rate(map[string]any{"window": "win-b1", "level": 4})
	e.evalAct(onTime, "callback", "dept-b-super", map[string]any{"reached": true, "note": "已回访"}, http.StatusOK)
	e.evalAct(onTime, "rectify", "handler-b", map[string]any{"text": "已整改"}, http.StatusOK)
	e.evalAct(onTime, "verify", "dept-b-super", map[string]any{"accepted": true, "note": "通过"}, http.StatusOK)

	r := e.do("GET", "/api/v1/evaluations/stats?group_by=window&from=2026-01-30&to=2026-01-30", "supervisor", nil)
	if r.code != http.StatusOK {
		t.Fatalf("stats: %d %s", r.code, r.raw)
	}
	want := map[string][]any{ // key: total, good_rate, bad_rate, rectified_on_time_rate, callback_rate
		"win-a1": {4.0, 0.75, 0.0, nil, nil},
		"win-b1": {3.0, 0.3333, 0.6667, 0.5, 0.5},
	}
	items := r.field("items").([]any)
	if len(items) != 2 {
		t.Fatalf("window figures: %s, want two windows", r.raw)
	}
	for _, it := range items {
		m := it.(map[string]any)
		w := want[m["key"].(string)]
		got := []any{m["total"], m["good_rate"], m["bad_rate"], m["rectified_on_time_rate"], m["callback_rate"]}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("%s figures = %v, want %v (total, 好评率, 差评率, 差评整改率, 回访率)", m["key"], got, w)
				break
			}
		}
	}
	if lv, _ := item(r, 1, "levels").([]any); len(lv) != 5 || lv[0] != 2.0 || lv[3] != 1.0 || item(r, 1, "name") != "医保1号窗口" {
		t.Errorf("win-b1 levels and name: %s", r.raw)
	}
	s := e.do("GET", "/api/v1/evaluations/stats?group_by=staff", "dept-b-super", nil)
	if items := s.field("items").([]any); len(items) != 1 || item(s, 0, "key") != "B001" || item(s, 0, "total") != 2.0 ||
		item(s, 0, "name") != "赵窗口" {
		t.Errorf("staff figures for dept-b-super: %s, want B001 only (the 4 stars without staff are not by staff)", s.raw)
	}
	if r := e.do("GET", "/api/v1/evaluations/stats?from=2026-02-01", "supervisor", nil); len(r.field("items").([]any)) != 0 {
		t.Errorf("figures after the ratings' day: %s, want none", r.raw)
	}
	for _, q := range []string{"group_by=unit", "from=yesterday"} {
		if r := e.do("GET", "/api/v1/evaluations/stats?"+q, "supervisor", nil); r.code != http.StatusUnprocessableEntity {
			t.Errorf("stats?%s: %d, want 422", q, r.code)
		}
	}
}

// TestEvaluationConvertAndPolicy: a 差评 becomes a complaint with one action, each naming
// the other; the policy is the admin's, checked, and applies to later ratings.
func TestEvaluationConvertAndPolicy(t *testing.T) {
	e := newEnv(t)
	id := e.rate(badRating("BJ1")).str("id")
	r := e.evalAct(id, "convert", "supervisor", map[string]any{"name": "张三"}, http.StatusOK)
	number := r.str("complaint")
	if !strings.HasPrefix(number, "TS") {
		t.Fatalf("convert: %s, want a complaint number", r.raw)
	}
	e.evalAct(id, "convert", "supervisor", map[string]any{}, http.StatusConflict)
	mustContain(t, "the complaint's desk page", e.signIn("supervisor").get("/desk/complaints/"+number), `href="/desk/evaluations/`+id+`"`)
	c := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil)
	if c.str("external_ref") != id || c.str("channel") != "evaluation" || c.str("target.unit") != "win-b1" ||
		!strings.Contains(c.str("matter"), "跑了三趟") {
		t.Errorf("the complaint: %s, want external_ref %s, channel evaluation, about win-b1", c.raw, id)
	}

	if r := e.do("PUT", "/api/v1/evaluation-policy", "supervisor", map[string]any{"callback_days": 2, "rectify_days": 10}); r.code != http.StatusForbidden {
		t.Errorf("policy by a supervisor: %d, want 403", r.code)
	}
	if r := e.do("PUT", "/api/v1/evaluation-policy", "admin", map[string]any{"callback_days": 3, "rectify_days": 2}); r.code != http.StatusUnprocessableEntity || r.fieldErr("rectify_days") == "" {
		t.Errorf("rectify shorter than callback: %d %s, want 422 naming rectify_days", r.code, r.raw)
	}
	if r := e.do("PUT", "/api/v1/evaluation-policy", "admin", map[string]any{"callback_days": 2, "rectify_days": 10}); r.code != http.StatusOK {
		t.Fatalf("policy: %d %s", r.code, r.raw)
	}
	if r := e.do("GET", "/api/v1/evaluation-policy", "supervisor", nil); r.field("callback_days") != 2.0 {
		t.Errorf("policy read back: %s", r.raw)
	}
	later := e.rate(badRating("BJ3")).str("id")
	if r := e.do("GET", "/api/v1/evaluations/"+later, "supervisor", nil); r.str("callback_due") != "2026-02-03" || r.str("rectify_due") != "2026-02-13" {
		t.Errorf("rating under the new policy: %s, want due 2026-02-03 and 2026-02-13", r.raw)
	}
}

// TestEvaluationPages: the phone page rates without JavaScript (errors beside the
// fields), the QR code is an SVG of the page under TOUSU_PUBLIC_URL, and the desk takes
// a paper slip and shows the rating with its actions.
func TestEvaluationPages(t *testing.T) {
	e := newEnv(t)
	p := e.portalGet("/evaluate?window=win-b1&staff=B001")
	portalContains(t, "rating page", p, "医保1号窗口", "赵窗口", "非常不满意", "态度不好", "多次跑动", `name="phone"`)
	if p := e.portalGet("/evaluate?window=nowhere"); p.code != http.StatusNotFound {
		t.Errorf("unknown window page: %d, want 404", p.code)
	}
	bad := e.portalPost("/evaluate?window=win-b1&staff=B001", url.Values{"level": {"1"}})
	if bad.code != http.StatusUnprocessableEntity {
		t.Errorf("rating 1 without reasons: %d, want 422", bad.code)
	}
	portalContains(t, "refused rating", bad, "请选择不满意的原因")
	ok := e.portalPost("/evaluate?window=win-b1&staff=B001", url.Values{"level": {"1"}, "reasons": {"attitude"}, "phone": {"13812345678"}})
	portalContains(t, "rated", ok, "感谢您的评价", "PJ20260130-")

	e.app.SetNotifications(app.Notifications{PublicURL: "https://ts.example.gov.cn/"})
	q := e.portalGet("/evaluate/qr.svg?window=win-b1&staff=B001")
	if q.code != http.StatusOK || q.header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(strings.TrimSpace(q.body), "<svg") {
		t.Errorf("QR code: %d %s %.60s", q.code, q.header.Get("Content-Type"), q.body)
	}

	clerk := e.signIn("clerk")
	slip := clerk.post("/desk/evaluations/slip", url.Values{"window": {"win-a1"}, "level": {"2"}})
	mustContain(t, "slip without reasons", slip, "请选择不满意的原因")
	done := clerk.follow(clerk.post("/desk/evaluations/slip", url.Values{"window": {"win-a1"}, "level": {"2"},
		"reasons": {"slow"}, "comment": {"排队太久"}}))
	mustContain(t, "slip entered", done, "纸质评价表", "办事拖拉", "待回访")
	sup := e.signIn("supervisor")
	list := sup.get("/desk/evaluations?tab=callback_due")
	mustContain(t, "desk list", list, "医保1号窗口", "社保1号窗口", "待回访")
	stats := sup.get("/desk/evaluations/stats")
	mustContain(t, "desk figures", stats, "好评率", "医保1号窗口")
	pdf := sup.get("/desk/evaluations/slip.pdf?kind=drug")
	if pdf.code != http.StatusOK || !strings.HasPrefix(pdf.body, "%PDF") {
		t.Errorf("slip PDF: %d %.20q", pdf.code, pdf.body)
	}
	admin := e.signIn("admin")
	mustContain(t, "admin page", admin.get("/desk/admin/evaluations"), "社保1号窗口", "cards/win-a1.pdf", "回访")
	card := admin.get("/desk/admin/evaluations/cards/win-a1.pdf")
	if card.code != http.StatusOK || !strings.HasPrefix(card.body, "%PDF") {
		t.Errorf("table card: %d %.20q", card.code, card.body)
	}
	if r := admin.get("/desk/admin/evaluations/cards/dept-a.pdf"); r.code != http.StatusNotFound {
		t.Errorf("a department's card: %d, want 404 (cards are for windows)", r.code)
	}
	saved := admin.post("/desk/admin/evaluations", url.Values{"callback_days": {"0"}, "rectify_days": {"5"}})
	mustContain(t, "policy refused", saved, "应为1至30个工作日")
}

// TestEvaluationsInStats: GET /api/v1/stats grouped by window or staff carries the 好差评
// figures — evaluations, good_rate, bad_rate, rectified_on_time_rate — beside the
// complaints' figures, within the caller's scope; other groupings do not.
func TestEvaluationsInStats(t *testing.T) {
	e := newEnv(t)
	e.register(nil) // a complaint about win-a1, so that its group has complaints too
	onTime := e.rate(badRating("BJ1")).str("id")
	e.rate(badRating("BJ2"))
	e.rate(map[string]any{"window": "win-b1", "staff": "B001", "level": 5})
	e.rate(map[string]any{"window": "win-a1", "level": 4})
	e.evalAct(onTime, "callback", "dept-b-super", map[string]any{"reached": true, "note": "已回访"}, http.StatusOK)
	e.evalAct(onTime, "rectify", "handler-b", map[string]any{"text": "已整改"}, http.StatusOK)
	e.evalAct(onTime, "verify", "dept-b-super", map[string]any{"accepted": true, "note": "通过"}, http.StatusOK)

	group := func(r result, key string) map[string]any {
		t.Helper()
		groups, _ := r.field("groups").([]any)
		for _, g := range groups {
			if g := g.(map[string]any); g["key"] == key {
				return g
			}
		}
		t.Fatalf("no group %s in %s", key, r.raw)
		return nil
	}
	r := e.do("GET", "/api/v1/stats?from=2026-01-30&to=2026-01-30&group_by=window", "supervisor", nil)
	if r.code != http.StatusOK {
		t.Fatalf("stats: %d %s", r.code, r.raw)
	}
	b := group(r, "win-b1")
	if b["evaluations"] != 3.0 || b["good_rate"] != 0.3333 || b["bad_rate"] != 0.6667 || b["rectified_on_time_rate"] != 0.5 {
		t.Errorf("win-b1 = %v, want 3 ratings, 好评率 0.3333, 差评率 0.6667, 差评整改率 0.5", b)
	}
	a := group(r, "win-a1")
	if a["evaluations"] != 1.0 || a["good_rate"] != 1.0 || a["rectified_on_time_rate"] != nil || a["received"] != 1.0 {
		t.Errorf("win-a1 = %v, want 1 rating (好评率 1, no 差评) beside its complaint", a)
	}
	if r.field("total.evaluations") != 4.0 {
		t.Errorf("total = %v, want 4 ratings", r.field("total"))
	}
	s := e.do("GET", "/api/v1/stats?from=2026-01-30&to=2026-01-30&group_by=staff", "dept-b-super", nil)
	if g := group(s, "B001"); g["evaluations"] != 3.0 || g["bad_rate"] != 0.6667 {
		t.Errorf("B001 = %v, want 3 ratings, 差评率 0.6667", g)
	}
	dash := e.signIn("supervisor").get("/desk/stats?period=custom&from=2026-01-30&to=2026-01-30&group=window")
	mustContain(t, "the dashboard by window", dash, "评价数", "差评整改率", "33.3%", "66.7%", "50.0%",
		"/desk/evaluations?from=2026-01-30")
	if u := e.do("GET", "/api/v1/stats?from=2026-01-30&to=2026-01-30&group_by=unit", "supervisor", nil); strings.Contains(u.raw, `"evaluations"`) {
		t.Errorf("group_by=unit carries evaluation figures: %s", u.raw)
	}
}
