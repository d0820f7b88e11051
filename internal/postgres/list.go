package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"tousu"
)

// The page sizes of ListComplaints.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// where is a WHERE clause under construction: terms ANDed together over numbered
// arguments. Only constant SQL goes into terms; every value is an argument.
type where struct {
	terms []string
	args  []any
}

// arg binds v and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(term string) { w.terms = append(w.terms, term) }

func (w *where) String() string {
	if len(w.terms) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.terms, " AND ")
}

// storableOnly keeps the values PostgreSQL can hold as text: the others equal nothing
// stored, so leaving them out of an IN list changes no answer.
func storableOnly[T ~string](xs []T) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if storable(string(x)) {
			out = append(out, string(x))
		}
	}
	return out
}

// equals is "col = $n", or FALSE for a value no row can hold.
func (w *where) equals(col, v string) {
	if !storable(v) {
		w.add("FALSE")
		return
	}
	w.add(col + " = " + w.arg(v))
}

// inList is "col = ANY($n)" over the storable values (ORed for several columns), or FALSE
// when none is. A single value is "col = $n": PostgreSQL (before 17) reads an index in
// order only for an equality, and one status or one unit is the common list page.
func inList[T ~string](w *where, cols []string, xs []T) {
	vals := storableOnly(xs)
	if len(vals) == 0 {
		w.add("FALSE")
		return
	}
	var cmp string
	if len(vals) == 1 {
		cmp = " = " + w.arg(vals[0])
	} else {
		cmp = " = ANY(" + w.arg(vals) + ")"
	}
	terms := make([]string, len(cols))
	for i, c := range cols {
		terms[i] = c + cmp
	}
	w.add("(" + strings.Join(terms, " OR ") + ")")
}

// escapeLike escapes LIKE's wildcards in s, for "ILIKE $n ESCAPE '\'".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// complaintWhere is the WHERE clause of f's filters (not its cursor).
func complaintWhere(f tousu.ComplaintFilter) *where {
	w := &where{}
	if f.Scope != nil {
		// An empty scope covers no unit and selects nothing.
		inList(w, []string{"owner_unit", "target_unit", "assigned_unit"}, f.Scope)
	}
	if s := f.ExcludeTargetStaff; s != "" && storable(s) {
		// A badge no row can hold excludes nothing.
		w.add("target_staff <> " + w.arg(s))
	}
	if vals := storableOnly(f.ExcludeTargetStaffs); len(vals) > 0 {
		w.add("target_staff <> ALL(" + w.arg(vals) + ")")
	}
	if len(f.Units) > 0 {
		inList(w, []string{"target_unit", "assigned_unit"}, f.Units)
	}
	if len(f.AssignedUnits) > 0 {
		inList(w, []string{"assigned_unit"}, f.AssignedUnits)
	}
	if f.Handler != "" {
		w.equals("handler", f.Handler)
	}
	if f.HandlerOrNone != "" {
		if storable(f.HandlerOrNone) {
			w.add("handler IN ('', " + w.arg(f.HandlerOrNone) + ")")
		} else {
			w.add("handler = ''")
		}
	}
	if len(f.Statuses) > 0 {
		inList(w, []string{"status"}, f.Statuses)
	}
	if f.Kind != "" {
		w.equals("kind", string(f.Kind))
	}
	if f.Channel != "" {
		w.equals("channel", string(f.Channel))
	}
	if f.Category != "" {
		if storable(f.Category) {
			w.add("id IN (SELECT complaint_id FROM complaint_categories WHERE category = " + w.arg(f.Category) + ")")
		} else {
			w.add("FALSE")
		}
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// A stopgap until the bigram full-text index fills the search column: a substring
		// of the searched columns, case-insensitive for ASCII only (ILIKE under COLLATE
		// "C"), which is SQLite's LIKE.
		if storable(q) {
			p := w.arg("%" + escapeLike(q) + "%")
			w.add(`(number ILIKE ` + p + ` ESCAPE '\' OR matter ILIKE ` + p + ` ESCAPE '\' OR request ILIKE ` + p +
				` ESCAPE '\' OR target_description ILIKE ` + p + ` ESCAPE '\')`)
		} else {
			w.add("FALSE")
		}
	}
	// The blind indexes have partial indexes (WHERE … <> ''): saying so lets a generic
	// plan use them too, and changes nothing, since the value is not ''.
	if f.PhoneIndex != "" {
		w.equals("phone_index", f.PhoneIndex)
		w.add("phone_index <> ''")
	}
	if f.IDNumberIndex != "" {
		w.equals("id_number_index", f.IDNumberIndex)
		w.add("id_number_index <> ''")
	}
	if f.TargetStaff != "" {
		w.equals("target_staff", f.TargetStaff)
	}
	if f.NameIndex != "" {
		w.equals("name_index", f.NameIndex)
		w.add("name_index <> ''")
	}
	if f.LateHandover {
		w.add("late_handover")
	}
	if f.AlertsLacking != 0 {
		bits := w.arg(f.AlertsLacking)
		w.add("(alerts & " + bits + ") <> " + bits)
	}
	if f.Marks != 0 {
		// "marks <> 0" lets the planner use the partial index of marked cases.
		bits := w.arg(f.Marks)
		w.add("(marks & " + bits + ") = " + bits)
		w.add("marks <> 0")
	}
	if !f.DueFrom.IsZero() || !f.DueTo.IsZero() {
		// Only running clocks are due; '' (no due date yet) sorts below every date.
		w.add("clock_running")
		w.add("due_date > ''")
		if !f.DueFrom.IsZero() {
			w.add("due_date >= " + w.arg(f.DueFrom.String()))
		}
		if !f.DueTo.IsZero() {
			w.add("due_date <= " + w.arg(f.DueTo.String()))
		}
	}
	if !f.From.IsZero() {
		w.add("received_at >= " + w.arg(millis(f.From)))
	}
	if !f.To.IsZero() {
		w.add("received_at < " + w.arg(millis(f.To)))
	}
	return w
}

