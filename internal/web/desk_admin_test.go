package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var adminPages = []string{"/desk/admin/", "/desk/admin/units", "/desk/admin/staff", "/desk/admin/accounts",
	"/desk/admin/categories", "/desk/admin/calendar", "/desk/admin/policies"}

func TestDeskAdminRefusesOthers(t *testing.T) {
	e := newEnv(t)
	for _, who := range []string{"clerk", "supervisor", "handler-a", "inspector", "leader"} {
		d := e.signIn(who)
		for _, path := range adminPages {
			if p := d.get(path); p.code != http.StatusForbidden || !strings.Contains(p.body, "无权访问") {
				t.Errorf("%s GET %s: %d, want the 403 page", who, path, p.code)
			}
		}
		for _, path := range []string{"/desk/admin/units", "/desk/admin/accounts", "/desk/admin/accounts/clerk/password",
			"/desk/admin/accounts/admin/disable", "/desk/admin/calendar", "/desk/admin/policies/1/delete"} {
			if p := d.post(path, url.Values{"code": {"x"}, "name": {"x"}, "login": {"x"}, "role": {"admin"}}); p.code != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", who, path, p.code)
			}
		}
	}
	// The admin sees every page.
	d := e.signIn("admin")
	for _, path := range adminPages {
		if p := d.get(path); p.code != http.StatusOK {
			t.Errorf("admin GET %s: %d", path, p.code)
		}
	}
}

