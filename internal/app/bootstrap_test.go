package app_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"tousu"
	"tousu/internal/app"
)

// TestFirstAdminTogether: nodes that reach FirstAdmin together without the start-up lock
// (an older node, or a tool that takes none) still make one admin, one password, and no
// error: the unique login refuses the others, and they find the admin it made.
func TestFirstAdminTogether(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		const nodes = 4
		apps := make([]*app.App, nodes)
		for i := range apps {
			a, err := app.New(app.Options{Store: db, Keys: newRing(t, 1), Now: now, Location: cst})
			if err != nil {
				t.Fatal(err)
			}
			apps[i] = a
		}
		if err := apps[0].EnsureBase(context.Background()); err != nil {
			t.Fatal(err)
		}
		pws := make([]string, nodes)
		errs := make([]error, nodes)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, a := range apps {
			wg.Go(func() {
				<-start
				pws[i], errs[i] = a.FirstAdmin(context.Background())
			})
		}
		close(start)
		wg.Wait()
		printed := 0
		for i := range nodes {
			if errs[i] != nil {
				t.Errorf("node %d: FirstAdmin = %v", i, errs[i])
			}
			if pws[i] != "" {
				printed++
			}
		}
		if printed != 1 {
			t.Errorf("%d passwords returned, want one", printed)
		}
		users, err := db.ListUsers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		admins := 0
		for _, u := range users {
			if slices.Contains(u.Roles, tousu.RoleAdmin) {
				admins++
			}
		}
		if admins != 1 {
			t.Errorf("%d admins, want one", admins)
		}
	})
}
