package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/cjk"
)

// inboxTab is one tab of the desk's inbox: a fixed selection, shown to the roles whose
// work it is.
type inboxTab struct {
	Key      string
	Label    string
	roles    []tousu.Role
	statuses []tousu.Status
	due      string
	order    tousu.Order
	// set narrows the tab's list further (the handling queues: 不满意, 纪检, 延期待批).
	set func(*app.ListQuery)
}

// Who sees which tabs: the clerk registers, handlers work assigned cases, supervisors,
// inspectors and leaders oversee everything.
var (
	inboxWorkers  = []tousu.Role{tousu.RoleSupervisor, tousu.RoleHandler, tousu.RoleInspector, tousu.RoleLeader}
	inboxOverseer = []tousu.Role{tousu.RoleSupervisor, tousu.RoleInspector, tousu.RoleLeader}
	inboxReaders  = []tousu.Role{tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleHandler, tousu.RoleInspector, tousu.RoleLeader}
)

// inboxTabs are the inbox's tabs in the order of the lifecycle. Open cases are sorted by
// due date, the earliest first; the rest by the newest.
var inboxTabs = []inboxTab{
	{Key: "registered", Label: "待受理", roles: []tousu.Role{tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleInspector, tousu.RoleLeader},
		statuses: []tousu.Status{tousu.StatusRegistered}, order: tousu.OrderDue},
	{Key: "assigned", Label: "待签收", roles: inboxWorkers, statuses: []tousu.Status{tousu.StatusAssigned}, order: tousu.OrderDue},
	{Key: "working", Label: "办理中", roles: inboxWorkers,
		statuses: []tousu.Status{tousu.StatusInProgress, tousu.StatusSuspended}, order: tousu.OrderDue},
	// 协办: the open cases a handler's unit assists; they also show, marked 协办, in the
	// tabs above.
	{Key: "assisting", Label: "协办", roles: []tousu.Role{tousu.RoleHandler}, order: tousu.OrderDue,
		statuses: []tousu.Status{tousu.StatusAssigned, tousu.StatusInProgress, tousu.StatusSuspended, tousu.StatusReported},
		set:      func(q *app.ListQuery) { q.Assisting = true }},
	{Key: "soon", Label: "即将超期", roles: inboxWorkers, due: "soon", order: tousu.OrderDue},
	{Key: "overdue", Label: "已超期", roles: inboxWorkers, due: "overdue", order: tousu.OrderDue},
	{Key: "reported", Label: "待审核", roles: []tousu.Role{tousu.RoleSupervisor, tousu.RoleLeader},
		statuses: []tousu.Status{tousu.StatusReported}, order: tousu.OrderDue},
	{Key: "decided", Label: "待答复", roles: inboxOverseer, statuses: []tousu.Status{tousu.StatusDecided}, order: tousu.OrderDue},
	{Key: "replied", Label: "待回访", roles: inboxOverseer, statuses: []tousu.Status{tousu.StatusReplied}, order: tousu.OrderNewest},
	{Key: "dissatisfied", Label: "不满意", roles: []tousu.Role{tousu.RoleSupervisor, tousu.RoleLeader}, order: tousu.OrderNewest,
		set: func(q *app.ListQuery) { q.Dissatisfied = true }},
	{Key: "extension", Label: "延期待批", roles: []tousu.Role{tousu.RoleLeader, tousu.RoleSupervisor}, order: tousu.OrderDue,
		set: func(q *app.ListQuery) { q.PendingExtension = true }},
	{Key: "discipline", Label: "纪检", roles: []tousu.Role{tousu.RoleInspector}, order: tousu.OrderNewest,
		set: func(q *app.ListQuery) { q.Referred = "discipline_pending" }},
	{Key: "archive", Label: "待归档", roles: []tousu.Role{tousu.RoleSupervisor}, order: tousu.OrderNewest,
		statuses: []tousu.Status{tousu.StatusClosed, tousu.StatusNotAccepted, tousu.StatusWithdrawn, tousu.StatusMerged}},
	{Key: "all", Label: "全部", roles: inboxReaders, order: tousu.OrderNewest},
}

// overviewRow is one status of the leader's overview, with its count and list link.
type overviewRow struct {
	Label, URL string
	Count      string
}

// tabCountCap is where the inbox stops counting a tab or a status: past it the count
// reads "1000+", so that a tab over a million complaints costs no more than its page.
const tabCountCap = 1000

