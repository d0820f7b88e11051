package bench

import (
	"crypto/rand"
	"testing"
	"time"

	"tousu"
	"tousu/internal/pii"
	"tousu/internal/workday"
)

// TestGeneratedStats: generated complaints carry what the lifecycle records for the
// statistics, and their rollups, written by the bulk path, equal a rebuild from the
// complaints; every complaint is counted once as received or as a consultation.
func TestGeneratedStats(t *testing.T) {
	stores(t, func(t *testing.T, s tousu.Store) {
		ctx := t.Context()
		keys, err := pii.NewKeyRing(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := workday.Official()
		if err != nil {
			t.Fatal(err)
		}
		loc := time.FixedZone("CST", 8*3600)
		const size = 600
		o := BuildOrg(size)
		if err := o.Put(ctx, s); err != nil {
			t.Fatal(err)
		}
		end := time.Date(2026, 12, 1, 12, 0, 0, 0, loc)
		if err := Generate(ctx, s, o, Options{Size: size, Seed: 3, End: end, Keys: keys, Calendar: cal, Location: loc, Batch: 200}); err != nil {
			t.Fatal(err)
		}
		// Every complaint counts under its window, department and centre (the tree's top
		// here): the centres' rows together are the whole.
		var centres []string
		for _, c := range o.Centres {
			centres = append(centres, c.Code)
		}
		sums := func() map[string]tousu.StatMeasures {
			out := map[string]tousu.StatMeasures{}
			for _, dim := range tousu.StatDims {
				rows, err := s.SumStats(ctx, tousu.StatSum{Dim: dim, From: tousu.MustDate("2024-01-01"), To: tousu.MustDate("2026-12-31"),
					Units: centres})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					out[dim+"/"+r.Key] = r.Measures
				}
			}
			return out
		}
		written := sums()
		tot := written["/"]
		if tot[tousu.MReceived]+tot[tousu.MConsultations] != size || tot[tousu.MReplied] == 0 || tot[tousu.MDecided] == 0 ||
			tot[tousu.MRated] == 0 || tot[tousu.MNotAccepted] == 0 {
			t.Errorf("generated totals = %v, want %d received or consultations", tot, size)
		}
		if err := s.RebuildStats(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt := sums()
		for k, m := range rebuilt {
			if written[k] != m {
				t.Errorf("%s: written %v, rebuilt %v", k, written[k], m)
			}
		}
		if len(rebuilt) != len(written) {
			t.Errorf("rebuilt %d keys, written %d", len(rebuilt), len(written))
		}
	})
}
