package storetest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tousu"
)

// listFixture is one complaint of the list tests, named by a letter.
type listFixture struct {
	name                      string
	kind                      tousu.Kind
	channel                   tousu.Channel
	status                    tousu.Status
	owner, target, staff      string
	assigned, handler         string
	assisting                 []string // the 协办 units
	categories                []string
	matter, request, describe string
	due                       string // YYYY-MM-DD, or "" for none
}

// listFixtures are received a day apart, a on 2026-11-27 (day 0), b on day 1, and so on.
var listFixtures = []listFixture{
	{name: "a", kind: tousu.KindComplaint, channel: tousu.ChannelVisit, status: tousu.StatusRegistered,
		owner: "centre", target: "win-1", staff: "S1", categories: []string{"attitude"},
		matter: "窗口工作人员态度恶劣", due: "2026-12-10"},
	{name: "b", kind: tousu.KindComplaint, channel: tousu.ChannelPhone, status: tousu.StatusAccepted,
		owner: "centre", target: "win-2", staff: "S2", categories: []string{"efficiency"},
		matter: "办理超时，100% 不满意", due: "2026-12-05"},
	{name: "c", kind: tousu.KindReport, channel: tousu.ChannelWeb, status: tousu.StatusAssigned,
		owner: "centre", target: "win-1", assigned: "dept-1", handler: "h1", categories: []string{"integrity", "fees"},
		matter: "违规收费", due: "2026-12-01"},
	{name: "d", kind: tousu.KindSuggestion, channel: tousu.ChannelWeb, status: tousu.StatusInProgress,
		owner: "centre-2", assigned: "dept-2", handler: "h2", assisting: []string{"dept-1"}, categories: []string{"facilities"},
		matter: "建议增加座椅", request: "在休息区_增加座椅", due: "2026-12-03"},
	{name: "e", kind: tousu.KindComplaint, channel: tousu.ChannelVisit, status: tousu.StatusSuspended,
		owner: "centre", target: "win-2", staff: "S1", assigned: "dept-1", handler: "h1", assisting: []string{"dept-2"}, categories: []string{"attitude"},
		matter: "工作人员推诿", due: "2026-12-02"},
	{name: "f", kind: tousu.KindComplaint, channel: tousu.ChannelLetter, status: tousu.StatusClosed,
		owner: "centre-2", target: "win-1", assigned: "dept-2", assisting: []string{"dept-1", "win-2"}, categories: []string{"attitude"},
		matter: "态度问题已处理", due: "2026-12-04"},
	{name: "g", kind: tousu.KindComplaint, channel: tousu.ChannelHotline, status: tousu.StatusDecided,
		owner: "other", target: "far", describe: "穿蓝色制服的保安", due: "2026-12-20"},
	{name: "h", kind: tousu.KindComplaint, channel: tousu.ChannelVisit, status: tousu.StatusRegistered,
		owner: "centre", target: "win-1", matter: "尚未计算时限"},
}

func day(n int) time.Time { return base.AddDate(0, 0, n) }

// createListFixtures stores listFixtures and returns their numbers by name.
func createListFixtures(t *testing.T, s tousu.Store) map[string]string {
	t.Helper()
	numbers := make(map[string]string)
	for i, f := range listFixtures {
		c := newComplaint(t)
		c.Kind, c.Channel, c.Status = f.kind, f.channel, f.status
		c.OwnerUnit, c.Target = f.owner, tousu.Target{Unit: f.target, Staff: f.staff, Description: f.describe}
		c.AssignedUnit, c.Handler = f.assigned, f.handler
		for _, u := range f.assisting {
			c.Handling.Assisting = append(c.Handling.Assisting, tousu.Assist{Unit: u})
		}
		c.Categories = f.categories
		c.Matter, c.Request = f.matter, f.request
		c.ReceivedAt, c.CreatedAt, c.UpdatedAt = day(i), day(i), day(i)
		c.Deadline = tousu.Deadline{}
		if f.due != "" {
			c.Deadline = tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: tousu.DateOf(day(i)), Due: tousu.MustDate(f.due)}
		}
		create(t, s, c)
		numbers[f.name] = c.Number
	}
	return numbers
}

