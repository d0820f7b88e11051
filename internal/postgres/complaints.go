package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"tousu"
)

// complaintColumns are the columns of a complaint row, in the order of insertComplaint's
// arguments and scanComplaint. search is not among them: it is derived, never read back.
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
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
		$20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42,
		$43, $44, $45)`

// updateComplaint writes every column but id, number and created_at, which never change,
// if the version is still the one read ($38, $39). Under read committed a concurrent
// update of the same row makes this one wait, then re-check the version against the
// committed row: the loser changes nothing.
const updateComplaint = `UPDATE complaints SET
	version = version + 1, kind = $1, channel = $2, status = $3, classification = $4, categories = $5,
	anonymous = $6, identity = $7, phone_index = $8, id_number_index = $9,
	target_unit = $10, target_staff = $11, target_description = $12, matter = $13, request = $14,
	incident_at = $15, incident_place = $16, business_receipt_no = $17, written = $18,
	first_receiver = $19, owner_unit = $20, assigned_unit = $21, handler = $22, mode = $23,
	received_at = $24, updated_at = $25, closed_at = $26,
	query_code_hash = $27, deadline = $28, due_date = $29, clock_running = $30, decision = $31, reply = $32,
	satisfaction = $33, merged_into = $34, alerts = $35, handling = $36, marks = $37,
	name_index = $40, intake = $41, late_handover = $42
	WHERE id = $38 AND version = $39`

// complaintRow is a complaint's JSON columns, encoded. pgx passes a string to a jsonb
// parameter as the JSON text it is.
type complaintRow struct {
	categories, identity, deadline, handling string
	decision, reply                          *string // nil for NULL
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

func scanComplaint(s pgx.Row) (*tousu.Complaint, error) {
	var (
		c                                tousu.Complaint
		categories, identity, deadline   []byte
		handling                         []byte
		decision, reply                  []byte // nil for NULL
		incidentAt, closedAt             *int64
		receivedAt, createdAt, updatedAt int64
		anonymous                        bool
		dueDate                          string
		running                          bool
		intake                           []byte
	)
	err := s.Scan(&c.ID, &c.Number, &c.Version, &c.Kind, &c.Channel, &c.Status, &c.Classification, &categories,
		&anonymous, &identity, &c.Identity.PhoneIndex, &c.Identity.IDNumberIndex,
		&c.Target.Unit, &c.Target.Staff, &c.Target.Description, &c.Matter, &c.Request,
		&incidentAt, &c.IncidentPlace, &c.BusinessReceiptNo, &c.Written,
		&c.FirstReceiver, &c.OwnerUnit, &c.AssignedUnit, &c.Handler, &c.Mode,
		&receivedAt, &createdAt, &updatedAt, &closedAt,
		&c.QueryCodeHash, &deadline, &dueDate, &running, &decision, &reply, &c.Satisfaction, &c.MergedInto, &c.Alerts,
		&handling, &c.Marks, &c.ExternalRef,
		&c.Identity.NameIndex, &intake, &c.LateHandover)
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
	if err := json.Unmarshal(intake, &c.Intake); err != nil {
		return nil, fmt.Errorf("complaint %s: intake: %w", c.ID, err)
	}
	if err := json.Unmarshal(deadline, &c.Deadline); err != nil {
		return nil, fmt.Errorf("complaint %s: deadline: %w", c.ID, err)
	}
	if err := json.Unmarshal(handling, &c.Handling); err != nil {
		return nil, fmt.Errorf("complaint %s: handling: %w", c.ID, err)
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
// The counter's upsert locks its row until the transaction ends, so registrations with
// the same prefix take their numbers one after another on every node, and a registration
// that fails afterwards (a retried Idempotency-Key, a duplicate ID) gives its number back.
func (db *DB) CreateComplaint(ctx context.Context, ch *tousu.Change) (err error) {
	defer wrap(&err, "postgres.CreateComplaint")
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
		audit   []int64 // the queue IDs of the audit records
		extras  extraIDs
	)
	retried := &tousu.Error{Kind: tousu.KindConflict, Message: "该请求已经登记过投诉件，请勿重复提交"}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if idem := ch.Idempotency; idem != nil {
			// The common retry, answered before taking a number. Two requests with the
			// same key at once both pass here; the second then fails on the idempotency
			// row's primary key below.
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM idempotency WHERE actor = $1 AND key = $2`, idem.Actor, idem.Key).Scan(&one)
			if err == nil {
				return retried
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if ch.NumberPrefix != "" {
			var n int64
			err := tx.QueryRow(ctx, `INSERT INTO number_counters (prefix, n) VALUES ($1, 1)
				ON CONFLICT (prefix) DO UPDATE SET n = number_counters.n + 1 RETURNING n`, ch.NumberPrefix).Scan(&n)
			if err != nil {
				return err
			}
			number = fmt.Sprintf("%s-%04d", ch.NumberPrefix, n)
		}
		_, err := tx.Exec(ctx, insertComplaint,
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
			if pgCode(err) == codeUniqueViolation {
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
			_, err := tx.Exec(ctx, `INSERT INTO idempotency (actor, key, request_hash, number, secret, created_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, idem.Actor, idem.Key, idem.RequestHash, number, idem.Secret, millis(created))
			if err != nil {
				if pgCode(err) == codeUniqueViolation {
					return retried
				}
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
	// The change is committed: a failure to seal now only leaves its audit records queued
	// for the next sealer, and must not be reported as a failure of the change.
	_ = db.sealed(ctx, ch.Audit, audit)
	ch.Outbox = numbered(ch.Outbox, number)
	extras.set(ch, c.ID)
	return nil
}

// UpdateComplaint writes the projection and appends the event, attachments, messages and
// audit records if the stored version is still ch.Complaint.Version. The updated row
// stays locked until commit, so the event's sequence number, read after it, cannot be
// taken by another writer.
func (db *DB) UpdateComplaint(ctx context.Context, ch *tousu.Change) (err error) {
	c := ch.Complaint
	if c == nil {
		return &tousu.Error{Op: "postgres.UpdateComplaint", Kind: tousu.KindInternal, Err: errors.New("no complaint")}
	}
	defer wrap(&err, "postgres.UpdateComplaint(%q)", c.Number)
	if err := tousu.CheckAttachments(ch.Attachments); err != nil {
		return err
	}
	if !storable(c.ID) {
		return notFound("未找到该投诉件")
	}
	row, err := encodeComplaint(c)
	if err != nil {
		return err
	}
	var (
		eventID  int64
		eventSeq int
		audit    []int64 // the queue IDs of the audit records
		extras   extraIDs
	)
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, updateComplaint,
			c.Kind, c.Channel, c.Status, c.Classification, row.categories,
			c.Identity.Anonymous, row.identity, c.Identity.PhoneIndex, c.Identity.IDNumberIndex,
			c.Target.Unit, c.Target.Staff, c.Target.Description, c.Matter, c.Request,
			nullMillis(c.IncidentAt), c.IncidentPlace, c.BusinessReceiptNo, c.Written,
			c.FirstReceiver, c.OwnerUnit, c.AssignedUnit, c.Handler, c.Mode,
			millis(c.ReceivedAt), millis(c.UpdatedAt), nullMillis(c.ClosedAt),
			c.QueryCodeHash, row.deadline, c.Deadline.Due.String(), c.Status.ClockRuns(), row.decision, row.reply,
			c.Satisfaction, c.MergedInto, c.Alerts, row.handling, c.Marks,
			c.ID, c.Version, c.Identity.NameIndex, row.intake, c.LateHandover)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var one int
			err := tx.QueryRow(ctx, `SELECT 1 FROM complaints WHERE id = $1`, c.ID).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
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
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE complaint_id = $1`, c.ID).Scan(&eventSeq); err != nil {
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
	// The change is committed: a failure to seal now only leaves its audit records queued
	// for the next sealer, and must not be reported as a failure of the change.
	_ = db.sealed(ctx, ch.Audit, audit)
	extras.set(ch, c.ID)
	return nil
}

// extraIDs are the IDs of the attachments and outbox messages a change stored, in the
// change's order.
type extraIDs struct{ attachments, messages []int64 }

// insertExtras stores the attachments and outbox messages of ch, about the complaint id,
// in one batch: a single round trip however many there are. Audit records come after
// them, last in the transaction (see appendAudit).
func insertExtras(ctx context.Context, tx pgx.Tx, id string, ch *tousu.Change) (extraIDs, error) {
	ids := extraIDs{attachments: make([]int64, len(ch.Attachments)), messages: make([]int64, len(ch.Outbox))}
	if len(ch.Attachments) == 0 && len(ch.Outbox) == 0 {
		return ids, nil
	}
	b := &pgx.Batch{}
	for i := range ch.Attachments {
		queueAttachment(b, id, &ch.Attachments[i], &ids.attachments[i])
	}
	for i, m := range ch.Outbox {
		queueMessage(b, m.Queued(id), &ids.messages[i])
	}
	return ids, tx.SendBatch(ctx, b).Close()
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
func putCategories(ctx context.Context, tx pgx.Tx, id string, cats []string, replace bool) error {
	if replace {
		if _, err := tx.Exec(ctx, `DELETE FROM complaint_categories WHERE complaint_id = $1`, id); err != nil {
			return err
		}
	}
	if len(cats) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO complaint_categories (complaint_id, category)
		SELECT $1, category FROM unnest($2::text[]) AS category
		ON CONFLICT DO NOTHING`, id, cats)
	return err
}

func insertEvent(ctx context.Context, tx pgx.Tx, complaintID string, seq int, ev *tousu.Event) (int64, error) {
	var payload *string
	if ev.Payload != nil {
		payload = new(string(ev.Payload))
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO events (complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		complaintID, seq, ev.Type, ev.Actor, ev.ActorName, millis(ev.At), ev.From, ev.To, payload).Scan(&id)
	return id, err
}

// FindComplaint returns the complaint with the given number.
func (db *DB) FindComplaint(ctx context.Context, number string) (_ *tousu.Complaint, err error) {
	defer wrap(&err, "postgres.FindComplaint(%q)", number)
	if !storable(number) {
		return nil, notFound("未找到该投诉件")
	}
	c, err := scanComplaint(db.pool.QueryRow(ctx, `SELECT `+complaintColumns+` FROM complaints WHERE number = $1`, number))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound("未找到该投诉件")
	}
	return c, err
}

// ListEvents returns the timeline of a complaint, oldest first.
func (db *DB) ListEvents(ctx context.Context, complaintID string) (_ []tousu.Event, err error) {
	defer wrap(&err, "postgres.ListEvents(%q)", complaintID)
	if !storable(complaintID) {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT id, complaint_id, seq, type, actor, actor_name, at, from_status, to_status, payload
		FROM events WHERE complaint_id = $1 ORDER BY seq`, complaintID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var evs []tousu.Event
	for rows.Next() {
		var (
			ev      tousu.Event
			at      int64
			payload []byte
		)
		if err := rows.Scan(&ev.ID, &ev.ComplaintID, &ev.Seq, &ev.Type, &ev.Actor, &ev.ActorName, &at, &ev.From, &ev.To, &payload); err != nil {
			return nil, err
		}
		ev.At = fromMillis(at)
		if payload != nil {
			ev.Payload = json.RawMessage(payload)
		}
		evs = append(evs, ev)
	}
	return evs, rows.Err()
}

// FindIdempotency returns the registration remembered for actor and key.
func (db *DB) FindIdempotency(ctx context.Context, actor, key string) (_ *tousu.Idempotency, err error) {
	defer wrap(&err, "postgres.FindIdempotency(%q, %q)", actor, key)
	if !storable(actor) || !storable(key) {
		return nil, notFound("未找到该幂等键的登记记录")
	}
	var (
		idem    tousu.Idempotency
		created int64
	)
	err = db.pool.QueryRow(ctx, `SELECT actor, key, request_hash, number, secret, created_at
		FROM idempotency WHERE actor = $1 AND key = $2`, actor, key).
		Scan(&idem.Actor, &idem.Key, &idem.RequestHash, &idem.Number, &idem.Secret, &created)
	if errors.Is(err, pgx.ErrNoRows) {
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
func (db *DB) ListSealed(ctx context.Context, after string, limit int) (_ []tousu.SealedRow, err error) {
	defer wrap(&err, "postgres.ListSealed(%q, %d)", after, limit)
	if limit <= 0 {
		limit = 1000
	}
	w := &where{}
	if storable(after) {
		w.add("id > " + w.arg(after))
	} else {
		w.add("convert_to(id, 'UTF8') > " + w.arg([]byte(after)) + "::bytea")
	}
	rows, err := db.pool.Query(ctx, `SELECT id, anonymous, identity, phone_index, id_number_index
		FROM complaints`+w.String()+` ORDER BY id LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tousu.SealedRow
	for rows.Next() {
		var (
			r         tousu.SealedRow
			identity  []byte
			anonymous bool
		)
		if err := rows.Scan(&r.ID, &anonymous, &identity, &r.Identity.PhoneIndex, &r.Identity.IDNumberIndex); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(identity, &r.Identity); err != nil {
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
	defer wrap(&err, "postgres.UpdateIdentity(%q)", id)
	if !storable(id) {
		return notFound("未找到该投诉件")
	}
	identity, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `UPDATE complaints SET anonymous = $1, identity = $2, phone_index = $3, id_number_index = $4,
		name_index = $6 WHERE id = $5`, s.Anonymous, string(identity), s.PhoneIndex, s.IDNumberIndex, id, s.NameIndex)
	if err != nil {
		return err
	}
	return affected(tag, "未找到该投诉件")
}
