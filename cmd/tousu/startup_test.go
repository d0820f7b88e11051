package main

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tousu"
)

// lockedBuffer is one node's output: its log and its standard output are written from
// several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestStartTogether starts several nodes at the same moment on one fresh database, as an
// orchestrator does: every node must start, exactly one creates the first admin and
// prints its password, and the demo is loaded once.
func TestStartTogether(t *testing.T) {
	forEachDeployment(t, func(t *testing.T, d *deployment) {
		const nodes = 4
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		outs := make([]*lockedBuffer, nodes)
		done := make(chan error, nodes)
		ready := make(chan string, nodes)
		start := make(chan struct{})
		for i := range nodes {
			outs[i] = &lockedBuffer{}
			env := d.env
			m := &Main{Stdin: strings.NewReader(""), Stdout: outs[i], Stderr: outs[i], KeyPoll: time.Hour,
				Getenv: func(k string) string { return env[k] }, Ready: ready}
			go func() {
				<-start
				done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--demo"})
			}()
		}
		close(start)
		for range nodes {
			select {
			case <-ready:
			case err := <-done:
				t.Fatalf("a node stopped while starting: %v\n%s", err, joined(outs))
			case <-time.After(120 * time.Second):
				t.Fatalf("the nodes did not start\n%s", joined(outs))
			}
		}
		cancel()
		for range nodes {
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
		passwords, loaded, complaints := 0, 0, 0
		loadedRE := regexp.MustCompile(`demo loaded"? complaints=(\d+) skipped=false`)
		for _, o := range outs {
			s := o.String()
			passwords += strings.Count(s, "密码 password:")
			if m := loadedRE.FindStringSubmatch(s); m != nil {
				loaded++
				complaints, _ = strconv.Atoi(m[1])
			}
		}
		if passwords != 1 {
			t.Errorf("%d nodes printed a first-login password, want exactly one\n%s", passwords, joined(outs))
		}
		if loaded != 1 {
			t.Errorf("%d nodes loaded the demo, want exactly one\n%s", loaded, joined(outs))
		}

		store, _, err := openStore(context.Background(), d.env["TOUSU_DB"])
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		users, err := store.ListUsers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		admins := 0
		for _, u := range users {
			if slices.Contains(u.Roles, tousu.RoleAdmin) && u.Login == "admin" {
				admins++
			}
		}
		if admins != 1 {
			t.Errorf("%d first admins, want one", admins)
		}
		units, err := store.ListUnits(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		roots := 0
		for _, u := range units {
			if u.Parent == "" {
				roots++
			}
		}
		if roots != 1 {
			t.Errorf("%d root units, want one", roots)
		}
		n, err := store.CountComplaints(context.Background(), tousu.ComplaintFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if n != complaints {
			t.Errorf("%d complaints stored, want the %d of one demo load", n, complaints)
		}
	})
}

func joined(outs []*lockedBuffer) string {
	var b strings.Builder
	for i, o := range outs {
		b.WriteString("--- node " + strconv.Itoa(i) + "\n" + o.String())
	}
	return b.String()
}
