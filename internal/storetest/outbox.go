package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"tousu"
)

// messageDiff lists the fields in which got differs from want, instants compared with Equal.
func messageDiff(got, want tousu.Message) []string {
	var diffs []string
	check := func(name string, g, w any) {
		if g != w {
			diffs = append(diffs, fmt.Sprintf("%s = %#v, want %#v", name, g, w))
		}
	}
	checkTime := func(name string, g, w *time.Time) {
		if !sameTime(g, w) {
			diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", name, g, w))
		}
	}
	check("ID", got.ID, want.ID)
	check("ComplaintID", got.ComplaintID, want.ComplaintID)
	check("Channel", got.Channel, want.Channel)
	if !bytes.Equal(got.To, want.To) {
		diffs = append(diffs, fmt.Sprintf("To = %q, want %q", got.To, want.To))
	}
	check("ToLogin", got.ToLogin, want.ToLogin)
	check("Subject", got.Subject, want.Subject)
	check("Body", got.Body, want.Body)
	check("Status", got.Status, want.Status)
	check("Attempts", got.Attempts, want.Attempts)
	checkTime("NextAttempt", &got.NextAttempt, &want.NextAttempt)
	check("LastError", got.LastError, want.LastError)
	checkTime("CreatedAt", &got.CreatedAt, &want.CreatedAt)
	checkTime("SentAt", got.SentAt, want.SentAt)
	checkTime("ReadAt", got.ReadAt, want.ReadAt)
	return diffs
}

