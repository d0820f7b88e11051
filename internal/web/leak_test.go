package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
	"tousu/internal/web"
)

// lockedBuffer is a log sink shared by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// recorder is a notification channel that keeps what it is given.
type recorder struct {
	mu  sync.Mutex
	out []notify.Outgoing
}

func (r *recorder) Send(_ context.Context, m notify.Outgoing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = append(r.out, m)
	return nil
}

func (r *recorder) sent() []notify.Outgoing {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Outgoing(nil), r.out...)
}

// TestNothingLeaks registers complaints with known identities through the API, the desk
// and the portal's API, works them, and reads them every way a role that has not revealed
// them can: lists, cases, timelines, related complaints, evidence lists, the public
// tracking, the desk's pages, the metrics, and refused requests. Then it searches all
// those answers, the server's log (at debug level) and — on SQLite — the raw bytes of the
// database files for every identity value, and finds none (REQUIREMENTS D1). Only the
// answers to a reveal carry an identity, and only those are left out.
func TestNothingLeaks(t *testing.T) {
	e := newEnv(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(app.Options{Store: e.store, Keys: e.keys, Now: e.clock.Now, Location: cst, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	// Every channel configured, so that the outbox holds what deployments' outboxes hold.
	email, sms, hook := &recorder{}, &recorder{}, &recorder{}
	a.SetNotifications(app.Notifications{Email: email, SMS: sms, Webhook: hook, PublicURL: "https://ts.example.gov.cn"})
	ws := web.New(web.Options{App: a, Logger: log, SubmitPerMinute: 1000, TrackPerMinute: 1000})
	srv := httptest.NewServer(ws)
	metricsSrv := httptest.NewServer(ws.MetricsHandler())
	defer metricsSrv.Close()
	t.Cleanup(srv.Close)
	e.srv, e.app = srv, a

	people := []tousu.Complainant{
		{Name: "欧阳泄密", Phone: "13987654321", Email: "leak.one@example.org", IDNumber: idNumber("44030519850612345"),
			Organization: "深圳泄密科技有限公司", Address: "福田区泄密路一号院"},
		{Name: "司马机要", Phone: "15011223344", Email: "secret.two@example.net", IDNumber: idNumber("31010419720815234"),
			Organization: "机要印务厂", Address: "黄浦区机要街九十九号"},
		{Name: "诸葛隐私", Phone: "18655667788", Email: "privacy.three@example.com", IDNumber: idNumber("51010719930101567"),
			Organization: "隐私咨询事务所", Address: "锦江区隐私巷八号"},
	}
	// What must never appear: every identity value, and the values of refused
	// registrations below.
	secrets := []string{"13987654321", "139 8765 4321", "bad@@leak.example", "44030519850612346", "欧阳泄密泄密"}
	for _, p := range people {
		for _, f := range tousu.IdentityFields {
			secrets = append(secrets, p.Field(f))
		}
	}
	matter := func(i int) string {
		return "第" + string(rune('一'+i)) + "件：窗口工作人员态度生硬，未一次性告知所需材料，让群众多次往返。"
	}
	var answers []struct{ what, body string }
	keep := func(what, body string) { answers = append(answers, struct{ what, body string }{what, body}) }
	api := func(method, path, who string, body any) result {
		t.Helper()
		r := e.do(method, path, who, body)
		keep(method+" "+path+" as "+orPublic(who), r.raw)
		return r
	}
	person := func(p tousu.Complainant) map[string]any {
		return map[string]any{"name": p.Name, "phone": p.Phone, "email": p.Email, "id_number": p.IDNumber,
			"organization": p.Organization, "address": p.Address}
	}

	// Registered through the API by a clerk …
	r := api("POST", "/api/v1/complaints", "clerk", map[string]any{"kind": "complaint", "channel": "visit",
		"complainant": person(people[0]), "target": map[string]any{"unit": "win-a1"}, "matter": matter(0)})
	if r.code != http.StatusCreated {
		t.Fatalf("register: %d %s", r.code, r.raw)
	}
	first, firstCode := r.str("number"), r.str("query_code")
	// … at the desk …
	clerk := e.signIn("clerk")
	form := url.Values{"idem": {"leak-form"}, "kind": {"complaint"}, "channel": {"phone"}, "received_at": {"2026-01-30T09:30"},
		"target.unit": {"win-b1"}, "matter": {matter(1)}}
	for _, f := range tousu.IdentityFields {
		form.Set("complainant."+f, people[1].Field(f))
	}
	p := clerk.post("/desk/complaints/new", form)
	keep("desk registration receipt", p.body)
	second := regexp.MustCompile(`TS20260130-\d{4}`).FindString(p.body)
	if p.code != http.StatusOK || second == "" {
		t.Fatalf("desk registration: %d %s", p.code, clipBody(p.body))
	}
	// … and on the portal.
	r = api("POST", "/api/v1/public/complaints", "", map[string]any{"kind": "complaint", "complainant": person(people[2]),
		"target": map[string]any{"unit": "win-a1"}, "matter": matter(2)})
	if r.code != http.StatusCreated {
		t.Fatalf("public submission: %d %s", r.code, r.raw)
	}
	third, thirdCode := r.str("number"), r.str("query_code")
	// A repeat complaint from the first person, for the related look-up.
	r = api("POST", "/api/v1/complaints", "clerk", map[string]any{"kind": "complaint", "channel": "phone",
		"complainant": map[string]any{"name": people[0].Name, "phone": people[0].Phone}, "target": map[string]any{"unit": "win-a1"},
		"matter": matter(3)})
	repeat := r.str("number")

	// Refused registrations and malformed bodies do not echo what they were sent.
	api("POST", "/api/v1/complaints", "clerk", map[string]any{"kind": "complaint", "channel": "visit",
		"complainant": map[string]any{"name": "欧阳泄密泄密", "phone": "139 8765 4321", "email": "bad@@leak.example",
			"id_number": "44030519850612346"}, "matter": matter(4)})
	api("POST", "/api/v1/complaints", "clerk", `{"kind":"complaint","complainant":{"name":"欧阳泄密","phone":"13987654321",}}`)
	api("POST", "/api/v1/complaints", "clerk", `{"kind":"complaint","complainant":{"name":"欧阳泄密","phone":13987654321}}`)
	api("POST", "/api/v1/public/complaints", "", map[string]any{"kind": "complaint",
		"complainant": map[string]any{"name": "欧阳泄密", "phone": "13987654321", "anonymous": true}, "matter": matter(5)})

	// Worked: accepted, assigned, signed, noted, evidence added; revealed once (that answer
	// is the one place the identity may be, and is left out) and looked up as related.
	for _, n := range []string{first, second, third} {
		e.act(n, "accept", "supervisor", validPayload(tousu.ActAccept, e), 200)
	}
	e.act(first, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "transfer"}, 200)
	e.act(first, "sign", "handler-a", map[string]any{}, 200)
	e.act(first, "note", "handler-a", map[string]any{"method": "records", "content": "调取了当天的窗口录像。"}, 200)
	if p := e.signIn("handler-a").upload(first, map[string][]byte{"录像截图.png": pngFile}); p.code != http.StatusSeeOther {
		t.Fatalf("upload: %d", p.code)
	}
	if rv := e.do("POST", "/api/v1/complaints/"+first+"/reveal", "supervisor", map[string]any{"reason": "回访核实"}); rv.code != 200 ||
		!strings.Contains(rv.raw, people[0].Phone) {
		t.Fatalf("reveal: %d", rv.code)
	}
	sup := e.signIn("supervisor")
	if rv := sup.post("/desk/complaints/"+second+"/reveal", url.Values{"reason": {"回访核实"}}); !strings.Contains(rv.body, people[1].Phone) {
		t.Fatalf("desk reveal does not show the identity")
	}
	if rel := api("GET", "/api/v1/complaints/"+first+"/related", "supervisor", nil); !strings.Contains(rel.raw, repeat) {
		t.Errorf("related of %s does not find %s: %s", first, repeat, rel.raw)
	}

	// Read every way, as every role.
	numbers := []string{first, second, third, repeat}
	for _, who := range []string{"supervisor", "inspector", "handler-a", "leader", "clerk", "target", "dept-b-super"} {
		api("GET", "/api/v1/complaints", who, nil)
		api("GET", "/api/v1/complaints?q="+url.QueryEscape("态度"), who, nil)
		d := e.signIn(who)
		keep("desk inbox as "+who, d.get("/desk/").body)
		keep("desk inbox, all, as "+who, d.get("/desk/?tab=all").body)
		for _, n := range numbers {
			for _, path := range []string{"", "/events", "/related", "/attachments"} {
				api("GET", "/api/v1/complaints/"+n+path, who, nil)
			}
			for _, path := range []string{"", "?related=1", "/form"} {
				keep("desk "+n+path+" as "+who, d.get("/desk/complaints/"+n+path).body)
			}
		}
	}
	for _, tc := range []struct{ number, code string }{{first, firstCode}, {third, thirdCode}} {
		api("GET", "/api/v1/public/complaints/"+tc.number+"?code="+tc.code, "", nil)
		resp, err := http.Get(srv.URL + "/track?number=" + tc.number + "&code=" + tc.code)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		keep("portal track "+tc.number, string(b))
	}
	// The outbox delivered: e-mail and SMS go to the complainant's own contact (that is
	// their point), the webhook to another system, which gets no identity.
	if _, err := a.DeliverOutbox(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(email.sent()) == 0 || len(hook.sent()) == 0 {
		t.Errorf("the outbox delivered %d e-mails and %d webhook calls, want some of each", len(email.sent()), len(hook.sent()))
	}
	for _, m := range hook.sent() {
		keep("webhook call", m.Subject+"\n"+m.Body)
	}
	for _, m := range append(email.sent(), sms.sent()...) {
		keep("message to the complainant, without its address", m.Subject+"\n"+m.Body)
	}
	keep("admin outbox", e.signIn("admin").get("/desk/admin/outbox").body)
	keep("handler's notifications", e.signIn("handler-a").get("/desk/notifications").body)

	resp, err := http.Get(metricsSrv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	keep("metrics", string(metrics))
	if !strings.Contains(string(metrics), "tousu_") {
		t.Errorf("the metrics answer has no tousu metrics: %.200s", metrics)
	}

	var where []struct {
		what string
		data []byte
	}
	for _, a := range answers {
		where = append(where, struct {
			what string
			data []byte
		}{a.what, []byte(a.body)})
	}
	where = append(where, struct {
		what string
		data []byte
	}{"the server's log", []byte(logs.String())})
	if storeUnderTest == "sqlite" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, err := os.ReadFile(e.dsn + suffix)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			where = append(where, struct {
				what string
				data []byte
			}{"the database file " + e.dsn + suffix, b})
		}
	} else {
		t.Log("the database's raw bytes are searched on SQLite only")
	}
	if len(logs.String()) == 0 {
		t.Errorf("the server logged nothing at debug level: is the log captured?")
	}
	for _, w := range where {
		for _, s := range secrets {
			if bytes.Contains(w.data, []byte(s)) {
				i := bytes.Index(w.data, []byte(s))
				lo, hi := max(0, i-80), min(len(w.data), i+len(s)+80)
				t.Errorf("%s contains the identity value %q: …%q…", w.what, s, w.data[lo:hi])
			}
		}
	}
	// The checks above are only worth something if the masked forms did show up.
	all := func(s string) bool {
		for _, a := range answers {
			if strings.Contains(a.body, s) {
				return true
			}
		}
		return false
	}
	for _, masked := range []string{"欧*", "139****4321", "司*"} {
		if !all(masked) {
			t.Errorf("no answer shows the masked %q: were the cases read at all?", masked)
		}
	}
}
