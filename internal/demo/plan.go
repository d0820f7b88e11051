package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/workday"
)

// A plan is one demo complaint decided in advance: when it came in, what it says, and
// how far through the lifecycle it has gone by now. Plans are a pure function of the
// seed, the clock and the calendar, so that the content is deterministic.

type path int

const (
	pathCase     path = iota // accept (case or opinion), assign, sign, investigate, decide, reply…
	pathOnsite               // accept as on-site coordination, resolve at once
	pathReject               // not accepted
	pathWithdraw             // withdrawn after an explanation
	pathMerge                // a duplicate merged into an earlier complaint
)

type special int

const (
	notSpecial  special = iota
	aboutHeadRS         // about the 人社局 head, who holds the handler-rs account (recusal)
	aboutClerk          // about the clerk's own badge (recusal)
)

type plan struct {
	worker  tousu.Actor // the handler who signed for the case, who reports its result
	at      time.Time
	last    time.Time // when the last act on it happened (the loader's clock)
	age     float64   // days before now
	channel tousu.Channel
	stage   tousu.Status
	path    path
	special special

	kind      tousu.Kind
	cat       string
	story     story
	dept      *department
	win       *window
	staff     string // badge of the target, if named
	anonymous bool
	reject    *rejectStory
	note      string // withdrawal note
	incident  time.Time
	vars      map[string]string

	finding       tousu.Finding
	adopted       bool
	reopen        int // 0 none; 1 by dissatisfied feedback; 2 reopened after closing
	suspendResume bool
	returned      bool
	urge          bool
	extendHist    bool
	leaveOverdue  bool
	acceptFirst   bool
	methods       []tousu.Method // investigation steps taken, for the reply
	into          *plan          // the surviving complaint, for pathMerge

	in     tousu.Register
	number string
	view   *app.ComplaintView
}

type planner struct {
	r   *rand.Rand
	now time.Time
	cal *workday.Calendar
}

// channelWeights are how complaints come in; every channel appears at least once.
var channelWeights = []struct {
	ch tousu.Channel
	w  int
}{
	{tousu.ChannelVisit, 24}, {tousu.ChannelPhone, 12}, {tousu.ChannelHotline, 20}, {tousu.ChannelWeb, 8},
	{tousu.ChannelWechat, 9}, {tousu.ChannelKiosk, 3}, {tousu.ChannelEmail, 3}, {tousu.ChannelLetter, 3},
	{tousu.ChannelBox, 5}, {tousu.ChannelCommentBook, 3}, {tousu.ChannelEvaluation, 4},
	{tousu.ChannelSuperior, 3}, {tousu.ChannelLeader, 2}, {tousu.ChannelMedia, 1},
}

// officeChannel reports whether complaints on ch arrive only in office hours on working
// days: at the counter, from the boxes and books, by post and from other bodies.
func officeChannel(ch tousu.Channel) bool {
	switch ch {
	case tousu.ChannelHotline, tousu.ChannelWeb, tousu.ChannelWechat, tousu.ChannelEmail:
		return false
	}
	return true
}

// stageWeights give the status reached by complaints of each age bucket: [0,2), [2,7),
// [7,21), [21,45) and [45,90] days.
var stageWeights = []struct {
	s tousu.Status
	w [5]int
}{
	{tousu.StatusRegistered, [5]int{40, 4, 0, 0, 0}},
	{tousu.StatusAccepted, [5]int{14, 6, 1, 0, 0}},
	{tousu.StatusAssigned, [5]int{14, 14, 3, 0, 0}},
	{tousu.StatusInProgress, [5]int{10, 28, 20, 4, 1}},
	{tousu.StatusSuspended, [5]int{0, 2, 4, 3, 1}},
	{tousu.StatusReported, [5]int{0, 4, 5, 1, 0}},
	{tousu.StatusDecided, [5]int{0, 7, 8, 2, 0}},
	{tousu.StatusReplied, [5]int{3, 10, 14, 4, 0}},
	{tousu.StatusClosed, [5]int{5, 12, 32, 50, 28}},
	{tousu.StatusArchived, [5]int{0, 0, 0, 22, 58}},
	{tousu.StatusNotAccepted, [5]int{5, 6, 6, 5, 4}},
	{tousu.StatusWithdrawn, [5]int{7, 6, 5, 3, 2}},
}

