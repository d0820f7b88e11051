package notify_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"tousu/internal/notify"
)

var cst = time.FixedZone("CST", 8*3600)

func TestSMTPChineseMail(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tls     bool
		url     string // %s is the server's address
		wantTLS bool
	}{
		{"plain", false, "smtp://%s", false},
		{"STARTTLS with credentials", true, "smtp://notify:s3cret@%s", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSMTPServer(t, tc.tls)
			s, err := notify.NewSMTP(strings.Replace(tc.url, "%s", srv.addr(), 1), "投诉督查处 <noreply@ts.example.gov.cn>")
			if err != nil {
				t.Fatal(err)
			}
			if tc.tls {
				s.TLSConfig = srv.clientTLS(t)
			}
			subject := "您的投诉已登记（受理编号 TS20260130-0001）"
			body := "您好：\n\n您提出的投诉已于2026年1月30日登记。\n受理编号：TS20260130-0001\n" + strings.Repeat("办理期限：2026年2月27日前办结并答复。\n", 10)
			created := time.Date(2026, 1, 30, 10, 0, 0, 0, cst)
			m := notify.Outgoing{ID: 42, To: "zhang.san@example.com", Subject: subject, Body: body, CreatedAt: created}
			if err := s.Send(t.Context(), m); err != nil {
				t.Fatalf("Send = %v", err)
			}
			mails := srv.received()
			if len(mails) != 1 {
				t.Fatalf("server received %d mails, want 1", len(mails))
			}
			got := mails[0]
			if got.From != "noreply@ts.example.gov.cn" || len(got.To) != 1 || got.To[0] != "zhang.san@example.com" {
				t.Errorf("envelope = from %q to %q, want noreply@ts.example.gov.cn to zhang.san@example.com", got.From, got.To)
			}
			if got.TLS != tc.wantTLS {
				t.Errorf("sent over TLS = %v, want %v", got.TLS, tc.wantTLS)
			}
			if tc.wantTLS && got.Auth != "\x00notify\x00s3cret" {
				t.Errorf("AUTH PLAIN = %q, want the URL's credentials", got.Auth)
			}
			for _, line := range strings.Split(got.Data, "\n") { // ReadDotBytes ends lines in LF
				for _, r := range line {
					if r > 127 {
						t.Fatalf("raw message has a non-ASCII line %q: headers must be encoded, the body base64", line)
					}
				}
				if len(line) > 998 {
					t.Errorf("raw message has a line of %d octets: %.100q", len(line), line)
				}
			}
			p := parseMail(t, got.Data)
			if p.Subject != subject {
				t.Errorf("Subject decodes to %q, want %q", p.Subject, subject)
			}
			if want := strings.ReplaceAll(body, "\n", "\r\n"); p.Body != want {
				t.Errorf("body decodes to %q, want %q", p.Body, want)
			}
			for k, want := range map[string]string{
				"Content-Type":              "text/plain; charset=UTF-8",
				"Content-Transfer-Encoding": "base64",
				"MIME-Version":              "1.0",
				"Date":                      "Fri, 30 Jan 2026 10:00:00 +0800",
				"Message-Id":                "<tousu-42-" + itoa(created.UnixMilli()) + "@ts.example.gov.cn>",
			} {
				if got := p.Header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			from, err := p.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "投诉督查处" {
				t.Errorf("From = %v, %v; want the display name 投诉督查处", from, err)
			}
		})
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestSMTPRejectedRecipientIsPermanent(t *testing.T) {
	srv := newSMTPServer(t, false)
	srv.rcptReply = "550 5.1.1 <nobody@example.com>: no such user"
	s, err := notify.NewSMTP("smtp://"+srv.addr(), "noreply@ts.example.gov.cn")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), notify.Outgoing{ID: 1, To: "nobody@example.com", Subject: "测试", Body: "测试"})
	if err == nil || !notify.IsPermanent(err) {
		t.Errorf("Send to a rejected mailbox = %v, want a permanent error", err)
	}
}

func TestSMTPUnreachableIsTemporary(t *testing.T) {
	srv := newSMTPServer(t, false)
	addr := srv.addr()
	srv.ln.Close()
	s, err := notify.NewSMTP("smtp://"+addr, "noreply@ts.example.gov.cn")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), notify.Outgoing{ID: 1, To: "a@example.com", Subject: "测试", Body: "测试"})
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("Send to a closed port = %v, want a temporary error", err)
	}
}

