package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tousu"
)

// statMarks records on c the moments the statistics count (tousu.StatMarks), as an
// action happens: the store derives each complaint's figures from its projection alone,
// so what the projection would forget (a first reply once replied again, a withdrawal
// once archived) is kept here.
func (a *App) statMarks(ref *reference, c *tousu.Complaint, act tousu.Action) {
	m := &c.Handling.Stats
	today := a.Today()
	if m.ReceivedOn.IsZero() {
		m.ReceivedOn = tousu.DateOf(c.ReceivedAt.In(a.loc))
	}
	switch act {
	case tousu.ActWithdraw:
		m.Withdrawn = true
	case tousu.ActReject:
		m.Refused = true
	case tousu.ActDecide:
		m.DecidedOn = today
	case tousu.ActResolve:
		m.DecidedOn = today
	case tousu.ActFeedback:
		m.RatedOn = today
	}
	if (act == tousu.ActReply || act == tousu.ActResolve) && m.FirstReplyOn.IsZero() {
		// The due date as it stood when the reply was given: a later reopening moves it.
		m.FirstReplyOn, m.FirstReplyDue = today, c.Deadline.Due
		m.FirstReplyWorkdays = max(0, ref.cal.WorkdaysBetween(m.ReceivedOn, today))
	}
}

