package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"tousu"
)

// fullComplaint has every field of a complaint set to something other than its zero value.
func fullComplaint(t *testing.T) *tousu.Complaint {
	t.Helper()
	c := newComplaint(t)
	c.Kind = tousu.KindReport
	c.Channel = tousu.ChannelLetter
	c.Status = tousu.StatusDecided
	c.Classification = tousu.ClassCase
	c.Categories = []string{"integrity", "fees", "attitude"}
	c.Identity = tousu.SealedIdentity{
		Anonymous: false,
		Fields: map[string][]byte{
			"name":  {0x00, 0x01, 0xfe, 0xff, 'n'},
			"phone": []byte("sealed-phone\x00\x80"),
		},
		PhoneIndex:    "blind-phone",
		IDNumberIndex: "blind-id",
	}
	c.Complainant = &tousu.Complainant{Name: "张三", Phone: "13812345678"}
	c.Target = tousu.Target{Unit: "win-3", Staff: "A0042", Description: "3号窗口穿蓝色制服的工作人员"}
	c.Matter = "办理社保卡时工作人员中途离岗二十分钟，其间无人接待。"
	c.Request = "要求说明情况并道歉"
	c.IncidentAt = ptr(time.Date(2026, 11, 26, 15, 4, 5, 678_000_000, beijing))
	c.IncidentPlace = "二楼社保窗口"
	c.BusinessReceiptNo = "SB-2026-000123"
	c.Written = true
	c.FirstReceiver = "clerk7"
	c.OwnerUnit = "centre"
	c.AssignedUnit = "dept-social"
	c.Handler = "handler3"
	c.Mode = tousu.ModeTransfer
	c.ReceivedAt = base.Add(123 * time.Millisecond)
	c.CreatedAt = base.Add(456 * time.Millisecond)
	c.UpdatedAt = base.Add(48*time.Hour + 789*time.Millisecond)
	c.ClosedAt = ptr(base.Add(72*time.Hour + time.Millisecond).UTC())
	c.QueryCodeHash = "0123456789abcdef"
	c.Deadline = tousu.Deadline{
		Days: 15, Unit: tousu.WorkingDays, Start: tousu.MustDate("2026-11-27"),
		ExtensionDays: 5, PausedDays: 2, SuspendedOn: tousu.MustDate("2026-12-01"), Due: tousu.MustDate("2026-12-28"),
	}
	c.Decision = &tousu.Decision{
		Finding:     tousu.FindingPartly,
		Measures:    []tousu.Measure{tousu.MeasureCriticism, tousu.MeasureCorrection},
		Staff:       []string{"A0042"},
		Improvement: "建立离岗登记制度",
	}
	c.Reply = &tousu.Reply{Process: "调看录像，约谈当事人", Result: "情况部分属实", Improvement: "加强管理", Channel: tousu.ChannelPhone}
	c.Satisfaction = 4
	c.MergedInto = "TS20261126-0007"
	c.ExternalRef = "12345-GD-0001"
	c.Alerts = tousu.AlertDueSoon | tousu.AlertEscalated2
	at := base.Add(36 * time.Hour).UTC()
	c.Handling = tousu.Handling{
		Instructions: "请调阅录像，与当事人谈话", UnitWorkingDays: 5,
		AssignedOn: tousu.MustDate("2026-11-28"), UnitDue: tousu.MustDate("2026-12-05"),
		Assisting: []tousu.Assist{{Unit: "dept-health", SignedBy: "handler4", SignedAt: &at,
			Report: &tousu.Report{Process: "核对记录", Measures: []tousu.Measure{}, Staff: []string{}, Unit: "dept-health", By: "handler4", At: &at}}},
		Report: &tousu.Report{Process: "调看录像", Finding: tousu.FindingPartly, Measures: []tousu.Measure{tousu.MeasureCriticism},
			Staff: []string{"A0042"}, ReplyDraft: "经核实部分属实", Unit: "dept-social", By: "handler3", At: &at},
		PendingExtension:  &tousu.ExtensionRequest{Days: 10, Reason: "需外单位协查", By: "sup", At: at},
		RepliedOn:         tousu.MustDate("2026-12-01"),
		Dissatisfied:      true,
		Explanation:       "已说明",
		Discipline:        true,
		DisciplineOutcome: &tousu.DisciplineOutcomeNote{Outcome: tousu.DisciplineSanction, Text: "警告", By: "insp", At: at},
	}
	c.Marks = tousu.MarkDissatisfied | tousu.MarkDiscipline | tousu.MarkPendingExtension
	return c
}