// stageAges are the ages (days) at which a status is natural, used to make sure every
// status appears.
var stageAges = map[tousu.Status][2]float64{
	tousu.StatusRegistered: {0, 2}, tousu.StatusAccepted: {0, 3}, tousu.StatusAssigned: {0.5, 7},
	tousu.StatusInProgress: {1, 20}, tousu.StatusSuspended: {5, 40}, tousu.StatusDecided: {2, 15}, tousu.StatusReported: {2, 15},
	tousu.StatusReplied: {2, 20}, tousu.StatusClosed: {5, 60}, tousu.StatusArchived: {30, 91},
	tousu.StatusNotAccepted: {0, 91}, tousu.StatusWithdrawn: {0, 91},
}

func bucket(age float64) int {
	switch {
	case age < 2:
		return 0
	case age < 7:
		return 1
	case age < 21:
		return 2
	case age < 45:
		return 3
	}
	return 4
}

var categoryWeights = map[tousu.Kind][]struct {
	cat string
	w   int
}{
	tousu.KindComplaint: {{"attitude", 22}, {"efficiency", 14}, {"competence", 8}, {"facilities", 8}, {"process", 6},
		{"refusal", 4}, {"unlawful_approval", 1}, {"overdue", 8}, {"notification", 12}, {"fees", 3}, {"one_door", 4},
		{"integrity", 2}, {"other", 5}},
	tousu.KindReport: {{"integrity", 55}, {"unlawful_approval", 20}, {"fees", 15}, {"other", 10}},
}

// hallCategories are those a complaint about the hall itself can have.
var hallCategories = []string{"attitude", "efficiency", "facilities", "process", "other"}

// storyWindows binds stories that only make sense for one window.
var storyWindows = map[string]string{
	"我家楼下新开的小饭馆": "hx-sc-12", "我发现我们小区一套房屋存在法院查封": "hx-bdc-06",
	"我所在单元有一户把住宅改成": "hx-sc-11", "我小区楼下新开的小饭馆": "hx-sc-12", "中心网上预约号源": receptionCode,
}

// storyWindow is the window a story is bound to, and its department; nil when unbound.
func storyWindow(s story) (*department, *window) {
	for prefix, code := range storyWindows {
		if !strings.HasPrefix(s.matter, prefix) {
			continue
		}
		for _, d := range append([]*department{hall}, departments...) {
			for _, w := range d.windows {
				if w.code == code {
					return d, w
				}
			}
		}
	}
	return nil, nil
}

func deptByCode(code string) *department {
	for _, d := range departments {
		if d.code == code {
			return d
		}
	}
	return hall
}

// plans makes n plans, oldest first.
func (pl *planner) plans(n int) []*plan {
	r := pl.r
	dups := 0
	if n >= 20 {
		dups = max(1, n/100)
	}
	base := n - dups

	ps := make([]*plan, base)
	order := r.Perm(base)
	for i := range ps {
		p := &plan{}
		if k := order[i]; k < len(channelWeights) {
			p.channel = channelWeights[k].ch // every channel at least once
		} else {
			p.channel = pl.pickChannel()
		}
		p.at = pl.receivedAt(p.channel, pl.sampleAge())
		p.age = pl.now.Sub(p.at).Hours() / 24
		ps[i] = p
	}
	slices.SortFunc(ps, func(a, b *plan) int { return a.at.Compare(b.at) })

	for _, p := range ps {
		p.stage = pl.pickStage(p.age)
	}
	pl.ensureStages(ps)
	pl.choosePaths(ps)
	pl.chooseSpecials(ps)
	for _, p := range ps {
		pl.content(p, "")
	}
	pl.ensureKinds(ps)
	for _, p := range ps {
		pl.flavour(p)
		pl.register(p)
	}
	ps = append(ps, pl.duplicates(ps, dups)...)
	slices.SortStableFunc(ps, func(a, b *plan) int { return a.at.Compare(b.at) })
	return ps
}

