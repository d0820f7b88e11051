package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"tousu"
)

// The ratings of 好差评 (issue 16): the evaluations table and its timeline.

const evaluationColumns = `id, window_unit, staff, level, reasons, comment, transaction_no, item, channel, phone,
	status, created_at, updated_at, entered_by, callback_due, rectify_due, due, alerts, closed_at, on_time,
	excluded, appeal_status, complaint_no, detail, called_back, version`

// evaluationArgs are a rating's values in the order of evaluationColumns.
func evaluationArgs(e *tousu.Evaluation) ([]any, error) {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return nil, err
	}
	var tx *string
	if e.TransactionNo != "" {
		tx = &e.TransactionNo
	}
	return []any{e.ID, e.Window, e.Staff, e.Level, strings.Join(e.Reasons, ","), e.Comment, tx, e.Item,
		string(e.Channel), e.Phone, string(e.Status), millis(e.CreatedAt), millis(e.UpdatedAt), e.EnteredBy,
		e.CallbackDue.String(), e.RectifyDue.String(), e.Due.String(), e.Alerts, nullMillis(e.ClosedAt),
		boolInt(e.OnTime), boolInt(e.Excluded), e.AppealStatus, e.Complaint, string(detail),
		boolInt(len(e.Detail.Callbacks) > 0), e.Version}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func scanEvaluation(r Row) (*tousu.Evaluation, error) {
	var (
		e                   tousu.Evaluation
		reasons, detail     string
		tx                  *string
		created, updated    int64
		closed              *int64
		cbDue, rectDue, due string
		onTime, excluded    int
		channel, status     string
		calledBack          int
	)
	if err := r.Scan(&e.ID, &e.Window, &e.Staff, &e.Level, &reasons, &e.Comment, &tx, &e.Item, &channel, &e.Phone,
		&status, &created, &updated, &e.EnteredBy, &cbDue, &rectDue, &due, &e.Alerts, &closed, &onTime,
		&excluded, &e.AppealStatus, &e.Complaint, &detail, &calledBack, &e.Version); err != nil {
		return nil, err
	}
	if reasons != "" {
		e.Reasons = strings.Split(reasons, ",")
	}
	if tx != nil {
		e.TransactionNo = *tx
	}
	e.Channel, e.Status = tousu.EvaluationChannel(channel), tousu.EvaluationStatus(status)
	e.CreatedAt, e.UpdatedAt, e.ClosedAt = fromMillis(created), fromMillis(updated), fromNullMillis(closed)
	e.CallbackDue, _ = tousu.ParseDate(cbDue)
	e.RectifyDue, _ = tousu.ParseDate(rectDue)
	e.Due, _ = tousu.ParseDate(due)
	e.OnTime, e.Excluded = onTime != 0, excluded != 0
	if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
		return nil, err
	}
	return &e, nil
}

// CreateEvaluation inserts a rating with its first event, audit records and messages.
func (s *Store) CreateEvaluation(ctx context.Context, ch *tousu.EvaluationChange) (err error) {
	e := ch.Evaluation
	if e == nil {
		return &tousu.Error{Op: "store.CreateEvaluation", Kind: tousu.KindInternal, Err: errors.New("no evaluation")}
	}
	defer s.wrap(&err, "store.CreateEvaluation(%q)", e.ID)
	e.Version = 1
	args, err := evaluationArgs(e)
	if err != nil {
		return err
	}
	var (
		audit  Appended
		evID   int64
		msgIDs []int64
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		if _, err := q.Exec(ctx, `INSERT INTO evaluations (`+evaluationColumns+`) VALUES (`+placeholders(26)+`)`, args...); err != nil {
			if s.isUnique(err) {
				return &tousu.Error{Kind: tousu.KindConflict, Message: "该办件已经评价过，每笔办件只能评价一次",
					Fields: map[string]string{"transaction_no": "该办件已经评价过"}}
			}
			return err
		}
		var err error
		if ch.Event != nil {
			if evID, err = insertEvaluationEvent(ctx, q, e.ID, 1, ch.Event); err != nil {
				return err
			}
		}
		if msgIDs, err = insertMessages(ctx, q, ch.Outbox); err != nil {
			return err
		}
		audit, err = s.e.Audit.Append(ctx, q, ch.Audit)
		return err
	})
	if err != nil {
		e.Version = 0
		return err
	}
	if ch.Event != nil {
		ch.Event.ID, ch.Event.Seq, ch.Event.EvaluationID = evID, 1, e.ID
	}
	_ = s.e.Audit.Done(ctx, ch.Audit, audit)
	setMessageIDs(ch.Outbox, msgIDs)
	return nil
}

