package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
)

// The secret of the case the forbidden accesses aim at: no denied answer may contain it.
const (
	secretMatter = "机密事项：3号窗口工作人员收取好处费两百元"
	secretName   = "欧阳保密"
)

// TestForbiddenAccess tries every route to a case's content as everyone who may not reach
// it — by role, by relation to the case (own unit but not its handler, another unit, the
// staff member complained about, an admin without case roles, the public without a token
// or with a wrong query code) — and checks each is refused with the status the contract
// gives (403 for a role that may never do it, 404 where the case is out of reach, so that
// its existence does not leak; 401 for an API call without a token; the sign-in page for
// a desk page without a session) and that no refusal shows the case's content.
func TestForbiddenAccess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
		m := validComplaint()
		m["matter"] = secretMatter
		m["complainant"] = map[string]any{"name": secretName, "phone": "13811112222"}
		m["target"] = map[string]any{"unit": "win-a1", "staff": "A001"}
		return m
	}())
	if reg.code != http.StatusCreated {
		t.Fatalf("register: %d %s", reg.code, reg.raw)
	}
	number, code := reg.str("number"), reg.str("query_code")
	e.act(number, "accept", "supervisor", validPayload(tousu.ActAccept, e), 200)
	// Assigned to dept-a by name to handler-a2: handler-a works in the same unit, but not
	// on this case.
	e.act(number, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a2", "mode": "transfer"}, 200)
	if _, err := e.app.Attach(ctx, tousu.Actor{Login: "supervisor", Name: "督查员", Roles: []tousu.Role{tousu.RoleSupervisor}},
		number, []app.Upload{{Name: "证据.pdf", Data: pdfFile}}); err != nil {
		t.Fatal(err)
	}
	list := e.do("GET", "/api/v1/complaints/"+number+"/attachments", "supervisor", nil)
	fileID := fmt.Sprint(list.field("items").([]any)[0].(map[string]any)["id"])
	// Another case, submitted on the portal, for its query code.
	pub := e.do("POST", "/api/v1/public/complaints", "", map[string]any{"kind": "complaint",
		"complainant": map[string]any{"anonymous": true}, "matter": "另一件投诉：大厅空调坏了"})
	if pub.code != http.StatusCreated {
		t.Fatalf("public submission: %d %s", pub.code, pub.raw)
	}
	otherCode := pub.str("query_code")

	// The routes to the case, by key.
	type route struct {
		method, path string
		json         any        // an API body
		form         url.Values // a desk form
		upload       bool       // a desk multipart upload
	}
	base := "/api/v1/complaints/" + number
	desk := "/desk/complaints/" + number
	routes := map[string]route{
		"api get":       {method: "GET", path: base},
		"api events":    {method: "GET", path: base + "/events"},
		"api action":    {method: "POST", path: base + "/urge", json: map[string]any{"message": "请尽快办理"}},
		"api reveal":    {method: "POST", path: base + "/reveal", json: map[string]any{"reason": "核实身份"}},
		"api related":   {method: "GET", path: base + "/related"},
		"api files":     {method: "GET", path: base + "/attachments"},
		"api download":  {method: "GET", path: base + "/attachments/" + fileID},
		"desk case":     {method: "GET", path: desk},
		"desk related":  {method: "GET", path: desk + "?related=1"},
		"desk form":     {method: "GET", path: desk + "/form"},
		"desk document": {method: "GET", path: desk + "/documents/dossier.pdf"},
		"desk print":    {method: "POST", path: desk + "/documents/registration.pdf", form: url.Values{"reason": {"投诉人核对签字"}}},
		"desk download": {method: "GET", path: desk + "/attachments/" + fileID},
		"desk action":   {method: "POST", path: desk + "/urge", form: url.Values{"message": {"请尽快办理"}}},
		"desk reveal":   {method: "POST", path: desk + "/reveal", form: url.Values{"reason": {"核实身份"}}},
		"desk upload":   {method: "POST", path: desk + "/attachments", upload: true},
	}
	all := func(code int) map[string]int {
		m := map[string]int{}
		for k := range routes {
			m[k] = code
		}
		return m
	}
	with := func(m map[string]int, changes map[string]int) map[string]int {
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	// A role that may never reveal or look up related complaints is told so (403) before
	// the case is looked at; everything else about a case out of reach is not found.
	noReveal := map[string]int{"api reveal": 403, "api related": 403}
	tests := []struct {
		who, relation string
		want          map[string]int
	}{
		{"handler-a", "own unit, not the case's handler", with(all(404), noReveal)},
		{"handler-b", "other unit's handler", with(all(404), noReveal)},
		{"dept-b-super", "other unit's supervisor", all(404)},
		{"target", "the staff member complained about (recusal), though a supervisor of the unit", all(404)},
		{"admin", "admin without case roles", all(403)},
		// Roles that read the case but may not do these things with it.
		{"leader", "own unit, reads only", map[string]int{"api action": 403, "api reveal": 403, "api related": 403,
			"desk action": 403, "desk reveal": 403, "desk print": 403, "desk upload": 403}},
		{"clerk", "own unit, registers only", map[string]int{"api action": 403, "api reveal": 403, "api related": 403,
			"desk action": 403, "desk reveal": 403, "desk print": 403}},
		// The case's own handler may see the phone number (200), nothing more: no form
		// printed with the identity (403); the documents, masked, it may print.
		{"handler-a2", "the case's own handler", map[string]int{"api action": 403, "api reveal": 200, "api related": 403,
			"desk action": 403, "desk reveal": 200, "desk print": 403, "desk document": 200}},
		{"", "the public, without a token or a session", all(401)},
	}
	sessions := map[string]*deskClient{}
	for _, tt := range tests {
		for key, want := range tt.want {
			rt := routes[key]
			var got int
			var body, location string
			if strings.HasPrefix(key, "api") {
				r := e.do(rt.method, rt.path, tt.who, rt.json)
				got, body = r.code, r.raw
			} else {
				d := sessions[tt.who]
				if d == nil {
					if tt.who == "" {
						d = &deskClient{t: t, e: e, c: e.browser(), cookie: &http.Cookie{Name: "none", Value: "x"}}
					} else {
						d = e.signIn(tt.who)
					}
					sessions[tt.who] = d
				}
				var p page
				switch {
				case rt.upload:
					p = d.upload(number, map[string][]byte{"x.pdf": pdfFile})
				case rt.form != nil:
					p = d.post(rt.path, rt.form)
				default:
					p = d.get(rt.path)
				}
				got, body, location = p.code, p.body, p.location
				if tt.who == "" {
					// A desk request without a session goes to the sign-in page.
					if want = http.StatusSeeOther; got == want && !strings.HasPrefix(location, "/login") {
						t.Errorf("%s as the public: redirected to %q, want the sign-in page", key, location)
					}
				}
			}
			if got != want {
				t.Errorf("%s (%s %s) as %s [%s]: %d, want %d", key, rt.method, rt.path, orPublic(tt.who), tt.relation, got, want)
			}
			if strings.Contains(body, secretName) || (got == 404 || got == 401 || tt.who == "admin") && strings.Contains(body, secretMatter) {
				t.Errorf("%s as %s [%s]: the refusal shows the case's content", key, orPublic(tt.who), tt.relation)
			}
		}
	}

	// Hidden and absent look the same: every route, for everyone the case is hidden from,
	// answers for it exactly as for a number that was never given — status, body (but for
	// the number itself) and the set of headers.
	absent := number[:len(number)-4] + "9999"
	for _, who := range []string{"handler-b", "dept-b-super", "target", "handler-a"} {
		d := sessions[who]
		for key, rt := range routes {
			ask := func(num string) (int, string, http.Header) {
				path := strings.Replace(rt.path, number, num, 1)
				if strings.HasPrefix(key, "api") {
					r := e.do(rt.method, path, who, rt.json)
					return r.code, r.raw, r.header
				}
				var p page
				switch {
				case rt.upload:
					p = d.upload(num, map[string][]byte{"x.pdf": pdfFile})
				case rt.form != nil:
					p = d.post(path, rt.form)
				default:
					p = d.get(path)
				}
				return p.code, p.body, p.header
			}
			hc, hb, hh := ask(number)
			ac, ab, ah := ask(absent)
			if hc != ac || strings.ReplaceAll(hb, number, absent) != ab {
				t.Errorf("%s as %s: hidden %d %q, absent %d %q: they differ", key, who, hc, clipBody(hb), ac, clipBody(ab))
			}
			if hk, ak := headerNames(hh), headerNames(ah); hk != ak {
				t.Errorf("%s as %s: hidden headers %s, absent %s", key, who, hk, ak)
			}
		}
	}

	// The public: the tracking routes need the number and its own code.
	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"no code", "GET", "/api/v1/public/complaints/" + number, nil},
		{"empty code", "GET", "/api/v1/public/complaints/" + number + "?code=", nil},
		{"wrong code", "GET", "/api/v1/public/complaints/" + number + "?code=ABCDEFGHJK", nil},
		{"another case's code", "GET", "/api/v1/public/complaints/" + number + "?code=" + otherCode, nil},
		{"feedback, wrong code", "POST", "/api/v1/public/complaints/" + number + "/feedback", map[string]any{"code": otherCode, "level": 5}},
		{"feedback, no code", "POST", "/api/v1/public/complaints/" + number + "/feedback", map[string]any{"level": 1}},
	} {
		r := e.do(tc.method, tc.path, "", tc.body)
		if r.code != http.StatusNotFound || strings.Contains(r.raw, secretMatter) {
			t.Errorf("public %s: %d, want 404 without the case", tc.name, r.code)
		}
	}
	// A staff token does not open the public route without the code either.
	if r := e.do("GET", "/api/v1/public/complaints/"+number, "supervisor", nil); r.code != http.StatusNotFound {
		t.Errorf("public route with a staff token and no code: %d, want 404", r.code)
	}
	// With the right code, the public sees the case but never the identity or internal events.
	r := e.do("GET", "/api/v1/public/complaints/"+number+"?code="+code, "", nil)
	if r.code != 200 || strings.Contains(r.raw, secretName) || strings.Contains(r.raw, "13811112222") || strings.Contains(r.raw, "证据.pdf") {
		t.Errorf("public view with the code: %d %s", r.code, r.raw)
	}
}

