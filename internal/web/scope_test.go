package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
)

// TestRegisterNamingOneself: a clerk who is the staff member a complaint names cannot
// register it (recusal starts at the counter): 422 on target.staff telling her to hand it
// to a colleague, nothing stored, and no query code shown. The same holds for a badge she
// was linked to before.
func TestRegisterNamingOneself(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.app.CreateUser(ctx, tousu.SystemActor, app.NewUser{Login: "clerk-b", Name: "赵窗口", Password: "correct horse battery",
		Roles: []tousu.Role{tousu.RoleClerk}, Unit: "dept-b", Staff: "B001"}); err != nil {
		t.Fatal(err)
	}
	tok, err := e.app.CreateToken(ctx, tousu.SystemActor, "clerk-b")
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["clerk-b"] = tok
	before := e.do("GET", "/api/v1/complaints?limit=100", "supervisor", nil).raw
	body := validComplaint()
	body["target"] = map[string]any{"unit": "win-b1", "staff": "B001"}
	r := e.do("POST", "/api/v1/complaints", "clerk-b", body)
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.fieldErr("target.staff"), "同事") || r.str("query_code") != "" {
		t.Errorf("registering a complaint about oneself: %d %s, want 422 on target.staff", r.code, r.raw)
	}
	// On the desk, the same refusal beside the field, and no receipt (no query code).
	form := registration()
	form.Set("target.unit", "win-b1")
	form.Set("target.staff", "B001")
	p := e.signIn("clerk-b").post("/desk/complaints/new", form)
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "交由其他同事登记") || strings.Contains(p.body, "查询码") {
		t.Errorf("desk registration naming oneself: %d, want 422 with the message and no query code", p.code)
	}
	// Relinked to another badge by an admin, she is still the person the complaint names.
	if err := e.app.UpdateAccount(ctx, tousu.Actor{Login: "admin", Roles: []tousu.Role{tousu.RoleAdmin}}, "clerk-b",
		app.AccountUpdate{Name: "赵窗口", Roles: []tousu.Role{tousu.RoleClerk}, Unit: "dept-b", Staff: ""}); err != nil {
		t.Fatal(err)
	}
	r = e.do("POST", "/api/v1/complaints", "clerk-b", body)
	if r.code != http.StatusUnprocessableEntity || r.fieldErr("target.staff") == "" {
		t.Errorf("registering about a badge once linked: %d %s, want 422", r.code, r.raw)
	}
	if after := e.do("GET", "/api/v1/complaints?limit=100", "supervisor", nil).raw; after != before {
		t.Errorf("a refused registration stored a complaint")
	}
	// A colleague registers it.
	if r := e.do("POST", "/api/v1/complaints", "clerk", body); r.code != http.StatusCreated {
		t.Errorf("a colleague registers it: %d %s", r.code, r.raw)
	}
}

// TestPasswordChangeEndsOtherSessions: a password change ends every other desk session of
// the account (the one that changed it carries on), an admin's reset ends them all, and
// guesses of the old password on the change form are throttled like sign-ins.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	here, there := e.signIn("leader"), e.signIn("leader")
	p := here.post("/desk/password", url.Values{"old": {"correct horse battery"}, "new": {"a brand new password"}, "confirm": {"a brand new password"}})
	if p.code != http.StatusOK || !strings.Contains(p.body, "密码已修改") {
		t.Fatalf("change password: %d %s", p.code, clipBody(p.body))
	}
	if p := here.get("/desk/password"); p.code != http.StatusOK {
		t.Errorf("the session that changed the password: %d, want it to carry on", p.code)
	}
	if p := there.get("/desk/password"); p.code != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Errorf("another session after the change: %d %q, want the sign-in page", p.code, p.location)
	}

	// An admin's reset ends every session of the account.
	h := e.signIn("handler-a")
	if p := e.signIn("admin").post("/desk/admin/accounts/handler-a/password", url.Values{}); p.code != http.StatusOK {
		t.Fatalf("reset: %d", p.code)
	}
	if p := h.get("/desk/password"); p.code != http.StatusSeeOther {
		t.Errorf("a session after its password was reset: %d, want the sign-in page", p.code)
	}

	// Guessing the old password on the change form is throttled.
	d := e.signIn("clerk")
	var codes []int
	for range 6 {
		p := d.post("/desk/password", url.Values{"old": {"guess guess guess"}, "new": {"another long password"}, "confirm": {"another long password"}})
		codes = append(codes, p.code)
	}
	if want := []int{422, 422, 422, 422, 422, 429}; !slices.Equal(codes, want) {
		t.Errorf("guesses of the old password: %v, want %v", codes, want)
	}
	p = d.post("/desk/password", url.Values{"old": {"correct horse battery"}, "new": {"another long password"}, "confirm": {"another long password"}})
	if p.code != http.StatusTooManyRequests {
		t.Errorf("the right old password while throttled: %d, want 429", p.code)
	}
}

