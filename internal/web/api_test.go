package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tousu"
)

// TestComplaintJourney runs one complaint from the counter to the archive through the
// API, as the clerk, the supervisor, the handler and the complainant would.
func TestComplaintJourney(t *testing.T) {
	e := newEnv(t)
	r := e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	if r.code != http.StatusCreated {
		t.Fatalf("register: %d %s", r.code, r.raw)
	}
	n, code := r.str("number"), r.str("query_code")
	if !strings.HasPrefix(n, "TS20260130-") || len(code) < 8 {
		t.Fatalf("register: number %q, query code %q", n, code)
	}
	// 15 working days from Friday 2026-01-30 across the Spring Festival.
	if got := r.str("due_date"); got != "2026-02-27" {
		t.Errorf("due_date = %s, want 2026-02-27", got)
	}
	if got := r.str("complainant.name"); got != "张*" {
		t.Errorf("complainant.name = %q, want it masked as 张*", got)
	}
	if got := r.str("complainant.phone"); got != "138****5678" {
		t.Errorf("complainant.phone = %q, want 138****5678", got)
	}
	if got := r.str("registered_by"); got != "clerk" {
		t.Errorf("registered_by = %q, want clerk", got)
	}
	// The code is shown once only.
	if got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); got.str("query_code") != "" {
		t.Errorf("query code shown again: %s", got.raw)
	}

	e.act(n, "accept", "supervisor", map[string]any{"classification": "case", "categories": []string{"attitude"}}, 200)
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "transfer"}, 200)
	// The handler sees the complainant masked and may reveal the phone number only.
	got := e.do("GET", "/api/v1/complaints/"+n, "handler-a", nil)
	if got.code != 200 || got.str("complainant.name") != "张*" {
		t.Errorf("handler view: %d %s", got.code, got.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "handler-a", map[string]any{"reason": "电话联系核实"}); r.code != http.StatusOK ||
		r.str("complainant.phone") != "13812345678" || strings.Contains(r.raw, "张三") {
		t.Errorf("handler reveal: %d %s, want the phone only", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "handler-b", map[string]any{"reason": "核实"}); r.code != http.StatusForbidden {
		t.Errorf("reveal by a handler of another unit: %d, want 403", r.code)
	}
	e.act(n, "sign", "handler-a", nil, 200)
	e.act(n, "note", "handler-a", validPayload(tousu.ActNote, e), 200)
	// 转办: the supervisor decides once the handler has reported.
	if r := e.do("POST", "/api/v1/complaints/"+n+"/decide", "supervisor", validPayload(tousu.ActDecide, e)); r.code != http.StatusConflict {
		t.Errorf("decide before the report: %d, want 409", r.code)
	}
	e.act(n, "report", "handler-a", validPayload(tousu.ActReport, e), 200)
	e.act(n, "decide", "supervisor", validPayload(tousu.ActDecide, e), 200)
	e.act(n, "reply", "supervisor", validPayload(tousu.ActReply, e), 200)

	// The complainant tracks it with the code and sees the reply but no internal notes.
	pub := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil)
	if pub.code != 200 || pub.str("status") != "replied" || pub.str("reply.result") == "" {
		t.Fatalf("track: %d %s", pub.code, pub.raw)
	}
	if strings.Contains(pub.raw, "不耐烦") || strings.Contains(pub.raw, "handler-a") || strings.Contains(pub.raw, "张三") ||
		strings.Contains(pub.raw, "13812345678") {
		t.Errorf("public view leaks internal notes, staff logins or the identity: %s", pub.raw)
	}
	if r := e.do("GET", "/api/v1/public/complaints/"+n+"?code=WRONGCODE1", "", nil); r.code != 404 {
		t.Errorf("wrong code: %d, want 404", r.code)
	}
	fb := e.do("POST", "/api/v1/public/complaints/"+n+"/feedback", "", map[string]any{"code": code, "level": 4, "comment": "处理及时"})
	if fb.code != 200 || fb.str("status") != "closed" {
		t.Fatalf("feedback: %d %s", fb.code, fb.raw)
	}
	e.act(n, "archive", "supervisor", nil, 200)

	evs := e.do("GET", "/api/v1/complaints/"+n+"/events", "supervisor", nil)
	items, _ := evs.field("items").([]any)
	var types []string
	for _, it := range items {
		types = append(types, it.(map[string]any)["type"].(string))
	}
	want := "register accept assign sign note report decide reply feedback archive"
	if strings.Join(types, " ") != want {
		t.Errorf("timeline = %v, want %s", types, want)
	}
	// Archived cases never change again.
	e.act(n, "reopen", "supervisor", map[string]any{"reason": "x"}, http.StatusConflict)

	// The reveal is for supervisors, with a reason, and audited.
	rv := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "supervisor", map[string]any{"reason": "回访核实身份"})
	if rv.code != 200 || rv.str("complainant.name") != "张三" || rv.str("complainant.phone") != "13812345678" {
		t.Errorf("reveal: %d %s", rv.code, rv.raw)
	}
	if r := e.do("POST", "/api/v1/complaints/"+n+"/reveal", "supervisor", map[string]any{"reason": ""}); r.code != 422 || r.fieldErr("reason") == "" {
		t.Errorf("reveal without reason: %d %s", r.code, r.raw)
	}
	recs, err := e.store.ListAudit(t.Context(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var reveal *tousu.AuditRecord
	for i := range recs {
		if recs[i].Action == "reveal" {
			reveal = &recs[i]
		}
	}
	if reveal == nil || reveal.Object != n || reveal.Actor != "supervisor" || reveal.Detail != "回访核实身份" {
		t.Errorf("reveal audit record = %+v", reveal)
	}
}

// TestBadInput sends malformed and invalid registrations: each gets its status and names
// the field, and nothing is stored.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	with := func(mod func(m map[string]any)) map[string]any {
		m := validComplaint()
		mod(m)
		return m
	}
	huge := `{"kind":"complaint","channel":"visit","matter":"` + strings.Repeat("投", 2<<20) + `"}`
	cases := []struct {
		name      string
		who       string
		body      any
		code      int
		errCode   string
		field     string
		noContent bool
	}{
		{name: "no token", who: "", body: validComplaint(), code: 401, errCode: "unauthorized"},
		{name: "truncated JSON", who: "clerk", body: `{"kind": "complaint", "matter": "abc`, code: 400, errCode: "malformed"},
		{name: "not JSON", who: "clerk", body: `kind=complaint`, code: 400, errCode: "malformed"},
		{name: "empty body", who: "clerk", body: ``, code: 400, errCode: "malformed"},
		{name: "array", who: "clerk", body: `[1,2]`, code: 400, errCode: "malformed"},
		{name: "trailing data", who: "clerk", body: `{"matter":"x"} {}`, code: 400, errCode: "malformed"},
		{name: "6 MB body", who: "clerk", body: huge, code: 413, errCode: "too_large"},
		{name: "missing matter", who: "clerk", body: with(func(m map[string]any) { delete(m, "matter") }), code: 422, errCode: "invalid", field: "matter"},
		{name: "blank matter", who: "clerk", body: with(func(m map[string]any) { m["matter"] = "   " }), code: 422, errCode: "invalid", field: "matter"},
		{name: "unknown field", who: "clerk", body: with(func(m map[string]any) { m["colour"] = "blue" }), code: 422, errCode: "invalid", field: "colour"},
		{name: "wrong type", who: "clerk", body: with(func(m map[string]any) { m["written"] = "yes" }), code: 422, errCode: "invalid", field: "written"},
		{name: "wrong nested type", who: "clerk", body: with(func(m map[string]any) { m["complainant"] = map[string]any{"name": 42} }), code: 422, errCode: "invalid", field: "complainant.name"},
		{name: "unknown kind", who: "clerk", body: with(func(m map[string]any) { m["kind"] = "praise" }), code: 422, errCode: "invalid", field: "kind"},
		{name: "unknown channel", who: "clerk", body: with(func(m map[string]any) { m["channel"] = "pigeon" }), code: 422, errCode: "invalid", field: "channel"},
		{name: "unknown category", who: "clerk", body: with(func(m map[string]any) { m["categories"] = []string{"nonsense"} }), code: 422, errCode: "invalid", field: "categories"},
		{name: "unknown unit", who: "clerk", body: with(func(m map[string]any) { m["target"] = map[string]any{"unit": "nowhere"} }), code: 422, errCode: "invalid", field: "target.unit"},
		{name: "unknown staff", who: "clerk", body: with(func(m map[string]any) { m["target"] = map[string]any{"staff": "Z999"} }), code: 422, errCode: "invalid", field: "target.staff"},
		{name: "no name, not anonymous", who: "clerk", body: with(func(m map[string]any) { m["complainant"] = map[string]any{"phone": "13812345678"} }), code: 422, errCode: "invalid", field: "complainant.name"},
		{name: "bad phone", who: "clerk", body: with(func(m map[string]any) { m["complainant"] = map[string]any{"name": "张三", "phone": "call me"} }), code: 422, errCode: "invalid", field: "complainant.phone"},
		{name: "bad ID number", who: "clerk", body: with(func(m map[string]any) {
			m["complainant"] = map[string]any{"name": "张三", "phone": "13812345678", "id_number": "110101199003071235"}
		}), code: 422, errCode: "invalid", field: "complainant.id_number"},
		{name: "received in the future", who: "clerk", body: with(func(m map[string]any) { m["received_at"] = "2026-03-01T10:00:00+08:00" }), code: 422, errCode: "invalid", field: "received_at"},
		{name: "bad instant", who: "clerk", body: with(func(m map[string]any) { m["received_at"] = "yesterday" }), code: 422, errCode: "invalid"},
		{name: "leader may not register", who: "leader", body: validComplaint(), code: 403, errCode: "forbidden"},
		{name: "handler may not register", who: "handler-a", body: validComplaint(), code: 403, errCode: "forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			r := e.do("POST", "/api/v1/complaints", c.who, c.body)
			if r.code != c.code || r.str("error.code") != c.errCode {
				t.Fatalf("got %d %s, want %d %s", r.code, clipRaw(r.raw), c.code, c.errCode)
			}
			if r.str("error.message") == "" {
				t.Errorf("no message: %s", r.raw)
			}
			if c.field != "" && r.fieldErr(c.field) == "" {
				t.Errorf("field %s not named: %s", c.field, r.raw)
			}
		})
	}
	e.t = t
	if n, err := e.store.CountComplaints(t.Context(), tousu.ComplaintFilter{}); err != nil || n != 0 {
		t.Errorf("after bad input, %d complaints stored (err %v), want 0", n, err)
	}
	// Bad action payloads and unknown actions.
	n := e.drive(tousu.StatusRegistered)
	for _, c := range []struct {
		action string
		body   any
		code   int
		field  string
	}{
		{"accept", map[string]any{"classification": "whatever"}, 422, "classification"},
		{"accept", map[string]any{"classification": "case", "categories": []string{"nope"}}, 422, "categories"},
		{"reject", map[string]any{"reason": "out_of_scope", "explanation": "不归我们管"}, 422, "referral.body"},
		{"reject", map[string]any{"reason": "invalid"}, 422, "explanation"},
		{"merge", map[string]any{"into": "TS20990101-0001"}, 422, "into"},
		{"merge", map[string]any{"into": n}, 422, "into"},
		{"fly", map[string]any{}, 404, ""},
		{"accept", `{"classification": 3}`, 422, "classification"},
	} {
		r := e.do("POST", "/api/v1/complaints/"+n+"/"+c.action, "supervisor", c.body)
		if r.code != c.code || (c.field != "" && r.fieldErr(c.field) == "") {
			t.Errorf("%s %v: got %d %s, want %d naming %s", c.action, c.body, r.code, r.raw, c.code, c.field)
		}
	}
	if got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil); got.str("status") != "registered" {
		t.Errorf("refused actions changed the complaint: %s", got.raw)
	}
	if r := e.do("GET", "/api/v1/complaints/TS20990101-0001", "supervisor", nil); r.code != 404 {
		t.Errorf("unknown number: %d, want 404", r.code)
	}
	if r := e.do("GET", "/api/v1/nothing-here", "supervisor", nil); r.code != 404 || r.str("error.code") != "not_found" {
		t.Errorf("unknown route: %d %s", r.code, r.raw)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/complaints", nil)
	req.Header.Set("Authorization", "Bearer tsk_forged")
	if r := e.send(req); r.code != 401 {
		t.Errorf("forged token: %d, want 401", r.code)
	}
}

