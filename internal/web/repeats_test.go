package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// similarOf reads the similar complaints of a registration's answer: number → reasons.
func similarOf(r result) map[string]string {
	out := map[string]string{}
	items, _ := r.body["similar"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		var reasons []string
		for _, x := range m["reasons"].([]any) {
			reasons = append(reasons, x.(string))
		}
		slices.Sort(reasons)
		out[m["number"].(string)] = strings.Join(reasons, ",")
	}
	return out
}

// TestRepeats: the registration answers what a complaint may repeat (same complainant,
// same staff member, similar text), a supervisor links two complaints both ways without
// changing either's status, and the case page counts and lists the links.
func TestRepeats(t *testing.T) {
	e := newEnv(t)
	reg := func(mod func(map[string]any)) result {
		t.Helper()
		body := validComplaint()
		mod(body)
		r := e.do("POST", "/api/v1/complaints?similar=true", "clerk", body)
		if r.code != http.StatusCreated {
			t.Fatalf("register: %d %s", r.code, r.raw)
		}
		return r
	}
	first := reg(func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"} })
	if got := similarOf(first); len(got) != 0 {
		t.Errorf("first complaint: similar %v, want none", got)
	}
	a := first.str("number")
	// Another person, the same staff member, other words.
	second := reg(func(b map[string]any) {
		b["complainant"] = map[string]any{"name": "李四", "phone": "13900000000"}
		b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"}
		b["matter"], b["request"] = "排队叫号系统故障，等候两个小时无人解释。", "要求说明原因。"
	})
	b := second.str("number")
	if got := similarOf(second); got[a] != "staff" || len(got) != 1 {
		t.Errorf("same staff member: similar %v, want %s: staff", got, a)
	}
	// The same person about nobody in particular, in much the same words as the first.
	third := reg(func(b map[string]any) {
		b["target"] = map[string]any{"unit": "dept-a"}
		b["matter"] = "1月29日在社保1号窗口办理参保登记，工作人员态度生硬，材料不全未一次性告知，跑了三趟。"
	})
	c := third.str("number")
	if got := similarOf(third); got[a] != "complainant,text" || got[b] != "" {
		t.Errorf("same complainant and text: similar %v, want %s: complainant,text", got, a)
	}
	// Anonymous, unrelated: nothing.
	if got := similarOf(reg(func(b map[string]any) {
		b["complainant"] = map[string]any{"anonymous": true}
		b["target"] = map[string]any{"unit": "win-b1"}
		b["matter"], b["request"] = "停车场收费标准未公示。", "公示收费标准。"
	})); len(got) != 0 {
		t.Errorf("unrelated complaint: similar %v, want none", got)
	}

	// Without ?similar=true the answer is the complaint alone (the look-up costs).
	if r := e.do("POST", "/api/v1/complaints", "clerk", validComplaint()); r.code != http.StatusCreated || strings.Contains(r.raw, `"similar"`) {
		t.Errorf("registration without similar=true: %d, answer names similar: %t", r.code, strings.Contains(r.raw, `"similar"`))
	}
	if r := e.do("POST", "/api/v1/complaints?similar=maybe", "clerk", validComplaint()); r.code != http.StatusUnprocessableEntity {
		t.Errorf("similar=maybe: %d, want 422", r.code)
	}

	// Linking: supervisors only, both ways, status unchanged, once.
	if r := e.do("POST", "/api/v1/complaints/"+b+"/link", "clerk", map[string]any{"with": a}); r.code != http.StatusForbidden {
		t.Errorf("link as clerk: %d, want 403", r.code)
	}
	r := e.act(b, "link", "supervisor", map[string]any{"with": a}, http.StatusOK)
	if r.str("status") != "registered" {
		t.Errorf("link changed the status: %s", r.str("status"))
	}
	e.act(b, "link", "supervisor", map[string]any{"with": a}, http.StatusConflict)
	e.act(b, "link", "supervisor", map[string]any{"with": b}, http.StatusUnprocessableEntity)
	e.act(b, "link", "supervisor", map[string]any{"with": "TS00000000-0000"}, http.StatusUnprocessableEntity)
	links := e.do("GET", "/api/v1/complaints/"+a+"/links", "supervisor", nil)
	if links.code != http.StatusOK || links.field("repeat_count") != float64(1) || !strings.Contains(links.raw, b) {
		t.Errorf("links of %s: %d %s, want %s, count 1", a, links.code, links.raw, b)
	}
	// The case page counts the link and offers the third complaint (same text) to link.
	sup := e.signIn("supervisor")
	p := sup.get("/desk/complaints/" + a)
	mustContain(t, "case page repeats", p, "重复投诉 1 件", `href="/desk/complaints/`+b+`"`, "内容相似")
	p = sup.follow(sup.post("/desk/complaints/"+a+"/link", url.Values{"with": {c}}))
	mustContain(t, "linked from the desk", p, "已关联", "重复投诉 2 件")
	ev := e.do("GET", "/api/v1/complaints/"+a+"/events", "supervisor", nil)
	if !strings.Contains(ev.raw, `"link"`) || !strings.Contains(ev.raw, "关联") {
		t.Errorf("the timeline has no link event: %s", clipRaw(ev.raw))
	}
}