func messageIDs(ms []tousu.Message) []int64 {
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// enqueue registers a complaint whose change carries the messages and returns them as the
// store set them.
func enqueue(t *testing.T, s tousu.Store, ms ...tousu.Message) []tousu.Message {
	t.Helper()
	ch := registration(newComplaint(t))
	ch.Outbox = ms
	if err := s.CreateComplaint(t.Context(), ch); err != nil {
		t.Fatalf("CreateComplaint with %d messages = %v", len(ms), err)
	}
	return ch.Outbox
}

func testOutbox(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	ch := registration(c)
	ch.Outbox = []tousu.Message{
		// NextAttempt zero: due when created. The status given is not kept: a new
		// message is pending.
		{Channel: tousu.MessageSMS, To: []byte{0x00, 0x01, 0xfe, 0xff, 's'}, Subject: "受理通知",
			Body: "您的投诉已登记，请凭查询码查询办理进度。", Status: tousu.MessageSent, CreatedAt: base.Add(time.Millisecond)},
		{Channel: tousu.MessageDesk, ToLogin: "sup1", Subject: "新投诉件待受理", Body: "请及时受理",
			NextAttempt: base.Add(time.Minute), CreatedAt: base.Add(2 * time.Millisecond)},
		{ComplaintID: "about-another", Channel: tousu.MessageWebhook, To: []byte("sealed-url"), CreatedAt: base},
	}
	if err := s.CreateComplaint(ctx, ch); err != nil {
		t.Fatalf("CreateComplaint with messages = %v", err)
	}
	want := []tousu.Message{
		{Channel: tousu.MessageSMS, To: []byte{0x00, 0x01, 0xfe, 0xff, 's'}, Subject: "受理通知",
			Body: "您的投诉已登记，请凭查询码查询办理进度。", CreatedAt: base.Add(time.Millisecond), NextAttempt: base.Add(time.Millisecond)},
		{Channel: tousu.MessageDesk, ToLogin: "sup1", Subject: "新投诉件待受理", Body: "请及时受理",
			NextAttempt: base.Add(time.Minute), CreatedAt: base.Add(2 * time.Millisecond)},
		{ComplaintID: "about-another", Channel: tousu.MessageWebhook, To: []byte("sealed-url"), CreatedAt: base, NextAttempt: base},
	}
	for i := range want {
		want[i].ID = ch.Outbox[i].ID
		want[i].Status = tousu.MessagePending
		if want[i].ComplaintID == "" {
			want[i].ComplaintID = c.ID
		}
		if ch.Outbox[i].ID == 0 || (i > 0 && ch.Outbox[i].ID == ch.Outbox[i-1].ID) {
			t.Errorf("CreateComplaint: Outbox[%d].ID = %d, want a new ID", i, ch.Outbox[i].ID)
		}
		for _, d := range messageDiff(ch.Outbox[i], want[i]) {
			t.Errorf("CreateComplaint: Outbox[%d] as set: %s", i, d)
		}
	}

	got, err := s.ListMessages(ctx, tousu.MessageFilter{})
	if err != nil {
		t.Fatalf("ListMessages = %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("ListMessages = %d messages, want %d", len(got), len(want))
	}
	for i, g := range got {
		w := want[len(want)-1-i] // newest first
		for _, d := range messageDiff(g, w) {
			t.Errorf("ListMessages[%d]: %s", i, d)
		}
	}

	// An update's messages are about its complaint too; a refused update leaves none.
	c.Status = tousu.StatusAccepted
	uch := &tousu.Change{Complaint: c, Outbox: []tousu.Message{{Channel: tousu.MessageEmail, To: []byte("sealed-mail"), CreatedAt: base.Add(time.Hour)}}}
	if err := s.UpdateComplaint(ctx, uch); err != nil {
		t.Fatalf("UpdateComplaint with a message = %v", err)
	}
	if m := uch.Outbox[0]; m.ID <= want[2].ID || m.ComplaintID != c.ID || m.Status != tousu.MessagePending || !m.NextAttempt.Equal(base.Add(time.Hour)) {
		t.Errorf("UpdateComplaint: Outbox[0] = %+v, want a new ID, complaint %s, pending, due %v", m, c.ID, base.Add(time.Hour))
	}
	stale := *c
	stale.Version = 1
	sch := &tousu.Change{Complaint: &stale, Outbox: []tousu.Message{{Channel: tousu.MessageEmail, CreatedAt: base}}}
	wantKind(t, "UpdateComplaint with a stale version and a message", s.UpdateComplaint(ctx, sch), tousu.KindConflict)
	if sch.Outbox[0].ID != 0 {
		t.Errorf("refused update: Outbox[0].ID = %d, want 0", sch.Outbox[0].ID)
	}
	if got, err := s.ListMessages(ctx, tousu.MessageFilter{}); err != nil || len(got) != 4 {
		t.Errorf("ListMessages after an update and a refused one = %d messages, %v, want 4", len(got), err)
	}
}

func testClaimMessages(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	ms := enqueue(t, s,
		tousu.Message{Channel: tousu.MessageEmail, Subject: "m1", NextAttempt: base.Add(2 * time.Minute), CreatedAt: base},
		tousu.Message{Channel: tousu.MessageSMS, Subject: "m2", NextAttempt: base, CreatedAt: base},
		tousu.Message{Channel: tousu.MessageEmail, Subject: "m3", NextAttempt: base.Add(time.Minute), CreatedAt: base},
		tousu.Message{Channel: tousu.MessageEmail, Subject: "m4", NextAttempt: base.Add(time.Hour), CreatedAt: base},
		tousu.Message{Channel: tousu.MessageWebhook, Subject: "m5", NextAttempt: base, CreatedAt: base},
	)
	m1, m2, m3, m4, m5 := ms[0], ms[1], ms[2], ms[3], ms[4]
	const lease = 10 * time.Minute
	now := base.Add(5 * time.Minute)

	claim := func(what string, now time.Time, limit int, want ...tousu.Message) []tousu.Message {
		t.Helper()
		got, err := s.ClaimMessages(ctx, now, lease, limit)
		if err != nil {
			t.Fatalf("%s: ClaimMessages = %v", what, err)
		}
		if !slices.Equal(messageIDs(got), messageIDs(want)) {
			t.Errorf("%s: ClaimMessages = %v, want %v", what, messageIDs(got), messageIDs(want))
			return got
		}
		for i, g := range got {
			w := want[i]
			w.NextAttempt = now.Add(lease)
			for _, d := range messageDiff(g, w) {
				t.Errorf("%s: ClaimMessages[%d]: %s", what, i, d)
			}
		}
		return got
	}
	// Due messages by NextAttempt, then ID; m4 is not due yet.
	claim("first claim, limit 3", now, 3, m2, m5, m3)
	claim("second claim", now, 10, m1)
	claim("claim while all are leased", now, 10)
	claim("claim just before the lease ends", now.Add(lease-time.Millisecond), 10)

	// A message sent is never claimed again; the others come back when their lease ends.
	sent := m5
	sent.Status, sent.Attempts, sent.SentAt = tousu.MessageSent, 1, ptr(now.Add(time.Second))
	if err := s.UpdateMessage(ctx, &sent); err != nil {
		t.Fatalf("UpdateMessage(sent) = %v", err)
	}
	dead := m3
	dead.Status, dead.Attempts, dead.LastError = tousu.MessageDead, 8, "550 mailbox unavailable"
	if err := s.UpdateMessage(ctx, &dead); err != nil {
		t.Fatalf("UpdateMessage(dead) = %v", err)
	}
	claim("claim when the lease ends", now.Add(lease), 10, m1, m2)
	// An hour on, m1 and m2's second lease has ended too: they come before m4, by NextAttempt.
	claim("claim when m4 is due", base.Add(time.Hour), 10, m1, m2, m4)
}

func testConcurrentClaims(t *testing.T, s tousu.Store) {
	const total, workers = 120, 8
	var ms []tousu.Message
	for i := range total {
		ms = append(ms, tousu.Message{Channel: tousu.MessageEmail, Subject: fmt.Sprint(i), CreatedAt: base.Add(time.Duration(i%7) * time.Millisecond)})
	}
	enqueue(t, s, ms...)
	now := base.Add(time.Minute)
	var (
		mu      sync.Mutex
		claimed = make(map[int64]int)
		claims  int
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			// Each claim takes at least one message until none is left, so a store that
			// hands messages out again stops here instead of looping for ever.
			for range total {
				got, err := s.ClaimMessages(t.Context(), now, time.Hour, 5)
				if err != nil {
					t.Errorf("concurrent ClaimMessages = %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					claimed[m.ID]++
					claims++
				}
				over := claims > total
				mu.Unlock()
				if over {
					return
				}
			}
		})
	}
	wg.Wait()
	if len(claimed) != total {
		t.Errorf("%d workers claimed %d distinct messages, want %d", workers, len(claimed), total)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("message %d claimed %d times, want once", id, n)
		}
	}
}