func TestNewSMTPRefusesBadConfiguration(t *testing.T) {
	for _, tc := range []struct{ url, from string }{
		{"http://mail.example.com", "a@example.com"},
		{"smtp://", "a@example.com"},
		{"smtp://mail.example.com:25", ""},
		{"smtp://mail.example.com:25", "not an address"},
	} {
		if _, err := notify.NewSMTP(tc.url, tc.from); err == nil {
			t.Errorf("NewSMTP(%q, %q) = nil error, want a refusal", tc.url, tc.from)
		}
	}
	_, err := notify.NewSMTP("smtp://user:pa ss%zz@host", "a@example.com")
	if err == nil || strings.Contains(err.Error(), "pa ss") {
		t.Errorf("NewSMTP with a malformed URL = %v, want an error that does not show the password", err)
	}
}

// hook is an HTTP receiver inside the test process: it records requests and answers
// with the status codes given, then 200.
type hook struct {
	mu       sync.Mutex
	requests []hookRequest
	codes    []int
}

type hookRequest struct {
	Header http.Header
	Body   []byte
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.requests = append(h.requests, hookRequest{Header: r.Header.Clone(), Body: body})
	code := http.StatusOK
	if len(h.codes) > 0 {
		code, h.codes = h.codes[0], h.codes[1:]
	}
	h.mu.Unlock()
	w.WriteHeader(code)
}

func (h *hook) got() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.requests...)
}