// UpdateEvaluation writes a rating and appends its event, with the version check.
func (s *Store) UpdateEvaluation(ctx context.Context, ch *tousu.EvaluationChange) (err error) {
	e := ch.Evaluation
	if e == nil {
		return &tousu.Error{Op: "store.UpdateEvaluation", Kind: tousu.KindInternal, Err: errors.New("no evaluation")}
	}
	defer s.wrap(&err, "store.UpdateEvaluation(%q)", e.ID)
	if !s.storable(e.ID) {
		return notFound("未找到该评价")
	}
	args, err := evaluationArgs(e)
	if err != nil {
		return err
	}
	var (
		audit  Appended
		evID   int64
		seq    int
		msgIDs []int64
	)
	err = s.e.Tx(ctx, func(ctx context.Context, q Querier) error {
		// Every column but id and transaction_no (fixed at creation), version + 1.
		n, err := q.Exec(ctx, `UPDATE evaluations SET window_unit = ?, staff = ?, level = ?, reasons = ?, comment = ?,
				item = ?, channel = ?, phone = ?, status = ?, created_at = ?, updated_at = ?, entered_by = ?,
				callback_due = ?, rectify_due = ?, due = ?, alerts = ?, closed_at = ?, on_time = ?, excluded = ?,
				appeal_status = ?, complaint_no = ?, detail = ?, called_back = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			append(append(args[1:6:6], args[7:25]...), e.ID, e.Version)...)
		if err != nil {
			return err
		}
		if n == 0 {
			var one int
			err := q.QueryRow(ctx, `SELECT 1 FROM evaluations WHERE id = ?`, e.ID).Scan(&one)
			if noRows(err) {
				return notFound("未找到该评价")
			}
			if err != nil {
				return err
			}
			return &tousu.Error{Kind: tousu.KindConflict, Message: "该评价已被他人处理，请刷新后重试"}
		}
		if ch.Event != nil {
			if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM evaluation_events WHERE evaluation_id = ?`, e.ID).Scan(&seq); err != nil {
				return err
			}
			if evID, err = insertEvaluationEvent(ctx, q, e.ID, seq, ch.Event); err != nil {
				return err
			}
		}
		if ch.Rectification != nil {
			if err := putRectification(ctx, q, ch.Rectification); err != nil {
				return err
			}
		}
		if msgIDs, err = insertMessages(ctx, q, ch.Outbox); err != nil {
			return err
		}
		audit, err = s.e.Audit.Append(ctx, q, ch.Audit)
		return err
	})
	if err != nil {
		return err
	}
	e.Version++
	if ch.Event != nil {
		ch.Event.ID, ch.Event.Seq, ch.Event.EvaluationID = evID, seq, e.ID
	}
	_ = s.e.Audit.Done(ctx, ch.Audit, audit)
	setMessageIDs(ch.Outbox, msgIDs)
	return nil
}

// insertMessages queues outbox messages about no complaint, in one batch.
func insertMessages(ctx context.Context, q Querier, ms []tousu.Message) ([]int64, error) {
	ids := make([]int64, len(ms))
	stmts := make([]Stmt, len(ms))
	for i, m := range ms {
		stmts[i] = messageStmt(m.Queued(""), &ids[i])
	}
	return ids, runBatch(ctx, q, stmts)
}

func setMessageIDs(ms []tousu.Message, ids []int64) {
	for i, id := range ids {
		ms[i] = ms[i].Queued("")
		ms[i].ID = id
	}
}

