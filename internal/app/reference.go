package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"tousu"
	"tousu/internal/workday"
)

// reference is the reference data the use cases consult on every request, cached.
type reference struct {
	units      []tousu.Unit
	unitByCode map[string]tousu.Unit
	children   map[string][]string
	categories []tousu.Category
	catByCode  map[string]tousu.Category
	policies   []tousu.Policy
	overrides  []tousu.CalendarOverride
	cal        *workday.Calendar
	// settings are the admin's settings (message templates, the escalation ladder…).
	settings map[string]string
	ladder   Ladder
}

func (a *App) reference(ctx context.Context) (*reference, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ref != nil && a.now().Sub(a.loaded) < a.refresh {
		return a.ref, nil
	}
	units, err := a.store.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := a.store.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	pols, err := a.store.ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	ovs, err := a.store.ListCalendarOverrides(ctx)
	if err != nil {
		return nil, err
	}
	settings, err := a.store.ListSettings(ctx)
	if err != nil {
		return nil, err
	}
	r := &reference{units: units, unitByCode: map[string]tousu.Unit{}, children: map[string][]string{},
		categories: cats, catByCode: map[string]tousu.Category{}, policies: pols, overrides: ovs,
		cal: a.calendarFrom(settings, ovs), settings: settings, ladder: ladderFrom(settings)}
	for _, u := range units {
		r.unitByCode[u.Code] = u
		r.children[u.Parent] = append(r.children[u.Parent], u.Code)
	}
	for _, c := range cats {
		r.catByCode[c.Code] = c
	}
	a.ref, a.loaded = r, a.now()
	return r, nil
}

// invalidate drops the cache after a local change to reference data.
func (a *App) invalidate() {
	a.mu.Lock()
	a.ref = nil
	a.mu.Unlock()
}

// subtree lists the codes of unit code and everything below it.
func (r *reference) subtree(code string) []string {
	out := []string{code}
	for i := 0; i < len(out); i++ {
		out = append(out, r.children[out[i]]...)
	}
	return out
}

// subject is what a deadline policy is chosen by for c, classified as class: the units
// it concerns are its target and owner units with their ancestors.
func (r *reference) subject(c *tousu.Complaint, class tousu.Classification) workday.Subject {
	s := workday.Subject{Kind: c.Kind, Categories: c.Categories, Class: class, Channel: c.Channel}
	for _, code := range []string{c.Target.Unit, c.OwnerUnit} {
		for range 64 { // the tree is shallow; the bound guards a corrupted cycle
			u, ok := r.unitByCode[code]
			if !ok {
				break
			}
			if !slices.Contains(s.Units, code) {
				s.Units = append(s.Units, code)
			}
			code = u.Parent
		}
	}
	return s
}

// isRoot reports whether the unit is a root of the tree (or unknown and empty: an
// account with no unit is treated as held at the root).
func (r *reference) isRoot(code string) bool {
	if code == "" {
		return true
	}
	u, ok := r.unitByCode[code]
	return ok && u.Parent == ""
}

// within reports whether unit code lies in the subtree of top.
func (r *reference) within(code, top string) bool {
	if code == "" {
		return false
	}
	for range 64 { // the tree is shallow; the bound guards a corrupted cycle
		if code == top {
			return true
		}
		u, ok := r.unitByCode[code]
		if !ok || u.Parent == "" {
			return false
		}
		code = u.Parent
	}
	return false
}

// centreOf is the nearest ancestor of a unit that is a centre (or region), which owns
// complaints submitted on the portal about that unit; the root when unknown.
func (r *reference) centreOf(code string) string {
	for range 64 {
		u, ok := r.unitByCode[code]
		if !ok {
			break
		}
		if u.Kind == tousu.UnitCentre || u.Parent == "" {
			return u.Code
		}
		code = u.Parent
	}
	return r.rootCode()
}

func (r *reference) rootCode() string {
	for _, u := range r.units {
		if u.Parent == "" {
			return u.Code
		}
	}
	return ""
}

func (r *reference) unitName(code string) string {
	if u, ok := r.unitByCode[code]; ok {
		return u.Name
	}
	return ""
}

