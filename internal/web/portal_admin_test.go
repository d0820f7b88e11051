package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tousu"
)

func TestPortalSettingsAdmin(t *testing.T) {
	e := newEnv(t)
	setup := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	if err := e.app.PutUnit(t.Context(), setup, tousu.Unit{Code: "office", Name: "投诉督查处", Parent: "root",
		Kind: tousu.UnitOffice, Phone: "0571-87654321", Address: "中心二楼201室", Hours: "工作日 9:00–17:00"}); err != nil {
		t.Fatal(err)
	}
	// Unset, the portal shows the organisation's own data.
	home := e.portalGet("/")
	portalContains(t, "defaults", home, "0571-87654321", "中心二楼201室", "工作日 9:00–17:00", `href="tel:057187654321"`)

	if p := e.signIn("clerk").get("/desk/admin/portal"); p.code != http.StatusForbidden {
		t.Errorf("clerk: admin portal page %d, want 403", p.code)
	}
	admin := e.signIn("admin")
	p := admin.get("/desk/admin/portal")
	mustContain(t, "admin form", p, `name="org_name"`, `name="hotline"`, `name="address"`, `name="mailbox"`, `name="hours"`,
		`placeholder="0571-87654321"`, `placeholder="中心二楼201室"`)
	if home := admin.get("/desk/admin/"); !strings.Contains(home.body, `href="/desk/admin/portal"`) {
		t.Errorf("the admin home does not link to the portal page")
	}

	bad := url.Values{"org_name": {strings.Repeat("很长", 60)}, "hotline": {"12345"}}
	p = admin.post("/desk/admin/portal", bad)
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "内容过长") || !strings.Contains(p.body, `value="12345"`) {
		t.Errorf("too long a name: %d %s", p.code, clipBody(p.body))
	}

	set := url.Values{"org_name": {"示范区政务服务中心"}, "hotline": {"12345"}, "address": {"示范区人民路1号 投诉督查处"},
		"mailbox": {"tousu@example.gov.cn"}, "hours": {""}}
	p = admin.follow(admin.post("/desk/admin/portal", set))
	mustContain(t, "saved", p, "已保存门户信息", `value="示范区政务服务中心"`, `value="12345"`)
	home = e.portalGet("/")
	portalContains(t, "portal after saving", home, "<title>群众投诉受理 · 示范区政务服务中心</title>", "12345",
		`href="tel:12345"`, "示范区人民路1号 投诉督查处", `href="mailto:tousu@example.gov.cn"`, "工作日 9:00–17:00")
	if strings.Contains(home.body, "0571-87654321") {
		t.Errorf("the office phone still shows after the hotline was set")
	}
	if sub := e.portalGet("/submit"); !strings.Contains(sub.body, `class="brand" href="/">示范区政务服务中心`) {
		t.Errorf("the form's header does not carry the organisation's name")
	}
	recs, err := e.store.ListAudit(t.Context(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range recs {
		if r.Action == "portal.put" && r.Actor == "admin" && strings.Contains(r.Detail, "hotline") {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit record of the change")
	}
}