// complaintDiff lists the fields in which got differs from want, instants compared with
// Equal. Complainant is never stored, so got must not have one.
func complaintDiff(got, want *tousu.Complaint) []string {
	var diffs []string
	check := func(name string, g, w any) {
		if !reflect.DeepEqual(g, w) {
			diffs = append(diffs, fmt.Sprintf("%s = %#v, want %#v", name, g, w))
		}
	}
	checkTime := func(name string, g, w *time.Time) {
		if !sameTime(g, w) {
			diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", name, g, w))
		}
	}
	check("ID", got.ID, want.ID)
	check("Number", got.Number, want.Number)
	check("Version", got.Version, want.Version)
	check("Kind", got.Kind, want.Kind)
	check("Channel", got.Channel, want.Channel)
	check("Status", got.Status, want.Status)
	check("Classification", got.Classification, want.Classification)
	if len(got.Categories) != 0 || len(want.Categories) != 0 {
		check("Categories", got.Categories, want.Categories)
	}
	check("Identity.Anonymous", got.Identity.Anonymous, want.Identity.Anonymous)
	if len(got.Identity.Fields) != 0 || len(want.Identity.Fields) != 0 {
		check("Identity.Fields", got.Identity.Fields, want.Identity.Fields)
	}
	check("Identity.PhoneIndex", got.Identity.PhoneIndex, want.Identity.PhoneIndex)
	check("Identity.IDNumberIndex", got.Identity.IDNumberIndex, want.Identity.IDNumberIndex)
	if got.Complainant != nil {
		diffs = append(diffs, fmt.Sprintf("Complainant = %+v, want nil: stores never keep the plaintext", *got.Complainant))
	}
	check("Target", got.Target, want.Target)
	check("Matter", got.Matter, want.Matter)
	check("Request", got.Request, want.Request)
	checkTime("IncidentAt", got.IncidentAt, want.IncidentAt)
	check("IncidentPlace", got.IncidentPlace, want.IncidentPlace)
	check("BusinessReceiptNo", got.BusinessReceiptNo, want.BusinessReceiptNo)
	check("Written", got.Written, want.Written)
	check("FirstReceiver", got.FirstReceiver, want.FirstReceiver)
	check("OwnerUnit", got.OwnerUnit, want.OwnerUnit)
	check("AssignedUnit", got.AssignedUnit, want.AssignedUnit)
	check("Handler", got.Handler, want.Handler)
	check("Mode", got.Mode, want.Mode)
	checkTime("ReceivedAt", &got.ReceivedAt, &want.ReceivedAt)
	checkTime("CreatedAt", &got.CreatedAt, &want.CreatedAt)
	checkTime("UpdatedAt", &got.UpdatedAt, &want.UpdatedAt)
	checkTime("ClosedAt", got.ClosedAt, want.ClosedAt)
	check("QueryCodeHash", got.QueryCodeHash, want.QueryCodeHash)
	check("Deadline", got.Deadline, want.Deadline)
	check("Decision", got.Decision, want.Decision)
	check("Reply", got.Reply, want.Reply)
	check("Satisfaction", got.Satisfaction, want.Satisfaction)
	check("MergedInto", got.MergedInto, want.MergedInto)
	check("ExternalRef", got.ExternalRef, want.ExternalRef)
	check("Alerts", got.Alerts, want.Alerts)
	check("Marks", got.Marks, want.Marks)
	// The handling state's instants come back in UTC: compare its JSON.
	gh, _ := json.Marshal(got.Handling)
	wh, _ := json.Marshal(want.Handling)
	check("Handling", string(gh), string(wh))
	return diffs
}

