package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// deployment is one database with its key ring, driven through the command line as an
// operator would: SQLite with a key file beside it, or PostgreSQL with TOUSU_KEYS.
type deployment struct {
	t    *testing.T
	kind string // "sqlite" or "postgres"
	env  map[string]string
	dir  string // SQLite: the data directory (tousu.db and tousu.keys)
}

func newSQLiteDeployment(t *testing.T) *deployment {
	dir := t.TempDir()
	return &deployment{t: t, kind: "sqlite", dir: dir, env: map[string]string{"TOUSU_DB": "sqlite:" + filepath.Join(dir, "tousu.db")}}
}

func newPostgresDeployment(t *testing.T) *deployment {
	dsn := storetest.NewPostgresDatabase(t)
	ring, err := pii.NewKeyRing(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &deployment{t: t, kind: "postgres", env: map[string]string{"TOUSU_DB": dsn, "TOUSU_KEYS": strings.ReplaceAll(ring.Marshal(), "\n", ",")}}
}

// forEachDeployment runs test on SQLite, and on PostgreSQL when TOUSU_TEST_POSTGRES is set.
func forEachDeployment(t *testing.T, test func(t *testing.T, d *deployment)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newSQLiteDeployment(t)) })
	t.Run("postgres", func(t *testing.T) {
		storetest.SkipWithoutPostgres(t)
		test(t, newPostgresDeployment(t))
	})
}

func (d *deployment) main(stdin string) (*Main, *bytes.Buffer) {
	var out bytes.Buffer
	env := d.env
	return &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &out, KeyPoll: 50 * time.Millisecond,
		Getenv: func(k string) string { return env[k] }}, &out
}

// try runs a command and returns its output and error.
func (d *deployment) try(args ...string) (string, error) {
	m, out := d.main("")
	err := m.Run(context.Background(), args)
	return out.String(), err
}

// run runs a command and fails the test if it fails.
func (d *deployment) run(args ...string) string {
	d.t.Helper()
	out, err := d.try(args...)
	if err != nil {
		d.t.Fatalf("tousu %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// serve starts tousu serve and returns its address; it stops with the test.
func (d *deployment) serve() string {
	d.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	m, out := d.main("")
	m.Ready = ready
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}) }()
	d.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			d.t.Errorf("serve: %v\n%s", err, out)
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		d.t.Fatalf("serve stopped: %v\n%s", err, out)
	case <-time.After(30 * time.Second):
		d.t.Fatal("serve did not start")
	}
	return ""
}

// token makes a supervisor-and-clerk account and returns its API token.
func (d *deployment) token(login string) string {
	d.t.Helper()
	m, out := d.main("a long enough password\n")
	if err := m.Run(context.Background(), []string{"user", "add", "--login", login, "--name", "督查员", "--role", "supervisor,clerk", "--password-stdin"}); err != nil {
		d.t.Fatalf("user add: %v\n%s", err, out)
	}
	return strings.TrimSpace(d.run("token", "create", "--login", login))
}

// call sends a JSON request to a running server.
func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m
}

// complainant is the identity of the i-th complainant of a test.
func complainant(i int) tousu.Complainant {
	id := ""
	for _, c := range "0123456789X" {
		if s := fmt.Sprintf("1101011990030%04d", 2000+i) + string(c); tousu.ValidIDNumber(s) {
			id = s
			break
		}
	}
	return tousu.Complainant{Name: fmt.Sprintf("投诉人%d号", i), Phone: fmt.Sprintf("138%08d", 20000000+i), IDNumber: id,
		Address: fmt.Sprintf("和平路%d号", i)}
}

// registerVia registers a complaint from complainant(i) through a running server.
func registerVia(t *testing.T, url, token string, i int) string {
	t.Helper()
	c := complainant(i)
	code, m := call(t, "POST", url+"/api/v1/complaints", token, map[string]any{"kind": "complaint", "channel": "phone",
		"complainant": map[string]any{"name": c.Name, "phone": c.Phone, "id_number": c.IDNumber, "address": c.Address},
		"matter":      "窗口工作人员离岗半小时无人办理"})
	if code != http.StatusCreated {
		t.Fatalf("register %d: %d %v", i, code, m)
	}
	return m["number"].(string)
}

