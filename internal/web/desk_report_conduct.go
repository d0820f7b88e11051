package web

import (
	"strconv"

	"tousu/internal/app"
	"tousu/internal/report"
)

// The 行风督查 section of the periodic report's workbook: the counts beside the previous
// period's, the accountability records per unit and kind, their list, and the praise and
// sanctions — as the page shows them.
func writeReportConductXLSX(wb *report.Workbook, rep *app.PeriodReport) error {
	c := rep.Conduct
	sh, err := wb.Sheet("行风督查")
	if err != nil {
		return err
	}
	sh.Row("项目", rep.Period.Name, rep.Previous.Name)
	sh.Row("责任追究记录", c.Now, c.Prev)
	sh.Row("表扬", c.PraiseNow, c.PraisePrev)
	sh.Row("处分", c.SanctionNow, c.SanctionPrev)

	if sh, err = wb.Sheet("责任追究"); err != nil {
		return err
	}
	head := []any{"单位"}
	for _, k := range app.AccountabilityKinds {
		head = append(head, k.Label)
	}
	sh.Row(append(head, "合计", rep.Previous.Name)...)
	for _, u := range c.Units {
		row := []any{u.Name}
		for _, k := range app.AccountabilityKinds {
			row = append(row, u.ByKind[k.Value])
		}
		sh.Row(append(row, u.Total, u.Prev)...)
	}

	if sh, err = wb.Sheet("责任追究清单"); err != nil {
		return err
	}
	sh.Row("受理编号", "责任单位", "责任人", "类型", "情况")
	for _, r := range c.Records {
		ref := r.Number
		switch {
		case ref == "" && r.Evaluation != "":
			ref = r.Evaluation
		case ref == "" && r.TaskID != 0:
			ref = "整改" + strconv.FormatInt(r.TaskID, 10)
		}
		sh.Row(ref, r.UnitName, r.StaffName, r.Label, r.Detail)
	}

	if sh, err = wb.Sheet("表扬处分"); err != nil {
		return err
	}
	sh.Row("类别", "日期", "类型", "姓名", "单位", "事由", "来源", "来源编号")
	for _, l := range []struct {
		name    string
		entries []app.ReportEntry
	}{{"表扬", c.Praise}, {"处分", c.Sanctions}} {
		for _, e := range l.entries {
			sh.Row(l.name, e.Date.String(), e.TypeLabel, e.Name, e.UnitName, e.Reason, e.SourceLabel, e.SourceRef)
		}
	}
	return nil
}
