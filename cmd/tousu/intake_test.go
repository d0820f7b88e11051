package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/sqlite"
)

// TestUserPasswd: `tousu user passwd` generates and prints a new password, or takes one
// on standard input; the old one stops working; the audit log says so.
func TestUserPasswd(t *testing.T) {
	c := newCLI(t)
	c.run("user", "add", "--login", "zhang", "--name", "张督查", "--role", "supervisor")
	out := c.run("user", "passwd", "--login", "zhang")
	_, pw, ok := strings.Cut(out, "new password: ")
	pw = strings.TrimSpace(pw)
	if !ok || len(pw) < 10 {
		t.Fatalf("user passwd: %s", out)
	}
	if out, err := c.try("another secret 2026\n", "user", "passwd", "--login", "zhang", "--password-stdin"); err != nil ||
		strings.Contains(out, "another secret") {
		t.Fatalf("user passwd --password-stdin: %v %s", err, out)
	}
	if out, err := c.try("short\n", "user", "passwd", "--login", "zhang", "--password-stdin"); err == nil {
		t.Errorf("a short password accepted: %s", out)
	}
	if out, err := c.try("", "user", "passwd", "--login", "nobody"); err == nil {
		t.Errorf("unknown login accepted: %s", out)
	}
	if _, err := c.try("", "user", "passwd"); err == nil {
		t.Errorf("no --login accepted")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(c.dir, "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys := loadKeys(t, c)
	a, err := app.New(app.Options{Store: db, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SignIn(ctx, "zhang", "another secret 2026"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
	if _, err := a.SignIn(ctx, "zhang", pw); err == nil {
		t.Errorf("the replaced password still signs in")
	}
	recs, err := db.SearchAudit(ctx, tousu.AuditFilter{Action: "password.set", Object: "zhang"})
	if err != nil || len(recs) != 2 || recs[1].Detail != "generated" || recs[0].Detail != "given" {
		t.Errorf("audit = %+v, %v", recs, err)
	}
}

// TestServeAddressTaken: when the address is taken, serve fails before it creates the
// database, so that the first admin's password is not spent.
func TestServeAddressTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := newCLI(t)
	out, err := c.try("", "serve", "--addr", ln.Addr().String())
	if err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Fatalf("serve on a taken address: %v %s", err, out)
	}
	if strings.Contains(out, "password") {
		t.Errorf("a password was printed: %s", out)
	}
	if _, err := os.Stat(filepath.Join(c.dir, "tousu.db")); !os.IsNotExist(err) {
		t.Errorf("the database was created: %v", err)
	}
}

func loadKeys(t *testing.T, c *cli) *pii.KeyRing {
	t.Helper()
	k, err := pii.ReadKeyFile(filepath.Join(c.dir, "tousu.keys"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
