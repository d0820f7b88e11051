package app_test

import (
	"context"
	"errors"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
)

// TestRotateKeys rotates the key ring under a serving app, interrupts the re-sealing after
// one batch, resumes it, and reads every identity back.
func TestRotateKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		ctx := context.Background()
		old := newRing(t, 1)
		a := newApp(t, db, app.Options{Keys: old})
		people := map[string]tousu.Complainant{}
		for i := range 7 {
			c := person(i)
			if i == 3 {
				c.Email, c.IDNumber, c.Organization = "", "", "" // some fields empty
			}
			people[register(t, a, c, nil)] = c
		}
		anon := register(t, a, tousu.Complainant{Anonymous: true}, nil)
		before := sealedByID(t, db)

		rotated := old.Rotate(seeded(2))
		if err := a.SetKeys(rotated); err != nil {
			t.Fatalf("SetKeys(rotated) = %v", err)
		}
		if err := a.BeginRotation(ctx, cli, rotated.CurrentID()); err != nil {
			t.Fatalf("BeginRotation = %v", err)
		}

		// Interrupted after the first batch of 3.
		stop, cancel := context.WithCancel(ctx)
		batches := 0
		r, err := a.Reseal(stop, cli, app.ResealOptions{Batch: 3, Progress: func(app.Rotation) {
			batches++
			cancel()
		}})
		if !errors.Is(err, context.Canceled) || batches != 1 {
			t.Fatalf("interrupted Reseal = %v after %d batches, want context.Canceled after 1", err, batches)
		}
		got, ok, err := a.CurrentRotation(ctx)
		if err != nil || !ok || got.Done() || got.After == "" || got.Key != rotated.CurrentID() || got.Resealed != r.Resealed {
			t.Fatalf("after an interrupted Reseal: CurrentRotation = %+v, %v, %v; want unfinished, with progress", got, ok, err)
		}
		if n := countUnder(t, db, old.CurrentID()); n == 0 || n == len(people) {
			t.Errorf("after one batch %d of %d identities are under the old key, want some but not all", n, len(people))
		}
		// Meanwhile the app seals new identities under the new key.
		late := person(9)
		lateNumber := register(t, a, late, nil)
		people[lateNumber] = late
		// A node that has not noticed the new ring seals under the old key meanwhile,
		// wherever its complaint's ID falls: the sweep after the first pass takes it.
		oldNode := newAppNoSetup(t, db, app.Options{Keys: old})
		for i := 10; i < 13; i++ {
			people[register(t, oldNode, person(i), nil)] = person(i)
		}

		// Run again: it resumes and finishes.
		r, err = a.Reseal(ctx, cli, app.ResealOptions{Batch: 3})
		if err != nil || !r.Done() {
			t.Fatalf("resumed Reseal = %+v, %v; want finished", r, err)
		}
		if r.Resealed != len(people)-1 { // the late one was sealed under the new key already
			t.Errorf("Resealed = %d in all, want %d (each identity once)", r.Resealed, len(people)-1)
		}
		if n := countUnder(t, db, old.CurrentID()); n != 0 {
			t.Errorf("after the rotation %d identities are still under the old key", n)
		}

		after := sealedByID(t, db)
		for id, b := range before {
			s := after[id]
			if s.PhoneIndex != b.PhoneIndex || s.IDNumberIndex != b.IDNumberIndex || s.Anonymous != b.Anonymous {
				t.Errorf("complaint %s: blind indexes or anonymity changed by the rotation", id)
			}
		}
		for id, s := range after {
			if len(s.Fields) == 0 {
				continue
			}
			// The old ring cannot open what was re-sealed; the new ring can.
			if _, err := old.OpenIdentity(id, s); !errors.Is(err, pii.ErrUnknownKey) {
				t.Errorf("old ring OpenIdentity(%s) after rotation: error %v, want ErrUnknownKey", id, err)
			}
			if _, err := rotated.OpenIdentity(id, s); err != nil {
				t.Errorf("new ring OpenIdentity(%s): %v", id, err)
			}
		}

		// Every identity reads back through the app, revealed in full and masked.
		for number, want := range people {
			got, err := a.Reveal(ctx, supervisor, number, "核实身份")
			if err != nil || got != want {
				t.Errorf("Reveal(%s) after rotation = %+v, %v; want %+v", number, got, err, want)
			}
			v, err := a.Get(ctx, supervisor, number)
			if err != nil || v.Complainant != pii.Mask(want) {
				t.Errorf("Get(%s) after rotation: complainant %+v, %v; want %+v", number, v.Complainant, err, pii.Mask(want))
			}
		}
		if got, err := a.Reveal(ctx, supervisor, anon, "核实身份"); err != nil || !got.Anonymous {
			t.Errorf("Reveal(anonymous) after rotation = %+v, %v", got, err)
		}

		// A node that has not loaded the new ring opens re-sealed identities by reloading
		// it; one that cannot reload does not.
		reloads := 0
		stale := newAppNoSetup(t, db, app.Options{Keys: old, ReloadKeys: func() (*pii.KeyRing, error) {
			reloads++
			return rotated, nil
		}})
		for number, want := range people {
			if got, err := stale.Reveal(ctx, supervisor, number, "核实身份"); err != nil || got != want {
				t.Errorf("node with the old ring: Reveal(%s) = %+v, %v; want %+v", number, got, err, want)
			}
		}
		if reloads != 1 || stale.Keys().CurrentID() != rotated.CurrentID() {
			t.Errorf("node with the old ring reloaded %d times and now uses %v, want once and the new ring", reloads, stale.Keys())
		}
		stuck := newAppNoSetup(t, db, app.Options{Keys: old})
		if _, err := stuck.Reveal(ctx, supervisor, lateNumber, "核实身份"); err == nil {
			t.Errorf("node with the old ring and no reload: Reveal succeeded")
		}

		// Running again after the end is refused: a new rotation needs a new key.
		if _, err := a.Reseal(ctx, cli, app.ResealOptions{}); !tousu.IsKind(err, tousu.KindConflict) {
			t.Errorf("Reseal after the rotation finished = %v, want kind conflict", err)
		}
		var begun, finished int
		for _, rec := range auditActions(t, db) {
			if rec.Action == "keys.rotate" && rec.Object == rotated.CurrentID() {
				switch {
				case rec.Detail == "begin":
					begun++
				case rec.Actor == "cli" && len(rec.Detail) > 0:
					finished++
				}
			}
		}
		if begun != 1 || finished != 1 {
			t.Errorf("audit: %d keys.rotate begin and %d finished records, want 1 each", begun, finished)
		}
	})
}

