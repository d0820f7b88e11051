package sqlite_test

import (
	"testing"
	"time"

	"tousu"
)

// BenchmarkAuthenticateReads compares what authenticating an API request reads: the
// token, then the account with its staff history (three statements, as before), and the
// one statement of FindTokenUser. Run it with
//
//	go test ./internal/sqlite -run '^$' -bench AuthenticateReads
func BenchmarkAuthenticateReads(b *testing.B) {
	s := open(b)
	ctx := b.Context()
	at := time.Date(2026, 11, 27, 1, 30, 0, 0, time.UTC)
	if err := s.PutStaff(ctx, tousu.Staff{Badge: "A001", Name: "甲", Unit: "root", Active: true}); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateUser(ctx, &tousu.User{Login: "clerk1", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}, Staff: "A001", CreatedAt: at}); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateToken(ctx, tousu.Token{Hash: "h", Login: "clerk1", CreatedAt: at}); err != nil {
		b.Fatal(err)
	}
	b.Run("baseline=token-then-user", func(b *testing.B) {
		for b.Loop() {
			t, err := s.FindToken(ctx, "h")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.FindUser(ctx, t.Login); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-read", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.FindTokenUser(ctx, "h"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
