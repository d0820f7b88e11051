package app

import (
	"tousu"
)

// caseReaders are the roles that may read complaints at all. Admins configure the system
// and see no case content unless they also hold one of these roles.
var caseReaders = []tousu.Role{tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleHandler, tousu.RoleInspector, tousu.RoleLeader}

func requireRole(actor tousu.Actor, roles ...tousu.Role) error {
	for _, r := range roles {
		if actor.Has(r) {
			return nil
		}
	}
	if actor.Login == "" {
		return tousu.Errorf(tousu.KindUnauthorized, "请先登录")
	}
	return tousu.Errorf(tousu.KindForbidden, "您的角色无权执行此操作")
}

// onlyHandler reports whether the actor reads complaints only as a handler: then it sees
// just the cases assigned to its units, never those merely about them.
func onlyHandler(actor tousu.Actor) bool {
	for _, r := range caseReaders {
		if r != tousu.RoleHandler && actor.Has(r) {
			return false
		}
	}
	return actor.Has(tousu.RoleHandler)
}

// recused reports whether the actor is the staff member complained about: such a person
// never sees the complaint, whatever roles they hold (REQUIREMENTS D1). It compares every
// badge the account was ever linked to, so that editing the account lifts no recusal.
func recused(actor tousu.Actor, c *tousu.Complaint) bool {
	return actor.IsTarget(c.Target.Staff)
}

// visible reports whether the actor may read the complaint at all. Invisible complaints
// are reported as not found, so that their existence does not leak either.
func (r *reference) visible(actor tousu.Actor, c *tousu.Complaint) bool {
	if requireRole(actor, caseReaders...) != nil || recused(actor, c) {
		return false
	}
	if onlyHandler(actor) {
		return r.handles(actor, c) || r.assists(actor, c) >= 0
	}
	if r.isRoot(actor.Unit) {
		return true
	}
	return r.within(c.OwnerUnit, actor.Unit) || r.within(c.Target.Unit, actor.Unit) || r.within(c.AssignedUnit, actor.Unit)
}

// handles reports whether the actor, as a handler, works the case: it is assigned to a
// unit in the actor's subtree, to the actor or to nobody in particular.
func (r *reference) handles(actor tousu.Actor, c *tousu.Complaint) bool {
	if !actor.Has(tousu.RoleHandler) || c.AssignedUnit == "" {
		return false
	}
	if c.Handler != "" && c.Handler != actor.Login {
		return false
	}
	return r.isRoot(actor.Unit) || r.within(c.AssignedUnit, actor.Unit)
}

// assists is the index in c's assisting units (协办) of the one the actor, as a handler,
// works for; -1 when none.
func (r *reference) assists(actor tousu.Actor, c *tousu.Complaint) int {
	if !actor.Has(tousu.RoleHandler) {
		return -1
	}
	for i, as := range c.Handling.Assisting {
		if r.within(as.Unit, actor.Unit) && !r.isRoot(actor.Unit) {
			return i
		}
	}
	return -1
}

// scopeFilter narrows a list filter to what the actor may see.
func (r *reference) scopeFilter(actor tousu.Actor, f *tousu.ComplaintFilter) error {
	if err := requireRole(actor, caseReaders...); err != nil {
		return err
	}
	f.ExcludeTargetStaff = actor.Staff
	for _, b := range actor.Linked {
		if b != actor.Staff {
			f.ExcludeTargetStaffs = append(f.ExcludeTargetStaffs, b)
		}
	}
	if onlyHandler(actor) {
		f.HandlerOrNone = actor.Login
		if !r.isRoot(actor.Unit) {
			f.AssignedUnits = r.subtree(actor.Unit)
			// The cases its units assist (协办), as assists reads them.
			f.AssistingUnits = r.subtree(actor.Unit)
		}
		if f.AssignedUnits == nil {
			f.AssignedUnits = r.allUnits()
		}
		return nil
	}
	if !r.isRoot(actor.Unit) {
		f.Scope = r.subtree(actor.Unit)
	}
	return nil
}

func (r *reference) allUnits() []string {
	out := make([]string, len(r.units))
	for i, u := range r.units {
		out[i] = u.Code
	}
	return out
}

// allowed lists the actions the actor may take on c now: the lifecycle table by role,
// narrowed by the handler's assignment and the classification.
func (r *reference) allowed(actor tousu.Actor, c *tousu.Complaint) []tousu.Action {
	var out []tousu.Action
	for _, act := range tousu.AllowedActions(c.Status, actor) {
		if r.mayAct(actor, c, act) == nil {
			out = append(out, act)
		}
	}
	return out
}

// mayAct checks what the lifecycle table cannot: who works this particular case.
func (r *reference) mayAct(actor tousu.Actor, c *tousu.Complaint, act tousu.Action) error {
	t, ok := tousu.TransitionFor(act)
	if !ok {
		return tousu.Errorf(tousu.KindNotFound, "没有这个操作：%s", act)
	}
	// Which of the actor's roles permits the act? A handler's permission holds only on
	// the cases it handles; the other roles' hold within their scope (already checked).
	var byOther, byHandler bool
	for _, role := range t.Roles {
		if !actor.Has(role) {
			continue
		}
		if role == tousu.RoleHandler {
			byHandler = true
		} else {
			byOther = true
		}
	}
	assist := act == tousu.ActAssistSign || act == tousu.ActAssistReport
	switch {
	case assist && byHandler && r.assists(actor, c) >= 0:
		// An assisting unit signs and reports its own part.
		as := c.Handling.Assisting[r.assists(actor, c)]
		if act == tousu.ActAssistSign && as.SignedBy != "" {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "本单位已签收该协办件"}
		}
		if act == tousu.ActAssistReport && as.Report != nil {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "本单位已报送协办意见"}
		}
	case assist:
		return tousu.Errorf(tousu.KindForbidden, "只有协办单位的承办人可以执行此操作")
	case byOther:
	case byHandler && r.handles(actor, c):
	case byHandler && act == tousu.ActNote && r.assists(actor, c) >= 0:
		// Assisting units record their own investigation.
	case byHandler:
		return tousu.Errorf(tousu.KindForbidden, "该投诉件未派给您或您的单位办理")
	}
	if act == tousu.ActAmend {
		if err := mayAmend(actor, c); err != nil { // intake.go
			return err
		}
	}
	return c.Refuses(act)
}
