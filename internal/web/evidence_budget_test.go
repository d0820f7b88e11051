package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"tousu/internal/app"
	"tousu/internal/web"
)

// TestEvidenceBudgets: the portal's evidence has a budget per client address and one for
// everyone, per hour — spent, a submission with files is answered 429 with Retry-After and
// nothing is stored, while one without files still goes through — and a storage budget
// for all evidence, past which a submission is refused (422, on evidence) with nothing
// written.
func TestEvidenceBudgets(t *testing.T) {
	e := newEnv(t)
	const mib = 1 << 20
	serve := func(lim app.EvidenceLimits) string {
		a, err := app.New(app.Options{Store: e.store, Keys: e.keys, Now: e.clock.Now, Location: cst, Evidence: lim})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(web.New(web.Options{App: a, SubmitPerMinute: 1000,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	n := 0
	files := func(count int) []upload {
		var out []upload
		for range count {
			n++ // distinct contents: the storage budget counts each content once
			data := append([]byte(fmt.Sprintf("%%PDF-1.4\n%% file %d\n", n)), bytes.Repeat([]byte{'x'}, mib-32)...)
			out = append(out, upload{name: fmt.Sprintf("证据%d.pdf", n), data: data})
		}
		return out
	}
	submit := func(base, addr string, count int) portalPage {
		f := complaintForm()
		n++
		f.Set("form_key", fmt.Sprintf("%032x", n))
		return submitTo(t, base, "/submit", f, files(count), "X-Forwarded-For", addr)
	}
	complaints := func() int {
		return strings.Count(e.do("GET", "/api/v1/complaints?limit=100", "supervisor", nil).raw, `"number"`)
	}

	base := serve(app.EvidenceLimits{PerClientHour: 3 * mib, PerHour: 5 * mib, Storage: -1})
	if p := submit(base, "203.0.113.1", 2); p.code != http.StatusOK {
		t.Fatalf("a first submission with two files: %d", p.code)
	}
	before := complaints()
	if p := submit(base, "203.0.113.1", 2); p.code != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" {
		t.Errorf("past the client's hourly budget: %d (Retry-After %q), want 429 with Retry-After", p.code, p.header.Get("Retry-After"))
	}
	if p := submit(base, "203.0.113.1", 0); p.code != http.StatusOK {
		t.Errorf("the same client without files: %d, want it accepted", p.code)
	}
	if p := submit(base, "203.0.113.2", 2); p.code != http.StatusOK {
		t.Errorf("another client within the hourly budget of everyone: %d", p.code)
	}
	if p := submit(base, "203.0.113.3", 2); p.code != http.StatusTooManyRequests {
		t.Errorf("past everyone's hourly budget: %d, want 429", p.code)
	}
	if got := complaints(); got != before+2 {
		t.Errorf("complaints after the refusals: %d, want %d (nothing stored for a refused submission)", got, before+2)
	}

	// The storage budget: 4 MiB stored already (two submissions of two files).
	base = serve(app.EvidenceLimits{PerClientHour: -1, PerHour: -1, Storage: 5 * mib})
	before = complaints()
	p := submit(base, "203.0.113.9", 2)
	if p.code != http.StatusUnprocessableEntity || !strings.Contains(p.body, "存储空间已满") {
		t.Errorf("past the storage budget: %d, want 422 saying the storage is full", p.code)
	}
	if got := complaints(); got != before {
		t.Errorf("a submission past the storage budget stored a complaint")
	}
	if p := submit(base, "203.0.113.9", 0); p.code != http.StatusOK {
		t.Errorf("without files past the storage budget: %d, want it accepted", p.code)
	}
}
