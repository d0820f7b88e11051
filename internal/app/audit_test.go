package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/audit"
)

// TestPrivilegedActsAreAudited takes every privileged act once and checks that each left
// its record in the audit log — who, what, on what — and that the chain holds. Refused
// acts are not recorded as done.
func TestPrivilegedActsAreAudited(t *testing.T) {
	forEachStore(t, func(t *testing.T, db tousu.Store) {
		ctx := app.WithClient(context.Background(), "10.1.2.3")
		ring := newRing(t, 1)
		a := newApp(t, db, app.Options{Keys: ring})
		handler := tousu.Actor{Login: "handler", Name: "承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a"}
		if _, err := a.CreateUser(ctx, admin, app.NewUser{Login: "handler", Name: "承办人", Roles: handler.Roles, Unit: "dept-a",
			Password: "a long enough password"}); err != nil {
			t.Fatal(err)
		}
		number := register(t, a, person(1), nil)
		var attachmentID int64

		tests := []struct {
			name           string
			act            func() error
			actor, action  string
			object, detail string // "" does not check
		}{
			{"register", func() error { register(t, a, person(2), nil); return nil }, "clerk", "register", "", ""},
			{"reveal", func() error { _, err := a.Reveal(ctx, supervisor, number, "回访核实"); return err },
				"supervisor", "reveal", number, "回访核实"},
			{"related", func() error { _, err := a.Related(ctx, inspector, number); return err }, "inspector", "related", number, ""},
			{"accept", func() error {
				_, err := a.Act(ctx, supervisor, number, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
				return err
			}, "supervisor", "accept", number, ""},
			{"assign", func() error {
				_, err := a.Act(ctx, supervisor, number, tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Handler: "handler", Mode: tousu.ModeTransfer})
				return err
			}, "supervisor", "assign", number, ""},
			{"sign", func() error { _, err := a.Act(ctx, handler, number, tousu.ActSign, nil); return err }, "handler", "sign", number, ""},
			{"attach", func() error {
				_, err := a.Attach(ctx, handler, number, []app.Upload{{Name: "证据.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}})
				return err
			}, "handler", "attach", number, "1个文件 sha256:" + fileHash("%PDF-1.4\n%%EOF\n")[:12]},
			{"attachment download", func() error {
				atts, err := a.Attachments(ctx, supervisor, number)
				if err != nil || len(atts) != 1 {
					return err
				}
				attachmentID = atts[0].ID
				_, err = a.OpenAttachment(ctx, supervisor, number, attachmentID)
				return err
			}, "supervisor", "attachment.download", number, ""},
			{"sign-in", func() error { _, err := a.SignIn(ctx, "handler", "a long enough password"); return err }, "handler", "login", "handler", ""},
			{"failed sign-in", func() error {
				if _, err := a.SignIn(ctx, "handler", "wrong"); err == nil {
					t.Errorf("a wrong password signed in")
				}
				return nil
			}, "handler", "login.failed", "handler", "wrong password"},
			{"sign-out", func() error { a.SignedOut(ctx, "handler"); return nil }, "handler", "logout", "handler", ""},
			{"account created", func() error {
				_, err := a.CreateUser(ctx, admin, app.NewUser{Login: "clerk2", Name: "受理员二", Roles: []tousu.Role{tousu.RoleClerk}})
				return err
			}, "admin", "user.create", "clerk2", "roles=clerk unit=root"},
			{"role change", func() error {
				return a.UpdateAccount(ctx, admin, "clerk2", app.AccountUpdate{Name: "受理员二", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "dept-b"})
			}, "admin", "user.update", "clerk2", "roles=supervisor unit=dept-b"},
			{"account disabled", func() error { return a.SetAccountDisabled(ctx, admin, "clerk2", true) }, "admin", "user.disable", "clerk2", ""},
			{"account enabled", func() error { return a.SetAccountDisabled(ctx, admin, "clerk2", false) }, "admin", "user.enable", "clerk2", ""},
			{"password reset", func() error { _, err := a.ResetPassword(ctx, admin, "handler"); return err }, "admin", "password.reset", "handler", ""},
			{"token", func() error { _, err := a.CreateToken(ctx, admin, "handler"); return err }, "admin", "token.create", "handler", ""},
			{"unit", func() error {
				return a.PutUnit(ctx, admin, tousu.Unit{Code: "win-a2", Name: "社保2号窗口", Parent: "dept-a", Kind: tousu.UnitWindow})
			}, "admin", "unit.put", "win-a2", ""},
			{"staff", func() error {
				return a.PutStaff(ctx, admin, tousu.Staff{Badge: "A009", Name: "新人", Unit: "win-a1", Active: true})
			}, "admin", "staff.put", "A009", ""},
			{"category", func() error {
				return a.PutCategory(ctx, admin, tousu.Category{Code: "parking", Name: "停车", Active: true})
			}, "admin", "category.put", "parking", ""},
			{"calendar set", func() error {
				return a.PutCalendarOverride(ctx, admin, tousu.CalendarOverride{Date: tousu.MustDate("2027-02-08"), Name: "春节"})
			}, "admin", "calendar.put", "2027-02-08", ""},
			{"calendar delete", func() error { return a.DeleteCalendarOverride(ctx, admin, tousu.MustDate("2027-02-08")) },
				"admin", "calendar.delete", "2027-02-08", ""},
			{"policy", func() error {
				return a.PutPolicy(ctx, admin, &tousu.Policy{Name: "举报", Kind: tousu.KindReport, Days: 30, Unit: tousu.WorkingDays})
			}, "admin", "policy.put", "", ""},
			{"key rotation", func() error {
				rotated := ring.Rotate(seeded(2))
				if err := a.SetKeys(rotated); err != nil {
					return err
				}
				if err := a.BeginRotation(ctx, cli, rotated.CurrentID()); err != nil {
					return err
				}
				_, err := a.Reseal(ctx, cli, app.ResealOptions{})
				return err
			}, "cli", "keys.rotate", "", "finished; re-sealed 2"},
			{"backup", func() error {
				err := a.Backup(ctx, cli, filepath.Join(t.TempDir(), "copy"))
				if err != nil && strings.Contains(err.Error(), "pg_dump is needed") {
					return nil // no client tools here; the audit record is written first either way
				}
				return err
			}, "cli", "backup", "", ""},
		}
		for _, tt := range tests {
			before := len(auditActions(t, db))
			if err := tt.act(); err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			recs := auditActions(t, db)
			if len(recs) == before {
				t.Errorf("%s: no audit record", tt.name)
				continue
			}
			r := recs[len(recs)-1]
			if r.Action != tt.action || r.Actor != tt.actor || (tt.object != "" && r.Object != tt.object) ||
				(tt.detail != "" && r.Detail != tt.detail) || r.Client != "10.1.2.3" && tt.actor != "clerk" {
				t.Errorf("%s: audit record %+v, want %s by %s on %q (%q) from 10.1.2.3", tt.name, r, tt.action, tt.actor, tt.object, tt.detail)
			}
		}

		// Refused acts leave no record of having been done.
		before := len(auditActions(t, db))
		if _, err := a.Reveal(ctx, leader, number, "好奇"); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("leader reveals: %v", err)
		}
		if _, err := a.Related(ctx, clerk, number); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("clerk looks up related: %v", err)
		}
		if err := a.UpdateAccount(ctx, supervisor, "clerk2", app.AccountUpdate{Name: "x", Roles: []tousu.Role{tousu.RoleAdmin}}); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("supervisor changes roles: %v", err)
		}
		if n := len(auditActions(t, db)); n != before {
			t.Errorf("refused acts wrote %d audit records", n-before)
		}
		if h, err := audit.Verify(ctx, db); err != nil || h.Records != before {
			t.Errorf("audit.Verify = %+v, %v", h, err)
		}
	})
}

func fileHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
