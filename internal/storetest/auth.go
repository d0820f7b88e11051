package storetest

import (
	"reflect"
	"testing"
	"time"

	"tousu"
)

// testFindTokenUser: the one read that authenticates a request gives what FindToken and
// FindUser give, staff history in order, and sees a change of the account, a new badge
// and a revocation at once.
func testFindTokenUser(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	for _, u := range []tousu.User{
		{Login: "plain", Name: "无工号账号", Roles: []tousu.Role{tousu.RoleClerk}, CreatedAt: base},
		{Login: "linked", Name: "有工号账号", Roles: []tousu.Role{tousu.RoleHandler, tousu.RoleClerk}, Unit: "win-a1", Staff: "A001", CreatedAt: base},
	} {
		if err := s.PutStaff(ctx, tousu.Staff{Badge: "A001", Name: "甲", Unit: "win-a1", Active: true}); err != nil && u.Staff != "" {
			t.Fatalf("PutStaff = %v", err)
		}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatalf("CreateUser(%s) = %v", u.Login, err)
		}
		tok := tousu.Token{Hash: "hash-" + u.Login, Login: u.Login, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatalf("CreateToken = %v", err)
		}
		gotT, gotU, err := s.FindTokenUser(ctx, tok.Hash)
		if err != nil {
			t.Fatalf("FindTokenUser(%s) = %v", u.Login, err)
		}
		wantT, _ := s.FindToken(ctx, tok.Hash)
		wantU, _ := s.FindUser(ctx, u.Login)
		if !reflect.DeepEqual(gotT, wantT) || !reflect.DeepEqual(gotU, wantU) {
			t.Errorf("FindTokenUser(%s) = %+v, %+v; want %+v, %+v", u.Login, gotT, gotU, wantT, wantU)
		}
	}
	// A second badge, a role taken away: the next read sees both.
	if err := s.PutStaff(ctx, tousu.Staff{Badge: "B002", Name: "甲", Unit: "win-a1", Active: true}); err != nil {
		t.Fatal(err)
	}
	u, err := s.FindUser(ctx, "linked")
	if err != nil {
		t.Fatal(err)
	}
	u.Staff, u.Roles, u.Disabled = "B002", []tousu.Role{tousu.RoleClerk}, true
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	_, got, err := s.FindTokenUser(ctx, "hash-linked")
	if err != nil || got.Staff != "B002" || !reflect.DeepEqual(got.StaffHistory, []string{"A001", "B002"}) ||
		!reflect.DeepEqual(got.Roles, []tousu.Role{tousu.RoleClerk}) || !got.Disabled {
		t.Errorf("FindTokenUser after an update = %+v, %v; want badge B002, history [A001 B002], clerk, disabled", got, err)
	}
	if err := s.DeleteToken(ctx, "hash-linked"); err != nil {
		t.Fatal(err)
	}
	for _, hash := range []string{"hash-linked", "no-such-hash", "bad\x00hash"} {
		if _, _, err := s.FindTokenUser(ctx, hash); !tousu.IsKind(err, tousu.KindNotFound) {
			t.Errorf("FindTokenUser(%q) = %v, want kind not_found", hash, err)
		}
	}
}
