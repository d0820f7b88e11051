package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// The admin pages (/desk/admin/…): the organisation, staff, accounts, categories,
// calendar and deadline policies. Every change goes through the app's admin use cases,
// which check the admin role and audit the change; these pages only ask first, so that
// others get a 403 page instead of a form they cannot use.

// adminSections are the admin pages, in the order of the sub-navigation.
var adminSections = []struct{ Path, Label, Hint string }{
	{"/desk/admin/units", "组织机构", "中心、进驻部门、窗口和督查机构的树形结构，窗口的服务事项、时间和电话"},
	{"/desk/admin/staff", "工作人员", "各单位的工作人员及工号，被投诉对象从这里选择"},
	{"/desk/admin/accounts", "账号与角色", "登录账号、角色和所属单位，停用账号，重置密码"},
	{"/desk/admin/tokens", "访问令牌", "接口调用的访问令牌：签发时间、有效期，逐个吊销"},
	{"/desk/admin/categories", "投诉类别", "受理范围的类别树"},
	{"/desk/admin/calendar", "工作日历", "法定节假日以外的本地调整，工作日计算器"},
	{"/desk/admin/policies", "办理时限", "按类型、类别、分类设定的办理期限"},
	{"/desk/admin/templates", "消息模板", "发给投诉人和工作人员的短信、邮件、工作台消息的模板，预警与督办规则"},
	{"/desk/admin/outbox", "消息发送", "短信、邮件、Webhook 的发送情况，失败的消息可重新发送"},
	{"/desk/admin/conduct", "督查与考核", "督查清单（政务大厅、医院、公安、药监预置），整改期限，月度考核权重与红榜公布"},
	{"/desk/admin/intake", "受理机构", "被投诉单位不明的投诉由谁受理；没有督查员、承办人覆盖的单位和无人能看到的投诉件"},
	{"/desk/admin/import", "历史导入", "导入以往已办结的投诉（CSV 或 XLSX），先检查再导入"},
	{"/desk/admin/audit", "审计日志", "查看身份、登录、角色变更、办理操作、密钥轮换等全部操作记录（纪检人员亦可查看）"},
	{"/desk/admin/evaluations", "好差评", "窗口评价桌牌和二维码、纸质评价表、差评回访和整改期限"},
}

// adminBase is the part every admin page shares: the layout and the sub-navigation.
type adminBase struct {
	Common
	Nav    []adminNavItem
	Notice string // why the last change was refused, when no field can say it
}

// adminNavItem is a link of the admin sub-navigation.
type adminNavItem struct {
	URL, Label string
	Current    bool
}

func (s *Server) adminBase(r *http.Request, actor tousu.Actor, title, path string) adminBase {
	b := adminBase{Common: s.deskView(r, actor, title)}
	for _, sec := range adminSections {
		b.Nav = append(b.Nav, adminNavItem{URL: sec.Path, Label: sec.Label, Current: sec.Path == path})
	}
	return b
}

// admin adapts an admin page: signed in, and holding the admin role.
func (s *Server) admin(h func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error) http.Handler {
	return s.desk(func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
		if err := app.CanAdminister(actor); err != nil {
			return err
		}
		return h(w, r, actor)
	})
}

// adminHomePage is the view model of /desk/admin/.
type adminHomePage struct {
	adminBase
	Sections []adminSection
	Warning  string // e.g. next year's holidays are missing
	// Scope is the unit whose subtree the admin manages; Root when that is everything.
	Scope string
	Root  bool
	// CaseRoles are the case roles the account holds besides admin (labels); none means
	// it sees no complaint content, as separation of duties wants.
	CaseRoles []string
}

// adminSection is a card of the admin home page.
type adminSection struct {
	URL, Label, Hint string
}

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vm := adminHomePage{adminBase: s.adminBase(r, actor, "系统管理", ""), Warning: s.app.CalendarWarning(r.Context())}
	scope, err := s.app.AdminScopeOf(r.Context(), actor)
	if err != nil {
		return err
	}
	vm.Scope, vm.Root = scope.UnitName, scope.Root
	for _, role := range scope.CaseRoles {
		vm.CaseRoles = append(vm.CaseRoles, tousu.Roles.Label(role))
	}
	for _, sec := range adminSections {
		vm.Sections = append(vm.Sections, adminSection{URL: sec.Path, Label: sec.Label, Hint: sec.Hint})
	}
	return s.render(w, r, http.StatusOK, "desk/admin", vm)
}

