package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"tousu"
)

const disposalColumns = `id, status, reason, proposed_by, proposed_at, decided_by, decided_at, note`

func scanDisposal(r Row) (tousu.Disposal, error) {
	var (
		d        tousu.Disposal
		proposed int64
		decided  *int64
	)
	if err := r.Scan(&d.ID, &d.Status, &d.Reason, &d.ProposedBy, &proposed, &d.DecidedBy, &decided, &d.Note); err != nil {
		return d, err
	}
	d.ProposedAt = fromMillis(proposed)
	if decided != nil {
		d.DecidedAt = new(fromMillis(*decided))
	}
	return d, nil
}

const disposalItemColumns = `complaint_id, number, kind, unit, received_at, archived_on, class, retain_until, attachments`

func scanDisposalItem(r Row) (it tousu.DisposalItem, err error) {
	var (
		received        int64
		archived, until string
	)
	if err := r.Scan(&it.ComplaintID, &it.Number, &it.Kind, &it.Unit, &received, &archived, &it.Class, &until, &it.Attachments); err != nil {
		return it, err
	}
	it.ReceivedAt = fromMillis(received)
	if it.ArchivedOn, err = tousu.ParseDate(archived); err != nil {
		return it, err
	}
	if until != "" {
		if it.RetainUntil, err = tousu.ParseDate(until); err != nil {
			return it, err
		}
	}
	return it, nil
}

