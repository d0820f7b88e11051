package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/demo"
	"tousu/internal/notify"
)

// TestServeNotifies starts serve with an SMS gateway and a webhook configured through the
// environment and a one-second job interval: a registration's SMS and event arrive,
// delivered by the background jobs.
func TestServeNotifies(t *testing.T) {
	var (
		mu   sync.Mutex
		sms  []string
		hook []*http.Request
	)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/sms" {
			sms = append(sms, string(b))
			return
		}
		if !notify.Verify([]byte("s3cret"), b, r.Header.Get(notify.SignatureHeader)) {
			t.Errorf("webhook signature does not verify: %s", b)
		}
		hook = append(hook, r)
	}))
	defer gw.Close()

	c := newCLI(t)
	c.env["TOUSU_SMS_WEBHOOK_URL"] = gw.URL + "/sms"
	c.env["TOUSU_WEBHOOK_URL"] = gw.URL + "/events"
	c.env["TOUSU_WEBHOOK_SECRET"] = "s3cret"
	c.env["TOUSU_JOB_INTERVAL"] = "1s"
	c.run("migrate")
	tok := strings.TrimSpace(c.run("token", "create", "--login", mustAdmin(t, c)))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, _, _ := c.main("")
	ready := make(chan string, 1)
	m.Ready = ready
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--public-url", "https://ts.example.gov.cn"})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	}
	body := `{"kind":"complaint","channel":"phone","complainant":{"name":"李四","phone":"13900001111"},"matter":"窗口工作人员离岗半小时无人办理"}`
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/complaints", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Number    string `json:"number"`
		QueryCode string `json:"query_code"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n, h := len(sms), len(hook)
		mu.Unlock()
		if n > 0 && h > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15s: %d SMS, %d events; want the registration's", n, h)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	text := sms[0]
	mu.Unlock()
	for _, want := range []string{got.Number, got.QueryCode, "13900001111", "https://ts.example.gov.cn/track?number=" + got.Number} {
		if !strings.Contains(text, want) {
			t.Errorf("SMS %s does not contain %q", text, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}

// mustAdmin creates an account that may register and returns its login.
func mustAdmin(t *testing.T, c *cli) string {
	t.Helper()
	c.run("user", "add", "--login", "desk", "--name", "受理员", "--role", "clerk")
	return "desk"
}

func TestServeRefusesBadNotificationSettings(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
	}{
		{map[string]string{"TOUSU_JOB_INTERVAL": "soon"}, nil},
		{nil, []string{"--job-interval", "10ms"}},
		{map[string]string{"TOUSU_SMTP_URL": "smtp://mail.example.com:25"}, nil}, // no TOUSU_MAIL_FROM
		{map[string]string{"TOUSU_SMS_WEBHOOK_URL": "ftp://gateway"}, nil},
		{nil, []string{"--public-url", "ts.example.gov.cn"}},
		{map[string]string{"TOUSU_HOTLINE_URL": "https://12345.example.gov.cn/tousu"}, nil}, // no TOUSU_HOTLINE_SECRET
		{map[string]string{"TOUSU_HOTLINE_URL": "mailto:12345", "TOUSU_HOTLINE_SECRET": "s"}, nil},
	} {
		c := newCLI(t)
		for k, v := range tc.env {
			c.env[k] = v
		}
		out, err := c.try("", append([]string{"serve", "--addr", "127.0.0.1:0"}, tc.args...)...)
		if err == nil || exitCode(err) != 2 {
			t.Errorf("serve with %v %v: %v, want a usage error\n%s", tc.env, tc.args, err, out)
		}
	}
}

// TestDemoNeverTextsOrMails: on a database that holds the demo, SMS and e-mail stay off
// even when configured, since the demo's telephone numbers may be real people's.
func TestDemoNeverTextsOrMails(t *testing.T) {
	c := newCLI(t)
	c.env["TOUSU_SMS_WEBHOOK_URL"] = "http://127.0.0.1:1/sms"
	c.env["TOUSU_SMTP_URL"] = "smtp://127.0.0.1:1"
	c.env["TOUSU_MAIL_FROM"] = "noreply@example.com"
	c.env["TOUSU_WEBHOOK_URL"] = "http://127.0.0.1:1/events"
	m, _, _ := c.main("")
	ctx := context.Background()
	var cfg config
	if err := parse(m.flags("test", &cfg), nil); err != nil {
		t.Fatal(err)
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	n, err := m.notifications("")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.configureNotifications(ctx, e, n); err != nil {
		t.Fatal(err)
	}
	if st := e.app.Channels(); !st.SMS || !st.Email || !st.Webhook {
		t.Fatalf("a database without the demo: channels %+v, want all on", st)
	}
	admin := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	if err := e.app.PutUnit(ctx, admin, tousu.Unit{Code: demo.CentreCode, Name: "演示中心", Parent: app.RootUnitCode, Kind: tousu.UnitCentre}); err != nil {
		t.Fatal(err)
	}
	if err := m.configureNotifications(ctx, e, n); err != nil {
		t.Fatal(err)
	}
	if st := e.app.Channels(); st.SMS || st.Email || !st.Webhook {
		t.Errorf("a database with the demo: channels %+v, want SMS and e-mail off", st)
	}
}
