package web

import (
	"html/template"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/workday"
)

// The public portal (issue 4): the start page, the complaint form and its receipt, and
// tracking with the query code. It is phone-first and works in WeChat's in-app browser
// and on the hall's touch screen (kiosk mode, ?kiosk=1). Everything goes through the same
// use cases as the JSON public API: app.SubmitPortal (SubmitPublic made idempotent per
// form), app.Track and app.Feedback. Handlers live in portal.go (start page),
// portal_submit.go and portal_track.go.

// portalBase is what every portal page shares: the layout's part, the organisation's
// texts, and where the main links go (kiosk mode kept).
type portalBase struct {
	Common
	Info      app.PortalInfo
	HomeURL   string
	SubmitURL string
	TrackURL  string
}

// portal adapts a portal page handler: the client's address for audit records, and
// errors rendered as the portal's error page with the organisation's name.
func (s *Server) portal(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(withClient(r))
		if err := h(w, r); err != nil {
			s.portalError(w, r, err)
		}
	})
}

func (s *Server) portalError(w http.ResponseWriter, r *http.Request, err error) {
	kind := tousu.KindOf(err)
	if kind == tousu.KindInternal {
		s.log.Error("internal error", "method", r.Method, "route", r.Pattern, "err", err)
	}
	code := status(kind)
	if w.Header().Get("Retry-After") == "" {
		setRetryAfter(w, err)
	}
	b, berr := s.portalBase(r, errorTitle(code))
	if berr != nil {
		s.log.Error("portal settings", "err", berr)
	}
	vm := errorPage{Common: b.Common, Message: tousu.PublicMessage(err), Code: code}
	if wait := w.Header().Get("Retry-After"); code == http.StatusTooManyRequests && wait != "" && tousu.RetryAfterOf(err) == 0 {
		vm.Message = "操作过于频繁，请" + wait + "秒后再试。刚才填写的内容，一般可点浏览器的“返回”找回。"
	}
	if rerr := s.render(w, r, code, "portal/error", vm); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, vm.Message, code)
	}
}

// portalBase fills the portal's shared part of a view model. Its error is worth logging
// only: a page without the admin's texts is better than no page.
func (s *Server) portalBase(r *http.Request, title string) (portalBase, error) {
	b := portalBase{Common: s.common(r, title)}
	info, err := s.app.PortalSettings(r.Context())
	b.Info = info
	if info.OrgName != "" {
		b.SiteName = info.OrgName
	}
	b.HomeURL = kioskURL(b.Kiosk, "/", nil)
	b.SubmitURL = kioskURL(b.Kiosk, "/submit", nil)
	b.TrackURL = kioskURL(b.Kiosk, "/track", nil)
	return b, err
}

// kioskURL is a portal link that keeps kiosk mode, so that the hall's screen stays in
// large type and keeps returning to its start.
func kioskURL(kiosk bool, path string, q url.Values) string {
	if kiosk {
		if q == nil {
			q = url.Values{}
		}
		q.Set("kiosk", "1")
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// portalChannel is the channel a portal submission came by: the hall's touch screen
// when in kiosk mode, WeChat when its in-app browser says so, else the web. It is a
// statistic, not a security boundary: a client could claim either.
func portalChannel(r *http.Request) tousu.Channel {
	switch {
	case r.URL.Query().Get("kiosk") == "1":
		return tousu.ChannelKiosk
	case strings.Contains(r.UserAgent(), "MicroMessenger"):
		return tousu.ChannelWechat
	}
	return tousu.ChannelWeb
}

// homePage is the view model of the start page, /.
type homePage struct {
	portalBase
	Categories []portalCategory
	Period     string // how long a complaint takes, e.g. "15个工作日"
	Services   []serviceGroup
	// HotlineTel and MailboxURL make the hotline and the mailbox tappable on a phone,
	// when they are a phone number and an e-mail address.
	HotlineTel template.URL
	MailboxURL string
}

// portalCategory is a category as the public reads it.
type portalCategory struct {
	Code, Name, Description string
	Sub                     []portalCategory
}

// serviceGroup is one department's windows with their published service standards
// (REQUIREMENTS F3).
type serviceGroup struct {
	Name    string
	Windows []tousu.Unit
}

func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) error {
	b, err := s.portalBase(r, "首页")
	if err != nil {
		return err
	}
	vm := homePage{portalBase: b}
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return err
	}
	vm.Categories = publicCategories(cats)
	pols, err := s.app.Policies(r.Context())
	if err != nil {
		return err
	}
	pol := workday.PickPolicy(pols, tousu.KindComplaint, nil, "")
	vm.Period = period(tousu.Deadline{Days: pol.Days, Unit: pol.Unit})
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	vm.Services = serviceGroups(units)
	if !vm.Kiosk {
		vm.HotlineTel = telURL(vm.Info.Hotline)
		if a, err := mail.ParseAddress(vm.Info.Mailbox); err == nil && a.Address == vm.Info.Mailbox {
			vm.MailboxURL = "mailto:" + a.Address
		}
	}
	return s.render(w, r, http.StatusOK, "portal/home", vm)
}