// CreateDisposal stores a proposal, its items and its audit records in one transaction.
func (s *Store) CreateDisposal(ctx context.Context, d *tousu.Disposal, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.CreateDisposal(%d cases)", len(d.Items))
	for _, it := range d.Items {
		if !s.storable(it.ComplaintID) {
			return notFound("未找到投诉件 " + it.Number)
		}
	}
	var (
		id       int64
		appended Appended
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		for _, it := range d.Items {
			// A case goes into one live disposal at a time: a pending one must be decided
			// first, and an approved one has nothing left to dispose of.
			var n int
			err := q.QueryRow(ctx, `SELECT COUNT(*) FROM disposal_items i JOIN disposals d ON d.id = i.disposal_id
				WHERE i.complaint_id = ? AND d.status <> ?`, it.ComplaintID, tousu.DisposalRefused).Scan(&n)
			if err != nil {
				return err
			}
			if n > 0 {
				return &tousu.Error{Kind: tousu.KindConflict, Message: "投诉件 " + it.Number + " 已在待审批或已批准的销毁清册中"}
			}
		}
		err := q.QueryRow(ctx, `INSERT INTO disposals (status, reason, proposed_by, proposed_at) VALUES (?, ?, ?, ?) RETURNING id`,
			tousu.DisposalProposed, d.Reason, d.ProposedBy, millis(d.ProposedAt)).Scan(&id)
		if err != nil {
			return err
		}
		stmts := make([]Stmt, len(d.Items))
		for i, it := range d.Items {
			until := ""
			if !it.RetainUntil.IsZero() {
				until = it.RetainUntil.String()
			}
			stmts[i] = Stmt{Query: `INSERT INTO disposal_items (disposal_id, ` + disposalItemColumns + `)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				Args: []any{id, it.ComplaintID, it.Number, it.Kind, it.Unit, millis(it.ReceivedAt), it.ArchivedOn.String(),
					it.Class, until, it.Attachments}}
		}
		if err := runBatch(ctx, q, stmts); err != nil {
			if s.e.IsForeignKey(err) {
				return notFound("未找到清册中的投诉件")
			}
			return err
		}
		ref := strconv.FormatInt(id, 10)
		for i := range audit {
			audit[i].Object = strings.ReplaceAll(audit[i].Object, tousu.DisposalPlaceholder, ref)
			audit[i].Detail = strings.ReplaceAll(audit[i].Detail, tousu.DisposalPlaceholder, ref)
		}
		appended, err = s.e.Audit.Append(ctx, q, audit)
		return err
	})
	if err != nil {
		return err
	}
	d.ID, d.Status = id, tousu.DisposalProposed
	_ = s.e.Audit.Done(ctx, audit, appended)
	return nil
}

// FindDisposal returns a disposal with its items.
func (s *Store) FindDisposal(ctx context.Context, id int64) (_ *tousu.Disposal, err error) {
	defer s.wrap(&err, "store.FindDisposal(%d)", id)
	d, err := scanDisposal(s.e.Read.QueryRow(ctx, `SELECT `+disposalColumns+` FROM disposals WHERE id = ?`, id))
	if noRows(err) {
		return nil, notFound("未找到该销毁清册")
	}
	if err != nil {
		return nil, err
	}
	if d.Items, err = s.disposalItems(ctx, id); err != nil {
		return nil, err
	}
	return &d, nil
}

func (s *Store) disposalItems(ctx context.Context, id int64) ([]tousu.DisposalItem, error) {
	rows, err := s.e.Read.Query(ctx, `SELECT `+disposalItemColumns+` FROM disposal_items WHERE disposal_id = ? ORDER BY number`, id)
	return collect(rows, err, scanDisposalItem)
}

// ListDisposals returns every disposal, newest first, with its items.
func (s *Store) ListDisposals(ctx context.Context) (_ []tousu.Disposal, err error) {
	defer s.wrap(&err, "store.ListDisposals")
	rows, err := s.e.Read.Query(ctx, `SELECT `+disposalColumns+` FROM disposals ORDER BY id DESC`)
	ds, err := collect(rows, err, scanDisposal)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].Items, err = s.disposalItems(ctx, ds[i].ID); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// DisposalOf returns the approved disposal of a complaint, nil when it has none.
func (s *Store) DisposalOf(ctx context.Context, complaintID string) (_ *tousu.Disposal, err error) {
	defer s.wrap(&err, "store.DisposalOf(%q)", complaintID)
	if !s.storable(complaintID) {
		return nil, nil
	}
	d, err := scanDisposal(s.e.Read.QueryRow(ctx, `SELECT `+disposalColumns+` FROM disposals
		WHERE status = ? AND id IN (SELECT disposal_id FROM disposal_items WHERE complaint_id = ?)`,
		tousu.DisposalApproved, complaintID))
	if noRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// decide marks a proposed disposal decided, within q; one already decided is a conflict.
func decide(ctx context.Context, q Querier, d *tousu.Disposal, status tousu.DisposalStatus) error {
	n, err := q.Exec(ctx, `UPDATE disposals SET status = ?, decided_by = ?, decided_at = ?, note = ?
		WHERE id = ? AND status = ?`, status, d.DecidedBy, nullMillis(d.DecidedAt), d.Note, d.ID, tousu.DisposalProposed)
	if err != nil {
		return err
	}
	if n == 0 {
		var st string
		err := q.QueryRow(ctx, `SELECT status FROM disposals WHERE id = ?`, d.ID).Scan(&st)
		if noRows(err) {
			return notFound("未找到该销毁清册")
		}
		if err != nil {
			return err
		}
		return &tousu.Error{Kind: tousu.KindConflict, Message: "该销毁清册已审批（" + tousu.DisposalStatuses.Label(tousu.DisposalStatus(st)) + "），不能再次审批"}
	}
	return nil
}

// RefuseDisposal marks a proposed disposal refused.
func (s *Store) RefuseDisposal(ctx context.Context, d *tousu.Disposal, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.RefuseDisposal(%d)", d.ID)
	var appended Appended
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		if err := decide(ctx, q, d, tousu.DisposalRefused); err != nil {
			return err
		}
		var err error
		appended, err = s.e.Audit.Append(ctx, q, audit)
		return err
	})
	if err != nil {
		return err
	}
	d.Status = tousu.DisposalRefused
	_ = s.e.Audit.Done(ctx, audit, appended)
	return nil
}

// ApproveDisposal destroys the identities, evidence and free text of a disposal's cases
// and marks it approved, all in one transaction.
func (s *Store) ApproveDisposal(ctx context.Context, d *tousu.Disposal, scrubbed []*tousu.Complaint,
	keep func(tousu.EventType, []byte) []byte, audit []tousu.AuditRecord) (err error) {
	defer s.wrap(&err, "store.ApproveDisposal(%d)", d.ID)
	rows := make([]complaintRow, len(scrubbed))
	for i, c := range scrubbed {
		if !s.storable(c.ID) {
			return notFound("未找到投诉件 " + c.Number)
		}
		if rows[i], err = encodeComplaint(c); err != nil {
			return err
		}
	}
	var appended Appended
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		if err := decide(ctx, q, d, tousu.DisposalApproved); err != nil {
			return err
		}
		for i, c := range scrubbed {
			if err := disposeOf(ctx, q, c, rows[i], keep); err != nil {
				return err
			}
		}
		var err error
		appended, err = s.e.Audit.Append(ctx, q, audit)
		return err
	})
	if err != nil {
		return err
	}
	d.Status = tousu.DisposalApproved
	for _, c := range scrubbed {
		c.Version++
	}
	_ = s.e.Audit.Done(ctx, audit, appended)
	return nil
}

// disposeOf writes one case's scrubbed projection and destroys what else of it carries
// identity or free text: event payloads (through keep), attachments and the evidence
// files only it held, its messages' recipients and texts, its idempotency secrets.
func disposeOf(ctx context.Context, q Querier, c *tousu.Complaint, row complaintRow, keep func(tousu.EventType, []byte) []byte) error {
	n, err := q.Exec(ctx, updateComplaint, append(row.args(c), c.ID, c.Version)...)
	if err != nil {
		return err
	}
	if n == 0 {
		return &tousu.Error{Kind: tousu.KindConflict, Message: "投诉件 " + c.Number + " 在审批期间被修改，请重新审批"}
	}
	// The statistics follow the projection like every write of it; what a disposal
	// empties counts in no figure, so the fact stays as it was.
	if err := writeStats(ctx, q, c, false); err != nil { // stats.go
		return err
	}
	type payload struct {
		id  int64
		typ tousu.EventType
		p   []byte
	}
	rows, err := q.Query(ctx, `SELECT id, type, payload FROM events WHERE complaint_id = ? AND payload IS NOT NULL`, c.ID)
	evs, err := collect(rows, err, func(r Row) (p payload, err error) {
		err = r.Scan(&p.id, &p.typ, &p.p)
		return p, err
	})
	if err != nil {
		return err
	}
	var stmts []Stmt
	for _, ev := range evs {
		stmts = append(stmts, Stmt{Query: `UPDATE events SET payload = ? WHERE id = ?`, Args: []any{nullText(keep(ev.typ, ev.p)), ev.id}})
	}
	rows, err = q.Query(ctx, `SELECT DISTINCT sha256 FROM attachments WHERE complaint_id = ?`, c.ID)
	shas, err := collect(rows, err, func(r Row) (h string, err error) { return h, r.Scan(&h) })
	if err != nil {
		return err
	}
	stmts = append(stmts, Stmt{Query: `DELETE FROM attachments WHERE complaint_id = ?`, Args: []any{c.ID}})
	for _, h := range shas {
		stmts = append(stmts, Stmt{Query: `DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?)`,
			Args: []any{h, h}})
	}
	stmts = append(stmts,
		Stmt{Query: `UPDATE messages SET recipient = NULL, subject = '', body = '', last_error = '',
			status = CASE WHEN status = ? THEN ? ELSE status END WHERE complaint_id = ?`,
			Args: []any{tousu.MessagePending, tousu.MessageDead, c.ID}},
		Stmt{Query: `UPDATE idempotency SET secret = NULL, request_hash = '' WHERE number = ?`, Args: []any{c.Number}})
	return runBatch(ctx, q, stmts)
}
