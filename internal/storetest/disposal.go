package storetest

import (
	"testing"
	"time"

	"tousu"
)

// testDisposal: a proposal stores its items and is found and listed; a case in a pending
// proposal cannot be proposed again; approval writes the scrubbed projection, rewrites
// event payloads through keep, deletes the case's attachments and the files only it
// held (a file another case shares stays), empties its messages, and marks the disposal
// approved; approving or refusing it again is a conflict; DisposalOf finds it.
func testDisposal(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	other := newComplaint(t)
	shared := attachment("共享.txt", "text/plain", []byte("shared"), base)
	own := attachment("张三身份证.txt", "text/plain", []byte("only mine"), base)
	ch := registration(c)
	ch.Attachments = []tousu.Attachment{shared, own}
	ch.Outbox = []tousu.Message{{Channel: tousu.MessageSMS, To: []byte("sealed-phone"), Subject: "受理", Body: "您的投诉已受理", CreatedAt: base}}
	if err := s.CreateComplaint(ctx, ch); err != nil {
		t.Fatal(err)
	}
	och := registration(other)
	och.Attachments = []tousu.Attachment{shared}
	if err := s.CreateComplaint(ctx, och); err != nil {
		t.Fatal(err)
	}
	item := func(x *tousu.Complaint) tousu.DisposalItem {
		return tousu.DisposalItem{ComplaintID: x.ID, Number: x.Number, Kind: x.Kind, Unit: "centre", ReceivedAt: x.ReceivedAt,
			ArchivedOn: tousu.MustDate("2010-01-05"), Class: "10y", RetainUntil: tousu.MustDate("2020-01-05"), Attachments: 2}
	}
	d := &tousu.Disposal{Reason: "保管期限已满", ProposedBy: "archivist", ProposedAt: base, Items: []tousu.DisposalItem{item(c)}}
	if err := s.CreateDisposal(ctx, d, nil); err != nil || d.ID == 0 || d.Status != tousu.DisposalProposed {
		t.Fatalf("CreateDisposal = %v, %+v", err, d)
	}
	again := &tousu.Disposal{Reason: "再次", ProposedBy: "archivist", ProposedAt: base, Items: []tousu.DisposalItem{item(c)}}
	wantKind(t, "CreateDisposal of a case already proposed", s.CreateDisposal(ctx, again, nil), tousu.KindConflict)
	missing := &tousu.Disposal{Reason: "x", ProposedBy: "archivist", ProposedAt: base,
		Items: []tousu.DisposalItem{{ComplaintID: "no-such-id", Number: "X", Kind: tousu.KindComplaint, ArchivedOn: tousu.MustDate("2010-01-05")}}}
	wantKind(t, "CreateDisposal of a missing case", s.CreateDisposal(ctx, missing, nil), tousu.KindNotFound)

	got, err := s.FindDisposal(ctx, d.ID)
	if err != nil || len(got.Items) != 1 || !sameItem(got.Items[0], item(c)) || got.Reason != "保管期限已满" || !got.ProposedAt.Equal(base) {
		t.Fatalf("FindDisposal = %+v, %v", got, err)
	}
	wantKind(t, "FindDisposal(missing)", func() error { _, err := s.FindDisposal(ctx, d.ID+100); return err }(), tousu.KindNotFound)
	if x, err := s.DisposalOf(ctx, c.ID); err != nil || x != nil {
		t.Errorf("DisposalOf before approval = %+v, %v, want none", x, err)
	}

	scrubbed := find(t, s, c.Number)
	scrubbed.Matter, scrubbed.Request = "", ""
	scrubbed.Identity = tousu.SealedIdentity{}
	keep := func(typ tousu.EventType, p []byte) []byte { return []byte(`{"kept":"` + string(typ) + `"}`) }
	at := base.Add(time.Hour)
	d.DecidedBy, d.DecidedAt, d.Note = "leader", &at, "同意"
	if err := s.ApproveDisposal(ctx, d, []*tousu.Complaint{scrubbed}, keep, nil); err != nil {
		t.Fatalf("ApproveDisposal = %v", err)
	}
	after := find(t, s, c.Number)
	if after.Matter != "" || after.Request != "" || after.Version != 2 {
		t.Errorf("after disposal: matter %q, request %q, version %d", after.Matter, after.Request, after.Version)
	}
	evs, err := s.ListEvents(ctx, c.ID)
	if err != nil || len(evs) != 1 || string(evs[0].Payload) != `{"kept":"register"}` {
		t.Errorf("events after disposal = %+v, %v", evs, err)
	}
	if as, err := s.ListAttachments(ctx, c.ID); err != nil || len(as) != 0 {
		t.Errorf("attachments after disposal = %+v, %v", as, err)
	}
	if as, err := s.ListAttachments(ctx, other.ID); err != nil || len(as) != 1 {
		t.Fatalf("the other case's attachments = %+v, %v", as, err)
	} else if a, err := s.OpenAttachment(ctx, other.ID, as[0].ID); err != nil || string(a.Data) != "shared" {
		t.Errorf("the shared file after disposal = %v, %v", a, err)
	}
	if n, err := s.EvidenceBytes(ctx); err != nil || n != int64(len("shared")) {
		t.Errorf("EvidenceBytes after disposal = %d, %v, want only the shared file", n, err)
	}
	ms, err := s.ListMessages(ctx, tousu.MessageFilter{})
	for _, m := range ms {
		if m.ComplaintID == c.ID && (m.To != nil || m.Body != "" || m.Subject != "" || m.Status != tousu.MessageDead) {
			t.Errorf("message after disposal = %+v", m)
		}
	}
	if err != nil || len(ms) == 0 {
		t.Errorf("ListMessages = %d, %v", len(ms), err)
	}
	if x, err := s.DisposalOf(ctx, c.ID); err != nil || x == nil || x.ID != d.ID || x.DecidedBy != "leader" || x.Status != tousu.DisposalApproved {
		t.Errorf("DisposalOf = %+v, %v", x, err)
	}
	wantKind(t, "ApproveDisposal again", s.ApproveDisposal(ctx, d, nil, keep, nil), tousu.KindConflict)
	wantKind(t, "RefuseDisposal of an approved one", s.RefuseDisposal(ctx, d, nil), tousu.KindConflict)
	wantKind(t, "CreateDisposal of a disposed case", s.CreateDisposal(ctx, again, nil), tousu.KindConflict)

	// A refused proposal frees its case for another.
	r := &tousu.Disposal{Reason: "保管期限已满", ProposedBy: "archivist", ProposedAt: base, Items: []tousu.DisposalItem{item(other)}}
	if err := s.CreateDisposal(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	r.DecidedBy, r.DecidedAt, r.Note = "leader", &at, "仍有参考价值"
	if err := s.RefuseDisposal(ctx, r, nil); err != nil {
		t.Fatalf("RefuseDisposal = %v", err)
	}
	r2 := &tousu.Disposal{Reason: "再议", ProposedBy: "archivist", ProposedAt: base, Items: []tousu.DisposalItem{item(other)}}
	if err := s.CreateDisposal(ctx, r2, nil); err != nil {
		t.Errorf("CreateDisposal after a refusal = %v", err)
	}
	// A stale version is a conflict and changes nothing.
	stale := find(t, s, other.Number)
	stale.Version--
	r2.DecidedBy, r2.DecidedAt = "leader", &at
	wantKind(t, "ApproveDisposal with a stale version", s.ApproveDisposal(ctx, r2, []*tousu.Complaint{stale}, keep, nil), tousu.KindConflict)
	if x, _ := s.FindDisposal(ctx, r2.ID); x == nil || x.Status != tousu.DisposalProposed {
		t.Errorf("disposal after a failed approval = %+v, want still proposed", x)
	}
	list, err := s.ListDisposals(ctx)
	if err != nil || len(list) != 3 || list[0].ID != r2.ID || len(list[2].Items) != 1 {
		t.Errorf("ListDisposals = %+v, %v", list, err)
	}
}

// sameItem compares two disposal items, their instants by Equal.
func sameItem(a, b tousu.DisposalItem) bool {
	if !a.ReceivedAt.Equal(b.ReceivedAt) {
		return false
	}
	a.ReceivedAt, b.ReceivedAt = time.Time{}, time.Time{}
	return a == b
}