// unitPath is the names from the root's child down to the unit, e.g. "区政务服务中心 › 人社局 › 3号窗口".
func (r *reference) unitPath(code string) string {
	var names []string
	for range 64 {
		u, ok := r.unitByCode[code]
		if !ok {
			break
		}
		names = append(names, u.Name)
		if u.Parent == "" {
			break
		}
		code = u.Parent
	}
	slices.Reverse(names)
	return strings.Join(names, " › ")
}

// Units returns the organisation tree, parents before children.
func (a *App) Units(ctx context.Context) ([]tousu.Unit, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	return ref.units, nil
}

// Categories returns the category tree.
func (a *App) Categories(ctx context.Context) ([]tousu.Category, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	return ref.categories, nil
}

// Staff returns the staff of a unit ("" for all).
func (a *App) Staff(ctx context.Context, unit string) ([]tousu.Staff, error) {
	if unit != "" {
		ref, err := a.reference(ctx)
		if err != nil {
			return nil, err
		}
		if _, ok := ref.unitByCode[unit]; !ok {
			return nil, &tousu.Error{Kind: tousu.KindInvalid, Message: "没有这个单位", Fields: map[string]string{"unit": "没有这个单位代码"}}
		}
	}
	return a.store.ListStaff(ctx, unit)
}

// PutUnit creates or updates a unit (admin).
func (a *App) PutUnit(ctx context.Context, actor tousu.Actor, u tousu.Unit) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	p := tousu.Problems{}
	u.Code, u.Name, u.Parent = strings.TrimSpace(u.Code), strings.TrimSpace(u.Name), strings.TrimSpace(u.Parent)
	if !validCode(u.Code) {
		p.Add("code", "代码只能包含小写字母、数字、下划线、连字符和点，且不超过64个字符")
	}
	if u.Name == "" {
		p.Add("name", "请填写名称")
	}
	tousu.CheckLine(p, "name", u.Name, 100)
	tousu.CheckText(p, "services", u.Services, 4000)
	tousu.CheckLine(p, "hours", u.Hours, 200)
	tousu.CheckLine(p, "phone", u.Phone, 100)
	tousu.CheckLine(p, "address", u.Address, 200)
	if !tousu.UnitKinds.Valid(u.Kind) {
		p.Add("kind", "单位类型不正确")
	}
	if u.Parent != "" {
		if _, ok := ref.unitByCode[u.Parent]; !ok {
			p.Add("parent", "上级单位不存在")
		} else if ref.within(u.Parent, u.Code) {
			p.Add("parent", "上级单位不能是其自身或其下级")
		}
	} else if root := ref.rootCode(); root != "" && root != u.Code {
		p.Add("parent", "请选择上级单位（只能有一个根单位）")
	}
	if old, ok := ref.unitByCode[u.Code]; ok && old.Parent != u.Parent && old.Parent != "" {
		p.Add("parent", "已有单位不能调整上级，请新建单位")
	}
	if err := p.Err(); err != nil {
		return err
	}
	// An existing unit is changed only by an admin whose subtree holds it; a new one is
	// placed only inside the admin's subtree.
	if _, ok := ref.unitByCode[u.Code]; ok && !ref.adminCovers(actor, u.Code) {
		return errOutOfScope("单位“" + ref.unitName(u.Code) + "”")
	} else if !ok && !ref.adminCovers(actor, u.Parent) {
		return errOutOfScope("上级单位“" + ref.unitName(u.Parent) + "”")
	}
	if err := a.store.PutUnit(ctx, u); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, "unit.put", u.Code, "")
}

