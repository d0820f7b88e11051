package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/web"
)

// browser is an HTTP client with a cookie jar that does not follow redirects, so that
// tests see where the site sends it.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestDeskSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.browser()
	resp, err := c.Get(e.srv.URL + "/desk/password")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("signed-out desk: %d to %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}
	bad := postForm(t, c, e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"wrong password"}})
	if bad.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", bad.StatusCode)
	}
	ok := postForm(t, c, e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"correct horse battery"},
		"next": {"/desk/password"}})
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/desk/password" {
		t.Fatalf("sign-in: %d to %q", ok.StatusCode, ok.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range ok.Cookies() {
		if ck.Name == "tousu_session" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie = %+v, want HttpOnly, Secure, SameSite=Lax", cookie)
	}
	// The test server is plain HTTP: the jar withholds Secure cookies, so send it by hand.
	req, _ := http.NewRequest("GET", e.srv.URL+"/desk/password", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	page, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("signed-in page: %d, CSP %q", page.StatusCode, page.Header.Get("Content-Security-Policy"))
	}
	// An open redirect is not possible.
	evil := postForm(t, e.browser(), e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"correct horse battery"},
		"next": {"https://evil.example/"}})
	if evil.Header.Get("Location") != "/desk/" {
		t.Errorf("next=https://evil.example/ redirected to %q", evil.Header.Get("Location"))
	}
	// A cross-site form post is refused before it reaches the handler.
	req, _ = http.NewRequest("POST", e.srv.URL+"/login", strings.NewReader("login=clerk&password=correct+horse+battery"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	cross, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	cross.Body.Close()
	if cross.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-in post: %d, want 403", cross.StatusCode)
	}
	recs, _ := e.store.ListAudit(t.Context(), 0, 1000)
	var failed, signedIn bool
	for _, r := range recs {
		failed = failed || r.Action == "login.failed" && r.Object == "clerk"
		signedIn = signedIn || r.Action == "login" && r.Actor == "clerk"
	}
	if !failed || !signedIn {
		t.Errorf("audit: failed sign-in recorded %v, sign-in recorded %v", failed, signedIn)
	}
}

// TestSignInThrottle: failed sign-ins are throttled per address and per login, so that a
// guesser is stopped after five tries while the account's owner, at her own address,
// still signs in — nobody locks a named account out with five requests. An unknown login
// is answered exactly as a known one, throttled or not, and every failure is audited.
func TestSignInThrottle(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(web.New(web.Options{App: e.app, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}))
	t.Cleanup(srv.Close)
	signIn := func(addr, login, password string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"login": {login}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", addr)
		resp, err := e.browser().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), strings.ReplaceAll(string(b), login, "LOGIN")
	}
	const attacker, owner = "203.0.113.66", "198.51.100.7"
	var known, unknown []string
	for i := range 6 {
		code, retry, body := signIn(attacker, "clerk", "guess guess guess")
		known = append(known, fmt.Sprint(code, retry != "", body))
		code, retry, body = signIn(attacker, "no-such-login", "guess guess guess")
		unknown = append(unknown, fmt.Sprint(code, retry != "", body))
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if code != want {
			t.Errorf("guess %d at an unknown login: %d, want %d", i+1, code, want)
		}
	}
	if !slices.Equal(known, unknown) {
		t.Errorf("a known and an unknown login are answered differently:\n%q\n%q", known, unknown)
	}
	if code, retry, _ := signIn(attacker, "clerk", "correct horse battery"); code != http.StatusTooManyRequests || retry == "" {
		t.Errorf("the guesser with the right password: %d (Retry-After %q), want 429 with Retry-After", code, retry)
	}
	// The owner is not locked out by the guesser.
	if code, _, body := signIn(owner, "clerk", "correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("the owner, from her own address, after someone else's guesses: %d %s, want a sign-in", code, clipBody(body))
	}
	// The guesser's address is throttled for every login once it has failed often enough.
	for i := range 20 {
		signIn(attacker, fmt.Sprintf("someone%d", i), "guess guess guess")
	}
	if code, _, _ := signIn(attacker, "leader", "correct horse battery"); code != http.StatusTooManyRequests {
		t.Errorf("a fresh login from a throttled address: %d, want 429", code)
	}
	// The window passes.
	e.clock.Set(e.clock.Now().Add(16 * time.Minute))
	if code, _, _ := signIn(attacker, "clerk", "correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("after the window: %d, want a sign-in", code)
	}
	recs, _ := e.store.SearchAudit(t.Context(), tousu.AuditFilter{Action: "login.failed", Limit: 500})
	if len(recs) < 12 {
		t.Errorf("audit has %d failed sign-ins, want every one", len(recs))
	}
}

// TestSessionSurvivesRestart: sessions live in the database, so a restarted server (or
// another node) knows the signed-in desk.
func TestSessionSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	ok := postForm(t, e.browser(), e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"correct horse battery"}})
	var cookie *http.Cookie
	for _, ck := range ok.Cookies() {
		if ck.Name == "tousu_session" {
			cookie = ck
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	other := httptest.NewServer(web.New(web.Options{App: e.app}))
	defer other.Close()
	req, _ := http.NewRequest("GET", other.URL+"/desk/password", nil)
	req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	resp, err := e.browser().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the session on a second server: %d, want 200", resp.StatusCode)
	}
}
