package sqlite

import (
	"context"
	"strings"

	"tousu"
)

// The page sizes of ListComplaints.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// where is a WHERE clause under construction: terms ANDed together, each with its bound
// arguments. Only constant SQL goes into terms; every value is an argument.
type where struct {
	terms []string
	args  []any
}

func (w *where) add(term string, args ...any) {
	w.terms = append(w.terms, term)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.terms) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.terms, " AND ")
}

// in is "(?, ?, …)" for n values.
func in(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// escapeLike escapes LIKE's wildcards in s, for "LIKE ? ESCAPE '\'".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// complaintWhere is the WHERE clause of f's filters (not its cursor).
func complaintWhere(f tousu.ComplaintFilter) *where {
	w := &where{}
	if f.Scope != nil {
		if len(f.Scope) == 0 {
			w.add("0") // a scope that covers no unit selects nothing
		} else {
			list := in(len(f.Scope))
			scope := anys(f.Scope)
			w.add("(owner_unit IN "+list+" OR target_unit IN "+list+" OR assigned_unit IN "+list+")",
				append(append(append([]any{}, scope...), scope...), scope...)...)
		}
	}
	if f.ExcludeTargetStaff != "" {
		w.add("target_staff <> ?", f.ExcludeTargetStaff)
	}
	if len(f.ExcludeTargetStaffs) > 0 {
		w.add("target_staff NOT IN "+in(len(f.ExcludeTargetStaffs)), anys(f.ExcludeTargetStaffs)...)
	}
	if len(f.Units) > 0 {
		list := in(len(f.Units))
		units := anys(f.Units)
		w.add("(target_unit IN "+list+" OR assigned_unit IN "+list+")", append(append([]any{}, units...), units...)...)
	}
	if len(f.AssignedUnits) > 0 {
		w.add("assigned_unit IN "+in(len(f.AssignedUnits)), anys(f.AssignedUnits)...)
	}
	if f.Handler != "" {
		w.add("handler = ?", f.Handler)
	}
	if f.HandlerOrNone != "" {
		w.add("handler IN ('', ?)", f.HandlerOrNone)
	}
	if len(f.Statuses) > 0 {
		w.add("status IN "+in(len(f.Statuses)), anys(f.Statuses)...)
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.Channel != "" {
		w.add("channel = ?", f.Channel)
	}
	if f.Category != "" {
		w.add("id IN (SELECT complaint_id FROM complaint_categories WHERE category = ?)", f.Category)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// A stopgap until the bigram full-text index: a substring of the searched columns.
		p := "%" + escapeLike(q) + "%"
		w.add(`(number LIKE ? ESCAPE '\' OR matter LIKE ? ESCAPE '\' OR request LIKE ? ESCAPE '\' OR target_description LIKE ? ESCAPE '\')`,
			p, p, p, p)
	}
	// The "<> ''" terms let SQLite use the partial indexes on the blind indexes: it
	// cannot tell by itself that a bound value is not empty.
	if f.PhoneIndex != "" {
		w.add("phone_index = ?", f.PhoneIndex)
		w.add("phone_index <> ''")
	}
	if f.IDNumberIndex != "" {
		w.add("id_number_index = ?", f.IDNumberIndex)
		w.add("id_number_index <> ''")
	}
	if f.TargetStaff != "" {
		w.add("target_staff = ?", f.TargetStaff)
	}
	if f.NameIndex != "" {
		w.add("name_index = ?", f.NameIndex)
		w.add("name_index <> ''")
	}
	if f.LateHandover {
		w.add("late_handover = 1")
	}
	if f.AlertsLacking != 0 {
		w.add("(alerts & ?) <> ?", f.AlertsLacking, f.AlertsLacking)
	}
	if f.Marks != 0 {
		// "marks <> 0" lets SQLite use the partial index of marked cases.
		w.add("(marks & ?) = ?", f.Marks, f.Marks)
		w.add("marks <> 0")
	}
	if !f.DueFrom.IsZero() || !f.DueTo.IsZero() {
		// Only running clocks are due; '' (no due date yet) sorts below every date.
		w.add("clock_running = 1")
		w.add("due_date > ''")
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
	return w
}

// ListComplaints returns at most f.Limit (default 50, at most 500) complaints in f.Order
// after f.After.
func (db *DB) ListComplaints(ctx context.Context, f tousu.ComplaintFilter) (_ []*tousu.Complaint, err error) {
	defer tousu.Wrap(&err, "sqlite.ListComplaints")
	w := complaintWhere(f)
	var order string
	switch f.Order {
	case tousu.OrderNewest, "":
		order = " ORDER BY received_at DESC, id DESC"
		if f.After != nil {
			w.add("(received_at < ? OR (received_at = ? AND id < ?))", f.After.Key, f.After.Key, f.After.ID)
		}
	case tousu.OrderDue:
		// Complaints without a due date ('') sort first, as cursor key 0.
		order = " ORDER BY due_date, received_at, id"
		if f.After != nil {
			// The cursor carries the due date and the ID; the received_at between them is
			// the cursor complaint's own, which never changes.
			w.add("(due_date, received_at, id) > (?, (SELECT received_at FROM complaints WHERE id = ?), ?)",
				tousu.KeyDate(f.After.Key).String(), f.After.ID, f.After.ID)
		}
	default:
		return nil, &tousu.Error{Kind: tousu.KindInvalid, Message: "不支持的排序方式", Fields: map[string]string{"order": "不支持的排序方式"}}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)

	rows, err := db.read.QueryContext(ctx, `SELECT `+complaintColumns+` FROM complaints`+w.String()+order+` LIMIT ?`,
		append(w.args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*tousu.Complaint
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CountComplaints counts the complaints that f selects, ignoring its order and cursor.
func (db *DB) CountComplaints(ctx context.Context, f tousu.ComplaintFilter) (n int, err error) {
	defer tousu.Wrap(&err, "sqlite.CountComplaints")
	w := complaintWhere(f)
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints`+w.String(), w.args...).Scan(&n)
	return n, err
}
