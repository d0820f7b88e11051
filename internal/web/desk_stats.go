package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/report"
)

// The statistics dashboard (/desk/stats): the figures of app.Stats for a period and a
// unit, beside the previous period, a monthly trend and the breakdowns, each figure a
// link to the list of the complaints behind it (the inbox's figure filter). Charts are
// SVG drawn here, each with its table; the page prints on A4 in black and white.

// statsPeriods are the dashboard's period choices.
var statsPeriods = []deskOption{{"month", "本月"}, {"last_month", "上月"}, {"quarter", "本季度"}, {"year", "本年"}, {"custom", "自定义"}}

// statsBreakdowns are the dashboard's breakdowns.
var statsBreakdowns = []deskOption{{"unit", "按单位"}, {"window", "按窗口"}, {"staff", "按人员"}, {"category", "按类别"}, {"channel", "按渠道"}}

// statCell is one figure as the page shows it: its text and the list behind it.
type statCell struct {
	Text string
	URL  string // "" when no list stands behind it
}

// kpiView is one headline figure with the previous period's beside it.
type kpiView struct {
	Label string
	Now   statCell
	Prev  statCell
}

// statsRowView is one group of a breakdown or one month of the trend.
type statsRowView struct {
	Name  string
	Cells []statCell
}

// statsPage is the view model of /desk/stats.
type statsPage struct {
	Common
	Period, From, To string
	PeriodLabel      string
	PrevLabel        string
	Unit             string
	Group            string
	Periods, Units   []deskOption
	Breakdowns       []deskOption
	Notice           string
	KPIs             []kpiView
	Columns          []string // the breakdown and trend tables' figure columns
	// BreakdownColumns are Columns, and by window or staff the 好差评 figures after them.
	BreakdownColumns []string
	TrendChart       template.HTML
	Trend            []statsRowView
	BreakdownChart   template.HTML
	Breakdown        []statsRowView
	BreakdownName    string
	Definitions      []app.StatDefinition
	ReportURL        string
	ExportURL        string
}

// statColumns are the figures of the tables, with the list each links to.
var statColumns = []struct {
	Label, Figure string
	value         func(f app.Figures) string
}{
	{"受理", "received", func(f app.Figures) string { return strconv.FormatInt(f.Received, 10) }},
	{"答复", "replied", func(f app.Figures) string { return strconv.FormatInt(f.Replied, 10) }},
	{"按期办结率", "replied_on_time", func(f app.Figures) string { return pct(f.OnTimeRate) }},
	{"平均工作日", "replied", func(f app.Figures) string { return num(f.AvgWorkingDays) }},
	{"属实率", "founded", func(f app.Figures) string { return pct(f.FoundedRate) }},
	{"满意率", "satisfied", func(f app.Figures) string { return pct(f.SatisfactionRate) }},
	{"超期未办结", "overdue", func(f app.Figures) string { return count(f.OverdueOpen) }},
	{"重复投诉", "repeat", func(f app.Figures) string { return strconv.FormatInt(f.Repeat, 10) }},
}

func pct(r *float64) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(*r*100, 'f', 1, 64) + "%"
}

func num(r *float64) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(*r, 'f', 1, 64)
}

func count(n *int64) string {
	if n == nil {
		return "—"
	}
	return strconv.FormatInt(*n, 10)
}

// drillURL is the inbox list of the complaints behind a figure: those it counted in
// [from, to] within unit, narrowed by a group's filter (name=value).
func drillURL(figure string, from, to tousu.Date, unit string, group ...string) string {
	q := url.Values{"tab": {"all"}}
	if figure == "overdue" {
		q = url.Values{"tab": {"overdue"}}
	} else {
		q.Set("figure", figure)
		q.Set("from", from.String())
		q.Set("to", to.String())
	}
	if unit != "" {
		q.Set("unit", unit)
	}
	for i := 0; i+1 < len(group); i += 2 {
		q.Set(group[i], group[i+1])
	}
	return "/desk/?" + q.Encode()
}

