package web

import (
	"html/template"
	"time"

	"tousu"

	"tousu/internal/app"
	"tousu/internal/report"
)

// The statistics pages' view models, added to pageModels here so that the pages of this
// capability stay in its own files.
func init() {
	pageModels["desk/stats"] = sampleStatsPage()
	pageModels["desk/report"] = sampleReportPage()
	pageModels["desk/disclosures"] = disclosuresPage{Common: sampleCommon, Items: []tousu.Disclosure{sampleDisclosure()},
		CanPrepare: true, F: newForm(nil), Units: []deskOption{{"root", "某区政务服务中心"}}}
	pageModels["desk/disclosure"] = disclosurePage{Common: sampleCommon, D: new(sampleDisclosure()), CanPublish: true,
		F: newForm(nil), PublicURL: "/disclosure/1"}
	pageModels["portal/disclosure"] = publicDisclosurePage{portalBase: samplePortalBase(false), D: new(sampleDisclosure()),
		Items: []tousu.Disclosure{sampleDisclosure()}, Versions: []tousu.Disclosure{sampleDisclosure(), sampleDisclosure()}}
	pageModels["portal/disclosure_guide"] = disclosureGuidePage{portalBase: samplePortalBase(false), MinSample: 5, MinRank: 20,
		Definitions: app.StatDefinitions}
}

func sampleDisclosure() tousu.Disclosure {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	return tousu.Disclosure{ID: 1, Period: "2026-11", Unit: "root", Version: 2, Status: tousu.DisclosurePublished,
		Changes: "更正了医保局的办结件数", CreatedAt: at, PublishedAt: &at,
		Content: tousu.DisclosureContent{Title: "某区2026年11月投诉处理情况公示", PeriodName: "2026年11月",
			From: tousu.MustDate("2026-11-01"), To: tousu.MustDate("2026-11-30"), MinSample: 5, MinRank: 20,
			Units: []tousu.DisclosureUnit{{Code: "dept-a", Name: "人社局", Received: 30, Concluded: 25, Rank: 1,
				OnTime: app.Wilson(20, 25), Founded: app.Wilson(5, 20), Satisfied: app.Wilson(18, 20)},
				{Code: "dept-b", Name: "医保局", Received: 3, Concluded: 2, Insufficient: true}},
			Cases: []tousu.DisclosureCase{{Number: "TS20261103-0001", Unit: "社保1号窗口", Category: "服务态度",
				Finding: "属实", Measures: "责令改正", Summary: "经调查核实，反映问题属实，已责令改正。"}}}}
}

func sampleReportPage() reportPage {
	p, _ := app.ParsePeriod("2026-11")
	c := sampleComplaint()
	rc := []app.ReportCase{{ComplaintView: c, Measures: "责令改正"}}
	f := app.Figures{Received: 3}
	return reportPage{Common: sampleCommon, PeriodKey: "2026-11", Unit: "root", Variant: "discipline", CanDiscipline: true,
		Units: []deskOption{{"root", "某区政务服务中心"}}, Notice: "报告期间有误", Rows: reportRows(f, f), XLSXURL: "/desk/reports?format=xlsx",
		Definitions: app.StatDefinitions, R: &app.PeriodReport{Period: p, Previous: p.Previous(), Variant: "discipline",
			Title: "某区2026年11月投诉处理情况月报", Now: f, Prev: f, MinSample: 5, Generated: p.To,
			Ranking:  []app.ReportRank{{Rank: 1, Unit: "dept-a", Name: "人社局", Figures: f}},
			Unranked: []app.ReportRank{{Unit: "dept-b", Name: "医保局", Figures: f}},
			Overdue:  rc, Founded: rc, Integrity: rc, Referred: rc, Truncated: true,
			Staff: []app.ReportStaff{{Badge: "A001", Name: "王窗口", Count: 2, Numbers: []string{"TS20261127-0001", "TS20261127-0002"}}},
			Conduct: app.ReportConduct{Now: 2, Prev: 1, PraiseNow: 1, SanctionNow: 1,
				Units: []app.ReportAccountabilityUnit{{Unit: "win-a1", Name: "社保1号窗口", ByKind: map[string]int{"late_reply": 1, "rectification_overdue": 1}, Total: 2, Prev: 1}},
				Records: []app.ReportAccountability{
					{AccountabilityRecord: app.AccountabilityRecord{Kind: "late_reply", Label: "逾期答复", Number: "TS20261127-0001", Unit: "win-a1", Staff: "A002", Detail: "办理期限2026-11-20，至今未答复"}, UnitName: "社保1号窗口", StaffName: "李科长"},
					{AccountabilityRecord: app.AccountabilityRecord{Kind: "rectification_overdue", Label: "整改超期", TaskID: 7, Unit: "win-a1", Detail: "“文明用语”整改期限2026-11-10"}, UnitName: "社保1号窗口"}},
				Praise:    []app.ReportEntry{{StaffEntry: tousu.StaffEntry{Badge: "A001", Kind: "praise", Type: "praise", Date: p.To, Reason: "主动帮助老年群众填表", Source: "other"}, TypeLabel: "表扬", SourceLabel: "其他", Name: "王窗口", UnitName: "社保1号窗口"}},
				Sanctions: []app.ReportEntry{{StaffEntry: tousu.StaffEntry{Badge: "A001", Kind: "sanction", Type: "education", Date: p.To, Reason: "态度生硬", Source: "complaint", SourceRef: "TS20261127-0001"}, TypeLabel: "批评教育", SourceLabel: "投诉", Name: "王窗口", UnitName: "社保1号窗口"}}}},
		AccountabilityKinds: app.AccountabilityKinds}
}

func sampleStatsPage() statsPage {
	cells := []statCell{{Text: "3", URL: "/desk/?figure=received"}, {Text: "—"}}
	return statsPage{Common: sampleCommon, Period: "month", From: "2026-11-01", To: "2026-11-30", PeriodLabel: "2026年11月",
		PrevLabel: "2026-10-01 至 2026-10-31", Unit: "root", Group: "unit", Periods: statsPeriods,
		Units: []deskOption{{"root", "某区政务服务中心"}}, Breakdowns: statsBreakdowns, Notice: "统计期间有误",
		KPIs:    []kpiView{{Label: "受理量", Now: cells[0], Prev: cells[1]}},
		Columns: []string{"受理", "答复"}, TrendChart: template.HTML(report.Columns("近12个月受理量", []report.Bar{{Label: "11月", Value: 3}})),
		Trend: []statsRowView{{Name: "2026年11月", Cells: cells}}, BreakdownName: "按单位",
		BreakdownChart: template.HTML(report.HBar("按单位受理量", []report.Bar{{Label: "人社局", Value: 3}})),
		Breakdown:      []statsRowView{{Name: "人社局", Cells: cells}}, Definitions: app.StatDefinitions, ReportURL: "/desk/reports?period=2026-11"}
}