func testComplaintRoundTrip(t *testing.T, s tousu.Store) {
	want := fullComplaint(t)
	ch := registration(want)
	if err := s.CreateComplaint(t.Context(), ch); err != nil {
		t.Fatalf("CreateComplaint = %v", err)
	}
	if want.Number != number(1) || want.Version != 1 {
		t.Errorf("after CreateComplaint: Number, Version = %q, %d, want %q, 1", want.Number, want.Version, number(1))
	}
	got := find(t, s, want.Number)
	for _, d := range complaintDiff(got, want) {
		t.Errorf("FindComplaint(%q): %s", want.Number, d)
	}

	// An update writes every field again; change them all and read them back.
	got.Kind = tousu.KindComplaint
	got.Channel = tousu.ChannelHotline
	got.Status = tousu.StatusReplied
	got.Classification = tousu.ClassOnsite
	got.Categories = []string{"efficiency"}
	got.Identity = tousu.SealedIdentity{Anonymous: true}
	got.Target = tousu.Target{Description: "不知姓名的保安"}
	got.Matter, got.Request = "新的事项", "新的诉求"
	got.IncidentAt = nil
	got.IncidentPlace, got.BusinessReceiptNo, got.Written = "", "", false
	got.FirstReceiver = "public"
	got.OwnerUnit, got.AssignedUnit, got.Handler, got.Mode = "centre-2", "dept-tax", "handler9", tousu.ModeSupervise
	got.ReceivedAt = base.Add(-time.Hour)
	got.UpdatedAt = base.Add(96 * time.Hour)
	got.ClosedAt = nil
	got.QueryCodeHash = "fedcba"
	got.Deadline = tousu.Deadline{Days: 0, Unit: tousu.CalendarDays, Start: tousu.MustDate("2026-11-26"), Due: tousu.MustDate("2026-11-26")}
	got.Decision, got.Reply = nil, nil
	got.Satisfaction, got.MergedInto = 0, ""
	got.Alerts = tousu.AlertOverdue | tousu.AlertUrged | tousu.AlertEscalated3
	if err := s.UpdateComplaint(t.Context(), &tousu.Change{Complaint: got}); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	again := find(t, s, want.Number)
	for _, d := range complaintDiff(again, got) {
		t.Errorf("FindComplaint(%q) after update: %s", want.Number, d)
	}
	if !again.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("CreatedAt after update = %v, want %v (unchanged)", again.CreatedAt, want.CreatedAt)
	}
}

func testComplaintMinimal(t *testing.T, s tousu.Store) {
	// A complaint with nothing optional: no categories, identity, target, deadline or times.
	want := &tousu.Complaint{
		ID: newID(t), Kind: tousu.KindSuggestion, Channel: tousu.ChannelBox, Status: tousu.StatusRegistered,
		Matter: "建议", ReceivedAt: base, CreatedAt: base, UpdatedAt: base,
	}
	if err := s.CreateComplaint(t.Context(), &tousu.Change{Complaint: want, NumberPrefix: prefix}); err != nil {
		t.Fatalf("CreateComplaint without an event = %v", err)
	}
	got := find(t, s, want.Number)
	for _, d := range complaintDiff(got, want) {
		t.Errorf("FindComplaint(%q): %s", want.Number, d)
	}
}

