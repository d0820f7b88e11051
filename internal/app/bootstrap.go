package app

import (
	"context"
	"slices"

	"tousu"
)

// DefaultCategories is the scope of REQUIREMENTS B1: the union of the seed regulations'
// lists of what may be complained about.
var DefaultCategories = []tousu.Category{
	{Code: "attitude", Name: "服务态度", Description: "态度恶劣、语言生硬、冷漠推脱"},
	{Code: "efficiency", Name: "工作效率", Description: "办事拖拉、相互推诿、处理不公"},
	{Code: "competence", Name: "业务能力", Description: "业务不熟、解释错误、办理差错"},
	{Code: "facilities", Name: "设施设备", Description: "设施设备损坏或运行不正常"},
	{Code: "process", Name: "制度流程", Description: "管理制度、工作流程不合理"},
	{Code: "integrity", Name: "廉洁自律", Description: "吃拿卡要、利用职务之便谋取私利"},
	{Code: "refusal", Name: "不依法受理", Description: "对符合法定条件的申请不予受理或不依法决定"},
	{Code: "unlawful_approval", Name: "违规许可", Description: "对不符合法定条件的申请准予许可，或超越法定职权"},
	{Code: "overdue", Name: "超期办理", Description: "未按承诺期限办结，借口研究、请示拖延"},
	{Code: "notification", Name: "未一次性告知", Description: "未履行首问负责制或未一次性告知所需材料，致群众多次往返"},
	{Code: "fees", Name: "违规收费", Description: "不按规定收取费用"},
	{Code: "one_door", Name: "未落实一门受理", Description: "要求到部门本部办理，未落实“一门受理”"},
	{Code: "medical", Name: "医疗技术/药品质量", Description: "涉及医疗技术、药品质量，需与相关部门协同处理"},
	{Code: "other", Name: "其他", Description: "其他影响群众利益和服务质量的问题"},
}

// RootUnitCode is the code of the root unit created on a fresh database.
const RootUnitCode = "root"

// EnsureBase gives a fresh database what every deployment needs: a root unit (named to be
// renamed by the admin) and the default categories. It changes nothing that exists.
func (a *App) EnsureBase(ctx context.Context) error {
	units, err := a.store.ListUnits(ctx)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		if err := a.store.PutUnit(ctx, tousu.Unit{Code: RootUnitCode, Name: "本机构", Kind: tousu.UnitCentre}); err != nil {
			return err
		}
	}
	cats, err := a.store.ListCategories(ctx)
	if err != nil {
		return err
	}
	if len(cats) == 0 {
		for i, c := range DefaultCategories {
			c.Sort, c.Active = i+1, true
			if err := a.store.PutCategory(ctx, c); err != nil {
				return err
			}
		}
	}
	a.invalidate()
	return nil
}

// FirstAdmin creates the first administrator, "admin", when no account holds the admin
// role, and returns its generated password (to be shown once); "" when one exists. It holds
// the admin role only (三员分立, separation of duties): it configures the organisation and
// creates the accounts that work cases, and sees no complaint content itself.
//
// cmd/tousu calls it under the start-up lock, so that of nodes started together one
// creates the admin; should another process still create it first (one that takes no
// lock), the unique login refuses this one and FirstAdmin finds that admin and returns "".
func (a *App) FirstAdmin(ctx context.Context) (string, error) {
	hasAdmin := func() (bool, error) {
		users, err := a.store.ListUsers(ctx)
		if err != nil {
			return false, err
		}
		for _, u := range users {
			if slices.Contains(u.Roles, tousu.RoleAdmin) {
				return true, nil
			}
		}
		return false, nil
	}
	if ok, err := hasAdmin(); err != nil || ok {
		return "", err
	}
	pw, err := a.CreateUser(ctx, tousu.SystemActor, NewUser{Login: "admin", Name: "系统管理员",
		Roles: []tousu.Role{tousu.RoleAdmin}})
	if tousu.IsKind(err, tousu.KindConflict) {
		if ok, lerr := hasAdmin(); lerr == nil && ok {
			return "", nil
		}
	}
	return pw, err
}
