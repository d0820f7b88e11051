package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tousu/internal/web"
)

// limitedServer is another server on e's database with tight public limits.
func (e *env) limitedServer(opts web.Options) *httptest.Server {
	e.t.Helper()
	opts.App = e.app
	srv := httptest.NewServer(web.New(opts))
	e.t.Cleanup(srv.Close)
	return srv
}

func TestPortalRateLimits(t *testing.T) {
	e := newEnv(t)
	srv := e.limitedServer(web.Options{SubmitPerMinute: 2, TrackPerMinute: 2})
	key := 100
	post := func(headers ...string) portalPage {
		t.Helper()
		key++
		form := complaintForm()
		form.Set("form_key", "000000000000000000000000000"+strconv.Itoa(10000+key))
		return submitTo(t, srv.URL, "/submit", form, nil, headers...)
	}
	var number, code string
	for i := range 2 {
		p := post()
		if p.code != http.StatusOK {
			t.Fatalf("submission %d: %d", i+1, p.code)
		}
		number, code = receipt(t, p)
	}
	p := post()
	if p.code != http.StatusTooManyRequests {
		t.Fatalf("third submission in a minute: %d, want 429", p.code)
	}
	wait, err := strconv.Atoi(p.header.Get("Retry-After"))
	if err != nil || wait < 1 || wait > 60 {
		t.Errorf("Retry-After %q", p.header.Get("Retry-After"))
	}
	portalContains(t, "429 page", p, "操作过于频繁", strconv.Itoa(wait)+"秒后再试", `lang="zh-CN"`)
	if list := listNumbers(e, "/api/v1/complaints"); len(list) != 2 {
		t.Errorf("registered %d complaints, want 2", len(list))
	}
	// The form itself is not limited: only what reaches the use cases.
	if g, _ := http.Get(srv.URL + "/submit"); g == nil || g.StatusCode != http.StatusOK {
		t.Errorf("the form after the limit: %v", g)
	}

	// Tracking has its own limit, shared by look-ups and ratings.
	look := func() int {
		t.Helper()
		resp, err := http.PostForm(srv.URL+"/track", url.Values{"number": {number}, "code": {code}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if a, b, c := look(), look(), look(); a != 200 || b != 200 || c != http.StatusTooManyRequests {
		t.Errorf("three look-ups: %d %d %d, want 200 200 429", a, b, c)
	}
	resp, err := http.PostForm(srv.URL+"/track/feedback", url.Values{"number": {number}, "code": {code}, "level": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("rating past the limit: %d", resp.StatusCode)
	}
}

// TestPortalTrustedProxy checks that X-Forwarded-For names the client only when the
// request comes from a trusted proxy: otherwise anyone could dodge the limit by sending
// a new address each time.
func TestPortalTrustedProxy(t *testing.T) {
	e := newEnv(t)
	key := 200
	post := func(srv *httptest.Server, xff string) int {
		t.Helper()
		key++
		form := complaintForm()
		form.Set("form_key", "000000000000000000000000000"+strconv.Itoa(10000+key))
		return submitTo(t, srv.URL, "/submit", form, nil, "X-Forwarded-For", xff).code
	}

	// Untrusted: the header is ignored, so a new address each time does not help.
	direct := e.limitedServer(web.Options{SubmitPerMinute: 2})
	if a, b, c := post(direct, "198.51.100.1"), post(direct, "198.51.100.2"), post(direct, "198.51.100.3"); a != 200 || b != 200 || c != 429 {
		t.Errorf("untrusted peer with varying X-Forwarded-For: %d %d %d, want 200 200 429", a, b, c)
	}

	// Behind a trusted proxy (the test client is 127.0.0.1): each client has its own
	// limit, and the address the client put first in the header is not believed.
	proxied := e.limitedServer(web.Options{SubmitPerMinute: 2, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	if a, b, c := post(proxied, "203.0.113.5"), post(proxied, "10.9.9.9, 203.0.113.5"), post(proxied, "203.0.113.5"); a != 200 || b != 200 || c != 429 {
		t.Errorf("one client behind the proxy: %d %d %d, want 200 200 429", a, b, c)
	}
	if got := post(proxied, "203.0.113.6"); got != 200 {
		t.Errorf("another client behind the proxy: %d, want 200", got)
	}
	// The audit log records the forwarded address.
	recs, err := e.store.ListAudit(t.Context(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var clients []string
	for _, r := range recs {
		if r.Action == "register" {
			clients = append(clients, r.Client)
		}
	}
	if got := strings.Join(clients, " "); !strings.HasSuffix(got, "127.0.0.1 127.0.0.1 203.0.113.5 203.0.113.5 203.0.113.6") {
		t.Errorf("audit clients: %s", got)
	}
}