func TestResealRefuses(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		ctx := context.Background()
		old := newRing(t, 1)
		a := newApp(t, db, app.Options{Keys: old})
		register(t, a, person(1), nil)
		if _, err := a.Reseal(ctx, cli, app.ResealOptions{}); !tousu.IsKind(err, tousu.KindConflict) {
			t.Errorf("Reseal without a rotation = %v, want kind conflict", err)
		}
		rotated := old.Rotate(seeded(2))
		if err := a.BeginRotation(ctx, supervisor, rotated.CurrentID()); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("BeginRotation by a supervisor = %v, want forbidden", err)
		}
		if err := a.BeginRotation(ctx, cli, rotated.CurrentID()); err != nil {
			t.Fatal(err)
		}
		// The ring in use is not the rotated one yet (TOUSU_KEYS not installed).
		if _, err := a.Reseal(ctx, cli, app.ResealOptions{}); !tousu.IsKind(err, tousu.KindConflict) {
			t.Errorf("Reseal before the new ring is installed = %v, want kind conflict", err)
		}
		if err := a.SetKeys(newRing(t, 9)); err == nil {
			t.Errorf("SetKeys(an unrelated ring) accepted: its blind indexes and keys differ")
		}
		if err := a.SetKeys(rotated); err != nil {
			t.Fatal(err)
		}
		if err := a.SetKeys(old); err == nil {
			t.Errorf("SetKeys(the ring before the rotation) accepted: it lacks the new key")
		}
		if r, err := a.Reseal(ctx, cli, app.ResealOptions{}); err != nil || !r.Done() || r.Resealed != 1 {
			t.Errorf("Reseal once installed = %+v, %v", r, err)
		}
	})
}

// newAppNoSetup is another node on a database newApp has set up.
func newAppNoSetup(t *testing.T, db tousu.Store, opts app.Options) *app.App {
	t.Helper()
	opts.Store, opts.Now, opts.Location = db, now, cst
	a, err := app.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func sealedByID(t *testing.T, db tousu.Store) map[string]tousu.SealedIdentity {
	t.Helper()
	out := map[string]tousu.SealedIdentity{}
	for after := ""; ; {
		rows, err := db.ListSealed(context.Background(), after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[r.ID] = r.Identity
			after = r.ID
		}
		if len(rows) < 100 {
			return out
		}
	}
}

// countUnder counts the identities with a field sealed under key id.
func countUnder(t *testing.T, db tousu.Store, id string) int {
	t.Helper()
	var ring pii.KeyRing // KeyID reads only the header, which needs no key
	n := 0
	for _, s := range sealedByID(t, db) {
		for _, v := range s.Fields {
			if ring.KeyID(v) == id {
				n++
				break
			}
		}
	}
	return n
}
