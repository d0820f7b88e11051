package storetest

import (
	"strings"
	"testing"
	"time"

	"tousu"
)

// Complaint is a registered complaint with the given ID, for the engines' own tests: a
// visit about a window clerk's absence (窗口工作人员离岗), with a sealed name.
func Complaint(id string) *tousu.Complaint {
	at := time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)
	return &tousu.Complaint{
		ID: id, Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit, Status: tousu.StatusRegistered,
		Categories: []string{"attitude"}, Matter: "窗口工作人员离岗", ReceivedAt: at, CreatedAt: at, UpdatedAt: at,
		Identity: tousu.SealedIdentity{Fields: map[string][]byte{"name": {1, 2, 3}}},
	}
}

// testMigrateTwice: migrating an up-to-date schema changes nothing and fails nothing.
func testMigrateTwice(t *testing.T, s tousu.Store) {
	if err := s.Migrate(t.Context()); err != nil {
		t.Errorf("second Migrate = %v", err)
	}
}

// testDuplicateID: a complaint ID is used once, and the refused registration's number is
// never handed out twice. (On SQLite it is given back, gapless — internal/sqlite checks
// that; PostgreSQL takes numbers before the registering transaction, so a refused one
// leaves a gap: docs/DEPLOY.md.)
func testDuplicateID(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	first := newComplaint(t)
	if err := s.CreateComplaint(ctx, registration(first)); err != nil {
		t.Fatal(err)
	}
	again := newComplaint(t)
	again.ID = first.ID
	if err := s.CreateComplaint(ctx, registration(again)); !tousu.IsKind(err, tousu.KindConflict) {
		t.Errorf("CreateComplaint with a used ID = %v, want kind conflict", err)
	}
	other := newComplaint(t)
	if err := s.CreateComplaint(ctx, registration(other)); err != nil {
		t.Fatal(err)
	}
	if other.Number != prefix+"-0002" && other.Number != prefix+"-0003" {
		t.Errorf("Number after a refused registration = %q, want the next after %q (a gap allowed)", other.Number, first.Number)
	}
}

// testErrorsNameTheMethod: an error names the method that failed, the same on every
// engine, and says what a user may read.
func testErrorsNameTheMethod(t *testing.T, s tousu.Store) {
	_, err := s.FindComplaint(t.Context(), "TS20261127-0042")
	if !tousu.IsKind(err, tousu.KindNotFound) || !strings.HasPrefix(err.Error(), `store.FindComplaint("TS20261127-0042"): `) ||
		tousu.PublicMessage(err) != "未找到该投诉件" {
		t.Errorf("FindComplaint(missing) = %v, want a not-found error named store.FindComplaint, saying 未找到该投诉件", err)
	}
}
