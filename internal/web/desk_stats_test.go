package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestStatsDashboard: a leader's desk opens on the dashboard, whose figures link to the
// lists behind them; the list then holds exactly those complaints. Supervisors and
// inspectors reach it from the navigation; an admin without a case role may not.
func TestStatsDashboard(t *testing.T) {
	e := newEnv(t)
	a := e.register(nil)
	e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"} })
	e.resolveOnsite(a, "founded")

	// Signing in, a leader lands on the dashboard.
	c := e.browser()
	resp := postForm(t, c, e.srv.URL+"/login", url.Values{"login": {"leader"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/desk/stats" {
		t.Errorf("leader's sign-in: %d → %q, want the dashboard", resp.StatusCode, resp.Header.Get("Location"))
	}
	leader := e.signIn("leader")
	p := leader.get("/desk/stats")
	mustContain(t, "dashboard", p, "统计分析", "2026年1月", "主要指标", "按期办结率", "100.0%", "月度趋势", "<svg", "口径说明",
		"分项统计（按单位）", "人社局", "医保局")
	// The drill-down from dept-a's on-time rate: the link of its row's third figure.
	row := p.body[strings.Index(p.body, "<th scope=\"row\">人社局</th>"):]
	row = row[:strings.Index(row, "</tr>")]
	links := strings.Split(row, `href="`)
	if len(links) < 4 {
		t.Fatalf("dept-a's row has no links: %s", row)
	}
	link := strings.ReplaceAll(links[3][:strings.Index(links[3], `"`)], "&amp;", "&")
	if !strings.Contains(link, "figure=replied_on_time") || !strings.Contains(link, "unit=dept-a") {
		t.Fatalf("dept-a's on-time link = %q", link)
	}
	list := leader.get(link)
	mustContain(t, "drill-down list", list, "统计穿透", "按期答复", a)
	if list.code != http.StatusOK || strings.Count(list.body, "/desk/complaints/TS") != 1 {
		t.Errorf("drill-down list: %d, want exactly complaint %s:\n%s", list.code, a, clipBody(list.body))
	}
	// Other periods, breakdowns and a bad date.
	for _, q := range []string{"period=last_month", "period=quarter&group=category", "period=year&group=staff",
		"period=custom&from=2026-01-01&to=2026-01-31&group=window", "group=channel"} {
		if p := leader.get("/desk/stats?" + q); p.code != http.StatusOK || !strings.Contains(p.body, "主要指标") {
			t.Errorf("dashboard ?%s: %d", q, p.code)
		}
	}
	p = leader.get("/desk/stats?period=custom&from=2026-13-01&to=2026-01-31")
	mustContain(t, "bad custom period", p, "统计期间有误")
	p = leader.get("/desk/stats?unit=nowhere&group=colour")
	mustContain(t, "bad unit and group", p, "筛选条件有误", "没有这种分组方式")

	sup := e.signIn("supervisor")
	mustContain(t, "supervisor's nav", sup.get("/desk/"), `href="/desk/stats"`)
	if p := sup.get("/desk/stats"); p.code != http.StatusOK {
		t.Errorf("supervisor's dashboard: %d", p.code)
	}
	if p := e.signIn("admin").get("/desk/stats"); p.code != http.StatusForbidden {
		t.Errorf("admin's dashboard: %d, want 403", p.code)
	}
}
