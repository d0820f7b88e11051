package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"tousu"
)

// testConduct: checklists round-trip and are replaced by code; an inspection is created
// with its audit record named after it, updated with results, and its completion inserts
// the rectification tasks in the same write; lists filter by unit, status, day and staff
// named; a task's update is refused (conflict) when its status moved meanwhile, and
// queues its messages; files are stored once per content and opened only under their
// owner; staff entries filter by badge, kind and day.
func testConduct(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	at := base.Add(time.Hour)
	audit := func(action string) []tousu.AuditRecord {
		return []tousu.AuditRecord{{At: at, Actor: "supervisor", Action: action}}
	}
	cl := tousu.DefaultChecklists()[0]
	if err := s.PutChecklist(ctx, cl, audit("checklist.put")); err != nil {
		t.Fatalf("PutChecklist = %v", err)
	}
	cl.Name = "改过的清单"
	cl.Items = cl.Items[:2]
	if err := s.PutChecklist(ctx, cl, audit("checklist.put")); err != nil {
		t.Fatalf("PutChecklist again = %v", err)
	}
	lists, err := s.ListChecklists(ctx)
	if err != nil || len(lists) != 1 || lists[0].Name != "改过的清单" || len(lists[0].Items) != 2 || lists[0].Items[0] != cl.Items[0] {
		t.Fatalf("ListChecklists = %+v, %v", lists, err)
	}

	in := &tousu.Inspection{Unit: "win-a1", Kind: tousu.InspectionUnannounced, Date: tousu.MustDate("2026-01-30"), Checklist: "hall",
		Status: tousu.InspectionPlanned, Inspector: "supervisor", MaxScore: 100, CreatedAt: at}
	recs := audit("inspection.create")
	if err := s.CreateInspection(ctx, in, recs); err != nil || in.ID == 0 {
		t.Fatalf("CreateInspection = %v, id %d", err, in.ID)
	}
	if got, err := s.SearchAudit(ctx, tousu.AuditFilter{Action: "inspection.create"}); err != nil || len(got) != 1 ||
		got[0].Object != "inspection:"+itoa(in.ID) {
		t.Errorf("the creation's audit = %+v, %v, want its object named after the inspection", got, err)
	}
	other := &tousu.Inspection{Unit: "win-b1", Kind: tousu.InspectionRoutine, Date: tousu.MustDate("2026-02-10"), Checklist: "hall",
		Status: tousu.InspectionPlanned, Inspector: "supervisor", CreatedAt: at}
	if err := s.CreateInspection(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	score := 7.5
	in.Results = []tousu.InspectionResult{{Item: "on_post", Result: "fail", Note: "离岗", Staff: []string{"A001", "A002"}},
		{Item: "dress", Result: "pass", Score: &score}}
	in.Status, in.Score, in.Failed, in.CompletedAt = tousu.InspectionCompleted, 7.5, 1, &at
	rects := []tousu.Rectification{{Source: "inspection", InspectionID: in.ID, Unit: "win-a1", Item: "on_post", ItemName: "在岗在位",
		Finding: "离岗", Staff: []string{"A001"}, DueDate: tousu.MustDate("2026-02-06"), Status: tousu.RectOpen, Inspector: "supervisor", CreatedAt: at}}
	if err := s.UpdateInspection(ctx, in, rects, []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "handler-a", Subject: "督查整改通知", Body: "请整改", CreatedAt: at}}, audit("inspection.complete")); err != nil || rects[0].ID == 0 {
		t.Fatalf("UpdateInspection = %v, task id %d", err, rects[0].ID)
	}
	got, err := s.FindInspection(ctx, in.ID)
	if err != nil || got.Status != tousu.InspectionCompleted || got.Score != 7.5 || got.Failed != 1 || len(got.Results) != 2 ||
		*got.Results[1].Score != 7.5 || !slices.Equal(got.Results[0].Staff, []string{"A001", "A002"}) || got.CompletedAt == nil {
		t.Fatalf("FindInspection = %+v, %v", got, err)
	}
	wantKind(t, "FindInspection of none", func() error { _, err := s.FindInspection(ctx, 999999); return err }(), tousu.KindNotFound)
	wantKind(t, "UpdateInspection of none", s.UpdateInspection(ctx, &tousu.Inspection{ID: 999999}, nil, nil, nil), tousu.KindNotFound)
	for _, c := range []struct {
		name string
		f    tousu.InspectionFilter
		want int
	}{
		{"all", tousu.InspectionFilter{}, 2},
		{"unit", tousu.InspectionFilter{Units: []string{"win-a1"}}, 1},
		{"no unit", tousu.InspectionFilter{Units: []string{}}, 0},
		{"status", tousu.InspectionFilter{Status: tousu.InspectionPlanned}, 1},
		{"days", tousu.InspectionFilter{From: tousu.MustDate("2026-02-01"), To: tousu.MustDate("2026-02-28")}, 1},
		{"staff", tousu.InspectionFilter{Staff: "A002"}, 1},
		{"staff like", tousu.InspectionFilter{Staff: "A00"}, 0},
		{"hostile staff", tousu.InspectionFilter{Staff: "a\x00"}, 0},
	} {
		if l, err := s.ListInspections(ctx, c.f); err != nil || len(l) != c.want {
			t.Errorf("ListInspections(%s) = %d, %v, want %d", c.name, len(l), err, c.want)
		}
	}

	task := rects[0]
	if l, err := s.ListRectifications(ctx, tousu.RectificationFilter{Units: []string{"win-a1"}, Statuses: []string{tousu.RectOpen},
		Source: "inspection", InspectionID: in.ID, DueBefore: tousu.MustDate("2026-02-07")}); err != nil || len(l) != 1 ||
		l[0].ItemName != "在岗在位" || l[0].DueDate != task.DueDate || !slices.Equal(l[0].Staff, []string{"A001"}) {
		t.Fatalf("ListRectifications = %+v, %v", l, err)
	}
	if l, _ := s.ListRectifications(ctx, tousu.RectificationFilter{DueBefore: tousu.MustDate("2026-02-06")}); len(l) != 0 {
		t.Errorf("tasks due before their due date: %d", len(l))
	}
	task.Status, task.Text, task.SubmittedBy, task.SubmittedAt, task.Alerts = tousu.RectSubmitted, "已整改", "handler-a", &at, tousu.RectAlertOverdue
	msgs := []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "supervisor", Subject: "整改情况待验收", Body: "请验收", CreatedAt: at}}
	if err := s.UpdateRectification(ctx, &task, tousu.RectOpen, msgs, audit("rectification.submit")); err != nil {
		t.Fatalf("UpdateRectification = %v", err)
	}
	if ms, err := s.ListMessages(ctx, tousu.MessageFilter{ToLogin: "supervisor"}); err != nil || len(ms) != 1 || ms[0].ComplaintID != "" {
		t.Errorf("the task's messages = %+v, %v", ms, err)
	}
	if ms, err := s.ListMessages(ctx, tousu.MessageFilter{ToLogin: "handler-a"}); err != nil || len(ms) != 1 || ms[0].Subject != "督查整改通知" {
		t.Errorf("the completion's messages = %+v, %v", ms, err)
	}
	wantKind(t, "UpdateRectification from a stale status", s.UpdateRectification(ctx, &task, tousu.RectOpen, nil, nil), tousu.KindConflict)
	r, err := s.FindRectification(ctx, task.ID)
	if err != nil || r.Status != tousu.RectSubmitted || r.Text != "已整改" || r.SubmittedBy != "handler-a" || !r.SubmittedAt.Equal(at) ||
		r.Alerts != tousu.RectAlertOverdue {
		t.Fatalf("FindRectification = %+v, %v", r, err)
	}

	data := []byte("\x89PNG\r\n\x1a\nphoto")
	sum := sha256.Sum256(data)
	file := func() tousu.ConductFile {
		return tousu.ConductFile{Attachment: tousu.Attachment{SHA256: hex.EncodeToString(sum[:]), Name: "现场.png", ContentType: "image/png",
			Size: int64(len(data)), UploadedBy: "supervisor", CreatedAt: at, Data: data}, Item: "on_post"}
	}
	owner := "inspection:" + itoa(in.ID)
	files := []tousu.ConductFile{file(), file()}
	if err := s.AddConductFiles(ctx, owner, files, audit("inspection.photo")); err != nil || files[1].ID == 0 {
		t.Fatalf("AddConductFiles = %v", err)
	}
	if n, err := s.EvidenceBytes(ctx); err != nil || n != int64(len(data)) {
		t.Errorf("EvidenceBytes = %d, %v, want the content once", n, err)
	}
	if got, err := s.FindInspection(ctx, in.ID); err != nil || len(got.Photos) != 2 || got.Photos[0].Item != "on_post" || got.Photos[0].Data != nil {
		t.Errorf("the inspection's photos = %+v, %v", got.Photos, err)
	}
	if f, err := s.OpenConductFile(ctx, owner, files[0].ID); err != nil || string(f.Data) != string(data) {
		t.Errorf("OpenConductFile = %v", err)
	}
	wantKind(t, "OpenConductFile under another owner", func() error {
		_, err := s.OpenConductFile(ctx, "rectification:"+itoa(task.ID), files[0].ID)
		return err
	}(), tousu.KindNotFound)

	for _, e := range []tousu.StaffEntry{
		{Badge: "A001", Kind: tousu.EntryPraise, Type: "praise", Date: tousu.MustDate("2026-01-10"), Reason: "热情", By: "leader", At: at},
		{Badge: "A001", Kind: tousu.EntryTraining, Date: tousu.MustDate("2026-02-10"), Reason: "礼仪", Hours: 4, Result: "合格", By: "supervisor", At: at},
		{Badge: "B001", Kind: tousu.EntrySanction, Type: "education", Date: tousu.MustDate("2026-01-20"), Reason: "态度", Source: "complaint",
			SourceRef: "TS20260130-0001", By: "inspector", At: at},
	} {
		if err := s.AddStaffEntry(ctx, &e, audit("staff."+e.Kind)); err != nil || e.ID == 0 {
			t.Fatalf("AddStaffEntry = %v", err)
		}
	}
	for _, c := range []struct {
		name string
		f    tousu.StaffEntryFilter
		want int
	}{
		{"all", tousu.StaffEntryFilter{}, 3},
		{"badge", tousu.StaffEntryFilter{Badges: []string{"A001"}}, 2},
		{"kind", tousu.StaffEntryFilter{Kind: tousu.EntrySanction}, 1},
		{"january", tousu.StaffEntryFilter{From: tousu.MustDate("2026-01-01"), To: tousu.MustDate("2026-01-31")}, 2},
		{"hostile", tousu.StaffEntryFilter{Badges: []string{"\xff"}}, 0},
	} {
		if l, err := s.ListStaffEntries(ctx, c.f); err != nil || len(l) != c.want {
			t.Errorf("ListStaffEntries(%s) = %d, %v, want %d", c.name, len(l), err, c.want)
		}
	}
	l, _ := s.ListStaffEntries(ctx, tousu.StaffEntryFilter{Kind: tousu.EntryTraining})
	if len(l) != 1 || l[0].Hours != 4 || l[0].Result != "合格" || l[0].Date != tousu.MustDate("2026-02-10") || !l[0].At.Equal(at) {
		t.Errorf("training entry = %+v", l)
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// testMalicious: a mark is stored per complaint and replaced; the list finds confirmed
// marks by any of the blind indexes and by staff; a mark of a missing complaint is
// NotFound.
func testMalicious(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	if err := s.CreateComplaint(ctx, registration(c)); err != nil {
		t.Fatal(err)
	}
	wantKind(t, "FindMalicious before any", func() error { _, err := s.FindMalicious(ctx, c.ID); return err }(), tousu.KindNotFound)
	at := base.Add(time.Hour)
	m := &tousu.MaliciousMark{ComplaintID: c.ID, Number: c.Number, Status: tousu.MaliciousProposed, Reason: "捏造", ProposedBy: "supervisor",
		ProposedAt: at, Staff: "A001", Unit: "win-a1"}
	if err := s.PutMalicious(ctx, m, []tousu.Message{{Channel: tousu.MessageDesk, ToLogin: "inspector", Subject: "恶意投诉认定待审核", CreatedAt: at}}, []tousu.AuditRecord{{At: at, Actor: "supervisor", Action: "malicious", Object: c.Number}}); err != nil {
		t.Fatalf("PutMalicious = %v", err)
	}
	if l, err := s.ListMalicious(ctx, tousu.MaliciousFilter{Status: tousu.MaliciousConfirmed, PhoneIndex: "p1"}); err != nil || len(l) != 0 {
		t.Errorf("a proposal found as confirmed: %d, %v", len(l), err)
	}
	m.Status, m.Note, m.ReviewedBy, m.ReviewedAt = tousu.MaliciousConfirmed, "同意", "inspector", &at
	m.PhoneIndex, m.IDNumberIndex = "p1", "i1"
	if err := s.PutMalicious(ctx, m, nil, nil); err != nil {
		t.Fatalf("PutMalicious again = %v", err)
	}
	got, err := s.FindMalicious(ctx, c.ID)
	if err != nil || got.Status != tousu.MaliciousConfirmed || got.Reason != "捏造" || got.ReviewedBy != "inspector" ||
		got.ReviewedAt == nil || got.PhoneIndex != "p1" {
		t.Fatalf("FindMalicious = %+v, %v", got, err)
	}
	for _, f := range []tousu.MaliciousFilter{{PhoneIndex: "p1"}, {IDNumberIndex: "i1"}, {PhoneIndex: "nope", IDNumberIndex: "i1"},
		{Status: tousu.MaliciousConfirmed, Staff: "A001"}} {
		if l, err := s.ListMalicious(ctx, f); err != nil || len(l) != 1 || l[0].Number != c.Number {
			t.Errorf("ListMalicious(%+v) = %+v, %v", f, l, err)
		}
	}
	if l, err := s.ListMalicious(ctx, tousu.MaliciousFilter{PhoneIndex: "\x00"}); err != nil || len(l) != 0 {
		t.Errorf("ListMalicious of a hostile index = %d, %v", len(l), err)
	}
	wantKind(t, "PutMalicious of a missing complaint", s.PutMalicious(ctx, &tousu.MaliciousMark{ComplaintID: "no-such", Number: "x",
		Status: tousu.MaliciousProposed, ProposedAt: at}, nil, nil), tousu.KindNotFound)
	if ms, err := s.ListMessages(ctx, tousu.MessageFilter{ToLogin: "inspector"}); err != nil || len(ms) != 1 || ms[0].ComplaintID != c.ID {
		t.Errorf("the proposal's messages = %+v, %v", ms, err)
	}
}
