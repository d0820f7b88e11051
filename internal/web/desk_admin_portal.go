package web

import (
	"net/http"
	"net/url"

	"tousu"
	"tousu/internal/app"
)

// adminPortalPage is the view model of /desk/admin/portal: the texts the public portal
// shows about the organisation and the other ways to complain.
type adminPortalPage struct {
	adminBase
	F        *deskForm
	Defaults app.PortalInfo // what applies to a text left empty
}

func portalValues(p app.PortalInfo) url.Values {
	return url.Values{"org_name": {p.OrgName}, "hotline": {p.Hotline}, "address": {p.Address},
		"mailbox": {p.Mailbox}, "hours": {p.Hours}}
}

func (s *Server) adminPortal(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	stored, _, err := s.app.PortalSettingsForEdit(r.Context(), actor)
	if err != nil {
		return err
	}
	return s.renderAdminPortal(w, r, actor, http.StatusOK, newForm(portalValues(stored)))
}

func (s *Server) renderAdminPortal(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	_, defaults, err := s.app.PortalSettingsForEdit(r.Context(), actor)
	if err != nil {
		return err
	}
	vm := adminPortalPage{adminBase: s.adminBase(r, actor, "门户信息", "/desk/admin/portal"), F: f, Defaults: defaults}
	return s.render(w, r, code, "desk/admin_portal", vm)
}

func (s *Server) adminPortalSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	info := app.PortalInfo{OrgName: v.Get("org_name"), Hotline: v.Get("hotline"), Address: v.Get("address"),
		Mailbox: v.Get("mailbox"), Hours: v.Get("hours")}
	if err := s.app.PutPortalSettings(r.Context(), actor, info); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderAdminPortal(w, r, actor, refusal(err), f)
	}
	return s.redirectFlash(w, r, "/desk/admin/portal", "已保存门户信息")
}
