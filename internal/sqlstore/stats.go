package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"tousu"
)

// The statistics' write side: each complaint's fact row, rewritten in the complaint's own
// write transaction (CreateComplaint, UpdateComplaint, and any bulk path that writes
// complaint rows through writeStats), and one row queued in stats_pending with the fact
// stored before and the fact of the new projection. FoldStats folds the queue into the
// rollups later, many rows at once (tousu.StatDelta summed in Go), so that a registration
// upserts no rollup row: dozens of upserts each, into rows every registration shares,
// made SQLite's single writer the bottleneck and serialised PostgreSQL's nodes on the
// hot rows until commit. Every read of the rollups folds the queue first (SumStats), so
// the figures are exact whenever they are read.

// repeatOf reports whether the store holds an earlier complaint by the same complainant
// (the blind indexes of phone and ID number). It is the one seam of the repeat figure:
// a table of links between complaints (same matter, related cases) answers here too
// once it exists, and nothing else changes. A merged complaint is a repeat by its
// projection already (tousu.StatFactOf).
func repeatOf(ctx context.Context, q Querier, c *tousu.Complaint) (bool, error) {
	if c.Identity.Anonymous {
		return false, nil
	}
	for _, x := range []struct{ col, v string }{{"phone_index", c.Identity.PhoneIndex}, {"id_number_index", c.Identity.IDNumberIndex}} {
		if x.v == "" {
			continue
		}
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM complaints WHERE `+x.col+` = ? AND `+x.col+` <> '' AND received_at < ? AND id <> ? LIMIT 1`,
			x.v, millis(c.ReceivedAt), c.ID).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !noRows(err) {
			return false, err
		}
	}
	return false, nil
}

// markLater gives the complaints received after c by the same complainant, and not yet
// known as repeats, their earlier complaint: c, registered late (a letter, a backlog).
// Part of the repeat seam, beside repeatOf.
func markLater(ctx context.Context, q Querier, c *tousu.Complaint) error {
	if c.Identity.Anonymous {
		return nil
	}
	type later struct {
		id, fact string
		earlier  int
	}
	var found []later
	for _, x := range []struct{ col, v string }{{"phone_index", c.Identity.PhoneIndex}, {"id_number_index", c.Identity.IDNumberIndex}} {
		if x.v == "" {
			continue
		}
		// The complainant's later complaints first, through the blind index, then their
		// facts by key. Written as a join with the facts filtered on earlier, PostgreSQL
		// planned it from the facts' side whenever their statistics were older than a
		// bulk load (a filter on an unanalysed column looks rare): a scan of every fact
		// for each complaint loaded, 5–45 ms at 10,000 complaints.
		rows, err := q.Query(ctx, `WITH later AS MATERIALIZED (SELECT id FROM complaints
				WHERE `+x.col+` = ? AND `+x.col+` <> '' AND received_at > ? AND anonymous = FALSE)
			SELECT f.complaint_id, f.fact, f.earlier FROM later JOIN stats_facts f ON f.complaint_id = later.id`,
			x.v, millis(c.ReceivedAt))
		ls, err := collect(rows, err, func(r Row) (later, error) {
			var l later
			return l, r.Scan(&l.id, &l.fact, &l.earlier)
		})
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.earlier == 0 && !slices.ContainsFunc(found, func(o later) bool { return o.id == l.id }) {
				found = append(found, l)
			}
		}
	}
	for _, l := range found {
		var old tousu.StatFact
		if err := json.Unmarshal([]byte(l.fact), &old); err != nil {
			return err
		}
		f := old
		f.Repeat = true
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE stats_facts SET earlier = 1, repeat = 1, fact = ? WHERE complaint_id = ?`, string(b), l.id); err != nil {
			return err
		}
		if err := queueStats(ctx, q, l.fact, string(b)); err != nil {
			return err
		}
	}
	return nil
}

// unitPath is unit and the units above it, up to the root, from the organisation tree;
// unit alone when the tree does not know it.
func unitPath(ctx context.Context, q Querier, unit string) ([]string, error) {
	rows, err := q.Query(ctx, `WITH RECURSIVE up (code, parent, n) AS (
			SELECT code, parent, 0 FROM units WHERE code = ?
			UNION ALL
			SELECT u.code, u.parent, up.n + 1 FROM units u JOIN up ON u.code = up.parent WHERE up.n < 64
		) SELECT code FROM up ORDER BY n`, unit)
	path, err := collect(rows, err, func(r Row) (string, error) {
		var c string
		return c, r.Scan(&c)
	})
	if err != nil {
		return nil, err
	}
	if len(path) == 0 {
		path = []string{unit}
	}
	return path, nil
}

