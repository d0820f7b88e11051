package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDisclosures: a draft holds the units' figures (样本不足 below the sample, rates with
// their intervals above it) and the concluded complaints de-identified; the reviewer's
// summaries are checked; publishing freezes it; a correction is a new version that must
// say what changed; the public reads only what is published, by API and on its pages.
func TestDisclosures(t *testing.T) {
	e := newEnv(t)
	var numbers []string
	for i := range 6 {
		n := e.register(func(m map[string]any) {
			m["target"] = map[string]any{"unit": "win-a1", "staff": "A001"}
		})
		e.resolveOnsite(n, []string{"founded", "unfounded"}[i%2])
		numbers = append(numbers, n)
	}
	b := e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"} })
	e.resolveOnsite(b, "founded")

	r := e.do("POST", "/api/v1/disclosures", "supervisor", map[string]any{"period": "2026-01"})
	if r.code != http.StatusCreated || r.str("status") != "draft" {
		t.Fatalf("prepare: %d %s", r.code, r.raw)
	}
	id := fmt.Sprint(r.field("id"))
	for _, leak := range []string{"张三", "13812345678", "态度生硬", "王窗口", "A001", "1号窗口穿蓝色制服"} {
		if strings.Contains(r.raw, leak) {
			t.Errorf("the draft carries %q: %s", leak, r.raw)
		}
	}
	units, _ := r.field("content.units").([]any)
	byCode := map[string]map[string]any{}
	for _, u := range units {
		byCode[u.(map[string]any)["code"].(string)] = u.(map[string]any)
	}
	if a := byCode["dept-a"]; a == nil || a["insufficient"] != false || a["on_time"] == nil ||
		a["founded"].(map[string]any)["value"] != 0.5 || a["founded"].(map[string]any)["low"].(float64) >= 0.5 {
		t.Errorf("dept-a in the draft = %v", byCode["dept-a"])
	}
	if bu := byCode["dept-b"]; bu == nil || bu["insufficient"] != true || bu["on_time"] != nil {
		t.Errorf("dept-b in the draft = %v, want 样本不足", bu)
	}
	if cases, _ := r.field("content.cases").([]any); len(cases) != 7 {
		t.Errorf("draft cases = %d, want 7", len(cases))
	}

	// The public sees no draft.
	if r := e.do("GET", "/api/v1/public/disclosures/"+id, "", nil); r.code != http.StatusNotFound {
		t.Errorf("public read of a draft: %d", r.code)
	}
	// The review: a summary with a phone number is refused, a good one kept.
	r = e.do("PUT", "/api/v1/disclosures/"+id, "supervisor", map[string]any{"summaries": map[string]string{numbers[0]: "请联系13812345678"}})
	if r.code != http.StatusUnprocessableEntity || r.fieldErr("summaries."+numbers[0]) == "" {
		t.Errorf("summary with a phone: %d %s", r.code, r.raw)
	}
	r = e.do("PUT", "/api/v1/disclosures/"+id, "supervisor", map[string]any{"summaries": map[string]string{"TS-NOPE": "x"}})
	if r.code != http.StatusUnprocessableEntity {
		t.Errorf("summary of a number not in the disclosure: %d", r.code)
	}
	e.do("PUT", "/api/v1/disclosures/"+id, "supervisor", map[string]any{"summaries": map[string]string{numbers[0]: "窗口已整改，当面致歉。"}})
	if r := e.do("POST", "/api/v1/disclosures/"+id+"/publish", "clerk", nil); r.code != http.StatusForbidden {
		t.Errorf("publish as clerk: %d", r.code)
	}
	r = e.do("POST", "/api/v1/disclosures/"+id+"/publish", "leader", nil)
	if r.code != http.StatusOK || r.field("version") != 1.0 || r.str("status") != "published" {
		t.Fatalf("publish: %d %s", r.code, r.raw)
	}
	// Published never changes.
	if r := e.do("PUT", "/api/v1/disclosures/"+id, "supervisor", map[string]any{"summaries": map[string]string{numbers[0]: "改"}}); r.code != http.StatusConflict {
		t.Errorf("revise a published disclosure: %d %s", r.code, r.raw)
	}
	if r := e.do("POST", "/api/v1/disclosures/"+id+"/publish", "supervisor", nil); r.code != http.StatusConflict {
		t.Errorf("publish twice: %d", r.code)
	}

	// A correction: a new draft, which must say what changed.
	r = e.do("POST", "/api/v1/disclosures", "supervisor", map[string]any{"period": "2026-01"})
	id2 := fmt.Sprint(r.field("id"))
	if r := e.do("POST", "/api/v1/disclosures/"+id2+"/publish", "supervisor", nil); r.code != http.StatusUnprocessableEntity || r.fieldErr("changes") == "" {
		t.Errorf("publish a correction without changes: %d %s", r.code, r.raw)
	}
	e.do("PUT", "/api/v1/disclosures/"+id2, "supervisor", map[string]any{"changes": "更正了一件的公开摘要"})
	if r := e.do("POST", "/api/v1/disclosures/"+id2+"/publish", "supervisor", nil); r.code != http.StatusOK || r.field("version") != 2.0 {
		t.Errorf("publish the correction: %d %s", r.code, r.raw)
	}
	r = e.do("GET", "/api/v1/public/disclosures?period=2026-01", "", nil)
	if items, _ := r.field("items").([]any); r.code != http.StatusOK || len(items) != 2 || items[0].(map[string]any)["version"] != 2.0 {
		t.Errorf("public list: %d %s", r.code, r.raw)
	}
	if strings.Contains(r.raw, "supervisor") || strings.Contains(r.raw, "created_by") {
		t.Errorf("the public list names staff accounts: %s", r.raw)
	}

	// The public's pages.
	p := e.portalGet("/disclosure")
	if p.code != http.StatusOK || !strings.Contains(p.body, "2026年1月投诉处理情况公示") || !strings.Contains(p.body, "已更正") {
		t.Errorf("/disclosure: %d %.400s", p.code, p.body)
	}
	p = e.portalGet("/disclosure/" + id)
	for _, want := range []string{"窗口已整改，当面致歉。", "样本不足", "95%区间", "如何解读", "第1版"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("/disclosure/%s lacks %q", id, want)
		}
	}
	if p := e.portalGet("/disclosure/" + id2); !strings.Contains(p.body, "本版为更正版：更正了一件的公开摘要") {
		t.Errorf("the correction's page does not say what changed")
	}
	if p := e.portalGet("/disclosure/guide"); p.code != http.StatusOK || !strings.Contains(p.body, "威尔逊") || !strings.Contains(p.body, "窗口好评率") {
		t.Errorf("/disclosure/guide: %d", p.code)
	}
	if p := e.portalGet("/disclosure/999"); p.code != http.StatusNotFound {
		t.Errorf("/disclosure/999: %d", p.code)
	}

	// The desk: prepare, review and publish by forms.
	sup := e.signIn("supervisor")
	mustContain(t, "desk list", sup.get("/desk/disclosures"), "生成公示草稿", "第2版")
	p2 := sup.post("/desk/disclosures", url.Values{"period": {"2026-13"}})
	mustContain(t, "bad period", p2, "期间应为")
	rd := sup.follow(sup.post("/desk/disclosures", url.Values{"period": {"2026-01"}, "unit": {"dept-a"}}))
	mustContain(t, "review page", rd, "公开摘要", "审核通过并发布", "summary."+numbers[1])
	at := strings.Index(rd.body, `action="/desk/disclosures/`)
	action := rd.body[at+len(`action="`):]
	action = action[:strings.Index(action, `"`)]
	done := sup.follow(sup.post(action, url.Values{"summary." + numbers[1]: {"已当场处理。"}, "changes": {""}, "publish": {"1"}}))
	mustContain(t, "published from the desk", done, "已发布第1版公示", "已当场处理。")
}
