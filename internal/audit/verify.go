// Package audit checks the tamper-evident audit log: every record's hash covers the one
// before it, so changing, deleting or reordering any record breaks the chain from there.
package audit

import (
	"context"
	"fmt"

	"tousu"
)

// Broken describes the first record whose link in the chain does not hold.
type Broken struct {
	ID     int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit record %d: %s", b.ID, b.Reason) }

// Verify walks the whole audit log in order and returns how many records it checked. The
// error is a *Broken naming the first broken link, or a store error.
func Verify(ctx context.Context, store tousu.Store) (int, error) {
	const page = 1000
	var (
		after int64
		prev  string
		n     int
	)
	for {
		recs, err := store.ListAudit(ctx, after, page)
		if err != nil {
			return n, err
		}
		for _, r := range recs {
			if r.ID != after+1 {
				return n, &Broken{ID: r.ID, Reason: fmt.Sprintf("record %d is missing", after+1)}
			}
			if r.PrevHash != prev {
				return n, &Broken{ID: r.ID, Reason: "its previous-hash does not match the record before it"}
			}
			if want := tousu.ChainHash(prev, r); r.Hash != want {
				return n, &Broken{ID: r.ID, Reason: "its content does not match its hash (altered)"}
			}
			prev, after = r.Hash, r.ID
			n++
		}
		if len(recs) < page {
			return n, nil
		}
	}
}
