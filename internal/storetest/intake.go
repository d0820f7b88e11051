package storetest

import (
	"testing"
	"time"

	"tousu"
)

// testIntake: who first received a complaint, when it was handed over and the 逾期移交
// flag survive a round trip and an update; the name's blind index and the flag filter
// lists (issue 11).
func testIntake(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	handed := base.Add(26 * time.Hour).UTC()
	late := newComplaint(t)
	late.Identity = tousu.SealedIdentity{NameIndex: "blind-name-1", PhoneIndex: "blind-phone-1"}
	late.Intake = tousu.Intake{Staff: "A0042", Unit: "win-3", HandedOverAt: &handed}
	late.LateHandover = true
	create(t, s, late)
	onTime := create(t, s, newComplaint(t))

	got, err := s.FindComplaint(ctx, late.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Intake.Staff != "A0042" || got.Intake.Unit != "win-3" || got.Intake.HandedOverAt == nil ||
		!got.Intake.HandedOverAt.Equal(handed) || !got.LateHandover || got.Identity.NameIndex != "blind-name-1" {
		t.Errorf("FindComplaint: intake %+v, late %v, name index %q; want A0042 at win-3 handed over %v, late, blind-name-1",
			got.Intake, got.LateHandover, got.Identity.NameIndex, handed)
	}
	if got, _ := s.FindComplaint(ctx, onTime.Number); got.LateHandover || got.Intake.HandedOverAt != nil || got.Intake.Staff != "" {
		t.Errorf("a complaint without intake details reads back %+v, late %v", got.Intake, got.LateHandover)
	}

	list := func(f tousu.ComplaintFilter) []string {
		t.Helper()
		f.Limit = 10
		cs, err := s.ListComplaints(ctx, f)
		if err != nil {
			t.Fatalf("ListComplaints(%+v) = %v", f, err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Number)
		}
		return out
	}
	if got := list(tousu.ComplaintFilter{LateHandover: true}); len(got) != 1 || got[0] != late.Number {
		t.Errorf("LateHandover filter = %v, want [%s]", got, late.Number)
	}
	if got := list(tousu.ComplaintFilter{NameIndex: "blind-name-1"}); len(got) != 1 || got[0] != late.Number {
		t.Errorf("NameIndex filter = %v, want [%s]", got, late.Number)
	}
	if got := list(tousu.ComplaintFilter{TargetStaff: "A0042"}); len(got) != 0 {
		t.Errorf("TargetStaff filter = %v before any names A0042", got)
	}
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{LateHandover: true}); err != nil || n != 1 {
		t.Errorf("CountComplaints(late) = %d, %v; want 1", n, err)
	}

	// An amendment corrects the name and the handover: the old index no longer finds it.
	got.Identity.NameIndex = "blind-name-2"
	got.Intake = tousu.Intake{Staff: "A0043", Unit: "win-4"}
	got.LateHandover = false
	got.Target.Staff = "A0099"
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: got}); err != nil {
		t.Fatal(err)
	}
	if got := list(tousu.ComplaintFilter{NameIndex: "blind-name-1"}); len(got) != 0 {
		t.Errorf("old name index still finds %v", got)
	}
	if got := list(tousu.ComplaintFilter{NameIndex: "blind-name-2"}); len(got) != 1 {
		t.Errorf("new name index finds %v", got)
	}
	if got := list(tousu.ComplaintFilter{LateHandover: true}); len(got) != 0 {
		t.Errorf("late filter after correction = %v, want none", got)
	}
	if got := list(tousu.ComplaintFilter{TargetStaff: "A0099"}); len(got) != 1 || got[0] != late.Number {
		t.Errorf("TargetStaff filter = %v, want [%s]", got, late.Number)
	}
	again, _ := s.FindComplaint(ctx, late.Number)
	if again.Intake.Staff != "A0043" || again.Intake.HandedOverAt != nil {
		t.Errorf("updated intake = %+v", again.Intake)
	}

	// A key rotation re-seals the identity with every blind index, the name's included:
	// complaints registered before the name had one get it then.
	if err := s.UpdateIdentity(ctx, onTime.ID, tousu.SealedIdentity{NameIndex: "blind-name-3", PhoneIndex: "p3"}); err != nil {
		t.Fatal(err)
	}
	if got := list(tousu.ComplaintFilter{NameIndex: "blind-name-3"}); len(got) != 1 || got[0] != onTime.Number {
		t.Errorf("name index after UpdateIdentity finds %v, want [%s]", got, onTime.Number)
	}
}
