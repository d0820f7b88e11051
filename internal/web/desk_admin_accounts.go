package web

import (
	"net/http"
	"net/url"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// adminAccountsPage is the view model of /desk/admin/accounts.
type adminAccountsPage struct {
	adminBase
	Accounts []accountRow
	F        *deskForm // the create form, or the edit form when Editing is set
	Editing  string    // the login being edited
	Password *shownPassword
	Roles    []deskOption
	Units    []deskOption
	Staff    []deskOptGroup
}

// accountRow is an account in the list.
type accountRow struct {
	app.Account
	RoleLabels string
}

// shownPassword is a password generated for an account, shown once in the answer to the
// admin's request and never again.
type shownPassword struct {
	Login, Password string
	New             bool // a new account, rather than a reset
}

// accountState is what a POST leaves for the re-rendered accounts page.
type accountState struct {
	form     *deskForm
	editing  string
	password *shownPassword
	notice   string
}

func (s *Server) adminAccounts(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	st := accountState{}
	if login := r.URL.Query().Get("edit"); login != "" {
		accounts, err := s.app.Accounts(r.Context(), actor)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if a.Login == login {
				v := url.Values{"name": {a.Name}, "unit": {a.Unit}, "staff": {a.Staff}}
				for _, role := range a.Roles {
					v.Add("role", string(role))
				}
				st.form, st.editing = newForm(v), a.Login
			}
		}
		if st.editing == "" {
			return tousu.Errorf(tousu.KindNotFound, "没有这个账号：%s", clip(login, 40))
		}
	}
	return s.renderAccounts(w, r, actor, http.StatusOK, st)
}

func (s *Server) renderAccounts(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, st accountState) error {
	ctx := r.Context()
	accounts, err := s.app.Accounts(ctx, actor)
	if err != nil {
		return err
	}
	units, err := s.app.Units(ctx)
	if err != nil {
		return err
	}
	staff, err := s.app.Staff(ctx, "")
	if err != nil {
		return err
	}
	vm := adminAccountsPage{adminBase: s.adminBase(r, actor, "账号与角色", "/desk/admin/accounts"), F: st.form,
		Editing: st.editing, Password: st.password, Roles: deskOptions(tousu.Roles), Units: unitOptions(units),
		Staff: staffOptGroups(units, staff)}
	vm.Notice = st.notice
	if vm.F == nil {
		vm.F = newForm(nil)
	}
	for _, a := range accounts {
		labels := make([]string, len(a.Roles))
		for i, role := range a.Roles {
			labels[i] = tousu.Roles.Label(role)
		}
		vm.Accounts = append(vm.Accounts, accountRow{Account: a, RoleLabels: strings.Join(labels, "、")})
	}
	return s.render(w, r, code, "desk/admin_accounts", vm)
}

func rolesFrom(v url.Values) []tousu.Role {
	var out []tousu.Role
	for _, r := range v["role"] {
		out = append(out, tousu.Role(r))
	}
	return out
}

func (s *Server) adminAccountCreate(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	nu := app.NewUser{Login: v.Get("login"), Name: v.Get("name"), Roles: rolesFrom(v), Unit: v.Get("unit"),
		Staff: v.Get("staff"), Password: v.Get("password")}
	pw, err := s.app.CreateUser(r.Context(), actor, nu)
	if err != nil {
		if !refusable(err) {
			return err
		}
		v.Del("password") // never echoed back into the page
		f := newForm(v)
		f.refuse(err)
		if tousu.IsKind(err, tousu.KindConflict) && len(tousu.FieldsOf(err)) == 0 {
			f.Errors["login"] = "该登录名已被使用"
		}
		return s.renderAccounts(w, r, actor, refusal(err), accountState{form: f})
	}
	st := accountState{}
	if nu.Password == "" {
		st.password = &shownPassword{Login: strings.TrimSpace(nu.Login), Password: pw, New: true}
	} else {
		s.sessions.Put(r.Context(), flashKey, "已创建账号 "+strings.TrimSpace(nu.Login))
		http.Redirect(w, r, "/desk/admin/accounts", http.StatusSeeOther)
		return nil
	}
	return s.renderAccounts(w, r, actor, http.StatusOK, st)
}

func (s *Server) adminAccountUpdate(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	login := r.PathValue("login")
	up := app.AccountUpdate{Name: v.Get("name"), Roles: rolesFrom(v), Unit: v.Get("unit"), Staff: v.Get("staff")}
	if err := s.app.UpdateAccount(r.Context(), actor, login, up); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderAccounts(w, r, actor, refusal(err), accountState{form: f, editing: login})
	}
	return s.redirectFlash(w, r, "/desk/admin/accounts", "已保存账号 "+login)
}

func (s *Server) adminAccountDisable(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.setDisabled(w, r, actor, true)
}

func (s *Server) adminAccountEnable(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.setDisabled(w, r, actor, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, actor tousu.Actor, disabled bool) error {
	login := r.PathValue("login")
	if err := s.app.SetAccountDisabled(r.Context(), actor, login, disabled); err != nil {
		if !refusable(err) {
			return err
		}
		return s.renderAccounts(w, r, actor, refusal(err), accountState{notice: tousu.PublicMessage(err)})
	}
	msg := "已启用账号 " + login
	if disabled {
		msg = "已停用账号 " + login + "，其登录和访问令牌立即失效"
	}
	return s.redirectFlash(w, r, "/desk/admin/accounts", msg)
}

func (s *Server) adminAccountPassword(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	login := r.PathValue("login")
	pw, err := s.app.ResetPassword(r.Context(), actor, login)
	if err != nil {
		return err
	}
	return s.renderAccounts(w, r, actor, http.StatusOK, accountState{password: &shownPassword{Login: login, Password: pw}})
}
