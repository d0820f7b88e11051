package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/report"
)

// Exports of the complaint list (CSV or XLSX, the list's filters) and of the statistics
// (XLSX): streamed row by row, identities masked as the list shows them, each audited as
// export with its filters. The API and the desk share them.

// exportParams are the list's parameters, with format and without paging.
var exportParams = append(slices.DeleteFunc(slices.Clone(listParams), func(p string) bool { return p == "cursor" || p == "limit" }), "format")

// auditedFilters describes a request's filters for the audit record: the complainant
// search values, which are identities, stand as ***.
func auditedFilters(r *http.Request) string {
	v := url.Values{}
	for k, xs := range r.URL.Query() {
		if strings.HasPrefix(k, "complainant_") {
			xs = []string{"***"}
		}
		v[k] = xs
	}
	return v.Encode()
}

// exportFormat reads format: csv (the default) or xlsx.
func exportFormat(r *http.Request, allowed ...string) (string, error) {
	f := r.URL.Query().Get("format")
	if f == "" {
		f = allowed[0]
	}
	if !slices.Contains(allowed, f) {
		return "", tousu.Problems{"format": "导出格式应为 " + strings.Join(allowed, " 或 ")}.Err()
	}
	return f, nil
}

// complaintColumns are the export's columns.
var exportColumns = []string{"受理编号", "收到时间", "类型", "渠道", "状态", "投诉人（已遮蔽）", "被投诉单位", "被投诉人", "类别",
	"投诉事项", "投诉请求", "办理期限", "处理结论", "满意度", "办结时间"}

// exportRow is one complaint as the export writes it.
func (s *Server) exportRow(v *app.ComplaintView) []any {
	name := v.Complainant.Name
	if v.Complainant.Anonymous {
		name = "匿名"
	}
	staff := v.Target.StaffName
	if staff != "" && v.Target.Staff != "" {
		staff += "（" + v.Target.Staff + "）"
	}
	finding := ""
	if v.Decision != nil {
		finding = tousu.Findings.Label(v.Decision.Finding)
	}
	var sat any
	if v.Satisfaction > 0 {
		sat = v.Satisfaction
	}
	closed := ""
	if v.ClosedAt != nil {
		closed = v.ClosedAt.In(s.app.Location()).Format("2006-01-02 15:04")
	}
	due := ""
	if !v.DueDate.IsZero() {
		due = v.DueDate.String()
	}
	return []any{v.Number, v.ReceivedAt.In(s.app.Location()).Format("2006-01-02 15:04"), v.KindLabel, v.ChannelLabel,
		v.StatusLabel, name, v.Target.UnitName, staff, strings.Join(v.CategoryLabels, "、"), v.Matter, v.Request,
		due, finding, sat, closed}
}

// streamComplaints writes the export of the list query as format, with the response's
// headers; an error before the first byte is answered as usual.
func (s *Server) streamComplaints(w http.ResponseWriter, r *http.Request, actor tousu.Actor, q app.ListQuery, format string) error {
	if err := app.CanExport(actor); err != nil {
		return err
	}
	name := "投诉件-" + s.app.Today().String()
	var (
		sheet   report.Sheet
		started bool
	)
	start := func() error {
		var err error
		if format == "xlsx" {
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Disposition", attachment(name+".xlsx"))
			sheet, err = report.NewXLSX(w, "投诉件")
		} else {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", attachment(name+".csv"))
			sheet, err = report.NewCSV(w)
		}
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		started = true
		return sheet.Row(stringsAny(exportColumns)...)
	}
	err := s.app.ExportComplaints(r.Context(), actor, q, auditedFilters(r), func(v *app.ComplaintView) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		return sheet.Row(s.exportRow(v)...)
	})
	if err != nil {
		if started {
			// Half a file is sent: all that is left is to cut it short.
			s.log.Error("export", "err", err)
			return nil
		}
		return err
	}
	if !started {
		if err := start(); err != nil {
			return err
		}
	}
	return sheet.Close()
}

