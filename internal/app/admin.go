package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"tousu"
)

// CanAdminister reports, as an error, whether the actor may use the admin pages: the
// organisation, accounts, categories, calendar and policies. Pages that only read
// reference data call it so that the rule stays here, beside the writes that enforce it.
func CanAdminister(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleAdmin)
}

// CanRegister reports, as an error, whether the actor may register complaints at the
// desk: the roles Register requires, asked before the form is shown.
func CanRegister(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleClerk, tousu.RoleSupervisor)
}

// CanReveal reports, as an error, whether the actor may ask to see a complainant's
// identity: the roles Reveal requires, asked before the reveal form is shown.
func CanReveal(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector)
}

// Account is a staff account as the admin pages show it: never its password hash.
type Account struct {
	Login     string
	Name      string
	Roles     []tousu.Role
	Unit      string
	UnitName  string
	Staff     string
	Disabled  bool
	CreatedAt time.Time
}

// Accounts lists the staff accounts the admin manages: every one for an admin at the root,
// those inside its subtree otherwise.
func (a *App) Accounts(ctx context.Context, actor tousu.Actor) ([]Account, error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(users))
	for _, u := range users {
		// An admin below the root sees the accounts of its subtree only.
		if ref.mayManage(actor, &u) != nil && u.Login != actor.Login {
			continue
		}
		out = append(out, Account{Login: u.Login, Name: u.Name, Roles: u.Roles, Unit: u.Unit, UnitName: ref.unitName(u.Unit),
			Staff: u.Staff, Disabled: u.Disabled, CreatedAt: u.CreatedAt.In(a.loc)})
	}
	return out, nil
}

// AccountUpdate is what an admin may change of an account; the login never changes.
type AccountUpdate struct {
	Name  string
	Roles []tousu.Role
	Unit  string
	Staff string
}

// UpdateAccount changes an account's name, roles, unit and staff member (admin; audited).
// The account must lie strictly inside the admin's scope (see mayManage), and the new
// roles and unit inside it too. An admin changes only its own name: its roles, unit and
// badge are changed by another admin, so that no one widens its own power, gives itself
// case roles (separation of duties) or unlinks itself from a badge to lift a recusal.
// A change of the badge is audited with the old and the new one; the badge once linked
// stays in the account's history and keeps it recused.
func (a *App) UpdateAccount(ctx context.Context, actor tousu.Actor, login string, up AccountUpdate) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	u, err := a.store.FindUser(ctx, login)
	if err != nil {
		return err
	}
	if err := ref.mayManage(actor, u); err != nil {
		return err
	}
	p := tousu.Problems{}
	up.Name, up.Unit, up.Staff = strings.TrimSpace(up.Name), strings.TrimSpace(up.Unit), strings.TrimSpace(up.Staff)
	if up.Name == "" {
		p.Add("name", "请填写姓名")
	}
	tousu.CheckLine(p, "name", up.Name, 64)
	if len(up.Roles) == 0 {
		p.Add("role", "请至少选择一个角色")
	}
	for _, r := range up.Roles {
		if !tousu.Roles.Valid(r) {
			p.Add("role", "没有这个角色："+string(r))
		}
	}
	if u.Login == actor.Login && slices.Contains(u.Roles, tousu.RoleAdmin) && !slices.Contains(up.Roles, tousu.RoleAdmin) {
		p.Add("role", "不能取消自己的系统管理员角色")
	}
	if up.Unit == "" {
		up.Unit = ref.rootCode()
	}
	if _, ok := ref.unitByCode[up.Unit]; !ok {
		p.Add("unit", "没有这个单位："+up.Unit)
	}
	if up.Staff != "" {
		if _, err := a.store.FindStaff(ctx, up.Staff); tousu.IsKind(err, tousu.KindNotFound) {
			p.Add("staff", "没有这个工号："+up.Staff)
		} else if err != nil {
			return err
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := ref.mayGrant(actor, up.Roles, up.Unit); err != nil {
		return err
	}
	unitBefore := u.Unit
	if unitBefore == "" {
		unitBefore = ref.rootCode()
	}
	relink := up.Staff != u.Staff
	if u.Login == actor.Login && (relink || up.Unit != unitBefore || !sameRoles(up.Roles, u.Roles)) {
		return tousu.Errorf(tousu.KindForbidden, "不能修改自己账号的角色、单位或对应工号，请由另一位系统管理员办理")
	}
	if relink {
		// The holder of a badge never moves its link, whatever account it acts from.
		if actor.IsTarget(u.Staff) || actor.IsTarget(up.Staff) {
			return tousu.Errorf(tousu.KindForbidden, "不能修改与您本人工号关联的账号的对应工号，请由另一位系统管理员办理")
		}
		if up.Staff != "" {
			st, err := a.store.FindStaff(ctx, up.Staff)
			if err != nil {
				return err
			}
			if !ref.adminCovers(actor, st.Unit) {
				return errOutOfScope("工号“" + up.Staff + "”")
			}
		}
	}
	oldStaff := u.Staff
	u.Name, u.Roles, u.Unit, u.Staff = up.Name, up.Roles, up.Unit, up.Staff
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	if relink {
		if err := a.audit(ctx, actor, "user.staff", u.Login, "old="+oldStaff+" new="+u.Staff); err != nil {
			return err
		}
	}
	return a.audit(ctx, actor, "user.update", u.Login, "roles="+joinRoles(u.Roles)+" unit="+u.Unit)
}

// sameRoles reports whether two role lists hold the same roles, in any order.
func sameRoles(x, y []tousu.Role) bool {
	for _, r := range x {
		if !slices.Contains(y, r) {
			return false
		}
	}
	for _, r := range y {
		if !slices.Contains(x, r) {
			return false
		}
	}
	return true
}

// SetAccountDisabled disables or enables an account (admin; audited). A disabled account
// is signed out on its next request and its API tokens stop working. An admin cannot
// disable itself.
func (a *App) SetAccountDisabled(ctx context.Context, actor tousu.Actor, login string, disabled bool) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	u, err := a.store.FindUser(ctx, login)
	if err != nil {
		return err
	}
	if err := ref.mayManage(actor, u); err != nil {
		return err
	}
	if disabled && u.Login == actor.Login {
		return tousu.Errorf(tousu.KindConflict, "不能停用自己的账号")
	}
	u.Disabled = disabled
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	act := "user.enable"
	if disabled {
		act = "user.disable"
	}
	return a.audit(ctx, actor, act, u.Login, "")
}

