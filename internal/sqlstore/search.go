package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"strings"

	"tousu"
	"tousu/internal/cjk"
)

// The full-text index (docs/SEARCH.md). Every write of a complaint's row writes its entry
// in the same transaction: writeRegistrations (so CreateComplaint and BulkRegister, whose
// loaded complaints are indexed with the notes of their later events) through
// insertEntries, and UpdateComplaint (every action: replies, decisions, notes,
// amendments) through indexComplaint. A new path that inserts or updates complaint rows
// must do so too, or its complaints are not found by search.
//
// Both engines keep complaint_search (complaint → doc, digest); the index itself is the
// engine's own, the one place where the write differs: SQLite's FTS5 table complaint_fts
// (rowid = doc), PostgreSQL's complaint_search.terms tsvector. Both are fed the same
// internal/cjk tokens.

// docShift makes room below a received_at instant (ms) for 2^20 complaints received in
// the same millisecond; docs stay below 2^63 until the year 2248.
const docShift = 20

// docBase is the first doc of complaints received at ms.
func docBase(ms int64) int64 { return max(ms, 0) << docShift }

// docSlot is where in its millisecond a complaint's doc is first tried: a number from its
// ID, the same on both engines, so both order complaints of one millisecond alike.
func docSlot(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() & (1<<docShift - 1))
}

// searchText is the text of c that the index holds: what every reader of the case may
// search (number, matter, request, target, place, the reply), and the internal records
// (the assignment's instructions, the units' reports, the decision, the explanations and
// the investigation notes).
func searchText(c *tousu.Complaint, number string, notes []string) (body, internal []string) {
	body = []string{number, c.Matter, c.Request, c.Target.Description, c.IncidentPlace, c.BusinessReceiptNo}
	if r := c.Reply; r != nil {
		body = append(body, r.Process, r.Result, r.Improvement)
	}
	h := c.Handling
	internal = []string{h.Instructions, h.Explanation}
	if h.Report != nil {
		internal = append(internal, h.Report.Process)
	}
	for _, a := range h.Assisting {
		if a.Report != nil {
			internal = append(internal, a.Report.Process)
		}
	}
	if h.DisciplineOutcome != nil {
		internal = append(internal, h.DisciplineOutcome.Text)
	}
	if d := c.Decision; d != nil {
		internal = append(internal, d.Improvement)
	}
	return body, append(internal, notes...)
}

// noteTypes are the events whose payload's "content" is internal text to index.
const noteTypes = `'note'`