// newestBefore is the cursor condition of OrderNewest: after (key, id) in received_at
// DESC, id DESC order. The row comparison is what lets PostgreSQL start the index scan of
// complaints_received at the cursor instead of filtering its way there. An ID PostgreSQL
// cannot hold as text (a forged cursor) is compared as bytes, which is how SQLite compares
// any text.
func (w *where) newestBefore(key int64, id string) string {
	k := w.arg(key)
	if storable(id) {
		return "(received_at, id) < (" + k + ", " + w.arg(id) + ")"
	}
	return "(received_at < " + k + " OR (received_at = " + k + " AND convert_to(id, 'UTF8') < " + w.arg([]byte(id)) + "::bytea))"
}

// ListComplaints returns at most f.Limit (default 50, at most 500) complaints in f.Order
// after f.After.
func (db *DB) ListComplaints(ctx context.Context, f tousu.ComplaintFilter) (_ []*tousu.Complaint, err error) {
	defer wrap(&err, "postgres.ListComplaints")
	w := complaintWhere(f)
	var order string
	switch f.Order {
	case tousu.OrderNewest, "":
		order = " ORDER BY received_at DESC, id DESC"
		if f.After != nil {
			w.add(w.newestBefore(f.After.Key, f.After.ID))
		}
	case tousu.OrderDue:
		// Complaints without a due date ('') sort first, as cursor key 0.
		order = " ORDER BY due_date, received_at, id"
		if f.After != nil {
			// The cursor carries the due date and the ID; the received_at between them is
			// the cursor complaint's own, which never changes.
			due := w.arg(tousu.KeyDate(f.After.Key).String())
			if storable(f.After.ID) {
				id := w.arg(f.After.ID)
				w.add("(due_date, received_at, id) > (" + due + ", (SELECT received_at FROM complaints WHERE id = " + id + "), " + id + ")")
			} else {
				// A forged ID matches no row: its received_at is NULL, and the comparison
				// is decided by the due date alone (NULL when equal), as in SQLite.
				w.add("(due_date, received_at, id) > (" + due + ", NULL::bigint, '')")
			}
		}
	default:
		return nil, &tousu.Error{Kind: tousu.KindInvalid, Message: "不支持的排序方式", Fields: map[string]string{"order": "不支持的排序方式"}}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	sql := `SELECT ` + complaintColumns + ` FROM complaints` + w.String() + order + ` LIMIT ` + w.arg(limit)

	var out []*tousu.Complaint
	err = db.search(ctx, f.Query, func(q querier) error {
		rows, err := q.Query(ctx, sql, w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanComplaint(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// CountComplaints counts the complaints that f selects, ignoring its order and cursor.
func (db *DB) CountComplaints(ctx context.Context, f tousu.ComplaintFilter) (n int, err error) {
	defer wrap(&err, "postgres.CountComplaints")
	w := complaintWhere(f)
	err = db.search(ctx, f.Query, func(q querier) error {
		return q.QueryRow(ctx, `SELECT COUNT(*) FROM complaints`+w.String(), w.args...).Scan(&n)
	})
	return n, err
}

// search runs a list query. Without a search term it runs on the pool, where pgx's
// prepared statements may settle on a generic plan: the filters' plans barely depend on
// their values. With one, the best plan does: a rare phrase wants the text index, a
// common one the received_at order — and a cached generic plan was once 45 times slower
// on the rare phrase. So the query runs in a read-only transaction that sets
// plan_cache_mode = force_custom_plan for itself alone (SET LOCAL ends with the
// transaction, so the pooled connection goes back unchanged), at the price of two short
// round trips.
func (db *DB) search(ctx context.Context, query string, fn func(q querier) error) error {
	if strings.TrimSpace(query) == "" {
		return fn(db.pool)
	}
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_custom_plan`); err != nil {
			return err
		}
		return fn(tx)
	})
}