// ResetPassword gives an account a new generated password and returns it, to be shown
// once to the admin who passes it on (admin; audited).
func (a *App) ResetPassword(ctx context.Context, actor tousu.Actor, login string) (string, error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return "", err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return "", err
	}
	u, err := a.store.FindUser(ctx, login)
	if err != nil {
		return "", err
	}
	if err := ref.mayManage(actor, u); err != nil {
		return "", err
	}
	pw, err := a.randomPassword()
	if err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := a.rand.Read(salt); err != nil {
		return "", err
	}
	// A new epoch ends every desk session of the account: whoever held the old password
	// is signed out.
	u.PasswordHash, u.Epoch = hashPassword(pw, salt), u.Epoch+1
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return "", err
	}
	if err := a.audit(ctx, actor, "password.reset", u.Login, ""); err != nil {
		return "", err
	}
	return pw, nil
}

// HandlerAccount is an account that may be assigned cases (承办人), for the assign form.
type HandlerAccount struct {
	Login    string
	Name     string
	Unit     string
	UnitName string
	UnitPath string
}

// Handlers lists the enabled handler accounts, in the order of the organisation tree, for
// staff who read cases (the assign form offers them; timelines name them).
func (a *App) Handlers(ctx context.Context, actor tousu.Actor) ([]HandlerAccount, error) {
	if err := requireRole(actor, caseReaders...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, u := range ref.units {
		order[u.Code] = i
	}
	var out []HandlerAccount
	for _, u := range users {
		if u.Disabled || !slices.Contains(u.Roles, tousu.RoleHandler) {
			continue
		}
		unit := u.Unit
		if unit == "" {
			unit = ref.rootCode()
		}
		out = append(out, HandlerAccount{Login: u.Login, Name: u.Name, Unit: unit, UnitName: ref.unitName(unit),
			UnitPath: ref.unitPath(unit)})
	}
	slices.SortStableFunc(out, func(x, y HandlerAccount) int { return order[x.Unit] - order[y.Unit] })
	return out, nil
}

func joinRoles(roles []tousu.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}
