package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"tousu"
)

// testStatsConcurrent: complaints registered and changed by many writers at once, while
// a folder folds the queue a few changes at a time, and changed again with no fold at
// all: the figures read right after the last write equal a recount from the complaints,
// at both grains — the read folds what is queued — and nothing is left to fold after the
// read.
func testStatsConcurrent(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	for _, u := range []tousu.Unit{{Code: "centre", Name: "中心"}, {Code: "dept-a", Name: "甲局", Parent: "centre"},
		{Code: "win-a1", Name: "甲窗口", Parent: "dept-a"}, {Code: "dept-b", Name: "乙局", Parent: "centre"}} {
		if err := s.PutUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	const workers, each = 8, 10
	units := []string{"win-a1", "dept-a", "dept-b", "win-x"}
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, beijing)
	all := make([][]*tousu.Complaint, workers)
	write := func(w int, register bool, step func(i int, c *tousu.Complaint) (*tousu.Change, bool)) {
		for i, c := range all[w] {
			ch, ok := step(i, c)
			if !ok {
				continue
			}
			var err error
			if register {
				err = s.CreateComplaint(ctx, ch)
			} else {
				err = s.UpdateComplaint(ctx, ch)
			}
			if err != nil {
				t.Errorf("worker %d, complaint %d: %v", w, i, err)
				return
			}
		}
	}
	change := func(c *tousu.Complaint, typ tousu.EventType, to tousu.Status, at time.Time) *tousu.Change {
		ev := &tousu.Event{Type: typ, Actor: "sup1", ActorName: "督查员乙", At: at, From: c.Status, To: to}
		c.Status, c.UpdatedAt = to, at
		return &tousu.Change{Complaint: c, Event: ev}
	}
	for w := range workers {
		for i := range each {
			c := newComplaint(t)
			// Receipts over two months, so that rows of several days and months are shared.
			c.ReceivedAt = start.Add(time.Duration((w*each+i)*13) * time.Hour)
			c.CreatedAt, c.UpdatedAt = c.ReceivedAt, c.ReceivedAt
			c.Target = tousu.Target{Unit: units[(w+i)%len(units)], Staff: []string{"", "A001", "A002"}[i%3]}
			c.Categories = [][]string{{"attitude"}, {"attitude", "efficiency"}, {"fees"}}[(w+i)%3]
			c.Channel = []tousu.Channel{tousu.ChannelVisit, tousu.ChannelPhone, tousu.ChannelWeb}[i%3]
			// A worker's complainants come back (repeats), one worker's only, so that
			// which complaint is earlier never depends on the order of the writers.
			c.Identity.PhoneIndex = fmt.Sprintf("phone-%d-%d", w, i%4)
			c.Handling.Stats.ReceivedOn = tousu.DateOf(c.ReceivedAt.In(beijing))
			all[w] = append(all[w], c)
		}
	}
	// Registrations, replies, decisions and ratings from every worker at once, while a
	// folder takes a few changes at a time.
	done := make(chan struct{})
	var folder sync.WaitGroup
	folder.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := s.FoldStats(ctx, 7); err != nil {
				t.Errorf("FoldStats while writing = %v", err)
				return
			}
		}
	})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			write(w, true, func(_ int, c *tousu.Complaint) (*tousu.Change, bool) { return registration(c), true })
			write(w, false, func(i int, c *tousu.Complaint) (*tousu.Change, bool) {
				at := c.ReceivedAt.Add(24 * time.Hour)
				received := tousu.DateOf(c.ReceivedAt.In(beijing))
				switch i % 4 {
				case 0:
					c.Handling.Stats.Withdrawn = true
					return change(c, "withdraw", tousu.StatusWithdrawn, at), true
				case 1:
					c.Handling.Stats.FirstReplyOn = received.AddDays(2 + i)
					c.Handling.Stats.FirstReplyDue = received.AddDays(10)
					c.Handling.Stats.FirstReplyWorkdays = 2 + i
					c.Decision = &tousu.Decision{Finding: tousu.FindingFounded}
					c.Handling.Stats.DecidedOn = c.Handling.Stats.FirstReplyOn
					return change(c, "resolve", tousu.StatusReplied, at), true
				case 2:
					c.Target.Unit = units[(w+i+1)%len(units)]
					return change(c, "amend", c.Status, at), true
				}
				return nil, false
			})
		})
	}
	wg.Wait()
	close(done)
	folder.Wait()
	// More changes, none folded: ratings, and replies late.
	for w := range workers {
		wg.Go(func() {
			write(w, false, func(i int, c *tousu.Complaint) (*tousu.Change, bool) {
				at := c.ReceivedAt.Add(48 * time.Hour)
				switch i % 4 {
				case 1:
					c.Satisfaction = 1 + (w+i)%5
					c.Handling.Stats.RatedOn = c.Handling.Stats.FirstReplyOn.AddDays(1)
					return change(c, "feedback", tousu.StatusClosed, at), true
				case 3:
					received := tousu.DateOf(c.ReceivedAt.In(beijing))
					c.Handling.Stats.FirstReplyOn = received.AddDays(25)
					c.Handling.Stats.FirstReplyDue = received.AddDays(20)
					c.Handling.Stats.FirstReplyWorkdays = 18
					return change(c, "reply", tousu.StatusReplied, at), true
				}
				return nil, false
			})
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	want := recount(t, s)
	if len(want) == 0 {
		t.Fatal("the recount found nothing: the fixture counts nothing")
	}
	for _, grain := range []string{"d", "m"} {
		compareRollups(t, "written concurrently", statsRows(t, s, grain), want, grain)
	}
	if n, err := s.FoldStats(ctx, 1000); n != 0 || err != nil {
		t.Errorf("FoldStats after a read = %d, %v: the read left changes unfolded", n, err)
	}
	// Rebuilding gives the same figures, and leaves nothing queued to count twice.
	if err := s.RebuildStats(ctx); err != nil {
		t.Fatalf("RebuildStats = %v", err)
	}
	if n, err := s.FoldStats(ctx, 1000); n != 0 || err != nil {
		t.Errorf("FoldStats after RebuildStats = %d, %v, want nothing queued", n, err)
	}
	for _, grain := range []string{"d", "m"} {
		compareRollups(t, "rebuilt", statsRows(t, s, grain), want, grain)
	}
}