func testListMessages(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	ms := enqueue(t, s,
		tousu.Message{Channel: tousu.MessageEmail, To: []byte("e1"), Subject: "e1", CreatedAt: base},
		tousu.Message{Channel: tousu.MessageDesk, ToLogin: "h1", Subject: "d1", CreatedAt: base},
		tousu.Message{Channel: tousu.MessageDesk, ToLogin: "h1", Subject: "d2", CreatedAt: base},
		tousu.Message{Channel: tousu.MessageDesk, ToLogin: "h2", Subject: "d3", CreatedAt: base},
		tousu.Message{Channel: tousu.MessageSMS, To: []byte("s1"), Subject: "s1", CreatedAt: base},
		tousu.Message{Channel: tousu.MessageEmail, To: []byte("e2"), ToLogin: "h1", Subject: "e2", CreatedAt: base},
	)
	byName := make(map[string]*tousu.Message)
	for i := range ms {
		byName[ms[i].Subject] = &ms[i]
	}
	// e1 sent, d1 sent and read, s1 dead after its retries, e2 failed once and due again.
	updates := []struct {
		name string
		set  func(m *tousu.Message)
	}{
		{"e1", func(m *tousu.Message) {
			m.Status, m.Attempts, m.SentAt, m.NextAttempt = tousu.MessageSent, 2, ptr(base.Add(time.Minute)), base.Add(30*time.Second)
		}},
		{"d1", func(m *tousu.Message) {
			m.Status, m.SentAt, m.ReadAt = tousu.MessageSent, ptr(base), ptr(base.Add(time.Hour+time.Millisecond))
		}},
		{"s1", func(m *tousu.Message) {
			m.Status, m.Attempts, m.LastError, m.NextAttempt = tousu.MessageDead, 8, "短信网关返回错误：余额不足", base.Add(24*time.Hour)
		}},
		{"e2", func(m *tousu.Message) {
			m.Attempts, m.LastError, m.NextAttempt = 1, "timeout", base.Add(5*time.Minute)
		}},
	}
	for _, u := range updates {
		m := byName[u.name]
		u.set(m)
		if err := s.UpdateMessage(ctx, m); err != nil {
			t.Fatalf("UpdateMessage(%s) = %v", u.name, err)
		}
	}
	all, err := s.ListMessages(ctx, tousu.MessageFilter{})
	if err != nil {
		t.Fatalf("ListMessages = %v", err)
	}
	for _, g := range all {
		if w := byName[g.Subject]; w != nil {
			for _, d := range messageDiff(g, *w) {
				t.Errorf("ListMessages: %s after UpdateMessage: %s", g.Subject, d)
			}
		}
	}

	tests := []struct {
		name   string
		filter tousu.MessageFilter
		want   []string // subjects, newest first
	}{
		{"everything", tousu.MessageFilter{}, []string{"e2", "s1", "d3", "d2", "d1", "e1"}},
		{"pending", tousu.MessageFilter{Status: tousu.MessagePending}, []string{"e2", "d3", "d2"}},
		{"sent", tousu.MessageFilter{Status: tousu.MessageSent}, []string{"d1", "e1"}},
		{"dead", tousu.MessageFilter{Status: tousu.MessageDead}, []string{"s1"}},
		{"channel", tousu.MessageFilter{Channel: tousu.MessageEmail}, []string{"e2", "e1"}},
		{"desk", tousu.MessageFilter{Channel: tousu.MessageDesk}, []string{"d3", "d2", "d1"}},
		{"to login", tousu.MessageFilter{ToLogin: "h1"}, []string{"e2", "d2", "d1"}},
		{"a login's desk", tousu.MessageFilter{ToLogin: "h1", Channel: tousu.MessageDesk}, []string{"d2", "d1"}},
		{"a login's unread desk", tousu.MessageFilter{ToLogin: "h1", Channel: tousu.MessageDesk, Unread: true}, []string{"d2"}},
		{"unread desk", tousu.MessageFilter{Channel: tousu.MessageDesk, Unread: true}, []string{"d3", "d2"}},
		{"unknown login", tousu.MessageFilter{ToLogin: "nobody"}, nil},
		{"limit", tousu.MessageFilter{Limit: 2}, []string{"e2", "s1"}},
		{"after", tousu.MessageFilter{AfterID: byName["d3"].ID}, []string{"d2", "d1", "e1"}},
		{"after, limited", tousu.MessageFilter{AfterID: byName["d3"].ID, Limit: 2}, []string{"d2", "d1"}},
		{"after, filtered", tousu.MessageFilter{AfterID: byName["d2"].ID, Channel: tousu.MessageDesk}, []string{"d1"}},
	}
	for _, tt := range tests {
		got, err := s.ListMessages(ctx, tt.filter)
		if err != nil {
			t.Errorf("%s: ListMessages = %v", tt.name, err)
			continue
		}
		var subjects []string
		for _, m := range got {
			subjects = append(subjects, m.Subject)
		}
		if !slices.Equal(subjects, tt.want) {
			t.Errorf("%s: ListMessages(%+v) = %v, want %v", tt.name, tt.filter, subjects, tt.want)
		}
	}

	// Paging with AfterID visits every message once; the default page is 50.
	var more []tousu.Message
	for i := range 60 {
		more = append(more, tousu.Message{Channel: tousu.MessageDesk, ToLogin: "h3", Subject: fmt.Sprint(i), CreatedAt: base})
	}
	enqueue(t, s, more...)
	first, err := s.ListMessages(ctx, tousu.MessageFilter{ToLogin: "h3"})
	if err != nil || len(first) != 50 {
		t.Fatalf("ListMessages(no limit) = %d messages, %v, want 50", len(first), err)
	}
	var seen []int64
	var after int64
	for page := 0; page < 100; page++ {
		got, err := s.ListMessages(ctx, tousu.MessageFilter{ToLogin: "h3", AfterID: after, Limit: 7})
		if err != nil {
			t.Fatalf("ListMessages(page %d) = %v", page, err)
		}
		if len(got) == 0 {
			break
		}
		seen = append(seen, messageIDs(got)...)
		after = got[len(got)-1].ID
	}
	descending := true
	for i := 1; i < len(seen); i++ {
		descending = descending && seen[i] < seen[i-1]
	}
	if len(seen) != 60 || !descending {
		t.Errorf("paging with AfterID gave %d IDs %v, want 60, newest first", len(seen), seen)
	}
}

