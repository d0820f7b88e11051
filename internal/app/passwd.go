package app

import (
	"context"
	"time"

	"tousu"
)

// SetPassword sets an account's password from the command line (`tousu user passwd`):
// the one given, or a generated one when password is "", which it returns. It also lifts
// a lockout, since whoever runs the command has the server in hand. Admin or the system;
// audited as password.set, saying whether the password was generated.
func (a *App) SetPassword(ctx context.Context, actor tousu.Actor, login, password string) (string, error) {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return "", err
	}
	u, err := a.store.FindUser(ctx, login)
	if err != nil {
		return "", err
	}
	detail := "given"
	if password == "" {
		if password, err = a.randomPassword(); err != nil {
			return "", err
		}
		detail = "generated"
	} else if msg := passwordProblem(password); msg != "" {
		return "", tousu.Problems{"password": msg}.Err()
	}
	salt := make([]byte, 16)
	if _, err := a.rand.Read(salt); err != nil {
		return "", err
	}
	u.PasswordHash = hashPassword(password, salt)
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return "", err
	}
	if err := a.audit(ctx, actor, "password.set", u.Login, detail); err != nil {
		return "", err
	}
	return password, nil
}
