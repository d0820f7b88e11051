package bench

import (
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/audit"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
	"tousu/internal/workday"
)

// stores runs test on a fresh SQLite store, and on PostgreSQL when TOUSU_TEST_POSTGRES
// names a server.
func stores(t *testing.T, test func(t *testing.T, s tousu.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		test(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		s, err := postgres.Open(t.Context(), storetest.NewPostgresDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		test(t, s)
	})
}

// TestGenerate: generated complaints are stored as registrations store them (audit chain
// intact, identities sealed and found by blind index, numbers per day), in every status,
// over two years, with texts of about 300 varied characters.
func TestGenerate(t *testing.T) {
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
		const size = 1500
		o := BuildOrg(size)
		if err := o.Put(ctx, s); err != nil {
			t.Fatal(err)
		}
		end := time.Date(2026, 12, 1, 12, 0, 0, 0, loc)
		var progress []int
		opts := Options{Size: size, Seed: 1, End: end, Keys: keys, Calendar: cal, Location: loc, Batch: 400,
			Progress: func(n int) { progress = append(progress, n) }}
		if err := Generate(ctx, s, o, opts); err != nil {
			t.Fatalf("Generate = %v", err)
		}
		if want := []int{400, 800, 1200, 1500}; len(progress) != len(want) || progress[3] != 1500 {
			t.Errorf("progress = %v, want %v", progress, want)
		}
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != size {
			t.Fatalf("CountComplaints = %d, %v, want %d", n, err, size)
		}
		for _, st := range []tousu.Status{tousu.StatusRegistered, tousu.StatusAccepted, tousu.StatusNotAccepted, tousu.StatusWithdrawn,
			tousu.StatusMerged, tousu.StatusAssigned, tousu.StatusInProgress, tousu.StatusSuspended, tousu.StatusReported,
			tousu.StatusDecided, tousu.StatusReplied, tousu.StatusClosed, tousu.StatusArchived} {
			if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{Statuses: []tousu.Status{st}}); err != nil || n == 0 {
				t.Errorf("CountComplaints(%s) = %d, %v, want some", st, n, err)
			}
		}
		today := tousu.DateOf(end)
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{DueTo: today.AddDays(-1)}); err != nil || n == 0 {
			t.Errorf("overdue complaints = %d, %v, want some", n, err)
		}
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{From: end.AddDate(-1, -11, 0), To: end.AddDate(-1, -10, 0)}); err != nil || n < 30 {
			t.Errorf("complaints received 23 months ago = %d, %v, want a month's share", n, err)
		}
		list, err := s.ListComplaints(ctx, tousu.ComplaintFilter{Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		texts, chars := map[string]bool{}, 0
		for _, c := range list {
			texts[c.Matter] = true
			chars += utf8.RuneCountInString(c.Matter + c.Request)
			evs, err := s.ListEvents(ctx, c.ID)
			if err != nil || len(evs) != c.Version || evs[len(evs)-1].To != c.Status {
				t.Fatalf("%s (%s, version %d): %d events ending at %v, %v; want one per version ending at its status", c.Number, c.Status, c.Version, len(evs), evs[len(evs)-1].To, err)
			}
			if !c.Status.Open() && c.Status != tousu.StatusReplied && c.ClosedAt == nil {
				t.Errorf("%s is %s without a closing instant", c.Number, c.Status)
			}
		}
		if len(texts) < 190 {
			t.Errorf("%d different matters among 200, want nearly all different", len(texts))
		}
		if avg := chars / len(list); avg < 220 || avg > 420 {
			t.Errorf("matter and request average %d characters, want about 300", avg)
		}
		c := list[0]
		who, err := keys.OpenIdentity(c.ID, c.Identity)
		if err != nil {
			t.Fatalf("OpenIdentity(%s) = %v", c.Number, err)
		}
		if !who.Anonymous {
			found, err := s.ListComplaints(ctx, tousu.ComplaintFilter{PhoneIndex: keys.PhoneIndex(who.Phone)})
			if err != nil || len(found) == 0 {
				t.Errorf("ListComplaints by the phone's blind index = %d, %v, want the complaint", len(found), err)
			}
		}
		if _, err := audit.Verify(ctx, s); err != nil {
			t.Errorf("audit.Verify = %v", err)
		}
		// A second run adds to the same database (tousu bench tops a database up).
		more := opts
		more.Size, more.Seed, more.Progress = 300, 2, nil
		if err := Generate(ctx, s, o, more); err != nil {
			t.Fatalf("a second Generate on the same database = %v", err)
		}
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != size+300 {
			t.Errorf("CountComplaints after a second run = %d, %v, want %d", n, err, size+300)
		}
		// A live registration continues the day's numbers.
		if _, err := s.FindComplaint(ctx, app.NumberPrefix+tousu.DateOf(list[len(list)-1].ReceivedAt.In(loc)).Midnight(time.UTC).Format("20060102")+"-0001"); err != nil {
			t.Errorf("the first number of a generated day: %v", err)
		}
	})
}