func testListFilters(t *testing.T, s tousu.Store) {
	numbers := createListFixtures(t, s)
	tests := []struct {
		name   string
		filter tousu.ComplaintFilter
		want   string // the names of the complaints selected, in newest-first order
	}{
		{"no filter", tousu.ComplaintFilter{}, "hgfedcba"},
		{"scope nil is everything", tousu.ComplaintFilter{Scope: nil}, "hgfedcba"},
		{"scope empty is nothing", tousu.ComplaintFilter{Scope: []string{}}, ""},
		{"scope by owner", tousu.ComplaintFilter{Scope: []string{"centre-2"}}, "fd"},
		{"scope by target", tousu.ComplaintFilter{Scope: []string{"win-1"}}, "hfca"},
		{"scope by assigned unit", tousu.ComplaintFilter{Scope: []string{"dept-1"}}, "ec"},
		{"scope of several units", tousu.ComplaintFilter{Scope: []string{"far", "dept-2", "nowhere"}}, "gfd"},
		{"recusal", tousu.ComplaintFilter{ExcludeTargetStaff: "S1"}, "hgfdcb"},
		{"recusal within scope", tousu.ComplaintFilter{Scope: []string{"win-2"}, ExcludeTargetStaff: "S1"}, "b"},
		{"recusal of badges once linked", tousu.ComplaintFilter{ExcludeTargetStaffs: []string{"S1", "S2"}}, "hgfdc"},
		{"recusal of the badge and one once linked", tousu.ComplaintFilter{ExcludeTargetStaff: "S1", ExcludeTargetStaffs: []string{"S2"}}, "hgfdc"},
		{"units by target", tousu.ComplaintFilter{Units: []string{"win-1"}}, "hfca"},
		{"units by assignment", tousu.ComplaintFilter{Units: []string{"dept-1"}}, "ec"},
		{"units ignore the owner", tousu.ComplaintFilter{Units: []string{"centre"}}, ""},
		{"assigned units", tousu.ComplaintFilter{AssignedUnits: []string{"dept-1", "dept-2"}}, "fedc"},
		{"assigned units ignore the target", tousu.ComplaintFilter{AssignedUnits: []string{"win-1"}}, ""},
		{"handler", tousu.ComplaintFilter{Handler: "h1"}, "ec"},
		{"handler or none", tousu.ComplaintFilter{HandlerOrNone: "h2"}, "hgfdba"},
		{"a handler's unit cases", tousu.ComplaintFilter{AssignedUnits: []string{"dept-2"}, HandlerOrNone: "h1"}, "f"},
		{"assisted by", tousu.ComplaintFilter{AssistedBy: []string{"dept-1"}}, "fd"},
		{"assisted by several", tousu.ComplaintFilter{AssistedBy: []string{"win-2", "dept-2"}}, "fe"},
		{"assisted by no such unit", tousu.ComplaintFilter{AssistedBy: []string{"nowhere"}}, ""},
		{"assisted by, within a status", tousu.ComplaintFilter{AssistedBy: []string{"dept-1"}, Statuses: []tousu.Status{tousu.StatusInProgress}}, "d"},
		{"a handler's cases and those its unit assists",
			tousu.ComplaintFilter{AssignedUnits: []string{"dept-2"}, HandlerOrNone: "h2", AssistingUnits: []string{"dept-2"}}, "fed"},
		{"another handler's: the unit's unhandled and assisted cases",
			tousu.ComplaintFilter{AssignedUnits: []string{"dept-2"}, HandlerOrNone: "h9", AssistingUnits: []string{"dept-2"}}, "fe"},
		{"assisted cases keep recusal",
			tousu.ComplaintFilter{AssignedUnits: []string{"dept-2"}, HandlerOrNone: "h2", AssistingUnits: []string{"dept-2"}, ExcludeTargetStaff: "S1"}, "fd"},
		{"assisted cases keep the scope",
			tousu.ComplaintFilter{Scope: []string{"centre-2"}, AssignedUnits: []string{"dept-1"}, HandlerOrNone: "h1", AssistingUnits: []string{"dept-1"}}, "fd"},
		{"assisting units of no case add nothing",
			tousu.ComplaintFilter{AssignedUnits: []string{"dept-1"}, HandlerOrNone: "h1", AssistingUnits: []string{"nowhere"}}, "ec"},
		{"one status", tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusRegistered}}, "ha"},
		{"statuses", tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusAssigned, tousu.StatusInProgress}}, "dc"},
		{"kind", tousu.ComplaintFilter{Kind: tousu.KindReport}, "c"},
		{"channel", tousu.ComplaintFilter{Channel: tousu.ChannelWeb}, "dc"},
		{"category", tousu.ComplaintFilter{Category: "attitude"}, "fea"},
		{"second category", tousu.ComplaintFilter{Category: "fees"}, "c"},
		{"unknown category", tousu.ComplaintFilter{Category: "medical"}, ""},
		{"query in matter", tousu.ComplaintFilter{Query: "态度"}, "fa"},
		{"query in request", tousu.ComplaintFilter{Query: "休息区"}, "d"},
		{"query in target description", tousu.ComplaintFilter{Query: "蓝色制服"}, "g"},
		{"query by number", tousu.ComplaintFilter{Query: numbers["c"]}, "c"},
		// Punctuation alone is nothing to search for: no hit (and no LIKE wildcard).
		{"query percent finds nothing", tousu.ComplaintFilter{Query: "%"}, ""},
		{"query underscore finds nothing", tousu.ComplaintFilter{Query: "_"}, ""},
		{"query backslash finds nothing", tousu.ComplaintFilter{Query: `\`}, ""},
		{"due window", tousu.ComplaintFilter{DueFrom: tousu.MustDate("2026-12-01"), DueTo: tousu.MustDate("2026-12-05")}, "dcb"},
		{"due by", tousu.ComplaintFilter{DueTo: tousu.MustDate("2026-12-05")}, "dcb"},
		{"due from", tousu.ComplaintFilter{DueFrom: tousu.MustDate("2026-12-10")}, "ga"},
		{"due on one day", tousu.ComplaintFilter{DueFrom: tousu.MustDate("2026-12-02"), DueTo: tousu.MustDate("2026-12-02")}, ""},
		{"received from", tousu.ComplaintFilter{From: day(6)}, "hg"},
		{"received before", tousu.ComplaintFilter{To: day(2)}, "ba"},
		{"received within", tousu.ComplaintFilter{From: day(2), To: day(4)}, "dc"},
		{"received within, other zone", tousu.ComplaintFilter{From: day(2).UTC(), To: day(4).Add(-time.Millisecond).UTC()}, "dc"},
		{"filters combine", tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusRegistered}, Units: []string{"win-1"}, Category: "attitude"}, "a"},
	}
	for _, tt := range tests {
		var want []string
		for _, name := range tt.want {
			want = append(want, numbers[string(name)])
		}
		got, err := s.ListComplaints(t.Context(), tt.filter)
		if err != nil {
			t.Errorf("%s: ListComplaints = %v", tt.name, err)
			continue
		}
		if names := numbersOf(got); !slices.Equal(names, want) {
			t.Errorf("%s: ListComplaints = %s, want %s", tt.name, nameList(names, numbers), tt.want)
		}
		n, err := s.CountComplaints(t.Context(), tt.filter)
		if err != nil || n != len(want) {
			t.Errorf("%s: CountComplaints = %d, %v, want %d", tt.name, n, err, len(want))
		}
		// A capped count (the inbox's "1+" … "1000+") stops one past its cap, and is exact
		// below it.
		for _, limit := range []int{1, 2} {
			f := tt.filter
			f.CountUpTo = limit
			if n, err := s.CountComplaints(t.Context(), f); err != nil || n != min(len(want), limit+1) {
				t.Errorf("%s: CountComplaints up to %d = %d, %v, want %d", tt.name, limit, n, err, min(len(want), limit+1))
			}
		}
	}
}

func numbersOf(cs []*tousu.Complaint) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Number)
	}
	return out
}

// nameList spells numbers as the fixture names, for readable failures.
func nameList(got []string, numbers map[string]string) string {
	var b strings.Builder
	for _, g := range got {
		name := g
		for n, num := range numbers {
			if num == g {
				name = n
			}
		}
		b.WriteString(name)
	}
	return strconv.Quote(b.String())
}

func testListCategoryUpdate(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := create(t, s, newComplaint(t)) // attitude
	c.Categories = []string{"fees", "process"}
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: c}); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	for cat, want := range map[string]int{"attitude": 0, "fees": 1, "process": 1} {
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{Category: cat}); err != nil || n != want {
			t.Errorf("CountComplaints(category %s) after recategorising = %d, %v, want %d", cat, n, err, want)
		}
	}
}

// testListAssistUpdate: the assisting units (协办) a list finds a case by follow the
// case's updates — a re-assignment that drops a unit drops the case from its list.
func testListAssistUpdate(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	c := newComplaint(t)
	c.Handling.Assisting = []tousu.Assist{{Unit: "dept-1"}, {Unit: "dept-2"}}
	c = create(t, s, c)
	c.Handling.Assisting = []tousu.Assist{{Unit: "dept-2", SignedBy: "h2"}, {Unit: "dept-3"}}
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: c}); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	for unit, want := range map[string]int{"dept-1": 0, "dept-2": 1, "dept-3": 1} {
		if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{AssistedBy: []string{unit}}); err != nil || n != want {
			t.Errorf("CountComplaints(assisted by %s) after re-assigning = %d, %v, want %d", unit, n, err, want)
		}
	}
	c.Handling.Assisting = nil
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: c}); err != nil {
		t.Fatalf("UpdateComplaint = %v", err)
	}
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{AssistedBy: []string{"dept-2", "dept-3"}}); err != nil || n != 0 {
		t.Errorf("CountComplaints(assisted) after a recall = %d, %v, want 0", n, err)
	}
}

func testListDefaultLimit(t *testing.T, s tousu.Store) {
	for range 60 {
		create(t, s, newComplaint(t))
	}
	tests := []struct {
		limit, want int
	}{{0, 50}, {-1, 50}, {7, 7}, {500, 60}, {100000, 60}}
	for _, tt := range tests {
		got, err := s.ListComplaints(t.Context(), tousu.ComplaintFilter{Limit: tt.limit})
		if err != nil || len(got) != tt.want {
			t.Errorf("ListComplaints(Limit %d) = %d complaints, %v, want %d", tt.limit, len(got), err, tt.want)
		}
	}
}

func testPagination(t *testing.T, s tousu.Store) {
	const total = 120
	var all []*tousu.Complaint
	for i := range total {
		c := newComplaint(t)
		// Three complaints share each instant and seven each due date, so that the ID
		// and the received time break ties; every tenth has no due date yet.
		c.ReceivedAt = base.Add(time.Duration(i/3) * time.Minute)
		c.Deadline = tousu.Deadline{}
		if i%10 != 0 {
			c.Deadline = tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: tousu.MustDate("2026-11-27"),
				Due: tousu.MustDate("2026-12-01").AddDays((i * 5) % 17)}
		}
		// Units for the scoped pages: some complaints in the scope below by one column,
		// some by two (listed once), some outside it.
		c.Target.Unit = []string{"win-1", "win-2", "far"}[i%3]
		c.AssignedUnit = []string{"", "dept-1", "win-1", "other"}[i%4]
		// And statuses for the lists of several statuses (办理中).
		c.Status = []tousu.Status{tousu.StatusInProgress, tousu.StatusSuspended, tousu.StatusReported}[i%3]
		all = append(all, create(t, s, c))
	}
	scope := []string{"win-1", "dept-1"}
	inScope := func(c *tousu.Complaint) bool {
		return slices.Contains(scope, c.Target.Unit) || slices.Contains(scope, c.AssignedUnit) || slices.Contains(scope, c.OwnerUnit)
	}

	cmpNewest := func(a, b *tousu.Complaint) int {
		if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	}
	cmpDue := func(a, b *tousu.Complaint) int {
		if c := a.Deadline.Due.Compare(b.Deadline.Due); c != 0 {
			return c
		}
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	tests := []struct {
		order tousu.Order
		cmp   func(a, b *tousu.Complaint) int
		key   func(c *tousu.Complaint) int64
	}{
		{"", cmpNewest, func(c *tousu.Complaint) int64 { return c.ReceivedAt.UnixMilli() }},
		{tousu.OrderNewest, cmpNewest, func(c *tousu.Complaint) int64 { return c.ReceivedAt.UnixMilli() }},
		{tousu.OrderDue, cmpDue, func(c *tousu.Complaint) int64 { return tousu.DateKey(c.Deadline.Due) }},
	}
	for _, tt := range tests {
		for _, variant := range []string{"all", "scoped", "statuses"} {
			want := slices.Clone(all)
			var sc []string
			var sts []tousu.Status
			switch variant {
			case "scoped":
				want, sc = slices.DeleteFunc(want, func(c *tousu.Complaint) bool { return !inScope(c) }), scope
			case "statuses":
				sts = []tousu.Status{tousu.StatusInProgress, tousu.StatusSuspended}
				want = slices.DeleteFunc(want, func(c *tousu.Complaint) bool { return !slices.Contains(sts, c.Status) })
			}
			slices.SortFunc(want, tt.cmp)
			for _, limit := range []int{1, 7, 50} {
				var (
					got   []string
					after *tousu.Cursor
				)
				for page := 0; ; page++ {
					if page > total+1 {
						t.Fatalf("order %q, limit %d: paging does not end", tt.order, limit)
					}
					cs, err := s.ListComplaints(t.Context(), tousu.ComplaintFilter{Order: tt.order, After: after, Limit: limit, Scope: sc, Statuses: sts})
					if err != nil {
						t.Fatalf("order %q, limit %d, page %d: ListComplaints = %v", tt.order, limit, page, err)
					}
					if len(cs) > limit {
						t.Fatalf("order %q, limit %d, page %d: %d complaints", tt.order, limit, page, len(cs))
					}
					if len(cs) == 0 {
						break
					}
					for _, c := range cs {
						got = append(got, c.ID)
					}
					last := cs[len(cs)-1]
					after = &tousu.Cursor{Key: tt.key(last), ID: last.ID}
				}
				if wantIDs := idsOf(want); !slices.Equal(got, wantIDs) {
					t.Errorf("order %q, %s, limit %d: pages gave %d complaints%s", tt.order, variant, limit, len(got), firstDifference(got, wantIDs))
				}
			}
			// The inbox's capped count of the same list.
			for _, limit := range []int{1, 10, 1000} {
				if n, err := s.CountComplaints(t.Context(), tousu.ComplaintFilter{Scope: sc, Statuses: sts, CountUpTo: limit}); err != nil || n != min(len(want), limit+1) {
					t.Errorf("%s: CountComplaints up to %d = %d, %v, want %d", variant, limit, n, err, min(len(want), limit+1))
				}
			}
		}
	}
}

func idsOf(cs []*tousu.Complaint) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func firstDifference(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf(", the %dth is %s, want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf(", want %d", len(want))
}

func testListIdentityAndAlerts(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	fixtures := []struct {
		name        string
		phone, idNo string
		alerts      int
		status      tousu.Status
	}{
		{name: "a", phone: "p1", idNo: "i1", status: tousu.StatusAccepted},
		{name: "b", phone: "p1", idNo: "i2", alerts: tousu.AlertDueSoon, status: tousu.StatusAccepted},
		{name: "c", phone: "p2", idNo: "i1", alerts: tousu.AlertDueSoon | tousu.AlertOverdue, status: tousu.StatusInProgress},
		{name: "d", alerts: tousu.AlertDueSoon | tousu.AlertOverdue | tousu.AlertUrged | tousu.AlertEscalated1, status: tousu.StatusInProgress},
		{name: "e", phone: "p2", alerts: tousu.AlertOverdue | tousu.AlertEscalated3, status: tousu.StatusClosed},
	}
	numbers := make(map[string]string)
	for i, f := range fixtures {
		c := newComplaint(t)
		c.Status, c.Alerts = f.status, f.alerts
		c.Identity = tousu.SealedIdentity{PhoneIndex: f.phone, IDNumberIndex: f.idNo, Fields: map[string][]byte{"name": {1}}}
		c.ReceivedAt = day(i)
		create(t, s, c)
		numbers[f.name] = c.Number
	}
	tests := []struct {
		name   string
		filter tousu.ComplaintFilter
		want   string // newest first
	}{
		{"phone index", tousu.ComplaintFilter{PhoneIndex: "p1"}, "ba"},
		{"other phone index", tousu.ComplaintFilter{PhoneIndex: "p2"}, "ec"},
		{"unknown phone index", tousu.ComplaintFilter{PhoneIndex: "p9"}, ""},
		{"ID number index", tousu.ComplaintFilter{IDNumberIndex: "i1"}, "ca"},
		{"both indexes", tousu.ComplaintFilter{PhoneIndex: "p1", IDNumberIndex: "i1"}, "a"},
		{"lacking due-soon", tousu.ComplaintFilter{AlertsLacking: tousu.AlertDueSoon}, "ea"},
		{"lacking overdue", tousu.ComplaintFilter{AlertsLacking: tousu.AlertOverdue}, "ba"},
		{"lacking either", tousu.ComplaintFilter{AlertsLacking: tousu.AlertDueSoon | tousu.AlertOverdue}, "eba"},
		{"lacking escalation 1", tousu.ComplaintFilter{AlertsLacking: tousu.AlertEscalated1}, "ecba"},
		{"lacking escalation 3", tousu.ComplaintFilter{AlertsLacking: tousu.AlertEscalated3}, "dcba"},
		{"lacking urged", tousu.ComplaintFilter{AlertsLacking: tousu.AlertUrged}, "ecba"},
		{"lacking, open ones", tousu.ComplaintFilter{AlertsLacking: tousu.AlertOverdue,
			Statuses: []tousu.Status{tousu.StatusAccepted, tousu.StatusInProgress}}, "ba"},
		{"lacking, by phone", tousu.ComplaintFilter{AlertsLacking: tousu.AlertDueSoon, PhoneIndex: "p2"}, "e"},
	}
	check := func(when string) {
		t.Helper()
		for _, tt := range tests {
			var want []string
			for _, name := range tt.want {
				want = append(want, numbers[string(name)])
			}
			got, err := s.ListComplaints(ctx, tt.filter)
			if err != nil {
				t.Errorf("%s, %s: ListComplaints = %v", when, tt.name, err)
				continue
			}
			if names := numbersOf(got); !slices.Equal(names, want) {
				t.Errorf("%s, %s: ListComplaints = %s, want %q", when, tt.name, nameList(names, numbers), tt.want)
			}
			if n, err := s.CountComplaints(ctx, tt.filter); err != nil || n != len(want) {
				t.Errorf("%s, %s: CountComplaints = %d, %v, want %d", when, tt.name, n, err, len(want))
			}
		}
	}
	check("as created")

	// An update writes the alerts: a warned at last, the filters follow.
	a := find(t, s, numbers["a"])
	if a.Alerts != 0 {
		t.Errorf("FindComplaint(a).Alerts = %b, want 0", a.Alerts)
	}
	a.Alerts = tousu.AlertDueSoon | tousu.AlertOverdue | tousu.AlertEscalated1 | tousu.AlertEscalated3
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: a}); err != nil {
		t.Fatalf("UpdateComplaint(alerts) = %v", err)
	}
	if got := find(t, s, numbers["a"]); got.Alerts != a.Alerts {
		t.Errorf("Alerts after UpdateComplaint = %b, want %b", got.Alerts, a.Alerts)
	}
	// a now has every bit but AlertUrged and AlertEscalated2: it leaves the filters of
	// complaints lacking any of the others.
	for i, tt := range tests {
		if f := tt.filter.AlertsLacking; f != 0 && f&(tousu.AlertUrged|tousu.AlertEscalated2) == 0 {
			tests[i].want = strings.ReplaceAll(tt.want, "a", "")
		}
	}
	check("after warning a")
}

// testListMarks: lists keep the complaints that have every Mark bit asked for (the
// 不满意, 纪检 and 延期 queues), and the bits follow updates.
func testListMarks(t *testing.T, s tousu.Store) {
	ctx := t.Context()
	marks := []int{0, tousu.MarkDissatisfied, tousu.MarkDiscipline | tousu.MarkDisciplinePending,
		tousu.MarkDiscipline, tousu.MarkExtended | tousu.MarkPendingExtension}
	var cs []*tousu.Complaint
	for i, m := range marks {
		c := newComplaint(t)
		c.Status, c.Marks, c.ReceivedAt = tousu.StatusReplied, m, day(i)
		create(t, s, c)
		cs = append(cs, c)
	}
	names := func(f tousu.ComplaintFilter) string {
		t.Helper()
		got, err := s.ListComplaints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, g := range got {
			for i, c := range cs {
				if c.ID == g.ID {
					out += string(rune('a' + i))
				}
			}
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		marks int
		want  string // newest first
	}{
		{"dissatisfied", tousu.MarkDissatisfied, "b"},
		{"referred", tousu.MarkDiscipline, "dc"},
		{"referred, pending", tousu.MarkDiscipline | tousu.MarkDisciplinePending, "c"},
		{"pending extension", tousu.MarkPendingExtension, "e"},
		{"none asked", 0, "edcba"},
	} {
		if got := names(tousu.ComplaintFilter{Marks: tt.marks}); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if n, err := s.CountComplaints(ctx, tousu.ComplaintFilter{Marks: tousu.MarkDiscipline}); err != nil || n != 2 {
		t.Errorf("CountComplaints(referred) = %d, %v; want 2", n, err)
	}
	c := cs[1]
	c.Marks = 0
	c.Handling.Dissatisfied = false
	if err := s.UpdateComplaint(ctx, &tousu.Change{Complaint: c, Event: &tousu.Event{ComplaintID: c.ID, Type: "reopen",
		Actor: "sup", At: base, From: tousu.StatusReplied, To: tousu.StatusInProgress}}); err != nil {
		t.Fatal(err)
	}
	if got := names(tousu.ComplaintFilter{Marks: tousu.MarkDissatisfied}); got != "" {
		t.Errorf("dissatisfied after the update: %q, want none", got)
	}
}
