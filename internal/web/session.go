package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/alexedwards/scs/v2"

	"tousu"
	"tousu/internal/app"
)

// sessionBackend is the part of the store that keeps desk sessions, so that they survive
// restarts and are shared by every node.
type sessionBackend interface {
	FindSession(ctx context.Context, hash string) ([]byte, time.Time, error)
	PutSession(ctx context.Context, hash string, data []byte, expiry time.Time) error
	DeleteSession(ctx context.Context, hash string) error
}

// sessionStore adapts the store to scs. scs hashes tokens before they reach it
// (HashTokenInStore), so a copy of the database holds no usable session token.
type sessionStore struct {
	b   sessionBackend
	now func() time.Time
}

func (s sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	data, expiry, err := s.b.FindSession(ctx, token)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if !expiry.After(s.now()) {
		return nil, false, nil
	}
	return data, true, nil
}

func (s sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return s.b.PutSession(ctx, token, b, expiry)
}

func (s sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.b.DeleteSession(ctx, token)
}

func (s sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// SessionLifetime bounds a desk session; SessionIdle signs out a desk left alone.
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 2 * time.Hour
)

func (s *Server) newSessions(store sessionBackend, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Lifetime, sm.IdleTimeout = SessionLifetime, SessionIdle
	sm.HashTokenInStore = true
	sm.Cookie.Name = "tousu_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	sm.Store = sessionStore{b: store, now: time.Now}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.pageError(w, r, err) }
	return sm
}

// sessionKey is the key of the signed-in login in the session; epochKey of the account's
// epoch at sign-in (a password change or reset since ends the session).
const (
	sessionKey = "login"
	epochKey   = "epoch"
)

// deskActor returns the signed-in staff account of a desk request, or an unauthorized
// error. A disabled or deleted account is signed out.
func (s *Server) deskActor(r *http.Request) (tousu.Actor, error) {
	login := s.sessions.GetString(r.Context(), sessionKey)
	if login == "" {
		return tousu.Actor{}, tousu.Errorf(tousu.KindUnauthorized, "请先登录")
	}
	actor, err := s.app.SessionActor(r.Context(), login, s.sessions.GetInt(r.Context(), epochKey))
	if err != nil {
		if tousu.IsKind(err, tousu.KindUnauthorized) {
			_ = s.sessions.Destroy(r.Context())
		}
		return tousu.Actor{}, err
	}
	return actor, nil
}

// desk adapts a page handler that needs a signed-in account; without one it sends the
// browser to the sign-in page and back afterwards.
func (s *Server) desk(h func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error) http.Handler {
	return s.sessions.LoadAndSave(s.page(func(w http.ResponseWriter, r *http.Request) error {
		r = r.WithContext(withClient(r))
		actor, err := s.deskActor(r)
		if tousu.IsKind(err, tousu.KindUnauthorized) {
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = "/desk/"
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		return h(w, r, actor)
	}))
}

// userOf is the layout's view of the signed-in account.
func userOf(a tousu.Actor) *deskUser {
	u := &deskUser{Login: a.Login, Name: a.Name, CanRegister: app.CanRegister(a) == nil,
		CanAdminister: app.CanAdminister(a) == nil, CanReadAudit: app.CanReadAudit(a) == nil,
		CanSeeEvaluations: app.CanSeeCases(a) == nil,
		CanInspect:        app.CanSeeConduct(a) == nil,
		CanSeeStats:       a.Has(tousu.RoleSupervisor) || a.Has(tousu.RoleInspector) || a.Has(tousu.RoleLeader),
		CanDispose:        app.CanDispose(a) == nil}
	for _, r := range a.Roles {
		u.Roles = append(u.Roles, tousu.Roles.Label(r))
	}
	return u
}