// statsRange is the period the dashboard's form asks for, relative to today.
func statsRange(v url.Values, today tousu.Date) (from, to tousu.Date, label string, err error) {
	switch v.Get("period") {
	case "", "month":
		p := app.PeriodOf("month", today)
		return p.From, p.To, p.Name, nil
	case "last_month":
		p := app.PeriodOf("month", today).Previous()
		return p.From, p.To, p.Name, nil
	case "quarter":
		p := app.PeriodOf("quarter", today)
		return p.From, p.To, p.Name, nil
	case "year":
		p := app.PeriodOf("year", today)
		return p.From, p.To, p.Name, nil
	case "custom":
		pr := tousu.Problems{}
		for _, f := range []struct {
			name string
			dst  *tousu.Date
		}{{"from", &from}, {"to", &to}} {
			d, err := tousu.ParseDate(v.Get(f.name))
			if err != nil {
				pr.Add(f.name, tousu.DateProblem(err))
			}
			*f.dst = d
		}
		return from, to, from.String() + " 至 " + to.String(), pr.Err()
	}
	return from, to, "", tousu.Problems{"period": "没有这个期间选项"}.Err()
}

// statsDashboard is GET /desk/stats.
func (s *Server) statsDashboard(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanSeeStats(actor); err != nil {
		return err
	}
	ctx := r.Context()
	v := r.URL.Query()
	vm := statsPage{Common: s.deskView(r, actor, "统计分析"), Period: v.Get("period"), Unit: v.Get("unit"),
		Group: v.Get("group"), Periods: statsPeriods, Breakdowns: statsBreakdowns, Definitions: app.StatDefinitions}
	if vm.Period == "" {
		vm.Period = "month"
	}
	if vm.Group == "" {
		vm.Group = "unit"
	}
	valid := false
	for _, b := range statsBreakdowns {
		if b.Value == vm.Group {
			valid, vm.BreakdownName = true, b.Label
		}
	}
	if !valid {
		vm.Notice, vm.Group, vm.BreakdownName = "没有这种分组方式，已按单位显示。", "unit", "按单位"
	}
	today := s.app.Today()
	from, to, label, err := statsRange(v, today)
	if err != nil {
		vm.Notice += "统计期间有误：" + describeFields(err) + "；已显示本月。"
		vm.Period = "month"
		from, to, label, _ = statsRange(url.Values{}, today)
	}
	vm.From, vm.To, vm.PeriodLabel = from.String(), to.String(), label
	q := app.StatsQuery{From: from, To: to, Unit: vm.Unit, GroupBy: vm.Group}
	cur, err := s.app.Stats(ctx, actor, q)
	if tousu.IsKind(err, tousu.KindInvalid) {
		vm.Notice += "筛选条件有误：" + describeFields(err) + "。"
		q.Unit, vm.Unit = "", ""
		cur, err = s.app.Stats(ctx, actor, q)
	}
	if err != nil {
		return err
	}
	unit := cur.Unit
	pf, pt := app.PreviousRange(from, to)
	vm.PrevLabel = pf.String() + " 至 " + pt.String()
	prev, err := s.app.Stats(ctx, actor, app.StatsQuery{From: pf, To: pt, Unit: q.Unit})
	if err != nil {
		return err
	}
	kpi := func(label, figure string, now, before string) kpiView {
		k := kpiView{Label: label, Now: statCell{Text: now}, Prev: statCell{Text: before}}
		if figure != "" {
			k.Now.URL = drillURL(figure, from, to, unit)
			if figure != "overdue" {
				k.Prev.URL = drillURL(figure, pf, pt, unit)
			}
		}
		return k
	}
	n, p := cur.Total, prev.Total
	i64 := func(x int64) string { return strconv.FormatInt(x, 10) }
	vm.KPIs = []kpiView{
		kpi("受理量", "received", i64(n.Received), i64(p.Received)),
		kpi("咨询（撤回）", "consultations", i64(n.Consultations), i64(p.Consultations)),
		kpi("不予受理", "not_accepted", i64(n.NotAccepted), i64(p.NotAccepted)),
		kpi("答复量", "replied", i64(n.Replied), i64(p.Replied)),
		kpi("按期办结率", "replied_on_time", pct(n.OnTimeRate), pct(p.OnTimeRate)),
		kpi("平均办理工作日", "replied", num(n.AvgWorkingDays), num(p.AvgWorkingDays)),
		kpi("属实率", "founded", pct(n.FoundedRate), pct(p.FoundedRate)),
		kpi("满意率", "satisfied", pct(n.SatisfactionRate), pct(p.SatisfactionRate)),
		kpi("超期未办结", "overdue", count(n.OverdueOpen), "—"),
		kpi("重复投诉", "repeat", i64(n.Repeat), i64(p.Repeat)),
	}
	for _, c := range statColumns {
		vm.Columns = append(vm.Columns, c.Label)
	}
	rated := vm.Group == "window" || vm.Group == "staff"
	vm.BreakdownColumns = vm.Columns
	if rated {
		vm.BreakdownColumns = append(append([]string(nil), vm.Columns...), "评价数", "好评率", "差评率", "差评整改率")
	}

	// The trend: the twelve months up to the period's end.
	tf := tousu.MonthOf(to)
	for range 11 {
		tf = tousu.MonthOf(tf.AddDays(-1))
	}
	trend, err := s.app.Stats(ctx, actor, app.StatsQuery{From: tf, To: to, Unit: unit, GroupBy: "month"})
	if err != nil {
		return err
	}
	var tbars []report.Bar
	for _, g := range trend.Groups {
		m, _ := app.ParsePeriod(g.Key)
		mt := m.To
		if mt.After(to) {
			mt = to
		}
		row := statsRowView{Name: m.Name}
		for _, c := range statColumns {
			row.Cells = append(row.Cells, statCell{Text: c.value(g.Figures), URL: drillURL(c.Figure, m.From, mt, unit)})
		}
		vm.Trend = append(vm.Trend, row)
		tbars = append(tbars, report.Bar{Label: fmt.Sprintf("%d月", m.From.Month), Value: float64(g.Received)})
	}
	vm.TrendChart = template.HTML(report.Columns("近12个月受理量", tbars))

	// The breakdown.
	var bbars []report.Bar
	for _, g := range cur.Groups {
		row := statsRowView{Name: g.Name}
		for _, c := range statColumns {
			var u string
			var narrow []string
			switch vm.Group {
			case "unit", "window":
				u = g.Key
			case "staff":
				u, narrow = unit, []string{"staff", g.Key}
			default:
				u, narrow = unit, []string{vm.Group, g.Key}
			}
			cell := statCell{Text: c.value(g.Figures), URL: drillURL(c.Figure, from, to, u, narrow...)}
			if vm.Group == "unit" && g.Key == unit {
				// The unit's own level: its subtree would include the other rows.
				cell.URL = ""
			}
			row.Cells = append(row.Cells, cell)
		}
		if r := g.RatingFigures; rated && r != nil {
			// The ratings behind the figures: the 好差评 list of the window or staff member.
			list := "/desk/evaluations?" + url.Values{"tab": {"all"}, vm.Group: {g.Key}, "from": {from.String()}, "to": {to.String()}}.Encode()
			row.Cells = append(row.Cells, statCell{Text: strconv.FormatInt(r.Evaluations, 10), URL: list},
				statCell{Text: pct(r.GoodRate)}, statCell{Text: pct(r.BadRate)}, statCell{Text: pct(r.RectifiedOnTimeRate)})
		}
		vm.Breakdown = append(vm.Breakdown, row)
		bbars = append(bbars, report.Bar{Label: g.Name, Value: float64(g.Received)})
	}
	vm.BreakdownChart = template.HTML(report.HBar(vm.BreakdownName+"受理量", bbars))

	units, err := s.app.Units(ctx)
	if err != nil {
		return err
	}
	vm.Units = unitOptions(units)
	vm.Unit = unit
	vm.ExportURL = "/desk/stats/export?" + url.Values{"period": {vm.Period}, "from": {vm.From}, "to": {vm.To},
		"unit": {unit}, "group": {vm.Group}}.Encode()
	vm.ReportURL = "/desk/reports?" + url.Values{"period": {app.PeriodOf("month", from).Key}, "unit": {unit}}.Encode()
	return s.render(w, r, http.StatusOK, "desk/stats", vm)
}

// leaderOnly reports whether the actor reads cases only as a leader: its desk opens on
// the statistics rather than on the lists.
func leaderOnly(actor tousu.Actor) bool {
	if !actor.Has(tousu.RoleLeader) {
		return false
	}
	for _, r := range []tousu.Role{tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleHandler, tousu.RoleInspector} {
		if actor.Has(r) {
			return false
		}
	}
	return true
}

// figureLabels name the figures a list may be narrowed to (the figure filter).
var figureLabels = map[string]string{"received": "受理量", "consultations": "咨询（撤回）", "not_accepted": "不予受理",
	"repeat": "重复投诉", "replied": "答复量", "replied_on_time": "按期答复", "replied_late": "逾期答复",
	"decided": "处理决定", "founded": "属实", "rated": "评价", "satisfied": "满意"}
