package web

import (
	"context"
	"net"
	"net/http"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// loginPage is the view model of /login.
type loginPage struct {
	Common
	Login string
	Next  string
	Error string
	// NeedHTTPS says the browser will not keep the session cookie: the page came over
	// plain HTTP on a network name while the cookie is Secure (see needsHTTPS).
	NeedHTTPS bool
}

// needsHTTPS reports whether a sign-in from this request would fail silently: browsers
// drop a Secure cookie set over plain HTTP, except on localhost and 127.0.0.1.
func (s *Server) needsHTTPS(r *http.Request) bool {
	if !s.sessions.Cookie.Secure || r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// safeNext keeps a post-login redirect on this site's desk.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/desk/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return "/desk/"
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if login := s.sessions.GetString(r.Context(), sessionKey); login != "" {
		http.Redirect(w, r, "/desk/", http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, "desk/login", loginPage{Common: s.common(r, "工作人员登录"),
		Next: safeNext(r.URL.Query().Get("next")), NeedHTTPS: s.needsHTTPS(r)})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return tousu.Errorf(tousu.KindMalformed, "表单无效")
	}
	ctx := withClient(r)
	login, password := strings.TrimSpace(r.PostForm.Get("login")), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	u, err := s.app.SignIn(ctx, login, password)
	if err != nil {
		if !tousu.IsKind(err, tousu.KindUnauthorized) && !tousu.IsKind(err, tousu.KindRateLimited) {
			return err
		}
		code := http.StatusUnauthorized
		if tousu.IsKind(err, tousu.KindRateLimited) {
			code = http.StatusTooManyRequests
			setRetryAfter(w, err)
		}
		return s.render(w, r, code, "desk/login", loginPage{Common: s.common(r, "工作人员登录"),
			Login: login, Next: next, Error: tousu.PublicMessage(err), NeedHTTPS: s.needsHTTPS(r)})
	}
	// A new token on sign-in, so that a token planted before cannot ride the session.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionKey, u.Login)
	s.sessions.Put(r.Context(), epochKey, u.Epoch)
	if next == "/desk/" && leaderOnly(u.Actor()) {
		next = "/desk/stats" // a leader's desk opens on the figures (desk_stats.go)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if login := s.sessions.GetString(r.Context(), sessionKey); login != "" {
		s.app.SignedOut(withClient(r), login)
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// passwordPage is the view model of /desk/password.
type passwordPage struct {
	Common
	Errors map[string]string
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.render(w, r, http.StatusOK, "desk/password", passwordPage{Common: s.deskCommon(r, actor, "修改密码")})
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return tousu.Errorf(tousu.KindMalformed, "表单无效")
	}
	f := r.PostForm
	epoch, err := s.app.ChangePassword(r.Context(), actor, f.Get("old"), f.Get("new"), f.Get("confirm"))
	if fields := tousu.FieldsOf(err); fields != nil {
		return s.render(w, r, http.StatusUnprocessableEntity, "desk/password",
			passwordPage{Common: s.deskCommon(r, actor, "修改密码"), Errors: fields})
	}
	if err != nil {
		return err
	}
	// Every other session of this account has ended (the account's epoch moved on); this
	// one carries on under the new epoch, with a new token.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), epochKey, epoch)
	vm := passwordPage{Common: s.deskCommon(r, actor, "修改密码")}
	vm.Flash = "密码已修改"
	return s.render(w, r, http.StatusOK, "desk/password", vm)
}

// deskCommon fills the layout's part of a desk page's view model.
func (s *Server) deskCommon(r *http.Request, actor tousu.Actor, title string) Common {
	c := s.common(r, title)
	c.Kiosk = false
	c.User = userOf(actor)
	c.User.Unread = s.unreadCount(r, actor) // desk_notify.go
	c.CalendarBanner = s.app.CalendarWarning(r.Context())
	return c
}

// withClient is the request's context carrying the client's address for audit records.
func withClient(r *http.Request) context.Context {
	return app.WithClient(r.Context(), clientAddr(r))
}
