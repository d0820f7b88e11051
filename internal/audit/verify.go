// Package audit checks the tamper-evident audit log: every record's hash covers the one
// before it, so changing, deleting or reordering any record breaks the chain from there.
//
// What the chain alone cannot show is a log cut short at its end, or one rewritten and
// re-hashed from some record on by someone who can write the database: both leave a chain
// that holds. Against those, keep the head that Verify reports (the last record's ID and
// hash) somewhere the database's writers cannot reach — the backup log, a ticket, a signed
// e-mail — and pass it back as an anchor: the chain must still run through it.
package audit

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"tousu"
)

// Broken describes the first record whose link in the chain does not hold.
type Broken struct {
	ID     int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit record %d: %s", b.ID, b.Reason) }

// Head is the end of the chain as verified: how many records, and the last one's ID and
// hash.
type Head struct {
	Records int
	ID      int64
	Hash    string
}

// String is the head as ParseAnchor reads it: ID:HASH.
func (h Head) String() string { return strconv.FormatInt(h.ID, 10) + ":" + h.Hash }

// ParseAnchor reads a head written down earlier, as ID:HASH.
func ParseAnchor(s string) (Head, error) {
	id, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n < 1 || len(hash) != 64 {
		return Head{}, fmt.Errorf("audit anchor %q: want ID:HASH, the head printed by tousu audit verify", s)
	}
	return Head{ID: n, Hash: strings.ToLower(hash)}, nil
}

// Verify walks the whole audit log in order and returns its head. The error is a *Broken
// naming the first broken link, or a store error; the head then covers the records
// checked before it. Each anchor, a head recorded earlier, must still be in the chain:
// the record with its ID must exist and have its hash.
func Verify(ctx context.Context, store tousu.Store, anchors ...Head) (Head, error) {
	const page = 1000
	var (
		h      Head
		prev   string
		byID   = map[int64]string{}
		lastID int64
	)
	for _, a := range anchors {
		byID[a.ID] = a.Hash
	}
	for {
		recs, err := store.ListAudit(ctx, lastID, page)
		if err != nil {
			return h, err
		}
		for _, r := range recs {
			if r.ID != lastID+1 {
				return h, &Broken{ID: lastID + 1, Reason: fmt.Sprintf("record %d is missing (the next one is %d): deleted", lastID+1, r.ID)}
			}
			if r.PrevHash != prev {
				return h, &Broken{ID: r.ID, Reason: "its previous-hash does not match the record before it"}
			}
			if want := tousu.ChainHash(prev, r); r.Hash != want {
				return h, &Broken{ID: r.ID, Reason: "its content does not match its hash (altered)"}
			}
			if want, ok := byID[r.ID]; ok && r.Hash != want {
				return h, &Broken{ID: r.ID, Reason: "its hash is not the anchor's: the log was rewritten from here or before"}
			}
			prev, lastID = r.Hash, r.ID
			h = Head{Records: h.Records + 1, ID: r.ID, Hash: r.Hash}
		}
		if len(recs) < page {
			break
		}
	}
	for _, a := range anchors {
		if a.ID > lastID {
			return h, &Broken{ID: a.ID, Reason: fmt.Sprintf("the anchor's record is missing: the log ends at %d (cut short)", lastID)}
		}
	}
	return h, nil
}
