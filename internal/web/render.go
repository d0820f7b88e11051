package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
)

// The pages, their layouts and static assets, embedded so that the binary is the whole
// site: no CDN, no external font or script (the portal must work on an isolated network).
//
//go:embed html
var htmlFS embed.FS

// staticFS is served at /static/.
var staticFS, _ = fs.Sub(htmlFS, "html/static")

// pages are parsed once at start-up: each page with its area's layout and the shared
// partials. A page file defines "title" and "content"; the layout defines the rest.
type pages struct {
	byName map[string]*template.Template
	loc    *time.Location
}

// area is a part of the site with its own layout: the public portal or the staff desk.
var areas = []string{"portal", "desk"}

func parsePages(loc *time.Location) (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}, loc: loc}
	for _, area := range areas {
		files, err := fs.Glob(htmlFS, "html/"+area+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := area + "/" + strings.TrimSuffix(f[len("html/"+area+"/"):], ".html")
			t := template.New("layout").Funcs(p.funcs())
			t, err := t.ParseFS(htmlFS, "html/layout/"+area+".html", "html/layout/partials.html", f)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", name, err)
			}
			p.byName[name] = t
		}
	}
	return p, nil
}

// funcs are the helpers templates may call: formatting only, no business logic.
func (p *pages) funcs() template.FuncMap {
	return template.FuncMap{
		"statusLabel":  func(s tousu.Status) string { return tousu.Statuses.Label(s) },
		"kindLabel":    func(k tousu.Kind) string { return tousu.Kinds.Label(k) },
		"channelLabel": func(c tousu.Channel) string { return tousu.Channels.Label(c) },
		"date": func(d tousu.Date) string {
			if d.IsZero() {
				return ""
			}
			return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(p.loc).Format("2006-01-02 15:04")
		},
		// Statistics (desk_stats.go): a rate as a percentage, "—" for none; a finding's name.
		"pct":          pct,
		"findingLabel": func(f tousu.Finding) string { return tousu.Findings.Label(f) },
		"ratePct":      ratePct,
		"rateRange":    rateRange,
		// percent shows a rate of the figures (0–1) as 87.5%; "—" when there is none.
		"percent": func(r *float64) string {
			if r == nil {
				return "—"
			}
			return strconv.FormatFloat(*r*100, 'f', 1, 64) + "%"
		},
		"evalText": app.EvaluationEventText,
		"deref": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"weekday": func(d tousu.Date) string {
			return [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[d.Weekday()]
		},
	}
}

// render executes a page into a buffer first, so that a template error becomes a clean
// 500 instead of half a page, then writes it with the security headers of every page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, vm any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", vm); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(code)
	_, err := w.Write(buf.Bytes())
	return err
}

// contentSecurityPolicy allows nothing but this site's own files: no inline scripts or
// styles, no external hosts, no framing.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// page handlers return errors like the API's; this adapter renders them as a page.
func (s *Server) page(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.pageError(w, r, err)
		}
	})
}

// Common is what every page's layout shows; each page's view model embeds it.
type Common struct {
	Title    string
	SiteName string
	Kiosk    bool      // the hall's touch screen: large type, back to the start when idle
	User     *deskUser // the signed-in staff member, on desk pages
	Flash    string    // a one-line notice after a successful form
	// CalendarBanner warns every staff account that next year's holiday notice is
	// missing and dates into it are provisional (预计).
	CalendarBanner string
}

// deskUser is the signed-in account as the desk's layout shows it.
type deskUser struct {
	Login string
	Name  string
	Roles []string
	// What the navigation offers: only what the account may do.
	CanRegister   bool
	CanAdminister bool
	CanReadAudit  bool
	CanInspect    bool // 督查: inspections, rectification, staff records
	// CanSeeStats offers the statistics dashboard (supervisors, inspectors, leaders).
	CanSeeStats bool
	// CanSeeEvaluations: the 好差评 pages (a case-reading role).
	CanSeeEvaluations bool
	CanDispose        bool // the disposal (销毁) pages
	// Unread counts the account's unread notifications (desk_notify.go), at most 100.
	Unread int
}

// errorPage is the view model of the error page.
type errorPage struct {
	Common
	Message string
	Code    int
}

func (s *Server) pageError(w http.ResponseWriter, r *http.Request, err error) {
	kind := tousu.KindOf(err)
	if kind == tousu.KindInternal {
		s.log.Error("internal error", "method", r.Method, "route", r.Pattern, "err", err)
	}
	code := status(kind)
	area := "portal/error"
	if strings.HasPrefix(r.URL.Path, "/desk") {
		area = "desk/error"
	}
	vm := errorPage{Common: s.common(r, errorTitle(code)), Message: tousu.PublicMessage(err), Code: code}
	setRetryAfter(w, err)
	if rerr := s.render(w, r, code, area, vm); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, vm.Message, code)
	}
}

func errorTitle(code int) string {
	switch code {
	case http.StatusNotFound:
		return "未找到"
	case http.StatusForbidden:
		return "无权访问"
	case http.StatusUnauthorized:
		return "请先登录"
	case http.StatusTooManyRequests:
		return "操作过于频繁"
	case http.StatusRequestEntityTooLarge:
		return "内容过大"
	}
	if code >= 500 {
		return "系统错误"
	}
	return "请求有误"
}

// SiteName is shown in every page's header until an admin sets the organisation's name.
const SiteName = "窗口投诉受理"

// common fills the layout's part of a view model.
func (s *Server) common(r *http.Request, title string) Common {
	return Common{Title: title, SiteName: s.siteName(r), Kiosk: r.URL.Query().Get("kiosk") == "1"}
}

// siteName is the name of the root unit, which the admin sets to the organisation's.
func (s *Server) siteName(r *http.Request) string {
	units, err := s.app.Units(r.Context())
	if err == nil {
		for _, u := range units {
			if u.Parent == "" && u.Name != "" {
				return u.Name
			}
		}
	}
	return SiteName
}

// staticFiles serves the embedded assets; they change only with a release, so browsers
// may keep them for an hour.
func staticFiles() http.Handler {
	fsrv := http.FileServerFS(staticFS)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
