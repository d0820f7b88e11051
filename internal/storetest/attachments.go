package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"tousu"
)

// attachment is an upload of data named name, with its hash and size as the domain sets them.
func attachment(name, contentType string, data []byte, at time.Time) tousu.Attachment {
	sum := sha256.Sum256(data)
	return tousu.Attachment{
		SHA256: hex.EncodeToString(sum[:]), Name: name, ContentType: contentType, Size: int64(len(data)),
		UploadedBy: "clerk1", CreatedAt: at, Data: data,
	}
}

// attachmentDiff lists the fields in which got differs from want, Data aside.
func attachmentDiff(got, want tousu.Attachment) []string {
	var diffs []string
	check := func(name string, g, w any) {
		if g != w {
			diffs = append(diffs, fmt.Sprintf("%s = %#v, want %#v", name, g, w))
		}
	}
	check("ID", got.ID, want.ID)
	check("ComplaintID", got.ComplaintID, want.ComplaintID)
	check("SHA256", got.SHA256, want.SHA256)
	check("Name", got.Name, want.Name)
	check("ContentType", got.ContentType, want.ContentType)
	check("Size", got.Size, want.Size)
	check("UploadedBy", got.UploadedBy, want.UploadedBy)
	if !got.CreatedAt.Equal(want.CreatedAt) {
		diffs = append(diffs, fmt.Sprintf("CreatedAt = %v, want %v", got.CreatedAt, want.CreatedAt))
	}
	return diffs
}

