package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/web"
)

// postMultipart posts a desk form with files, as the registration form sends it.
func (d *deskClient) postMultipart(path string, form url.Values, files []upload) page {
	d.t.Helper()
	body, ct := multipartBody(d.t, form, files)
	req, _ := http.NewRequest("POST", d.e.srv.URL+path, body)
	req.Header.Set("Content-Type", ct)
	return d.do(req)
}

var codeOnReceipt = regexp.MustCompile(`<strong class="code">([A-Z0-9]+)</strong>`)

// TestDeskIntake: at the counter a clerk registers with evidence and a first receiver;
// the receipt has the QR code and the first receiver; the clerk corrects the phone on the
// case page, the timeline shows the correction masked, the registration form reprints
// with it; the clerk reissues the query code and the old one stops working; the receipt
// is reprinted without a code.
func TestDeskIntake(t *testing.T) {
	e := newEnv(t)
	e.addAccount(app.NewUser{Login: "clerk-a", Name: "窗口受理员", Roles: []tousu.Role{tousu.RoleClerk}, Staff: "A001"})
	d := e.signIn("clerk-a")
	form := url.Values{"kind": {"complaint"}, "channel": {"visit"}, "received_at": {"2026-01-30T09:10"},
		"complainant.name": {"张三"}, "complainant.phone": {"13812345678"}, "target.unit": {"win-a1"},
		"matter":               {"在社保1号窗口办理参保登记，工作人员态度生硬，材料不全也未一次性告知。"},
		"first_receiver.staff": {"A002"}, "handed_over_at": {"2026-01-30T09:40"}}
	p := d.postMultipart("/desk/complaints/new", form, []upload{{"窗口照片.png", pngImage(t)}})
	if p.code != 200 {
		t.Fatalf("register: %d %s", p.code, clipBody(p.body))
	}
	m := codeOnReceipt.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no query code on the receipt: %s", clipBody(p.body))
	}
	oldCode := m[1]
	mustContain(t, "receipt", p, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`, "李科长（人社局）", "/track?number=TS20260130-0001")
	n := "TS20260130-0001"
	if atts := e.do("GET", "/api/v1/complaints/"+n+"/attachments", "supervisor", nil); !strings.Contains(atts.raw, "窗口照片.png") {
		t.Errorf("evidence not attached: %s", atts.raw)
	}

	// A wrong phone is refused on the form, naming the field.
	bad := d.post("/desk/complaints/"+n+"/amend", url.Values{"reason": {"更正电话"}, "complainant.phone": {"1381234567"}})
	if bad.code != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "手机号应为11位") {
		t.Errorf("bad amend: %d %s", bad.code, clipBody(bad.body))
	}
	ok := d.follow(d.post("/desk/complaints/"+n+"/amend", url.Values{"reason": {"登记时电话录错一位"}, "complainant.phone": {"13812345679"}}))
	mustContain(t, "case after amend", ok, "已完成“补正登记”", "联系电话", "138****5678 → 138****5679", "登记时电话录错一位", "李科长")
	sheet := d.get("/desk/complaints/" + n + "/form")
	mustContain(t, "registration form", sheet, "补正", "138****5679", "李科长")

	// Reissue: refused without a reason, then a new receipt with a new code.
	if r := d.post("/desk/complaints/"+n+"/query-code", url.Values{"reason": {""}}); r.code != 422 || !strings.Contains(r.body, "请填写重置查询码的理由") {
		t.Errorf("reissue without reason: %d %s", r.code, clipBody(r.body))
	}
	r := d.post("/desk/complaints/"+n+"/query-code", url.Values{"reason": {"投诉人遗失回执"}})
	m = codeOnReceipt.FindStringSubmatch(r.body)
	if r.code != 200 || m == nil || m[1] == oldCode {
		t.Fatalf("reissue: %d %s", r.code, clipBody(r.body))
	}
	if got := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+oldCode, "", nil); got.code != 404 {
		t.Errorf("old code: %d", got.code)
	}
	if got := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+m[1], "", nil); got.code != 200 {
		t.Errorf("new code: %d", got.code)
	}
	again := d.get("/desk/complaints/" + n + "/receipt")
	mustContain(t, "reprint", again, "补打受理回执", "见首次出具的回执", `class="qr"`)
	if codeOnReceipt.MatchString(again.body) {
		t.Errorf("the reprint shows a query code")
	}
	// A clerk who did not register it may not amend it.
	other := e.signIn("clerk")
	if r := other.post("/desk/complaints/"+n+"/amend", url.Values{"reason": {"x"}, "matter": {"另一个事项描述"}}); r.code != http.StatusForbidden {
		t.Errorf("another clerk amends: %d", r.code)
	}
}

// TestDeskAdminIntakeAndSearch: the admin page shows the intake office and the gaps, and
// saves a choice; the inbox's search box finds a complainant's cases by phone for a
// supervisor, audited, and is not offered to a clerk.
func TestDeskAdminIntakeAndSearch(t *testing.T) {
	e := newEnv(t)
	admin := e.signIn("admin")
	p := admin.get("/desk/admin/intake")
	mustContain(t, "admin intake", p, "受理机构", "投诉督查处", "所有单位都有在岗的督查员和承办人")
	saved := admin.follow(admin.post("/desk/admin/intake", url.Values{"unit": {"dept-b"}}))
	mustContain(t, "saved", saved, "已保存受理机构", "医保局")
	if r := admin.post("/desk/admin/intake", url.Values{"unit": {"nowhere"}}); r.code != 422 {
		t.Errorf("unknown unit: %d", r.code)
	}

	a := e.register(nil)
	b := e.register(func(m map[string]any) { m["complainant"] = map[string]any{"name": "李四", "phone": "13900001111"} })
	sup := e.signIn("supervisor")
	list := sup.get("/desk/?tab=all&complainant_phone=" + url.QueryEscape("138 1234 5678"))
	if !strings.Contains(list.body, a) || strings.Contains(list.body, b) {
		t.Errorf("search by phone: %s", clipBody(list.body))
	}
	mustContain(t, "search box", list, `name="complainant_phone"`)
	if recs, _ := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "search_complainant"}); len(recs) == 0 {
		t.Errorf("the desk search was not audited")
	}
	clerk := e.signIn("clerk")
	if c := clerk.get("/desk/?tab=all"); strings.Contains(c.body, `name="complainant_phone"`) {
		t.Errorf("the clerk is offered the complainant search")
	}
}

// TestPortalForgotCode: 忘记查询码 sends a new code by SMS to the phone on file, and the
// page answers the same when the phone does not match (nothing is sent then); the old
// code stops working; requests are rate-limited.
func TestPortalForgotCode(t *testing.T) {
	e := newEnv(t)
	sms := &recorder{}
	e.app.SetNotifications(app.Notifications{SMS: sms, PublicURL: "https://ts.example.gov.cn"})
	srv := httptest.NewServer(web.New(web.Options{App: e.app, SubmitPerMinute: 1000, TrackPerMinute: 1000, ForgotPerMinute: 3}))
	t.Cleanup(srv.Close)
	e.srv = srv
	r := e.do("POST", "/api/v1/complaints", "clerk", validComplaint())
	n, old := r.str("number"), r.str("query_code")

	wrong := e.portalPost("/track/forgot", url.Values{"number": {n}, "phone": {"13900000000"}})
	right := e.portalPost("/track/forgot", url.Values{"number": {n}, "phone": {"138-1234-5678"}})
	if wrong.code != 200 || right.code != 200 || wrong.body != right.body {
		t.Errorf("the answers differ: %d / %d", wrong.code, right.code)
	}
	portalContains(t, "forgot answer", right, "新的查询码已通过短信发送")
	if _, err := e.app.DeliverOutbox(context.Background()); err != nil {
		t.Fatal(err)
	}
	var code string
	for _, m := range sms.sent() {
		if strings.Contains(m.Body, "新查询码") {
			if m.To != "13812345678" {
				t.Errorf("sent to %q", m.To)
			}
			code = regexp.MustCompile(`新查询码为([A-Z0-9]+)`).FindStringSubmatch(m.Body)[1]
		}
	}
	if code == "" || code == old {
		t.Fatalf("no new code sent: %+v", sms.sent())
	}
	if got := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+old, "", nil); got.code != 404 {
		t.Errorf("old code still works: %d", got.code)
	}
	if got := e.do("GET", "/api/v1/public/complaints/"+n+"?code="+code, "", nil); got.code != 200 {
		t.Errorf("the texted code: %d", got.code)
	}
	e.portalPost("/track/forgot", url.Values{"number": {"TS20990101-0001"}, "phone": {"13812345678"}})
	if limited := e.portalPost("/track/forgot", url.Values{"number": {n}, "phone": {"13812345678"}}); limited.code != http.StatusTooManyRequests {
		t.Errorf("fifth request in a minute: %d", limited.code)
	}
}

// TestLoginSaysHTTPS: over plain HTTP on a network name the login page says the desk
// needs HTTPS (the Secure cookie would be dropped); on 127.0.0.1, with --insecure-cookie
// or behind HTTPS it does not.
func TestLoginSaysHTTPS(t *testing.T) {
	e := newEnv(t)
	get := func(srvURL, host, proto string) string {
		req, _ := http.NewRequest("GET", srvURL+"/login", nil)
		req.Host = host
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		return portalDo(t, req).body
	}
	if b := get(e.srv.URL, "tousu.intranet:8080", ""); !strings.Contains(b, `id="need-https"`) {
		t.Errorf("plain HTTP on a network name: no HTTPS notice")
	}
	if b := get(e.srv.URL, "127.0.0.1:8080", ""); strings.Contains(b, `id="need-https"`) {
		t.Errorf("127.0.0.1: HTTPS notice shown")
	}
	insecure := httptest.NewServer(web.New(web.Options{App: e.app, InsecureCookie: true}))
	t.Cleanup(insecure.Close)
	if b := get(insecure.URL, "tousu.intranet:8080", ""); strings.Contains(b, `id="need-https"`) {
		t.Errorf("--insecure-cookie: HTTPS notice shown")
	}
}