func (pl *planner) pickChannel() tousu.Channel {
	total := 0
	for _, c := range channelWeights {
		total += c.w
	}
	x := pl.r.IntN(total)
	for _, c := range channelWeights {
		if x < c.w {
			return c.ch
		}
		x -= c.w
	}
	return tousu.ChannelVisit
}

// sampleAge favours the last two days a little, so that the intake stages are populated.
func (pl *planner) sampleAge() float64 {
	if chance(pl.r, 0.07) {
		return pl.r.Float64() * 2
	}
	return 2 + pl.r.Float64()*87.5
}

// receivedAt is a plausible moment about age days ago for a complaint on ch: office
// hours on a working day for the counter, 7:00–23:00 any day for phones and the web.
func (pl *planner) receivedAt(ch tousu.Channel, age float64) time.Time {
	loc := pl.now.Location()
	t := pl.now.Add(-time.Duration(age * 24 * float64(time.Hour)))
	for try := 0; ; try++ {
		d := tousu.DateOf(t)
		var at time.Time
		if officeChannel(ch) {
			step := -1
			if age > 85 {
				step = 1 // stay within the 90 days
			}
			for !pl.cal.IsWorkday(d) {
				d = d.AddDays(step)
			}
			m := pl.r.IntN(420) // 9:00–12:00 and 13:30–17:30
			if m < 180 {
				m += 9 * 60
			} else {
				m += 13*60 + 30 - 180
			}
			at = d.Midnight(loc).Add(time.Duration(m) * time.Minute)
		} else {
			at = d.Midnight(loc).Add(time.Duration(7*60+pl.r.IntN(16*60)) * time.Minute)
		}
		if at.Before(pl.now.Add(-10*time.Minute)) || try > 20 {
			return at
		}
		t = t.AddDate(0, 0, -1)
	}
}

func (pl *planner) pickStage(age float64) tousu.Status {
	b := bucket(age)
	total := 0
	for _, s := range stageWeights {
		total += s.w[b]
	}
	x := pl.r.IntN(total)
	for _, s := range stageWeights {
		if x < s.w[b] {
			return s.s
		}
		x -= s.w[b]
	}
	return tousu.StatusClosed
}

// ensureStages gives every status at least one complaint of a natural age, taking it
// from the most common status. Merged comes from the duplicates.
func (pl *planner) ensureStages(ps []*plan) {
	for _, s := range tousu.Statuses.Values() {
		if s == tousu.StatusMerged {
			continue
		}
		count := map[tousu.Status]int{}
		for _, p := range ps {
			count[p.stage]++
		}
		if count[s] > 0 {
			continue
		}
		span := stageAges[s]
		var best *plan
		for _, p := range ps {
			if p.age < span[0] || p.age >= span[1] || count[p.stage] < 3 {
				continue
			}
			if best == nil || count[p.stage] > count[best.stage] {
				best = p
			}
		}
		if best != nil {
			best.stage = s
		}
	}
}

var rejectReasonOrder = tousu.RejectReasons.Values()

