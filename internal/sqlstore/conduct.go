package sqlstore

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"tousu"
)

// The tables of 行风督查 (migration 17): checklists, inspections, rectification tasks,
// their files, the staff record's entries and malicious-complaint marks. Each write
// commits its audit records in the same transaction.

// audited runs fn in a write transaction that also appends recs to the audit log.
func (s *Store) audited(ctx context.Context, recs []tousu.AuditRecord, fn func(ctx context.Context, q Querier) error) error {
	var a Appended
	err := s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		if err := fn(ctx, q); err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		var err error
		a, err = s.e.Audit.Append(ctx, q, recs)
		return err
	})
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		_ = s.e.Audit.Done(ctx, recs, a)
	}
	return nil
}

// dateText stores a civil date as 'YYYY-MM-DD' (” for none).
func dateText(d tousu.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func textDate(s string) tousu.Date {
	d, _ := tousu.ParseDate(s)
	return d
}

// badgeList stores badges as ",A001,B002," so that a LIKE finds one of them.
func badgeList(bs []string) string {
	if len(bs) == 0 {
		return ""
	}
	return "," + strings.Join(bs, ",") + ","
}

func listBadges(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// ListChecklists returns the checklists, by code.
func (s *Store) ListChecklists(ctx context.Context) (_ []tousu.Checklist, err error) {
	defer s.wrap(&err, "store.ListChecklists")
	rows, err := s.e.Read.Query(ctx, `SELECT code, name, preset, items FROM checklists ORDER BY code`)
	return collect(rows, err, func(r Row) (tousu.Checklist, error) {
		var c tousu.Checklist
		var items string
		if err := r.Scan(&c.Code, &c.Name, &c.Preset, &items); err != nil {
			return c, err
		}
		return c, json.Unmarshal([]byte(items), &c.Items)
	})
}

// PutChecklist inserts or replaces a checklist by code.
func (s *Store) PutChecklist(ctx context.Context, c tousu.Checklist, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.PutChecklist(%q)", c.Code)
	items, err := json.Marshal(c.Items)
	if err != nil {
		return err
	}
	at := int64(0)
	if len(audit) > 0 {
		at = millis(audit[0].At)
	}
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO checklists (code, name, preset, items, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, preset = excluded.preset, items = excluded.items,
				updated_at = excluded.updated_at`, c.Code, c.Name, c.Preset, string(items), at)
		return err
	})
}

const inspectionColumns = `id, unit, kind, day, checklist, status, inspector, note, results, score, max_score, failed,
	created_at, completed_at`

func scanInspection(r Row) (tousu.Inspection, error) {
	var (
		in        tousu.Inspection
		day, res  string
		created   int64
		completed *int64
	)
	if err := r.Scan(&in.ID, &in.Unit, &in.Kind, &day, &in.Checklist, &in.Status, &in.Inspector, &in.Note, &res,
		&in.Score, &in.MaxScore, &in.Failed, &created, &completed); err != nil {
		return in, err
	}
	in.Date = textDate(day)
	in.CreatedAt = fromMillis(created)
	in.CompletedAt = fromNullMillis(completed)
	return in, json.Unmarshal([]byte(res), &in.Results)
}

// inspectionStaff is every badge the inspection's results name.
func inspectionStaff(in *tousu.Inspection) string {
	var bs []string
	seen := map[string]bool{}
	for _, r := range in.Results {
		for _, b := range r.Staff {
			if !seen[b] {
				seen[b] = true
				bs = append(bs, b)
			}
		}
	}
	return badgeList(bs)
}

// CreateInspection inserts an inspection and sets its ID.
func (s *Store) CreateInspection(ctx context.Context, in *tousu.Inspection, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.CreateInspection")
	res, err := json.Marshal(nonNil(in.Results))
	if err != nil {
		return err
	}
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		err := q.QueryRow(ctx, `INSERT INTO inspections (unit, kind, day, checklist, status, inspector, note, results,
			score, max_score, failed, staff, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Unit, string(in.Kind), dateText(in.Date), in.Checklist, in.Status, in.Inspector, in.Note, string(res),
			in.Score, in.MaxScore, in.Failed, inspectionStaff(in), millis(in.CreatedAt), nullMillis(in.CompletedAt)).Scan(&in.ID)
		if err != nil {
			return err
		}
		for i := range audit {
			if audit[i].Object == "" {
				audit[i].Object = "inspection:" + strconv.FormatInt(in.ID, 10)
			}
		}
		return nil
	})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// UpdateInspection writes an inspection's status, note, results, score and completion,
// inserts the rectification tasks its completion opens (setting their IDs) and queues
// the messages that tell the unit.
func (s *Store) UpdateInspection(ctx context.Context, in *tousu.Inspection, rects []tousu.Rectification, msgs []tousu.Message,
	audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.UpdateInspection(%d)", in.ID)
	res, err := json.Marshal(nonNil(in.Results))
	if err != nil {
		return err
	}
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `UPDATE inspections SET status = ?, note = ?, results = ?, score = ?, max_score = ?, failed = ?,
			staff = ?, completed_at = ? WHERE id = ?`, in.Status, in.Note, string(res), in.Score, in.MaxScore, in.Failed,
			inspectionStaff(in), nullMillis(in.CompletedAt), in.ID)
		if err := affected(n, err, "未找到该督查记录"); err != nil {
			return err
		}
		for i := range rects {
			if err := insertRectification(ctx, q, &rects[i]); err != nil {
				return err
			}
		}
		return queue(ctx, q, msgs)
	})
}