// adminUnitsPage is the view model of /desk/admin/units.
type adminUnitsPage struct {
	adminBase
	Units   []unitRow
	F       *deskForm
	Editing bool // the form edits an existing unit: its code is fixed
	Parents []deskOption
	Kinds   []deskOption
}

// unitRow is a unit in the tree list.
type unitRow struct {
	tousu.Unit
	Label     string // the name, indented by depth
	KindLabel string
}

func (s *Server) adminUnits(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	f := newForm(url.Values{"kind": {string(tousu.UnitWindow)}})
	if len(units) > 0 {
		f.Values.Set("parent", units[0].Code) // the root: a new unit goes somewhere below it
	}
	editing := false
	if code := r.URL.Query().Get("edit"); code != "" {
		for _, u := range units {
			if u.Code == code {
				f, editing = newForm(unitValues(u)), true
			}
		}
		if !editing {
			return tousu.Errorf(tousu.KindNotFound, "没有这个单位：%s", clip(code, 40))
		}
	}
	return s.renderUnits(w, r, actor, http.StatusOK, f, editing)
}

func unitValues(u tousu.Unit) url.Values {
	return url.Values{"code": {u.Code}, "name": {u.Name}, "parent": {u.Parent}, "kind": {string(u.Kind)},
		"services": {u.Services}, "hours": {u.Hours}, "phone": {u.Phone}, "address": {u.Address},
		"sort": {strconv.Itoa(u.Sort)}}
}

func (s *Server) renderUnits(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm, editing bool) error {
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	vm := adminUnitsPage{adminBase: s.adminBase(r, actor, "组织机构", "/desk/admin/units"), F: f, Editing: editing,
		Parents: unitOptions(units), Kinds: deskOptions(tousu.UnitKinds)}
	for i, o := range unitOptions(units) {
		vm.Units = append(vm.Units, unitRow{Unit: units[i], Label: strings.TrimSuffix(o.Label, "（"+tousu.UnitKinds.Label(units[i].Kind)+"）"),
			KindLabel: tousu.UnitKinds.Label(units[i].Kind)})
	}
	return s.render(w, r, code, "desk/admin_units", vm)
}

func (s *Server) adminUnitSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	sort, _ := strconv.Atoi(strings.TrimSpace(v.Get("sort")))
	u := tousu.Unit{Code: v.Get("code"), Name: v.Get("name"), Parent: v.Get("parent"), Kind: tousu.UnitKind(v.Get("kind")),
		Services: strings.TrimSpace(v.Get("services")), Hours: strings.TrimSpace(v.Get("hours")),
		Phone: strings.TrimSpace(v.Get("phone")), Address: strings.TrimSpace(v.Get("address")), Sort: sort}
	if err := s.app.PutUnit(r.Context(), actor, u); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderUnits(w, r, actor, refusal(err), f, v.Get("editing") != "")
	}
	return s.redirectFlash(w, r, "/desk/admin/units", "已保存单位“"+strings.TrimSpace(u.Name)+"”")
}

// refusable reports whether err is the app refusing what was typed, to be shown beside
// the form, rather than a failure for the error page.
func refusable(err error) bool {
	switch tousu.KindOf(err) {
	case tousu.KindInvalid, tousu.KindConflict, tousu.KindTransition:
		return true
	}
	return len(tousu.FieldsOf(err)) > 0
}

// adminStaffPage is the view model of /desk/admin/staff.
type adminStaffPage struct {
	adminBase
	Unit    string // the unit listed; "" for everyone
	Staff   []staffRow
	F       *deskForm
	Editing bool
	Units   []deskOption
}

// staffRow is a staff member in the list.
type staffRow struct {
	tousu.Staff
	UnitName string
}

func (s *Server) adminStaff(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	q := r.URL.Query()
	f := newForm(url.Values{"unit": {q.Get("unit")}, "active": {"1"}})
	editing := false
	if badge := q.Get("edit"); badge != "" {
		all, err := s.app.Staff(r.Context(), "")
		if err != nil {
			return err
		}
		for _, st := range all {
			if st.Badge == badge {
				f, editing = newForm(url.Values{"badge": {st.Badge}, "name": {st.Name}, "unit": {st.Unit}, "title": {st.Title}}), true
				if st.Active {
					f.Values.Set("active", "1")
				}
			}
		}
		if !editing {
			return tousu.Errorf(tousu.KindNotFound, "没有这个工号：%s", clip(badge, 40))
		}
	}
	return s.renderStaff(w, r, actor, http.StatusOK, q.Get("unit"), f, editing)
}

