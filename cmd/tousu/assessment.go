package main

import (
	"context"
	"encoding/csv"
	"strconv"

	"tousu"
	"tousu/internal/app"
)

// assessment prints a month's assessment (考核) as CSV, windows then staff, best first:
// for the monthly report, opened in Excel (hence the UTF-8 BOM).
func (m *Main) assessment(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("assessment", &cfg)
	month := fs.String("month", "", "the month, YYYY-MM (default: last month)")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	as, err := e.app.AssessMonth(ctx, tousu.SystemActor, *month)
	if err != nil {
		return err
	}
	if _, err := m.Stdout.Write([]byte("\ufeff")); err != nil {
		return err
	}
	w := csv.NewWriter(m.Stdout)
	w.Write([]string{"月份", "类别", "编码", "名称", "得分", "属实投诉", "投诉", "督查", "督查平均得分率", "不合格项", "责任追究", "表扬", "处理", "样本"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	for _, g := range []struct {
		kind   string
		scores []app.Score
	}{{"窗口", as.Units}, {"工作人员", as.Staff}} {
		for _, s := range g.scores {
			w.Write([]string{as.Month, g.kind, s.Code, s.Name, f(s.Score), strconv.Itoa(s.Founded), strconv.Itoa(s.Complaints),
				strconv.Itoa(s.Inspections), f(s.InspectionAvg), strconv.Itoa(s.FailedItems), strconv.Itoa(s.Accountability),
				strconv.Itoa(s.Praise), strconv.Itoa(s.Sanctions), strconv.Itoa(s.Sample)})
		}
	}
	w.Flush()
	return w.Error()
}