func testNumbers(t *testing.T, s tousu.Store) {
	tests := []struct {
		prefix, want string
	}{
		{"TS20261127", "TS20261127-0001"},
		{"TS20261127", "TS20261127-0002"},
		{"TS20261128", "TS20261128-0001"},
		{"TS20261127", "TS20261127-0003"},
		{"TS20261128", "TS20261128-0002"},
	}
	for _, tt := range tests {
		c := newComplaint(t)
		ch := registration(c)
		ch.NumberPrefix = tt.prefix
		if err := s.CreateComplaint(t.Context(), ch); err != nil {
			t.Fatalf("CreateComplaint(prefix %q) = %v", tt.prefix, err)
		}
		if c.Number != tt.want {
			t.Errorf("CreateComplaint(prefix %q): Number = %q, want %q", tt.prefix, c.Number, tt.want)
		}
		if c.Version != 1 {
			t.Errorf("CreateComplaint(prefix %q): Version = %d, want 1", tt.prefix, c.Version)
		}
		if ch.Event.Seq != 1 || ch.Event.ID == 0 || ch.Event.ComplaintID != c.ID {
			t.Errorf("CreateComplaint(prefix %q): event Seq, ID, ComplaintID = %d, %d, %q, want 1, non-zero, %q",
				tt.prefix, ch.Event.Seq, ch.Event.ID, ch.Event.ComplaintID, c.ID)
		}
		if got := find(t, s, tt.want); got.ID != c.ID {
			t.Errorf("FindComplaint(%q).ID = %q, want %q", tt.want, got.ID, c.ID)
		}
	}
}

func testIdempotency(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	first := newComplaint(t)
	ch := registration(first)
	ch.Idempotency = &tousu.Idempotency{Key: "key-1", Actor: "clerk1", RequestHash: "req-hash", Secret: []byte{1, 2, 3, 0, 255}, CreatedAt: base}
	if err := s.CreateComplaint(ctx, ch); err != nil {
		t.Fatalf("CreateComplaint with a new key = %v", err)
	}
	if ch.Idempotency.Number != first.Number {
		t.Errorf("Idempotency.Number = %q, want %q", ch.Idempotency.Number, first.Number)
	}
	got, err := s.FindIdempotency(ctx, "clerk1", "key-1")
	if err != nil {
		t.Fatalf("FindIdempotency = %v", err)
	}
	if got.Key != "key-1" || got.Actor != "clerk1" || got.RequestHash != "req-hash" || got.Number != first.Number ||
		!bytes.Equal(got.Secret, []byte{1, 2, 3, 0, 255}) || !got.CreatedAt.Equal(base) {
		t.Errorf("FindIdempotency = %+v, want key-1, clerk1, req-hash, %s, [1 2 3 0 255], %v", *got, first.Number, base)
	}

	// The retry: same actor and key, a new complaint. Nothing of it may be stored.
	retry := newComplaint(t)
	rch := registration(retry)
	rch.Idempotency = &tousu.Idempotency{Key: "key-1", Actor: "clerk1", RequestHash: "req-hash"}
	rch.Audit = []tousu.AuditRecord{{At: base, Actor: "clerk1", Action: "register"}}
	wantKind(t, "CreateComplaint with a used key", s.CreateComplaint(ctx, rch), tousu.KindConflict)
	if retry.Number != "" || retry.Version != 0 {
		t.Errorf("after a refused retry: Number, Version = %q, %d, want empty, 0", retry.Number, retry.Version)
	}
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != 1 {
		t.Errorf("CountComplaints after a refused retry = %d, %v, want 1", n, err)
	}
	if evs, err := s.ListEvents(ctx, retry.ID); err != nil || len(evs) != 0 {
		t.Errorf("ListEvents(refused retry) = %d events, %v, want none", len(evs), err)
	}
	if recs, err := s.ListAudit(ctx, 0, 10); err != nil || len(recs) != 0 {
		t.Errorf("ListAudit after a refused retry = %d records, %v, want none", len(recs), err)
	}

	// The same key from another actor is another request; the refused retry used no number.
	other := newComplaint(t)
	och := registration(other)
	och.Idempotency = &tousu.Idempotency{Key: "key-1", Actor: "clerk2"}
	if err := s.CreateComplaint(ctx, och); err != nil {
		t.Fatalf("CreateComplaint with the key of another actor = %v", err)
	}
	if other.Number != number(2) {
		t.Errorf("next Number after a refused retry = %q, want %q", other.Number, number(2))
	}
}

