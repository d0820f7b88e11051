package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"tousu"
)

// complaintColumns are the columns of a complaint row, in the order of insertComplaint's
// arguments and scanComplaint.
const complaintColumns = `id, number, version, kind, channel, status, classification, categories,
	anonymous, identity, phone_index, id_number_index,
	target_unit, target_staff, target_description, matter, request,
	incident_at, incident_place, business_receipt_no, written,
	first_receiver, owner_unit, assigned_unit, handler, mode,
	received_at, created_at, updated_at, closed_at,
	query_code_hash, deadline, due_date, clock_running, decision, reply, satisfaction, merged_into, alerts,
	handling, marks, name_index, intake, late_handover, ` + registeredColumns

// registeredColumns are the columns written once, at registration, and never updated:
// they come last in complaintColumns, their values from registeredArgs.
const registeredColumns = `external_ref`

// registeredArgs are the values of registeredColumns, in order.
func registeredArgs(c *tousu.Complaint) []any { return []any{c.ExternalRef} }

// complaintWidth is how many columns a complaint row has. Only writeRegistrations
// inserts complaint rows, with their full-text index entries in the same transaction.
var complaintWidth = strings.Count(complaintColumns, ",") + 1

// createdAtArg is where created_at, which updateComplaint leaves alone, stands among a
// complaint row's values.
var createdAtArg = slices.Index(strings.Fields(strings.ReplaceAll(complaintColumns, ",", " ")), "created_at")

// updateComplaint writes every column but id, number and created_at, which never change,
// if the version is still the one read. On PostgreSQL, under read committed, a concurrent
// update of the same row makes this one wait, then re-check the version against the
// committed row: the loser changes nothing. On SQLite the single writer orders them.
const updateComplaint = `UPDATE complaints SET
	version = version + 1, kind = ?, channel = ?, status = ?, classification = ?, categories = ?,
	anonymous = ?, identity = ?, phone_index = ?, id_number_index = ?,
	target_unit = ?, target_staff = ?, target_description = ?, matter = ?, request = ?,
	incident_at = ?, incident_place = ?, business_receipt_no = ?, written = ?,
	first_receiver = ?, owner_unit = ?, assigned_unit = ?, handler = ?, mode = ?,
	received_at = ?, updated_at = ?, closed_at = ?,
	query_code_hash = ?, deadline = ?, due_date = ?, clock_running = ?, decision = ?, reply = ?, satisfaction = ?, merged_into = ?, alerts = ?,
	handling = ?, marks = ?, name_index = ?, intake = ?, late_handover = ?
	WHERE id = ? AND version = ?`

// complaintRow is a complaint's JSON columns, encoded: text on SQLite, and on PostgreSQL
// jsonb, to which pgx passes a string as the JSON text it is.
type complaintRow struct {
	categories, identity, deadline, handling, intake string
	decision, reply                                  *string // nil for NULL
}

func encodeComplaint(c *tousu.Complaint) (complaintRow, error) {
	var r complaintRow
	cats := c.Categories
	if cats == nil {
		cats = []string{}
	}
	b, err := json.Marshal(cats)
	if err != nil {
		return r, err
	}
	r.categories = string(b)
	// Only the sealed form is stored; Complainant (plaintext) never reaches the database.
	if b, err = json.Marshal(c.Identity); err != nil {
		return r, err
	}
	r.identity = string(b)
	if b, err = json.Marshal(c.Deadline); err != nil {
		return r, err
	}
	r.deadline = string(b)
	if b, err = json.Marshal(c.Handling); err != nil {
		return r, err
	}
	r.handling = string(b)
	if b, err = json.Marshal(c.Intake); err != nil {
		return r, err
	}
	r.intake = string(b)
	if c.Decision != nil {
		if b, err = json.Marshal(c.Decision); err != nil {
			return r, err
		}
		r.decision = new(string(b))
	}
	if c.Reply != nil {
		if b, err = json.Marshal(c.Reply); err != nil {
			return r, err
		}
		r.reply = new(string(b))
	}
	return r, nil
}