func insertEvaluationEvent(ctx context.Context, q Querier, id string, seq int, ev *tousu.EvaluationEvent) (int64, error) {
	var payload *string
	if len(ev.Payload) > 0 {
		payload = new(string(ev.Payload))
	}
	var evID int64
	err := q.QueryRow(ctx, `INSERT INTO evaluation_events (evaluation_id, seq, type, actor, actor_name, at, from_status, to_status, payload)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		id, seq, ev.Type, ev.Actor, ev.ActorName, millis(ev.At), ev.From, ev.To, payload).Scan(&evID)
	return evID, err
}

// FindEvaluation returns the rating with the ID.
func (s *Store) FindEvaluation(ctx context.Context, id string) (_ *tousu.Evaluation, err error) {
	defer s.wrap(&err, "store.FindEvaluation(%q)", id)
	if !s.storable(id) {
		return nil, notFound("未找到该评价")
	}
	e, err := scanEvaluation(s.e.Read.QueryRow(ctx, `SELECT `+evaluationColumns+` FROM evaluations WHERE id = ?`, id))
	if noRows(err) {
		return nil, notFound("未找到该评价")
	}
	return e, err
}

// evaluationWhere builds the WHERE clause of f.
func (s *Store) evaluationWhere(f tousu.EvaluationFilter) *where {
	w := s.where()
	if f.Units != nil {
		in(w, []string{"window_unit"}, f.Units)
	}
	if f.Window != "" {
		w.equals("window_unit", f.Window)
	}
	if f.Staff != "" {
		w.equals("staff", f.Staff)
	}
	if f.Level != 0 {
		w.add("level = ?", f.Level)
	}
	if len(f.Statuses) > 0 {
		in(w, []string{"status"}, f.Statuses)
	}
	if !f.From.IsZero() {
		w.add("created_at >= ?", millis(f.From))
	}
	if !f.To.IsZero() {
		w.add("created_at < ?", millis(f.To))
	}
	if !f.DueTo.IsZero() {
		w.add("status <> ? AND due <> '' AND due <= ?", string(tousu.EvalClosed), f.DueTo.String())
	}
	if f.AlertsLacking != 0 {
		w.add("(alerts & ?) <> ?", f.AlertsLacking, f.AlertsLacking)
	}
	if f.Appeal != "" {
		w.equals("appeal_status", f.Appeal)
	}
	return w
}

// ListEvaluations returns at most f.Limit ratings, newest first, after f.After.
func (s *Store) ListEvaluations(ctx context.Context, f tousu.EvaluationFilter) (_ []*tousu.Evaluation, err error) {
	defer s.wrap(&err, "store.ListEvaluations")
	w := s.evaluationWhere(f)
	if a := f.After; a != nil {
		if !s.storable(a.ID) {
			return nil, nil
		}
		w.add("(created_at < ? OR (created_at = ? AND id < ?))", a.Key, a.Key, a.ID)
	}
	rows, err := s.e.Read.Query(ctx, `SELECT `+evaluationColumns+` FROM evaluations`+w.String()+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(w.Args(), pageLimit(f.Limit))...)
	return collect(rows, err, scanEvaluation)
}

// ListEvaluationEvents returns the timeline of a rating, oldest first.
func (s *Store) ListEvaluationEvents(ctx context.Context, id string) (_ []tousu.EvaluationEvent, err error) {
	defer s.wrap(&err, "store.ListEvaluationEvents(%q)", id)
	if !s.storable(id) {
		return nil, nil
	}
	rows, err := s.e.Read.Query(ctx, `SELECT id, evaluation_id, seq, type, actor, actor_name, at, from_status, to_status, payload
		FROM evaluation_events WHERE evaluation_id = ? ORDER BY seq`, id)
	return collect(rows, err, func(r Row) (tousu.EvaluationEvent, error) {
		var (
			ev      tousu.EvaluationEvent
			at      int64
			payload *string
		)
		if err := r.Scan(&ev.ID, &ev.EvaluationID, &ev.Seq, &ev.Type, &ev.Actor, &ev.ActorName, &at, &ev.From, &ev.To, &payload); err != nil {
			return ev, err
		}
		ev.At = fromMillis(at)
		if payload != nil {
			ev.Payload = json.RawMessage(*payload)
		}
		return ev, nil
	})
}

// EvaluationStats counts ratings per window or staff member in one grouped scan.
func (s *Store) EvaluationStats(ctx context.Context, f tousu.EvaluationStatsFilter) (_ []tousu.EvaluationCounts, err error) {
	defer s.wrap(&err, "store.EvaluationStats(%q)", f.GroupBy)
	var key string
	switch f.GroupBy {
	case "window":
		key = "window_unit"
	case "staff":
		key = "staff"
	default:
		return nil, &tousu.Error{Kind: tousu.KindInvalid, Message: "分组方式应为 window 或 staff",
			Fields: map[string]string{"group_by": "应为 window（按窗口）或 staff（按工作人员）"}}
	}
	w := s.evaluationWhere(tousu.EvaluationFilter{Units: f.Units, From: f.From, To: f.To})
	if key == "staff" {
		w.add("staff <> ''")
	}
	// Counted: every rating not excluded by an upheld appeal; excluded ones only as such.
	counted := "excluded = 0"
	rows, err := s.e.Read.Query(ctx, `SELECT `+key+`,
			SUM(CASE WHEN `+counted+` THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level = 1 THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level = 2 THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level = 3 THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level = 4 THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level = 5 THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level <= 2 AND called_back = 1 THEN 1 ELSE 0 END),
			SUM(CASE WHEN `+counted+` AND level <= 2 AND on_time = 1 THEN 1 ELSE 0 END),
			SUM(CASE WHEN excluded = 1 THEN 1 ELSE 0 END)
		FROM evaluations`+w.String()+` GROUP BY `+key+` ORDER BY `+key, w.Args()...)
	return collect(rows, err, func(r Row) (tousu.EvaluationCounts, error) {
		var c tousu.EvaluationCounts
		err := r.Scan(&c.Key, &c.Total, &c.Levels[0], &c.Levels[1], &c.Levels[2], &c.Levels[3], &c.Levels[4],
			&c.Callback, &c.OnTime, &c.Excluded)
		c.Bad = c.Levels[0] + c.Levels[1]
		c.Good = c.Levels[3] + c.Levels[4]
		return c, err
	})
}