// countLabel is a count taken with tabCountCap as the inbox shows it.
func countLabel(n int) string {
	if n > tabCountCap {
		return strconv.Itoa(tabCountCap) + "+"
	}
	return strconv.Itoa(n)
}

// inboxPageSize is the number of rows per page.
const inboxPageSize = 50

// inboxPage is the view model of /desk/.
type inboxPage struct {
	Common
	Tabs     []inboxTabView
	Tab      string
	Rows     []inboxRow
	F        *deskForm // the filters, as typed
	Filtered bool      // some filter is set
	Notice   string    // what is wrong with the filters
	NextURL  string
	FirstURL string // set on pages after the first
	// CanRegister shows the 登记投诉 button to the roles that may register.
	CanRegister bool
	// Overview is the leader's view of its scope: the cases by status (until the
	// statistics pages give the figures).
	Overview []overviewRow
	// Sort is the column the list is sorted by: "due" or "newest" (the tab's own
	// order unless the viewer chose); SortDueURL and SortNewestURL re-sort.
	Sort                      tousu.Order
	SortDueURL, SortNewestURL string

	Statuses, Kinds, Channels, Categories, Units []deskOption
	// ExportURL is the 导出 of the list as shown (tab and filters), for the roles that may
	// export; "" for the others.
	ExportURL string
	// FigureLabel names the figure of the statistics whose complaints the list shows
	// (the dashboard's drill-down), "" when none.
	FigureLabel string
	// CanSearchComplainant offers the search by the complainant's exact phone, ID number
	// or name (blind index; audited) to those who may reveal identities.
	CanSearchComplainant bool
}

// inboxTabView is a tab as the page shows it.
type inboxTabView struct {
	Key, Label, URL string
	Count           string // countLabel
	Current         bool
}

// inboxRow is a complaint in the list, with its clock read out.
type inboxRow struct {
	*app.ComplaintView
	Clock   clockView
	Excerpt string // the start of the matter
	// Snippet, when searching, is the matter (or the request, the target's description)
	// around the first match, the matches marked; the template escapes every piece.
	Snippet []cjk.Segment
}

// snippetOf is the snippet of a search hit: from the first of its texts that shows a
// term, else the start of the matter (the match was elsewhere: the number, a note).
func snippetOf(c *app.ComplaintView, q cjk.Query) []cjk.Segment {
	texts := []string{c.Matter, c.Request, c.Target.Description}
	for _, text := range texts {
		for _, seg := range cjk.Snippet(text, q, 40) {
			if seg.Hit {
				return cjk.Snippet(text, q, 40)
			}
		}
	}
	return cjk.Snippet(c.Matter, q, 40)
}

// clockView says how a case stands against its deadline, in words and a style.
type clockView struct {
	Text  string
	Class string // "", "due-soon", "overdue" or "muted"
}

func clockOf(v *app.ComplaintView) clockView {
	switch {
	case v.WorkingDaysLeft == nil && v.Status == tousu.StatusSuspended:
		return clockView{Text: "已中止计时", Class: "muted"}
	case v.WorkingDaysLeft == nil:
		return clockView{Text: "—", Class: "muted"}
	case v.Overdue && *v.WorkingDaysLeft < 0:
		return clockView{Text: "超期" + strconv.Itoa(-*v.WorkingDaysLeft) + "个工作日", Class: "overdue"}
	case v.Overdue:
		return clockView{Text: "已超期", Class: "overdue"}
	case *v.WorkingDaysLeft == 0:
		return clockView{Text: "今日到期", Class: "due-soon"}
	case v.DueSoon:
		return clockView{Text: "剩" + strconv.Itoa(*v.WorkingDaysLeft) + "个工作日", Class: "due-soon"}
	}
	return clockView{Text: "剩" + strconv.Itoa(*v.WorkingDaysLeft) + "个工作日"}
}