// PutStaff creates or updates a staff member (admin).
func (a *App) PutStaff(ctx context.Context, actor tousu.Actor, s tousu.Staff) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	p := tousu.Problems{}
	s.Badge, s.Name = strings.TrimSpace(s.Badge), strings.TrimSpace(s.Name)
	if s.Badge == "" || len(s.Badge) > 64 {
		p.Add("badge", "请填写工号（不超过64个字符）")
	}
	if s.Name == "" {
		p.Add("name", "请填写姓名")
	}
	tousu.CheckLine(p, "badge", s.Badge, 64)
	tousu.CheckLine(p, "name", s.Name, 64)
	if _, ok := ref.unitByCode[s.Unit]; !ok {
		p.Add("unit", "所在单位不存在")
	}
	if err := p.Err(); err != nil {
		return err
	}
	// A staff member is moved or edited only within the admin's subtree, from and to.
	if !ref.adminCovers(actor, s.Unit) {
		return errOutOfScope("单位“" + ref.unitName(s.Unit) + "”")
	}
	if old, err := a.store.FindStaff(ctx, s.Badge); err == nil && !ref.adminCovers(actor, old.Unit) {
		return errOutOfScope("工号“" + s.Badge + "”")
	} else if err != nil && !tousu.IsKind(err, tousu.KindNotFound) {
		return err
	}
	if err := a.store.PutStaff(ctx, s); err != nil {
		return err
	}
	return a.audit(ctx, actor, "staff.put", s.Badge, "")
}

// PutCategory creates or updates a category (admin).
func (a *App) PutCategory(ctx context.Context, actor tousu.Actor, c tousu.Category) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	p := tousu.Problems{}
	if !validCode(c.Code) {
		p.Add("code", "代码只能包含小写字母、数字、下划线、连字符和点")
	}
	if strings.TrimSpace(c.Name) == "" {
		p.Add("name", "请填写名称")
	}
	tousu.CheckLine(p, "name", c.Name, 64)
	tousu.CheckText(p, "description", c.Description, 500)
	if c.Parent != "" {
		if _, ok := ref.catByCode[c.Parent]; !ok || c.Parent == c.Code {
			p.Add("parent", "上级类别不存在")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := a.store.PutCategory(ctx, c); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, "category.put", c.Code, "")
}

// CalendarOverrides lists the admin's changes to the official calendar.
func (a *App) CalendarOverrides(ctx context.Context) ([]tousu.CalendarOverride, error) {
	return a.store.ListCalendarOverrides(ctx)
}

// PutCalendarOverride marks a date as a working day or a rest day (admin; audited).
func (a *App) PutCalendarOverride(ctx context.Context, actor tousu.Actor, o tousu.CalendarOverride) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	p := tousu.Problems{}
	if o.Date.IsZero() {
		p.Add("date", "请填写日期")
	}
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		p.Add("name", "请填写名称（如：某某节放假、调休上班）")
	}
	tousu.CheckLine(p, "name", o.Name, 64)
	if err := p.Err(); err != nil {
		return err
	}
	if err := a.store.PutCalendarOverride(ctx, o); err != nil {
		return err
	}
	a.invalidate()
	kind := "rest"
	if o.Workday {
		kind = "workday"
	}
	return a.audit(ctx, actor, "calendar.put", o.Date.String(), kind+" "+o.Name)
}

// DeleteCalendarOverride returns a date to the official calendar (admin; audited).
func (a *App) DeleteCalendarOverride(ctx context.Context, actor tousu.Actor, d tousu.Date) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if err := a.store.DeleteCalendarOverride(ctx, d); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, "calendar.delete", d.String(), "")
}

// Policies lists the deadline policies.
func (a *App) Policies(ctx context.Context) ([]tousu.Policy, error) {
	return a.store.ListPolicies(ctx)
}