// revealVia reads a complaint's identity through a running server.
func revealVia(t *testing.T, url, token, number string) tousu.Complainant {
	t.Helper()
	code, m := call(t, "POST", url+"/api/v1/complaints/"+number+"/reveal", token, map[string]any{"reason": "核实身份"})
	if code != http.StatusOK {
		t.Fatalf("reveal %s: %d %v", number, code, m)
	}
	b, _ := json.Marshal(m["complainant"])
	var c tousu.Complainant
	_ = json.Unmarshal(b, &c)
	return c
}

// sealedKeys returns, for every complaint of the SQLite database at path, the key IDs its
// identity is sealed under.
func sealedKeys(t *testing.T, path string) map[string]map[string]bool {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ring pii.KeyRing // KeyID reads headers only
	out := map[string]map[string]bool{}
	rows, err := db.ListSealed(context.Background(), "", 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		ids := map[string]bool{}
		for _, v := range r.Identity.Fields {
			ids[ring.KeyID(v)] = true
		}
		out[r.ID] = ids
	}
	return out
}

// TestKeysRotateWhileServing rotates the key file under a running server: every identity
// is re-sealed under the new key, the server reads each back at once (it reloads the ring
// when it meets the new key) and seals new ones under the new key once it notices the file.
func TestKeysRotateWhileServing(t *testing.T) {
	d := newSQLiteDeployment(t)
	d.run("migrate")
	tok := d.token("sup")
	url := d.serve()
	numbers := map[string]int{}
	for i := range 7 {
		numbers[registerVia(t, url, tok, i)] = i
	}
	keyFile := filepath.Join(d.dir, "tousu.keys")
	old, err := pii.ReadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}

	out := d.run("keys", "rotate", "--batch", "2")
	rotated, err := pii.ReadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "rotation to key "+rotated.CurrentID()+" finished: 7 identities re-sealed") {
		t.Errorf("keys rotate said:\n%s", out)
	}
	if !rotated.Contains(old) || rotated.CurrentID() == old.CurrentID() {
		t.Fatalf("the key file after rotation holds %v, want a new current key before %v", rotated.IDs(), old.IDs())
	}
	if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file after rotation: %v, mode %v", err, st.Mode())
	}
	for id, keys := range sealedKeys(t, filepath.Join(d.dir, "tousu.db")) {
		if len(keys) != 1 || !keys[rotated.CurrentID()] {
			t.Errorf("complaint %s is sealed under %v after the rotation, want only %s", id, keys, rotated.CurrentID())
		}
	}
	// The running server, which loaded the old ring, reads every identity.
	for n, i := range numbers {
		if got := revealVia(t, url, tok, n); got != complainant(i) {
			t.Errorf("reveal %s after rotation = %+v, want %+v", n, got, complainant(i))
		}
	}
	// It notices the new file and seals new identities under the new key.
	time.Sleep(300 * time.Millisecond)
	late := registerVia(t, url, tok, 9)
	keys := sealedKeys(t, filepath.Join(d.dir, "tousu.db"))
	found := false
	for _, k := range keys {
		if len(k) == 1 && k[rotated.CurrentID()] {
			found = true
		}
	}
	if !found || len(keys) != 8 {
		t.Errorf("after the server noticed the rotation: %v", keys)
	}
	if got := revealVia(t, url, tok, late); got != complainant(9) {
		t.Errorf("reveal of a complaint registered after rotation = %+v", got)
	}

	// Staged (several nodes): the key is added first, re-sealing comes with the next run.
	out = d.run("keys", "rotate", "--no-reseal")
	staged, _ := pii.ReadKeyFile(keyFile)
	if len(staged.IDs()) != 3 || !strings.Contains(out, "not re-sealing yet") {
		t.Errorf("keys rotate --no-reseal: %v\n%s", staged.IDs(), out)
	}
	out = d.run("keys", "rotate")
	again, _ := pii.ReadKeyFile(keyFile)
	if len(again.IDs()) != 3 || !strings.Contains(out, "resuming the rotation to key "+staged.CurrentID()) ||
		!strings.Contains(out, "finished: 8 identities re-sealed") {
		t.Errorf("keys rotate after --no-reseal added a key or did not resume: %v\n%s", again.IDs(), out)
	}
	for n, i := range numbers {
		if got := revealVia(t, url, tok, n); got != complainant(i) {
			t.Errorf("reveal %s after the second rotation = %+v", n, got)
		}
	}
	out = d.run("audit", "verify")
	if !strings.Contains(out, "audit chain intact") {
		t.Errorf("audit verify after rotations: %s", out)
	}
	if got := strings.Count(d.auditActions(t), "keys.rotate"); got != 4 {
		t.Errorf("%d keys.rotate audit records, want 4 (two rotations, begun and finished)", got)
	}
}