// args are the values of a complaint's columns from kind on, but created_at, in
// updateComplaint's order (complaintColumns' order without id, number, version and
// created_at). A new column goes at the end of complaintColumns' updated columns (before
// registeredColumns), updateComplaint, args and scanComplaint; a column never updated
// goes into registeredColumns and registeredArgs instead of updateComplaint and args.
func (r complaintRow) args(c *tousu.Complaint) []any {
	return []any{c.Kind, c.Channel, c.Status, c.Classification, r.categories,
		c.Identity.Anonymous, r.identity, c.Identity.PhoneIndex, c.Identity.IDNumberIndex,
		c.Target.Unit, c.Target.Staff, c.Target.Description, c.Matter, c.Request,
		nullMillis(c.IncidentAt), c.IncidentPlace, c.BusinessReceiptNo, c.Written,
		c.FirstReceiver, c.OwnerUnit, c.AssignedUnit, c.Handler, c.Mode,
		millis(c.ReceivedAt), millis(c.UpdatedAt), nullMillis(c.ClosedAt),
		c.QueryCodeHash, r.deadline, c.Deadline.Due.String(), c.Status.ClockRuns(), r.decision, r.reply, c.Satisfaction, c.MergedInto, c.Alerts,
		r.handling, c.Marks, c.Identity.NameIndex, r.intake, c.LateHandover}
}

func scanComplaint(r Row) (*tousu.Complaint, error) {
	var (
		c                                tousu.Complaint
		categories, identity, deadline   []byte
		handling, intake                 []byte
		decision, reply                  []byte // nil for NULL
		incidentAt, closedAt             *int64
		receivedAt, createdAt, updatedAt int64
		anonymous, running               bool
		dueDate                          string
	)
	err := r.Scan(&c.ID, &c.Number, &c.Version, &c.Kind, &c.Channel, &c.Status, &c.Classification, &categories,
		&anonymous, &identity, &c.Identity.PhoneIndex, &c.Identity.IDNumberIndex,
		&c.Target.Unit, &c.Target.Staff, &c.Target.Description, &c.Matter, &c.Request,
		&incidentAt, &c.IncidentPlace, &c.BusinessReceiptNo, &c.Written,
		&c.FirstReceiver, &c.OwnerUnit, &c.AssignedUnit, &c.Handler, &c.Mode,
		&receivedAt, &createdAt, &updatedAt, &closedAt,
		&c.QueryCodeHash, &deadline, &dueDate, &running, &decision, &reply, &c.Satisfaction, &c.MergedInto, &c.Alerts,
		&handling, &c.Marks, &c.Identity.NameIndex, &intake, &c.LateHandover, &c.ExternalRef)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(categories, &c.Categories); err != nil {
		return nil, fmt.Errorf("complaint %s: categories: %w", c.ID, err)
	}
	if err := json.Unmarshal(identity, &c.Identity); err != nil {
		return nil, fmt.Errorf("complaint %s: identity: %w", c.ID, err)
	}
	c.Identity.Anonymous = anonymous
	if err := json.Unmarshal(deadline, &c.Deadline); err != nil {
		return nil, fmt.Errorf("complaint %s: deadline: %w", c.ID, err)
	}
	if err := json.Unmarshal(handling, &c.Handling); err != nil {
		return nil, fmt.Errorf("complaint %s: handling: %w", c.ID, err)
	}
	if err := json.Unmarshal(intake, &c.Intake); err != nil {
		return nil, fmt.Errorf("complaint %s: intake: %w", c.ID, err)
	}
	if decision != nil {
		c.Decision = new(tousu.Decision)
		if err := json.Unmarshal(decision, c.Decision); err != nil {
			return nil, fmt.Errorf("complaint %s: decision: %w", c.ID, err)
		}
	}
	if reply != nil {
		c.Reply = new(tousu.Reply)
		if err := json.Unmarshal(reply, c.Reply); err != nil {
			return nil, fmt.Errorf("complaint %s: reply: %w", c.ID, err)
		}
	}
	c.IncidentAt = fromNullMillis(incidentAt)
	c.ClosedAt = fromNullMillis(closedAt)
	c.ReceivedAt = fromMillis(receivedAt)
	c.CreatedAt = fromMillis(createdAt)
	c.UpdatedAt = fromMillis(updatedAt)
	return &c, nil
}