// queue inserts messages for the outbox, setting their IDs.
func queue(ctx context.Context, q Querier, msgs []tousu.Message) error {
	stmts := make([]Stmt, len(msgs))
	for i := range msgs {
		msgs[i] = msgs[i].Queued("")
		stmts[i] = messageStmt(msgs[i], &msgs[i].ID)
	}
	return runBatch(ctx, q, stmts)
}

// FindInspection returns an inspection with its photos.
func (s *Store) FindInspection(ctx context.Context, id int64) (_ *tousu.Inspection, err error) {
	defer s.wrap(&err, "store.FindInspection(%d)", id)
	in, err := scanInspection(s.e.Read.QueryRow(ctx, `SELECT `+inspectionColumns+` FROM inspections WHERE id = ?`, id))
	if noRows(err) {
		return nil, notFound("未找到该督查记录")
	}
	if err != nil {
		return nil, err
	}
	in.Photos, err = s.ListConductFiles(ctx, "inspection:"+strconv.FormatInt(id, 10))
	return &in, err
}

// ListInspections returns the inspections f selects, newest day first.
func (s *Store) ListInspections(ctx context.Context, f tousu.InspectionFilter) (_ []tousu.Inspection, err error) {
	defer s.wrap(&err, "store.ListInspections")
	w := s.where()
	if f.Units != nil {
		in(w, []string{"unit"}, f.Units)
	}
	if f.Status != "" {
		w.equals("status", f.Status)
	}
	if f.Kind != "" {
		w.equals("kind", string(f.Kind))
	}
	if !f.From.IsZero() {
		w.add("day >= ?", dateText(f.From))
	}
	if !f.To.IsZero() {
		w.add("day <= ?", dateText(f.To))
	}
	if f.Staff != "" {
		if !s.storable(f.Staff) {
			return nil, nil
		}
		w.add("staff LIKE ?", "%,"+escapeLike(f.Staff)+",%")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+inspectionColumns+` FROM inspections`+w.String()+
		` ORDER BY day DESC, id DESC LIMIT `+strconv.Itoa(min(limit, 5000)), w.Args()...)
	return collect(rows, err, scanInspection)
}

// rectBody is what a rectification row keeps as JSON: the text of its steps.
type rectBody struct {
	Text        string `json:"text,omitempty"`
	SubmittedBy string `json:"submitted_by,omitempty"`
	SubmittedAt *int64 `json:"submitted_at,omitempty"`
	VerifyNote  string `json:"verify_note,omitempty"`
	VerifiedBy  string `json:"verified_by,omitempty"`
	VerifiedAt  *int64 `json:"verified_at,omitempty"`
	Returns     int    `json:"returns,omitempty"`
}