// filterKeys are the inbox's filters, kept in every tab link and page link.
var filterKeys = []string{"q", "kind", "channel", "category", "unit", "from", "to", "status", "order",
	"staff", "late_handover", "complainant_phone", "complainant_id_number", "complainant_name", "figure"}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	ctx := r.Context()
	v := r.URL.Query()
	var tabs []inboxTab
	for _, t := range inboxTabs {
		if holdsAnyRole(actor, t.roles) {
			tabs = append(tabs, t)
		}
	}
	if len(tabs) == 0 {
		if app.CanAdminister(actor) == nil {
			// An admin without a case role sees no case content: its desk is the admin pages.
			http.Redirect(w, r, "/desk/admin/", http.StatusSeeOther)
			return nil
		}
		return tousu.Errorf(tousu.KindForbidden, "您的角色不办理投诉件")
	}
	cur := tabs[0]
	for _, t := range tabs {
		if t.Key == v.Get("tab") {
			cur = t
		}
	}
	vm := inboxPage{Common: s.deskView(r, actor, "待办"), Tab: cur.Key, F: newForm(url.Values{}),
		CanRegister: app.CanRegister(actor) == nil}
	for _, k := range filterKeys {
		if x := v.Get(k); x != "" && (k != "status" || cur.Key == "all") {
			vm.F.Values.Set(k, x)
			vm.Filtered = true
		}
	}

	// The filters are the API's list parameters; the tab fixes status, due and order. A
	// wrong filter shows as a notice, and the inbox shows as if there were none.
	q, qerr := listQuery(r)
	base := app.ListQuery{Kind: q.Kind, Channel: q.Channel, Category: q.Category, Unit: q.Unit, Query: q.Query,
		From: q.From, To: q.To, Staff: q.Staff, LateHandover: q.LateHandover, ComplainantPhone: q.ComplainantPhone,
		ComplainantIDNumber: q.ComplainantIDNumber, ComplainantName: q.ComplainantName, Figure: q.Figure}
	var counts []int
	if qerr == nil {
		counts, qerr = s.countTabs(r, actor, tabs, base)
	}
	if qerr != nil {
		if !tousu.IsKind(qerr, tousu.KindInvalid) {
			return qerr
		}
		vm.Notice = "筛选条件有误：" + describeFields(qerr)
		base, q = app.ListQuery{}, app.ListQuery{}
		var err error
		if counts, err = s.countTabs(r, actor, tabs, base); err != nil {
			return err
		}
	}
	for i, t := range tabs {
		vm.Tabs = append(vm.Tabs, inboxTabView{Key: t.Key, Label: t.Label, Count: countLabel(counts[i]), Current: t.Key == cur.Key,
			URL: inboxURL(t.Key, vm.F.Values, "")})
	}

	lq := base
	lq.Statuses, lq.Due, lq.Order, lq.Limit, lq.Cursor = cur.statuses, cur.due, cur.order, inboxPageSize, q.Cursor
	if strings.TrimSpace(lq.Query) != "" {
		// Search hits come newest first, unless the viewer sorts by due date.
		lq.Order = tousu.OrderNewest
	}
	if o := tousu.Order(v.Get("order")); o == tousu.OrderDue || o == tousu.OrderNewest {
		// The list's columns sort: by due date, or by the time received.
		lq.Order = o
		vm.F.Values.Set("order", string(o))
	}
	vm.Sort = lq.Order
	if cur.set != nil {
		cur.set(&lq)
	}
	if cur.Key == "all" {
		lq.Statuses = q.Statuses
	}
	page, err := s.app.List(ctx, actor, lq)
	if tousu.IsKind(err, tousu.KindInvalid) {
		// A wrong status or page mark: the first page of the tab instead.
		vm.Notice = "筛选条件有误：" + describeFields(err)
		lq.Statuses, lq.Cursor = cur.statuses, ""
		page, err = s.app.List(ctx, actor, lq)
	}
	if err != nil {
		return err
	}
	search := cjk.Parse(lq.Query)
	for _, c := range page.Items {
		row := inboxRow{ComplaintView: c, Clock: clockOf(c), Excerpt: clip(c.Matter, 40)}
		if !search.Empty() {
			row.Snippet = snippetOf(c, search)
		}
		vm.Rows = append(vm.Rows, row)
	}
	if page.NextCursor != "" {
		vm.NextURL = inboxURL(cur.Key, vm.F.Values, page.NextCursor)
	}
	sorted := func(o tousu.Order) string {
		f := url.Values{}
		for k, x := range vm.F.Values {
			f[k] = x
		}
		f.Set("order", string(o))
		return inboxURL(cur.Key, f, "")
	}
	vm.SortDueURL, vm.SortNewestURL = sorted(tousu.OrderDue), sorted(tousu.OrderNewest)
	if lq.Cursor != "" {
		vm.FirstURL = inboxURL(cur.Key, vm.F.Values, "")
	}

	if actor.Has(tousu.RoleLeader) {
		for _, st := range tousu.Statuses {
			n, err := s.app.CountUpTo(ctx, actor, app.ListQuery{Statuses: []tousu.Status{st.Value}}, tabCountCap)
			if err != nil {
				return err
			}
			vm.Overview = append(vm.Overview, overviewRow{Label: st.Label, Count: countLabel(n),
				URL: "/desk/?" + url.Values{"tab": {"all"}, "status": {string(st.Value)}}.Encode()})
		}
	}
	units, err := s.app.Units(ctx)
	if err != nil {
		return err
	}
	cats, err := s.app.Categories(ctx)
	if err != nil {
		return err
	}
	vm.Statuses, vm.Kinds, vm.Channels = deskOptions(tousu.Statuses), deskOptions(tousu.Kinds), deskOptions(tousu.Channels)
	vm.Categories, vm.Units = categoryOptions(cats, vm.F.Val("category")), unitOptions(units)
	vm.CanSearchComplainant = app.CanReveal(actor) == nil
	vm.FigureLabel = figureLabels[base.Figure] // desk_stats.go
	if app.CanExport(actor) == nil {
		vm.ExportURL = "/desk/complaints/export?" + inboxURL(cur.Key, vm.F.Values, "")[len("/desk/?"):]
	}
	return s.render(w, r, http.StatusOK, "desk/inbox", vm)
}