func testUpdateVersion(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := create(t, s, newComplaint(t))
	a, b := find(t, s, c.Number), find(t, s, c.Number)

	update(t, s, a, "accept", tousu.StatusAccepted, base.Add(time.Hour))
	if a.Version != 2 {
		t.Errorf("Version after one update = %d, want 2", a.Version)
	}

	b.Status = tousu.StatusWithdrawn
	stale := &tousu.Change{
		Complaint: b,
		Event:     &tousu.Event{Type: "withdraw", Actor: "clerk1", At: base.Add(2 * time.Hour), From: tousu.StatusRegistered, To: tousu.StatusWithdrawn},
		Audit:     []tousu.AuditRecord{{At: base, Actor: "clerk1", Action: "withdraw", Object: c.Number}},
	}
	wantKind(t, "UpdateComplaint with a stale version", s.UpdateComplaint(ctx, stale), tousu.KindConflict)
	if b.Version != 1 {
		t.Errorf("Version after a refused update = %d, want 1 (unchanged)", b.Version)
	}

	got := find(t, s, c.Number)
	if got.Status != tousu.StatusAccepted || got.Version != 2 {
		t.Errorf("after a refused update: Status, Version = %s, %d, want accepted, 2", got.Status, got.Version)
	}
	if evs, err := s.ListEvents(ctx, c.ID); err != nil || len(evs) != 2 {
		t.Errorf("ListEvents after a refused update = %d events, %v, want 2", len(evs), err)
	}
	if recs, err := s.ListAudit(ctx, 0, 10); err != nil || len(recs) != 0 {
		t.Errorf("ListAudit after a refused update = %d records, %v, want none", len(recs), err)
	}

	update(t, s, got, "assign", tousu.StatusAssigned, base.Add(3*time.Hour))
	if got.Version != 3 {
		t.Errorf("Version after two updates = %d, want 3", got.Version)
	}

	missing := newComplaint(t)
	missing.Version = 1
	wantKind(t, "UpdateComplaint of a complaint never stored", s.UpdateComplaint(ctx, &tousu.Change{Complaint: missing}), tousu.KindNotFound)
}

