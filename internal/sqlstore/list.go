package sqlstore

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"tousu"
)

// where is a WHERE clause under construction: terms ANDed together, each with its bound
// arguments. Only constant SQL goes into terms; every value is an argument.
type where struct {
	s     *Store
	terms []string
	args  []any
}

func (s *Store) where() *where { return &where{s: s} }

func (w *where) add(term string, args ...any) {
	w.terms = append(w.terms, term)
	w.args = append(w.args, args...)
}

// String is the clause, or "" without terms.
func (w *where) String() string {
	if len(w.terms) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.terms, " AND ")
}

// Args are the clause's arguments, in order.
func (w *where) Args() []any { return w.args }

// equals is "col = ?", or FALSE for a value no row can hold.
func (w *where) equals(col, v string) {
	if !w.s.storable(v) {
		w.add("FALSE")
		return
	}
	w.add(col+" = ?", v)
}

// in is "col IN (?, …)" over the storable values (ORed for several columns), or FALSE
// when none is; the others equal nothing stored, so leaving them out changes no answer.
// A single value is "col = ?": PostgreSQL (before 17) reads an index in order only for
// an equality, and one status or one unit is the common list page.
func in[T ~string](w *where, cols []string, xs []T) {
	vals := storableArgs(w, xs)
	if len(vals) == 0 {
		w.add("FALSE")
		return
	}
	cmp := " = ?"
	if len(vals) > 1 {
		cmp = " IN (" + placeholders(len(vals)) + ")"
	}
	terms := make([]string, len(cols))
	var args []any
	for i, c := range cols {
		terms[i] = c + cmp
		args = append(args, vals...)
	}
	w.add("("+strings.Join(terms, " OR ")+")", args...)
}

