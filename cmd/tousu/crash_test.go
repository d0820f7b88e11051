package main

import (
	"bufio"
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
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestMain lets the crash test run this test binary as `tousu serve` in a child process
// that it can kill with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("TOUSU_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"tousu"}, strings.Fields(os.Getenv("TOUSU_TEST_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

// TestKillNineLosesNothing kills the server with SIGKILL in the middle of a load of
// registrations: every complaint it acknowledged (201) is in the database afterwards, and
// the database passes SQLite's integrity check (DESIGN §7).
func TestKillNineLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server")
	}
	c := newCLI(t)
	c.run("user", "add", "--login", "clerk1", "--name", "受理员", "--role", "clerk")
	token := strings.TrimSpace(c.run("token", "create", "--login", "clerk1"))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TOUSU_TEST_RUN_MAIN=1", "TOUSU_TEST_ARGS=serve --addr 127.0.0.1:0",
		"TOUSU_DB=sqlite:"+filepath.Join(c.dir, "tousu.db"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if _, a, ok := strings.Cut(sc.Text(), "addr=http://"); ok {
				addr <- strings.Fields(a)[0]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	ctx, stop := context.WithCancel(context.Background())
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil && i < 10000; i++ {
				body := fmt.Sprintf(`{"kind":"complaint","channel":"phone","complainant":{"name":"李四","phone":"13900001111"},"matter":"第%d-%d件：窗口人员离岗"}`, w, i)
				req, _ := http.NewRequest("POST", base+"/api/v1/complaints", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					continue
				}
				var v struct{ Number string }
				if json.Unmarshal(raw, &v) == nil && v.Number != "" {
					mu.Lock()
					acked = append(acked, v.Number)
					mu.Unlock()
				}
			}
		}()
	}
	// Let the load run, then kill the server mid-flight.
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	stop()
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d registrations acknowledged before the kill; the test needs a load", len(acked))
	}

	db, err := sql.Open("sqlite", filepath.Join(c.dir, "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	stored := map[string]bool{}
	rows, err := db.Query(`SELECT number FROM complaints`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		stored[n] = true
	}
	rows.Close()
	var lost []string
	for _, n := range acked {
		if !stored[n] {
			lost = append(lost, n)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d acknowledged complaints lost across kill -9: %v", len(lost), len(acked), lost[:min(10, len(lost))])
	}
	t.Logf("%d acknowledged before SIGKILL, %d stored, none lost", len(acked), len(stored))
	// And the server starts again on it.
	if out := c.run("audit", "verify"); !bytes.Contains([]byte(out), []byte("intact")) {
		t.Errorf("audit verify after the crash: %s", out)
	}
}
