package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"tousu"
)

func testSearchAudit(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	var recs []tousu.AuditRecord
	for i := range 12 {
		recs = append(recs, tousu.AuditRecord{At: base.Add(time.Duration(i) * time.Second),
			Actor: []string{"sup1", "sup2", "insp"}[i%3], Action: []string{"reveal", "login", "accept", "related"}[i%4],
			Object: fmt.Sprintf("TS20261127-%04d", i%2+1), Client: "10.0.0.1"})
	}
	if err := s.AppendAudit(ctx, recs); err != nil {
		t.Fatalf("AppendAudit = %v", err)
	}
	ids := func(rs []tousu.AuditRecord) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    tousu.AuditFilter
		want []int64
	}{
		{"everything, newest first", tousu.AuditFilter{}, []int64{12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
		{"action", tousu.AuditFilter{Action: "reveal"}, []int64{9, 5, 1}},
		{"actor", tousu.AuditFilter{Actor: "insp"}, []int64{12, 9, 6, 3}},
		{"object", tousu.AuditFilter{Object: "TS20261127-0002"}, []int64{12, 10, 8, 6, 4, 2}},
		{"all three", tousu.AuditFilter{Action: "reveal", Actor: "insp", Object: "TS20261127-0001"}, []int64{9}},
		{"page", tousu.AuditFilter{Limit: 5}, []int64{12, 11, 10, 9, 8}},
		{"next page", tousu.AuditFilter{Before: 8, Limit: 5}, []int64{7, 6, 5, 4, 3}},
		{"last page", tousu.AuditFilter{Before: 3, Limit: 5}, []int64{2, 1}},
		{"filtered page", tousu.AuditFilter{Object: "TS20261127-0001", Before: 7, Limit: 2}, []int64{5, 3}},
		{"nothing", tousu.AuditFilter{Actor: "nobody"}, nil},
		{"hostile", tousu.AuditFilter{Actor: "a\x00b' OR 1=1 --", Object: "\xff"}, nil},
	}
	for _, tt := range tests {
		got, err := s.SearchAudit(ctx, tt.f)
		if err != nil {
			t.Errorf("%s: SearchAudit(%+v) = %v", tt.name, tt.f, err)
			continue
		}
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("%s: SearchAudit(%+v) = IDs %v, want %v", tt.name, tt.f, ids(got), tt.want)
		}
	}
	// The records come whole, hashes included, as ListAudit has them.
	all, _ := s.ListAudit(ctx, 0, 100)
	got, _ := s.SearchAudit(ctx, tousu.AuditFilter{Action: "reveal", Limit: 1})
	if len(got) != 1 || len(all) != 12 || got[0] != all[8] {
		t.Errorf("SearchAudit(reveal, 1) = %+v, want %+v", got, all[8])
	}
	// At most 500 at a time.
	many := make([]tousu.AuditRecord, 520)
	for i := range many {
		many[i] = tousu.AuditRecord{At: base, Actor: "bulk", Action: "login"}
	}
	if err := s.AppendAudit(ctx, many); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SearchAudit(ctx, tousu.AuditFilter{Limit: 10000}); err != nil || len(got) != 500 {
		t.Errorf("SearchAudit(limit 10000) = %d records, %v; want 500", len(got), err)
	}
	if got, err := s.SearchAudit(ctx, tousu.AuditFilter{Actor: "bulk"}); err != nil || len(got) != 50 {
		t.Errorf("SearchAudit(no limit) = %d records, %v; want the default 50", len(got), err)
	}
}