// auditActions lists the audit log's actions of a SQLite deployment.
func (d *deployment) auditActions(t *testing.T) string {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(d.dir, "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recs, err := db.ListAudit(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(r.Action + "\n")
	}
	return b.String()
}

// TestKeysRotateEnv: TOUSU_KEYS cannot be rewritten, so keys rotate prints the new ring,
// records the rotation and re-seals only once the ring is installed.
func TestKeysRotateEnv(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d *deployment) {
		if d.kind == "sqlite" {
			ring, _ := pii.NewKeyRing(nil)
			d.env["TOUSU_KEYS"] = strings.ReplaceAll(ring.Marshal(), "\n", ",")
		}
		d.run("migrate")
		tok := d.token("sup")
		url := d.serve()
		numbers := map[string]int{}
		for i := range 4 {
			numbers[registerVia(t, url, tok, i)] = i
		}
		oldRing := d.env["TOUSU_KEYS"]
		m, out := d.main("")
		var stdout bytes.Buffer
		m.Stdout = &stdout
		if err := m.Run(context.Background(), []string{"keys", "rotate"}); err != nil {
			t.Fatalf("keys rotate: %v\n%s", err, out)
		}
		printed, err := pii.ParseKeyRing(stdout.String())
		if err != nil {
			t.Fatalf("keys rotate printed no ring on standard output: %v: %q", err, stdout.String())
		}
		old, _ := pii.ParseKeyRing(oldRing)
		if !printed.Contains(old) || printed.CurrentID() == old.CurrentID() || !strings.Contains(out.String(), "TOUSU_KEYS") {
			t.Fatalf("printed ring %v from %v; said %s", printed.IDs(), old.IDs(), out)
		}
		// Not installed yet: nothing is re-sealed, and running again says what to do.
		if out, err := d.try("keys", "rotate"); err == nil || !strings.Contains(out+err.Error(), "waiting for its ring") {
			t.Errorf("keys rotate before the ring is installed: %v\n%s", err, out)
		}
		// Installed: the same command re-seals.
		d.env["TOUSU_KEYS"] = strings.TrimSpace(stdout.String())
		if out := d.run("keys", "rotate", "--batch", "3"); !strings.Contains(out, "resuming") || !strings.Contains(out, "finished: 4 identities re-sealed") {
			t.Errorf("keys rotate with the new ring installed:\n%s", out)
		}
		// Every identity opens with the new ring, none with the old one.
		store, a := d.open(t, printed)
		oldApp, err := app.New(app.Options{Store: store, Keys: old})
		if err != nil {
			t.Fatal(err)
		}
		sup := tousu.Actor{Login: "sup", Roles: []tousu.Role{tousu.RoleSupervisor}}
		for n, i := range numbers {
			if got, err := a.Reveal(context.Background(), sup, n, "核实身份"); err != nil || got != complainant(i) {
				t.Errorf("reveal %s with the new ring = %+v, %v", n, got, err)
			}
			if _, err := oldApp.Reveal(context.Background(), sup, n, "核实身份"); err == nil {
				t.Errorf("reveal %s with the old ring succeeded after the rotation", n)
			}
		}
	})
}

