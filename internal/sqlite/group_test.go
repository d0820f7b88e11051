package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tousu"
)

// TestGroupCommit: writers committed together stay independent. Of concurrent account
// creations, half of them duplicates and some of them abandoned by their callers, each
// call's answer matches what the database holds afterwards, and a failure or a departed
// caller never takes the others' writes with it.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx := ctx
			if i%7 == 0 { // a caller that gives up at once, or a moment later
				var cancel context.CancelFunc
				cctx, cancel = context.WithTimeout(ctx, time.Duration(i%3)*time.Millisecond)
				defer cancel()
			}
			u := &tousu.User{Login: fmt.Sprintf("u%03d", i/2), Name: "x", CreatedAt: time.Now()}
			errs[i] = db.CreateUser(cctx, u)
		}()
	}
	wg.Wait()
	created := map[string]int{}
	for i, err := range errs {
		login := fmt.Sprintf("u%03d", i/2)
		switch {
		case err == nil:
			created[login]++
		case tousu.IsKind(err, tousu.KindConflict):
		default:
			if i%7 != 0 {
				t.Errorf("call %d (%s): %v", i, login, err)
			}
		}
	}
	for login, k := range created {
		if k != 1 {
			t.Errorf("%s: %d calls succeeded, want exactly 1", login, k)
		}
		if _, err := db.FindUser(ctx, login); err != nil {
			t.Errorf("%s: reported created, but %v", login, err)
		}
	}
	for i := range n / 2 {
		login := fmt.Sprintf("u%03d", i)
		if _, err := db.FindUser(ctx, login); err == nil && created[login] == 0 {
			t.Errorf("%s: stored, but no call was told so", login)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &tousu.User{Login: "late", Name: "x"}); err == nil {
		t.Error("a write after Close succeeded")
	}
}

// TestPreparedWrites: the write statements are prepared once, after the first
// transaction that runs them, and the later ones run them prepared.
func TestPreparedWrites(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := db.PutSetting(ctx, fmt.Sprintf("k%d", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	db.prepared.mu.Lock()
	n := len(db.prepared.stmts)
	db.prepared.mu.Unlock()
	if n == 0 {
		t.Fatal("no write statement was prepared after three writes")
	}
	if v, err := db.GetSetting(ctx, "k2"); err != nil || v != "v" {
		t.Errorf("GetSetting(k2) = %q, %v", v, err)
	}
}
