package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tousu"
)

// searchNumbers are the numbers of the items of a list answer.
func searchNumbers(r result) []string {
	var out []string
	items, _ := r.body["items"].([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m["number"].(string))
		}
	}
	return out
}

// TestSearch: the API and the desk search the full-text index; internal records only
// for the roles that work the case; the desk marks the matches in an escaped snippet.
func TestSearch(t *testing.T) {
	e := newEnv(t)
	marked := e.register(func(b map[string]any) { b["matter"] = "窗口人员<b>态度</b>恶劣，推诿扯皮" })
	noted := e.register(func(b map[string]any) { b["matter"] = "停车难，无人指引" })
	e.driveFrom(noted, tousu.StatusInProgress)
	e.act(noted, "note", "handler-a", map[string]any{"method": "records", "content": "调阅记录，情况属实"}, http.StatusOK)

	get := func(who, q string) []string {
		t.Helper()
		r := e.do("GET", "/api/v1/complaints?q="+url.QueryEscape(q), who, nil)
		if r.code != http.StatusOK {
			t.Fatalf("search %q as %s: %d %s", q, who, r.code, r.raw)
		}
		return searchNumbers(r)
	}
	for _, tt := range []struct {
		who, q string
		want   []string
	}{
		{"supervisor", "推诿 态度", []string{marked}},
		{"supervisor", `"推诿扯皮"`, []string{marked}},
		{"supervisor", "属实", []string{noted}},
		{"clerk", "属实", nil},
		{"supervisor", "停", []string{noted}},
		{"supervisor", noted[len(noted)-4:], []string{noted}},
		{"supervisor", "不存在的词", nil},
	} {
		if got := get(tt.who, tt.q); strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("search %q as %s = %v, want %v", tt.q, tt.who, got, tt.want)
		}
	}

	p := e.signIn("supervisor").get("/desk/?q=" + url.QueryEscape("态度"))
	mustContain(t, "the desk's snippet", p, "<mark>态度</mark>", "&lt;b&gt;")
	if strings.Contains(p.body, "<b>态度") {
		t.Error("the snippet's text is not escaped")
	}
}
