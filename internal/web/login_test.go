package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

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

// TestLockout: five wrong passwords in a row lock the account, even against the right
// password, until the lockout passes; the failures are audited.
func TestLockout(t *testing.T) {
	e := newEnv(t)
	c := e.browser()
	for range 5 {
		if r := postForm(t, c, e.srv.URL+"/login", url.Values{"login": {"clerk"}, "password": {"guess guess guess"}}); r.StatusCode != 401 {
			t.Fatalf("wrong password: %d, want 401", r.StatusCode)
		}
	}
	right := url.Values{"login": {"clerk"}, "password": {"correct horse battery"}}
	if r := postForm(t, c, e.srv.URL+"/login", right); r.StatusCode != 401 {
		t.Errorf("locked account with the right password: %d, want 401 with the lockout explained", r.StatusCode)
	}
	e.clock.Set(e.clock.Now().Add(16 * time.Minute))
	if r := postForm(t, c, e.srv.URL+"/login", right); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lockout: %d, want a sign-in", r.StatusCode)
	}
	recs, _ := e.store.ListAudit(t.Context(), 0, 1000)
	locked := 0
	for _, r := range recs {
		if r.Action == "login.failed" && strings.Contains(r.Detail, "locked") {
			locked++
		}
	}
	if locked < 2 {
		t.Errorf("audit has %d lockout records, want the locking failure and the refused sign-in", locked)
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