// Figures are the statistics of one group (docs/STATISTICS.md), defined once: the API,
// the dashboard, the reports, the exports and the disclosures all read them from Stats.
// A rate whose denominator is 0 is nil (null), never 0.
//
// A new figure (the 好差评 evaluations' good and bad rates, say) is a counter in
// tousu.StatMeasures that tousu.StatFact.Counts fills, a field here, and a line in
// figuresOf; a new filter on what counts (a complaint confirmed malicious leaving its
// staff's figures) is a condition in tousu.StatFactOf. Nothing else changes: the
// rollups, the backfill and the recount test follow the fact.
type Figures struct {
	Received         int64    `json:"received"`
	Consultations    int64    `json:"consultations"`
	NotAccepted      int64    `json:"not_accepted"`
	Replied          int64    `json:"replied"`
	RepliedOnTime    int64    `json:"replied_on_time"`
	OnTimeRate       *float64 `json:"on_time_rate"`
	AvgWorkingDays   *float64 `json:"avg_working_days"`
	Decided          int64    `json:"decided"`
	Founded          int64    `json:"founded"`
	FoundedRate      *float64 `json:"founded_rate"`
	Rated            int64    `json:"rated"`
	Satisfied        int64    `json:"satisfied"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	// OverdueOpen is nil for a period that does not include today.
	OverdueOpen *int64 `json:"overdue_open"`
	Repeat      int64  `json:"repeat"`
	// The 好差评 figures, for group_by window and staff and their total; absent otherwise.
	*RatingFigures
}

// RatingFigures are the 好差评 figures of a window or staff member in a period
// (evaluations.go): how many ratings counted (upheld appeals left out), 好评率 (4+5)/all,
// 差评率 (1+2)/all and 差评整改率, the bad ratings closed by their due day / the bad ones.
// Ratings are not complaints and have no fact rows: they are counted from their own
// table in one grouped scan (Store.EvaluationStats) and joined to the groups here.
type RatingFigures struct {
	Evaluations         int64    `json:"evaluations"`
	GoodRate            *float64 `json:"good_rate"`
	BadRate             *float64 `json:"bad_rate"`
	RectifiedOnTimeRate *float64 `json:"rectified_on_time_rate"`
	counts              tousu.EvaluationCounts
}

// add counts c in r and works out the rates again.
func (r *RatingFigures) add(c tousu.EvaluationCounts) {
	x := &r.counts
	x.Total += c.Total
	x.Good += c.Good
	x.Bad += c.Bad
	x.OnTime += c.OnTime
	r.Evaluations = int64(x.Total)
	r.GoodRate, r.BadRate = evalRatio(x.Good, x.Total), evalRatio(x.Bad, x.Total)
	r.RectifiedOnTimeRate = evalRatio(x.OnTime, x.Bad)
}

// ratingGroups counts the ratings of the period within unit per group of q.GroupBy
// (window or staff), by the same grouping as the complaints' figures.
func (a *App) ratingGroups(ctx context.Context, ref *reference, q StatsQuery, unit string,
	groupOf func(u, key string, day tousu.Date) string) (map[string]*RatingFigures, *RatingFigures, error) {
	total := &RatingFigures{}
	out := map[string]*RatingFigures{}
	if q.GroupBy != "window" && q.GroupBy != "staff" {
		return out, total, nil
	}
	f := tousu.EvaluationStatsFilter{GroupBy: "window", Units: ref.subtree(unit), From: q.From.Midnight(a.loc),
		To: q.To.AddDays(1).Midnight(a.loc)}
	// The total over every window in scope, ratings naming no staff member included.
	counts, err := a.store.EvaluationStats(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range counts {
		total.add(c)
	}
	if q.GroupBy == "staff" {
		f.GroupBy = "staff"
		if counts, err = a.store.EvaluationStats(ctx, f); err != nil {
			return nil, nil, err
		}
	}
	// Folded into the groups as the complaints' figures are: a window's ratings into the
	// window it is or sits in, a staff member's under the badge, never the reader's own.
	for _, c := range counts {
		g := groupOf(c.Key, c.Key, q.From)
		if g == "" {
			continue
		}
		if out[g] == nil {
			out[g] = &RatingFigures{}
		}
		out[g].add(c)
	}
	return out, total, nil
}

func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	return new(float64(n) / float64(d))
}

// figuresOf turns counters into figures.
func figuresOf(m tousu.StatMeasures, overdue *int64) Figures {
	return Figures{
		Received: m[tousu.MReceived], Consultations: m[tousu.MConsultations], NotAccepted: m[tousu.MNotAccepted],
		Replied: m[tousu.MReplied], RepliedOnTime: m[tousu.MRepliedOnTime],
		OnTimeRate:     ratio(m[tousu.MRepliedOnTime], m[tousu.MReplied]),
		AvgWorkingDays: ratio(m[tousu.MReplyWorkdays], m[tousu.MReplied]),
		Decided:        m[tousu.MDecided], Founded: m[tousu.MFounded], FoundedRate: ratio(m[tousu.MFounded], m[tousu.MDecided]),
		Rated: m[tousu.MRated], Satisfied: m[tousu.MSatisfied], SatisfactionRate: ratio(m[tousu.MSatisfied], m[tousu.MRated]),
		OverdueOpen: overdue, Repeat: m[tousu.MRepeat],
	}
}

// StatGroup is one group of a StatsReport.
type StatGroup struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Figures
}

// StatsReport is the answer of Stats (GET /api/v1/stats).
type StatsReport struct {
	From     tousu.Date  `json:"from"`
	To       tousu.Date  `json:"to"`
	Unit     string      `json:"unit"`
	UnitName string      `json:"unit_name"`
	GroupBy  string      `json:"group_by"`
	Total    Figures     `json:"total"`
	Groups   []StatGroup `json:"groups"`
}

// StatsQuery asks for the figures of a period, within a unit's subtree, grouped.
type StatsQuery struct {
	From, To tousu.Date
	Unit     string // "" for the actor's own unit
	GroupBy  string // "", unit, window, staff, category, channel, kind, month, week
}

// StatGroupings are the values of group_by, with their Chinese names.
var StatGroupings = tousu.Vocabulary[string]{
	{Value: "unit", Label: "下级单位"}, {Value: "window", Label: "窗口"}, {Value: "staff", Label: "工作人员"}, {Value: "category", Label: "投诉类别"},
	{Value: "channel", Label: "受理渠道"}, {Value: "kind", Label: "类型"}, {Value: "month", Label: "月份"}, {Value: "week", Label: "周"},
}

// MaxStatDays bounds a period: ten years of days.
const MaxStatDays = 3700

// CanSeeStats reports, as an error, whether the actor may read statistics: the staff
// roles that read complaints, within their unit's subtree.
func CanSeeStats(actor tousu.Actor) error { return requireRole(actor, caseReaders...) }

// Stats computes the figures of q for the actor: from the rollups (and, for overdue_open,
// the open cases now), within the actor's subtree. Groups by staff leave out the actor's
// own badges (recusal: nobody reads figures about complaints against themselves), and are
// keyed only by the staff complained about, never by a complainant who is staff too.
func (a *App) Stats(ctx context.Context, actor tousu.Actor, q StatsQuery) (*StatsReport, error) {
	if err := CanSeeStats(actor); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	pr := tousu.Problems{}
	if q.From.IsZero() {
		pr.Add("from", "请填写起始日期")
	}
	if q.To.IsZero() {
		pr.Add("to", "请填写截止日期")
	}
	if !q.From.IsZero() && !q.To.IsZero() {
		if q.To.Before(q.From) {
			pr.Add("to", "截止日期不能早于起始日期")
		} else if q.From.DaysUntil(q.To) > MaxStatDays {
			pr.Add("to", "统计期间不能超过十年")
		}
	}
	if q.GroupBy != "" && !StatGroupings.Valid(q.GroupBy) {
		pr.Add("group_by", "分组方式应为 unit、window、staff、category、channel、kind、month 或 week")
	}
	top := actor.Unit
	if top == "" {
		top = ref.rootCode()
	}
	unit := q.Unit
	if unit == "" {
		unit = top
	} else if _, ok := ref.unitByCode[unit]; !ok {
		pr.Add("unit", "没有这个单位")
	} else if !ref.isRoot(actor.Unit) && !ref.within(unit, top) {
		pr.Add("unit", "该单位不在您的管理范围之内")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	rep := &StatsReport{From: q.From, To: q.To, Unit: unit, UnitName: ref.unitName(unit), GroupBy: q.GroupBy, Groups: []StatGroup{}}
	inScope := func(u string) bool { return ref.within(u, unit) }

	// The group a fact's unit, key and day fall in; "" leaves it out of the groups.
	dim := ""
	switch q.GroupBy {
	case "staff", "category", "channel", "kind":
		dim = q.GroupBy
	}
	groupOf := func(u, key string, day tousu.Date) string {
		switch q.GroupBy {
		case "unit":
			if u == unit {
				return u
			}
			for _, ch := range ref.children[unit] {
				if ref.within(u, ch) {
					return ch
				}
			}
		case "window":
			for code := u; code != "" && ref.within(code, unit); code = ref.unitByCode[code].Parent {
				if ref.unitByCode[code].Kind == tousu.UnitWindow {
					return code
				}
			}
		case "month":
			return fmt.Sprintf("%04d-%02d", day.Year, day.Month)
		case "week":
			return weekKey(day)
		case "staff":
			if actor.IsTarget(key) {
				return ""
			}
			return key
		case "category", "channel", "kind":
			return key
		}
		return ""
	}

	var total tousu.StatMeasures
	groups := map[string]*tousu.StatMeasures{}
	addTo := func(g string, m tousu.StatMeasures) {
		if g == "" {
			return
		}
		t := groups[g]
		if t == nil {
			t = new(tousu.StatMeasures)
			groups[g] = t
		}
		for i, v := range m {
			t[i] += v
		}
	}
	// The rollups count each complaint under its unit and every unit above it: the
	// scope's figures are the rows of unit itself, a child's are the child's rows, and
	// the unit's own level (本级) is what its children's rows leave over.
	byDay := q.GroupBy == "month" || q.GroupBy == "week"
	sum := tousu.StatSum{Dim: "", From: q.From, To: q.To, ByDay: byDay, DaysOnly: q.GroupBy == "week", Units: []string{unit}}
	rows, err := a.store.SumStats(ctx, sum)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		for i, v := range r.Measures {
			total[i] += v
		}
		if byDay {
			addTo(groupOf("", "", r.Day), r.Measures)
		}
	}
	switch q.GroupBy {
	case "unit", "window":
		var units []string
		if q.GroupBy == "unit" {
			units = ref.children[unit]
		} else {
			for _, u := range ref.subtree(unit) {
				if ref.unitByCode[u].Kind == tousu.UnitWindow {
					units = append(units, u)
				}
			}
		}
		if len(units) > 0 {
			rows, err := a.store.SumStats(ctx, tousu.StatSum{Dim: "", From: q.From, To: q.To, Units: units, ByUnit: true})
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				addTo(r.Unit, r.Measures)
			}
		}
		if q.GroupBy == "unit" {
			own := total
			for _, ch := range units {
				if m := groups[ch]; m != nil {
					for i, v := range m {
						own[i] -= v
					}
				}
			}
			if own != (tousu.StatMeasures{}) {
				addTo(unit, own)
			}
		}
	case "staff", "category", "channel", "kind":
		rows, err := a.store.SumStats(ctx, tousu.StatSum{Dim: dim, From: q.From, To: q.To, Units: []string{unit}})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			addTo(groupOf(r.Unit, r.Key, r.Day), r.Measures)
		}
	}

	// overdue_open: the cases open now and past due, when the period includes today.
	today := a.Today()
	var overdue map[string]int64
	var overdueTotal *int64
	if !today.Before(q.From) && !today.After(q.To) {
		facts, err := a.store.OverdueOpen(ctx, today)
		if err != nil {
			return nil, err
		}
		overdue = map[string]int64{}
		var n int64
		for _, f := range facts {
			if !inScope(f.Unit) {
				continue
			}
			n++
			seen := map[string]bool{}
			for _, k := range f.Keys(dim) {
				if g := groupOf(f.Unit, k, today); g != "" && !seen[g] {
					seen[g] = true
					overdue[g]++
					if groups[g] == nil {
						groups[g] = new(tousu.StatMeasures)
					}
				}
			}
		}
		overdueTotal = &n
	}
	rep.Total = figuresOf(total, overdueTotal)
	ratings, ratingTotal, err := a.ratingGroups(ctx, ref, q, unit, groupOf)
	if err != nil {
		return nil, err
	}
	if q.GroupBy == "window" || q.GroupBy == "staff" {
		rep.Total.RatingFigures = ratingTotal
		for g := range ratings {
			if groups[g] == nil {
				groups[g] = new(tousu.StatMeasures) // rated, though never complained about
			}
		}
	}

	// Months and weeks show every one of the period, counted or not: a trend has no gaps.
	if byDay {
		for d := q.From; !d.After(q.To); d = d.AddDays(1) {
			if g := groupOf("", "", d); groups[g] == nil {
				groups[g] = new(tousu.StatMeasures)
			}
		}
	}
	if q.GroupBy == "unit" {
		for _, ch := range ref.children[unit] {
			if groups[ch] == nil {
				groups[ch] = new(tousu.StatMeasures)
			}
		}
	}
	staffNames := map[string]string{}
	if q.GroupBy == "staff" && len(groups) > 0 {
		all, err := a.store.ListStaff(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			staffNames[s.Badge] = s.Name
		}
	}
	for g, m := range groups {
		var od *int64
		if overdue != nil {
			od = new(overdue[g])
		}
		sg := StatGroup{Key: g, Name: g, Figures: figuresOf(*m, od)}
		if q.GroupBy == "window" || q.GroupBy == "staff" {
			sg.RatingFigures = ratings[g]
			if sg.RatingFigures == nil {
				sg.RatingFigures = &RatingFigures{}
			}
		}
		switch q.GroupBy {
		case "unit", "window":
			sg.Name = ref.unitName(g)
			if g == unit && q.GroupBy == "unit" {
				sg.Name += "（本级）"
			}
		case "staff":
			if n := staffNames[g]; n != "" {
				sg.Name = n + "（" + g + "）"
			}
		case "category":
			if c, ok := ref.catByCode[g]; ok {
				sg.Name = c.Name
			}
		case "channel":
			sg.Name = tousu.Channels.Label(tousu.Channel(g))
		case "kind":
			sg.Name = tousu.Kinds.Label(tousu.Kind(g))
		case "week":
			sg.Name = g + " 周"
		}
		rep.Groups = append(rep.Groups, sg)
	}
	order := map[string]int{}
	for i, u := range ref.units {
		order[u.Code] = i
	}
	slices.SortFunc(rep.Groups, func(x, y StatGroup) int {
		switch q.GroupBy {
		case "month", "week":
			return strings.Compare(x.Key, y.Key)
		case "unit", "window":
			if x.Key == unit {
				return -1
			}
			if y.Key == unit {
				return 1
			}
			return cmp.Compare(order[x.Key], order[y.Key])
		}
		return cmp.Or(cmp.Compare(y.Received, x.Received), strings.Compare(x.Key, y.Key))
	})
	return rep, nil
}

// weekKey names the week (Monday to Sunday) of d by its Monday, e.g. 2026-11-23.
func weekKey(d tousu.Date) string {
	back := (int(d.Weekday()) + 6) % 7
	return d.AddDays(-back).String()
}

// statFilter turns a list query naming a figure into the drill-down of that figure: the
// complaints it counted in the period from…to, of the unit's subtree by the statistics'
// own unit (StatFact.Unit), so that the list holds exactly what the figure counted.
func statFilter(ref *reference, q ListQuery, f *tousu.ComplaintFilter, p tousu.Problems) {
	if q.Figure == "" {
		return
	}
	if !slices.Contains(tousu.StatFigures, q.Figure) {
		p.Add("figure", "应为 "+strings.Join(tousu.StatFigures, "、")+" 之一")
		return
	}
	f.Stat = &tousu.StatFilter{Figure: q.Figure, From: q.From, To: q.To}
	f.From, f.To = time.Time{}, time.Time{}
	if q.Unit != "" && f.Units != nil {
		f.Stat.Units, f.Units = f.Units, nil
	}
}

// StatDefinition is one figure's definition (口径), shown on the dashboard, the reports
// and the disclosures, and written in docs/STATISTICS.md.
type StatDefinition struct {
	Field, Name, Definition string
}

// StatDefinitions are the definitions of the figures, in the order of Figures.
var StatDefinitions = []StatDefinition{
	{"received", "受理量", "统计期间内收到的投诉件（按收到日期），不含撤回件；不予受理、并案的件也计入。"},
	{"consultations", "咨询量", "统计期间内收到、后经解释撤回的件，按咨询计，不计入受理量。"},
	{"not_accepted", "不予受理", "受理量中决定不予受理的件。"},
	{"replied", "答复量", "首次答复（答复或现场协调办结）在统计期间内的件；重办后的再次答复不重复计。"},
	{"replied_on_time", "按期答复", "答复量中，首次答复日不晚于当时办理期限（含经批准的延期）的件。"},
	{"on_time_rate", "按期办结率", "按期答复 ÷ 答复量；答复量为 0 时不计算（显示“—”）。"},
	{"avg_working_days", "平均办理工作日", "答复量中各件自收到日至首次答复日的工作日数的平均值（收到当日不计）。"},
	{"decided", "处理决定", "处理决定（含现场协调办结）在统计期间内、结论不是“不适用（意见建议）”的件；按最近一次决定计。"},
	{"founded", "属实", "处理决定中结论为属实或部分属实的件；属实率 = 属实 ÷ 处理决定。"},
	{"rated", "评价数", "统计期间内投诉人给出满意度评价的件（按最近一次评价计）；满意 = 非常满意、满意（4–5 级）；满意率 = 满意 ÷ 评价数。"},
	{"overdue_open", "超期未办结", "现在仍在办理、计时未中止且已过办理期限的件；只在统计期间包含今天时给出。"},
	{"repeat", "重复投诉", "受理量中，与同一投诉人（电话或身份证号一致）更早的投诉件、或被并入其他件的投诉件。"},
}

// Period is a reporting period: a month (2026-11), a quarter (2026-Q4) or a year (2026).
type Period struct {
	Key      string     `json:"period"`
	Name     string     `json:"name"` // 2026年11月, 2026年第四季度, 2026年
	Kind     string     `json:"kind"` // month, quarter, year
	From, To tousu.Date `json:"-"`
}

// ParsePeriod reads a period's key.
func ParsePeriod(s string) (Period, error) {
	bad := tousu.Problems{"period": "期间应为 2026-11（月）、2026-Q4（季度）或 2026（年）"}.Err()
	var y, n int
	switch {
	case len(s) == 4:
		if _, err := fmt.Sscanf(s, "%4d", &y); err != nil || y < 2000 || y > 2100 {
			return Period{}, bad
		}
		return Period{Key: s, Name: fmt.Sprintf("%d年", y), Kind: "year",
			From: tousu.Date{Year: y, Month: 1, Day: 1}, To: tousu.Date{Year: y, Month: 12, Day: 31}}, nil
	case len(s) == 7 && s[4:6] == "-Q":
		if _, err := fmt.Sscanf(s, "%4d-Q%1d", &y, &n); err != nil || y < 2000 || y > 2100 || n < 1 || n > 4 {
			return Period{}, bad
		}
		from := tousu.Date{Year: y, Month: time.Month(3*n - 2), Day: 1}
		return Period{Key: s, Name: fmt.Sprintf("%d年第%s季度", y, []string{"一", "二", "三", "四"}[n-1]), Kind: "quarter",
			From: from, To: monthEnd(from.Year, from.Month+2)}, nil
	case len(s) == 7 && s[4] == '-':
		if _, err := fmt.Sscanf(s, "%4d-%2d", &y, &n); err != nil || y < 2000 || y > 2100 || n < 1 || n > 12 {
			return Period{}, bad
		}
		return Period{Key: s, Name: fmt.Sprintf("%d年%d月", y, n), Kind: "month",
			From: tousu.Date{Year: y, Month: time.Month(n), Day: 1}, To: monthEnd(y, time.Month(n))}, nil
	}
	return Period{}, bad
}

// Previous is the period before p of the same kind.
func (p Period) Previous() Period {
	var key string
	switch p.Kind {
	case "year":
		key = fmt.Sprintf("%d", p.From.Year-1)
	case "quarter":
		d := p.From.AddDays(-1)
		key = fmt.Sprintf("%d-Q%d", d.Year, (int(d.Month)+2)/3)
	default:
		d := p.From.AddDays(-1)
		key = fmt.Sprintf("%d-%02d", d.Year, d.Month)
	}
	prev, _ := ParsePeriod(key)
	return prev
}

// PeriodOf is the period of the kind (month, quarter, year) holding day d.
func PeriodOf(kind string, d tousu.Date) Period {
	key := fmt.Sprintf("%d-%02d", d.Year, d.Month)
	switch kind {
	case "year":
		key = fmt.Sprintf("%d", d.Year)
	case "quarter":
		key = fmt.Sprintf("%d-Q%d", d.Year, (int(d.Month)+2)/3)
	}
	p, _ := ParsePeriod(key)
	return p
}

// monthEnd is the last day of month m of year y (m may run past 12).
func monthEnd(y int, m time.Month) tousu.Date {
	return tousu.DateOf(time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1))
}

// PreviousRange is the range of the same length just before [from, to]: whole months
// shift by months (a month's previous is the month before, whatever its length), other
// ranges by days.
func PreviousRange(from, to tousu.Date) (tousu.Date, tousu.Date) {
	if from.Day == 1 && to.AddDays(1).Day == 1 {
		months := (to.Year-from.Year)*12 + int(to.Month) - int(from.Month) + 1
		pf := tousu.DateOf(time.Date(from.Year, from.Month-time.Month(months), 1, 0, 0, 0, 0, time.UTC))
		return pf, from.AddDays(-1)
	}
	n := from.DaysUntil(to) + 1
	return from.AddDays(-n), from.AddDays(-1)
}
