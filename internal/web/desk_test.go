package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// deskClient is a browser signed in at the desk. The test server is plain HTTP, where
// Go's cookie jar withholds the Secure session cookie, so the client sends it by hand.
type deskClient struct {
	t      *testing.T
	e      *env
	c      *http.Client
	cookie *http.Cookie
}

// page is a desk answer.
type page struct {
	code     int
	location string
	body     string
	header   http.Header
}

func (e *env) signIn(login string) *deskClient {
	e.t.Helper()
	c := e.browser()
	resp := postForm(e.t, c, e.srv.URL+"/login", url.Values{"login": {login}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: %d", login, resp.StatusCode)
	}
	d := &deskClient{t: e.t, e: e, c: c}
	for _, ck := range resp.Cookies() {
		if ck.Name == "tousu_session" {
			d.cookie = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	if d.cookie == nil {
		e.t.Fatalf("sign in as %s: no session cookie", login)
	}
	return d
}

func (d *deskClient) do(req *http.Request) page {
	d.t.Helper()
	req.AddCookie(d.cookie)
	resp, err := d.c.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "tousu_session" && ck.Value != "" {
			d.cookie = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	return page{code: resp.StatusCode, location: resp.Header.Get("Location"), body: string(b), header: resp.Header}
}

func (d *deskClient) get(path string) page {
	d.t.Helper()
	req, _ := http.NewRequest("GET", d.e.srv.URL+path, nil)
	return d.do(req)
}

func (d *deskClient) post(path string, form url.Values) page {
	d.t.Helper()
	req, _ := http.NewRequest("POST", d.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return d.do(req)
}

// follow gets the page a redirect points to.
func (d *deskClient) follow(p page) page {
	d.t.Helper()
	if p.code != http.StatusSeeOther {
		d.t.Fatalf("want a redirect (303), got %d: %s", p.code, clipBody(p.body))
	}
	return d.get(p.location)
}

// clipBody is the main part of a page, short enough for a failure message.
func clipBody(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if r := []rune(s); len(r) > 600 {
		return string(r[:600]) + "…"
	}
	return s
}

// mustContain fails unless the page contains every string.
func mustContain(t *testing.T, what string, p page, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: page does not contain %q:\n%s", what, w, clipBody(p.body))
		}
	}
}