// open opens a deployment's database with the use cases over it and ring.
func (d *deployment) open(t *testing.T, ring *pii.KeyRing) (tousu.Store, *app.App) {
	t.Helper()
	var (
		store tousu.Store
		err   error
	)
	if d.kind == "sqlite" {
		store, err = sqlite.Open(context.Background(), strings.TrimPrefix(d.env["TOUSU_DB"], "sqlite:"))
	} else {
		store, err = postgres.Open(context.Background(), d.env["TOUSU_DB"])
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a, err := app.New(app.Options{Store: store, Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	return store, a
}

// tamper changes the deployment's database behind tousu's back.
func (d *deployment) tamper(t *testing.T, q string) {
	t.Helper()
	ctx := context.Background()
	if d.kind == "sqlite" {
		db, err := sql.Open("sqlite", strings.TrimPrefix(d.env["TOUSU_DB"], "sqlite:"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("tamper %q: %v", q, err)
		}
		return
	}
	conn, err := pgx.Connect(ctx, d.env["TOUSU_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q); err != nil {
		t.Fatalf("tamper %q: %v", q, err)
	}
}

// TestAuditVerifyTampered changes one audit record in the database file, then deletes one:
// tousu audit verify fails (exit code 1) and names the record each time.
func TestAuditVerifyTampered(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d *deployment) {
		d.run("migrate")
		for _, login := range []string{"a1", "a2", "a3", "a4"} {
			d.token(login) // user.create and token.create: eight records
		}
		out := d.run("audit", "verify")
		if !strings.Contains(out, "audit chain intact: 8 records; head 8:") {
			t.Fatalf("audit verify on an untouched log: %s", out)
		}
		head := out[strings.Index(out, "head ")+5:]
		head = head[:strings.IndexByte(head, '\n')]

		d.tamper(t, `UPDATE audit SET detail = 'roles=clerk unit=root' WHERE id = 3`)
		out, err := d.try("audit", "verify")
		if err == nil || exitCode(err) != 1 || !strings.Contains(out, "BROKEN at record 3") || !strings.Contains(err.Error(), "record 3") {
			t.Errorf("audit verify after altering record 3: exit %d, %v\n%s", exitCode(err), err, out)
		}
		d.tamper(t, `DELETE FROM audit WHERE id = 3`)
		out, err = d.try("audit", "verify")
		if err == nil || !strings.Contains(out, "BROKEN at record 3") || !strings.Contains(out, "missing") {
			t.Errorf("audit verify after deleting record 3: %v\n%s", err, out)
		}
		// With the head kept from before, a log cut short at its end shows too.
		d.tamper(t, `DELETE FROM audit WHERE id <> 8`)
		d.tamper(t, `DELETE FROM audit WHERE id = 8`)
		if out := d.run("audit", "verify"); !strings.Contains(out, "intact: 0 records") {
			t.Errorf("audit verify of an emptied log without an anchor: %s", out)
		}
		out, err = d.try("audit", "verify", "--anchor", head)
		if err == nil || !strings.Contains(out, "BROKEN at record 8") {
			t.Errorf("audit verify --anchor %s of an emptied log: %v\n%s", head, err, out)
		}
		if _, err := d.try("audit", "verify", "--anchor", "nonsense"); exitCode(err) != 2 {
			t.Errorf("audit verify --anchor nonsense: exit %d, want 2", exitCode(err))
		}
	})
}

// TestBackupRestore takes a backup while the server registers complaints, restores it as
// docs/DEPLOY.md says (SQLite: the file into place beside the key ring; PostgreSQL:
// pg_restore into a new database), and checks the copy: its audit chain verifies, and
// every identity in it decrypts with the key ring.
func TestBackupRestore(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d *deployment) {
		if d.kind == "postgres" {
			if _, err := exec.LookPath("pg_restore"); err != nil {
				t.Skip("SKIPPED: pg_restore is not installed")
			}
		}
		d.run("migrate")
		tok := d.token("sup")
		url := d.serve()
		var (
			mu      sync.Mutex
			numbers = map[string]int{}
		)
		for i := range 5 {
			numbers[registerVia(t, url, tok, i)] = i
		}
		// Registrations keep coming while the backup runs.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 100; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := complainant(i)
				code, m := call(t, "POST", url+"/api/v1/complaints", tok, map[string]any{"kind": "complaint", "channel": "phone",
					"complainant": map[string]any{"name": c.Name, "phone": c.Phone, "id_number": c.IDNumber, "address": c.Address},
					"matter":      "窗口工作人员离岗半小时无人办理"})
				if code != http.StatusCreated {
					t.Errorf("register during the backup: %d %v", code, m)
					return
				}
				mu.Lock()
				numbers[m["number"].(string)] = i
				mu.Unlock()
			}
		})
		backup := filepath.Join(t.TempDir(), "tousu-backup")
		out := d.run("backup", backup)
		close(stop)
		wg.Wait()
		if !strings.Contains(out, "backup written") {
			t.Fatalf("backup: %s", out)
		}

		// Restore.
		restored := &deployment{t: t, kind: d.kind, env: map[string]string{}}
		var ring *pii.KeyRing
		if d.kind == "sqlite" {
			// Stop (here: another directory), copy the backup into place beside the key ring.
			restored.dir = t.TempDir()
			copyFile(t, backup, filepath.Join(restored.dir, "tousu.db"), 0o600)
			copyFile(t, filepath.Join(d.dir, "tousu.keys"), filepath.Join(restored.dir, "tousu.keys"), 0o600)
			restored.env["TOUSU_DB"] = "sqlite:" + filepath.Join(restored.dir, "tousu.db")
			var err error
			if ring, err = pii.ReadKeyFile(filepath.Join(restored.dir, "tousu.keys")); err != nil {
				t.Fatal(err)
			}
		} else {
			target := storetest.NewPostgresDatabase(t)
			if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+target, backup).CombinedOutput(); err != nil {
				t.Fatalf("pg_restore: %v: %s", err, out)
			}
			restored.env["TOUSU_DB"], restored.env["TOUSU_KEYS"] = target, d.env["TOUSU_KEYS"]
			var err error
			if ring, err = pii.ParseKeyRing(d.env["TOUSU_KEYS"]); err != nil {
				t.Fatal(err)
			}
		}
		restored.run("migrate") // an older backup catches up; this one finds nothing to do
		if out := restored.run("audit", "verify"); !strings.Contains(out, "audit chain intact") {
			t.Errorf("audit verify on the restored copy: %s", out)
		}
		store, a := restored.open(t, ring)
		n, err := store.CountComplaints(context.Background(), tousu.ComplaintFilter{})
		if err != nil || n < 5 {
			t.Fatalf("restored copy holds %d complaints, %v; want at least the 5 registered before the backup", n, err)
		}
		sup := tousu.Actor{Login: "sup", Roles: []tousu.Role{tousu.RoleSupervisor}}
		cs, err := store.ListComplaints(context.Background(), tousu.ComplaintFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			got, err := a.Reveal(context.Background(), sup, c.Number, "恢复后核对")
			mu.Lock()
			i, ok := numbers[c.Number]
			mu.Unlock()
			if err != nil || !ok || got != complainant(i) {
				t.Errorf("restored %s: identity %+v, %v; want %+v", c.Number, got, err, complainant(i))
			}
		}
		// The backup is itself audited, in the copy too.
		recs, err := store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "backup"})
		if err != nil || len(recs) != 1 || recs[0].Object != backup {
			t.Errorf("backup audit record in the copy: %+v, %v", recs, err)
		}
	})
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}
