package storetest

import (
	"testing"

	"tousu"
)

// testHostileValues looks up and filters by values no complaint, account or staff member
// has — a NUL byte, bytes that are not UTF-8, as a hostile request may carry — and pages
// after forged cursors. Every store answers as for any other unknown value: not found, or
// nothing selected, never an error; a forged cursor ID compares byte by byte.
func testHostileValues(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := create(t, s, newComplaint(t)) // owner centre, no target, due 2026-12-18
	for _, bad := range []string{"TS\x00", "\xff\xfe"} {
		lookups := []struct {
			name string
			err  error
		}{
			{"FindComplaint", func() error { _, err := s.FindComplaint(ctx, bad); return err }()},
			{"FindUser", func() error { _, err := s.FindUser(ctx, bad); return err }()},
			{"FindStaff", func() error { _, err := s.FindStaff(ctx, bad); return err }()},
			{"FindToken", func() error { _, err := s.FindToken(ctx, bad); return err }()},
			{"FindIdempotency", func() error { _, err := s.FindIdempotency(ctx, bad, bad); return err }()},
			{"UpdateUser", s.UpdateUser(ctx, &tousu.User{Login: bad, Name: "无"})},
			{"CreateToken", s.CreateToken(ctx, tousu.Token{Hash: "h", Login: bad, CreatedAt: base})},
			{"OpenAttachment", func() error { _, err := s.OpenAttachment(ctx, bad, 1); return err }()},
			{"UpdateIdentity", s.UpdateIdentity(ctx, bad, tousu.SealedIdentity{Anonymous: true})},
			{"FindSession", func() error { _, _, err := s.FindSession(ctx, bad); return err }()},
			{"GetSetting", func() error { _, err := s.GetSetting(ctx, bad); return err }()},
		}
		for _, l := range lookups {
			wantKind(t, l.name+"("+quote(bad)+")", l.err, tousu.KindNotFound)
		}
		filters := []struct {
			name   string
			filter tousu.ComplaintFilter
			want   int
		}{
			{"query", tousu.ComplaintFilter{Query: bad}, 0},
			{"scope", tousu.ComplaintFilter{Scope: []string{bad}}, 0},
			{"scope with a known unit", tousu.ComplaintFilter{Scope: []string{bad, "centre"}}, 1},
			{"units", tousu.ComplaintFilter{Units: []string{bad}}, 0},
			{"assigned units", tousu.ComplaintFilter{AssignedUnits: []string{bad}}, 0},
			{"assisted by", tousu.ComplaintFilter{AssistedBy: []string{bad}}, 0},
			{"assisting units", tousu.ComplaintFilter{AssignedUnits: []string{bad}, AssistingUnits: []string{bad}}, 0},
			{"handler", tousu.ComplaintFilter{Handler: bad}, 0},
			{"statuses", tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.Status(bad)}}, 0},
			{"kind", tousu.ComplaintFilter{Kind: tousu.Kind(bad)}, 0},
			{"channel", tousu.ComplaintFilter{Channel: tousu.Channel(bad)}, 0},
			{"category", tousu.ComplaintFilter{Category: bad}, 0},
			{"recusal", tousu.ComplaintFilter{ExcludeTargetStaff: bad}, 1},
		}
		for _, f := range filters {
			got, err := s.ListComplaints(ctx, f.filter)
			if err != nil || len(got) != f.want {
				t.Errorf("%s %s: ListComplaints = %d, %v, want %d", f.name, quote(bad), len(got), err, f.want)
			}
			if n, err := s.CountComplaints(ctx, f.filter); err != nil || n != f.want {
				t.Errorf("%s %s: CountComplaints = %d, %v, want %d", f.name, quote(bad), n, err, f.want)
			}
		}
		if evs, err := s.ListEvents(ctx, bad); err != nil || len(evs) != 0 {
			t.Errorf("ListEvents(%s) = %d events, %v, want none", quote(bad), len(evs), err)
		}
		if st, err := s.ListStaff(ctx, bad); err != nil || len(st) != 0 {
			t.Errorf("ListStaff(%s) = %d, %v, want none", quote(bad), len(st), err)
		}
		if as, err := s.ListAttachments(ctx, bad); err != nil || len(as) != 0 {
			t.Errorf("ListAttachments(%s) = %d, %v, want none", quote(bad), len(as), err)
		}
		if err := s.DeleteSession(ctx, bad); err != nil {
			t.Errorf("DeleteSession(%s) = %v, want no error", quote(bad), err)
		}
		for _, f := range []tousu.MessageFilter{{ToLogin: bad}, {Status: tousu.MessageStatus(bad)}, {Channel: tousu.MessageChannel(bad)}} {
			if ms, err := s.ListMessages(ctx, f); err != nil || len(ms) != 0 {
				t.Errorf("ListMessages(%+v) = %d, %v, want none", f, len(ms), err)
			}
		}
	}

	// Forged ListSealed positions compare byte by byte with the stored IDs, which are hex.
	sealed := []struct {
		after string
		want  int
	}{
		{"\x00", 1},
		{c.ID + "\x00", 0},
		{"\xff\xfe", 0},
	}
	for _, sl := range sealed {
		if rows, err := s.ListSealed(ctx, sl.after, 10); err != nil || len(rows) != sl.want {
			t.Errorf("ListSealed(%s) = %d rows, %v, want %d", quote(sl.after), len(rows), err, sl.want)
		}
	}

	// Forged cursors: the ID compares byte by byte with the stored one.
	key := c.ReceivedAt.UnixMilli()
	cursors := []struct {
		name  string
		order tousu.Order
		after tousu.Cursor
		want  int
	}{
		{"newest, an ID below every ID", tousu.OrderNewest, tousu.Cursor{Key: key, ID: "\x00"}, 0},
		{"newest, an ID above every ID", tousu.OrderNewest, tousu.Cursor{Key: key, ID: "\xff\xfe"}, 1},
		{"newest, the ID with a NUL after it", tousu.OrderNewest, tousu.Cursor{Key: key, ID: c.ID + "\x00"}, 1},
		{"newest, a later instant", tousu.OrderNewest, tousu.Cursor{Key: key + 1, ID: "\x00"}, 1},
		// An unknown ID has no received_at: the due date alone decides, and on the same
		// day nothing is after it.
		{"due, an unknown ID on the same day", tousu.OrderDue, tousu.Cursor{Key: 20261218, ID: "\xff\xfe"}, 0},
		{"due, an unknown ID the day before", tousu.OrderDue, tousu.Cursor{Key: 20261217, ID: "TS\x00"}, 1},
		{"due, an unknown ID without a date", tousu.OrderDue, tousu.Cursor{Key: 0, ID: "TS\x00"}, 1},
		{"due, an unknown ID on a later day", tousu.OrderDue, tousu.Cursor{Key: 20261219, ID: "TS\x00"}, 0},
	}
	for _, cc := range cursors {
		got, err := s.ListComplaints(ctx, tousu.ComplaintFilter{Order: cc.order, After: &cc.after})
		if err != nil || len(got) != cc.want {
			t.Errorf("%s: ListComplaints = %d, %v, want %d", cc.name, len(got), err, cc.want)
		}
	}
}

func quote(s string) string { return "\"" + s + "\"" }
