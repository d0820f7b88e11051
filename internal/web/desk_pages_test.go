package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
)

// Sample view models of the desk's pages for TestPagesRender: each fills every part of
// its page (every action form, errors on the fields, the revealed identity) so that the
// templates are checked against their models as a whole.

var (
	sampleUser   = &deskUser{Login: "supervisor", Name: "督查员", Roles: []string{"督查员"}}
	sampleCommon = Common{Title: "示例", SiteName: SiteName, User: sampleUser, Flash: "已完成“受理”"}
	sampleAt     = time.Date(2026, 1, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	sampleUnits  = []deskOption{{"root", "区政务服务中心"}, {"win-a1", "　　社保1号窗口（窗口）"}}
	sampleStaff  = []deskOptGroup{{Label: "社保1号窗口", Choices: []deskOption{{"A001", "王窗口（A001）"}}}}
)

func sampleComplaint() *app.ComplaintView {
	left := 2
	incident := sampleAt.Add(-20 * time.Hour)
	closed := sampleAt
	all := make([]tousu.Action, 0, len(tousu.Lifecycle))
	for _, t := range tousu.Lifecycle {
		all = append(all, t.Action)
	}
	return &app.ComplaintView{
		Number: "TS20260130-0001", QueryCode: "K7M2P9QXAB", Kind: tousu.KindComplaint, KindLabel: "投诉",
		Channel: tousu.ChannelVisit, ChannelLabel: "来访", Status: tousu.StatusInProgress, StatusLabel: "办理中",
		Classification: tousu.ClassCase, ClassificationLabel: "立案处理类",
		Categories: []string{"attitude"}, CategoryLabels: []string{"服务态度"},
		Complainant:    tousu.Complainant{Name: "张*", Phone: "138****5678", Email: "z***@example.com", IDNumber: "1101**********1234", Organization: "某公司", Address: "北京市朝阳区**"},
		IdentityMasked: true,
		Target: app.TargetView{Unit: "win-a1", UnitName: "社保1号窗口", UnitPath: "区政务服务中心 › 人社局 › 社保1号窗口",
			Staff: "A001", StaffName: "王窗口", Description: "穿蓝色制服"},
		Matter: "态度生硬，未一次性告知。", Request: "道歉。", IncidentAt: &incident, IncidentPlace: "二楼",
		BusinessReceiptNo: "SB-001", Written: true, RegisteredBy: "clerk", OwnerUnit: "root",
		AssignedUnit: "dept-a", AssignedUnitName: "人社局", Handler: "handler-a", Mode: tousu.ModeTransfer,
		ReceivedAt: sampleAt, CreatedAt: sampleAt, UpdatedAt: sampleAt, ClosedAt: &closed,
		DueDate: tousu.MustDate("2026-02-27"), WorkingDaysLeft: &left, DueSoon: true,
		Deadline: tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, ExtensionDays: 5, Due: tousu.MustDate("2026-02-27")},
		Decision: &tousu.Decision{Finding: tousu.FindingFounded, Measures: []tousu.Measure{tousu.MeasureCriticism},
			Staff: []string{"A001"}, Improvement: "加强培训"},
		Reply:        &tousu.Reply{Process: "调查", Result: "属实", Improvement: "培训", Channel: tousu.ChannelPhone},
		Satisfaction: 4, MergedInto: "TS20260130-0002", Version: 3, AllowedActions: all,
	}
}

func sampleCasePage() casePage {
	c := sampleComplaint()
	payload, _ := json.Marshal(tousu.AssignPayload{Unit: "dept-a", Handler: "handler-a", Mode: tousu.ModeTransfer})
	l := lookups{units: map[string]string{"dept-a": "人社局"}, staff: map[string]string{}, handlers: map[string]string{"handler-a": "承办人"}, cats: map[string]string{}}
	forms := map[tousu.Action]*deskForm{}
	for _, a := range c.AllowedActions {
		forms[a] = defaultForm(c, a)
	}
	failed := newForm(url.Values{"reason": {""}})
	failed.refuse(tousu.Problems{"reason": "请填写理由", "classification": "请选择分类", "finding": "请选择"}.Err())
	forms[tousu.ActReturn] = failed
	revealed := tousu.Complainant{Name: "张三", Phone: "13812345678", Email: "z@example.com", IDNumber: "110101199003074514",
		Organization: "某公司", Address: "北京市"}
	return casePage{Common: sampleCommon, C: c, Clock: clockOf(c), Handler: "承办人（handler-a）", Mode: "转办", Receiver: "受理员",
		Events: []eventItem{
			l.event(app.EventView{Seq: 2, Type: "assign", Label: "派单", Public: true, ActorName: "督查员", At: sampleAt,
				From: tousu.StatusAccepted, To: tousu.StatusAssigned, Payload: payload}),
			l.event(app.EventView{Seq: 3, Type: "merge", Label: "并案", Public: true, At: sampleAt, Payload: json.RawMessage(`{"into":"TS20260130-0002"}`)}),
			l.event(app.EventView{Seq: 4, Type: "note", Label: "调查记录", At: sampleAt, Payload: json.RawMessage(`{"method":"video","content":"看录像"}`)}),
		},
		Notice: "当前状态不允许", Revealed: &revealed, Reveal: failed, Forms: forms, Open: tousu.ActReturn,
		Units: sampleUnits, Categories: []deskOption{{"attitude", "服务态度"}}, Classifications: deskOptions(tousu.Classifications),
		RejectReasons: deskOptions(tousu.RejectReasons), Modes: deskOptions(tousu.Modes), Methods: deskOptions(tousu.Methods),
		Findings: deskOptions(tousu.Findings), Measures: deskOptions(tousu.Measures), Channels: deskOptions(tousu.Channels),
		Levels: []deskOption{{"5", "非常满意"}, {"1", "非常不满意"}}, Handlers: []deskOptGroup{{Label: "人社局", Choices: []deskOption{{"handler-a", "承办人"}}}},
		Staff: sampleStaff, StaffNames: map[string]string{"A001": "王窗口"}}
}