// CreateComplaint inserts a new complaint with its first event, its categories, its
// idempotency record, its attachments, its outbox messages and its audit records in one
// transaction; attachments whose hash or size does not match their data refuse it all.
// The number is the next of ch.NumberPrefix; a change without a prefix keeps the
// complaint's own number (an import). Audit records with an empty Object get the new
// number as their object.
//
// The number is an upsert of the prefix's counter (TakeNumbers). On SQLite it runs inside
// the registering transaction: the single writer hands out each number once, and a
// registration that fails afterwards (a retried Idempotency-Key, a duplicate ID) gives
// its number back. An engine with Engine.Numbers (PostgreSQL) takes it just before, in a
// short transaction of its own, so that no registration waits for another's commit; a
// registration that then fails leaves a gap, never a duplicate.
func (s *Store) CreateComplaint(ctx context.Context, ch *tousu.Change) (err error) {
	defer s.wrap(&err, "store.CreateComplaint")
	c := ch.Complaint
	if c == nil || c.ID == "" {
		return errors.New("the complaint and its ID are required")
	}
	if ch.NumberPrefix == "" && c.Number == "" {
		return errors.New("a number prefix is required")
	}
	if err := tousu.CheckAttachments(ch.Attachments); err != nil {
		return err
	}
	row, err := encodeComplaint(c)
	if err != nil {
		return err
	}
	number := ""
	if s.e.Numbers != nil && ch.NumberPrefix != "" {
		if idem := ch.Idempotency; idem != nil {
			// A retry is answered before a number is spent on it (see below).
			var one int
			err := s.e.Read.QueryRow(ctx, `SELECT 1 FROM idempotency WHERE actor = ? AND key = ?`, idem.Actor, idem.Key).Scan(&one)
			if err == nil {
				return &tousu.Error{Kind: tousu.KindConflict, Message: "该请求已经登记过投诉件，请勿重复提交"}
			}
			if !noRows(err) {
				return err
			}
		}
		n, err := s.e.Numbers(ctx, ch.NumberPrefix, 1)
		if err != nil {
			return err
		}
		number = formatNumber(ch.NumberPrefix, n)
	}
	r := registration{ch: ch, row: row, version: 1, number: number}
	if ch.Event != nil {
		r.events = []tousu.Event{*ch.Event}
	}
	var (
		regs  []registered
		audit Appended
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) (err error) {
		regs, audit, err = s.writeRegistrations(ctx, q, []registration{r})
		return err
	})
	if err != nil {
		return err
	}
	// The caller's structs change only once the transaction has committed.
	regs[0].set(ch, 1)
	// The change is committed: a failure to chain its audit records now leaves them
	// queued for the next sealer, and is no failure of the change.
	_ = s.e.Audit.Done(ctx, ch.Audit, audit)
	return nil
}

// TakeNumbers advances a prefix's counter by k within q and returns its new value, the
// last of the k numbers taken: the one statement both engines number with.
func TakeNumbers(ctx context.Context, q Querier, prefix string, k int) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `INSERT INTO number_counters (prefix, n) VALUES (?, ?)
		ON CONFLICT (prefix) DO UPDATE SET n = number_counters.n + ? RETURNING n`, prefix, k, k).Scan(&n)
	return n, err
}

// registered is what writeRegistrations stored of one complaint, handed to the caller's
// structs once the transaction has committed (set).
type registered struct {
	number   string
	eventIDs []int64 // the IDs of its events, in order
	extras   extraIDs
}

