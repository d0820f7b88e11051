// Package storetest is the conformance suite of tousu.Store: one set of behaviours that
// every store (internal/sqlite, internal/postgres) must show. A store's own test calls Run
// with a function that opens a fresh, migrated, empty store.
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"tousu"
)

// Run runs the whole suite, each behaviour as a subtest on a store of its own from open.
// open must return a fresh, migrated, empty store and arrange for it to be closed (with
// t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) tousu.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s tousu.Store)
	}{
		{"ComplaintRoundTrip", testComplaintRoundTrip},
		{"ComplaintMinimal", testComplaintMinimal},
		{"Numbers", testNumbers},
		{"Idempotency", testIdempotency},
		{"ExternalRef", testExternalRef},
		{"LegalHolds", testLegalHolds},
		{"Disposal", testDisposal},
		{"ExternalRefNumbers", testExternalRefNumbers},
		{"UpdateVersion", testUpdateVersion},
		{"Events", testEvents},
		{"NotFound", testNotFound},
		{"HostileValues", testHostileValues},
		{"ListFilters", testListFilters},
		{"ListCategoryUpdate", testListCategoryUpdate},
		{"ListAssistUpdate", testListAssistUpdate},
		{"ListDefaultLimit", testListDefaultLimit},
		{"Pagination", testPagination},
		{"Units", testUnits},
		{"Staff", testStaff},
		{"Categories", testCategories},
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"CalendarOverrides", testCalendarOverrides},
		{"Policies", testPolicies},
		{"Audit", testAudit},
		{"SearchAudit", testSearchAudit},
		{"ConcurrentCreate", testConcurrentCreate},
		{"ListIdentityAndAlerts", testListIdentityAndAlerts},
		{"ListMarks", testListMarks},
		{"Attachments", testAttachments},
		{"AttachmentDedup", testAttachmentDedup},
		{"AttachmentRefused", testAttachmentRefused},
		{"Sealed", testSealed},
		{"Outbox", testOutbox},
		{"ClaimMessages", testClaimMessages},
		{"OutboxNumber", testOutboxNumber},
		{"ConcurrentClaims", testConcurrentClaims},
		{"ListMessages", testListMessages},
		{"Leases", testLeases},
		{"Sessions", testSessions},
		{"Settings", testSettings},
		{"ConcurrentAudit", testConcurrentAudit},
		{"MigrateTwice", testMigrateTwice},
		{"DuplicateID", testDuplicateID},
		{"ErrorsNameTheMethod", testErrorsNameTheMethod},
		{"Intake", testIntake},
		{"Search", testSearch},
		{"Links", testLinks},
		{"SearchBulk", testSearchBulk},
		{"Conduct", testConduct},
		{"Malicious", testMalicious},
		{"StatsRecount", testStatsRecount},
		{"StatsConcurrent", testStatsConcurrent},
		{"Disclosures", testDisclosures},
		{"BulkRegister", testBulkRegister},
		{"FindTokenUser", testFindTokenUser},
		// 好差评 (issue 16): evaluations.go.
		{"Evaluations", testEvaluations},
		{"EvaluationLists", testEvaluationLists},
		{"EvaluationStats", testEvaluationStats},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, open(t)) })
	}
}

// base is a Friday morning in Beijing, the instant the fixtures count from. Fixture
// instants have millisecond precision, the precision every store keeps.
var (
	beijing = time.FixedZone("CST", 8*60*60)
	base    = time.Date(2026, 11, 27, 9, 30, 0, 0, beijing)
)

// prefix is the number prefix of the fixtures' registration day.
const prefix = "TS20261127"

// newID returns a random complaint ID.
func newID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// newComplaint returns a registered complaint with the fields every registration has.
func newComplaint(t *testing.T) *tousu.Complaint {
	t.Helper()
	return &tousu.Complaint{
		ID:            newID(t),
		Kind:          tousu.KindComplaint,
		Channel:       tousu.ChannelVisit,
		Status:        tousu.StatusRegistered,
		Categories:    []string{"attitude"},
		Matter:        "窗口工作人员态度生硬",
		Request:       "希望改进服务态度",
		FirstReceiver: "clerk1",
		OwnerUnit:     "centre",
		ReceivedAt:    base,
		CreatedAt:     base,
		UpdatedAt:     base,
		QueryCodeHash: "hash-of-query-code",
		Deadline: tousu.Deadline{
			Days: 15, Unit: tousu.WorkingDays,
			Start: tousu.MustDate("2026-11-27"), Due: tousu.MustDate("2026-12-18"),
		},
	}
}

// registration is the change that registers c.
func registration(c *tousu.Complaint) *tousu.Change {
	return &tousu.Change{
		Complaint: c,
		Event: &tousu.Event{
			Type: tousu.EventRegister, Actor: c.FirstReceiver, ActorName: "受理员甲",
			At: c.ReceivedAt, To: c.Status, Payload: json.RawMessage(`{"channel":"` + string(c.Channel) + `"}`),
		},
		NumberPrefix: prefix,
	}
}

// create registers c with the fixtures' prefix and fails the test if the store refuses.
func create(t *testing.T, s tousu.Store, c *tousu.Complaint) *tousu.Complaint {
	t.Helper()
	if err := s.CreateComplaint(t.Context(), registration(c)); err != nil {
		t.Fatalf("CreateComplaint(%s) = %v", c.ID, err)
	}
	return c
}

// find loads the complaint with the number and fails the test if it cannot.
func find(t *testing.T, s tousu.Store, number string) *tousu.Complaint {
	t.Helper()
	c, err := s.FindComplaint(t.Context(), number)
	if err != nil {
		t.Fatalf("FindComplaint(%q) = %v", number, err)
	}
	return c
}

// update applies an action's change to c as the domain would and stores it.
func update(t *testing.T, s tousu.Store, c *tousu.Complaint, typ tousu.EventType, to tousu.Status, at time.Time) *tousu.Event {
	t.Helper()
	ev := &tousu.Event{Type: typ, Actor: "sup1", ActorName: "督查员乙", At: at, From: c.Status, To: to}
	c.Status = to
	c.UpdatedAt = at
	if err := s.UpdateComplaint(t.Context(), &tousu.Change{Complaint: c, Event: ev}); err != nil {
		t.Fatalf("UpdateComplaint(%s, %s) = %v", c.Number, typ, err)
	}
	return ev
}

// wantKind fails the test unless err is of the kind.
func wantKind(t *testing.T, what string, err error, kind tousu.ErrorKind) {
	t.Helper()
	if err == nil {
		t.Errorf("%s = nil error, want kind %s", what, kind)
		return
	}
	if got := tousu.KindOf(err); got != kind {
		t.Errorf("%s = %v (kind %s), want kind %s", what, err, got, kind)
	}
}

// sameTime compares two instants, either of which may be absent.
func sameTime(got, want *time.Time) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	return got.Equal(*want)
}

func ptr[T any](v T) *T { return &v }

func number(n int) string { return fmt.Sprintf("%s-%04d", prefix, n) }