// sampleMaskedCasePage is the case page before a reveal, for an anonymous-free case.
func sampleMaskedCasePage() casePage {
	p := sampleCasePage()
	p.Revealed = nil
	return p
}

func sampleInboxPage() inboxPage {
	c := sampleComplaint()
	f := newForm(url.Values{"q": {"态度"}, "status": {"registered"}})
	return inboxPage{Common: sampleCommon, Tab: "all", F: f, Filtered: true, Notice: "筛选条件有误：开始日期：日期格式应为 YYYY-MM-DD",
		Tabs:    []inboxTabView{{Key: "registered", Label: "待受理", URL: "/desk/?tab=registered", Count: "3"}, {Key: "all", Label: "全部", URL: "/desk/?tab=all", Count: "1000+", Current: true}},
		Rows:    []inboxRow{{ComplaintView: c, Clock: clockOf(c), Excerpt: c.Matter}},
		NextURL: "/desk/?tab=all&cursor=x", FirstURL: "/desk/?tab=all",
		Statuses: deskOptions(tousu.Statuses), Kinds: deskOptions(tousu.Kinds), Channels: deskOptions(tousu.Channels),
		Categories: []deskOption{{"attitude", "服务态度"}}, Units: sampleUnits}
}

func sampleRegisterPage() registerPage {
	f := newForm(url.Values{"kind": {"complaint"}, "channel": {"visit"}, "categories": {"attitude"}, "idem": {"abc"},
		"complainant.anonymous": {"1"}, "written": {"1"}})
	f.refuse(tousu.Problems{"complainant.name": "请填写投诉人姓名", "matter": "请填写投诉事项", "received_at": "时间格式不正确"}.Err())
	return registerPage{Common: sampleCommon, F: f, Kinds: deskOptions(tousu.Kinds), Channels: deskOptions(tousu.Channels),
		Categories: []deskOption{{"attitude", "服务态度"}}, Units: sampleUnits, Staff: sampleStaff}
}

func sampleOffice() tousu.Unit {
	return tousu.Unit{Code: "office", Name: "投诉督查处", Phone: "010-12345678", Address: "二楼", Hours: "工作日 9:00–17:00"}
}

func sampleAdminBase(title string) adminBase {
	return adminBase{Common: sampleCommon, Notice: "不能停用自己的账号",
		Nav: []adminNavItem{{URL: "/desk/admin/units", Label: "组织机构", Current: true}}}
}

func sampleAdminUnits() adminUnitsPage {
	f := newForm(url.Values{"code": {"win-a1"}})
	f.refuse(tousu.Problems{"name": "请填写名称"}.Err())
	return adminUnitsPage{adminBase: sampleAdminBase("组织机构"), F: f, Editing: true, Parents: sampleUnits,
		Kinds: deskOptions(tousu.UnitKinds),
		Units: []unitRow{{Unit: tousu.Unit{Code: "win-a1", Name: "社保1号窗口", Phone: "1"}, Label: "　社保1号窗口", KindLabel: "窗口"}}}
}

func sampleAdminStaff() adminStaffPage {
	f := newForm(url.Values{"badge": {"A001"}, "active": {"1"}})
	f.refuse(tousu.Problems{"unit": "所在单位不存在"}.Err())
	return adminStaffPage{adminBase: sampleAdminBase("工作人员"), Unit: "win-a1", F: f, Editing: true, Units: sampleUnits,
		Staff: []staffRow{{Staff: tousu.Staff{Badge: "A001", Name: "王窗口", Unit: "win-a1", Active: true}, UnitName: "社保1号窗口"}}}
}

func sampleAdminAccounts() adminAccountsPage {
	f := newForm(url.Values{"role": {"clerk"}})
	f.refuse(tousu.Problems{"login": "该登录名已被使用"}.Err())
	return adminAccountsPage{adminBase: sampleAdminBase("账号与角色"), F: f, Editing: "clerk",
		Password: &shownPassword{Login: "clerk", Password: "s3cret-pw", New: true}, Roles: deskOptions(tousu.Roles),
		Units: sampleUnits, Staff: sampleStaff,
		Accounts: []accountRow{{Account: app.Account{Login: "clerk", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}, Disabled: true}, RoleLabels: "受理员"},
			{Account: app.Account{Login: "admin", Name: "管理员"}, RoleLabels: "系统管理员"}}}
}