func encodeRect(r *tousu.Rectification) (string, error) {
	b, err := json.Marshal(rectBody{Text: r.Text, SubmittedBy: r.SubmittedBy, SubmittedAt: nullMillis(r.SubmittedAt),
		VerifyNote: r.VerifyNote, VerifiedBy: r.VerifiedBy, VerifiedAt: nullMillis(r.VerifiedAt), Returns: r.Returns})
	return string(b), err
}

func insertRectification(ctx context.Context, q Querier, r *tousu.Rectification) error {
	body, err := encodeRect(r)
	if err != nil {
		return err
	}
	return q.QueryRow(ctx, `INSERT INTO rectifications (source, inspection_id, evaluation_id, unit, item, item_name, finding,
		staff, due_date, status, inspector, body, alerts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Source, r.InspectionID, r.EvaluationID, r.Unit, r.Item, r.ItemName, r.Finding, badgeList(r.Staff), dateText(r.DueDate),
		r.Status, r.Inspector, body, r.Alerts, millis(r.CreatedAt)).Scan(&r.ID)
}

// putRectification inserts a task (ID 0) or rewrites its status, steps, due date, alerts
// and finding: the task a rating keeps in step with itself, in the rating's transaction.
func putRectification(ctx context.Context, q Querier, r *tousu.Rectification) error {
	if r.ID == 0 {
		return insertRectification(ctx, q, r)
	}
	body, err := encodeRect(r)
	if err != nil {
		return err
	}
	n, err := q.Exec(ctx, `UPDATE rectifications SET status = ?, body = ?, alerts = ?, due_date = ?, finding = ?, staff = ?
		WHERE id = ?`, r.Status, body, r.Alerts, dateText(r.DueDate), r.Finding, badgeList(r.Staff), r.ID)
	return affected(n, err, "未找到该整改任务")
}

const rectColumns = `id, source, inspection_id, evaluation_id, unit, item, item_name, finding, staff, due_date, status,
	inspector, body, alerts, created_at`

func scanRect(row Row) (tousu.Rectification, error) {
	var (
		r              tousu.Rectification
		staff, due, bd string
		created        int64
		b              rectBody
	)
	if err := row.Scan(&r.ID, &r.Source, &r.InspectionID, &r.EvaluationID, &r.Unit, &r.Item, &r.ItemName, &r.Finding, &staff, &due,
		&r.Status, &r.Inspector, &bd, &r.Alerts, &created); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(bd), &b); err != nil {
		return r, err
	}
	r.Staff, r.DueDate, r.CreatedAt = listBadges(staff), textDate(due), fromMillis(created)
	r.Text, r.SubmittedBy, r.SubmittedAt = b.Text, b.SubmittedBy, fromNullMillis(b.SubmittedAt)
	r.VerifyNote, r.VerifiedBy, r.VerifiedAt, r.Returns = b.VerifyNote, b.VerifiedBy, fromNullMillis(b.VerifiedAt), b.Returns
	return r, nil
}

// ListRectifications returns the tasks f selects, earliest due first.
func (s *Store) ListRectifications(ctx context.Context, f tousu.RectificationFilter) (_ []tousu.Rectification, err error) {
	defer s.wrap(&err, "store.ListRectifications")
	w := s.where()
	if f.Units != nil {
		in(w, []string{"unit"}, f.Units)
	}
	if len(f.Statuses) > 0 {
		in(w, []string{"status"}, f.Statuses)
	}
	if f.Source != "" {
		w.equals("source", f.Source)
	}
	if f.InspectionID != 0 {
		w.add("inspection_id = ?", f.InspectionID)
	}
	if f.EvaluationID != "" {
		w.equals("evaluation_id", f.EvaluationID)
	}
	if !f.DueBefore.IsZero() {
		w.add("due_date < ?", dateText(f.DueBefore))
	}
	if !f.DueFrom.IsZero() {
		w.add("due_date >= ?", dateText(f.DueFrom))
	}
	if f.Overdue {
		w.add("(alerts & ?) <> 0", tousu.RectAlertOverdue)
	}
	order := "due_date, id"
	if f.ByID {
		w.add("id > ?", f.AfterID)
		order = "id"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+rectColumns+` FROM rectifications`+w.String()+
		` ORDER BY `+order+` LIMIT `+strconv.Itoa(min(limit, 5000)), w.Args()...)
	return collect(rows, err, scanRect)
}

// FindRectification returns a task with its evidence.
func (s *Store) FindRectification(ctx context.Context, id int64) (_ *tousu.Rectification, err error) {
	defer s.wrap(&err, "store.FindRectification(%d)", id)
	r, err := scanRect(s.e.Read.QueryRow(ctx, `SELECT `+rectColumns+` FROM rectifications WHERE id = ?`, id))
	if noRows(err) {
		return nil, notFound("未找到该整改任务")
	}
	if err != nil {
		return nil, err
	}
	r.Evidence, err = s.ListConductFiles(ctx, "rectification:"+strconv.FormatInt(id, 10))
	return &r, err
}

// UpdateRectification writes a task's status, steps and alerts, with the messages and
// audit records of the change, if its status is still from (optimistic: a concurrent
// step wins and this one fails with kind conflict).
func (s *Store) UpdateRectification(ctx context.Context, r *tousu.Rectification, from string, msgs []tousu.Message,
	audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.UpdateRectification(%d)", r.ID)
	body, err := encodeRect(r)
	if err != nil {
		return err
	}
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		n, err := q.Exec(ctx, `UPDATE rectifications SET status = ?, body = ?, alerts = ?, due_date = ? WHERE id = ? AND status = ?`,
			r.Status, body, r.Alerts, dateText(r.DueDate), r.ID, from)
		if err != nil {
			return err
		}
		if n == 0 {
			return &tousu.Error{Kind: tousu.KindConflict, Message: "整改任务的状态已被他人改变，请刷新后重试"}
		}
		return queue(ctx, q, msgs)
	})
}

const conductFileColumns = `id, owner, item, sha256, name, content_type, size, uploaded_by, created_at`

func scanConductFile(r Row, data *[]byte) (tousu.ConductFile, error) {
	var (
		f       tousu.ConductFile
		created int64
	)
	dest := []any{&f.ID, &f.Owner, &f.Item, &f.SHA256, &f.Name, &f.ContentType, &f.Size, &f.UploadedBy, &created}
	if data != nil {
		dest = append(dest, data)
	}
	if err := r.Scan(dest...); err != nil {
		return f, err
	}
	f.CreatedAt = fromMillis(created)
	return f, nil
}

// AddConductFiles stores photos or evidence of an inspection or a rectification (owner
// "inspection:ID" or "rectification:ID"), their content once per SHA-256, setting IDs.
func (s *Store) AddConductFiles(ctx context.Context, owner string, files []tousu.ConductFile, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.AddConductFiles(%q)", owner)
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		for i := range files {
			f := &files[i]
			f.Owner = owner
			data := f.Data
			if data == nil {
				data = []byte{}
			}
			if err := runBatch(ctx, q, []Stmt{
				{Query: `INSERT INTO blobs (sha256, data, size) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
					Args: []any{f.SHA256, data, f.Size}},
				{Query: `INSERT INTO conduct_files (owner, item, sha256, name, content_type, size, uploaded_by, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
					Args: []any{owner, f.Item, f.SHA256, f.Name, f.ContentType, f.Size, f.UploadedBy, millis(f.CreatedAt)},
					Scan: func(r Row) error { return r.Scan(&f.ID) }},
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListConductFiles returns an owner's files, oldest first, without their Data.
func (s *Store) ListConductFiles(ctx context.Context, owner string) (_ []tousu.ConductFile, err error) {
	defer s.wrap(&err, "store.ListConductFiles(%q)", owner)
	if !s.storable(owner) {
		return nil, nil
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+conductFileColumns+` FROM conduct_files WHERE owner = ? ORDER BY id`, owner)
	return collect(rows, err, func(r Row) (tousu.ConductFile, error) { return scanConductFile(r, nil) })
}

// OpenConductFile returns one file of an owner with its Data.
func (s *Store) OpenConductFile(ctx context.Context, owner string, id int64) (_ *tousu.ConductFile, err error) {
	defer s.wrap(&err, "store.OpenConductFile(%q, %d)", owner, id)
	if !s.storable(owner) {
		return nil, notFound("未找到该文件")
	}
	var data []byte
	f, err := scanConductFile(s.e.Read.QueryRow(ctx, `SELECT f.id, f.owner, f.item, f.sha256, f.name, f.content_type,
		f.size, f.uploaded_by, f.created_at, b.data FROM conduct_files f JOIN blobs b ON b.sha256 = f.sha256
		WHERE f.owner = ? AND f.id = ?`, owner, id), &data)
	if noRows(err) {
		return nil, notFound("未找到该文件")
	}
	if err != nil {
		return nil, err
	}
	f.Data = data
	return &f, nil
}

// AddStaffEntry inserts an entry of the staff record and sets its ID.
func (s *Store) AddStaffEntry(ctx context.Context, e *tousu.StaffEntry, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.AddStaffEntry(%q)", e.Badge)
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		return q.QueryRow(ctx, `INSERT INTO staff_entries (badge, kind, type, day, reason, source, source_ref, result, hours,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.Badge, e.Kind, e.Type, dateText(e.Date), e.Reason, e.Source, e.SourceRef, e.Result, e.Hours, e.By,
			millis(e.At)).Scan(&e.ID)
	})
}