// set gives ch what its registration stored, once committed; version is the complaint's.
func (r registered) set(ch *tousu.Change, version int) {
	c := ch.Complaint
	c.Number = r.number
	c.Version = version
	if ch.Event != nil && len(r.eventIDs) > 0 {
		ch.Event.ID, ch.Event.Seq, ch.Event.ComplaintID = r.eventIDs[0], 1, c.ID
	}
	if ch.Idempotency != nil {
		ch.Idempotency.Number = r.number
	}
	ch.Outbox = numbered(ch.Outbox, r.number)
	r.extras.set(ch, c.ID)
}

// formatNumber is the n-th number of a prefix: TS20261127-0042.
func formatNumber(prefix string, n int64) string { return fmt.Sprintf("%s-%04d", prefix, n) }

// registration is one complaint for writeRegistrations to store: its change, its row
// (encoded from ch.Complaint) at version, its number if Engine.Numbers took it
// beforehand, and its events, oldest first — ch.Event, the registration, then a loaded
// complaint's later events (bulk.go).
type registration struct {
	ch      *tousu.Change
	row     complaintRow
	version int
	number  string
	events  []tousu.Event
}

// writeRegistrations writes, within q, everything the registrations of rs store, in
// multi-row statements: their numbers (the given ones, taken beforehand by
// Engine.Numbers; else the next of each ch.NumberPrefix, or the complaint's own), the
// complaint rows, their categories and assisting units, their full-text index entries,
// their figures, their events, their idempotency records, their attachments and outbox
// messages, and their audit records, appended to the chain in one call in rs' order.
// CreateComplaint (a batch of one) and BulkRegister (bulk.go) both write through it and
// only through it, so that whatever a registration comes to write (another table, an
// index of its own, a rollup) a bulk load writes as well: add it here, not to either
// caller. It returns what each stored, in rs' order, and the audit records as appended.
func (s *Store) writeRegistrations(ctx context.Context, q Querier, rs []registration) ([]registered, Appended, error) {
	regs := make([]registered, len(rs))
	retried := &tousu.Error{Kind: tousu.KindConflict, Message: "该请求已经登记过投诉件，请勿重复提交"}
	taken := map[string]int{}
	for i := range rs {
		r := &rs[i]
		regs[i].number = r.ch.Complaint.Number
		if r.number != "" {
			regs[i].number = r.number
		}
		if idem := r.ch.Idempotency; idem != nil {
			// The common retry, answered before taking a number. On PostgreSQL two
			// requests with the same key at once both pass here; the second then
			// fails on the idempotency row's primary key below.
			var one int
			err := q.QueryRow(ctx, `SELECT 1 FROM idempotency WHERE actor = ? AND key = ?`, idem.Actor, idem.Key).Scan(&one)
			if err == nil {
				return nil, Appended{}, retried
			}
			if !noRows(err) {
				return nil, Appended{}, err
			}
		}
		if r.ch.NumberPrefix != "" && r.number == "" {
			taken[r.ch.NumberPrefix]++
		}
	}
	// Each prefix's numbers in one step, handed out in rs' order: the numbers one by one
	// registrations would have had.
	next := map[string]int64{}
	for i := range rs {
		r := &rs[i]
		p := r.ch.NumberPrefix
		if p == "" || r.number != "" {
			continue
		}
		if _, ok := next[p]; !ok {
			last, err := TakeNumbers(ctx, q, p, taken[p])
			if err != nil {
				return nil, Appended{}, err
			}
			next[p] = last - int64(taken[p]) + 1
		}
		regs[i].number = formatNumber(p, next[p])
		next[p]++
	}
	limit := s.maxParams()
	rows := Insert{Head: `INSERT INTO complaints (` + complaintColumns + `)`, Width: complaintWidth}
	err := rows.Run(ctx, q, limit, len(rs), func(i int, args []any) []any {
		c := rs[i].ch.Complaint
		v := append([]any{c.ID, regs[i].number, rs[i].version}, rs[i].row.args(c)...)
		v = slices.Insert(v, createdAtArg, any(millis(c.CreatedAt)))
		return append(append(args, v...), registeredArgs(c)...)
	}, nil)
	if s.isUnique(err) {
		return nil, Appended{}, &tousu.Error{Kind: tousu.KindConflict, Message: "投诉件编号或标识已存在", Err: err}
	}
	if err != nil {
		return nil, Appended{}, err
	}
	type pair struct{ id, v string }
	var cats, units []pair
	for i := range rs {
		c := rs[i].ch.Complaint
		for _, cat := range c.Categories {
			cats = append(cats, pair{c.ID, cat})
		}
		for _, as := range c.Handling.Assisting {
			if as.Unit != "" {
				units = append(units, pair{c.ID, as.Unit})
			}
		}
	}
	err = Insert{Head: `INSERT INTO complaint_categories (complaint_id, category)`, Width: 2, Tail: ` ON CONFLICT DO NOTHING`}.
		Run(ctx, q, limit, len(cats), func(i int, args []any) []any { return append(args, cats[i].id, cats[i].v) }, nil)
	if err != nil {
		return nil, Appended{}, err
	}
	err = Insert{Head: `INSERT INTO complaint_units (complaint_id, unit, role)`, Width: 3, Tail: ` ON CONFLICT DO NOTHING`}.
		Run(ctx, q, limit, len(units), func(i int, args []any) []any { return append(args, units[i].id, units[i].v, UnitAssist) }, nil)
	if err != nil {
		return nil, Appended{}, err
	}
	// The full-text index, in the registering transaction (search.go), with the notes
	// among a loaded complaint's later events.
	entries := make([]indexEntry, len(rs))
	for i := range rs {
		var notes []string
		for _, ev := range rs[i].events[min(1, len(rs[i].events)):] {
			if ev.Type == "note" {
				notes = append(notes, noteContent(ev.Payload))
			}
		}
		entries[i] = s.entryOf(rs[i].ch.Complaint, regs[i].number, notes)
	}
	if err := s.insertEntries(ctx, q, entries); err != nil {
		return nil, Appended{}, err
	}
	for i := range rs {
		if err := writeStats(ctx, q, rs[i].ch.Complaint, true); err != nil { // stats.go
			return nil, Appended{}, err
		}
	}
	// The events, each complaint's in order; their IDs come back by complaint and seq.
	type evRef struct{ reg, seq int }
	var evs []evRef
	byID := make(map[string]int, len(rs))
	for i := range rs {
		byID[rs[i].ch.Complaint.ID] = i
		regs[i].eventIDs = make([]int64, len(rs[i].events))
		for j := range rs[i].events {
			evs = append(evs, evRef{i, j + 1})
		}
	}
	err = Insert{Head: `INSERT INTO events (complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload)`,
		Width: 9, Tail: ` RETURNING complaint_id, seq, id`}.
		Run(ctx, q, limit, len(evs), func(k int, args []any) []any {
			r := &rs[evs[k].reg]
			ev := &r.events[evs[k].seq-1]
			return append(args, r.ch.Complaint.ID, evs[k].seq, ev.Type, ev.Actor, ev.ActorName, millis(ev.At), ev.From, ev.To, nullText(ev.Payload))
		}, func(row Row) error {
			var (
				cid string
				seq int
				id  int64
			)
			if err := row.Scan(&cid, &seq, &id); err != nil {
				return err
			}
			regs[byID[cid]].eventIDs[seq-1] = id
			return nil
		})
	if err != nil {
		return nil, Appended{}, err
	}
	var idems []int
	for i := range rs {
		if rs[i].ch.Idempotency != nil {
			idems = append(idems, i)
		}
	}
	err = Insert{Head: `INSERT INTO idempotency (actor, key, request_hash, number, secret, created_at)`, Width: 6}.
		Run(ctx, q, limit, len(idems), func(k int, args []any) []any {
			i := idems[k]
			idem := rs[i].ch.Idempotency
			created := idem.CreatedAt
			if created.IsZero() {
				created = rs[i].ch.Complaint.CreatedAt
			}
			return append(args, idem.Actor, idem.Key, idem.RequestHash, regs[i].number, idem.Secret, millis(created))
		}, nil)
	if s.isUnique(err) {
		return nil, Appended{}, retried
	}
	if err != nil {
		return nil, Appended{}, err
	}
	// Messages may name the new complaint by tousu.NumberPlaceholder, and audit
	// records without an object are about it: its number is known only now.
	var recs []tousu.AuditRecord
	for i := range rs {
		ch := rs[i].ch
		if len(ch.Attachments) > 0 || len(ch.Outbox) > 0 {
			withNumber := *ch
			withNumber.Outbox = numbered(ch.Outbox, regs[i].number)
			if regs[i].extras, err = insertExtras(ctx, q, ch.Complaint.ID, &withNumber); err != nil {
				return nil, Appended{}, err
			}
		}
		for _, rec := range ch.Audit {
			if rec.Object == "" {
				rec.Object = regs[i].number
			}
			recs = append(recs, rec)
		}
	}
	appended, err := s.e.Audit.Append(ctx, q, recs)
	if err != nil {
		return nil, Appended{}, err
	}
	return regs, appended, nil
}

