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
// arguments and scanComplaint. PostgreSQL's search column is not among them: it is
// derived, never read back.
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

var insertComplaint = `INSERT INTO complaints (` + complaintColumns + `)
	VALUES (` + placeholders(strings.Count(complaintColumns, ",")+1) + `)`

// createdAtArg is where created_at, which updateComplaint leaves alone, stands among
// insertComplaint's arguments.
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
	var reg registered
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) (err error) {
		reg, err = s.writeRegistration(ctx, q, ch, row, 1, number)
		return err
	})
	if err != nil {
		return err
	}
	// The caller's structs change only once the transaction has committed.
	reg.set(ch, 1)
	// The change is committed: a failure to chain its audit records now leaves them
	// queued for the next sealer, and is no failure of the change.
	_ = s.e.Audit.Done(ctx, ch.Audit, reg.audit)
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

// registered is what writeRegistration stored, handed to the caller's structs once the
// transaction has committed (set).
type registered struct {
	number  string
	eventID int64
	audit   Appended
	extras  extraIDs
}

// set gives ch what its registration stored, once committed; version is the complaint's.
func (r registered) set(ch *tousu.Change, version int) {
	c := ch.Complaint
	c.Number = r.number
	c.Version = version
	if ch.Event != nil {
		ch.Event.ID, ch.Event.Seq, ch.Event.ComplaintID = r.eventID, 1, c.ID
	}
	if ch.Idempotency != nil {
		ch.Idempotency.Number = r.number
	}
	ch.Outbox = numbered(ch.Outbox, r.number)
	r.extras.set(ch, c.ID)
}

// formatNumber is the n-th number of a prefix: TS20261127-0042.
func formatNumber(prefix string, n int64) string { return fmt.Sprintf("%s-%04d", prefix, n) }

// writeRegistration writes, within q, everything a registration stores: its number (the
// given one, taken beforehand by Engine.Numbers; else the next of ch.NumberPrefix, or
// the complaint's own), the complaint row (row, encoded from ch.Complaint, at version), its categories and
// assisting units, its first event, its idempotency record, its attachments and outbox
// messages, and its audit records. CreateComplaint and BulkRegister (bulk.go) both
// write through it and only through it, so that whatever a registration comes to write
// (another table, an index of its own, a rollup) a bulk load writes as well: add it here,
// not to either caller.
func (s *Store) writeRegistration(ctx context.Context, q Querier, ch *tousu.Change, row complaintRow, version int, number string) (registered, error) {
	c := ch.Complaint
	reg := registered{number: c.Number}
	if number != "" {
		reg.number = number
	}
	retried := &tousu.Error{Kind: tousu.KindConflict, Message: "该请求已经登记过投诉件，请勿重复提交"}
	if idem := ch.Idempotency; idem != nil {
		// The common retry, answered before taking a number. On PostgreSQL two
		// requests with the same key at once both pass here; the second then fails on
		// the idempotency row's primary key below.
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM idempotency WHERE actor = ? AND key = ?`, idem.Actor, idem.Key).Scan(&one)
		if err == nil {
			return reg, retried
		}
		if !noRows(err) {
			return reg, err
		}
	}
	if ch.NumberPrefix != "" && number == "" {
		n, err := TakeNumbers(ctx, q, ch.NumberPrefix, 1)
		if err != nil {
			return reg, err
		}
		reg.number = formatNumber(ch.NumberPrefix, n)
	}
	args := append([]any{c.ID, reg.number, version}, row.args(c)...)
	args = slices.Insert(args, createdAtArg, any(millis(c.CreatedAt)))
	args = append(args, registeredArgs(c)...)
	if _, err := q.Exec(ctx, insertComplaint, args...); err != nil {
		if s.isUnique(err) {
			return reg, &tousu.Error{Kind: tousu.KindConflict, Message: "投诉件编号或标识已存在", Err: err}
		}
		return reg, err
	}
	if err := putCategories(ctx, q, c.ID, c.Categories, false); err != nil {
		return reg, err
	}
	if err := putUnits(ctx, q, c, false); err != nil {
		return reg, err
	}
	if err := writeStats(ctx, q, c, true); err != nil { // stats.go
		return reg, err
	}
	var err error
	if ch.Event != nil {
		if reg.eventID, err = insertEvent(ctx, q, c.ID, 1, ch.Event); err != nil {
			return reg, err
		}
	}
	if idem := ch.Idempotency; idem != nil {
		created := idem.CreatedAt
		if created.IsZero() {
			created = c.CreatedAt
		}
		_, err := q.Exec(ctx, `INSERT INTO idempotency (actor, key, request_hash, number, secret, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, idem.Actor, idem.Key, idem.RequestHash, reg.number, idem.Secret, millis(created))
		if s.isUnique(err) {
			return reg, retried
		}
		if err != nil {
			return reg, err
		}
	}
	// Messages may name the new complaint by tousu.NumberPlaceholder, and audit
	// records without an object are about it: its number is known only now.
	withNumber := *ch
	withNumber.Outbox = numbered(ch.Outbox, reg.number)
	if reg.extras, err = insertExtras(ctx, q, c.ID, &withNumber); err != nil {
		return reg, err
	}
	recs := slices.Clone(ch.Audit)
	for i := range recs {
		if recs[i].Object == "" {
			recs[i].Object = reg.number
		}
	}
	reg.audit, err = s.e.Audit.Append(ctx, q, recs)
	return reg, err
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