// ListStaffEntries returns the entries f selects, by day then ID.
func (s *Store) ListStaffEntries(ctx context.Context, f tousu.StaffEntryFilter) (_ []tousu.StaffEntry, err error) {
	defer s.wrap(&err, "store.ListStaffEntries")
	w := s.where()
	if f.Badges != nil {
		in(w, []string{"badge"}, f.Badges)
	}
	if f.Kind != "" {
		w.equals("kind", f.Kind)
	}
	if !f.From.IsZero() {
		w.add("day >= ?", dateText(f.From))
	}
	if !f.To.IsZero() {
		w.add("day <= ?", dateText(f.To))
	}
	rows, err := s.e.Read.Query(ctx, `SELECT id, badge, kind, type, day, reason, source, source_ref, result, hours,
		created_by, created_at FROM staff_entries`+w.String()+` ORDER BY day, id LIMIT `+strconv.Itoa(tousu.StaffEntriesMax), w.Args()...)
	return collect(rows, err, func(r Row) (tousu.StaffEntry, error) {
		var (
			e   tousu.StaffEntry
			day string
			at  int64
		)
		err := r.Scan(&e.ID, &e.Badge, &e.Kind, &e.Type, &day, &e.Reason, &e.Source, &e.SourceRef, &e.Result, &e.Hours,
			&e.By, &at)
		e.Date, e.At = textDate(day), fromMillis(at)
		return e, err
	})
}

