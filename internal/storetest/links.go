package storetest

import (
	"testing"
	"time"

	"tousu"
)

// testLinks: links (关联) are stored both ways with the update that makes them, listed
// newest first with the linked numbers, and counted as repeats for the statistics: a
// complaint linked to one received before it, in the period and scope asked.
func testLinks(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	mk := func(i int, owner string) *tousu.Complaint {
		c := newComplaint(t)
		c.OwnerUnit = owner
		c.ReceivedAt, c.CreatedAt, c.UpdatedAt = day(i), day(i), day(i)
		return create(t, s, c)
	}
	first, second, third, other := mk(0, "centre"), mk(1, "centre"), mk(2, "centre"), mk(3, "centre-2")
	link := func(a, b *tousu.Complaint, at time.Time) {
		t.Helper()
		a.UpdatedAt = at
		ev := &tousu.Event{Type: "link", Actor: "sup1", ActorName: "督查员乙", At: at, From: a.Status, To: a.Status}
		ch := &tousu.Change{Complaint: a, Event: ev, Links: []tousu.ComplaintLink{
			{ComplaintID: a.ID, LinkedID: b.ID, Kind: tousu.LinkRepeat, By: "sup1", At: at},
			{ComplaintID: b.ID, LinkedID: a.ID, Kind: tousu.LinkRepeat, By: "sup1", At: at}}}
		if err := s.UpdateComplaint(ctx, ch); err != nil {
			t.Fatalf("link %s with %s: %v", a.Number, b.Number, err)
		}
	}
	link(second, first, day(5))
	link(third, first, day(6))
	link(other, third, day(7))

	ls, err := s.ListLinks(ctx, first.ID)
	if err != nil || len(ls) != 2 || ls[0].LinkedNumber != third.Number || ls[1].LinkedNumber != second.Number ||
		ls[0].Kind != tousu.LinkRepeat || ls[0].By != "sup1" || !ls[0].At.Equal(day(6)) {
		t.Errorf("ListLinks(first) = %+v, %v, want third then second", ls, err)
	}
	if ls, err := s.ListLinks(ctx, second.ID); err != nil || len(ls) != 1 || ls[0].LinkedID != first.ID {
		t.Errorf("ListLinks(second) = %+v, %v, want first (the other way)", ls, err)
	}
	if ls, err := s.ListLinks(ctx, "nobody\x00"); err != nil || len(ls) != 0 {
		t.Errorf("ListLinks(nobody) = %+v, %v, want none", ls, err)
	}
	for _, tt := range []struct {
		name     string
		from, to time.Time
		scope    []string
		want     int
	}{
		{"all", day(0), day(10), nil, 3},                  // second, third, other
		{"period", day(1), day(2), nil, 1},                // second
		{"scope", day(0), day(10), []string{"centre"}, 2}, // other is centre-2's
		{"before any", day(-5), day(0), nil, 0},
	} {
		if n, err := s.CountRepeats(ctx, tt.from, tt.to, tt.scope); err != nil || n != tt.want {
			t.Errorf("CountRepeats %s = %d, %v, want %d", tt.name, n, err, tt.want)
		}
	}
}