func TestSMSGateway(t *testing.T) {
	h := &hook{codes: []int{http.StatusInternalServerError, http.StatusBadRequest}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	g, err := notify.NewSMSGateway(srv.URL + "/sms")
	if err != nil {
		t.Fatal(err)
	}
	m := notify.Outgoing{ID: 7, To: "13812345678", Body: "您的投诉已登记，编号TS20260130-0001，查询码K7M2P9QXAB，将于2026年2月27日前办结。",
		CreatedAt: time.UnixMilli(1769738400000)}
	if err := g.Send(t.Context(), m); err == nil || notify.IsPermanent(err) {
		t.Errorf("Send answered 500 = %v, want a temporary error", err)
	}
	if err := g.Send(t.Context(), m); err == nil || !notify.IsPermanent(err) {
		t.Errorf("Send answered 400 = %v, want a permanent error", err)
	}
	if err := g.Send(t.Context(), m); err != nil {
		t.Errorf("Send answered 200 = %v, want nil", err)
	}
	reqs := h.got()
	if len(reqs) != 3 {
		t.Fatalf("gateway got %d requests, want 3", len(reqs))
	}
	var body struct{ Phone, Text string }
	if err := json.Unmarshal(reqs[2].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Phone != m.To || body.Text != m.Body {
		t.Errorf("gateway got %+v, want phone %q and the text", body, m.To)
	}
	if n := utf8.RuneCountInString(body.Text); n > notify.SMSLength {
		t.Errorf("the test's text has %d characters, more than one SMS", n)
	}
	key := reqs[0].Header.Get("Idempotency-Key")
	if key == "" || reqs[2].Header.Get("Idempotency-Key") != key || reqs[2].Header.Get(notify.DeliveryHeader) != key {
		t.Errorf("Idempotency-Key = %q then %q, want the same key on every retry", key, reqs[2].Header.Get("Idempotency-Key"))
	}
}

func TestWebhookSignature(t *testing.T) {
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	const secret = "a shared secret"
	w, err := notify.NewWebhook(srv.URL, secret)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"event":"accept","number":"TS20260130-0001","status":"accepted"}`
	if err := w.Send(t.Context(), notify.Outgoing{ID: 9, Body: body, Event: "accept"}); err != nil {
		t.Fatal(err)
	}
	reqs := h.got()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if string(r.Body) != body {
		t.Errorf("body = %s, want %s", r.Body, body)
	}
	sig := r.Header.Get(notify.SignatureHeader)
	if !strings.HasPrefix(sig, "sha256=") || !notify.Verify([]byte(secret), r.Body, sig) {
		t.Errorf("%s = %q does not verify", notify.SignatureHeader, sig)
	}
	if notify.Verify([]byte("another secret"), r.Body, sig) || notify.Verify([]byte(secret), []byte(body+" "), sig) {
		t.Error("the signature verifies under another secret or another body")
	}
	if got := r.Header.Get(notify.EventHeader); got != "accept" {
		t.Errorf("%s = %q, want accept", notify.EventHeader, got)
	}
	// A known vector, so that receivers in other languages can check their code.
	if got, want := notify.Sign([]byte("key"), []byte("The quick brown fox jumps over the lazy dog")),
		"sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"; got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestWebhookRedirectIsNotDelivery(t *testing.T) {
	srv := httptest.NewServer(http.RedirectHandler("/elsewhere", http.StatusFound))
	defer srv.Close()
	w, err := notify.NewWebhook(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Send(t.Context(), notify.Outgoing{ID: 1, Body: `{}`}); err == nil {
		t.Error("Send answered 302 = nil, want an error")
	}
}

func TestTemplateDefaultsCheck(t *testing.T) {
	for _, s := range notify.Specs {
		if problems := s.Default.Check(s.Audience); problems != nil {
			t.Errorf("default template %s: %v", s.Kind, problems)
		}
	}
}

func TestTemplateCheck(t *testing.T) {
	staff := notify.Template{Subject: "催办 {{.Number}}", Body: "请办理"}
	for _, tc := range []struct {
		name string
		aud  notify.Audience
		t    notify.Template
		want []string // the parts with a problem
	}{
		{"good staff", notify.Staff, staff, nil},
		{"unknown field", notify.Staff, notify.Template{Subject: "{{.Number}}", Body: "{{.Nubmer}}"}, []string{"body"}},
		{"syntax", notify.Complainant, notify.Template{Subject: "{{.Number", Body: "x", SMS: "x"}, []string{"subject"}},
		{"no number on the desk", notify.Staff, notify.Template{Subject: "催办", Body: "请办理"}, []string{"body"}},
		{"sms missing", notify.Complainant, notify.Template{Subject: "x", Body: "x"}, []string{"sms"}},
		{"sms for staff", notify.Staff, notify.Template{Subject: "{{.Number}}", Body: "x", SMS: "x"}, []string{"sms"}},
		{"runaway loop", notify.Complainant, notify.Template{Subject: "x", Body: "{{range 100000000}}{{$.Number}}{{end}}", SMS: "x"}, []string{"body"}},
		{"two-line subject", notify.Complainant, notify.Template{Subject: "a{{\"\\n\"}}b", Body: "x", SMS: "x"}, []string{"subject"}},
	} {
		got := tc.t.Check(tc.aud)
		if len(got) != len(tc.want) {
			t.Errorf("%s: Check = %v, want problems in %v", tc.name, got, tc.want)
			continue
		}
		for _, part := range tc.want {
			if got[part] == "" {
				t.Errorf("%s: Check = %v, want a problem with %s", tc.name, got, part)
			}
		}
	}
}

func TestRender(t *testing.T) {
	spec, _ := notify.SpecOf(notify.Registered)
	d := notify.Sample()
	d.TrackURL = ""
	got, err := notify.Render(spec.Default.SMS, d)
	if err != nil {
		t.Fatal(err)
	}
	want := "您的投诉已登记，编号TS20260130-0042，查询码K7M2P9QXAB，将于2026年2月27日前办结。"
	if got != want {
		t.Errorf("Render(registered SMS) = %q, want %q", got, want)
	}
	if n := utf8.RuneCountInString(got); n > notify.SMSLength {
		t.Errorf("the registration SMS has %d characters, more than one message (%d)", n, notify.SMSLength)
	}
	// Settings: parts equal to the default are stored empty; an empty part is the default.
	changed := spec.Default
	changed.SMS = "已登记：{{.Number}}"
	st := notify.Settings(spec, changed)
	if st[notify.SettingKey(notify.Registered, "sms")] != changed.SMS || st[notify.SettingKey(notify.Registered, "body")] != "" {
		t.Errorf("Settings = %v, want only the changed SMS stored", st)
	}
	if back := notify.FromSettings(spec, st); back != changed {
		t.Errorf("FromSettings(Settings(t)) = %+v, want %+v", back, changed)
	}
}

// TestRenderLimits: a template that would loop for ever, recurse, or build a huge string
// is refused, quickly, both by Check (when saved) and by Render (when used).
func TestRenderLimits(t *testing.T) {
	for _, text := range []string{
		"{{range 1000000000}}{{range 1000000000}}{{end}}{{end}}{{.Number}}",
		`{{define "a"}}{{template "a"}}{{end}}{{template "a"}}{{.Number}}`,
		`{{printf "%0999999999d" 1}}{{.Number}}`,
		`{{printf "%.999999999f" 1.0}}{{.Number}}`,
		`{{if (printf "%0999999999d" 1)}}x{{end}}{{.Number}}`,
		`{{call .Number}}`,
		"{{range $i := 100000000}}{{end}}{{.Number}}",
	} {
		start := time.Now()
		if _, err := notify.Render(text, notify.Sample()); err == nil {
			t.Errorf("notify.Render(%q) succeeded, want a refusal", text)
		}
		tpl := notify.Template{Subject: "投诉件 {{.Number}}", Body: text}
		if p := tpl.Check(notify.Staff); p["body"] == "" {
			t.Errorf("Check(%q) = %v, want a problem with the body", text, p)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("refusing %q took %v", text, d)
		}
	}
	// What the defaults use still works.
	if out, err := notify.Render("{{if .Unit}}{{.Unit}}{{end}} {{.Number}}", notify.Sample()); err != nil || out == "" {
		t.Errorf("Render of an ordinary template = %q, %v", out, err)
	}
}