const maliciousColumns = `complaint_id, number, status, reason, proposed_by, proposed_at, note, reviewed_by, reviewed_at,
	staff, unit, phone_index, id_number_index, name_index`

func scanMalicious(r Row) (tousu.MaliciousMark, error) {
	var (
		m        tousu.MaliciousMark
		proposed int64
		reviewed *int64
	)
	err := r.Scan(&m.ComplaintID, &m.Number, &m.Status, &m.Reason, &m.ProposedBy, &proposed, &m.Note, &m.ReviewedBy,
		&reviewed, &m.Staff, &m.Unit, &m.PhoneIndex, &m.IDNumberIndex, &m.NameIndex)
	m.ProposedAt, m.ReviewedAt = fromMillis(proposed), fromNullMillis(reviewed)
	return m, err
}

// PutMalicious inserts or replaces the malicious mark of a complaint.
func (s *Store) PutMalicious(ctx context.Context, m *tousu.MaliciousMark, msgs []tousu.Message, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.PutMalicious(%q)", m.Number)
	return s.audited(ctx, audit, func(ctx context.Context, q Querier) error {
		_, err := q.Exec(ctx, `INSERT INTO malicious_marks (`+maliciousColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (complaint_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
				proposed_by = excluded.proposed_by, proposed_at = excluded.proposed_at, note = excluded.note,
				reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at, staff = excluded.staff,
				unit = excluded.unit, phone_index = excluded.phone_index, id_number_index = excluded.id_number_index,
				name_index = excluded.name_index`,
			m.ComplaintID, m.Number, m.Status, m.Reason, m.ProposedBy, millis(m.ProposedAt), m.Note, m.ReviewedBy,
			nullMillis(m.ReviewedAt), m.Staff, m.Unit, m.PhoneIndex, m.IDNumberIndex, m.NameIndex)
		if err != nil && s.e.IsForeignKey(err) {
			return notFound("未找到该投诉")
		}
		if err != nil {
			return err
		}
		for i := range msgs {
			msgs[i].ComplaintID = m.ComplaintID
		}
		return queue(ctx, q, msgs)
	})
}

// FindMalicious returns the malicious mark of a complaint.
func (s *Store) FindMalicious(ctx context.Context, complaintID string) (_ *tousu.MaliciousMark, err error) {
	defer s.wrap(&err, "store.FindMalicious(%q)", complaintID)
	if !s.storable(complaintID) {
		return nil, notFound("该投诉没有恶意投诉认定")
	}
	m, err := scanMalicious(s.e.Read.QueryRow(ctx, `SELECT `+maliciousColumns+` FROM malicious_marks WHERE complaint_id = ?`, complaintID))
	if noRows(err) {
		return nil, notFound("该投诉没有恶意投诉认定")
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ListMalicious returns the marks f selects, newest proposal first.
func (s *Store) ListMalicious(ctx context.Context, f tousu.MaliciousFilter) (_ []tousu.MaliciousMark, err error) {
	defer s.wrap(&err, "store.ListMalicious")
	w := s.where()
	if f.Status != "" {
		w.equals("status", f.Status)
	}
	if f.Staff != "" {
		w.equals("staff", f.Staff)
	}
	var cols []string
	var vals []any
	for _, ix := range []struct{ col, v string }{{"phone_index", f.PhoneIndex}, {"id_number_index", f.IDNumberIndex},
		{"name_index", f.NameIndex}} {
		if ix.v != "" && s.storable(ix.v) {
			cols = append(cols, ix.col+" = ?")
			vals = append(vals, ix.v)
		}
	}
	if len(cols) > 0 {
		w.add("("+strings.Join(cols, " OR ")+")", vals...)
	} else if f.PhoneIndex+f.IDNumberIndex+f.NameIndex != "" {
		return nil, nil
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+maliciousColumns+` FROM malicious_marks`+w.String()+
		` ORDER BY proposed_at DESC LIMIT `+strconv.Itoa(pageLimit(f.Limit)), w.Args()...)
	return collect(rows, err, scanMalicious)
}

// ConductTotals sums the conduct records of [from, to] in SQL: per unit the completed
// inspections of the period (count, the sum of their percentage scores, failed items);
// per badge the failed items naming the person (read from the results of the period's
// inspections that failed an item and name someone) and the praise and sanctions dated in
// it. Nothing is capped: the grouped queries return a row per unit or person.
func (s *Store) ConductTotals(ctx context.Context, from, to tousu.Date) (_ *tousu.ConductTotals, err error) {
	defer s.wrap(&err, "store.ConductTotals(%s, %s)", from, to)
	out := &tousu.ConductTotals{Units: map[string]*tousu.ConductCount{}, Staff: map[string]*tousu.ConductCount{}}
	get := func(m map[string]*tousu.ConductCount, k string) *tousu.ConductCount {
		c := m[k]
		if c == nil {
			c = &tousu.ConductCount{}
			m[k] = c
		}
		return c
	}
	lo, hi := dateText(from), dateText(to)
	rows, err := s.e.Read.Query(ctx, `SELECT unit, COUNT(*),
		COALESCE(SUM(CASE WHEN max_score > 0 THEN score * 100.0 / max_score ELSE 0 END), 0), COALESCE(SUM(failed), 0)
		FROM inspections WHERE status = ? AND day >= ? AND day <= ? GROUP BY unit`, tousu.InspectionCompleted, lo, hi)
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var (
			unit   string
			n, f   int64
			scores float64
		)
		if err := r.Scan(&unit, &n, &scores, &f); err != nil {
			return struct{}{}, err
		}
		c := get(out.Units, unit)
		c.Inspections, c.ScorePct, c.FailedItems = int(n), scores, int(f)
		return struct{}{}, nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.e.Read.Query(ctx, `SELECT results FROM inspections
		WHERE status = ? AND day >= ? AND day <= ? AND failed > 0 AND staff <> ''`, tousu.InspectionCompleted, lo, hi)
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var (
			res     string
			results []tousu.InspectionResult
		)
		if err := r.Scan(&res); err != nil {
			return struct{}{}, err
		}
		if err := json.Unmarshal([]byte(res), &results); err != nil {
			return struct{}{}, err
		}
		for _, it := range results {
			if it.Result == tousu.ResultFail {
				for _, b := range it.Staff {
					get(out.Staff, b).FailedItems++
				}
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, err
	}
	rows, err = s.e.Read.Query(ctx, `SELECT badge, kind, COUNT(*) FROM staff_entries
		WHERE kind IN (?, ?) AND day >= ? AND day <= ? GROUP BY badge, kind`, tousu.EntryPraise, tousu.EntrySanction, lo, hi)
	_, err = collect(rows, err, func(r Row) (struct{}, error) {
		var (
			badge, kind string
			n           int64
		)
		if err := r.Scan(&badge, &kind, &n); err != nil {
			return struct{}{}, err
		}
		c := get(out.Staff, badge)
		if kind == tousu.EntryPraise {
			c.Praise = int(n)
		} else {
			c.Sanctions = int(n)
		}
		return struct{}{}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lateCandidates is the condition of LateFilter, on columns both engines have: the
// handling JSON read with ->> (SQLite 3.38 and PostgreSQL's jsonb take the same key
// form). A report's instant is compared by its first ten characters, which are the day
// it was given in UTC or in its own zone: never after the local day, so the superset
// holds and app.Accountability decides exactly. A signing deadline passed is a signature
// or a return after it, or none yet by today.
const lateCandidates = `(late_handover = TRUE
	OR (assigned_unit <> '' AND due_date <> '' AND ((handling ->> 'replied_on') > due_date OR (clock_running = TRUE AND due_date < ?)))
	OR substr((handling -> 'report') ->> 'at', 1, 10) >= (handling ->> 'unit_due')
	OR (handling ->> 'sign_due') < COALESCE(handling ->> 'signed_on', ?))`

// ListLate returns a page of the complaints f selects, newest first after f.After.
func (s *Store) ListLate(ctx context.Context, f tousu.LateFilter) (_ []*tousu.Complaint, err error) {
	defer s.wrap(&err, "store.ListLate")
	w := s.where()
	w.add("received_at >= ? AND received_at < ?", millis(f.From), millis(f.To))
	w.add(lateCandidates, f.Today.String(), f.Today.String())
	if f.Handlers != nil {
		vals := storableArgs(w, f.Handlers)
		term := "late_handover = TRUE"
		if len(vals) > 0 {
			term = "(late_handover = TRUE OR handler IN (" + placeholders(len(vals)) + "))"
		}
		w.add(term, vals...)
	}
	if f.After != nil {
		w.NewestBefore(f.After.Key, f.After.ID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+complaintColumns+` FROM complaints`+w.String()+
		` ORDER BY received_at DESC, id DESC LIMIT `+strconv.Itoa(limit), w.Args()...)
	return collect(rows, err, scanComplaint)
}

// LateCallbacks returns the bad ratings, not excluded, whose call-back was due within
// [from, to], each with the instant of its first call-back event: one row per rating,
// however many.
func (s *Store) LateCallbacks(ctx context.Context, from, to tousu.Date) (_ []tousu.LateCallback, err error) {
	defer s.wrap(&err, "store.LateCallbacks(%s, %s)", from, to)
	rows, err := s.e.Read.Query(ctx, `SELECT e.id, e.window_unit, e.staff, e.callback_due,
		(SELECT MIN(ev.at) FROM evaluation_events ev WHERE ev.evaluation_id = e.id AND ev.type = 'callback')
		FROM evaluations e WHERE e.level <= 2 AND e.excluded = 0 AND e.callback_due >= ? AND e.callback_due <= ?
		ORDER BY e.callback_due, e.id`, from.String(), to.String())
	return collect(rows, err, func(r Row) (tousu.LateCallback, error) {
		var (
			c   tousu.LateCallback
			due string
			at  *int64
		)
		err := r.Scan(&c.ID, &c.Window, &c.Staff, &due, &at)
		c.Due, c.CalledBackAt = textDate(due), fromNullMillis(at)
		return c, err
	})
}