const insertFact = `INSERT INTO stats_facts (complaint_id, unit, received_day, consultation, refused, replied_day, on_time,
	decided_day, founded, rated_day, satisfied, repeat, earlier, fact)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (complaint_id) DO UPDATE SET unit = excluded.unit, received_day = excluded.received_day,
	consultation = excluded.consultation, refused = excluded.refused, replied_day = excluded.replied_day,
	on_time = excluded.on_time, decided_day = excluded.decided_day, founded = excluded.founded,
	rated_day = excluded.rated_day, satisfied = excluded.satisfied, repeat = excluded.repeat,
	earlier = excluded.earlier, fact = excluded.fact`

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeStats brings c's fact row up to date with its projection, and queues the change
// for the rollups, in the transaction q that writes c. created says that c is new (no
// fact stored yet).
func writeStats(ctx context.Context, q Querier, c *tousu.Complaint, created bool) error {
	var (
		old     *tousu.StatFact
		oldText string
		earlier bool
	)
	if !created {
		var e int
		err := q.QueryRow(ctx, `SELECT earlier, fact FROM stats_facts WHERE complaint_id = ?`, c.ID).Scan(&e, &oldText)
		switch {
		case noRows(err):
			created = true
		case err != nil:
			return err
		default:
			old = new(tousu.StatFact)
			if err := json.Unmarshal([]byte(oldText), old); err != nil {
				return err
			}
			earlier = e != 0
		}
	}
	if created {
		var err error
		if earlier, err = repeatOf(ctx, q, c); err != nil {
			return err
		}
		if err := markLater(ctx, q, c); err != nil {
			return err
		}
	}
	f := tousu.StatFactOf(c, earlier)
	var err error
	if old != nil && old.Unit == f.Unit {
		f.Path = old.Path // the tree is read again only when the unit changes
	} else if f.Path, err = unitPath(ctx, q, f.Unit); err != nil {
		return err
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if string(b) == oldText {
		return nil // most changes (notes, urges, warnings) change no figure
	}
	if _, err := q.Exec(ctx, insertFact, c.ID, f.Unit, tousu.DateKey(f.ReceivedOn), b2i(f.Consultation), b2i(f.Refused),
		tousu.DateKey(f.RepliedOn), b2i(f.OnTime), tousu.DateKey(f.DecidedOn), b2i(f.Founded),
		tousu.DateKey(f.RatedOn), b2i(f.Satisfied), b2i(f.Repeat), b2i(earlier), string(b)); err != nil {
		return err
	}
	return queueStats(ctx, q, oldText, string(b))
}

// queueStats queues the replacement of fact before ("" for none) by fact after, both as
// stored in stats_facts, for FoldStats: one insert, into a table whose rows no other
// writer shares.
func queueStats(ctx context.Context, q Querier, before, after string) error {
	_, err := q.Exec(ctx, `INSERT INTO stats_pending (before_fact, after_fact) VALUES (?, ?)`, before, after)
	return err
}

// StatsFoldBatch is how many queued changes one FoldStats transaction takes at most.
const StatsFoldBatch = 1000

// statsFoldLock is the key of the transaction-scoped advisory lock that PostgreSQL's
// folders take (the ASCII of "tousufld"), so that one folder at a time, on any node,
// takes queued rows and adds them to the rollups. Writers never take it.
const statsFoldLock int64 = 0x746f757375666c64

// FoldStats folds up to limit queued changes (the oldest first) into the rollups in one
// write transaction and returns how many it folded: it deletes them from the queue,
// returning them, sums their deltas in Go — registrations of a day share most of their
// rollup rows, so a thousand changes come to a few hundred rows — and upserts the sums
// in a stable order. On PostgreSQL it first waits for the advisory lock of the folders,
// so that a fold that returns has seen every change committed before it began that
// another folder had not yet folded; the rows a folder deletes are its own either way.
func (s *Store) FoldStats(ctx context.Context, limit int) (n int, err error) {
	defer s.wrap(&err, "store.FoldStats")
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		n = 0
		if s.e.Postgres {
			if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, statsFoldLock); err != nil {
				return err
			}
		}
		rows, err := q.Query(ctx, `DELETE FROM stats_pending WHERE seq IN (SELECT seq FROM stats_pending ORDER BY seq LIMIT ?)
			RETURNING before_fact, after_fact`, limit)
		changes, err := collect(rows, err, func(r Row) ([2]string, error) {
			var c [2]string
			return c, r.Scan(&c[0], &c[1])
		})
		if err != nil {
			return err
		}
		total := map[tousu.StatKey]*tousu.StatMeasures{}
		for _, c := range changes {
			var facts [2]*tousu.StatFact
			for i, text := range c {
				if text == "" {
					continue
				}
				facts[i] = new(tousu.StatFact)
				if err := json.Unmarshal([]byte(text), facts[i]); err != nil {
					return err
				}
			}
			addDelta(total, tousu.StatDelta(facts[0], facts[1]))
		}
		for k, m := range total {
			if *m == (tousu.StatMeasures{}) {
				delete(total, k) // changes that cancel out (a withdrawal undone) write nothing
			}
		}
		n = len(changes)
		return addRollup(ctx, q, s.maxParams(), total)
	})
	return n, err
}

