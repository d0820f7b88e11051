package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
)

// tabCounts reads the inbox's tabs and their counts: 待受理 → 2.
func tabCounts(t *testing.T, p page) map[string]string {
	t.Helper()
	out := map[string]string{}
	nav := p.body[strings.Index(p.body, `<nav class="tabs"`):]
	nav = nav[:strings.Index(nav, "</nav>")]
	for _, m := range regexp.MustCompile(`>([^<>]+?) <span class="badge">(\d+)</span>`).FindAllStringSubmatch(nav, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func TestDeskInboxTabsByRole(t *testing.T) {
	e := newEnv(t)
	registered := e.register(nil)
	assigned := e.register(nil)
	e.act(assigned, "accept", "supervisor", map[string]any{"classification": "case"}, http.StatusOK)
	e.act(assigned, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, http.StatusOK)
	working := e.register(nil)
	e.act(working, "accept", "supervisor", map[string]any{"classification": "case"}, http.StatusOK)
	e.act(working, "assign", "supervisor", map[string]any{"unit": "dept-b", "mode": "transfer"}, http.StatusOK)
	e.act(working, "sign", "handler-b", nil, http.StatusOK)

	for _, tc := range []struct {
		who  string
		want map[string]string // tab → count; tabs not listed must be absent
	}{
		{"clerk", map[string]string{"待受理": "1", "全部": "3"}},
		{"supervisor", map[string]string{"待受理": "1", "待签收": "1", "办理中": "1", "即将超期": "0", "已超期": "0",
			"待审核": "0", "待答复": "0", "待回访": "0", "不满意": "0", "延期待批": "0", "待归档": "0", "全部": "3"}},
		{"handler-a", map[string]string{"待签收": "1", "办理中": "0", "协办": "0", "即将超期": "0", "已超期": "0", "全部": "1"}},
		{"handler-b", map[string]string{"待签收": "0", "办理中": "1", "协办": "0", "即将超期": "0", "已超期": "0", "全部": "1"}},
		{"leader", map[string]string{"待受理": "1", "待签收": "1", "办理中": "1", "即将超期": "0", "已超期": "0",
			"待审核": "0", "待答复": "0", "待回访": "0", "不满意": "0", "延期待批": "0", "全部": "3"}},
	} {
		p := e.signIn(tc.who).get("/desk/")
		if p.code != http.StatusOK {
			t.Fatalf("%s: inbox %d", tc.who, p.code)
		}
		got := tabCounts(t, p)
		if len(got) != len(tc.want) {
			t.Errorf("%s: tabs %v, want %v", tc.who, got, tc.want)
		}
		for tab, n := range tc.want {
			if got[tab] != n {
				t.Errorf("%s: tab %s shows %q, want %s", tc.who, tab, got[tab], n)
			}
		}
	}

	// Each tab lists its cases, linked to the case page, with the identity masked.
	sup := e.signIn("supervisor")
	p := sup.get("/desk/?tab=assigned")
	mustContain(t, "待签收", p, `href="/desk/complaints/`+assigned+`"`, "张*", "人社局", "剩15个工作日")
	if strings.Contains(p.body, registered) || strings.Contains(p.body, "张三") {
		t.Errorf("待签收 lists a registered case or the complainant's name")
	}
	// The handler of 人社局 sees only what was assigned to it.
	p = e.signIn("handler-a").get("/desk/?tab=all")
	if !strings.Contains(p.body, assigned) || strings.Contains(p.body, working) || strings.Contains(p.body, registered) {
		t.Errorf("handler-a's inbox lists cases not assigned to it")
	}
	// An admin without a case role is sent to the admin pages.
	if p := e.signIn("admin").get("/desk/"); p.code != http.StatusSeeOther || p.location != "/desk/admin/" {
		t.Errorf("admin's inbox: %d to %q, want the admin pages", p.code, p.location)
	}
}

func TestDeskInboxFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	clerk := tousu.Actor{Login: "clerk", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}}
	for i := range 52 {
		in := tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit,
			Complainant: tousu.Complainant{Name: "张三", Phone: "13812345678"},
			Target:      tousu.Target{Unit: "win-a1"}, Matter: "窗口工作人员态度生硬"}
		if i%2 == 1 {
			in.Channel, in.Target.Unit, in.Matter = tousu.ChannelLetter, "win-b1", "医保窗口排队时间过长"
		}
		if _, err := e.app.Register(ctx, clerk, in, app.RegisterOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	sup := e.signIn("supervisor")

	// The filters narrow the list and the counts alike.
	p := sup.get("/desk/?tab=registered&channel=letter&unit=dept-b")
	if got := tabCounts(t, p)["待受理"]; got != "26" {
		t.Errorf("待受理 filtered by channel and unit: %s, want 26", got)
	}
	if strings.Contains(p.body, "态度生硬") || !strings.Contains(p.body, "排队时间过长") {
		t.Errorf("the channel filter did not filter the rows")
	}
	mustContain(t, "filters kept", p, `<option value="letter" selected>`)
	if got := tabCounts(t, sup.get("/desk/?q=%E6%8E%92%E9%98%9F"))["全部"]; got != "26" { // q=排队
		t.Errorf("全部 searched for 排队: %s, want 26", got)
	}

	// 52 cases: a first page of 50 with a link to the next, which has 2.
	p = sup.get("/desk/?tab=registered")
	if n := strings.Count(p.body, `<a class="number"`); n != 50 {
		t.Fatalf("first page: %d rows, want 50", n)
	}
	m := regexp.MustCompile(`href="(/desk/\?[^"]*cursor=[^"]*)">下一页`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("first page has no link to the next")
	}
	next := sup.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	if n := strings.Count(next.body, `<a class="number"`); n != 2 || strings.Contains(next.body, "下一页") {
		t.Errorf("second page: %d rows (want 2), next link %v", n, strings.Contains(next.body, "下一页"))
	}
	mustContain(t, "second page", next, "回到第一页")

	// Wrong filters are a notice on the page, never an error page.
	for _, q := range []string{"from=yesterday", "unit=nowhere", "tab=all&status=bogus", "cursor=garbage", "category=x&to=2026-13-01"} {
		p := sup.get("/desk/?" + q)
		if p.code != http.StatusOK || !strings.Contains(p.body, `class="notice"`) || !strings.Contains(p.body, "筛选条件有误") {
			t.Errorf("/desk/?%s: %d, notice shown %v", q, p.code, strings.Contains(p.body, "筛选条件有误"))
		}
	}
}