// notesOf reads the investigation notes of a complaint, in order.
func notesOf(ctx context.Context, q Querier, id string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT payload FROM events WHERE complaint_id = ? AND type IN (`+noteTypes+`) ORDER BY seq`, id)
	return collect(rows, err, func(r Row) (string, error) {
		var payload []byte
		if err := r.Scan(&payload); err != nil {
			return "", err
		}
		return noteContent(payload), nil
	})
}

// noteContent is the text of a note event's payload.
func noteContent(payload []byte) string {
	var p struct {
		Content string `json:"content"`
	}
	_ = json.Unmarshal(payload, &p) // a payload without content has no note
	return p.Content
}

// indexEntry is a complaint's entry in the full-text index: its text, the digest of
// that text, and where its doc is first tried (docBase, docSlot).
type indexEntry struct {
	id           string
	d            cjk.Doc
	digest       string
	base, slot   int64
	body, intern string // the FTS5 text of d (SQLite)
}

// entryOf is c's entry, with its number and its investigation notes.
func (s *Store) entryOf(c *tousu.Complaint, number string, notes []string) indexEntry {
	body, internal := searchText(c, number, notes)
	d := cjk.NewDoc(body, internal)
	e := indexEntry{id: c.ID, d: d, body: cjk.FTS5Text(d.Body), intern: cjk.FTS5Text(d.Internal),
		base: docBase(millis(c.ReceivedAt)), slot: docSlot(c.ID)}
	sum := sha256.Sum256([]byte(e.body + "\x00" + e.intern))
	e.digest = hex.EncodeToString(sum[:16])
	return e
}

// indexComplaint writes c's entry in the full-text index within the write transaction q,
// unless it holds that text already. A complaint being registered has no entry yet:
// writeRegistrations writes the entries of its batch with insertEntries.
func (s *Store) indexComplaint(ctx context.Context, q Querier, c *tousu.Complaint, number string) error {
	notes, err := notesOf(ctx, q, c.ID)
	if err != nil {
		return err
	}
	e := s.entryOf(c, number, notes)
	var old int64
	var oldDigest string
	err = q.QueryRow(ctx, `SELECT doc, digest FROM complaint_search WHERE complaint_id = ?`, c.ID).Scan(&old, &oldDigest)
	switch {
	case noRows(err):
	case err != nil:
		return err
	case old>>docShift == e.base>>docShift && oldDigest == e.digest:
		return nil // the same text at the same place
	default:
		if old>>docShift == e.base>>docShift {
			e.slot = old - e.base // keep its place
		}
		if _, err := q.Exec(ctx, `DELETE FROM complaint_search WHERE complaint_id = ?`, c.ID); err != nil {
			return err
		}
		if !s.e.Postgres {
			// FTS5 (contentless_delete) forgets a row by its rowid.
			if _, err := q.Exec(ctx, `DELETE FROM complaint_fts WHERE rowid = ?`, old); err != nil {
				return err
			}
		}
	}
	return s.insertEntries(ctx, q, []indexEntry{e})
}

// insertEntries inserts es, each at its slot or the next free one in the same
// millisecond. All are first tried at their slot in one multi-row insert, in order (ON
// CONFLICT DO NOTHING lets a taken doc fail without failing the transaction); the few
// whose slot was taken, by an earlier complaint or one before them in es, then try the
// next ones each. The FTS5 rows (SQLite) follow in one multi-row insert.
func (s *Store) insertEntries(ctx context.Context, q Querier, es []indexEntry) error {
	if len(es) == 0 {
		return nil
	}
	ins := Insert{Head: `INSERT INTO complaint_search (complaint_id, doc, digest)`, Width: 3,
		Tail: ` ON CONFLICT (doc) DO NOTHING RETURNING complaint_id`}
	value := func(e *indexEntry, doc int64, args []any) []any { return append(args, e.id, doc, e.digest) }
	if s.e.Postgres {
		ins.Head, ins.Row, ins.Width = `INSERT INTO complaint_search (complaint_id, doc, digest, terms)`, `(?, ?, ?, CAST(CAST(? AS text) AS tsvector))`, 4
		value = func(e *indexEntry, doc int64, args []any) []any {
			return append(args, e.id, doc, e.digest, e.d.TSVector())
		}
	}
	docs := make([]int64, len(es))
	got := make(map[string]bool, len(es))
	err := ins.Run(ctx, q, s.maxParams(), len(es),
		func(i int, args []any) []any {
			docs[i] = es[i].base + es[i].slot&(1<<docShift-1)
			return value(&es[i], docs[i], args)
		},
		func(r Row) error {
			var id string
			err := r.Scan(&id)
			got[id] = true
			return err
		})
	if err != nil {
		return err
	}
	for i := range es {
		e := &es[i]
		if got[e.id] {
			continue
		}
		for n := int64(1); ; n++ {
			if n == 1<<docShift {
				return &tousu.Error{Kind: tousu.KindConflict, Message: "同一毫秒内受理的投诉件过多，请稍后重试"}
			}
			doc := e.base + (e.slot+n)&(1<<docShift-1)
			var id string
			err := ins.Run(ctx, q, s.maxParams(), 1, func(_ int, args []any) []any { return value(e, doc, args) },
				func(r Row) error { return r.Scan(&id) })
			if err != nil {
				return err
			}
			if id == "" {
				continue // taken
			}
			docs[i] = doc
			break
		}
	}
	if s.e.Postgres {
		return nil
	}
	fts := Insert{Head: `INSERT INTO complaint_fts (rowid, body, internal)`, Width: 3}
	return fts.Run(ctx, q, s.maxParams(), len(es),
		func(i int, args []any) []any { return append(args, docs[i], es[i].body, es[i].intern) }, nil)
}

// searchBatch is how many complaints one transaction of BackfillSearch indexes.
const searchBatch = 500

// BackfillSearch indexes the complaints registered before the index existed, when the
// migration that made it left the setting search.backfill (a database with complaints
// then): in batches, each a transaction, resumable if interrupted.
func (s *Store) BackfillSearch(ctx context.Context) (n int, err error) {
	defer s.wrap(&err, "store.BackfillSearch")
	var pending string
	err = s.e.Read.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'search.backfill'`).Scan(&pending)
	if noRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	// The complaints are walked in ID order from where the last batch ended: each batch
	// reads past the complaints indexed already once, not again from the start (which
	// made the backfill of a million complaints quadratic).
	last := ""
	for {
		rows, err := s.e.Read.Query(ctx, `SELECT `+complaintColumns+` FROM complaints
			WHERE id > ? AND NOT EXISTS (SELECT 1 FROM complaint_search WHERE complaint_id = complaints.id)
			ORDER BY id LIMIT ?`, last, searchBatch)
		cs, err := collect(rows, err, scanComplaint)
		if err != nil {
			return n, err
		}
		if len(cs) > 0 {
			last = cs[len(cs)-1].ID
		}
		err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
			for _, c := range cs {
				if err := s.indexComplaint(ctx, q, c, c.Number); err != nil {
					return err
				}
			}
			if len(cs) < searchBatch {
				_, err := q.Exec(ctx, `DELETE FROM settings WHERE key = 'search.backfill'`)
				return err
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += len(cs)
		if len(cs) < searchBatch {
			return n, nil
		}
	}
}

// fromComplaints is the FROM clause of a list without a search.
const fromComplaints = ` FROM complaints`

// listFrom is the FROM clause of f's list: the complaints, joined with the index when f
// searches, whose match it adds to w. A search with nothing searchable in it (only
// punctuation) matches nothing, and so does text no engine can hold (NUL, invalid
// UTF-8), on both engines alike.
func (s *Store) listFrom(w *where, f tousu.ComplaintFilter) string {
	text := strings.TrimSpace(f.Query)
	if text == "" {
		return fromComplaints
	}
	q := cjk.Parse(text)
	if q.Empty() || !cjk.Valid(text) || strings.ContainsRune(text, 0) {
		w.add("FALSE")
		return fromComplaints
	}
	// The match goes first: the planners start from the index.
	if s.e.Postgres {
		w.terms = append([]string{"s.terms @@ CAST(CAST(? AS text) AS tsquery)"}, w.terms...)
		w.args = append([]any{q.TSQuery(f.SearchInternal)}, w.args...)
		return ` FROM complaint_search s JOIN complaints ON complaints.id = s.complaint_id`
	}
	w.terms = append([]string{"complaint_fts MATCH ?"}, w.terms...)
	w.args = append([]any{q.FTS5(f.SearchInternal)}, w.args...)
	return ` FROM complaint_fts JOIN complaint_search s ON s.doc = complaint_fts.rowid JOIN complaints ON complaints.id = s.complaint_id`
}

// docColumn is the index's order in a search's FROM clause: FTS5's rowid, which it
// reads backwards without sorting, or complaint_search.doc.
func (s *Store) docColumn() string {
	if s.e.Postgres {
		return "s.doc"
	}
	return "complaint_fts.rowid"
}
