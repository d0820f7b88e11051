package storetest

import (
	"testing"
	"time"

	"tousu"
)

// testLegalHolds: a legal hold is stored per complaint, read back with its reason, who
// set it and when; setting it again replaces the reason; lifting removes it and lifting
// what is not there is NotFound; a hold on a complaint that does not exist is NotFound.
func testLegalHolds(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	other := newComplaint(t)
	for _, x := range []*tousu.Complaint{c, other} {
		if err := s.CreateComplaint(ctx, registration(x)); err != nil {
			t.Fatal(err)
		}
	}
	if h, err := s.GetHold(ctx, c.ID); err != nil || h != nil {
		t.Fatalf("GetHold before any = %+v, %v, want none", h, err)
	}
	at := base.Add(time.Hour)
	if err := s.PutHold(ctx, c.ID, tousu.LegalHold{Reason: "行政诉讼", SetBy: "inspector", SetAt: at}); err != nil {
		t.Fatalf("PutHold = %v", err)
	}
	h, err := s.GetHold(ctx, c.ID)
	if err != nil || h == nil || h.Reason != "行政诉讼" || h.SetBy != "inspector" || !h.SetAt.Equal(at) {
		t.Fatalf("GetHold = %+v, %v", h, err)
	}
	if h, err := s.GetHold(ctx, other.ID); err != nil || h != nil {
		t.Errorf("GetHold of another complaint = %+v, %v, want none", h, err)
	}
	if err := s.PutHold(ctx, c.ID, tousu.LegalHold{Reason: "信访复查", SetBy: "supervisor", SetAt: at.Add(time.Hour)}); err != nil {
		t.Fatalf("PutHold again = %v", err)
	}
	if h, err := s.GetHold(ctx, c.ID); err != nil || h == nil || h.Reason != "信访复查" || h.SetBy != "supervisor" {
		t.Errorf("GetHold after replacing = %+v, %v", h, err)
	}
	if err := s.DeleteHold(ctx, c.ID); err != nil {
		t.Fatalf("DeleteHold = %v", err)
	}
	if h, err := s.GetHold(ctx, c.ID); err != nil || h != nil {
		t.Errorf("GetHold after lifting = %+v, %v, want none", h, err)
	}
	wantKind(t, "DeleteHold with none", s.DeleteHold(ctx, c.ID), tousu.KindNotFound)
	wantKind(t, "PutHold of a missing complaint", s.PutHold(ctx, "no-such-id", tousu.LegalHold{Reason: "x", SetBy: "y", SetAt: at}),
		tousu.KindNotFound)
	wantKind(t, "PutHold of a NUL id", s.PutHold(ctx, "a\x00b", tousu.LegalHold{Reason: "x", SetBy: "y", SetAt: at}), tousu.KindNotFound)
}
