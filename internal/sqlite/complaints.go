package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"tousu"
)

// complaintColumns are the columns of a complaint row, in the order of complaintArgs and
// scanComplaint.
const complaintColumns = `id, number, version, kind, channel, status, classification, categories,
	anonymous, identity, phone_index, id_number_index,
	target_unit, target_staff, target_description, matter, request,
	incident_at, incident_place, business_receipt_no, written,
	first_receiver, owner_unit, assigned_unit, handler, mode,
	received_at, created_at, updated_at, closed_at,
	query_code_hash, deadline, due_date, clock_running, decision, reply, satisfaction, merged_into, alerts,
	handling, marks, external_ref,
	name_index, intake, late_handover`

const insertComplaint = `INSERT INTO complaints (` + complaintColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// updateComplaint writes every column but id, number and created_at, which never change,
// if the version is still the one read.
const updateComplaint = `UPDATE complaints SET
	version = version + 1, kind = ?, channel = ?, status = ?, classification = ?, categories = ?,
	anonymous = ?, identity = ?, phone_index = ?, id_number_index = ?,
	target_unit = ?, target_staff = ?, target_description = ?, matter = ?, request = ?,
	incident_at = ?, incident_place = ?, business_receipt_no = ?, written = ?,
	first_receiver = ?, owner_unit = ?, assigned_unit = ?, handler = ?, mode = ?,
	received_at = ?, updated_at = ?, closed_at = ?,
	query_code_hash = ?, deadline = ?, due_date = ?, clock_running = ?, decision = ?, reply = ?, satisfaction = ?, merged_into = ?, alerts = ?,
	handling = ?, marks = ?,
	name_index = ?, intake = ?, late_handover = ?
	WHERE id = ? AND version = ?`

