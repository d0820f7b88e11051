package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"tousu/internal/app"
	"tousu/internal/pii"
)

// watchKeyFile looks at the key file every so often and, when it has changed (a rotation
// wrote it, or configuration management copied a rotated one here), hands the ring to the
// use cases, so that new identities are sealed under the new current key without a restart.
// A file that cannot be read or that drops keys is logged and ignored: the ring in use
// stays, because losing a key would make identities unreadable.
func watchKeyFile(ctx context.Context, path string, every time.Duration, a *app.App, log *slog.Logger) {
	last, _ := os.Stat(path)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := os.Stat(path)
		if err != nil || (last != nil && os.SameFile(st, last) && st.ModTime().Equal(last.ModTime()) && st.Size() == last.Size()) {
			continue
		}
		last = st
		k, err := pii.ReadKeyFile(path)
		if err != nil {
			log.Error("the key file changed but cannot be read; keeping the ring in use", "err", err)
			continue
		}
		if k.CurrentID() == a.Keys().CurrentID() && len(k.IDs()) == len(a.Keys().IDs()) {
			continue
		}
		if err := a.SetKeys(k); err != nil {
			log.Error("the key file changed but its ring cannot replace the ring in use; keeping it", "err", err)
			continue
		}
		log.Info("key ring reloaded", "current_key", k.CurrentID(), "keys", len(k.IDs()))
	}
}

// keysCommand runs tousu keys SUBCOMMAND.
func (m *Main) keysCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "generate":
			return m.keysGenerate(args[1:])
		case "rotate":
			return m.keysRotate(ctx, args[1:])
		}
	}
	return usageError{"usage: tousu keys generate PATH | tousu keys rotate [--batch N] [--no-reseal] [--new]"}
}

// keysRotate adds a fresh current key to the ring and re-seals every identity under it.
//
// With a key file, it writes the rotated ring to the file (atomically, keeping every old
// key) and re-seals at once; servers reading the same file notice it. With TOUSU_KEYS,
// which no command can rewrite, it prints the rotated ring for the operator to install
// and stops; once every node runs with it, the same command re-seals. Either way the
// rotation is recorded in the database, so that running the command again after an
// interruption resumes it rather than adding yet another key.
func (m *Main) keysRotate(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("keys rotate", &cfg)
	batch := fs.Int("batch", 500, "identities re-sealed per batch")
	noReseal := fs.Bool("no-reseal", false, "only add the new key to the key file and record the rotation; re-seal in a later run "+
		"(for several nodes: copy the file to every node first)")
	fresh := fs.Bool("new", false, "start a new rotation with a new key even if the last one is unfinished")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *batch < 1 || *batch > 10000 {
		return usageError{"usage: tousu keys rotate [--batch N (1–10000)] [--no-reseal] [--new]"}
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	actor := adminActor()
	ring := e.app.Keys()
	r, ok, err := e.app.CurrentRotation(ctx)
	if err != nil {
		return err
	}
	switch {
	case ok && !r.Done() && !*fresh:
		// An unfinished rotation: resume it, if the ring in use is the rotated one.
		switch {
		case ring.CurrentID() == r.Key:
			fmt.Fprintf(m.Stdout, "resuming the rotation to key %s (%d identities re-sealed so far)\n", r.Key, r.Resealed)
		case ring.Has(r.Key):
			return fmt.Errorf("keys rotate: the unfinished rotation re-seals under key %s, but the ring's current key is %s; "+
				"run with --new to rotate again", r.Key, ring.CurrentID())
		case e.keys.env:
			return fmt.Errorf("keys rotate: a rotation to key %s is waiting for its ring: set TOUSU_KEYS to the ring printed "+
				"when it was started, on every node, restart them, and run this again (or --new to start over with another key)", r.Key)
		default:
			return fmt.Errorf("keys rotate: a rotation to key %s is waiting for its ring, which %s lacks: copy the key file "+
				"of the node that started it here (or --new to start over with another key)", r.Key, e.keys.path)
		}
	default:
		rotated := ring.Rotate(rand.Reader)
		if e.keys.env {
			if err := e.app.BeginRotation(ctx, actor, rotated.CurrentID()); err != nil {
				return err
			}
			// The ring is the secret itself: on standard output only, for the operator.
			fmt.Fprintln(m.Stdout, strings.ReplaceAll(rotated.Marshal(), "\n", ","))
			fmt.Fprintf(m.Stderr, "\nA new key %s was added to the ring above (the old keys are kept).\n"+
				"TOUSU_KEYS cannot be rewritten from here: set it to the ring above on every node, keep a copy\n"+
				"in your secrets vault, restart the nodes, then run 'tousu keys rotate' again to re-seal every\n"+
				"identity under the new key. Until then nothing changes.\n", rotated.CurrentID())
			return nil
		}
		if err := pii.ReplaceKeyFile(e.keys.path, rotated); err != nil {
			return err
		}
		if err := e.app.SetKeys(rotated); err != nil {
			return err
		}
		if err := e.app.BeginRotation(ctx, actor, rotated.CurrentID()); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "key %s added to %s as the current key (%d keys in the ring); back the file up again\n",
			rotated.CurrentID(), e.keys.path, len(rotated.IDs()))
		if *noReseal {
			fmt.Fprintf(m.Stdout, "not re-sealing yet: copy %s to every node (they pick it up within seconds), "+
				"then run 'tousu keys rotate' again\n", e.keys.path)
			return nil
		}
	}
	batches := 0
	done, err := e.app.Reseal(ctx, actor, app.ResealOptions{Batch: *batch, Progress: func(r app.Rotation) {
		if batches++; batches%20 == 0 {
			fmt.Fprintf(m.Stdout, "re-sealed %d identities so far\n", r.Resealed)
		}
	}})
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("keys rotate: interrupted after re-sealing %d identities; run it again to resume", done.Resealed)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "rotation to key %s finished: %d identities re-sealed\n", done.Key, done.Resealed)
	return nil
}