func testLeases(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	steps := []struct {
		what         string
		name, holder string
		now, until   time.Time
		want         bool
	}{
		{"a free lease is taken", "reminders", "node-a", base, base.Add(time.Minute), true},
		{"another holder is refused", "reminders", "node-b", base.Add(30 * time.Second), base.Add(90 * time.Second), false},
		{"the holder renews", "reminders", "node-a", base.Add(30 * time.Second), base.Add(2 * time.Minute), true},
		{"the renewal holds past the first term", "reminders", "node-b", base.Add(time.Minute), base.Add(3 * time.Minute), false},
		{"just before expiry, still held", "reminders", "node-b", base.Add(2*time.Minute - time.Millisecond), base.Add(3 * time.Minute), false},
		{"at expiry it is free", "reminders", "node-b", base.Add(2 * time.Minute), base.Add(3 * time.Minute), true},
		{"the old holder is now refused", "reminders", "node-a", base.Add(2*time.Minute + time.Second), base.Add(4 * time.Minute), false},
		{"another lease is independent", "outbox", "node-a", base.Add(2*time.Minute + time.Second), base.Add(4 * time.Minute), true},
		{"and held by its holder", "outbox", "node-b", base.Add(3 * time.Minute), base.Add(5 * time.Minute), false},
	}
	for _, st := range steps {
		got, err := s.TryLease(ctx, st.name, st.holder, st.now, st.until)
		if err != nil {
			t.Fatalf("%s: TryLease(%s, %s) = %v", st.what, st.name, st.holder, err)
		}
		if got != st.want {
			t.Errorf("%s: TryLease(%s, %s, now %v) = %t, want %t", st.what, st.name, st.holder, st.now.Format(time.TimeOnly), got, st.want)
		}
	}

	// Many nodes at once: exactly one gets the lease.
	var (
		mu     sync.Mutex
		takers []string
		wg     sync.WaitGroup
	)
	for i := range 8 {
		wg.Go(func() {
			holder := fmt.Sprintf("node-%d", i)
			ok, err := s.TryLease(t.Context(), "archive", holder, base, base.Add(time.Minute))
			if err != nil {
				t.Errorf("concurrent TryLease(%s) = %v", holder, err)
				return
			}
			if ok {
				mu.Lock()
				takers = append(takers, holder)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(takers) != 1 {
		t.Errorf("8 concurrent TryLease: taken by %v, want exactly one", takers)
	}
}