func (s *Server) renderStaff(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, unit string, f *deskForm, editing bool) error {
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	staff, err := s.app.Staff(r.Context(), unit)
	if tousu.IsKind(err, tousu.KindInvalid) {
		unit = ""
		staff, err = s.app.Staff(r.Context(), "")
	}
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, u := range units {
		names[u.Code] = u.Name
	}
	vm := adminStaffPage{adminBase: s.adminBase(r, actor, "工作人员", "/desk/admin/staff"), Unit: unit, F: f,
		Editing: editing, Units: unitOptions(units)}
	for _, st := range staff {
		vm.Staff = append(vm.Staff, staffRow{Staff: st, UnitName: names[st.Unit]})
	}
	return s.render(w, r, code, "desk/admin_staff", vm)
}

func (s *Server) adminStaffSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	st := tousu.Staff{Badge: v.Get("badge"), Name: v.Get("name"), Unit: v.Get("unit"),
		Title: strings.TrimSpace(v.Get("title")), Active: v.Get("active") != ""}
	if err := s.app.PutStaff(r.Context(), actor, st); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderStaff(w, r, actor, refusal(err), v.Get("list_unit"), f, v.Get("editing") != "")
	}
	return s.redirectFlash(w, r, "/desk/admin/staff?unit="+url.QueryEscape(st.Unit),
		"已保存工作人员“"+strings.TrimSpace(st.Name)+"”（"+strings.TrimSpace(st.Badge)+"）")
}

// adminCategoriesPage is the view model of /desk/admin/categories.
type adminCategoriesPage struct {
	adminBase
	Categories []categoryRow
	F          *deskForm
	Editing    bool
	Parents    []deskOption
}

// categoryRow is a category in the tree list.
type categoryRow struct {
	tousu.Category
	Label string // the name, indented by depth
}

func (s *Server) adminCategories(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	f := newForm(url.Values{"active": {"1"}})
	editing := false
	if code := r.URL.Query().Get("edit"); code != "" {
		cats, err := s.app.Categories(r.Context())
		if err != nil {
			return err
		}
		for _, c := range cats {
			if c.Code == code {
				f = newForm(url.Values{"code": {c.Code}, "name": {c.Name}, "parent": {c.Parent},
					"description": {c.Description}, "sort": {strconv.Itoa(c.Sort)}})
				if c.Active {
					f.Values.Set("active", "1")
				}
				editing = true
			}
		}
		if !editing {
			return tousu.Errorf(tousu.KindNotFound, "没有这个类别：%s", clip(code, 40))
		}
	}
	return s.renderCategories(w, r, actor, http.StatusOK, f, editing)
}

func (s *Server) renderCategories(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm, editing bool) error {
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return err
	}
	vm := adminCategoriesPage{adminBase: s.adminBase(r, actor, "投诉类别", "/desk/admin/categories"), F: f, Editing: editing}
	depth := map[string]int{}
	for _, c := range cats {
		d := 0
		if c.Parent != "" {
			d = depth[c.Parent] + 1
		}
		depth[c.Code] = d
		label := strings.Repeat("　", d) + c.Name
		vm.Categories = append(vm.Categories, categoryRow{Category: c, Label: label})
		vm.Parents = append(vm.Parents, deskOption{Value: c.Code, Label: label})
	}
	return s.render(w, r, code, "desk/admin_categories", vm)
}

func (s *Server) adminCategorySave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	sort, _ := strconv.Atoi(strings.TrimSpace(v.Get("sort")))
	c := tousu.Category{Code: strings.TrimSpace(v.Get("code")), Name: strings.TrimSpace(v.Get("name")), Parent: v.Get("parent"),
		Description: strings.TrimSpace(v.Get("description")), Sort: sort, Active: v.Get("active") != ""}
	if err := s.app.PutCategory(r.Context(), actor, c); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderCategories(w, r, actor, refusal(err), f, v.Get("editing") != "")
	}
	return s.redirectFlash(w, r, "/desk/admin/categories", "已保存类别“"+c.Name+"”")
}
