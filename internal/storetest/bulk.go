package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/audit"
)

// testBulkRegister: a bulk load stores what registration stores — the number from the
// same per-day counter, the row, categories, assisting units, every event in order, the
// audit records in the one chain — marks its events and records with the source, keeps an
// imported complaint's own number, and is all or nothing.
func testBulkRegister(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	live := create(t, s, newComplaint(t)) // a registration before the load takes -0001

	closed := newComplaint(t)
	closed.Status = tousu.StatusClosed
	closed.AssignedUnit, closed.Handler = "window-1", "handler1"
	closed.Handling.Assisting = []tousu.Assist{{Unit: "window-2"}}
	closed.Reply = &tousu.Reply{Process: "核查", Result: "已整改", Channel: tousu.ChannelPhone}
	closed.Satisfaction = 4
	closedAt := base.Add(72 * time.Hour)
	closed.ClosedAt, closed.UpdatedAt = &closedAt, closedAt
	imported := newComplaint(t)
	imported.Number = "OLD2019-0007"
	imported.Matter = "历史投诉：办事窗口推诿"

	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	cs := []tousu.BulkComplaint{{
		Complaint: closed, NumberPrefix: prefix,
		Events: []tousu.Event{
			{Type: tousu.EventRegister, Actor: "clerk1", At: at(0), To: tousu.StatusRegistered, Payload: json.RawMessage(`{"channel":"visit"}`)},
			{Type: "accept", Actor: "sup1", At: at(1), From: tousu.StatusRegistered, To: tousu.StatusAccepted},
			{Type: "assign", Actor: "sup1", At: at(2), From: tousu.StatusAccepted, To: tousu.StatusAssigned},
			{Type: "close", Actor: "sup1", At: at(72), From: tousu.StatusReplied, To: tousu.StatusClosed},
		},
		Audit: []tousu.AuditRecord{{At: at(0), Actor: "clerk1", Action: "register"}, {At: at(72), Actor: "sup1", Action: "close"}},
	}, {
		Complaint: imported,
		Events:    []tousu.Event{{Type: tousu.EventRegister, Actor: "import", At: at(0), To: tousu.StatusRegistered}},
		Audit:     []tousu.AuditRecord{{At: at(0), Actor: "import", Action: "register"}},
	}}
	if err := s.BulkRegister(ctx, tousu.SourceGenerated, cs); err != nil {
		t.Fatalf("BulkRegister = %v", err)
	}
	if want := prefix + "-0002"; closed.Number != want || closed.Version != 4 {
		t.Errorf("bulk number, version = %s, %d, want %s, 4 (after the live %s)", closed.Number, closed.Version, want, live.Number)
	}
	next := create(t, s, newComplaint(t))
	if want := prefix + "-0003"; next.Number != want {
		t.Errorf("registration after the load numbered %s, want %s: the counter is shared", next.Number, want)
	}
	got := find(t, s, closed.Number)
	if got.Status != tousu.StatusClosed || got.Reply == nil || got.Reply.Result != "已整改" || got.ClosedAt == nil || !got.ClosedAt.Equal(closedAt) || got.Satisfaction != 4 {
		t.Errorf("FindComplaint(%s) = %+v, want the final projection", closed.Number, got)
	}
	if got := find(t, s, "OLD2019-0007"); got.Matter != imported.Matter || got.Version != 1 {
		t.Errorf("the imported complaint = %+v, want its own number kept", got)
	}
	evs, err := s.ListEvents(ctx, closed.ID)
	if err != nil || len(evs) != 4 {
		t.Fatalf("ListEvents = %d events, %v, want 4", len(evs), err)
	}
	for i, ev := range evs {
		if ev.Seq != i+1 || ev.Type != cs[0].Events[i].Type || ev.ID != cs[0].Events[i].ID || !strings.Contains(string(ev.Payload), `"source":"generated"`) {
			t.Errorf("event %d = seq %d %s id %d payload %s, want seq %d %s id %d marked generated", i, ev.Seq, ev.Type, ev.ID, ev.Payload, i+1, cs[0].Events[i].Type, cs[0].Events[i].ID)
		}
	}
	if !strings.Contains(string(evs[0].Payload), `"channel":"visit"`) {
		t.Errorf("the registration's payload %s lost its own fields", evs[0].Payload)
	}
	for _, f := range []tousu.ComplaintFilter{{AssistedBy: []string{"window-2"}}, {Category: "attitude", Statuses: []tousu.Status{tousu.StatusClosed}}} {
		if n, err := s.CountComplaints(ctx, f); err != nil || n != 1 {
			t.Errorf("CountComplaints(%+v) = %d, %v, want 1: the bulk path keeps the list tables", f, n, err)
		}
	}
	recs, err := s.SearchAudit(ctx, tousu.AuditFilter{Object: closed.Number})
	if err != nil || len(recs) != 2 || recs[0].Client != tousu.SourceGenerated {
		t.Errorf("SearchAudit(%s) = %+v, %v, want 2 records from the generated source", closed.Number, recs, err)
	}
	if cs[0].Audit[1].ID == 0 || cs[0].Audit[1].Hash == "" {
		t.Errorf("the caller's audit records = %+v, want their place in the chain", cs[0].Audit[1])
	}
	if _, err := audit.Verify(ctx, s); err != nil {
		t.Errorf("audit.Verify after a bulk load = %v", err)
	}

	// All or nothing: a batch with a used number stores none of it.
	fresh := newComplaint(t)
	dup := newComplaint(t)
	dup.Number = "OLD2019-0007"
	bad := []tousu.BulkComplaint{
		{Complaint: fresh, NumberPrefix: prefix, Events: []tousu.Event{{Type: tousu.EventRegister, At: base}}},
		{Complaint: dup, Events: []tousu.Event{{Type: tousu.EventRegister, At: base}}},
	}
	wantKind(t, "BulkRegister with a used number", s.BulkRegister(ctx, tousu.SourceImport, bad), tousu.KindConflict)
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{}); err != nil || n != 4 {
		t.Errorf("CountComplaints after a refused batch = %d, %v, want 4", n, err)
	}
	if err := s.BulkRegister(ctx, tousu.SourceImport, []tousu.BulkComplaint{{Complaint: newComplaint(t), NumberPrefix: prefix}}); err == nil {
		t.Error("BulkRegister without a registration event = nil, want an error")
	}
}
