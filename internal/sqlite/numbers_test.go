package sqlite_test

import (
	"testing"

	"tousu"
	"tousu/internal/storetest"
)

// TestNumbersGapless: on SQLite a registration refused after taking its number (a used
// ID) gives the number back: the next registration gets it.
func TestNumbersGapless(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	reg := func(c *tousu.Complaint) *tousu.Change {
		return &tousu.Change{Complaint: c, NumberPrefix: "TS20261127",
			Event: &tousu.Event{Type: tousu.EventRegister, Actor: "clerk1", At: c.ReceivedAt, To: c.Status}}
	}
	first := storetest.Complaint("a1")
	if err := s.CreateComplaint(ctx, reg(first)); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateComplaint(ctx, reg(storetest.Complaint("a1"))); !tousu.IsKind(err, tousu.KindConflict) {
		t.Fatalf("CreateComplaint with a used ID = %v, want kind conflict", err)
	}
	next := storetest.Complaint("a2")
	if err := s.CreateComplaint(ctx, reg(next)); err != nil {
		t.Fatal(err)
	}
	if first.Number != "TS20261127-0001" || next.Number != "TS20261127-0002" {
		t.Errorf("numbers = %s, %s, want -0001 and -0002: a refused registration gives its number back", first.Number, next.Number)
	}
}
