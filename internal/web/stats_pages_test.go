package web

import (
	"html/template"

	"tousu/internal/app"
	"tousu/internal/report"
)

// The statistics pages' view models, added to pageModels here so that the pages of this
// capability stay in its own files.
func init() {
	pageModels["desk/stats"] = sampleStatsPage()
	pageModels["desk/report"] = sampleReportPage()
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
			Staff: []app.ReportStaff{{Badge: "A001", Name: "王窗口", Count: 2, Numbers: []string{"TS20261127-0001", "TS20261127-0002"}}}}}
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