func (pl *planner) choosePaths(ps []*plan) {
	r := pl.r
	rejects := 0
	for _, p := range ps {
		switch p.stage {
		case tousu.StatusNotAccepted:
			p.path = pathReject
		case tousu.StatusWithdrawn:
			p.path = pathWithdraw
		case tousu.StatusArchived:
			switch x := r.Float64(); {
			case x < 0.12:
				p.path = pathReject
			case x < 0.2:
				p.path = pathWithdraw
			}
		}
		if p.path == pathReject {
			// The first rejections cover every reason, so that each appears.
			reason := rejectReasonOrder[r.IntN(len(rejectReasonOrder))]
			if rejects < len(rejectReasonOrder) {
				reason = rejectReasonOrder[rejects]
			}
			rejects++
			var pool []*rejectStory
			for i := range rejectStories {
				if rejectStories[i].reason == reason {
					pool = append(pool, &rejectStories[i])
				}
			}
			p.reject = pick(r, pool)
		}
	}
}

// chooseSpecials picks complaints about staff members who hold accounts, to exercise
// recusal: two about the head of the 人社局 (handler-rs), one about the clerk.
func (pl *planner) chooseSpecials(ps []*plan) {
	want := []special{aboutHeadRS, aboutHeadRS, aboutClerk}
	for _, idx := range pl.r.Perm(len(ps)) {
		if len(want) == 0 {
			return
		}
		p := ps[idx]
		if p.path != pathCase || p.stage == tousu.StatusRegistered || p.stage == tousu.StatusArchived {
			continue
		}
		p.special, want = want[0], want[1:]
	}
}

// content chooses what the complaint says. kind forces a kind ("" to draw one).
func (pl *planner) content(p *plan, kind tousu.Kind) {
	r := pl.r
	p.vars = nil
	switch p.path {
	case pathReject:
		p.kind, p.cat, p.story = tousu.KindComplaint, p.reject.cat, p.reject.story
		p.dept = deptByCode(p.reject.dept)
		if p.reject.dept == "" {
			p.dept = hall
		}
		p.win = pick(r, p.dept.windows)
		p.staff = ""
		pl.fill(p)
		return
	case pathWithdraw:
		w := pick(r, withdrawStories)
		p.kind, p.cat, p.story, p.note = tousu.KindComplaint, w.cat, w.story, w.note
		p.dept = pl.pickDept(false)
		p.win = pick(r, p.dept.windows)
		p.staff = ""
		pl.fill(p)
		return
	}

	switch {
	case p.special == aboutHeadRS:
		kind = tousu.KindComplaint
	case p.special == aboutClerk:
		kind = tousu.KindComplaint
	case kind != "":
	default:
		switch x := r.Float64(); {
		case x < 0.08:
			kind = tousu.KindReport
		case x < 0.25:
			kind = tousu.KindSuggestion
		default:
			kind = tousu.KindComplaint
		}
	}
	p.kind = kind
	onsite := p.path == pathOnsite && kind == tousu.KindComplaint
	// On-site coordination is for people standing at the counter.
	if kind == tousu.KindComplaint && !onsite && p.special == notSpecial && p.channel == tousu.ChannelVisit &&
		(p.stage == tousu.StatusReplied || p.stage == tousu.StatusClosed || p.stage == tousu.StatusArchived) && chance(r, 0.5) {
		onsite = true
	}
	p.path = pathCase
	switch kind {
	case tousu.KindSuggestion:
		p.story = pick(r, suggestionStories)
		p.cat = p.story.cat
		p.dept = pl.pickDept(true)
		if !strings.Contains(p.story.matter, "{") {
			p.dept = hall // about the whole hall: the office takes it up itself
		}
	default:
		stories := complaintStories
		if kind == tousu.KindReport {
			stories = reportStories
		}
		p.cat = pl.pickCategory(kind)
		if p.special != notSpecial {
			p.cat = "attitude" // its stories all name the staff member
		}
		pool := stories[p.cat]
		if onsite {
			var ok []story
			for _, s := range pool {
				if s.onsite != "" {
					ok = append(ok, s)
				}
			}
			if len(ok) > 0 {
				pool, p.path = ok, pathOnsite
			}
		}
		p.story = pick(r, pool)
		switch d, _ := storyWindow(p.story); {
		case d != nil:
			p.dept = d
		case p.special == aboutHeadRS:
			p.dept = deptByCode("hx-rs")
		case p.special == aboutClerk:
			p.dept = hall
		case p.cat == "facilities":
			p.dept = pl.pickDept(true)
		default:
			p.dept = pl.pickDept(slices.Contains(hallCategories, p.cat))
		}
	}
	p.win = pick(r, p.dept.windows)
	if _, w := storyWindow(p.story); w != nil {
		p.win = w
	}
	p.staff = ""
	switch {
	case p.special == aboutHeadRS:
		p.staff = p.dept.head
	case p.special == aboutClerk:
		p.staff = "HX0001"
	case strings.Contains(p.story.matter, "{人员}"):
		odds := 0.45
		if kind == tousu.KindReport {
			odds = 0.7
		}
		if chance(r, odds) && p.dept != hall {
			p.staff = pick(r, p.win.staff)
		}
	}
	pl.fill(p)
}