func clipRaw(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestIdempotentRegistration retries a registration with the same key and gets the same
// complaint, code included; a different body with that key is refused.
func TestIdempotentRegistration(t *testing.T) {
	e := newEnv(t)
	send := func(body any, key string) result {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/complaints", strings.NewReader(mustJSON(t, body)))
		req.Header.Set("Authorization", "Bearer "+e.tokens["clerk"])
		req.Header.Set("Idempotency-Key", key)
		return e.send(req)
	}
	first := send(validComplaint(), "k-1")
	again := send(validComplaint(), "k-1")
	if first.code != 201 || again.code != 201 {
		t.Fatalf("codes %d, %d: %s", first.code, again.code, again.raw)
	}
	if first.str("number") != again.str("number") || first.str("query_code") != again.str("query_code") {
		t.Errorf("retry gave %s/%s, first %s/%s", again.str("number"), again.str("query_code"), first.str("number"), first.str("query_code"))
	}
	other := validComplaint()
	other["matter"] = "另一件事"
	if r := send(other, "k-1"); r.code != 409 {
		t.Errorf("same key, other body: %d, want 409", r.code)
	}
	if n, _ := e.store.CountComplaints(t.Context(), tousu.ComplaintFilter{}); n != 1 {
		t.Errorf("%d complaints stored, want 1", n)
	}
}

// TestDeadlines checks the clock through the API: suspension stops it, extension adds
// working days, overdue and due-soon filters find the right cases.
func TestDeadlines(t *testing.T) {
	e := newEnv(t)
	n := e.drive(tousu.StatusInProgress) // registered Fri 2026-01-30, due 2026-02-27
	e.clock.Set(time.Date(2026, 2, 2, 9, 0, 0, 0, cst))
	e.act(n, "suspend", "supervisor", map[string]any{"reason": "等待补充材料"}, 200)
	// Suspended Mon 02-02 → resumed Fri 02-06: 4 working days paused. 15+4 working
	// days after 01-30 cross the Spring Festival (02-15…02-23 off; Saturdays 02-14 and
	// 02-28 are make-up working days): 03-04.
	e.clock.Set(time.Date(2026, 2, 6, 9, 0, 0, 0, cst))
	r := e.act(n, "resume", "supervisor", nil, 200)
	if got := r.str("due_date"); got != "2026-03-04" {
		t.Errorf("after 4 paused working days due %s, want 2026-03-04", got)
	}
	r = e.act(n, "extend", "supervisor", map[string]any{"working_days": 5, "reason": "需协调多部门"}, 200)
	if got := r.str("due_date"); got != "2026-03-11" {
		t.Errorf("after extending 5 working days due %s, want 2026-03-11", got)
	}
	// On 2026-03-10, one working day remains: due soon, not overdue.
	e.clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, cst))
	got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil)
	if got.field("working_days_left") != float64(1) || got.field("due_soon") != true || got.field("overdue") != false {
		t.Errorf("on 03-10: left %v soon %v overdue %v", got.field("working_days_left"), got.field("due_soon"), got.field("overdue"))
	}
	if items := listNumbers(e, "/api/v1/complaints?due=soon"); !contains(items, n) {
		t.Errorf("due=soon does not list %s: %v", n, items)
	}
	e.clock.Set(time.Date(2026, 3, 12, 9, 0, 0, 0, cst))
	if items := listNumbers(e, "/api/v1/complaints?due=overdue"); !contains(items, n) {
		t.Errorf("due=overdue does not list %s: %v", n, items)
	}
	if r := e.do("GET", "/api/v1/calendar/workdays?from=2026-01-30&add=15", "", nil); r.str("date") != "2026-02-27" {
		t.Errorf("calculator: %s", r.raw)
	}
	if r := e.do("GET", "/api/v1/calendar/workdays?from=2026-13-01&add=x", "", nil); r.code != 422 ||
		r.fieldErr("from") == "" || r.fieldErr("add") == "" {
		t.Errorf("calculator bad input: %d %s", r.code, r.raw)
	}
	// An admin's local holiday moves the calculator's answer.
	if r := e.do("PUT", "/api/v1/calendar/overrides/2026-02-27", "admin", map[string]any{"workday": false, "name": "地方节日"}); r.code != 200 {
		t.Fatalf("override: %d %s", r.code, r.raw)
	}
	// The 15th working day is then the make-up Saturday 02-28.
	if r := e.do("GET", "/api/v1/calendar/workdays?from=2026-01-30&add=15", "", nil); r.str("date") != "2026-02-28" {
		t.Errorf("calculator with a local holiday on 02-27: %s, want 2026-02-28", r.raw)
	}
	if r := e.do("PUT", "/api/v1/calendar/overrides/2026-02-27", "supervisor", map[string]any{"workday": false, "name": "x"}); r.code != 403 {
		t.Errorf("supervisor override: %d, want 403", r.code)
	}
}