// foldPending folds the whole queue before a read of the rollups, after a cheap check
// that finds it empty most of the time (the serve nodes fold it every second, app.RunStatsFold).
// Every change committed before the read is then in the rollups: the figures read are
// exact. Folding rather than adding the queue's deltas to what is read, because the two
// reads would need one snapshot, which PostgreSQL's read-committed pool does not give, and
// because the figures are read seldom beside how often complaints are written.
func (s *Store) foldPending(ctx context.Context) error {
	var one int
	err := s.e.Read.QueryRow(ctx, `SELECT 1 FROM stats_pending LIMIT 1`).Scan(&one)
	if noRows(err) {
		return nil
	}
	for err == nil {
		var n int
		if n, err = s.FoldStats(ctx, StatsFoldBatch); n < StatsFoldBatch {
			break
		}
	}
	return err
}

// addDelta adds delta d to total.
func addDelta(total, d map[tousu.StatKey]*tousu.StatMeasures) {
	for k, m := range d {
		t := total[k]
		if t == nil {
			t = new(tousu.StatMeasures)
			total[k] = t
		}
		for i, v := range m {
			t[i] += v
		}
	}
}

var measureCols = strings.Join(tousu.StatMeasureNames[:], ", ")

// upsertRollup adds rows of counters to the rollups, many rows a statement (Insert): a
// fold sums a thousand queued changes into a few hundred rows, most of them of different
// days and units when the changes are a bulk load's.
var upsertRollup = func() Insert {
	var set []string
	for _, m := range tousu.StatMeasureNames {
		set = append(set, m+" = stats_rollup."+m+" + excluded."+m)
	}
	return Insert{
		Head:  `INSERT INTO stats_rollup (dim, grain, day, unit, key, ` + measureCols + `)`,
		Width: 5 + tousu.StatMeasureCount,
		Tail:  ` ON CONFLICT (dim, unit, grain, day, key) DO UPDATE SET ` + strings.Join(set, ", "),
	}
}()

// addRollup adds a delta to the rollups, in a stable order so that two writers on
// PostgreSQL lock the rows they share in the same order. Each key is in d once, so no
// statement updates a row twice (which PostgreSQL refuses).
func addRollup(ctx context.Context, q Querier, limit int, d map[tousu.StatKey]*tousu.StatMeasures) error {
	keys := make([]tousu.StatKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b tousu.StatKey) int {
		return cmp.Or(strings.Compare(a.Dim, b.Dim), strings.Compare(a.Unit, b.Unit), strings.Compare(a.Grain, b.Grain),
			a.Day.Compare(b.Day), strings.Compare(a.Key, b.Key))
	})
	return upsertRollup.Run(ctx, q, limit, len(keys), func(i int, args []any) []any {
		k := keys[i]
		args = append(args, k.Dim, k.Grain, tousu.DateKey(k.Day), k.Unit, k.Key)
		for _, v := range d[k] {
			args = append(args, v)
		}
		return args
	}, nil)
}