// portalNotFound answers paths no route serves with the portal's page.
func (s *Server) portalNotFound(w http.ResponseWriter, r *http.Request) error {
	return tousu.Errorf(tousu.KindNotFound, "没有这个页面")
}

// publicCategories are the active categories, children under their parents.
func publicCategories(cats []tousu.Category) []portalCategory {
	var out []portalCategory
	index := map[string]int{}
	for _, c := range cats {
		if !c.Active {
			continue
		}
		pc := portalCategory{Code: c.Code, Name: c.Name, Description: c.Description}
		if i, ok := index[c.Parent]; ok && c.Parent != "" {
			out[i].Sub = append(out[i].Sub, pc)
			continue
		}
		index[c.Code] = len(out)
		out = append(out, pc)
	}
	return out
}

// departmentOf is the code of the nearest department at or above a unit, "" when none.
func departmentOf(byCode map[string]tousu.Unit, code string) string {
	for range 64 {
		u, ok := byCode[code]
		if !ok {
			return ""
		}
		if u.Kind == tousu.UnitDepartment {
			return u.Code
		}
		code = u.Parent
	}
	return ""
}

// departmentLabel names a department; with several centres, with its centre's name too.
func departmentLabel(byCode map[string]tousu.Unit, centres int, code string) string {
	u := byCode[code]
	if centres < 2 {
		return u.Name
	}
	for p := u.Parent; p != ""; p = byCode[p].Parent {
		if c := byCode[p]; c.Kind == tousu.UnitCentre {
			return c.Name + " · " + u.Name
		}
	}
	return u.Name
}

// serviceGroups lists, department by department in the organisation's order, the
// windows (and departments) that publish a service standard, hours, phone or address.
func serviceGroups(units []tousu.Unit) []serviceGroup {
	byCode, centres := map[string]tousu.Unit{}, 0
	for _, u := range units {
		byCode[u.Code] = u
		if u.Kind == tousu.UnitCentre {
			centres++
		}
	}
	var out []serviceGroup
	index := map[string]int{}
	for _, u := range units {
		if u.Kind != tousu.UnitWindow && u.Kind != tousu.UnitDepartment {
			continue
		}
		if u.Services == "" && u.Hours == "" && u.Phone == "" && u.Address == "" {
			continue
		}
		dept := departmentOf(byCode, u.Code)
		label := "其他窗口"
		if dept != "" {
			label = departmentLabel(byCode, centres, dept)
		}
		i, ok := index[label]
		if !ok {
			i = len(out)
			index[label] = i
			out = append(out, serviceGroup{Name: label})
		}
		out[i].Windows = append(out[i].Windows, u)
	}
	return out
}

// portalUnitGroups are the choices of the complaint form's target: each department with
// its windows, in the organisation's order; the department itself first, for "a window
// of this department, not sure which".
func portalUnitGroups(units []tousu.Unit) []deskOptGroup {
	byCode, centres := map[string]tousu.Unit{}, 0
	for _, u := range units {
		byCode[u.Code] = u
		if u.Kind == tousu.UnitCentre {
			centres++
		}
	}
	var out []deskOptGroup
	index := map[string]int{}
	add := func(label string, o deskOption) {
		i, ok := index[label]
		if !ok {
			i = len(out)
			index[label] = i
			out = append(out, deskOptGroup{Label: label})
		}
		out[i].Choices = append(out[i].Choices, o)
	}
	for _, u := range units {
		switch u.Kind {
		case tousu.UnitDepartment:
			add(departmentLabel(byCode, centres, u.Code), deskOption{Value: u.Code, Label: u.Name + "（不确定具体窗口）"})
		case tousu.UnitWindow:
			label := "其他窗口"
			if dept := departmentOf(byCode, u.Code); dept != "" {
				label = departmentLabel(byCode, centres, dept)
			}
			add(label, deskOption{Value: u.Code, Label: u.Name})
		}
	}
	return out
}

// phoneNumber is a hotline a phone can dial: digits with an optional +, dashes and
// spaces, e.g. 0571-12345678 or 12345.
var phoneNumber = regexp.MustCompile(`^\+?[0-9][0-9\- ]{2,19}$`)

// telURL is a tel: link for a hotline, "" when the text is not just a number (such as
// "12345 或 0571-1234567"): html/template refuses tel: unless told it is safe, and it is
// safe only when it is nothing but a number.
func telURL(s string) template.URL {
	if !phoneNumber.MatchString(s) {
		return ""
	}
	return template.URL("tel:" + strings.NewReplacer("-", "", " ", "").Replace(s))
}