// complaintRow is a complaint's JSON columns, encoded.
type complaintRow struct {
	categories, identity, deadline, handling string
	decision, reply                          any // string, or nil for NULL
	intake                                   string
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
		r.decision = string(b)
	}
	if c.Reply != nil {
		if b, err = json.Marshal(c.Reply); err != nil {
			return r, err
		}
		r.reply = string(b)
	}
	return r, nil
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanComplaint(s rowScanner) (*tousu.Complaint, error) {
	var (
		c                                tousu.Complaint
		categories, identity, deadline   string
		handling                         string
		decision, reply                  sql.NullString
		incidentAt, closedAt             sql.NullInt64
		receivedAt, createdAt, updatedAt int64
		anonymous                        bool
		intake                           string
	)
	err := s.Scan(&c.ID, &c.Number, &c.Version, &c.Kind, &c.Channel, &c.Status, &c.Classification, &categories,
		&anonymous, &identity, &c.Identity.PhoneIndex, &c.Identity.IDNumberIndex,
		&c.Target.Unit, &c.Target.Staff, &c.Target.Description, &c.Matter, &c.Request,
		&incidentAt, &c.IncidentPlace, &c.BusinessReceiptNo, &c.Written,
		&c.FirstReceiver, &c.OwnerUnit, &c.AssignedUnit, &c.Handler, &c.Mode,
		&receivedAt, &createdAt, &updatedAt, &closedAt,
		&c.QueryCodeHash, &deadline, new(string), new(bool), &decision, &reply, &c.Satisfaction, &c.MergedInto, &c.Alerts,
		&handling, &c.Marks, &c.ExternalRef,
		&c.Identity.NameIndex, &intake, &c.LateHandover)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(categories), &c.Categories); err != nil {
		return nil, fmt.Errorf("complaint %s: categories: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(identity), &c.Identity); err != nil {
		return nil, fmt.Errorf("complaint %s: identity: %w", c.ID, err)
	}
	c.Identity.Anonymous = anonymous
	if err := json.Unmarshal([]byte(intake), &c.Intake); err != nil {
		return nil, fmt.Errorf("complaint %s: intake: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(deadline), &c.Deadline); err != nil {
		return nil, fmt.Errorf("complaint %s: deadline: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(handling), &c.Handling); err != nil {
		return nil, fmt.Errorf("complaint %s: handling: %w", c.ID, err)
	}
	if decision.Valid {
		c.Decision = new(tousu.Decision)
		if err := json.Unmarshal([]byte(decision.String), c.Decision); err != nil {
			return nil, fmt.Errorf("complaint %s: decision: %w", c.ID, err)
		}
	}
	if reply.Valid {
		c.Reply = new(tousu.Reply)
		if err := json.Unmarshal([]byte(reply.String), c.Reply); err != nil {
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
// transaction; attachments whose hash or size does not match their data refuse it all. The number is the next of
// ch.NumberPrefix; a change without a prefix keeps the complaint's own number (an import).
// Audit records with an empty Object get the new number as their object.
func (db *DB) CreateComplaint(ctx context.Context, ch *tousu.Change) (err error) {
	defer tousu.Wrap(&err, "sqlite.CreateComplaint")
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
	var (
		number  = c.Number
		eventID int64
		audit   []tousu.AuditRecord
		extras  extraIDs
	)
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if idem := ch.Idempotency; idem != nil {
			var one int
			err := txQueryRow(ctx, tx, `SELECT 1 FROM idempotency WHERE actor = ? AND key = ?`, idem.Actor, idem.Key).Scan(&one)
			if err == nil {
				return &tousu.Error{Kind: tousu.KindConflict, Message: "该请求已经登记过投诉件，请勿重复提交"}
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if ch.NumberPrefix != "" {
			var n int64
			err := txQueryRow(ctx, tx, `INSERT INTO number_counters (prefix, n) VALUES (?, 1)
				ON CONFLICT (prefix) DO UPDATE SET n = n + 1 RETURNING n`, ch.NumberPrefix).Scan(&n)
			if err != nil {
				return err
			}
			number = fmt.Sprintf("%s-%04d", ch.NumberPrefix, n)
		}
		_, err := txExec(ctx, tx, insertComplaint,
			c.ID, number, 1, c.Kind, c.Channel, c.Status, c.Classification, row.categories,
			c.Identity.Anonymous, row.identity, c.Identity.PhoneIndex, c.Identity.IDNumberIndex,
			c.Target.Unit, c.Target.Staff, c.Target.Description, c.Matter, c.Request,
			nullMillis(c.IncidentAt), c.IncidentPlace, c.BusinessReceiptNo, c.Written,
			c.FirstReceiver, c.OwnerUnit, c.AssignedUnit, c.Handler, c.Mode,
			millis(c.ReceivedAt), millis(c.CreatedAt), millis(c.UpdatedAt), nullMillis(c.ClosedAt),
			c.QueryCodeHash, row.deadline, c.Deadline.Due.String(), c.Status.ClockRuns(), row.decision, row.reply, c.Satisfaction, c.MergedInto, c.Alerts,
			row.handling, c.Marks, c.ExternalRef,
			c.Identity.NameIndex, row.intake, c.LateHandover)
		if err != nil {
			if isUniqueViolation(err) {
				return &tousu.Error{Kind: tousu.KindConflict, Message: "投诉件编号或标识已存在", Err: err}
			}
			return err
		}
		if err := putCategories(ctx, tx, c.ID, c.Categories, false); err != nil {
			return err
		}
		if ch.Event != nil {
			if eventID, err = insertEvent(ctx, tx, c.ID, 1, ch.Event); err != nil {
				return err
			}
		}
		if idem := ch.Idempotency; idem != nil {
			created := idem.CreatedAt
			if created.IsZero() {
				created = c.CreatedAt
			}
			_, err := txExec(ctx, tx, `INSERT INTO idempotency (actor, key, request_hash, number, secret, created_at)
				VALUES (?, ?, ?, ?, ?, ?)`, idem.Actor, idem.Key, idem.RequestHash, number, idem.Secret, millis(created))
			if err != nil {
				return err
			}
		}
		// Messages may name the new complaint by tousu.NumberPlaceholder, and audit
		// records without an object are about it: its number is known only now.
		withNumber := *ch
		withNumber.Outbox = numbered(ch.Outbox, number)
		if extras, err = insertExtras(ctx, tx, c.ID, &withNumber); err != nil {
			return err
		}
		recs := slices.Clone(ch.Audit)
		for i := range recs {
			if recs[i].Object == "" {
				recs[i].Object = number
			}
		}
		audit, err = appendAudit(ctx, tx, recs)
		return err
	})
	if err != nil {
		return err
	}
	// The caller's structs change only once the transaction has committed.
	c.Number = number
	c.Version = 1
	if ch.Event != nil {
		ch.Event.ID, ch.Event.Seq, ch.Event.ComplaintID = eventID, 1, c.ID
	}
	if ch.Idempotency != nil {
		ch.Idempotency.Number = number
	}
	copy(ch.Audit, audit)
	ch.Outbox = numbered(ch.Outbox, number)
	extras.set(ch, c.ID)
	return nil
}

// UpdateComplaint writes the projection and appends the event, attachments, messages and
// audit records if the stored version is still ch.Complaint.Version.
func (db *DB) UpdateComplaint(ctx context.Context, ch *tousu.Change) (err error) {
	c := ch.Complaint
	if c == nil {
		return &tousu.Error{Op: "sqlite.UpdateComplaint", Kind: tousu.KindInternal, Err: errors.New("no complaint")}
	}
	defer tousu.Wrap(&err, "sqlite.UpdateComplaint(%q)", c.Number)
	if err := tousu.CheckAttachments(ch.Attachments); err != nil {
		return err
	}
	row, err := encodeComplaint(c)
	if err != nil {
		return err
	}
	var (
		eventID  int64
		eventSeq int
		audit    []tousu.AuditRecord
		extras   extraIDs
	)
	err = db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, updateComplaint,
			c.Kind, c.Channel, c.Status, c.Classification, row.categories,
			c.Identity.Anonymous, row.identity, c.Identity.PhoneIndex, c.Identity.IDNumberIndex,
			c.Target.Unit, c.Target.Staff, c.Target.Description, c.Matter, c.Request,
			nullMillis(c.IncidentAt), c.IncidentPlace, c.BusinessReceiptNo, c.Written,
			c.FirstReceiver, c.OwnerUnit, c.AssignedUnit, c.Handler, c.Mode,
			millis(c.ReceivedAt), millis(c.UpdatedAt), nullMillis(c.ClosedAt),
			c.QueryCodeHash, row.deadline, c.Deadline.Due.String(), c.Status.ClockRuns(), row.decision, row.reply, c.Satisfaction, c.MergedInto, c.Alerts,
			row.handling, c.Marks,
			c.Identity.NameIndex, row.intake, c.LateHandover,
			c.ID, c.Version)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			err := txQueryRow(ctx, tx, `SELECT 1 FROM complaints WHERE id = ?`, c.ID).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("未找到该投诉件")
			}
			if err != nil {
				return err
			}
			return &tousu.Error{Kind: tousu.KindConflict, Message: "该投诉件已被他人修改，请刷新后重试"}
		}
		if err := putCategories(ctx, tx, c.ID, c.Categories, true); err != nil {
			return err
		}
		if ch.Event != nil {
			if err := txQueryRow(ctx, tx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE complaint_id = ?`, c.ID).Scan(&eventSeq); err != nil {
				return err
			}
			if eventID, err = insertEvent(ctx, tx, c.ID, eventSeq, ch.Event); err != nil {
				return err
			}
		}
		if extras, err = insertExtras(ctx, tx, c.ID, ch); err != nil {
			return err
		}
		audit, err = appendAudit(ctx, tx, ch.Audit)
		return err
	})
	if err != nil {
		return err
	}
	c.Version++
	if ch.Event != nil {
		ch.Event.ID, ch.Event.Seq, ch.Event.ComplaintID = eventID, eventSeq, c.ID
	}
	copy(ch.Audit, audit)
	extras.set(ch, c.ID)
	return nil
}

// extraIDs are the IDs of the attachments and outbox messages a change stored, in the
// change's order.
type extraIDs struct{ attachments, messages []int64 }

// insertExtras stores the attachments and outbox messages of ch, about the complaint id.
func insertExtras(ctx context.Context, tx *sql.Tx, id string, ch *tousu.Change) (extraIDs, error) {
	var ids extraIDs
	for i := range ch.Attachments {
		aid, err := insertAttachment(ctx, tx, id, &ch.Attachments[i])
		if err != nil {
			return ids, err
		}
		ids.attachments = append(ids.attachments, aid)
	}
	for _, m := range ch.Outbox {
		mid, err := insertMessage(ctx, tx, m.Queued(id))
		if err != nil {
			return ids, err
		}
		ids.messages = append(ids.messages, mid)
	}
	return ids, nil
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

// putCategories replaces the category rows of a complaint.
func putCategories(ctx context.Context, tx *sql.Tx, id string, cats []string, replace bool) error {
	if replace {
		if _, err := txExec(ctx, tx, `DELETE FROM complaint_categories WHERE complaint_id = ?`, id); err != nil {
			return err
		}
	}
	for _, cat := range cats {
		_, err := txExec(ctx, tx, `INSERT INTO complaint_categories (complaint_id, category) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, id, cat)
		if err != nil {
			return err
		}
	}
	return nil
}

func insertEvent(ctx context.Context, tx *sql.Tx, complaintID string, seq int, ev *tousu.Event) (int64, error) {
	var payload any
	if ev.Payload != nil {
		payload = string(ev.Payload)
	}
	var id int64
	err := txQueryRow(ctx, tx, `INSERT INTO events (complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		complaintID, seq, ev.Type, ev.Actor, ev.ActorName, millis(ev.At), ev.From, ev.To, payload).Scan(&id)
	return id, err
}

// FindComplaint returns the complaint with the given number.
func (db *DB) FindComplaint(ctx context.Context, number string) (_ *tousu.Complaint, err error) {
	defer tousu.Wrap(&err, "sqlite.FindComplaint(%q)", number)
	c, err := scanComplaint(db.read.QueryRowContext(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("未找到该投诉件")
	}
	return c, err
}

// ListEvents returns the timeline of a complaint, oldest first.
func (db *DB) ListEvents(ctx context.Context, complaintID string) (_ []tousu.Event, err error) {
	defer tousu.Wrap(&err, "sqlite.ListEvents(%q)", complaintID)
	rows, err := db.read.QueryContext(ctx, `SELECT id, complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload
		FROM events WHERE complaint_id = ? ORDER BY seq`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var evs []tousu.Event
	for rows.Next() {
		var (
			ev      tousu.Event
			at      int64
			payload sql.NullString
		)
		if err := rows.Scan(&ev.ID, &ev.ComplaintID, &ev.Seq, &ev.Type, &ev.Actor, &ev.ActorName, &at, &ev.From, &ev.To, &payload); err != nil {
			return nil, err
		}
		ev.At = fromMillis(at)
		if payload.Valid {
			ev.Payload = json.RawMessage(payload.String)
		}
		evs = append(evs, ev)
	}
	return evs, rows.Err()
}

// FindIdempotency returns the registration remembered for actor and key.
func (db *DB) FindIdempotency(ctx context.Context, actor, key string) (_ *tousu.Idempotency, err error) {
	defer tousu.Wrap(&err, "sqlite.FindIdempotency(%q, %q)", actor, key)
	var (
		idem    tousu.Idempotency
		created int64
	)
	err = db.read.QueryRowContext(ctx, `SELECT actor, key, request_hash, number, secret, created_at
		FROM idempotency WHERE actor = ? AND key = ?`, actor, key).
		Scan(&idem.Actor, &idem.Key, &idem.RequestHash, &idem.Number, &idem.Secret, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("未找到该幂等键的登记记录")
	}
	if err != nil {
		return nil, err
	}
	idem.CreatedAt = fromMillis(created)
	return &idem, nil
}

// ListSealed returns up to limit (1000 when limit ≤ 0) complaints' sealed identities with
// ID > after, by ID.
func (db *DB) ListSealed(ctx context.Context, after string, limit int) (_ []tousu.SealedRow, err error) {
	defer tousu.Wrap(&err, "sqlite.ListSealed(%q, %d)", after, limit)
	if limit <= 0 {
		limit = 1000
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, anonymous, identity, phone_index, id_number_index
		FROM complaints WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.SealedRow
	for rows.Next() {
		var (
			r         tousu.SealedRow
			identity  string
			anonymous bool
		)
		if err := rows.Scan(&r.ID, &anonymous, &identity, &r.Identity.PhoneIndex, &r.Identity.IDNumberIndex); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(identity), &r.Identity); err != nil {
			return nil, fmt.Errorf("complaint %s: identity: %w", r.ID, err)
		}
		r.Identity.Anonymous = anonymous
		out = append(out, r)
	}
	return out, rows.Err()
}

// UpdateIdentity replaces a complaint's sealed identity and blind indexes, leaving its
// version and everything else as they are: re-encryption under a new key is no change of
// the complaint.
func (db *DB) UpdateIdentity(ctx context.Context, id string, s tousu.SealedIdentity) (err error) {
	defer tousu.Wrap(&err, "sqlite.UpdateIdentity(%q)", id)
	identity, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := txExec(ctx, tx, `UPDATE complaints SET anonymous = ?, identity = ?, phone_index = ?, id_number_index = ?,
			name_index = ? WHERE id = ?`, s.Anonymous, string(identity), s.PhoneIndex, s.IDNumberIndex, s.NameIndex, id)
		if err != nil {
			return err
		}
		return affected(res, "未找到该投诉件")
	})
}

// isUniqueViolation reports whether err is SQLite's UNIQUE or PRIMARY KEY constraint failure.
func isUniqueViolation(err error) bool {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}