// UpdateComplaint writes the projection and appends the event, attachments, messages and
// audit records if the stored version is still ch.Complaint.Version. The updated row
// stays locked until commit (or SQLite has one writer), so the event's sequence number,
// read after it, cannot be taken by another writer.
func (s *Store) UpdateComplaint(ctx context.Context, ch *tousu.Change) (err error) {
	c := ch.Complaint
	if c == nil {
		return &tousu.Error{Op: "store.UpdateComplaint", Kind: tousu.KindInternal, Err: errors.New("no complaint")}
	}
	defer s.wrap(&err, "store.UpdateComplaint(%q)", c.Number)
	if err := tousu.CheckAttachments(ch.Attachments); err != nil {
		return err
	}
	if !s.storable(c.ID) {
		return notFound("未找到该投诉件")
	}
	row, err := encodeComplaint(c)
	if err != nil {
		return err
	}
	var (
		eventID  int64
		eventSeq int
		audit    Appended
		extras   extraIDs
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, updateComplaint, append(row.args(c), c.ID, c.Version)...)
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			err := q.QueryRow(ctx, `SELECT 1 FROM complaints WHERE id = ?`, c.ID).Scan(&one)
			if noRows(err) {
				return notFound("未找到该投诉件")
			}
			if err != nil {
				return err
			}
			return &tousu.Error{Kind: tousu.KindConflict, Message: "该投诉件已被他人修改，请刷新后重试"}
		}
		if err := putCategories(ctx, q, c.ID, c.Categories, true); err != nil {
			return err
		}
		if err := putUnits(ctx, q, c, true); err != nil {
			return err
		}
		if err := writeStats(ctx, q, c, false); err != nil { // stats.go
			return err
		}
		if ch.Event != nil {
			if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE complaint_id = ?`, c.ID).Scan(&eventSeq); err != nil {
				return err
			}
			if eventID, err = insertEvent(ctx, q, c.ID, eventSeq, ch.Event); err != nil {
				return err
			}
		}
		// The full-text index, after the event (a note is indexed text): search.go.
		if err := s.indexComplaint(ctx, q, c, c.Number); err != nil {
			return err
		}
		if err := putLinks(ctx, q, ch.Links); err != nil {
			return err
		}
		if extras, err = insertExtras(ctx, q, c.ID, ch); err != nil {
			return err
		}
		audit, err = s.e.Audit.Append(ctx, q, ch.Audit)
		return err
	})
	if err != nil {
		return err
	}
	c.Version++
	if ch.Event != nil {
		ch.Event.ID, ch.Event.Seq, ch.Event.ComplaintID = eventID, eventSeq, c.ID
	}
	// Committed: see CreateComplaint.
	_ = s.e.Audit.Done(ctx, ch.Audit, audit)
	extras.set(ch, c.ID)
	return nil
}

// extraIDs are the IDs of the attachments and outbox messages a change stored, in the
// change's order.
type extraIDs struct{ attachments, messages []int64 }

// insertExtras stores the attachments and outbox messages of ch, about the complaint id,
// in one batch: a single round trip on PostgreSQL however many there are. Audit records
// come after them, last in the transaction.
func insertExtras(ctx context.Context, q Querier, id string, ch *tousu.Change) (extraIDs, error) {
	ids := extraIDs{attachments: make([]int64, len(ch.Attachments)), messages: make([]int64, len(ch.Outbox))}
	var stmts []Stmt
	for i := range ch.Attachments {
		stmts = append(stmts, attachmentStmts(id, &ch.Attachments[i], &ids.attachments[i])...)
	}
	for i, m := range ch.Outbox {
		stmts = append(stmts, messageStmt(m.Queued(id), &ids.messages[i]))
	}
	return ids, runBatch(ctx, q, stmts)
}

// set gives the caller's attachments and messages what the store set, once committed.
func (ids extraIDs) set(ch *tousu.Change, id string) {
	for i, aid := range ids.attachments {
		ch.Attachments[i].ID, ch.Attachments[i].ComplaintID = aid, id
	}
	for i, mid := range ids.messages {
		ch.Outbox[i] = ch.Outbox[i].Queued(id)
		ch.Outbox[i].ID = mid
	}
}

// putCategories replaces the category rows of a complaint, in one statement.
func putCategories(ctx context.Context, q Querier, id string, cats []string, replace bool) error {
	if replace {
		if _, err := q.Exec(ctx, `DELETE FROM complaint_categories WHERE complaint_id = ?`, id); err != nil {
			return err
		}
	}
	if len(cats) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(cats))
	for _, cat := range cats {
		args = append(args, id, cat)
	}
	_, err := q.Exec(ctx, `INSERT INTO complaint_categories (complaint_id, category) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?, ?), ", len(cats)), ", ")+` ON CONFLICT DO NOTHING`, args...)
	return err
}