func stringsAny(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// attachment is a Content-Disposition naming a file with a Chinese name (RFC 6266).
func attachment(name string) string {
	return `attachment; filename="export` + name[strings.LastIndex(name, "."):] + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// exportComplaints is GET /api/v1/exports/complaints.
func (s *Server) exportComplaints(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, exportParams); err != nil {
		return err
	}
	format, err := exportFormat(r, "csv", "xlsx")
	if err != nil {
		return err
	}
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	return s.streamComplaints(w, r, actor, q, format)
}

// exportStats is GET /api/v1/exports/stats: the figures as XLSX, the total and each group.
func (s *Server) exportStats(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, append(slices.Clone(statsParams), "format")); err != nil {
		return err
	}
	if _, err := exportFormat(r, "xlsx"); err != nil {
		return err
	}
	q, err := statsQuery(r)
	if err != nil {
		return err
	}
	return s.writeStatsXLSX(w, r, actor, q)
}

// statsColumns are the columns of the statistics sheets, one per figure.
var statsXLSXColumns = []string{"名称", "受理量", "咨询（撤回）", "不予受理", "答复量", "按期答复", "按期办结率", "平均办理工作日",
	"处理决定", "属实", "属实率", "评价数", "满意", "满意率", "超期未办结", "重复投诉"}

func figureCells(name string, f app.Figures) []any {
	rate := func(r *float64) any {
		if r == nil {
			return nil
		}
		return *r
	}
	var overdue any
	if f.OverdueOpen != nil {
		overdue = *f.OverdueOpen
	}
	return []any{name, f.Received, f.Consultations, f.NotAccepted, f.Replied, f.RepliedOnTime, rate(f.OnTimeRate),
		rate(f.AvgWorkingDays), f.Decided, f.Founded, rate(f.FoundedRate), f.Rated, f.Satisfied, rate(f.SatisfactionRate),
		overdue, f.Repeat}
}

// writeStatsXLSX writes the figures of q as a workbook: the figures, and the definitions.
func (s *Server) writeStatsXLSX(w http.ResponseWriter, r *http.Request, actor tousu.Actor, q app.StatsQuery) error {
	rep, err := s.app.ExportStats(r.Context(), actor, q, auditedFilters(r))
	if err != nil {
		return err
	}
	wb := report.NewWorkbook()
	sh, err := wb.Sheet("统计")
	if err != nil {
		return err
	}
	sh.Row("统计期间", rep.From.String()+" 至 "+rep.To.String(), "单位", rep.UnitName, "分组", app.StatGroupings.Label(rep.GroupBy))
	sh.Row(stringsAny(statsXLSXColumns)...)
	sh.Row(figureCells("合计", rep.Total)...)
	for _, g := range rep.Groups {
		sh.Row(figureCells(g.Name, g.Figures)...)
	}
	def, err := wb.Sheet("口径说明")
	if err != nil {
		return err
	}
	for _, d := range app.StatDefinitions {
		def.Row(d.Name, d.Field, d.Definition)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", attachment("统计-"+rep.From.String()+"-"+rep.To.String()+".xlsx"))
	w.Header().Set("Cache-Control", "no-store")
	_, err = wb.WriteTo(w)
	return err
}

// deskExport is GET /desk/complaints/export: the inbox's 导出 with its filters.
func (s *Server) deskExport(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	format, err := exportFormat(r, "csv", "xlsx")
	if err != nil {
		return err
	}
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	// The tab's own selection, as the inbox applies it (desk_inbox.go).
	for _, t := range inboxTabs {
		if t.Key == r.URL.Query().Get("tab") && t.Key != "all" {
			q.Statuses, q.Due = t.statuses, t.due
			if t.set != nil {
				t.set(&q)
			}
		}
	}
	return s.streamComplaints(w, r, actor, q, format)
}

// deskStatsExport is GET /desk/stats/export: the dashboard's figures as XLSX.
func (s *Server) deskStatsExport(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v := r.URL.Query()
	from, to, _, err := statsRange(v, s.app.Today())
	if err != nil {
		return err
	}
	return s.writeStatsXLSX(w, r, actor, app.StatsQuery{From: from, To: to, Unit: v.Get("unit"), GroupBy: v.Get("group")})
}
