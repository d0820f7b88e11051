package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
		{"handler-a2", "the case's own handler", map[string]int{"api action": 403, "api reveal": 403, "api related": 403,
			"desk action": 403, "desk reveal": 403, "desk print": 403, "desk document": 200}},
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