// SumStats returns the rollup sums of a dimension over a period, one row per unit and key
// — and per day when f.ByDay (a month's row then stands for its whole month unless
// f.DaysOnly). Full months are read from the monthly rows, the days around them from the
// daily rows: a year is about twelve rows per unit and key.
func (s *Store) SumStats(ctx context.Context, f tousu.StatSum) (_ []tousu.StatRow, err error) {
	defer s.wrap(&err, "store.SumStats(%q)", f.Dim)
	if f.To.Before(f.From) {
		return nil, nil
	}
	if err := s.foldPending(ctx); err != nil {
		return nil, err
	}
	from, to := tousu.DateKey(f.From), tousu.DateKey(f.To)
	// Each part is, for each unit asked for, a range of the primary key (dim, unit, grain,
	// day, key): the months wholly inside [from, to] from the monthly rows, the days around
	// them from the daily rows.
	type part struct {
		grain  string
		lo, hi int64 // day >= lo AND day <= hi
	}
	var parts []part
	m0 := tousu.MonthOf(f.From)
	if m0 != f.From {
		m0 = tousu.MonthOf(m0.AddDays(31))
	}
	m1 := tousu.MonthOf(f.To) // the first month after the last whole one
	if f.To.AddDays(1).Day == 1 {
		m1 = f.To.AddDays(1)
	}
	if f.DaysOnly || !m0.Before(m1) {
		parts = []part{{"d", from, to}}
	} else {
		parts = []part{{"m", tousu.DateKey(m0), tousu.DateKey(m1) - 1}}
		if f.From.Before(m0) {
			parts = append(parts, part{"d", from, tousu.DateKey(m0) - 1})
		}
		if !m1.After(f.To) {
			parts = append(parts, part{"d", tousu.DateKey(m1), to})
		}
	}
	var (
		union []string
		args  []any
	)
	w := s.where()
	if f.Units != nil {
		in(w, []string{"unit"}, f.Units)
	}
	scope := strings.Replace(w.String(), " WHERE ", " AND ", 1)
	for _, p := range parts {
		union = append(union, `SELECT day, unit, key, `+measureCols+` FROM stats_rollup
			WHERE dim = ? AND grain = ? AND day >= ? AND day <= ?`+scope)
		args = append(args, f.Dim, p.grain, p.lo, p.hi)
		args = append(args, w.args...)
	}
	sums := make([]string, tousu.StatMeasureCount)
	for i, m := range tousu.StatMeasureNames {
		sums[i] = "SUM(" + m + ")"
	}
	// The selected day and unit are constants when not grouped by: the GROUP BY then
	// names only what varies.
	day, unit, group := "0", "''", []string{"key"}
	if f.ByDay {
		day, group = "day", append(group, "day")
	}
	if f.ByUnit {
		unit, group = "unit", append(group, "unit")
	}
	query := `SELECT ` + day + `, ` + unit + `, key, ` + strings.Join(sums, ", ") + ` FROM (` + strings.Join(union, " UNION ALL ") + `) r
		GROUP BY ` + strings.Join(group, ", ")
	rows, err := s.e.Read.Query(ctx, query, args...)
	return collect(rows, err, func(r Row) (tousu.StatRow, error) {
		var (
			row  = tousu.StatRow{Dim: f.Dim}
			day  int64
			dest = []any{&day, &row.Unit, &row.Key}
		)
		for i := range row.Measures {
			dest = append(dest, &row.Measures[i])
		}
		err := r.Scan(dest...)
		row.Day = tousu.KeyDate(day)
		return row, err
	})
}

// OverdueOpen returns the facts of the complaints open today whose running clock is past
// due: a figure of the moment, counted live rather than rolled up, since it changes with
// the calendar and not with any write.
func (s *Store) OverdueOpen(ctx context.Context, today tousu.Date) (_ []tousu.StatFact, err error) {
	defer s.wrap(&err, "store.OverdueOpen")
	rows, err := s.e.Read.Query(ctx, `SELECT `+complaintColumns+` FROM complaints
		WHERE clock_running = TRUE AND due_date > '' AND due_date < ?`, today.String())
	cs, err := collect(rows, err, scanComplaint)
	out := make([]tousu.StatFact, len(cs))
	for i, c := range cs {
		out[i] = tousu.StatFactOf(c, false)
	}
	return out, err
}

// RebuildStats recomputes every fact and the rollups from the complaints, in one
// transaction, and empties the queue of changes not yet folded, which the recount
// includes: the backfill after the migration that brought the statistics, and the
// repair of figures after a fault. The earlier-complaint flag is kept where a fact has
// one; complaints without a fact get it from repeatOf.
func (s *Store) RebuildStats(ctx context.Context) (err error) {
	defer s.wrap(&err, "store.RebuildStats")
	return s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		return s.rebuildStats(ctx, q)
	})
}

