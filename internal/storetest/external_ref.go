package storetest

import (
	"testing"

	"tousu"
)

// testExternalRef: the reference another system gave a complaint (the 12345 order
// number) is kept, read back, survives updates, and is unique: a second complaint with
// the same reference is refused as a conflict with nothing stored, while any number of
// complaints have none.
func testExternalRef(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	first := newComplaint(t)
	first.Channel = tousu.ChannelHotline
	first.ExternalRef = "GD20261127000123"
	if err := s.CreateComplaint(ctx, registration(first)); err != nil {
		t.Fatalf("CreateComplaint with an external reference = %v", err)
	}
	got, err := s.FindComplaint(ctx, first.Number)
	if err != nil || got.ExternalRef != "GD20261127000123" {
		t.Fatalf("FindComplaint = %+v, %v, want ExternalRef GD20261127000123", got, err)
	}
	got.Status = tousu.StatusAccepted
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: got, Event: &tousu.Event{Type: "accept", Actor: "clerk1",
		At: base, From: tousu.StatusRegistered, To: tousu.StatusAccepted}}); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	if list, err := s.ListComplaints(ctx, tousu.ComplaintFilter{}); err != nil || len(list) != 1 || list[0].ExternalRef != "GD20261127000123" {
		t.Fatalf("ListComplaints after an update = %v, %v, want the reference kept", list, err)
	}

	again := newComplaint(t)
	again.ExternalRef = "GD20261127000123"
	wantKind(t, "CreateComplaint with a used external reference", s.CreateComplaint(ctx, registration(again)), tousu.KindConflict)
	for i := 0; i < 2; i++ {
		if err := s.CreateComplaint(ctx, registration(newComplaint(t))); err != nil {
			t.Fatalf("CreateComplaint without a reference = %v", err)
		}
	}
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != 3 {
		t.Errorf("CountComplaints = %d, %v, want 3", n, err)
	}
}
