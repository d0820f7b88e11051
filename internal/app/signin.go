package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"tousu"
)

// SignIn checks a desk sign-in and audits it, successful or not. A wrong login and a
// wrong password are the same error, so that logins cannot be probed.
func (a *App) SignIn(ctx context.Context, login, password string) (*tousu.User, error) {
	login = strings.TrimSpace(login)
	if login == "" || password == "" {
		return nil, tousu.Errorf(tousu.KindUnauthorized, "请输入登录名和密码")
	}
	if len(login) > 64 || len(password) > 200 {
		return nil, tousu.Errorf(tousu.KindUnauthorized, "登录名或密码不正确")
	}
	now := a.now()
	u, err := a.store.FindUser(ctx, login)
	if tousu.IsKind(err, tousu.KindNotFound) {
		// Spend the same time as a real check, so that logins cannot be told apart.
		checkPassword(dummyHash(), password)
		if aerr := a.audit(ctx, tousu.Actor{Login: login}, "login.failed", login, "unknown account"); aerr != nil {
			return nil, aerr
		}
		return nil, tousu.Errorf(tousu.KindUnauthorized, "登录名或密码不正确")
	}
	if err != nil {
		return nil, err
	}
	if u.LockedUntil.After(now) {
		if aerr := a.audit(ctx, tousu.Actor{Login: login}, "login.failed", login, "locked"); aerr != nil {
			return nil, aerr
		}
		return nil, tousu.Errorf(tousu.KindRateLimited, "密码错误次数过多，账号已临时锁定，请于 %s 后再试",
			u.LockedUntil.In(a.loc).Format("15:04"))
	}
	if u.Disabled || !checkPassword(u.PasswordHash, password) {
		detail := "wrong password"
		if u.Disabled {
			detail = "disabled"
		} else {
			u.FailedLogins++
			if u.FailedLogins >= MaxFailedLogins {
				u.LockedUntil, u.FailedLogins = now.Add(LockoutPeriod).UTC().Truncate(time.Millisecond), 0
				detail = "wrong password; locked"
			}
			if err := a.store.UpdateUser(ctx, u); err != nil {
				return nil, err
			}
		}
		if aerr := a.audit(ctx, tousu.Actor{Login: login}, "login.failed", login, detail); aerr != nil {
			return nil, aerr
		}
		return nil, tousu.Errorf(tousu.KindUnauthorized, "登录名或密码不正确")
	}
	if u.FailedLogins > 0 || !u.LockedUntil.IsZero() {
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if err := a.store.UpdateUser(ctx, u); err != nil {
			return nil, err
		}
	}
	if err := a.audit(ctx, u.Actor(), "login", u.Login, ""); err != nil {
		return nil, err
	}
	return u, nil
}

// Lockout: after MaxFailedLogins wrong passwords in a row an account refuses every
// sign-in for LockoutPeriod, which makes guessing passwords online hopeless.
const (
	MaxFailedLogins = 5
	LockoutPeriod   = 15 * time.Minute
)

// dummyHash is checked against when the account does not exist, so that an unknown
// login costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string { return hashPassword("tousu dummy password", []byte("tousu-dummy-salt")) })

// SignedOut audits a desk sign-out.
func (a *App) SignedOut(ctx context.Context, login string) {
	if err := a.audit(ctx, tousu.Actor{Login: login}, "logout", login, ""); err != nil {
		a.log.Error("audit sign-out", "err", err)
	}
}

// SessionActor is the account behind a desk session, checked on every request so that
// disabling an account or changing its roles takes effect at once.
func (a *App) SessionActor(ctx context.Context, login string) (tousu.Actor, error) {
	u, err := a.store.FindUser(ctx, login)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "请重新登录")
	}
	if err != nil {
		return tousu.Actor{}, err
	}
	if u.Disabled {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "账号已停用")
	}
	return u.Actor(), nil
}

// ChangePassword sets a new password for the signed-in account, given the old one.
func (a *App) ChangePassword(ctx context.Context, actor tousu.Actor, old, new, confirm string) error {
	u, err := a.store.FindUser(ctx, actor.Login)
	if err != nil {
		return err
	}
	p := tousu.Problems{}
	if !checkPassword(u.PasswordHash, old) {
		p.Add("old", "原密码不正确")
	}
	if msg := passwordProblem(new); msg != "" {
		p.Add("new", msg)
	} else if new == old {
		p.Add("new", "新密码不能与原密码相同")
	}
	if confirm != new {
		p.Add("confirm", "两次输入的新密码不一致")
	}
	if err := p.Err(); err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := a.rand.Read(salt); err != nil {
		return err
	}
	u.PasswordHash = hashPassword(new, salt)
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	return a.audit(ctx, actor, "password.change", u.Login, "")
}
