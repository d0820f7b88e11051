package storetest

import (
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"tousu"
)

func testSealed(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	byID := make(map[string]*tousu.Complaint)
	for i := range 7 {
		c := newComplaint(t)
		c.Identity = tousu.SealedIdentity{
			Anonymous:     i%3 == 0,
			Fields:        map[string][]byte{"name": {byte(i), 0x00, 0xff}, "phone": []byte("sealed")},
			PhoneIndex:    "phone-" + string(rune('a'+i)),
			IDNumberIndex: "id-" + string(rune('a'+i)),
		}
		if c.Identity.Anonymous {
			c.Identity.Fields, c.Identity.PhoneIndex, c.Identity.IDNumberIndex = nil, "", ""
		}
		byID[c.ID] = create(t, s, c)
	}
	ids := slices.Sorted(maps.Keys(byID))

	// Pages of 3 visit every complaint once, by ID.
	var got []string
	after := ""
	for page := 0; page < 10; page++ {
		rows, err := s.ListSealed(ctx, after, 3)
		if err != nil {
			t.Fatalf("ListSealed(%q, 3) = %v", after, err)
		}
		if len(rows) > 3 {
			t.Fatalf("ListSealed(%q, 3) = %d rows", after, len(rows))
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			got = append(got, r.ID)
			if c := byID[r.ID]; c != nil && !sameIdentity(r.Identity, c.Identity) {
				t.Errorf("ListSealed: %s = %+v, want %+v", r.ID, r.Identity, c.Identity)
			}
		}
		after = rows[len(rows)-1].ID
	}
	if !slices.Equal(got, ids) {
		t.Errorf("ListSealed pages = %v, want %v", got, ids)
	}

	// Re-sealing replaces the identity and indexes, and nothing else: not the version.
	c := byID[ids[1]]
	before := find(t, s, c.Number)
	update(t, s, before, "accept", tousu.StatusAccepted, base.Add(time.Hour)) // version 2
	resealed := tousu.SealedIdentity{
		Anonymous:     !c.Identity.Anonymous,
		Fields:        map[string][]byte{"name": []byte("new-key:name"), "address": {0x01, 0x00}},
		PhoneIndex:    "new-phone-index",
		IDNumberIndex: "new-id-index",
	}
	if err := s.UpdateIdentity(ctx, c.ID, resealed); err != nil {
		t.Fatalf("UpdateIdentity = %v", err)
	}
	after1 := find(t, s, c.Number)
	want := *before
	want.Identity = resealed
	for _, d := range complaintDiff(after1, &want) {
		t.Errorf("FindComplaint after UpdateIdentity: %s", d)
	}
	if after1.Version != 2 {
		t.Errorf("Version after UpdateIdentity = %d, want 2 (unchanged)", after1.Version)
	}
	rows, err := s.ListSealed(ctx, ids[0], 1)
	if err != nil || len(rows) != 1 || rows[0].ID != c.ID || !sameIdentity(rows[0].Identity, resealed) {
		t.Errorf("ListSealed(%q, 1) after UpdateIdentity = %+v, %v, want %s with the new identity", ids[0], rows, err, c.ID)
	}
	// The new blind index finds the complaint; the old one does not.
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{PhoneIndex: "new-phone-index"}); err != nil || n != 1 {
		t.Errorf("CountComplaints(new phone index) = %d, %v, want 1", n, err)
	}
	if c.Identity.PhoneIndex != "" {
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{PhoneIndex: c.Identity.PhoneIndex}); err != nil || n != 0 {
			t.Errorf("CountComplaints(old phone index) = %d, %v, want 0", n, err)
		}
	}
	if rows, err := s.ListSealed(ctx, ids[len(ids)-1], 10); err != nil || len(rows) != 0 {
		t.Errorf("ListSealed(after the last) = %d rows, %v, want none", len(rows), err)
	}
}

// sameIdentity compares sealed identities, a nil map equal to an empty one.
func sameIdentity(got, want tousu.SealedIdentity) bool {
	if len(got.Fields) == 0 && len(want.Fields) == 0 {
		got.Fields, want.Fields = nil, nil
	}
	return reflect.DeepEqual(got, want)
}