// TestTokensListedAndRevoked: the admin page lists API tokens (never the token itself)
// and revokes them one by one; a revoked or expired token stops working at once while the
// others carry on; an admin below the root neither sees nor revokes tokens beyond its
// subtree.
func TestTokensListedAndRevoked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := func(tok string) string {
		sum := sha256.Sum256([]byte(tok))
		return hex.EncodeToString(sum[:])[:app.TokenIDLength]
	}
	expiring, err := e.app.CreateTokenUntil(ctx, tousu.SystemActor, "leader", e.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/v1/me", "", nil); r.code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", r.code)
	}
	me := func(tok string) int {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return e.send(req).code
	}
	if code := me(expiring); code != 200 {
		t.Errorf("a token before its expiry: %d", code)
	}

	admin := e.signIn("admin")
	p := admin.get("/desk/admin/tokens")
	mustContain(t, "token list", p, id(e.tokens["clerk"]), id(expiring), "有效期至")
	if strings.Contains(p.body, e.tokens["clerk"]) {
		t.Errorf("the token page shows a token itself")
	}
	if p := admin.post("/desk/admin/tokens/"+id(e.tokens["clerk"])+"/revoke", url.Values{}); p.code != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", p.code, clipBody(p.body))
	}
	if code := me(e.tokens["clerk"]); code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d, want 401", code)
	}
	if code := me(e.tokens["supervisor"]); code != 200 {
		t.Errorf("another token after a revocation: %d, want 200", code)
	}
	recs, _ := e.store.SearchAudit(ctx, tousu.AuditFilter{Action: "token.revoke"})
	if len(recs) != 1 || recs[0].Object != "clerk" {
		t.Errorf("audit of the revocation: %+v", recs)
	}

	// A department admin sees and revokes the tokens of its subtree only.
	if _, err := e.app.CreateUser(ctx, tousu.SystemActor, app.NewUser{Login: "admin-a", Name: "人社管理员", Password: "correct horse battery",
		Roles: []tousu.Role{tousu.RoleAdmin}, Unit: "dept-a"}); err != nil {
		t.Fatal(err)
	}
	da := e.signIn("admin-a")
	p = da.get("/desk/admin/tokens")
	if !strings.Contains(p.body, id(e.tokens["handler-a"])) || strings.Contains(p.body, id(e.tokens["supervisor"])) {
		t.Errorf("the department admin's token list: handler-a's shown %t, supervisor's shown %t",
			strings.Contains(p.body, id(e.tokens["handler-a"])), strings.Contains(p.body, id(e.tokens["supervisor"])))
	}
	if p := da.post("/desk/admin/tokens/"+id(e.tokens["supervisor"])+"/revoke", url.Values{}); p.code != http.StatusNotFound {
		t.Errorf("the department admin revokes the root's supervisor's token: %d, want 404", p.code)
	}
	if code := me(e.tokens["supervisor"]); code != 200 {
		t.Errorf("the supervisor's token after a refused revocation: %d", code)
	}

	// The expiry passes.
	e.clock.Set(e.clock.Now().Add(2 * time.Hour))
	if code := me(expiring); code != http.StatusUnauthorized {
		t.Errorf("an expired token: %d, want 401", code)
	}
	mustContain(t, "token list after the expiry", admin.get("/desk/admin/tokens"), "已过期")
}

// TestTemplateLimits: a message template that would loop for ever is refused when saved
// (422, at once), and one put into the settings behind the admin page's back does not
// hang the action that uses it: the notification falls back to the default wording.
func TestTemplateLimits(t *testing.T) {
	e := newEnv(t)
	loop := "{{range 1000000000}}{{range 1000000000}}{{end}}{{end}}{{.Number}}"
	admin := e.signIn("admin")
	start := time.Now()
	p := admin.post("/desk/admin/templates/urged", url.Values{"subject": {"催办 {{.Number}}"}, "body": {loop}})
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "range") {
		t.Errorf("saving a looping template: %d, want 422 explaining the range", p.code)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing the looping template took %v", d)
	}
	if err := e.store.PutSetting(context.Background(), notify.SettingKey(notify.Urged, "body"), loop); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(e.clock.Now().Add(time.Minute)) // past the cache of reference data
	number := e.register(nil)
	e.act(number, "accept", "supervisor", validPayload(tousu.ActAccept, e), 200)
	e.act(number, "assign", "supervisor", map[string]any{"unit": "dept-a", "mode": "transfer"}, 200)
	start = time.Now()
	e.act(number, "urge", "supervisor", map[string]any{"message": "请尽快办理"}, 200)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("an urge with a looping template stored took %v", d)
	}
}