func sampleAdminCategories() adminCategoriesPage {
	f := newForm(url.Values{"code": {"attitude"}, "active": {"1"}})
	f.refuse(tousu.Problems{"parent": "上级类别不存在"}.Err())
	return adminCategoriesPage{adminBase: sampleAdminBase("投诉类别"), F: f, Editing: true, Parents: []deskOption{{"attitude", "服务态度"}},
		Categories: []categoryRow{{Category: tousu.Category{Code: "attitude", Name: "服务态度"}, Label: "服务态度"}}}
}

func sampleAdminCalendar() adminCalendarPage {
	f := newForm(url.Values{"type": {"rest"}})
	f.refuse(tousu.Problems{"date": "请填写日期"}.Err())
	calc := newForm(url.Values{"from": {"2026-01-30"}, "add": {"15"}})
	calc.Message = "工作日数应为0至3650"
	return adminCalendarPage{adminBase: sampleAdminBase("工作日历"), F: f, Calc: calc, Warning: "尚未录入下一年度的法定节假日安排",
		Overrides: []overrideRow{{CalendarOverride: tousu.CalendarOverride{Date: tousu.MustDate("2026-06-01"), Name: "本地假日"}, Weekday: "周一"}},
		Result:    &calcResult{From: tousu.MustDate("2026-01-30"), Date: tousu.MustDate("2026-02-27"), Add: 15, FromHoliday: "春节"},
		Notice:    newForm(url.Values{"year": {"2027"}, "text": {"一、元旦：1月1日放假。"}}),
		Preview: &app.NoticeResult{Year: 2027, Holidays: []tousu.Date{tousu.MustDate("2027-01-01")}, Workdays: []tousu.Date{},
			Names: map[string]string{"2027-01-01": "元旦"}},
		Years: []noticeYear{{2026, true}, {2027, false}}}
}

func sampleAdminPolicies() adminPoliciesPage {
	f := newForm(url.Values{"id": {"1"}, "unit": {"workday"}})
	f.refuse(tousu.Problems{"days": "期限应为0至365天"}.Err())
	return adminPoliciesPage{adminBase: sampleAdminBase("办理时限"), F: f, Default: "15个工作日", Onsite: "当日",
		Kinds: deskOptions(tousu.Kinds), Categories: []deskOption{{"attitude", "服务态度"}}, Classifications: deskOptions(tousu.Classifications),
		Policies: []policyRow{{Policy: tousu.Policy{ID: 1, Name: "12345热线", Days: 5, Unit: tousu.WorkingDays}, KindLabel: "任意",
			CategoryLabel: "任意", ClassificationLabel: "任意", Period: "5个工作日"}}}
}

// TestDeskPageVariants renders the desk pages' other branches, which the one model per
// page of TestPagesRender cannot reach: the masked identity with its reveal form, an
// empty inbox, an anonymous complaint, the create forms.
func TestDeskPageVariants(t *testing.T) {
	p, err := parsePages(time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	anonymous := sampleMaskedCasePage()
	anonymous.C.Complainant = tousu.Complainant{Anonymous: true}
	anonymous.C.Decision, anonymous.C.Reply, anonymous.C.AllowedActions, anonymous.Forms = nil, nil, nil, nil
	anonymous.Reveal = nil
	empty := sampleInboxPage()
	empty.Rows, empty.Filtered, empty.NextURL, empty.FirstURL = nil, false, "", ""
	accounts := sampleAdminAccounts()
	accounts.Editing, accounts.Password = "", nil
	policies := sampleAdminPolicies()
	policies.F, policies.Policies = newForm(nil), nil
	receipt := receiptPage{Common: sampleCommon, C: sampleComplaint(), Period: "当日"}
	receipt.C.Complainant = tousu.Complainant{Anonymous: true}
	for _, tc := range []struct {
		page, want string
		vm         any
	}{
		{"desk/case", `action="/desk/complaints/TS20260130-0001/reveal"`, sampleMaskedCasePage()},
		{"desk/case", "匿名投诉", anonymous},
		{"desk/inbox", "此处暂无投诉件", empty},
		{"desk/admin_accounts", `name="login"`, accounts},
		{"desk/admin_policies", "暂无规则", policies},
		{"desk/receipt", "匿名", receipt},
	} {
		var buf bytes.Buffer
		if err := p.byName[tc.page].ExecuteTemplate(&buf, "layout", tc.vm); err != nil {
			t.Errorf("%s: %v", tc.page, err)
			continue
		}
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%s does not show %q", tc.page, tc.want)
		}
	}
}

// The inbox counts a tab up to tabCountCap: past it the badge reads "1000+" (the count
// stopped there), below it the exact number.
func TestInboxCountLabel(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", tabCountCap: "1000", tabCountCap + 1: "1000+"} {
		if got := countLabel(n); got != want {
			t.Errorf("countLabel(%d) = %q, want %q", n, got, want)
		}
	}
}