func (s *Store) rebuildStats(ctx context.Context, q Querier) error {
	if s.e.Postgres {
		// Writers write a fact, then queue its change: once the facts and the queue are
		// locked in that order, no writer is half-way, and the writers that come next
		// wait for the recount to commit and queue their changes on top of it.
		if _, err := q.Exec(ctx, `LOCK TABLE stats_facts, stats_pending IN EXCLUSIVE MODE`); err != nil {
			return err
		}
	}
	earlier := map[string]bool{}
	rows, err := q.Query(ctx, `SELECT complaint_id, earlier FROM stats_facts`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var e int
		if err := rows.Scan(&id, &e); err != nil {
			rows.Close()
			return err
		}
		earlier[id] = e != 0
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM stats_pending`); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM stats_rollup`); err != nil {
		return err
	}
	if _, err := q.Exec(ctx, `DELETE FROM stats_facts`); err != nil {
		return err
	}
	const page = 1000
	after := ""
	paths := map[string][]string{}
	total := map[tousu.StatKey]*tousu.StatMeasures{}
	for {
		rows, err := q.Query(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE id > ? ORDER BY id LIMIT ?`, after, page)
		cs, err := collect(rows, err, scanComplaint)
		if err != nil {
			return err
		}
		for _, c := range cs {
			e, ok := earlier[c.ID]
			if !ok {
				if e, err = repeatOf(ctx, q, c); err != nil {
					return err
				}
			}
			f := tousu.StatFactOf(c, e)
			if f.Path = paths[f.Unit]; f.Path == nil {
				if f.Path, err = unitPath(ctx, q, f.Unit); err != nil {
					return err
				}
				paths[f.Unit] = f.Path
			}
			b, err := json.Marshal(f)
			if err != nil {
				return err
			}
			if _, err := q.Exec(ctx, insertFact, c.ID, f.Unit, tousu.DateKey(f.ReceivedOn), b2i(f.Consultation), b2i(f.Refused),
				tousu.DateKey(f.RepliedOn), b2i(f.OnTime), tousu.DateKey(f.DecidedOn), b2i(f.Founded),
				tousu.DateKey(f.RatedOn), b2i(f.Satisfied), b2i(f.Repeat), b2i(e), string(b)); err != nil {
				return err
			}
			addDelta(total, tousu.StatDelta(nil, &f))
		}
		if len(cs) < page {
			break
		}
		after = cs[len(cs)-1].ID
	}
	return addRollup(ctx, q, s.maxParams(), total)
}

// BackfillStats runs RebuildStats once after the migration that created the statistics
// asked for it (the setting stats.backfill), on one node: the setting is deleted in the
// same transaction, and a node that finds it gone has nothing to do.
func (s *Store) BackfillStats(ctx context.Context) (err error) {
	defer s.wrap(&err, "store.BackfillStats")
	return s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `DELETE FROM settings WHERE key = 'stats.backfill'`)
		if err != nil || n == 0 {
			return err
		}
		return s.rebuildStats(ctx, q)
	})
}

// statWhere adds the drill-down of a figure: the complaints whose fact the figure counted
// in the period, through stats_facts.
func statWhere(w *where, f *tousu.StatFilter) {
	day := "received_day"
	var cond []string
	switch f.Figure {
	case "received":
		cond = []string{"consultation = 0"}
	case "consultations":
		cond = []string{"consultation = 1"}
	case "not_accepted":
		cond = []string{"consultation = 0", "refused = 1"}
	case "repeat":
		cond = []string{"consultation = 0", "repeat = 1"}
	case "replied":
		day = "replied_day"
	case "replied_on_time":
		day, cond = "replied_day", []string{"on_time = 1"}
	case "replied_late":
		day, cond = "replied_day", []string{"on_time = 0"}
	case "decided":
		day = "decided_day"
	case "founded":
		day, cond = "decided_day", []string{"founded = 1"}
	case "rated":
		day = "rated_day"
	case "satisfied":
		day, cond = "rated_day", []string{"satisfied = 1"}
	default:
		w.add("FALSE")
		return
	}
	sub := w.s.where()
	for _, c := range cond {
		sub.add(c)
	}
	sub.add(day + " <> 0")
	if !f.From.IsZero() {
		sub.add(day+" >= ?", tousu.DateKey(f.From))
	}
	if !f.To.IsZero() {
		sub.add(day+" <= ?", tousu.DateKey(f.To))
	}
	if f.Units != nil {
		in(sub, []string{"unit"}, f.Units)
	}
	w.add("id IN (SELECT complaint_id FROM stats_facts"+sub.String()+")", sub.args...)
}
