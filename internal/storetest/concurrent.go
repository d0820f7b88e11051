package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"tousu"
)

// testConcurrentAudit appends to the audit log from many writers at once, through both
// paths that append (a registration's records and AppendAudit): the log must stay one
// chain, IDs consecutive from 1, each record hashed over the one before. A store with
// several writers (PostgreSQL, many nodes) has to serialise the appends to pass.
func testConcurrentAudit(t *testing.T, s tousu.Store) {
	const workers, each = 12, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				at := base.Add(time.Duration(w*each+i) * time.Millisecond)
				var err error
				if i%2 == 0 {
					ch := registration(newComplaint(t))
					ch.Audit = []tousu.AuditRecord{{At: at, Actor: "clerk1", Action: "register", Client: "10.0.0.1"}}
					err = s.CreateComplaint(t.Context(), ch)
				} else {
					err = s.AppendAudit(t.Context(), []tousu.AuditRecord{
						{At: at, Actor: fmt.Sprintf("worker%d", w), Action: "login"},
						{At: at, Actor: fmt.Sprintf("worker%d", w), Action: "export", Detail: fmt.Sprint(i)},
					})
				}
				if err != nil {
					t.Errorf("concurrent append (worker %d, step %d) = %v", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	const want = workers * (each/2 + 2*each/2)
	recs, err := s.ListAudit(t.Context(), 0, 2*want)
	if err != nil {
		t.Fatalf("ListAudit = %v", err)
	}
	if len(recs) != want {
		t.Errorf("ListAudit = %d records, want %d", len(recs), want)
	}
	prev := ""
	for i, r := range recs {
		if r.ID != int64(i+1) || r.PrevHash != prev || r.Hash != tousu.ChainHash(prev, r) {
			t.Fatalf("ListAudit[%d] = ID %d, prev %.8s…, hash %.8s…: the chain breaks here (want ID %d, prev %.8s…)",
				i, r.ID, r.PrevHash, r.Hash, i+1, prev)
		}
		prev = r.Hash
	}
}