// checkAttachments fails the test unless the complaint's attachments are want, in order,
// listed without their data and each opening with it.
func checkAttachments(t *testing.T, s tousu.Store, what, complaintID string, want []tousu.Attachment) {
	t.Helper()
	got, err := s.ListAttachments(t.Context(), complaintID)
	if err != nil {
		t.Fatalf("%s: ListAttachments = %v", what, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%s: ListAttachments = %d attachments, want %d", what, len(got), len(want))
	}
	for i, g := range got {
		for _, d := range attachmentDiff(g, want[i]) {
			t.Errorf("%s: ListAttachments[%d]: %s", what, i, d)
		}
		if g.Data != nil {
			t.Errorf("%s: ListAttachments[%d].Data = %d bytes, want none: lists do not carry content", what, i, len(g.Data))
		}
		opened, err := s.OpenAttachment(t.Context(), complaintID, g.ID)
		if err != nil {
			t.Errorf("%s: OpenAttachment(%d) = %v", what, g.ID, err)
			continue
		}
		for _, d := range attachmentDiff(*opened, want[i]) {
			t.Errorf("%s: OpenAttachment(%d): %s", what, g.ID, d)
		}
		if !bytes.Equal(opened.Data, want[i].Data) {
			t.Errorf("%s: OpenAttachment(%d).Data = %q, want %q", what, g.ID, opened.Data, want[i].Data)
		}
	}
}

func testAttachments(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	ch := registration(c)
	ch.Attachments = []tousu.Attachment{
		attachment("收费票据.jpg", "image/jpeg", []byte{0xff, 0xd8, 0xff, 0x00, 0x01, 0x80}, base.Add(time.Millisecond)),
		attachment("情况说明.pdf", "application/pdf", []byte("%PDF-1.7\n情况说明"), base.Add(2*time.Millisecond)),
		attachment("空白.txt", "text/plain", []byte{}, base.Add(3*time.Millisecond)),
	}
	if err := s.CreateComplaint(ctx, ch); err != nil {
		t.Fatalf("CreateComplaint with attachments = %v", err)
	}
	for i, a := range ch.Attachments {
		if a.ID == 0 || (i > 0 && a.ID == ch.Attachments[i-1].ID) || a.ComplaintID != c.ID {
			t.Errorf("CreateComplaint: Attachments[%d] ID, ComplaintID = %d, %q, want a new ID, %q", i, a.ID, a.ComplaintID, c.ID)
		}
	}
	want := ch.Attachments
	checkAttachments(t, s, "after CreateComplaint", c.ID, want)

	// An update adds attachments after the earlier ones.
	c.UpdatedAt = base.Add(time.Hour)
	uch := &tousu.Change{Complaint: c, Event: &tousu.Event{Type: "note", Actor: "h1", At: c.UpdatedAt, From: c.Status, To: c.Status},
		Attachments: []tousu.Attachment{attachment("调查笔录.docx", "application/zip", []byte("PK\x03\x04笔录"), c.UpdatedAt)}}
	if err := s.UpdateComplaint(ctx, uch); err != nil {
		t.Fatalf("UpdateComplaint with an attachment = %v", err)
	}
	if a := uch.Attachments[0]; a.ID == 0 || a.ComplaintID != c.ID {
		t.Errorf("UpdateComplaint: Attachments[0] ID, ComplaintID = %d, %q, want a new ID, %q", a.ID, a.ComplaintID, c.ID)
	}
	want = append(want, uch.Attachments...)
	checkAttachments(t, s, "after UpdateComplaint", c.ID, want)

	// An attachment opens only through its own complaint.
	other := create(t, s, newComplaint(t))
	wantKind(t, "OpenAttachment through another complaint", func() error {
		_, err := s.OpenAttachment(ctx, other.ID, want[0].ID)
		return err
	}(), tousu.KindNotFound)
	if got, err := s.ListAttachments(ctx, other.ID); err != nil || len(got) != 0 {
		t.Errorf("ListAttachments(complaint without any) = %d attachments, %v, want none and no error", len(got), err)
	}
}

func testAttachmentDedup(t *testing.T, s tousu.Store) {
	// Two complaints attach the same content: it is one file stored, two attachments.
	data := bytes.Repeat([]byte("同一张收费票据的照片\x00"), 1000)
	var (
		complaints []*tousu.Complaint
		wants      [][]tousu.Attachment
	)
	for i, name := range []string{"票据.jpg", "发票照片.jpg"} {
		c := newComplaint(t)
		ch := registration(c)
		ch.Attachments = []tousu.Attachment{attachment(name, "image/jpeg", data, base.Add(time.Duration(i)*time.Second))}
		if err := s.CreateComplaint(t.Context(), ch); err != nil {
			t.Fatalf("CreateComplaint(%d) with the same content = %v", i, err)
		}
		complaints = append(complaints, c)
		wants = append(wants, ch.Attachments)
	}
	if a, b := wants[0][0], wants[1][0]; a.ID == b.ID || a.SHA256 != b.SHA256 {
		t.Errorf("the same content attached twice: IDs %d, %d and hashes %s, %s, want two IDs and one hash", a.ID, b.ID, a.SHA256, b.SHA256)
	}
	for i, c := range complaints {
		checkAttachments(t, s, fmt.Sprintf("complaint %d", i), c.ID, wants[i])
	}
	// The same content twice in one change is two attachments too.
	c := newComplaint(t)
	ch := registration(c)
	ch.Attachments = []tousu.Attachment{
		attachment("a.jpg", "image/jpeg", data, base),
		attachment("b.jpg", "image/jpeg", data, base),
	}
	if err := s.CreateComplaint(t.Context(), ch); err != nil {
		t.Fatalf("CreateComplaint with one content twice = %v", err)
	}
	checkAttachments(t, s, "one content twice", c.ID, ch.Attachments)
	// The storage budget counts each content once.
	if n, err := s.EvidenceBytes(t.Context()); err != nil || n != int64(len(data)) {
		t.Errorf("EvidenceBytes = %d, %v; want %d (one content, stored once)", n, err, len(data))
	}
}

func testAttachmentRefused(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	good := attachment("好.jpg", "image/jpeg", []byte("good"), base)
	tests := []struct {
		name string
		bad  tousu.Attachment
	}{
		{"hash of other content", func() tousu.Attachment {
			a := attachment("坏.jpg", "image/jpeg", []byte("bad"), base)
			a.SHA256 = good.SHA256
			return a
		}()},
		{"upper-case hash", func() tousu.Attachment {
			a := attachment("坏.jpg", "image/jpeg", []byte("bad"), base)
			a.SHA256 = string(bytes.ToUpper([]byte(a.SHA256)))
			return a
		}()},
		{"no hash", func() tousu.Attachment {
			a := attachment("坏.jpg", "image/jpeg", []byte("bad"), base)
			a.SHA256 = ""
			return a
		}()},
		{"wrong size", func() tousu.Attachment {
			a := attachment("坏.jpg", "image/jpeg", []byte("bad"), base)
			a.Size++
			return a
		}()},
	}
	for _, tt := range tests {
		// The whole registration is refused: the complaint, its event, audit record,
		// messages and the good attachment beside the bad one.
		c := newComplaint(t)
		ch := registration(c)
		ch.Attachments = []tousu.Attachment{good, tt.bad}
		ch.Outbox = []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "sup1", Subject: "新投诉件", CreatedAt: base}}
		ch.Audit = []tousu.AuditRecord{{At: base, Actor: "clerk1", Action: "register"}}
		wantKind(t, "CreateComplaint with an attachment of "+tt.name, s.CreateComplaint(ctx, ch), tousu.KindInvalid)
		if c.Number != "" || ch.Attachments[0].ID != 0 || ch.Outbox[0].ID != 0 {
			t.Errorf("%s: after a refused registration: Number, attachment ID, message ID = %q, %d, %d, want empty, 0, 0",
				tt.name, c.Number, ch.Attachments[0].ID, ch.Outbox[0].ID)
		}
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != 0 {
			t.Errorf("%s: CountComplaints after a refused registration = %d, %v, want 0", tt.name, n, err)
		}
		if got, err := s.ListAttachments(ctx, c.ID); err != nil || len(got) != 0 {
			t.Errorf("%s: ListAttachments after a refused registration = %d, %v, want none", tt.name, len(got), err)
		}
		if evs, err := s.ListEvents(ctx, c.ID); err != nil || len(evs) != 0 {
			t.Errorf("%s: ListEvents after a refused registration = %d events, %v, want none", tt.name, len(evs), err)
		}
		if ms, err := s.ListMessages(ctx, tousu.MessageFilter{}); err != nil || len(ms) != 0 {
			t.Errorf("%s: ListMessages after a refused registration = %d messages, %v, want none", tt.name, len(ms), err)
		}
		if recs, err := s.ListAudit(ctx, 0, 10); err != nil || len(recs) != 0 {
			t.Errorf("%s: ListAudit after a refused registration = %d records, %v, want none", tt.name, len(recs), err)
		}
	}

	// The refusals used no number, and an update with a bad attachment changes nothing.
	c := create(t, s, newComplaint(t))
	if c.Number != number(1) {
		t.Errorf("Number after refused registrations = %q, want %q", c.Number, number(1))
	}
	c.Status = tousu.StatusAccepted
	uch := &tousu.Change{
		Complaint:   c,
		Event:       &tousu.Event{Type: "accept", Actor: "sup1", At: base, From: tousu.StatusRegistered, To: tousu.StatusAccepted},
		Attachments: []tousu.Attachment{good, tests[0].bad},
		Outbox:      []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "sup1", CreatedAt: base}},
	}
	wantKind(t, "UpdateComplaint with a bad attachment", s.UpdateComplaint(ctx, uch), tousu.KindInvalid)
	if c.Version != 1 {
		t.Errorf("Version after a refused update = %d, want 1", c.Version)
	}
	got := find(t, s, c.Number)
	if got.Status != tousu.StatusRegistered || got.Version != 1 {
		t.Errorf("after a refused update: Status, Version = %s, %d, want registered, 1", got.Status, got.Version)
	}
	if as, err := s.ListAttachments(ctx, c.ID); err != nil || len(as) != 0 {
		t.Errorf("ListAttachments after a refused update = %d, %v, want none", len(as), err)
	}
	if evs, err := s.ListEvents(ctx, c.ID); err != nil || len(evs) != 1 {
		t.Errorf("ListEvents after a refused update = %d events, %v, want 1", len(evs), err)
	}
	if ms, err := s.ListMessages(ctx, tousu.MessageFilter{}); err != nil || len(ms) != 0 {
		t.Errorf("ListMessages after a refused update = %d messages, %v, want none", len(ms), err)
	}
}
