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

// TestRepeats: every registration answers what a complaint may repeat (same complainant,
// same staff member, similar text) unless asked not to, a supervisor links two complaints both ways without
// changing either's status, and the case page counts and lists the links.
func TestRepeats(t *testing.T) {
	e := newEnv(t)
	reg := func(mod func(map[string]any)) result {
		t.Helper()
		body := validComplaint()
		mod(body)
		r := e.do("POST", "/api/v1/complaints", "clerk", body)
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

	// ?similar=true is the default; ?similar=false answers the complaint alone.
	if r := e.do("POST", "/api/v1/complaints?similar=true", "clerk", validComplaint()); r.code != http.StatusCreated || len(similarOf(r)) == 0 {
		t.Errorf("registration with similar=true: %d, similar %v, want some", r.code, similarOf(r))
	}
	if r := e.do("POST", "/api/v1/complaints?similar=false", "clerk", validComplaint()); r.code != http.StatusCreated || strings.Contains(r.raw, `"similar"`) {
		t.Errorf("registration with similar=false: %d, answer names similar: %t", r.code, strings.Contains(r.raw, `"similar"`))
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

// TestRepeatsInSight: the repeats a registration names are those its registrar may see.
// A supervisor of another department is not told of a complaint outside it, and the
// staff member complained about is not told of the complaints about her (recusal), even
// from the same complainant in the same words; the office's clerk is told of all.
func TestRepeatsInSight(t *testing.T) {
	e := newEnv(t)
	reg := func(actor string, mod func(map[string]any)) result {
		t.Helper()
		body := validComplaint()
		mod(body)
		r := e.do("POST", "/api/v1/complaints", actor, body)
		if r.code != http.StatusCreated {
			t.Fatalf("register as %s: %d %s", actor, r.code, r.raw)
		}
		return r
	}
	aboutA001 := reg("clerk", func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1", "staff": "A001"} }).str("number")
	aboutWinA1 := reg("clerk", func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1"} }).str("number")

	// The same person, the same words, about a window of 医保局.
	b1 := func(b map[string]any) { b["target"] = map[string]any{"unit": "win-b1"} }
	if got := similarOf(reg("dept-b-super", b1)); len(got) != 0 {
		t.Errorf("supervisor of 医保局: similar %v, want none (both earlier complaints are 人社局's)", got)
	}
	got := similarOf(reg("clerk", b1))
	if got[aboutA001] != "complainant,text" || got[aboutWinA1] != "complainant,text" {
		t.Errorf("the office's clerk: similar %v, want %s and %s: complainant,text", got, aboutA001, aboutWinA1)
	}
	// 王窗口 (A001, a supervisor of 人社局) registers the same person's complaint about the
	// window: she is told of the one about the window, not of the one about herself.
	got = similarOf(reg("target", func(b map[string]any) { b["target"] = map[string]any{"unit": "win-a1"} }))
	if _, ok := got[aboutA001]; ok || got[aboutWinA1] == "" {
		t.Errorf("registered by the staff member complained about: similar %v, want %s and not %s", got, aboutWinA1, aboutA001)
	}
}
