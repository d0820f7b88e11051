package app

import (
	"context"
	"slices"

	"tousu"
)

// An admin's power stops at its unit's subtree: it manages the units, staff and accounts
// inside it and nothing above or beside it. The checks are here, in one place, so that
// the JSON API, the desk and the CLI apply the same rule. The CLI acts as the system and
// is bounded only by who may run it.

// errOutOfScope is the refusal of an admin act outside the admin's subtree.
func errOutOfScope(what string) error {
	return tousu.Errorf(tousu.KindForbidden, "超出您的管理范围：%s不在您所属单位及其下级单位之内", what)
}

// adminUnit is the unit whose subtree an admin's power covers ("" means the root).
func (r *reference) adminUnit(actor tousu.Actor) string {
	if actor.Unit == "" {
		return r.rootCode()
	}
	return actor.Unit
}

// rootAdmin reports whether the actor administers the whole organisation: the system, or
// an admin held at the root.
func (r *reference) rootAdmin(actor tousu.Actor) bool {
	return actor.Has(tousu.RoleSystem) || actor.Has(tousu.RoleAdmin) && r.isRoot(actor.Unit)
}

// adminCovers reports whether the admin's subtree holds unit.
func (r *reference) adminCovers(actor tousu.Actor, unit string) bool {
	if r.rootAdmin(actor) {
		return true
	}
	return actor.Has(tousu.RoleAdmin) && r.within(unit, r.adminUnit(actor))
}

// requireRootAdmin guards what is the same for the whole organisation (categories, the
// calendar, deadline policies, templates, portal settings): only an admin at the root may
// change it, since a change there reaches beyond any subtree.
func (r *reference) requireRootAdmin(actor tousu.Actor) error {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return err
	}
	if !r.rootAdmin(actor) {
		return tousu.Errorf(tousu.KindForbidden, "此项设置对整个机构生效，只有最上级单位的系统管理员可以修改")
	}
	return nil
}

// mayGrant checks that the admin may give an account these roles at unit: the unit lies
// in its subtree, and another admin only strictly below its own unit, so that no admin
// makes a peer or a superior it could not itself manage.
func (r *reference) mayGrant(actor tousu.Actor, roles []tousu.Role, unit string) error {
	if r.rootAdmin(actor) {
		return nil
	}
	if !r.adminCovers(actor, unit) {
		return errOutOfScope("单位“" + r.unitName(unit) + "”")
	}
	if slices.Contains(roles, tousu.RoleAdmin) && unit == r.adminUnit(actor) {
		return tousu.Errorf(tousu.KindForbidden, "只能在本单位的下级单位设立系统管理员")
	}
	if slices.Contains(roles, tousu.RoleSystem) {
		return tousu.Errorf(tousu.KindForbidden, "不能授予系统角色")
	}
	return nil
}

// mayManage checks that the admin may change, disable or reset the password of u: an
// account whose scope lies strictly inside the admin's. A non-admin account at the admin's
// own unit is inside; another admin must sit strictly below, so that a department admin
// never touches the root admin or a peer. Root admins manage each other.
func (r *reference) mayManage(actor tousu.Actor, u *tousu.User) error {
	if r.rootAdmin(actor) {
		return nil
	}
	unit := u.Unit
	if unit == "" {
		unit = r.rootCode()
	}
	if !r.adminCovers(actor, unit) {
		return errOutOfScope("账号“" + u.Login + "”")
	}
	if slices.Contains(u.Roles, tousu.RoleAdmin) && unit == r.adminUnit(actor) && u.Login != actor.Login {
		return tousu.Errorf(tousu.KindForbidden, "不能管理与您同级或更上级的系统管理员账号")
	}
	return nil
}

// requireRootAdmin is reference.requireRootAdmin on the current reference data.
func (a *App) requireRootAdmin(ctx context.Context, actor tousu.Actor) error {
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	return ref.requireRootAdmin(actor)
}

// AdminScope is what the admin home tells an admin about its own power: the unit whose
// subtree it manages, whether that is the whole organisation, and the case roles it also
// holds (none, under separation of duties: then it sees no complaint content at all).
type AdminScope struct {
	UnitName  string
	Root      bool
	CaseRoles []tousu.Role
}

// AdminScopeOf describes the admin's scope for its home page.
func (a *App) AdminScopeOf(ctx context.Context, actor tousu.Actor) (AdminScope, error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return AdminScope{}, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return AdminScope{}, err
	}
	s := AdminScope{UnitName: ref.unitName(ref.adminUnit(actor)), Root: ref.rootAdmin(actor)}
	for _, r := range caseReaders {
		if actor.Has(r) {
			s.CaseRoles = append(s.CaseRoles, r)
		}
	}
	return s, nil
}
