package storetest

import (
	"testing"
	"time"

	"tousu"
)

// testDisclosures: a draft is saved and rewritten; publishing numbers versions per period
// and unit; a published disclosure refuses every change with kind conflict; a missing one
// is not found; the published list leaves drafts out.
func testDisclosures(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	at := base.UTC()
	draft := func() *tousu.Disclosure {
		d := &tousu.Disclosure{Period: "2026-11", Unit: "root", CreatedBy: "sup1", CreatedAt: at,
			Content: tousu.DisclosureContent{Title: "公示", Cases: []tousu.DisclosureCase{{Number: "TS1", Summary: "甲"}}}}
		if err := s.SaveDisclosure(ctx, d, nil); err != nil || d.ID == 0 {
			t.Fatalf("SaveDisclosure(new) = %v, id %d", err, d.ID)
		}
		return d
	}
	d := draft()
	d.Content.Cases[0].Summary = "乙"
	if err := s.SaveDisclosure(ctx, d, []tousu.AuditRecord{{At: at, Actor: "sup1", Action: "disclosure.revise"}}); err != nil {
		t.Fatalf("SaveDisclosure(draft) = %v", err)
	}
	got, err := s.FindDisclosure(ctx, d.ID)
	if err != nil || got.Content.Cases[0].Summary != "乙" || got.Status != tousu.DisclosureDraft || got.Version != 0 {
		t.Fatalf("FindDisclosure = %+v, %v", got, err)
	}
	pub := time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	p, err := s.PublishDisclosure(ctx, d.ID, tousu.Disclosure{Period: d.Period, Unit: d.Unit, PublishedBy: "lead1", PublishedAt: &pub}, nil)
	if err != nil || p.Version != 1 || p.Status != tousu.DisclosurePublished || !p.PublishedAt.Equal(pub) {
		t.Fatalf("PublishDisclosure = %+v, %v", p, err)
	}
	d.Content.Cases[0].Summary = "丙"
	wantKind(t, "SaveDisclosure(published)", s.SaveDisclosure(ctx, d, nil), tousu.KindConflict)
	_, err = s.PublishDisclosure(ctx, d.ID, tousu.Disclosure{Period: d.Period, Unit: d.Unit, PublishedBy: "x", PublishedAt: &pub}, nil)
	wantKind(t, "PublishDisclosure(published)", err, tousu.KindConflict)
	if got, _ := s.FindDisclosure(ctx, d.ID); got.Content.Cases[0].Summary != "乙" {
		t.Errorf("a published disclosure changed: %+v", got.Content)
	}
	d2 := draft()
	if p, err := s.PublishDisclosure(ctx, d2.ID, tousu.Disclosure{Period: d2.Period, Unit: d2.Unit, PublishedBy: "lead1", PublishedAt: &pub}, nil); err != nil || p.Version != 2 {
		t.Errorf("second version = %+v, %v", p, err)
	}
	draft()
	pubs, err := s.ListDisclosures(ctx, true)
	if err != nil || len(pubs) != 2 || pubs[0].Version != 2 {
		t.Errorf("ListDisclosures(published) = %+v, %v", pubs, err)
	}
	if all, err := s.ListDisclosures(ctx, false); err != nil || len(all) != 3 {
		t.Errorf("ListDisclosures(all) = %d, %v", len(all), err)
	}
	_, err = s.FindDisclosure(ctx, 999999)
	wantKind(t, "FindDisclosure(missing)", err, tousu.KindNotFound)
	wantKind(t, "SaveDisclosure(missing)", s.SaveDisclosure(ctx, &tousu.Disclosure{ID: 999999}, nil), tousu.KindNotFound)
}