func (pl *planner) pickCategory(kind tousu.Kind) string {
	ws := categoryWeights[kind]
	total := 0
	for _, c := range ws {
		total += c.w
	}
	x := pl.r.IntN(total)
	for _, c := range ws {
		if x < c.w {
			return c.cat
		}
		x -= c.w
	}
	return "other"
}

func (pl *planner) pickDept(hallToo bool) *department {
	total := 0
	if hallToo {
		total += hall.weight
	}
	for _, d := range departments {
		total += d.weight
	}
	x := pl.r.IntN(total)
	if hallToo {
		if x < hall.weight {
			return hall
		}
		x -= hall.weight
	}
	for _, d := range departments {
		if x < d.weight {
			return d
		}
		x -= d.weight
	}
	return departments[0]
}

// ensureKinds makes sure reports and suggestions both appear.
func (pl *planner) ensureKinds(ps []*plan) {
	for _, k := range []tousu.Kind{tousu.KindReport, tousu.KindSuggestion} {
		found := false
		for _, p := range ps {
			found = found || p.kind == k
		}
		if found {
			continue
		}
		for _, idx := range pl.r.Perm(len(ps)) {
			p := ps[idx]
			if p.path == pathCase && p.special == notSpecial && p.kind == tousu.KindComplaint {
				pl.content(p, k)
				break
			}
		}
	}
}

var staffDescriptions = []string{"一名戴眼镜的男工作人员", "一名短头发的女工作人员", "年纪稍大的一位男同志",
	"一位扎马尾的年轻女工作人员", "当班的工作人员", "一名穿蓝色工装的男工作人员"}

var feeNames = []string{"资料费", "加急费", "工本费", "服务费"}

