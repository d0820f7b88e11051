package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"tousu"
)

// SignIn checks a desk sign-in and audits it, successful or not. A wrong login and a
// wrong password are the same error, and an unknown login is throttled exactly as a
// known one, so that logins cannot be probed. Failures are throttled per client address
// (read from ctx, see WithClient) and per login (throttle.go); no account is ever locked
// by someone else's guesses alone.
func (a *App) SignIn(ctx context.Context, login, password string) (*tousu.User, error) {
	login = strings.TrimSpace(login)
	if login == "" || password == "" {
		return nil, tousu.Errorf(tousu.KindUnauthorized, "请输入登录名和密码")
	}
	if len(login) > 64 || len(password) > 200 {
		return nil, tousu.Errorf(tousu.KindUnauthorized, "登录名或密码不正确")
	}
	now := a.now()
	addr := ClientFrom(ctx)
	keys := map[string]int{"pair\x00" + login + "\x00" + addr: SignInPerPair, "addr\x00" + addr: SignInPerAddress,
		"login\x00" + login: SignInPerLogin}
	if wait := a.signins.blocked(now, keys); wait > 0 {
		if aerr := a.audit(ctx, tousu.Actor{Login: login}, "login.failed", login, "throttled"); aerr != nil {
			return nil, aerr
		}
		return nil, tooManyGuesses(wait)
	}
	fail := func(detail string) (*tousu.User, error) {
		a.signins.fail(now, "pair\x00"+login+"\x00"+addr, "addr\x00"+addr, "login\x00"+login)
		if aerr := a.audit(ctx, tousu.Actor{Login: login}, "login.failed", login, detail); aerr != nil {
			return nil, aerr
		}
		return nil, tousu.Errorf(tousu.KindUnauthorized, "登录名或密码不正确")
	}
	u, err := a.store.FindUser(ctx, login)
	if tousu.IsKind(err, tousu.KindNotFound) {
		// Spend the same time as a real check, so that logins cannot be told apart.
		checkPassword(dummyHash(), password)
		return fail("unknown account")
	}
	if err != nil {
		return nil, err
	}
	if !checkPassword(u.PasswordHash, password) {
		return fail("wrong password")
	}
	if u.Disabled {
		return fail("disabled")
	}
	a.signins.forget("pair\x00" + login + "\x00" + addr)
	if u.FailedLogins > 0 || !u.LockedUntil.IsZero() {
		// The stored lockout of earlier versions: cleared, since throttling replaced it.
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

// tooManyGuesses is the refusal of a throttled sign-in or password change. It names no
// account, so that it tells nothing about whether a login exists.
func tooManyGuesses(wait time.Duration) error {
	mins := int(wait.Minutes()) + 1
	return &tousu.Error{Kind: tousu.KindRateLimited, RetryAfter: wait,
		Message: fmt.Sprintf("尝试次数过多，请 %d 分钟后再试", mins)}
}

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
// disabling an account or changing its roles takes effect at once. epoch is the account's
// epoch when the session signed in: a password changed or reset since ends the session.
func (a *App) SessionActor(ctx context.Context, login string, epoch int) (tousu.Actor, error) {
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
	if u.Epoch != epoch {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "密码已修改，请重新登录")
	}
	return u.Actor(), nil
}

// ChangePassword sets a new password for the signed-in account, given the old one, and
// returns the account's new epoch: every other desk session of the account ends, and the
// caller's own session carries on under the new epoch. Wrong old passwords are throttled
// like failed sign-ins, so the form cannot be used to guess the password of a session
// left open.
func (a *App) ChangePassword(ctx context.Context, actor tousu.Actor, old, new, confirm string) (int, error) {
	now := a.now()
	key := "change\x00" + actor.Login
	if wait := a.signins.blocked(now, map[string]int{key: SignInPerPair}); wait > 0 {
		if aerr := a.audit(ctx, actor, "password.change.failed", actor.Login, "throttled"); aerr != nil {
			return 0, aerr
		}
		return 0, tooManyGuesses(wait)
	}
	u, err := a.store.FindUser(ctx, actor.Login)
	if err != nil {
		return 0, err
	}
	p := tousu.Problems{}
	if len(old) > 200 || !checkPassword(u.PasswordHash, old) {
		a.signins.fail(now, key)
		if aerr := a.audit(ctx, actor, "password.change.failed", actor.Login, "wrong old password"); aerr != nil {
			return 0, aerr
		}
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
		return 0, err
	}
	a.signins.forget(key)
	salt := make([]byte, 16)
	if _, err := a.rand.Read(salt); err != nil {
		return 0, err
	}
	u.PasswordHash, u.Epoch = hashPassword(new, salt), u.Epoch+1
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return 0, err
	}
	return u.Epoch, a.audit(ctx, actor, "password.change", u.Login, "")
}