// TestListFiltersAndRecusal lists with filters and pages, and hides complaints from the
// staff member they name.
func TestListFiltersAndRecusal(t *testing.T) {
	e := newEnv(t)
	var all []string
	for i := range 7 {
		all = append(all, e.register(func(m map[string]any) {
			if i%2 == 0 {
				m["channel"] = "phone"
			}
		}))
	}
	aboutA001 := e.register(func(m map[string]any) { m["target"] = map[string]any{"staff": "A001"} })
	aboutB := e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"}; m["kind"] = "report" })
	e.act(aboutB, "accept", "supervisor", validPayload(tousu.ActAccept, e), 200)

	if got := listNumbers(e, "/api/v1/complaints?channel=phone"); len(got) != 4 {
		t.Errorf("channel=phone: %d items, want 4", len(got))
	}
	if got := listNumbers(e, "/api/v1/complaints?kind=report"); len(got) != 1 || got[0] != aboutB {
		t.Errorf("kind=report: %v", got)
	}
	if got := listNumbers(e, "/api/v1/complaints?status=accepted"); len(got) != 1 || got[0] != aboutB {
		t.Errorf("status=accepted: %v", got)
	}
	if got := listNumbers(e, "/api/v1/complaints?unit=dept-b"); len(got) != 1 || got[0] != aboutB {
		t.Errorf("unit=dept-b: %v", got)
	}
	// Pages of 4 cover all 9, each once.
	seen := map[string]int{}
	next := "/api/v1/complaints?limit=4"
	for pages := 0; next != "" && pages < 10; pages++ {
		r := e.do("GET", next, "supervisor", nil)
		for _, it := range r.field("items").([]any) {
			seen[it.(map[string]any)["number"].(string)]++
		}
		next = ""
		if c := r.str("next_cursor"); c != "" {
			next = "/api/v1/complaints?limit=4&cursor=" + c
		}
	}
	if len(seen) != 9 {
		t.Errorf("paging saw %d complaints, want 9", len(seen))
	}
	// The staff member complained about never sees it, even as a supervisor.
	if got := listNumbers(e, "/api/v1/complaints", "target"); contains(got, aboutA001) {
		t.Errorf("target staff sees the complaint about them in the list")
	}
	if r := e.do("GET", "/api/v1/complaints/"+aboutA001, "target", nil); r.code != 404 {
		t.Errorf("target staff GET: %d, want 404", r.code)
	}
	if r := e.do("GET", "/api/v1/complaints/"+aboutA001+"/events", "target", nil); r.code != 404 {
		t.Errorf("target staff events: %d, want 404", r.code)
	}
	// A supervisor of dept-b sees only what concerns dept-b.
	if got := listNumbers(e, "/api/v1/complaints", "dept-b-super"); len(got) != 1 || got[0] != aboutB {
		t.Errorf("dept-b supervisor sees %v, want only %s", got, aboutB)
	}
	// An admin sees no case content.
	if r := e.do("GET", "/api/v1/complaints", "admin", nil); r.code != 403 {
		t.Errorf("admin list: %d, want 403", r.code)
	}
	for _, q := range []string{"status=lost", "due=tomorrow", "limit=0", "from=yesterday", "cursor=@@@", "kind=x"} {
		if r := e.do("GET", "/api/v1/complaints?"+q, "supervisor", nil); r.code != 422 {
			t.Errorf("list ?%s: %d, want 422", q, r.code)
		}
	}
}