// fill computes the placeholders of the complaint's texts.
func (pl *planner) fill(p *plan) {
	r, d, w := pl.r, p.dept, p.win
	incident := p.at
	if p.channel != tousu.ChannelVisit && p.channel != tousu.ChannelKiosk {
		back := 1 + r.IntN(6)
		incident = incident.AddDate(0, 0, -back)
		for !pl.cal.IsWorkday(tousu.DateOf(incident)) {
			incident = incident.AddDate(0, 0, -1)
		}
		loc := incident.Location()
		y, m, dd := incident.Date()
		incident = time.Date(y, m, dd, pick(r, []int{9, 10, 11, 14, 15}), r.IntN(4)*15, 0, 0, loc)
	} else {
		// Shortly before coming to complain, within the same half-day's opening hours.
		incident = incident.Add(-time.Duration(5+r.IntN(40)) * time.Minute)
		y, m, dd := incident.Date()
		open := time.Date(y, m, dd, 9, 0, 0, 0, incident.Location())
		if p.at.Hour() >= 13 {
			open = time.Date(y, m, dd, 13, 30, 0, 0, incident.Location())
		}
		if incident.Before(open) && !p.at.Before(open) {
			incident = open
		}
	}
	// A story that says when in the day it happened is believed.
	if m := p.story.matter; strings.Contains(m, "上午") || strings.Contains(m, "下午") {
		y, mo, dd := incident.Date()
		switch {
		case strings.Contains(m, "下午4点50分"):
			incident = time.Date(y, mo, dd, 16, 50, 0, 0, incident.Location())
		case strings.Contains(m, "{日期}上午"):
			incident = time.Date(y, mo, dd, 9+r.IntN(3), r.IntN(4)*15, 0, 0, incident.Location())
		case strings.Contains(m, "{日期}下午"):
			incident = time.Date(y, mo, dd, 14+r.IntN(3), r.IntN(4)*15, 0, 0, incident.Location())
		}
		for !incident.Before(p.at) || !pl.cal.IsWorkday(tousu.DateOf(incident)) {
			incident = incident.AddDate(0, 0, -1)
		}
	}
	materials := r.Perm(len(d.materials))
	promise := d.promise
	if promise == 0 {
		promise = 5
	}
	over := 3 + r.IntN(10)
	submitted := p.at.AddDate(0, 0, -(promise+over)*7/5-1)
	v := map[string]string{
		"日": dayPhrase(incident), "日期": dateOnly(incident), "时刻": clock(incident),
		"前日": dateOnly(submitted), "近日": dateOnly(p.at.AddDate(0, 0, -max(1, promise*7/5-2))), "楼": d.floor, "窗口": w.short, "窗口名": w.name, "部门": d.short,
		"事项": pick(r, w.items), "材料": d.materials[materials[0]], "材料2": d.materials[materials[1]],
		"材料3": d.materials[materials[2]], "次数": cn(3 + r.IntN(3)), "岁": fmt.Sprint(72 + r.IntN(16)),
		"金额": fmt.Sprint(50 * (1 + r.IntN(8))), "费名": pick(r, feeNames), "对方": d.partner, "对方事": d.partnerDo,
		"本部": d.hq, "影响": d.impact, "承诺": fmt.Sprint(promise), "已过": fmt.Sprint(promise + over), "原因": d.cause,
		"机器": d.machine,
	}
	if d == hall {
		v["部门"], v["窗口"], v["楼"] = "中心", w.short, "一楼"
		v["对方"], v["对方事"], v["本部"] = "人社窗口", "先核对信息", "部门本部"
	}
	if v["机器"] == "" {
		v["机器"] = "自助服务终端"
	}
	if v["对方"] == "" {
		v["对方"], v["对方事"] = "综合受理窗口", "先登记"
	}
	if len(d.mistakes) > 0 {
		m := pick(r, d.mistakes)
		v["错项"], v["后果"] = m[0], m[1]
	} else {
		v["错项"], v["后果"] = "联系电话", "办结通知一直没有收到"
	}
	if p.staff != "" {
		s := staffByBadge[p.staff]
		switch {
		case strings.Contains(s.Title, "科长"):
			v["人员"] = string([]rune(s.Name)[:1]) + "科长（工号" + s.Badge + "）"
		case chance(r, 0.5):
			v["人员"] = "工号" + s.Badge + "的工作人员"
		default:
			v["人员"] = "工作人员" + s.Name + "（工号" + s.Badge + "）"
		}
	} else {
		v["人员"] = pick(r, staffDescriptions)
	}
	p.vars, p.incident = v, incident
}