// UnitAssist is the role in complaint_units of an assisting unit (协办).
const UnitAssist = "assist"

// putUnits replaces the complaint_units rows of c with its assisting units (协办): the
// copy of c.Handling.Assisting that lists filter on with an index, written in the same
// transaction as the projection so that the two never disagree.
func putUnits(ctx context.Context, q Querier, c *tousu.Complaint, replace bool) error {
	if replace {
		if _, err := q.Exec(ctx, `DELETE FROM complaint_units WHERE complaint_id = ?`, c.ID); err != nil {
			return err
		}
	}
	var args []any
	for _, as := range c.Handling.Assisting {
		if as.Unit != "" {
			args = append(args, c.ID, as.Unit, UnitAssist)
		}
	}
	if len(args) == 0 {
		return nil
	}
	_, err := q.Exec(ctx, `INSERT INTO complaint_units (complaint_id, unit, role) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(args)/3), ", ")+` ON CONFLICT DO NOTHING`, args...)
	return err
}

func insertEvent(ctx context.Context, q Querier, complaintID string, seq int, ev *tousu.Event) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO events (complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		complaintID, seq, ev.Type, ev.Actor, ev.ActorName, millis(ev.At), ev.From, ev.To, nullText(ev.Payload)).Scan(&id)
	return id, err
}

// FindComplaint returns the complaint with the given number.
func (s *Store) FindComplaint(ctx context.Context, number string) (_ *tousu.Complaint, err error) {
	defer s.wrap(&err, "store.FindComplaint(%q)", number)
	if !s.storable(number) {
		return nil, notFound("未找到该投诉件")
	}
	c, err := scanComplaint(s.e.Read.QueryRow(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE number = ?`, number))
	if noRows(err) {
		return nil, notFound("未找到该投诉件")
	}
	return c, err
}