func orPublic(who string) string {
	if who == "" {
		return "the public"
	}
	return who
}

// headerNames lists the names of the headers that say something about the answer (not
// its date), sorted, for comparing two answers' header sets.
func headerNames(h http.Header) string {
	var names []string
	for k := range h {
		if k != "Date" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// TestForbiddenAdminActs is the forbidden-access table of the admin routes and of the
// acts that name something besides the case at hand: an admin held at a department
// manages its subtree only (units, staff, accounts; never a peer or superior admin, never
// organisation-wide settings, never its own roles); a badge link is moved only by another
// admin, never by its holder, and moving it lifts no recusal; a merge into a complaint the
// caller may not see answers as a merge into one that does not exist.
func TestForbiddenAdminActs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, u := range []app.NewUser{
		{Login: "admin-a", Name: "人社管理员", Roles: []tousu.Role{tousu.RoleAdmin}, Unit: "dept-a"},
		{Login: "admin-w", Name: "窗口管理员", Roles: []tousu.Role{tousu.RoleAdmin}, Unit: "win-a1"},
		{Login: "target-admin", Name: "王窗口（管理员）", Roles: []tousu.Role{tousu.RoleAdmin}, Staff: "A001"},
		{Login: "dept-a-super", Name: "人社督查", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "dept-a"},
	} {
		u.Password = "correct horse battery"
		if _, err := e.app.CreateUser(ctx, tousu.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		tok, err := e.app.CreateToken(ctx, tousu.SystemActor, u.Login)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.Login] = tok
	}
	// The case about A001 (the target), and two cases for the merge rows: one in dept-a,
	// one about dept-b that dept-a's supervisor may not see.
	aboutTarget := e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-a1", "staff": "A001"} })
	mine := e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-a1"} })
	hidden := e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"} })
	absent := hidden[:len(hidden)-4] + "9999"

	unit := func(parent, kind string) map[string]any {
		return map[string]any{"name": "新单位", "parent": parent, "kind": kind}
	}
	staff := func(unit string) map[string]any {
		return map[string]any{"name": "新同事", "unit": unit, "active": true}
	}
	account := func(login, role, unit, staff string) url.Values {
		return url.Values{"login": {login}, "name": {"某某"}, "role": {role}, "unit": {unit}, "staff": {staff}}
	}
	tests := []struct {
		who, relation string
		method, path  string
		json          any        // an API body
		form          url.Values // a desk form (nil: an API call)
		want          int
	}{
		// Units and staff through the API: inside the subtree only.
		{"admin-a", "a new window in its own department", "PUT", "/api/v1/units/win-a2", unit("dept-a", "window"), nil, 200},
		{"admin-a", "renames its own department", "PUT", "/api/v1/units/dept-a", map[string]any{"name": "人社局（新）", "parent": "root", "kind": "department"}, nil, 200},
		{"admin-a", "another department", "PUT", "/api/v1/units/dept-b", map[string]any{"name": "改名", "parent": "root", "kind": "department"}, nil, 403},
		{"admin-a", "a window under another department", "PUT", "/api/v1/units/win-b2", unit("dept-b", "window"), nil, 403},
		{"admin-a", "the root", "PUT", "/api/v1/units/root", map[string]any{"name": "改名", "kind": "centre"}, nil, 403},
		{"admin-a", "a new colleague in its window", "PUT", "/api/v1/staff/A009", staff("win-a1"), nil, 200},
		{"admin-a", "moves another department's staff in", "PUT", "/api/v1/staff/B001", staff("win-a1"), nil, 403},
		{"admin-a", "moves its staff out", "PUT", "/api/v1/staff/A002", staff("win-b1"), nil, 403},
		{"admin-a", "an organisation-wide category", "PUT", "/api/v1/categories/newcat", map[string]any{"name": "新类别"}, nil, 403},
		{"admin-a", "the organisation's calendar", "PUT", "/api/v1/calendar/overrides/2026-02-02", map[string]any{"workday": false, "name": "本地假日"}, nil, 403},
		// Accounts on the desk: strictly inside, never a peer or superior admin.
		{"admin-w", "resets its superior admin's password", "POST", "/desk/admin/accounts/admin-a/password", nil, url.Values{}, 403},
		{"admin-a", "resets the root admin's password", "POST", "/desk/admin/accounts/admin/password", nil, url.Values{}, 403},
		{"admin-a", "disables the root admin", "POST", "/desk/admin/accounts/admin/disable", nil, url.Values{}, 403},
		{"admin-a", "edits an account at the root", "POST", "/desk/admin/accounts/supervisor", nil, account("supervisor", "supervisor", "dept-a", ""), 403},
		{"admin-a", "creates an account at the root", "POST", "/desk/admin/accounts", nil, account("rootclerk", "clerk", "root", ""), 403},
		{"admin-a", "creates a peer admin", "POST", "/desk/admin/accounts", nil, account("peer", "admin", "dept-a", ""), 403},
		{"admin-a", "gives itself a case role", "POST", "/desk/admin/accounts/admin-a", nil, url.Values{"name": {"人社管理员"}, "role": {"admin", "supervisor"}, "unit": {"dept-a"}}, 403},
		{"admin-a", "creates a clerk in its window", "POST", "/desk/admin/accounts", nil, account("wclerk", "clerk", "win-a1", ""), 200},
		{"admin-a", "creates an admin below it", "POST", "/desk/admin/accounts", nil, account("wadmin", "admin", "win-a1", ""), 200},
		{"admin-a", "resets a handler's password in its department", "POST", "/desk/admin/accounts/handler-a/password", nil, url.Values{}, 200},
		{"admin-a", "resets the password of the admin below it", "POST", "/desk/admin/accounts/admin-w/password", nil, url.Values{}, 200},
		// Badge links: never moved by their holder, from any of its accounts.
		{"target-admin", "unlinks the account of its own badge", "POST", "/desk/admin/accounts/target", nil,
			url.Values{"name": {"王窗口"}, "role": {"handler", "supervisor"}, "unit": {"dept-a"}, "staff": {""}}, 403},
		{"target-admin", "unlinks itself", "POST", "/desk/admin/accounts/target-admin", nil,
			url.Values{"name": {"王窗口（管理员）"}, "role": {"admin"}, "unit": {"root"}, "staff": {""}}, 403},
		{"admin", "another admin unlinks the target's account", "POST", "/desk/admin/accounts/target", nil,
			url.Values{"name": {"王窗口"}, "role": {"handler", "supervisor"}, "unit": {"dept-a"}, "staff": {""}}, 303},
		// The target, unlinked, stays recused.
		{"target", "unlinked from the badge the case names", "GET", "/api/v1/complaints/" + aboutTarget, nil, nil, 404},
		// Merge targets: a number the caller may not see is a number that does not exist.
		{"dept-a-super", "merges into a case of another department", "POST", "/api/v1/complaints/" + mine + "/merge", map[string]any{"into": hidden}, nil, 422},
	}
	sessions := map[string]*deskClient{}
	for _, tt := range tests {
		var got int
		var body string
		if tt.form == nil {
			r := e.do(tt.method, tt.path, tt.who, tt.json)
			got, body = r.code, r.raw
		} else {
			d := sessions[tt.who]
			if d == nil {
				d = e.signIn(tt.who)
				sessions[tt.who] = d
			}
			p := d.post(tt.path, tt.form)
			got, body = p.code, p.body
		}
		if got != tt.want {
			t.Errorf("%s %s as %s [%s]: %d, want %d: %s", tt.method, tt.path, tt.who, tt.relation, got, tt.want, clipBody(body))
		}
		if got == 403 && !strings.Contains(body, "管理") && !strings.Contains(body, "无权") && !strings.Contains(body, "不能") {
			t.Errorf("%s %s as %s [%s]: the refusal does not say why in Chinese: %s", tt.method, tt.path, tt.who, tt.relation, clipBody(body))
		}
	}

	// The merge into a hidden case answers exactly as a merge into an absent one.
	h := e.do("POST", "/api/v1/complaints/"+mine+"/merge", "dept-a-super", map[string]any{"into": hidden})
	a := e.do("POST", "/api/v1/complaints/"+mine+"/merge", "dept-a-super", map[string]any{"into": absent})
	if h.code != a.code || h.raw != a.raw {
		t.Errorf("merge into a hidden case: %d %s; into an absent one: %d %s", h.code, h.raw, a.code, a.raw)
	}
	// The unlinked target does not find the case in its list either.
	if l := e.do("GET", "/api/v1/complaints?limit=100", "target", nil); strings.Contains(l.raw, aboutTarget) {
		t.Errorf("the unlinked target lists the case about it")
	}
	// The badge change is audited with the old and the new badge.
	recs, err := e.store.SearchAudit(ctx, tousu.AuditFilter{Action: "user.staff", Object: "target"})
	if err != nil || len(recs) != 1 || recs[0].Detail != "old=A001 new=" || recs[0].Actor != "admin" {
		t.Errorf("audit of the badge change: %+v %v", recs, err)
	}
	// The department admin lists the accounts of its subtree only.
	p := e.signIn("admin-a").get("/desk/admin/accounts")
	for _, outside := range []string{"/desk/admin/accounts/supervisor", "/desk/admin/accounts/admin/", "/desk/admin/accounts/dept-b-super"} {
		if strings.Contains(p.body, outside) {
			t.Errorf("the department admin's account list offers %s", outside)
		}
	}
}
