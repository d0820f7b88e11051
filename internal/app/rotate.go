package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"tousu"
	"tousu/internal/pii"
)

// rotationSetting is the setting that records the last key rotation, so that an
// interrupted one resumes where it stopped instead of starting over with yet another key.
const rotationSetting = "keys.rotation"

// Rotation is the recorded state of a key rotation: the key every identity is being
// re-sealed under and how far the re-sealing has come. It holds key IDs only, never keys:
// keys are never in the database.
type Rotation struct {
	Key      string     `json:"key"`      // the key identities are re-sealed under: the ring's current key
	After    string     `json:"after"`    // the ID of the last complaint re-sealed in the first pass
	Resealed int        `json:"resealed"` // identities re-sealed so far
	Started  time.Time  `json:"started"`
	Finished *time.Time `json:"finished,omitempty"`
}

// Done reports whether the rotation has re-sealed everything.
func (r Rotation) Done() bool { return r.Finished != nil }

// CurrentRotation returns the last key rotation recorded; ok is false when there has been
// none.
func (a *App) CurrentRotation(ctx context.Context) (r Rotation, ok bool, err error) {
	v, err := a.store.GetSetting(ctx, rotationSetting)
	if tousu.IsKind(err, tousu.KindNotFound) || (err == nil && v == "") {
		return Rotation{}, false, nil
	}
	if err != nil {
		return Rotation{}, false, err
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return Rotation{}, false, fmt.Errorf("app.CurrentRotation: setting %s: %w", rotationSetting, err)
	}
	return r, true, nil
}

func (a *App) saveRotation(ctx context.Context, r Rotation) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return a.store.PutSetting(ctx, rotationSetting, string(b))
}

// BeginRotation records that every identity is to be re-sealed under key, the current key
// of a ring that a rotation has just made (admin or the command line; audited as
// keys.rotate). It forgets any unfinished rotation. The ring in use need not hold the key
// yet: with TOUSU_KEYS the operator installs the new ring on every node first, and
// Reseal then resumes the rotation recorded here.
func (a *App) BeginRotation(ctx context.Context, actor tousu.Actor, key string) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if key == "" {
		return tousu.Errorf(tousu.KindInvalid, "app.BeginRotation: no key ID")
	}
	r := Rotation{Key: key, Started: a.now().UTC().Truncate(time.Millisecond)}
	if err := a.saveRotation(ctx, r); err != nil {
		return err
	}
	return a.audit(ctx, actor, "keys.rotate", key, "begin")
}

// ResealOptions tune Reseal.
type ResealOptions struct {
	// Batch is how many complaints are read and re-sealed at a time (default 500): each
	// batch is one read and one short write per re-sealed complaint, so a serving system
	// hardly notices.
	Batch int
	// Progress, when set, is called after every batch with the state recorded.
	Progress func(Rotation)
}

// Reseal re-encrypts every complainant's identity that is not sealed under the current key
// of the ring in use, which must be the key of the rotation recorded by BeginRotation
// (admin or the command line; audited as keys.rotate when finished). It works in batches,
// in the order of complaint IDs, and records after each batch how far it has come, so that
// when it is interrupted (ctx cancelled, the process killed) running it again resumes there.
//
// It is safe while the system serves. Re-sealing changes only the ciphertexts, under a key
// every node can open (nodes that have not loaded the new ring yet reload it when they
// meet it, see Options.ReloadKeys), never the plaintext, the blind indexes (derived from
// the ring's oldest key, which a rotation keeps) or the complaint's version. A node still
// sealing under the previous key while the first pass runs, or a concurrent write of the
// same complaint, can leave an identity under the previous key: after the first pass
// Reseal sweeps the whole table again until a sweep finds nothing left (at most three
// times). Anything left after that is still readable, and the next rotation takes it.
//
// Sealed values other than identities are not re-sealed: the sealed query codes kept for
// idempotent retries and the recipients of queued notifications live hours, not years,
// and stay readable because a rotation never removes a key.
func (a *App) Reseal(ctx context.Context, actor tousu.Actor, opts ResealOptions) (Rotation, error) {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return Rotation{}, err
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	r, ok, err := a.CurrentRotation(ctx)
	if err != nil {
		return Rotation{}, err
	}
	if !ok || r.Done() {
		return r, tousu.Errorf(tousu.KindConflict, "no key rotation is in progress: start one with 'tousu keys rotate'")
	}
	ring := a.keys.current()
	if ring.CurrentID() != r.Key {
		return r, tousu.Errorf(tousu.KindConflict, "the rotation re-seals under key %s, but the current key of the ring in use is %s: "+
			"install the ring whose first key is %s, then run again", r.Key, ring.CurrentID(), r.Key)
	}

	// The first pass resumes where the last run stopped.
	for {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		n, last, more, err := a.resealBatch(ctx, ring, r.After, opts.Batch)
		if err != nil {
			return r, err
		}
		if last != "" {
			r.After = last
		}
		r.Resealed += n
		if err := a.saveRotation(ctx, r); err != nil {
			return r, err
		}
		if opts.Progress != nil {
			opts.Progress(r)
		}
		if !more {
			break
		}
	}
	// Sweeps catch what was sealed under the previous key meanwhile.
	for range 3 {
		swept := 0
		for after := ""; ; {
			if err := ctx.Err(); err != nil {
				return r, err
			}
			n, last, more, err := a.resealBatch(ctx, ring, after, opts.Batch)
			if err != nil {
				return r, err
			}
			swept += n
			after = last
			if !more {
				break
			}
		}
		r.Resealed += swept
		if swept == 0 {
			break
		}
		if err := a.saveRotation(ctx, r); err != nil {
			return r, err
		}
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	r.Finished = &now
	if err := a.saveRotation(ctx, r); err != nil {
		return r, err
	}
	if opts.Progress != nil {
		opts.Progress(r)
	}
	if err := a.audit(ctx, actor, "keys.rotate", r.Key, "finished; re-sealed "+strconv.Itoa(r.Resealed)); err != nil {
		return r, err
	}
	return r, nil
}

// resealBatch re-seals the identities among up to batch complaints after the ID after
// that are not sealed under ring's current key. It returns how many it re-sealed, the
// last ID it read, and whether there may be more.
func (a *App) resealBatch(ctx context.Context, ring *pii.KeyRing, after string, batch int) (n int, last string, more bool, err error) {
	rows, err := a.store.ListSealed(ctx, after, batch)
	if err != nil {
		return 0, "", false, err
	}
	for _, row := range rows {
		last = row.ID
		if !stale(ring, row.Identity) {
			continue
		}
		plain, err := a.keys.OpenIdentity(row.ID, row.Identity)
		if err != nil {
			// Names the complaint and the field, never a value.
			return n, last, false, err
		}
		sealed := ring.SealIdentity(row.ID, plain)
		sealed.Anonymous = row.Identity.Anonymous
		if err := a.store.UpdateIdentity(ctx, row.ID, sealed); err != nil {
			return n, last, false, err
		}
		n++
	}
	return n, last, len(rows) == batch, nil
}

// stale reports whether any field of an identity is sealed under a key other than the
// ring's current one.
func stale(ring *pii.KeyRing, s tousu.SealedIdentity) bool {
	cur := ring.CurrentID()
	for _, v := range s.Fields {
		if ring.KeyID(v) != cur {
			return true
		}
	}
	return false
}
