package storetest

import (
	"testing"
	"time"

	"tousu"
)

// testOutboxNumber: a registration's messages name the new complaint by
// tousu.NumberPlaceholder, which the store replaces with the number it gives; the
// caller's messages show it only once committed, and an update's messages keep the text.
func testOutboxNumber(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	ch := registration(c)
	ch.Outbox = []tousu.Message{
		{Channel: tousu.MessageSMS, To: []byte("sealed"), Subject: "登记 " + tousu.NumberPlaceholder,
			Body: "编号" + tousu.NumberPlaceholder + "，查询：https://x/track?number=" + tousu.NumberPlaceholder, CreatedAt: base},
		{Channel: tousu.MessageWebhook, Subject: "register", Body: `{"number":"` + tousu.NumberPlaceholder + `"}`, CreatedAt: base},
	}
	if err := s.CreateComplaint(ctx, ch); err != nil {
		t.Fatalf("CreateComplaint = %v", err)
	}
	want := []struct{ subject, body string }{
		{"登记 " + c.Number, "编号" + c.Number + "，查询：https://x/track?number=" + c.Number},
		{"register", `{"number":"` + c.Number + `"}`},
	}
	stored, err := s.ListMessages(ctx, tousu.MessageFilter{})
	if err != nil || len(stored) != 2 {
		t.Fatalf("ListMessages = %d messages, %v; want 2", len(stored), err)
	}
	for i, w := range want {
		if got := ch.Outbox[i]; got.Subject != w.subject || got.Body != w.body {
			t.Errorf("CreateComplaint: Outbox[%d] = %q / %q, want %q / %q", i, got.Subject, got.Body, w.subject, w.body)
		}
		if got := stored[len(stored)-1-i]; got.Subject != w.subject || got.Body != w.body {
			t.Errorf("stored message %d = %q / %q, want %q / %q", i, got.Subject, got.Body, w.subject, w.body)
		}
	}

	// An update is about a complaint whose number is known: the text stays as given.
	c.Status = tousu.StatusAccepted
	literal := "模板说明：" + tousu.NumberPlaceholder
	uch := &tousu.Change{Complaint: c, Outbox: []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "h", Subject: literal,
		CreatedAt: base.Add(time.Minute)}}}
	if err := s.UpdateComplaint(ctx, uch); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	if uch.Outbox[0].Subject != literal {
		t.Errorf("UpdateComplaint: Subject = %q, want it unchanged", uch.Outbox[0].Subject)
	}
}
