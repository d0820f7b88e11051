package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cli runs tousu commands against one temp-file database, as an operator would.
type cli struct {
	t   *testing.T
	dir string
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, dir: t.TempDir(), env: map[string]string{}}
}

func (c *cli) main(stdin string) (*Main, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	env := map[string]string{"TOUSU_DB": "sqlite:" + filepath.Join(c.dir, "tousu.db")}
	for k, v := range c.env {
		env[k] = v
	}
	return &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }}, &out, &errOut
}

// run runs a command and fails the test if it fails.
func (c *cli) run(args ...string) string {
	c.t.Helper()
	out, err := c.try("", args...)
	if err != nil {
		c.t.Fatalf("tousu %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (c *cli) try(stdin string, args ...string) (string, error) {
	m, out, errOut := c.main(stdin)
	err := m.Run(context.Background(), args)
	return out.String() + errOut.String(), err
}

func TestOperatorCommands(t *testing.T) {
	c := newCLI(t)
	if out := c.run("migrate"); !strings.Contains(out, "schema up to date") {
		t.Errorf("migrate: %s", out)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "tousu.keys")); err != nil {
		t.Errorf("key file not created beside the database: %v", err)
	}
	out := c.run("user", "add", "--login", "zhang", "--name", "张督查", "--role", "supervisor,clerk")
	if !strings.Contains(out, "password: ") {
		t.Errorf("user add without a password does not print the generated one: %s", out)
	}
	if _, err := c.try("my secret password\n", "user", "add", "--login", "li", "--name", "李", "--role", "clerk", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if out, err := c.try("", "user", "add", "--login", "li", "--name", "李", "--role", "clerk"); err == nil {
		t.Errorf("duplicate login accepted: %s", out)
	}
	if out, err := c.try("", "user", "add", "--login", "wu", "--name", "吴", "--role", "janitor"); err == nil || !strings.Contains(out+err.Error(), "role") {
		t.Errorf("unknown role: err %v, %s", err, out)
	}
	tok := strings.TrimSpace(c.run("token", "create", "--login", "zhang"))
	if !strings.HasPrefix(tok, "tsk_") || strings.Contains(tok, "\n") {
		t.Errorf("token create printed %q, want only the token", tok)
	}
	// Tokens are listed by ID (never the token) and revoked one by one.
	expiring := strings.TrimSpace(c.run("token", "create", "--login", "li", "--expires", "30d"))
	idOf := func(tok string) string {
		sum := sha256.Sum256([]byte(tok))
		return hex.EncodeToString(sum[:])[:12]
	}
	list := c.run("token", "list")
	if !strings.Contains(list, idOf(tok)) || !strings.Contains(list, idOf(expiring)) || strings.Contains(list, tok) ||
		!strings.Contains(list, "never") {
		t.Errorf("token list: %s", list)
	}
	if _, err := c.try("", "token", "create", "--login", "li", "--expires", "soon"); err == nil {
		t.Errorf("token create --expires soon accepted")
	}
	if out := c.run("token", "revoke", idOf(expiring)); !strings.Contains(out, "revoked") {
		t.Errorf("token revoke: %s", out)
	}
	if list := c.run("token", "list", "--login", "li"); strings.Contains(list, idOf(expiring)) {
		t.Errorf("a revoked token is still listed: %s", list)
	}
	if _, err := c.try("", "token", "revoke", idOf(expiring)); err == nil {
		t.Errorf("revoking a token twice succeeded")
	}
	c.run("calendar", "set", "2027-02-08", "--rest", "--name", "2027年春节（预录）")
	if out := c.run("calendar", "list"); !strings.Contains(out, "2027-02-08\trest\t2027年春节（预录）") {
		t.Errorf("calendar list: %q", out)
	}
	if _, err := c.try("", "calendar", "set", "2027-02-08", "--name", "x"); err == nil {
		t.Errorf("calendar set without --workday or --rest accepted")
	}
	c.run("calendar", "delete", "2027-02-08")
	if out := c.run("calendar", "list"); strings.Contains(out, "2027-02-08") {
		t.Errorf("calendar delete left %q", out)
	}
	if out := c.run("audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Errorf("audit verify: %s", out)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	c.run("backup", backup)
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup: %v, mode %v, want 0600 like the database", err, fi.Mode())
	}
	if _, err := c.try("", "backup", backup); err == nil {
		t.Errorf("backup over an existing file accepted")
	}
	// The copy works with the same key ring.
	copyCLI := &cli{t: t, dir: filepath.Dir(backup), env: map[string]string{"TOUSU_DB": "sqlite:" + backup}}
	keys, _ := os.ReadFile(filepath.Join(c.dir, "tousu.keys"))
	copyCLI.env["TOUSU_KEYS"] = strings.Join(keyLines(string(keys)), ",")
	if out := copyCLI.run("audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Errorf("audit verify on the backup: %s", out)
	}
	ring := filepath.Join(t.TempDir(), "ring.keys")
	c.run("keys", "generate", ring)
	if fi, err := os.Stat(ring); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("keys generate: %v, mode %v", err, fi.Mode())
	}
	if _, err := c.try("", "keys", "generate", ring); err == nil {
		t.Errorf("keys generate over an existing ring accepted")
	}
	if _, err := c.try("", "frobnicate"); exitCode(err) != 2 {
		t.Errorf("unknown command: exit %d, want 2", exitCode(err))
	}
}

func keyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestServe starts the server as the README says and registers a complaint with the
// first login's token.
func TestServe(t *testing.T) {
	c := newCLI(t)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	m, out, _ := c.main("")
	m.Ready = ready
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	if !strings.Contains(out.String(), "admin") || !strings.Contains(out.String(), "密码") {
		t.Errorf("first login not printed: %q", out.String())
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	// The metrics are not public: not on the service's address, and off by default.
	if code, _ := get(t, "http://"+addr+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404", code)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	// A second start prints no new password.
	tok := strings.TrimSpace(c.run("token", "create", "--login", "admin"))
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	m2, out2, _ := c.main("")
	ready2 := make(chan string, 1)
	m2.Ready = ready2
	metricsAddr := freeAddr(t)
	go func() {
		done <- m2.Run(ctx2, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", metricsAddr})
	}()
	addr = <-ready2
	// With --metrics-addr they are served there, and there only.
	if code, body := get(t, "http://"+metricsAddr+"/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics on --metrics-addr: %d %.200s", code, body)
	}
	if code, _ := get(t, "http://"+addr+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public address with --metrics-addr: %d, want 404", code)
	}
	if strings.Contains(out2.String(), "密码") {
		t.Errorf("second start printed a password again: %q", out2.String())
	}
	body := `{"kind":"complaint","channel":"phone","complainant":{"name":"李四","phone":"13900001111"},"matter":"窗口工作人员离岗半小时无人办理"}`
	register := func(tok string) (int, []byte) {
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/complaints", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, raw
	}
	// Separation of duties: the first admin holds admin only and works no case.
	if code, raw := register(tok); code != http.StatusForbidden {
		t.Errorf("register as the first admin: %d %s, want 403", code, raw)
	}
	c.run("user", "add", "--login", "clerk1", "--name", "受理员", "--role", "clerk")
	clerkTok := strings.TrimSpace(c.run("token", "create", "--login", "clerk1"))
	code, raw := register(clerkTok)
	var got map[string]any
	_ = json.Unmarshal(raw, &got)
	if code != 201 || got["number"] == nil {
		t.Fatalf("register through serve: %d %s", code, raw)
	}
	cancel2()
	<-done
}

// get fetches a URL and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestAssessmentCommand: the month's assessment prints as CSV with a BOM, windows and
// staff, and a bad month is refused.
func TestAssessmentCommand(t *testing.T) {
	c := newCLI(t)
	c.run("migrate")
	c.run("demo")
	out := c.run("assessment", "--month", "2026-01")
	if !strings.HasPrefix(out, "\ufeff月份,类别,编码,名称,得分") || !strings.Contains(out, "2026-01,窗口,") || !strings.Contains(out, "2026-01,工作人员,") {
		t.Errorf("assessment CSV:\n%s", out)
	}
	if _, err := c.try("", "assessment", "--month", "2026-13"); err == nil {
		t.Errorf("a bad month was accepted")
	}
}