// flavour decides the twists of the case's path: reopening, suspension, a wrong
// assignment returned, urging, extension, and the finding.
func (pl *planner) flavour(p *plan) {
	r := pl.r
	p.anonymous = pl.anonymous(p)
	p.leaveOverdue = chance(r, 0.5)
	p.acceptFirst = chance(r, 0.3)
	if p.path != pathCase && p.path != pathOnsite {
		return
	}
	worked := p.stage == tousu.StatusInProgress || p.stage == tousu.StatusDecided || p.stage == tousu.StatusReplied ||
		p.stage == tousu.StatusClosed || p.stage == tousu.StatusArchived
	if p.path == pathCase && worked && p.age >= 12 && p.kind != tousu.KindSuggestion {
		odds := 0.07
		if p.stage == tousu.StatusInProgress && p.age >= 21 {
			odds = 0.35 // a long-open case is often one reopened (重办)
		}
		if chance(r, odds) {
			p.reopen = 1
			if p.anonymous || chance(r, 0.4) {
				p.reopen = 2
			}
		}
	}
	p.suspendResume = p.path == pathCase && worked && p.age >= 10 && chance(r, 0.05)
	p.returned = p.path == pathCase && p.stage != tousu.StatusRegistered && p.stage != tousu.StatusAccepted && chance(r, 0.04)
	p.urge = p.age >= 8 && chance(r, 0.2)
	p.extendHist = p.path == pathCase && p.age >= 20 && chance(r, 0.12) &&
		(p.stage == tousu.StatusDecided || p.stage == tousu.StatusReplied || p.stage == tousu.StatusClosed || p.stage == tousu.StatusArchived)

	switch {
	case p.kind == tousu.KindSuggestion:
		p.finding = tousu.FindingNotApplicable
		p.adopted = p.story.reject == "" || chance(r, 0.6)
	case p.path == pathOnsite:
		p.finding = pick(r, []tousu.Finding{tousu.FindingFounded, tousu.FindingFounded, tousu.FindingPartly})
	default:
		x := r.Float64()
		if p.kind == tousu.KindReport {
			x -= 0.05
		}
		switch {
		case x < 0.4:
			p.finding = tousu.FindingFounded
		case x < 0.65:
			p.finding = tousu.FindingPartly
		case x < 0.9:
			p.finding = tousu.FindingUnfounded
		default:
			p.finding = tousu.FindingUnverifiable
		}
	}
	if p.reopen != 0 {
		// Reopened cases end founded: the first answer did not hold.
		p.finding = pick(r, []tousu.Finding{tousu.FindingFounded, tousu.FindingPartly})
	}
}

func (pl *planner) anonymous(p *plan) bool {
	if p.path == pathOnsite || p.special != notSpecial {
		return false
	}
	odds := 0.03
	switch p.channel {
	case tousu.ChannelBox:
		odds = 0.5
	case tousu.ChannelCommentBook, tousu.ChannelEvaluation:
		odds = 0.25
	case tousu.ChannelWeb, tousu.ChannelWechat, tousu.ChannelKiosk, tousu.ChannelHotline:
		odds = 0.08
	case tousu.ChannelSuperior, tousu.ChannelLeader, tousu.ChannelMedia, tousu.ChannelLetter, tousu.ChannelEmail:
		odds = 0.02
	}
	if p.kind == tousu.KindReport {
		odds += 0.3
	}
	return chance(pl.r, odds)
}

// channelNotes are how staff mark complaints that came from other bodies.
var channelNotes = map[tousu.Channel][]string{
	tousu.ChannelSuperior: {"（市政务服务办转办件）", "（区信访办转来）"},
	tousu.ChannelLeader:   {"（区领导接访交办）", "（中心主任批示交办）"},
	tousu.ChannelMedia:    {"（区融媒体中心“民声热线”栏目转来）", "（《和平晚报》读者来信转来）"},
}