// PutPolicy creates (ID 0) or updates a deadline policy (admin; audited). It applies to
// complaints registered or accepted afterwards.
func (a *App) PutPolicy(ctx context.Context, actor tousu.Actor, pol *tousu.Policy) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	p := tousu.Problems{}
	pol.Name = strings.TrimSpace(pol.Name)
	if pol.Name == "" {
		p.Add("name", "请填写名称")
	}
	tousu.CheckLine(p, "name", pol.Name, 100)
	if pol.Kind != "" && !tousu.Kinds.Valid(pol.Kind) {
		p.Add("kind", "类型不正确")
	}
	if pol.Category != "" {
		if _, ok := ref.catByCode[pol.Category]; !ok {
			p.Add("category", "类别不存在")
		}
	}
	if pol.Classification != "" && !tousu.Classifications.Valid(pol.Classification) {
		p.Add("classification", "分类不正确")
	}
	if pol.Channel != "" && !tousu.Channels.Valid(pol.Channel) {
		p.Add("channel", "受理渠道不正确")
	}
	pol.OrgUnit = strings.TrimSpace(pol.OrgUnit)
	if pol.OrgUnit != "" {
		if _, ok := ref.unitByCode[pol.OrgUnit]; !ok {
			p.Add("org_unit", "单位不存在")
		}
	}
	if pol.Unit != tousu.WorkingDays && pol.Unit != tousu.CalendarDays {
		p.Add("unit", "期限单位应为 workday（工作日）或 day（自然日）")
	}
	if pol.Days < 0 || pol.Days > 365 {
		p.Add("days", "期限应为0至365天")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := a.store.PutPolicy(ctx, pol); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, "policy.put", pol.Name, "")
}

// PolicySample is a complaint as the policies page describes it, to show which policy it
// would get.
type PolicySample struct {
	Kind           tousu.Kind
	Channel        tousu.Channel
	Category       string
	Classification tousu.Classification
	Unit           string // the target unit's code
}

// PolicyFor is the policy a complaint like the sample would get, chosen as at
// registration (no classification yet) or at acceptance (with one).
func (a *App) PolicyFor(ctx context.Context, s PolicySample) (tousu.Policy, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return tousu.Policy{}, err
	}
	c := &tousu.Complaint{Kind: s.Kind, Channel: s.Channel, Target: tousu.Target{Unit: s.Unit}}
	if s.Category != "" {
		c.Categories = []string{s.Category}
	}
	return workday.PickPolicyFor(ref.policies, ref.subject(c, s.Classification)), nil
}

// DeletePolicy removes a deadline policy (admin; audited).
func (a *App) DeletePolicy(ctx context.Context, actor tousu.Actor, id int64) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if err := a.store.DeletePolicy(ctx, id); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, "policy.delete", "", "")
}

// AddWorkdays is the working-day calculator: the n-th working day after from, and
// whether it is provisional (it counts over a year no official notice covers yet).
func (a *App) AddWorkdays(ctx context.Context, from tousu.Date, n int) (tousu.Date, bool, error) {
	if n < 0 || n > 3650 {
		return tousu.Date{}, false, &tousu.Error{Kind: tousu.KindInvalid, Message: "工作日数应为0至3650",
			Fields: map[string]string{"add": "工作日数应为0至3650"}}
	}
	cal, err := a.Calendar(ctx)
	if err != nil {
		return tousu.Date{}, false, err
	}
	d := cal.AddWorkdays(from, n)
	return d, cal.Provisional(from, d), nil
}

func (a *App) audit(ctx context.Context, actor tousu.Actor, action, object, detail string) error {
	return a.store.AppendAudit(ctx, []tousu.AuditRecord{a.auditRecord(ctx, actor, action, object, detail)})
}

// putSetting stores a setting's new value, drops the cached reference data so that the
// next request reads it, and audits the change as action with the value as its detail.
func (a *App) putSetting(ctx context.Context, actor tousu.Actor, action, key, value string) error {
	if err := a.store.PutSetting(ctx, key, value); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, action, key, value)
}

func (a *App) auditRecord(ctx context.Context, actor tousu.Actor, action, object, detail string) tousu.AuditRecord {
	// The audit log keeps valid UTF-8 only: a login or a number typed with stray bytes is
	// kept with U+FFFD in their place, so that what is stored is exactly what is hashed.
	v := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	return tousu.AuditRecord{At: a.now().UTC().Truncate(time.Millisecond), Actor: v(actor.Login), Action: action,
		Object: v(object), Client: v(ClientFrom(ctx)), Detail: v(detail)}
}

type clientKey struct{}

// WithClient records the client's address in ctx for audit records.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientFrom is the client address recorded in ctx, or "".
func ClientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

func validCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '_' || r == '-' || r == '.') && i > 0:
		default:
			return false
		}
	}
	return true
}