// storableArgs are the values of xs the engine can hold as text, as arguments.
func storableArgs[T ~string](w *where, xs []T) []any {
	var vals []any
	for _, x := range xs {
		if w.s.storable(string(x)) {
			vals = append(vals, string(x))
		}
	}
	return vals
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// escapeLike escapes LIKE's wildcards in s, for "LIKE ? ESCAPE '\'".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ComplaintWhere is the WHERE clause of f's filters (not its cursor).
func (s *Store) ComplaintWhere(f tousu.ComplaintFilter) *where {
	w := s.where()
	if f.Scope != nil {
		// An empty scope covers no unit and selects nothing.
		in(w, scopeColumns, f.Scope)
	}
	if v := f.ExcludeTargetStaff; v != "" && s.storable(v) {
		// A badge no row can hold excludes nothing.
		w.add("target_staff <> ?", v)
	}
	if len(f.ExcludeTargetStaffs) > 0 {
		// Badges no row can hold exclude nothing.
		if vals := storableArgs(w, f.ExcludeTargetStaffs); len(vals) > 0 {
			w.add("target_staff NOT IN ("+placeholders(len(vals))+")", vals...)
		}
	}
	if len(f.Units) > 0 {
		in(w, unitColumns, f.Units)
	}
	// A handler's own cases: those assigned to its units (and to it or nobody), or, with
	// AssistingUnits, those its units assist.
	own := s.where()
	if len(f.AssignedUnits) > 0 {
		in(own, []string{"assigned_unit"}, f.AssignedUnits)
	}
	if v := f.HandlerOrNone; v != "" {
		if s.storable(v) {
			own.add("handler IN ('', ?)", v)
		} else {
			own.add("handler = ''")
		}
	}
	if len(f.AssistingUnits) > 0 && len(own.terms) > 0 {
		term, args := assistedBy(own, f.AssistingUnits)
		w.add("(("+strings.Join(own.terms, " AND ")+") OR "+term+")", append(own.args, args...)...)
	} else {
		w.terms, w.args = append(w.terms, own.terms...), append(w.args, own.args...)
	}
	if len(f.AssistedBy) > 0 {
		term, args := assistedBy(w, f.AssistedBy)
		w.add(term, args...)
	}
	if f.Handler != "" {
		w.equals("handler", f.Handler)
	}
	if len(f.Statuses) > 0 {
		in(w, []string{"status"}, f.Statuses)
		if allOpen(f.Statuses) {
			w.add(openStatuses)
		}
	}
	if f.Kind != "" {
		w.equals("kind", string(f.Kind))
	}
	if f.Channel != "" {
		w.equals("channel", string(f.Channel))
	}
	if f.Category != "" {
		// Checked complaint by complaint (the primary key of complaint_categories) while
		// the list reads in its order: as "id IN (…)" the planners read every complaint
		// of the category and sorted them, a seventh of the table.
		if s.storable(f.Category) {
			w.add("EXISTS (SELECT 1 FROM complaint_categories cc WHERE cc.complaint_id = complaints.id AND cc.category = ?)", f.Category)
		} else {
			w.add("FALSE")
		}
	}
	// The "<> ''" terms let the planners use the partial indexes on the blind indexes
	// (WHERE … <> ''): they cannot tell by themselves that a bound value is not empty.
	if f.PhoneIndex != "" {
		w.equals("phone_index", f.PhoneIndex)
		w.add("phone_index <> ''")
	}
	if f.IDNumberIndex != "" {
		w.equals("id_number_index", f.IDNumberIndex)
		w.add("id_number_index <> ''")
	}
	if f.TargetStaff != "" {
		// As for the blind indexes: "<> ''" lets the planners use the partial index.
		w.equals("target_staff", f.TargetStaff)
		w.add("target_staff <> ''")
	}
	if f.TargetUnit != "" {
		w.equals("target_unit", f.TargetUnit)
	}
	if f.NameIndex != "" {
		w.equals("name_index", f.NameIndex)
		w.add("name_index <> ''")
	}
	if f.LateHandover {
		// Each engine's partial index of late handovers is WHERE the column is true in
		// that engine's spelling; the planners match the predicate by its form.
		if s.e.Postgres {
			w.add("late_handover")
		} else {
			w.add("late_handover = 1")
		}
	}
	if f.AlertsLacking != 0 {
		w.add("(alerts & ?) <> ?", f.AlertsLacking, f.AlertsLacking)
	}
	if f.Marks != 0 {
		// "marks <> 0" lets the planners use the partial index of marked cases; the
		// inbox's queues have partial indexes of their own, whose predicates the planners
		// match by their form: a constant term per mark (migration 00013).
		w.add("(marks & ?) = ?", f.Marks, f.Marks)
		w.add("marks <> 0")
		for _, m := range []int{tousu.MarkDissatisfied, tousu.MarkDisciplinePending, tousu.MarkPendingExtension} {
			if f.Marks&m != 0 {
				w.add("(marks & " + strconv.Itoa(m) + ") <> 0")
			}
		}
	}
	if !f.DueFrom.IsZero() || !f.DueTo.IsZero() {
		// Only running clocks are due; '' (no due date yet) sorts below every date.
		// complaints_due leads with clock_running: an equality with a constant.
		w.add("clock_running = TRUE")
		w.add("due_date > ''")
		// A running clock is an open case (Status.ClockRuns): the partial indexes of the
		// open cases by unit serve a scoped due tab.
		w.add(openStatuses)
		if !f.DueFrom.IsZero() {
			w.add("due_date >= ?", f.DueFrom.String())
		}
		if !f.DueTo.IsZero() {
			w.add("due_date <= ?", f.DueTo.String())
		}
	}
	if !f.From.IsZero() {
		w.add("received_at >= ?", millis(f.From))
	}
	if !f.To.IsZero() {
		w.add("received_at < ?", millis(f.To))
	}
	if f.Stat != nil {
		statWhere(w, f.Stat) // stats.go
	}
	return w
}

// openStatuses is the predicate of the partial indexes of open cases by unit (migration
// 00021), word for word: the planners use such an index only for a query that says
// its predicate in the same form.
const openStatuses = "status IN ('registered', 'accepted', 'assigned', 'in_progress', 'suspended', 'reported', 'decided')"

// allOpen says whether every status of xs is open (Status.Open), so that a list of them
// may add openStatuses without changing its answer.
func allOpen(xs []tousu.Status) bool {
	for _, x := range xs {
		if !x.Open() {
			return false
		}
	}
	return true
}

// assistedBy is the term "a unit in units assists the complaint (协办)", through the index
// complaint_units_unit, with its arguments; FALSE when no unit is storable.
func assistedBy(w *where, units []string) (string, []any) {
	vals := storableArgs(w, units)
	if len(vals) == 0 {
		return "FALSE", nil
	}
	cmp := "unit = ?"
	if len(vals) > 1 {
		cmp = "unit IN (" + placeholders(len(vals)) + ")"
	}
	return "id IN (SELECT complaint_id FROM complaint_units WHERE " + cmp + " AND role = '" + UnitAssist + "')", vals
}

// NewestBefore adds the cursor condition of OrderNewest: after (key, id) in received_at
// DESC, id DESC order. On PostgreSQL the row comparison is what lets the index scan of
// complaints_received start at the cursor instead of filtering its way there; an ID
// PostgreSQL cannot hold as text (a forged cursor) is compared as bytes, which is how
// SQLite compares any text.
func (w *where) NewestBefore(key int64, id string) {
	switch {
	case !w.s.e.Postgres:
		w.add("(received_at < ? OR (received_at = ? AND id < ?))", key, key, id)
	case w.s.storable(id):
		w.add("(received_at, id) < (?, ?)", key, id)
	default:
		w.add("(received_at < ? OR (received_at = ? AND convert_to(id, 'UTF8') < ?::bytea))", key, key, []byte(id))
	}
}

// dueAfter adds the cursor condition of OrderDue: after a in due_date, received_at, id
// order (nothing when a is nil).
func (w *where) dueAfter(a *tousu.Cursor) {
	if a == nil {
		return
	}
	// The cursor carries the due date and the ID; the received_at between them is the
	// cursor complaint's own, which never changes.
	due := tousu.KeyDate(a.Key).String()
	if w.s.storable(a.ID) {
		w.add("(due_date, received_at, id) > (?, (SELECT received_at FROM complaints WHERE id = ?), ?)", due, a.ID, a.ID)
	} else {
		// A forged ID matches no row: its received_at is NULL, and the comparison is
		// decided by the due date alone (NULL when equal), as in SQLite.
		w.add("(due_date, received_at, id) > (?, CAST(NULL AS BIGINT), '')", due)
	}
}

// statusesByDue is ListComplaints' statement for a list of several statuses by due date
// without a search (办理中: in progress or suspended): one read per status through
// complaints_status_due (status, due_date, received_at, id), each stopping after a page,
// then the first page of their union. The general way read every complaint of those
// statuses and sorted them (tens of thousands at a million complaints).
func (s *Store) statusesByDue(f tousu.ComplaintFilter) (string, []any, bool) {
	statuses := storableArgs(s.where(), f.Statuses)
	if f.Order != tousu.OrderDue || len(statuses) < 2 || strings.TrimSpace(f.Query) != "" {
		return "", nil, false
	}
	rest := f
	rest.Statuses = nil
	w := s.ComplaintWhere(rest)
	if allOpen(f.Statuses) {
		w.add(openStatuses)
	}
	w.dueAfter(f.After)
	limit := pageLimit(f.Limit)
	const order = ` ORDER BY due_date, received_at, id`
	var arms []string
	var args []any
	for _, st := range statuses {
		arms = append(arms, `SELECT * FROM (SELECT id, due_date, received_at FROM complaints WHERE `+
			strings.Join(append([]string{"status = ?"}, w.terms...), " AND ")+order+` LIMIT ?) AS k`+strconv.Itoa(len(arms)))
		args = append(append(append(args, st), w.args...), limit)
	}
	query := `SELECT ` + complaintColumns + ` FROM complaints WHERE id IN (SELECT id FROM (` + strings.Join(arms, " UNION ") +
		`) AS keys` + order + ` LIMIT ?)` + order + ` LIMIT ?`
	return query, append(args, limit, limit), true
}

// ListComplaints returns at most f.Limit (default 50, at most 500) complaints in f.Order
// after f.After.
func (s *Store) ListComplaints(ctx context.Context, f tousu.ComplaintFilter) (_ []*tousu.Complaint, err error) {
	defer s.wrap(&err, "store.ListComplaints")
	query, args, err := s.listQuery(f)
	if err != nil {
		return nil, err
	}
	var out []*tousu.Complaint
	err = s.Search(ctx, f.Query, func(q Querier) error {
		rows, err := q.Query(ctx, query, args...)
		out, err = collect(rows, err, scanComplaint)
		return err
	})
	return out, err
}

// ListQuery is the statement ListComplaints runs for f, with its arguments, for the
// engines' query-plan tests; "" for an order it refuses.
func (s *Store) ListQuery(f tousu.ComplaintFilter) (string, []any) {
	q, args, _ := s.listQuery(f)
	return q, args
}

// scopeColumns are the columns a scope matches (ComplaintFilter.Scope), unitColumns
// those the unit filter matches (ComplaintFilter.Units).
var (
	scopeColumns = []string{"owner_unit", "target_unit", "assigned_unit"}
	unitColumns  = []string{"target_unit", "assigned_unit"}
)

// maxScopeStreams bounds scopedKeys: a scope of more units than this (a third of it,
// one read per unit and column) is listed the general way.
const maxScopeStreams = 300

// scopedKeys is, for a scoped list without a search whose scope is a subtree of a few
// units, a union of reads one for each unit and each column a scope matches, each
// through that column's indexes and stopping after limit complaints: their IDs and
// received_at, newest first in each read when newest. ok is false for any other list,
// which is read the general way.
//
// The general way checks the scope row by row: it reads the whole subtree, every column
// of every row, and sorts it (at a million complaints a department's tens of thousands),
// or reads the whole table in the list's order until a page is found.
//
// The unit filter (ComplaintFilter.Units, a subtree matched on the target and assigned
// unit) is read the same way, and drives when set (the scope then checked row by row).
// A list with a selective filter of its own (selectiveFilter) is read the general way.
func (s *Store) scopedKeys(f tousu.ComplaintFilter, limit int, newest bool) (union string, args []any, ok bool) {
	rest := f
	set, cols := f.Units, unitColumns
	if len(set) > 0 {
		// The unit filter is within the scope, and narrower: it drives, the scope is checked.
		rest.Units = nil
	} else {
		set, cols = f.Scope, scopeColumns
		rest.Scope = nil
	}
	units := storableArgs(s.where(), set)
	if len(units) == 0 || len(units)*len(cols) > maxScopeStreams || strings.TrimSpace(f.Query) != "" || selectiveFilter(f) {
		return "", nil, false
	}
	w := s.ComplaintWhere(rest)
	order := ""
	if newest {
		if a := f.After; a != nil {
			w.NewestBefore(a.Key, a.ID)
		}
		order = " ORDER BY received_at DESC, id DESC"
	}
	var arms []string
	for _, col := range cols {
		// Each read goes through its unit's index: SQLite's planner, whose statistics
		// are sampled, otherwise took another filter's index (kind, channel, status) for
		// a unit that a column never holds, and read all of that filter's complaints to
		// find none. PostgreSQL's statistics tell it so.
		from := "complaints"
		if !s.e.Postgres {
			from = "complaints INDEXED BY complaints_" + col
		}
		for _, u := range units {
			terms := append([]string{col + " = ?"}, w.terms...)
			arms = append(arms, `SELECT * FROM (SELECT id, received_at FROM `+from+` WHERE `+strings.Join(terms, " AND ")+
				order+` LIMIT ?) AS k`+strconv.Itoa(len(arms)))
			args = append(append(append(args, u), w.args...), limit)
		}
	}
	return strings.Join(arms, " UNION "), args, true
}

// selectiveFilter says whether f has a filter with an index of its own that selects few
// complaints (an open status, a kind, a channel, a staff member, a complainant, a
// handler, late handovers): reading that index newest first with the scope checked row
// by row finds a page sooner than reading each unit's complaints until a page of them
// matches, which for such a filter can be all of them (measured at a million complaints:
// a department's 已受理 5.8 ms the first way, 169 ms the second).
func selectiveFilter(f tousu.ComplaintFilter) bool {
	return f.Kind != "" || f.Channel != "" || f.TargetStaff != "" || f.TargetUnit != "" || f.Handler != "" ||
		f.PhoneIndex != "" || f.IDNumberIndex != "" || f.NameIndex != "" || f.LateHandover ||
		slices.ContainsFunc(f.Statuses, tousu.Status.Open)
}

// scopedNewest is ListComplaints' statement for a scoped list newest first, through
// scopedKeys: the newest page of the units' newest pages.
func (s *Store) scopedNewest(f tousu.ComplaintFilter) (string, []any, bool) {
	limit := pageLimit(f.Limit)
	union, args, ok := s.scopedKeys(f, limit, true)
	if !ok {
		return "", nil, false
	}
	query := `SELECT ` + complaintColumns + ` FROM complaints WHERE id IN (SELECT id FROM (` + union +
		`) AS keys ORDER BY received_at DESC, id DESC LIMIT ?) ORDER BY received_at DESC, id DESC LIMIT ?`
	return query, append(args, limit, limit), true
}

// listQuery builds ListComplaints' statement.
func (s *Store) listQuery(f tousu.ComplaintFilter) (string, []any, error) {
	if f.Order == tousu.OrderNewest || f.Order == "" {
		if q, args, ok := s.scopedNewest(f); ok {
			return q, args, nil
		}
	}
	if q, args, ok := s.statusesByDue(f); ok {
		return q, args, nil
	}
	w := s.ComplaintWhere(f)
	from := s.listFrom(w, f)
	var order string
	switch f.Order {
	case tousu.OrderNewest, "":
		if from != fromComplaints {
			// Hits newest first in the index's own order (search.go), after the cursor's
			// complaint; a cursor naming no complaint starts at its instant.
			order = " ORDER BY " + s.docColumn() + " DESC"
			if a := f.After; a != nil {
				w.add(s.docColumn()+" < COALESCE((SELECT doc FROM complaint_search WHERE complaint_id = ?), ?)",
					a.ID, docBase(a.Key))
			}
			break
		}
		order = " ORDER BY received_at DESC, id DESC"
		if f.After != nil {
			w.NewestBefore(f.After.Key, f.After.ID)
		}
	case tousu.OrderDue:
		// Complaints without a due date ('') sort first, as cursor key 0.
		order = " ORDER BY due_date, received_at, id"
		w.dueAfter(f.After)
	default:
		return "", nil, &tousu.Error{Kind: tousu.KindInvalid, Message: "不支持的排序方式", Fields: map[string]string{"order": "不支持的排序方式"}}
	}
	query := `SELECT ` + complaintColumns + from + w.String() + order + ` LIMIT ?`
	return query, append(w.args, pageLimit(f.Limit)), nil
}

// CountComplaints counts the complaints that f selects, ignoring its order and cursor:
// with f.CountUpTo, only until CountUpTo+1 have been found, so that a count over a large
// table costs at most that many rows.
func (s *Store) CountComplaints(ctx context.Context, f tousu.ComplaintFilter) (n int, err error) {
	defer s.wrap(&err, "store.CountComplaints")
	query, args := s.countQuery(f)
	err = s.Search(ctx, f.Query, func(q Querier) error {
		return q.QueryRow(ctx, query, args...).Scan(&n)
	})
	return n, err
}

// CountQuery is the statement CountComplaints runs for f, with its arguments, for the
// engines' query-plan tests.
func (s *Store) CountQuery(f tousu.ComplaintFilter) (string, []any) { return s.countQuery(f) }

// countQuery builds CountComplaints' statement.
func (s *Store) countQuery(f tousu.ComplaintFilter) (string, []any) {
	if f.CountUpTo > 0 {
		f.After = nil
		if union, args, ok := s.scopedKeys(f, f.CountUpTo+1, false); ok {
			return `SELECT COUNT(*) FROM (SELECT id FROM (` + union + `) AS keys LIMIT ?) AS capped`, append(args, f.CountUpTo+1)
		}
	}
	w := s.ComplaintWhere(f)
	from := s.listFrom(w, f)
	if f.CountUpTo <= 0 {
		return `SELECT COUNT(*)` + from + w.String(), w.args
	}
	return `SELECT COUNT(*) FROM (SELECT 1` + from + w.String() + ` LIMIT ?) AS capped`, append(w.args, f.CountUpTo+1)
}

// Search runs a list query: with a search term the engine's way (Engine.Search), else on
// the read pool.
func (s *Store) Search(ctx context.Context, query string, fn func(q Querier) error) error {
	if strings.TrimSpace(query) == "" || s.e.Search == nil {
		return fn(s.e.Read)
	}
	return s.e.Search(ctx, fn)
}