// register writes the registration the clerk or supervisor keys in.
func (pl *planner) register(p *plan) {
	r := pl.r
	matter := expand(p.story.matter, p.vars)
	if notes, ok := channelNotes[p.channel]; ok {
		matter = pick(r, notes) + matter
	}
	in := tousu.Register{
		Kind: p.kind, Channel: p.channel, Matter: matter,
		Request:     expand(pick(r, p.story.requests), p.vars),
		Complainant: complainant(r, p.channel, p.anonymous, p.dept.code == "hx-sc" || p.dept.code == "hx-sw"),
		Written:     p.channel == tousu.ChannelLetter || p.channel == tousu.ChannelSuperior || (p.kind == tousu.KindReport && chance(r, 0.5)),
	}
	at := p.at
	in.ReceivedAt = &at
	if p.kind != tousu.KindSuggestion && p.path != pathReject {
		in.Target.Unit = p.win.code
		switch {
		case p.special == aboutHeadRS:
			in.Target.Unit = p.dept.code
		case p.cat == "facilities":
			in.Target.Unit = CentreCode
			in.Target.Description = "中心大厅设施设备"
		}
		in.Target.Staff = p.staff
		if p.staff == "" && strings.Contains(p.story.matter, "{人员}") {
			in.Target.Description = p.win.short + "，" + p.vars["人员"]
		}
		t := p.incident
		in.IncidentAt = &t
		in.IncidentPlace = "中心" + p.vars["楼"] + p.win.name
		if p.cat == "facilities" {
			in.IncidentPlace = "中心" + p.vars["楼"] + "大厅"
		}
	} else if p.path == pathReject && p.reject.dept != "" {
		in.Target.Unit = p.reject.dept
	}
	if p.kind != tousu.KindSuggestion && p.dept != hall && p.path != pathReject &&
		slices.Contains([]string{"overdue", "notification", "refusal", "efficiency", "competence", "fees", "one_door"}, p.cat) && chance(r, 0.6) {
		d := p.at.AddDate(0, 0, -r.IntN(20)-1)
		in.BusinessReceiptNo = fmt.Sprintf("%s%s%04d", p.dept.receipt, d.Format("20060102"), 1+r.IntN(400))
		p.vars["回执"] = in.BusinessReceiptNo
	}
	// The clerk usually picks the category at the counter; some are left to the supervisor.
	if chance(r, 0.7) {
		in.Categories = []string{p.cat}
	}
	p.in = in
}

// duplicates are complaints made again by the same person on another channel a day or
// three later, merged into the first (并案). The youngest stays merged; older ones are
// archived afterwards.
func (pl *planner) duplicates(ps []*plan, k int) []*plan {
	r := pl.r
	var out []*plan
	for _, idx := range r.Perm(len(ps)) {
		if len(out) == k {
			break
		}
		s := ps[idx]
		if s.path != pathCase || s.special != notSpecial || s.anonymous || s.age < 4 || s.age > 88 ||
			s.stage == tousu.StatusRegistered || s.kind == tousu.KindSuggestion {
			continue
		}
		d := &plan{path: pathMerge, into: s, kind: s.kind, cat: s.cat, story: s.story, dept: s.dept, win: s.win,
			staff: s.staff, vars: s.vars, acceptFirst: chance(r, 0.3)}
		d.channel = pick(r, []tousu.Channel{tousu.ChannelHotline, tousu.ChannelWechat, tousu.ChannelWeb})
		d.at = s.at.Add(time.Duration(20+r.IntN(60)) * time.Hour)
		if !d.at.Before(pl.now.Add(-time.Hour)) {
			continue
		}
		d.age = pl.now.Sub(d.at).Hours() / 24
		d.in = s.in
		at := d.at
		d.in.ReceivedAt, d.in.Channel = &at, d.channel
		d.in.Matter = s.in.Matter + "我" + dateOnly(s.at.In(pl.now.Location())) + "已经反映过一次，到现在还没有人联系我，所以再次反映。"
		d.in.Written = false
		out = append(out, d)
	}
	youngest := -1
	for i, d := range out {
		if youngest < 0 || d.age < out[youngest].age {
			youngest = i
		}
	}
	for i, d := range out {
		d.stage = tousu.StatusMerged
		if i != youngest && d.age > 30 {
			d.stage = tousu.StatusArchived
		}
	}
	return out
}