// TestPublicSubmit submits from the portal's API and follows the case with the code.
func TestPublicSubmit(t *testing.T) {
	e := newEnv(t)
	body := validComplaint()
	delete(body, "channel")
	body["complainant"] = map[string]any{"anonymous": true}
	r := e.do("POST", "/api/v1/public/complaints", "", body)
	if r.code != 201 || r.str("query_code") == "" || r.str("due_date") != "2026-02-27" {
		t.Fatalf("public submit: %d %s", r.code, r.raw)
	}
	n, code := r.str("number"), r.str("query_code")
	if strings.Contains(r.raw, "complainant") {
		t.Errorf("public answer carries complainant data: %s", r.raw)
	}
	got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil)
	if got.str("channel") != "web" || got.field("complainant.anonymous") != true || got.str("registered_by") != "public" || got.field("first_receiver") != nil {
		t.Errorf("as registered: %s", got.raw)
	}
	if r := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+strings.ToLower(code), "", nil); r.code != 200 {
		t.Errorf("code in lower case: %d", r.code)
	}
	body["received_at"] = "2026-01-01T00:00:00+08:00"
	if r := e.do("POST", "/api/v1/public/complaints", "", body); r.code != 422 || r.fieldErr("received_at") == "" {
		t.Errorf("public with received_at: %d %s", r.code, r.raw)
	}
}

