package web

import (
	"time"

	"tousu"
	"tousu/internal/app"
)

// The 督查 pages' view models, for TestPagesRender.
func init() {
	c := Common{Title: "督查", SiteName: SiteName, User: &deskUser{Login: "supervisor", Name: "督查员", CanInspect: true}}
	now := time.Date(2026, 1, 30, 10, 0, 0, 0, time.UTC)
	score := 10.0
	insp := &app.InspectionView{Inspection: tousu.Inspection{ID: 1, Unit: "win-a1", Kind: tousu.InspectionUnannounced,
		Date: tousu.MustDate("2026-01-30"), Checklist: "hall", Status: tousu.InspectionCompleted, Score: 80, MaxScore: 100, Failed: 1,
		CompletedAt: &now, Results: []tousu.InspectionResult{{Item: "one_notice", Result: "fail", Note: "未一次性告知", Staff: []string{"A001"}},
			{Item: "courtesy", Result: "pass", Score: &score}},
		Photos: []tousu.ConductFile{{Attachment: tousu.Attachment{ID: 1, Name: "现场.jpg"}, Item: "one_notice"}, {Attachment: tousu.Attachment{ID: 2, Name: "全景.jpg"}}}},
		UnitName: "社保1号窗口", KindLabel: "明察暗访", ChecklistName: "政务服务大厅窗口督查清单", Items: tousu.DefaultChecklists()[0].Items,
		Rectifications: []tousu.Rectification{{ID: 3, ItemName: "一次性告知", DueDate: tousu.MustDate("2026-02-06"), Status: "open"}}}
	planned := *insp
	planned.Status, planned.MayRecord = tousu.InspectionPlanned, true
	rows := []itemRow{{ChecklistItem: insp.Items[0], Recorded: true, Fail: true, Note: "离岗", Staff: "A001", Score: "0",
		Photos: insp.Photos[:1]}, {ChecklistItem: insp.Items[1]}}
	rect := &app.RectificationView{Rectification: tousu.Rectification{ID: 3, InspectionID: 1, Unit: "win-a1", ItemName: "一次性告知",
		Finding: "未一次性告知", DueDate: tousu.MustDate("2026-02-06"), Status: "submitted", Text: "已整改", VerifyNote: "不到位",
		Evidence: insp.Photos[:1]}, UnitName: "社保1号窗口", StatusLabel: "待验收", MaySubmit: true, MayVerify: true}
	rec := &app.StaffRecord{Badge: "A001", Name: "王窗口", UnitName: "社保1号窗口", From: tousu.MustDate("2026-01-01"), To: tousu.MustDate("2026-01-31"),
		Complaints:  app.ComplaintFigures{Total: 1, Founded: 1, Malicious: 1, Items: []app.ComplaintRef{{Number: "TS20260130-0001"}, {Number: "TS20260130-0002", Malicious: true}}},
		Evaluations: app.StaffEvaluations{Available: true, Total: 3, GoodRate: 66.7, Bad: 1},
		Inspections: app.InspectionFigures{Failed: 1, Findings: []app.InspectionFinding{{InspectionID: 1, ItemName: "一次性告知", Note: "未告知"}}},
		Praise:      []tousu.StaffEntry{{Type: "praise", Reason: "热情"}}, Sanctions: []tousu.StaffEntry{{Type: "education", Reason: "态度生硬"}},
		Training:       []tousu.StaffEntry{{Reason: "礼仪", Hours: 4, Result: "合格"}},
		Accountability: []app.AccountabilityRecord{{Label: "逾期答复", Number: "TS20260130-0003", Detail: "至今未答复"}}}
	as := &app.Assessment{Month: "2026-01", Units: []app.Score{{Code: "win-b1", Name: "医保1号窗口", Score: 100}, {Code: "win-a1", Name: "社保1号窗口", Score: 82}},
		Staff: []app.Score{{Code: "A001", Name: "王窗口", Score: 82}}}
	pageModels["desk/inspections"] = inspectionsPage{Common: c, Items: []app.InspectionView{*insp}, MayPlan: true, Error: "请选择督查清单",
		Units: []deskOption{{Value: "win-a1", Label: "社保1号窗口"}}, Kinds: []deskOption{{Value: "routine", Label: "定期检查"}},
		Checklists: tousu.DefaultChecklists(), Today: "2026-01-30"}
	pageModels["desk/inspection"] = inspectionPage{Common: c, V: &planned, Rows: rows, Staff: []tousu.Staff{{Badge: "A001", Name: "王窗口"}},
		Error: "不合格项请写明发现的问题", Loose: insp.Photos[1:]}
	pageModels["desk/rectifications"] = rectsPage{Common: c, Items: []app.RectificationView{*rect}}
	pageModels["desk/rectification"] = rectPage{Common: c, V: rect, Error: "退回整改请写明理由"}
	pageModels["desk/staff_record"] = staffPage{Common: c, R: rec, From: "2026-01-01", To: "2026-01-31", Findings: []deskOption{{Value: "1", Label: "属实"}},
		Forms: staffEntryForms{Praise: &deskForm{Values: map[string][]string{"type": {"praise"}, "source": {"complaint"}}, Errors: map[string]string{"reason": "请写明事由"}, Message: "有误"},
			Sanction: newForm(nil), Training: &deskForm{Values: map[string][]string{"hours": {"x"}}, Errors: map[string]string{"hours": "请填写整数"}},
			PraiseTypes: deskOptions(tousu.PraiseTypes), SanctionTypes: deskOptions(tousu.SanctionTypes), Sources: deskOptions(tousu.EntrySources), Today: "2026-01-31"}}
	pageModels["desk/admin_conduct"] = adminConductPage{adminBase: adminBase{Common: c, Nav: []adminNavItem{{URL: "/desk/admin/conduct", Label: "督查与考核", Current: true}}},
		Checklists: tousu.DefaultChecklists(), Edit: &deskForm{Values: map[string][]string{"code": {"hall"}}, Errors: map[string]string{"items": "第1行应为"}, Message: "有误"},
		Weights: &deskForm{Values: map[string][]string{"base": {"100"}, "publish": {"1"}}, Errors: map[string]string{"top": "公布数量应为1至100"}}, Days: 5}
	pageModels["portal/redlist"] = redListPage{portalBase: portalBase{Common: Common{Title: "服务窗口红榜", SiteName: SiteName}},
		Month: "2026-01", Units: as.Units, MinSample: 3}
	pageModels["desk/malicious"] = maliciousPage{Common: c, Status: "proposed", Items: []app.MaliciousView{{MaliciousMark: tousu.MaliciousMark{
		Number: "TS20260130-0002", Status: "proposed", Reason: "捏造事实", ProposedBy: "supervisor", ProposedAt: now, Staff: "A001"}, StatusLabel: "已提请认定"}}}
	pageModels["desk/ranking"] = rankingPage{Common: c, A: as, Month: "2026-01", Units: []rankRow{{Rank: 1, S: as.Units[0]}},
		Black: as.Units[1:]}
}