// countTabs counts each tab's cases under the filters, up to tabCountCap (countLabel).
func (s *Server) countTabs(r *http.Request, actor tousu.Actor, tabs []inboxTab, base app.ListQuery) ([]int, error) {
	out := make([]int, len(tabs))
	for i, t := range tabs {
		q := base
		q.Statuses, q.Due = t.statuses, t.due
		if t.set != nil {
			t.set(&q)
		}
		n, err := s.app.CountUpTo(r.Context(), actor, q, tabCountCap)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// inboxURL links to a tab with the filters kept, and to a page of it when cursor is set.
func inboxURL(tab string, filters url.Values, cursor string) string {
	q := url.Values{"tab": {tab}}
	for k, v := range filters {
		if k == "status" && tab != "all" {
			continue
		}
		q[k] = v
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	return "/desk/?" + q.Encode()
}

// describeFields says in one line what an error's fields say.
func describeFields(err error) string {
	fields := tousu.FieldsOf(err)
	if len(fields) == 0 {
		return tousu.PublicMessage(err)
	}
	out := ""
	for _, k := range filterKeys {
		if msg, ok := fields[k]; ok {
			if out != "" {
				out += "；"
			}
			out += filterLabels[k] + "：" + msg
		}
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if _, known := filterLabels[k]; !known {
			msg := fields[k]
			if out != "" {
				out += "；"
			}
			out += msg
		}
	}
	return out
}

var filterLabels = map[string]string{"q": "关键词", "kind": "类型", "channel": "渠道", "category": "类别",
	"unit": "单位", "from": "开始日期", "to": "结束日期", "status": "状态", "order": "排序"}

func holdsAnyRole(a tousu.Actor, roles []tousu.Role) bool {
	for _, r := range roles {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// archiveBatch archives the cases ticked in the 待归档 tab (批量归档), each through the
// same use case as one at a time; the flash says how many, and which could not be.
func (s *Server) archiveBatch(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	numbers := v["numbers"]
	if len(numbers) == 0 {
		return s.redirectFlash(w, r, "/desk/?tab=archive", "请勾选要归档的投诉件")
	}
	if len(numbers) > inboxPageSize {
		return tousu.Problems{"numbers": "一次最多归档" + strconv.Itoa(inboxPageSize) + "件"}.Err()
	}
	done := 0
	var failed []string
	for _, n := range numbers {
		if _, err := s.app.Act(r.Context(), actor, n, tousu.ActArchive, nil); err != nil {
			if !refusable(err) && !tousu.IsKind(err, tousu.KindNotFound) {
				return err
			}
			failed = append(failed, clip(n, 40)+"（"+tousu.PublicMessage(err)+"）")
			continue
		}
		s.metrics.actions.WithLabelValues(string(tousu.ActArchive)).Inc()
		done++
	}
	msg := "已归档" + strconv.Itoa(done) + "件"
	if len(failed) > 0 {
		msg += "；未能归档：" + strings.Join(failed, "、")
	}
	return s.redirectFlash(w, r, "/desk/?tab=archive", msg)
}