func listNumbers(e *env, path string, who ...string) []string {
	e.t.Helper()
	as := "supervisor"
	if len(who) > 0 {
		as = who[0]
	}
	r := e.do("GET", path, as, nil)
	if r.code != 200 {
		e.t.Fatalf("GET %s: %d %s", path, r.code, r.raw)
	}
	var out []string
	for _, it := range r.field("items").([]any) {
		out = append(out, it.(map[string]any)["number"].(string))
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestHandlerSeesOwnCases: a handler sees the cases assigned to its unit for anyone, and
// those assigned to itself, but not those assigned to a colleague by name.
func TestHandlerSeesOwnCases(t *testing.T) {
	e := newEnv(t)
	mine := e.drive(tousu.StatusAssigned) // to dept-a, handler-a
	anyone := e.drive(tousu.StatusAccepted)
	e.act(anyone, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, 200)
	if got := listNumbers(e, "/api/v1/complaints", "handler-a2"); len(got) != 1 || got[0] != anyone {
		t.Errorf("handler-a2 lists %v, want only %s", got, anyone)
	}
	if got := listNumbers(e, "/api/v1/complaints", "handler-a"); len(got) != 2 {
		t.Errorf("handler-a lists %v, want %s and %s", got, mine, anyone)
	}
	if r := e.do("GET", "/api/v1/complaints/"+mine, "handler-a2", nil); r.code != 404 {
		t.Errorf("handler-a2 opens handler-a's case: %d, want 404", r.code)
	}
}
