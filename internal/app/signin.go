package app

import (
	"context"
	"strings"

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
	u, err := a.CheckPassword(ctx, login, password)
	if err != nil {
		if tousu.IsKind(err, tousu.KindUnauthorized) {
			if aerr := a.audit(ctx, tousu.Actor{Login: login}, "login.failed", login, ""); aerr != nil {
				return nil, aerr
			}
		}
		return nil, err
	}
	if err := a.audit(ctx, u.Actor(), "login", u.Login, ""); err != nil {
		return nil, err
	}
	return u, nil
}

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