func testEvents(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := create(t, s, newComplaint(t))
	other := create(t, s, newComplaint(t)) // its events must not mix in

	steps := []struct {
		typ tousu.EventType
		to  tousu.Status
	}{
		{"accept", tousu.StatusAccepted},
		{"assign", tousu.StatusAssigned},
		{"note", tousu.StatusAssigned},
		{"sign", tousu.StatusInProgress},
	}
	want := []tousu.Event{{
		Seq: 1, Type: tousu.EventRegister, Actor: "clerk1", ActorName: "受理员甲", At: base,
		To: tousu.StatusRegistered, Payload: json.RawMessage(`{"channel":"visit"}`),
	}}
	for i, st := range steps {
		at := base.Add(time.Duration(i+1)*time.Hour + 7*time.Millisecond)
		from := c.Status
		ev := update(t, s, c, st.typ, st.to, at)
		if ev.Seq != i+2 || ev.ComplaintID != c.ID || ev.ID == 0 {
			t.Errorf("UpdateComplaint(%s): event Seq, ComplaintID, ID = %d, %q, %d, want %d, %q, non-zero",
				st.typ, ev.Seq, ev.ComplaintID, ev.ID, i+2, c.ID)
		}
		want = append(want, tousu.Event{Seq: i + 2, Type: st.typ, Actor: "sup1", ActorName: "督查员乙", At: at, From: from, To: st.to})
		update(t, s, other, "note", tousu.StatusRegistered, at)
	}

	got, err := s.ListEvents(ctx, c.ID)
	if err != nil {
		t.Fatalf("ListEvents = %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("ListEvents = %d events, want %d", len(got), len(want))
	}
	var lastID int64
	for i, g := range got {
		w := want[i]
		if g.Seq != w.Seq || g.Type != w.Type || g.Actor != w.Actor || g.ActorName != w.ActorName ||
			!g.At.Equal(w.At) || g.From != w.From || g.To != w.To || g.ComplaintID != c.ID ||
			string(g.Payload) != string(w.Payload) {
			t.Errorf("ListEvents[%d] = %+v (payload %s), want %+v (payload %s)", i, g, g.Payload, w, w.Payload)
		}
		if g.ID <= lastID {
			t.Errorf("ListEvents[%d].ID = %d, not after %d", i, g.ID, lastID)
		}
		lastID = g.ID
	}
	if evs, err := s.ListEvents(ctx, "no-such-complaint"); err != nil || len(evs) != 0 {
		t.Errorf("ListEvents(unknown) = %d events, %v, want none and no error", len(evs), err)
	}
}

func testNotFound(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
	}{
		{"FindComplaint", func() error { _, err := s.FindComplaint(ctx, "TS20261127-9999"); return err }},
		{"FindUser", func() error { _, err := s.FindUser(ctx, "nobody"); return err }},
		{"FindStaff", func() error { _, err := s.FindStaff(ctx, "X9999"); return err }},
		{"FindToken", func() error { _, err := s.FindToken(ctx, "no-such-hash"); return err }},
		{"FindIdempotency", func() error { _, err := s.FindIdempotency(ctx, "clerk1", "no-such-key"); return err }},
		{"UpdateUser", func() error { return s.UpdateUser(ctx, &tousu.User{Login: "nobody", Name: "无"}) }},
		{"CreateToken for no account", func() error {
			return s.CreateToken(ctx, tousu.Token{Hash: "h", Login: "nobody", CreatedAt: base})
		}},
		{"PutPolicy with an unknown ID", func() error {
			return s.PutPolicy(ctx, &tousu.Policy{ID: 42, Name: "无", Days: 1, Unit: tousu.WorkingDays})
		}},
		{"DeletePolicy", func() error { return s.DeletePolicy(ctx, 42) }},
		{"DeleteCalendarOverride", func() error { return s.DeleteCalendarOverride(ctx, tousu.MustDate("2026-10-01")) }},
		{"OpenAttachment", func() error { _, err := s.OpenAttachment(ctx, "no-such-complaint", 1); return err }},
		{"UpdateIdentity", func() error {
			return s.UpdateIdentity(ctx, "no-such-complaint", tousu.SealedIdentity{Anonymous: true})
		}},
		{"FindSession", func() error { _, _, err := s.FindSession(ctx, "no-such-hash"); return err }},
		{"GetSetting", func() error { _, err := s.GetSetting(ctx, "no.such.key"); return err }},
		{"UpdateMessage", func() error {
			return s.UpdateMessage(ctx, &tousu.Message{ID: 42, Status: tousu.MessageSent, NextAttempt: base})
		}},
	}
	for _, tt := range tests {
		wantKind(t, tt.name, tt.call(), tousu.KindNotFound)
	}
}

func testConcurrentCreate(t *testing.T, s tousu.Store) {
	const workers, each = 16, 20
	var (
		mu      sync.Mutex
		numbers []string
		wg      sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for range each {
				c := newComplaint(t)
				if err := s.CreateComplaint(t.Context(), registration(c)); err != nil {
					t.Errorf("concurrent CreateComplaint = %v", err)
					return
				}
				mu.Lock()
				numbers = append(numbers, c.Number)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	slices.Sort(numbers)
	want := make([]string, workers*each)
	for i := range want {
		want[i] = number(i + 1)
	}
	if !slices.Equal(numbers, want) {
		t.Errorf("%d concurrent registrations got numbers %v…, want %s…%s each once",
			len(numbers), numbers[:min(5, len(numbers))], want[0], want[len(want)-1])
	}
	if n, err := s.CountComplaints(t.Context(), tousu.ComplaintFilter{}); err != nil || n != workers*each {
		t.Errorf("CountComplaints = %d, %v, want %d", n, err, workers*each)
	}
}