// ListEvents returns the timeline of a complaint, oldest first.
func (s *Store) ListEvents(ctx context.Context, complaintID string) (_ []tousu.Event, err error) {
	defer s.wrap(&err, "store.ListEvents(%q)", complaintID)
	if !s.storable(complaintID) {
		return nil, nil
	}
	rows, err := s.e.Read.Query(ctx, `SELECT id, complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload
		FROM events WHERE complaint_id = ? ORDER BY seq`, complaintID)
	return collect(rows, err, func(r Row) (ev tousu.Event, err error) {
		var (
			at      int64
			payload []byte
		)
		if err := r.Scan(&ev.ID, &ev.ComplaintID, &ev.Seq, &ev.Type, &ev.Actor, &ev.ActorName, &at, &ev.From, &ev.To, &payload); err != nil {
			return ev, err
		}
		ev.At = fromMillis(at)
		if payload != nil {
			ev.Payload = json.RawMessage(payload)
		}
		return ev, nil
	})
}

// FindIdempotency returns the registration remembered for actor and key.
func (s *Store) FindIdempotency(ctx context.Context, actor, key string) (_ *tousu.Idempotency, err error) {
	defer s.wrap(&err, "store.FindIdempotency(%q, %q)", actor, key)
	if !s.storable(actor) || !s.storable(key) {
		return nil, notFound("未找到该幂等键的登记记录")
	}
	var (
		idem    tousu.Idempotency
		created int64
	)
	err = s.e.Read.QueryRow(ctx, `SELECT actor, key, request_hash, number, secret, created_at
		FROM idempotency WHERE actor = ? AND key = ?`, actor, key).
		Scan(&idem.Actor, &idem.Key, &idem.RequestHash, &idem.Number, &idem.Secret, &created)
	if noRows(err) {
		return nil, notFound("未找到该幂等键的登记记录")
	}
	if err != nil {
		return nil, err
	}
	idem.CreatedAt = fromMillis(created)
	return &idem, nil
}

