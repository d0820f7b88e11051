package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/report"
)

// The periodic reports (/desk/reports?period=2026-11, 2026-Q4 or 2026): a printable A4
// page (the layout's print styles hide the desk around it), and the same as XLSX.

// reportPage is the view model of /desk/reports.
type reportPage struct {
	Common
	R             *app.PeriodReport
	PeriodKey     string
	Unit          string
	Variant       string
	Units         []deskOption
	CanDiscipline bool
	Notice        string
	Rows          []reportFigureRow
	RatingRows    []reportRatingRow
	XLSXURL       string
	Definitions   []app.StatDefinition
	// AccountabilityKinds head the 行风督查 section's columns.
	AccountabilityKinds tousu.Vocabulary[string]
}

// reportFigureRow is one figure of the report's comparison table.
type reportFigureRow struct {
	Label, Now, Prev string
}

func reportRows(now, prev app.Figures) []reportFigureRow {
	i64 := func(x int64) string { return strconv.FormatInt(x, 10) }
	return []reportFigureRow{
		{"受理量", i64(now.Received), i64(prev.Received)},
		{"咨询（撤回）", i64(now.Consultations), i64(prev.Consultations)},
		{"不予受理", i64(now.NotAccepted), i64(prev.NotAccepted)},
		{"答复量", i64(now.Replied), i64(prev.Replied)},
		{"按期答复", i64(now.RepliedOnTime), i64(prev.RepliedOnTime)},
		{"按期办结率", pct(now.OnTimeRate), pct(prev.OnTimeRate)},
		{"平均办理工作日", num(now.AvgWorkingDays), num(prev.AvgWorkingDays)},
		{"处理决定", i64(now.Decided), i64(prev.Decided)},
		{"属实", i64(now.Founded), i64(prev.Founded)},
		{"属实率", pct(now.FoundedRate), pct(prev.FoundedRate)},
		{"评价数", i64(now.Rated), i64(prev.Rated)},
		{"满意率", pct(now.SatisfactionRate), pct(prev.SatisfactionRate)},
		{"重复投诉", i64(now.Repeat), i64(prev.Repeat)},
	}
}

// periodicReport is GET /desk/reports.
func (s *Server) periodicReport(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanReadReports(actor); err != nil {
		return err
	}
	ctx := r.Context()
	v := r.URL.Query()
	vm := reportPage{Common: s.deskView(r, actor, "定期报告"), PeriodKey: v.Get("period"), Unit: v.Get("unit"),
		Variant: v.Get("variant"), CanDiscipline: actor.Has(tousu.RoleInspector), Definitions: app.StatDefinitions}
	if vm.PeriodKey == "" {
		vm.PeriodKey = app.PeriodOf("month", s.app.Today()).Previous().Key
	}
	p, err := app.ParsePeriod(vm.PeriodKey)
	if err != nil {
		vm.Notice = "报告期间有误：" + describeFields(err) + "；已显示上月。"
		p = app.PeriodOf("month", s.app.Today()).Previous()
		vm.PeriodKey = p.Key
	}
	rep, err := s.app.Report(ctx, actor, p, vm.Unit, vm.Variant)
	if tousu.IsKind(err, tousu.KindInvalid) {
		vm.Notice += "筛选条件有误：" + describeFields(err) + "。"
		vm.Unit, vm.Variant = "", ""
		rep, err = s.app.Report(ctx, actor, p, "", "")
	}
	if err != nil {
		return err
	}
	if v.Get("format") == "xlsx" {
		return writeReportXLSX(w, rep)
	}
	vm.R, vm.Unit, vm.Title = rep, rep.Unit, rep.Title
	vm.Rows = reportRows(rep.Now, rep.Prev)
	vm.RatingRows = reportRatingRows(rep)
	vm.AccountabilityKinds = app.AccountabilityKinds
	units, err := s.app.Units(ctx)
	if err != nil {
		return err
	}
	vm.Units = unitOptions(units)
	q := url.Values{"period": {p.Key}, "unit": {rep.Unit}, "format": {"xlsx"}}
	if vm.Variant != "" {
		q.Set("variant", vm.Variant)
	}
	vm.XLSXURL = "/desk/reports?" + q.Encode()
	return s.render(w, r, http.StatusOK, "desk/report", vm)
}

// writeReportXLSX writes a report as a workbook, a sheet per section.
func writeReportXLSX(w http.ResponseWriter, rep *app.PeriodReport) error {
	wb := report.NewWorkbook()
	sh, err := wb.Sheet("总体情况")
	if err != nil {
		return err
	}
	sh.Row(rep.Title)
	sh.Row("指标", rep.Period.Name, rep.Previous.Name)
	for _, row := range reportRows(rep.Now, rep.Prev) {
		sh.Row(row.Label, row.Now, row.Prev)
	}
	if sh, err = wb.Sheet("单位排名"); err != nil {
		return err
	}
	sh.Row(stringsAny(append([]string{"名次"}, statsXLSXColumns...))...)
	for _, u := range rep.Ranking {
		sh.Row(append([]any{u.Rank}, figureCells(u.Name, u.Figures)...)...)
	}
	for _, u := range rep.Unranked {
		sh.Row(append([]any{"样本不足"}, figureCells(u.Name, u.Figures)...)...)
	}
	cases := func(name string, cs []app.ReportCase) error {
		sh, err := wb.Sheet(name)
		if err != nil {
			return err
		}
		sh.Row("受理编号", "被投诉单位", "类别", "状态", "办理期限", "处理结论", "处理措施", "改进措施")
		for _, c := range cs {
			finding, improvement := "", ""
			if c.Decision != nil {
				finding, improvement = tousu.Findings.Label(c.Decision.Finding), c.Decision.Improvement
			}
			sh.Row(c.Number, c.Target.UnitName, strings.Join(c.CategoryLabels, "、"), c.StatusLabel, c.DueDate.String(),
				finding, c.Measures, improvement)
		}
		return nil
	}
	if err := cases("超期件", rep.Overdue); err != nil {
		return err
	}
	if err := cases("属实件", rep.Founded); err != nil {
		return err
	}
	if sh, err = wb.Sheet("多次属实人员"); err != nil {
		return err
	}
	sh.Row("工号", "姓名", "属实件数", "受理编号")
	for _, s := range rep.Staff {
		sh.Row(s.Badge, s.Name, s.Count, strings.Join(s.Numbers, "、"))
	}
	if sh, err = wb.Sheet("好差评"); err != nil {
		return err
	}
	sh.Row(reportRatingHeader...)
	for _, r := range reportRatingRows(rep) {
		sh.Row(r.Window, r.Period, r.Ratings, r.Good, r.Bad, r.Rectified, r.Callbacks)
	}
	if err := writeReportConductXLSX(wb, rep); err != nil {
		return err
	}
	if rep.Variant == "discipline" {
		if err := cases("廉洁类投诉举报", rep.Integrity); err != nil {
			return err
		}
		if err := cases("移送纪检", rep.Referred); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", attachment(rep.Title+".xlsx"))
	w.Header().Set("Cache-Control", "no-store")
	_, err = wb.WriteTo(w)
	return err
}