func TestDeskAdminAccounts(t *testing.T) {
	e := newEnv(t)
	d := e.signIn("admin")

	// A refused account keeps what was typed, never the password.
	p := d.post("/desk/admin/accounts", url.Values{"login": {"New User"}, "name": {"新人"}, "role": {"clerk"}, "password": {"short"}})
	if p.code != http.StatusUnprocessableEntity {
		t.Fatalf("bad account: %d", p.code)
	}
	mustContain(t, "refused account", p, "登录名只能包含", "密码至少10个字符", `value="New User"`, `value="clerk" checked`)
	if strings.Contains(p.body, `value="short"`) {
		t.Errorf("the refused password is echoed back")
	}

	// Created with a generated password, shown once.
	p = d.post("/desk/admin/accounts", url.Values{"login": {"clerk2"}, "name": {"新受理员"}, "role": {"clerk"}, "unit": {"dept-a"}})
	if p.code != http.StatusOK {
		t.Fatalf("create account: %d: %s", p.code, clipBody(p.body))
	}
	m := regexp.MustCompile(`<p class="code">([^<]+)</p>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no password shown: %s", clipBody(p.body))
	}
	if strings.Contains(d.get("/desk/admin/accounts").body, m[1]) {
		t.Errorf("the password is shown again")
	}
	c2 := e.browser()
	if r := postForm(t, c2, e.srv.URL+"/login", url.Values{"login": {"clerk2"}, "password": {m[1]}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("sign in with the generated password: %d", r.StatusCode)
	}

	// Roles and unit change; the admin cannot drop its own admin role.
	r := d.post("/desk/admin/accounts/clerk2", url.Values{"name": {"新督查员"}, "role": {"supervisor", "clerk"}, "unit": {"dept-b"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("update account: %d: %s", r.code, clipBody(r.body))
	}
	mustContain(t, "updated account", d.follow(r), "已保存账号 clerk2", "新督查员", "受理员、督查员", "医保局")
	if r := d.post("/desk/admin/accounts/admin", url.Values{"name": {"管理员"}, "role": {"clerk"}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "不能取消自己的系统管理员角色") {
		t.Errorf("dropping one's own admin role: %d", r.code)
	}

	// Disabled: the session ends at once and sign-in fails; enabled again it works.
	clerk := e.signIn("clerk")
	if r := d.post("/desk/admin/accounts/clerk/disable", nil); r.code != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.code)
	}
	if p := clerk.get("/desk/"); p.code != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Errorf("a disabled account's session: %d to %q", p.code, p.location)
	}
	if r := postForm(t, e.browser(), e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"correct horse battery"}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign in to a disabled account: %d", r.StatusCode)
	}
	if r := d.post("/desk/admin/accounts/admin/disable", nil); r.code != http.StatusConflict || !strings.Contains(r.body, "不能停用自己的账号") {
		t.Errorf("disabling oneself: %d", r.code)
	}
	d.post("/desk/admin/accounts/clerk/enable", nil)
	e.signIn("clerk")

	// A reset password is shown once and replaces the old one.
	p = d.post("/desk/admin/accounts/clerk/password", nil)
	m = regexp.MustCompile(`<p class="code">([^<]+)</p>`).FindStringSubmatch(p.body)
	if p.code != http.StatusOK || m == nil {
		t.Fatalf("reset password: %d", p.code)
	}
	if r := postForm(t, e.browser(), e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"correct horse battery"}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password still works: %d", r.StatusCode)
	}
	if r := postForm(t, e.browser(), e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {m[1]}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the new password does not work: %d", r.StatusCode)
	}

	recs, _ := e.store.ListAudit(t.Context(), 0, 1000)
	acts := map[string]bool{}
	for _, rec := range recs {
		if rec.Actor == "admin" {
			acts[rec.Action] = true
		}
	}
	for _, a := range []string{"user.create", "user.update", "user.disable", "user.enable", "password.reset"} {
		if !acts[a] {
			t.Errorf("audit log has no %s by admin", a)
		}
	}
}

func TestDeskAdminReference(t *testing.T) {
	e := newEnv(t)
	d := e.signIn("admin")
	for _, tc := range []struct {
		path      string
		form      url.Values
		then      string   // the page to look at afterwards
		want      []string // on it
		refused   url.Values
		refusedIs string
	}{
		{"/desk/admin/units", url.Values{"code": {"win-a2"}, "name": {"社保2号窗口"}, "parent": {"dept-a"}, "kind": {"window"},
			"phone": {"0571-1111"}, "hours": {"9:00-17:00"}}, "/desk/admin/units", []string{"社保2号窗口", "win-a2", "0571-1111"},
			url.Values{"code": {"Bad Code"}, "name": {""}, "kind": {"window"}, "parent": {"dept-a"}}, "代码只能包含"},
		{"/desk/admin/staff", url.Values{"badge": {"A003"}, "name": {"钱窗口"}, "unit": {"win-a1"}, "title": {"窗口工作人员"}, "active": {"1"}},
			"/desk/admin/staff?unit=win-a1", []string{"A003", "钱窗口", "窗口工作人员"},
			url.Values{"badge": {"A004"}, "name": {"孙"}, "unit": {"nowhere"}}, "所在单位不存在"},
		{"/desk/admin/categories", url.Values{"code": {"queue"}, "name": {"排队等候"}, "parent": {"efficiency"}, "active": {"1"}},
			"/desk/admin/categories", []string{"排队等候", "queue"},
			url.Values{"code": {"x"}, "name": {""}}, "请填写名称"},
		{"/desk/admin/calendar", url.Values{"date": {"2026-06-01"}, "type": {"rest"}, "name": {"本地假日"}},
			"/desk/admin/calendar", []string{"2026-06-01", "本地假日", "休息日"},
			url.Values{"date": {"六月一日"}, "name": {"x"}}, "日期格式应为"},
		{"/desk/admin/policies", url.Values{"name": {"12345热线工单"}, "channel": {""}, "kind": {"complaint"}, "days": {"5"}, "unit": {"workday"}},
			"/desk/admin/policies", []string{"12345热线工单", "5个工作日"},
			url.Values{"name": {"坏规则"}, "days": {"很多"}, "unit": {"workday"}}, "期限应为0至365天"},
	} {
		r := d.post(tc.path, tc.form)
		if r.code != http.StatusSeeOther {
			t.Errorf("POST %s: %d: %s", tc.path, r.code, clipBody(r.body))
			continue
		}
		mustContain(t, tc.path, d.follow(r), append(tc.want, `class="flash"`)...)
		bad := d.post(tc.path, tc.refused)
		if bad.code != http.StatusUnprocessableEntity || !strings.Contains(bad.body, tc.refusedIs) {
			t.Errorf("refused POST %s: %d, want 422 with %q", tc.path, bad.code, tc.refusedIs)
		}
	}

	// The calculator counts the new rest day; deleting the override restores the official day.
	p := d.get("/desk/admin/calendar?from=2026-05-29&add=1")
	mustContain(t, "calculator", p, "2026年6月2日")
	r := d.post("/desk/admin/calendar/2026-06-01/delete", nil)
	if r.code != http.StatusSeeOther {
		t.Fatalf("delete override: %d", r.code)
	}
	mustContain(t, "calculator after delete", d.get("/desk/admin/calendar?from=2026-05-29&add=1"), "2026年6月1日")

	// Editing forms are filled from what exists; the policy can be deleted.
	mustContain(t, "unit edit form", d.get("/desk/admin/units?edit=win-a2"), `value="社保2号窗口"`, `readonly`)
	pols, _ := e.app.Policies(t.Context())
	if len(pols) != 1 {
		t.Fatalf("policies: %v", pols)
	}
	id := pols[0].ID
	mustContain(t, "policy edit form", d.get("/desk/admin/policies?edit="+strconv.FormatInt(id, 10)), `value="12345热线工单"`)
	if r := d.post("/desk/admin/policies/"+strconv.FormatInt(id, 10)+"/delete", nil); r.code != http.StatusSeeOther {
		t.Errorf("delete policy: %d", r.code)
	}
	if pols, _ := e.app.Policies(t.Context()); len(pols) != 0 {
		t.Errorf("policies after delete: %v", pols)
	}
}