// ListSealed returns up to limit (1000 when limit ≤ 0) complaints' sealed identities with
// ID > after, by ID. An after that PostgreSQL cannot hold as text is compared as bytes,
// which is how SQLite compares any text and how COLLATE "C" compares the rest.
func (s *Store) ListSealed(ctx context.Context, after string, limit int) (_ []tousu.SealedRow, err error) {
	defer s.wrap(&err, "store.ListSealed(%q, %d)", after, limit)
	if limit <= 0 {
		limit = 1000
	}
	w := s.where()
	if s.storable(after) {
		w.add("id > ?", after)
	} else {
		w.add("convert_to(id, 'UTF8') > ?::bytea", []byte(after)) // PostgreSQL only: see storable
	}
	rows, err := s.e.Read.Query(ctx, `SELECT id, anonymous, identity, phone_index, id_number_index
		FROM complaints`+w.String()+` ORDER BY id LIMIT ?`, append(w.args, limit)...)
	return collect(rows, err, func(r Row) (sr tousu.SealedRow, err error) {
		var (
			identity  []byte
			anonymous bool
		)
		if err := r.Scan(&sr.ID, &anonymous, &identity, &sr.Identity.PhoneIndex, &sr.Identity.IDNumberIndex); err != nil {
			return sr, err
		}
		if err := json.Unmarshal(identity, &sr.Identity); err != nil {
			return sr, fmt.Errorf("complaint %s: identity: %w", sr.ID, err)
		}
		sr.Identity.Anonymous = anonymous
		return sr, nil
	})
}

// UpdateIdentity replaces a complaint's sealed identity and blind indexes, leaving its
// version and everything else as they are: re-encryption under a new key is no change of
// the complaint.
func (s *Store) UpdateIdentity(ctx context.Context, id string, si tousu.SealedIdentity) (err error) {
	defer s.wrap(&err, "store.UpdateIdentity(%q)", id)
	if !s.storable(id) {
		return notFound("未找到该投诉件")
	}
	identity, err := json.Marshal(si)
	if err != nil {
		return err
	}
	return s.e.One(ctx, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `UPDATE complaints SET anonymous = ?, identity = ?, phone_index = ?, id_number_index = ?,
			name_index = ? WHERE id = ?`, si.Anonymous, string(identity), si.PhoneIndex, si.IDNumberIndex, si.NameIndex, id)
		return affected(n, err, "未找到该投诉件")
	})
}
