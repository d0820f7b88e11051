package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
)

// RectificationView is a rectification task as its readers see it.
type RectificationView struct {
	tousu.Rectification
	UnitName    string `json:"unit_name"`
	SourceLabel string `json:"source_label"` // 督查 or 差评
	StatusLabel string `json:"status_label"`
	MaySubmit   bool   `json:"may_submit"`
	MayVerify   bool   `json:"may_verify"`
}

func rectObject(id int64) string { return "rectification:" + strconv.FormatInt(id, 10) }

// maySubmit: the unit's handler or head (a handler or leader whose subtree holds the
// unit) submits while the task is open or overdue.
func (r *reference) maySubmit(actor tousu.Actor, t *tousu.Rectification) bool {
	if t.Source == SourceEvaluation {
		// The rating's rule: a supervisor or handler in scope (evaluations.go).
		return (t.Status == tousu.RectOpen || t.Status == tousu.RectOverdue) &&
			requireRole(actor, tousu.RoleSupervisor, tousu.RoleHandler) == nil && r.evaluationInScope(actor, t.Unit)
	}
	return (t.Status == tousu.RectOpen || t.Status == tousu.RectOverdue) &&
		(actor.Has(tousu.RoleHandler) || actor.Has(tousu.RoleLeader)) && r.covers(actor, t.Unit)
}

// mayVerify: a supervisor or inspector in scope verifies a submitted task.
func (r *reference) mayVerify(actor tousu.Actor, t *tousu.Rectification) bool {
	if t.Source == SourceEvaluation {
		// The rating's rule: a supervisor in scope, not the person rated.
		return t.Status == tousu.RectSubmitted && requireRole(actor, tousu.RoleSupervisor) == nil &&
			r.evaluationInScope(actor, t.Unit) && !slices.ContainsFunc(t.Staff, actor.IsTarget)
	}
	return t.Status == tousu.RectSubmitted && requireRole(actor, inspectors...) == nil && r.covers(actor, t.Unit)
}

func (r *reference) rectView(actor tousu.Actor, t tousu.Rectification) RectificationView {
	return RectificationView{Rectification: t, UnitName: r.unitName(t.Unit), SourceLabel: rectSources.Label(t.Source),
		StatusLabel: tousu.RectStatuses.Label(t.Status), MaySubmit: r.maySubmit(actor, &t), MayVerify: r.mayVerify(actor, &t)}
}

// RectificationQuery filters the rectification list.
type RectificationQuery struct {
	Unit, Status, Source string
}

// Rectifications lists the tasks of the actor's subtree: a unit sees its own, inspectors
// and supervisors their subtree, earliest due first.
func (a *App) Rectifications(ctx context.Context, actor tousu.Actor, q RectificationQuery) ([]RectificationView, error) {
	if err := requireRole(actor, conductReaders...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	f := tousu.RectificationFilter{Units: ref.scopeUnits(actor), Source: q.Source, Limit: 1000}
	p := tousu.Problems{}
	if q.Unit != "" {
		if _, ok := ref.unitByCode[q.Unit]; !ok {
			p.Add("unit", "没有这个单位")
		} else if ref.covers(actor, q.Unit) {
			f.Units = ref.subtree(q.Unit)
		} else {
			f.Units = []string{}
		}
	}
	if q.Status != "" {
		if !tousu.RectStatuses.Valid(q.Status) {
			p.Add("status", "状态应为 open、submitted、verified 或 overdue")
		}
		f.Statuses = []string{q.Status}
	}
	if q.Source != "" && q.Source != "inspection" && q.Source != "evaluation" {
		p.Add("source", "来源应为 inspection 或 evaluation")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	list, err := a.store.ListRectifications(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]RectificationView, 0, len(list))
	for _, t := range list {
		out = append(out, ref.rectView(actor, t))
	}
	return out, nil
}

func (a *App) loadRect(ctx context.Context, actor tousu.Actor, id int64) (*reference, *tousu.Rectification, error) {
	if err := requireRole(actor, conductReaders...); err != nil {
		return nil, nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, err := a.store.FindRectification(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !ref.covers(actor, t.Unit) {
		return nil, nil, tousu.Errorf(tousu.KindNotFound, "未找到该整改任务")
	}
	return ref, t, nil
}

// Rectification returns one task the actor may read.
func (a *App) Rectification(ctx context.Context, actor tousu.Actor, id int64) (*RectificationView, error) {
	ref, t, err := a.loadRect(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v := ref.rectView(actor, *t)
	return &v, nil
}

// SubmitRectification records what the unit did, with evidence (the unit's handler or
// head; audited); the inspector is told.
func (a *App) SubmitRectification(ctx context.Context, actor tousu.Actor, id int64, text string, uploads []Upload) (*RectificationView, error) {
	ref, t, err := a.loadRect(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if t.Source == SourceEvaluation {
		return a.evalTaskAct(ctx, actor, t, EvalActRectify, EvaluationAction{Text: text}, uploads)
	}
	if !ref.maySubmit(actor, t) {
		if t.Status == tousu.RectSubmitted || t.Status == tousu.RectVerified {
			return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "该整改任务已提交，等待验收或已验收"}
		}
		return nil, tousu.Errorf(tousu.KindForbidden, "只有被督查单位的承办人或负责人可以提交整改情况")
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return nil, tousu.Problems{"text": "请填写整改情况"}.Err()
	case utf8.RuneCountInString(text) > 2000:
		return nil, tousu.Problems{"text": "整改情况最多2000字"}.Err()
	}
	var files []tousu.ConductFile
	if len(uploads) > 0 {
		if files, err = a.conductFiles(ctx, actor, "", uploads); err != nil {
			return nil, err
		}
	}
	from := t.Status
	now := a.now().UTC().Truncate(time.Millisecond)
	t.Status, t.Text, t.SubmittedBy, t.SubmittedAt = tousu.RectSubmitted, text, actor.Login, &now
	msgs := a.rectMessages(ctx, ref, t, []string{t.Inspector}, "整改情况待验收",
		fmt.Sprintf("%s已提交“%s”的整改情况，请验收。", ref.unitName(t.Unit), t.ItemName))
	recs := []tousu.AuditRecord{a.auditRecord(ctx, actor, "rectification.submit", rectObject(t.ID), fmt.Sprintf("%d个证据文件", len(files)))}
	if len(files) > 0 {
		if err := a.store.AddConductFiles(ctx, rectObject(t.ID), files, []tousu.AuditRecord{
			a.auditRecord(ctx, actor, "rectification.evidence", rectObject(t.ID), fmt.Sprintf("%d个证据文件", len(files)))}); err != nil {
			return nil, err
		}
	}
	if err := a.store.UpdateRectification(ctx, t, from, msgs, recs); err != nil {
		return nil, err
	}
	t.Evidence = append(t.Evidence, files...)
	v := ref.rectView(actor, *t)
	return &v, nil
}

// VerifyRectification accepts a submitted task, or returns it with a reason for more
// work (supervisor or inspector in scope; audited); the unit is told.
func (a *App) VerifyRectification(ctx context.Context, actor tousu.Actor, id int64, accepted bool, note string) (*RectificationView, error) {
	ref, t, err := a.loadRect(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if t.Source == SourceEvaluation {
		return a.evalTaskAct(ctx, actor, t, EvalActVerify, EvaluationAction{Accepted: &accepted, Note: note}, nil)
	}
	if requireRole(actor, inspectors...) != nil {
		return nil, tousu.Errorf(tousu.KindForbidden, "只有督查员或纪检人员可以验收整改")
	}
	if t.Status != tousu.RectSubmitted {
		return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "只有已提交的整改任务可以验收"}
	}
	note = strings.TrimSpace(note)
	if !accepted && note == "" {
		return nil, tousu.Problems{"note": "退回整改请写明理由"}.Err()
	}
	if utf8.RuneCountInString(note) > 1000 {
		return nil, tousu.Problems{"note": "意见最多1000字"}.Err()
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	t.VerifyNote, t.VerifiedBy, t.VerifiedAt = note, actor.Login, &now
	subject, body, act := "整改已验收", fmt.Sprintf("“%s”的整改已验收通过。", t.ItemName), "rectification.accept"
	if accepted {
		t.Status = tousu.RectVerified
	} else {
		t.Returns++
		t.Status = tousu.RectOpen
		if a.Today().After(t.DueDate) {
			t.Status = tousu.RectOverdue
		}
		subject, body, act = "整改被退回", fmt.Sprintf("“%s”的整改被退回：%s", t.ItemName, note), "rectification.return"
	}
	msgs := a.rectMessages(ctx, ref, t, append(a.unitAccounts(ctx, ref, t.Unit), t.SubmittedBy), subject, body)
	if err := a.store.UpdateRectification(ctx, t, tousu.RectSubmitted, msgs, []tousu.AuditRecord{
		a.auditRecord(ctx, actor, act, rectObject(t.ID), note)}); err != nil {
		return nil, err
	}
	v := ref.rectView(actor, *t)
	return &v, nil
}

// unitAccounts are the logins of the handlers and leaders held at exactly unit: who
// answers for its rectification.
func (a *App) unitAccounts(ctx context.Context, ref *reference, unit string) []string {
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil
	}
	var out []string
	for u := unit; u != ""; u = ref.unitByCode[u].Parent {
		for _, x := range users {
			if !x.Disabled && x.Unit == u && (x.Actor().Has(tousu.RoleHandler) || x.Actor().Has(tousu.RoleLeader)) {
				out = append(out, x.Login)
			}
		}
		if len(out) > 0 || ref.isRoot(u) {
			break
		}
	}
	return out
}

// rectMessages are desk messages to each login once, about a task.
func (a *App) rectMessages(_ context.Context, _ *reference, t *tousu.Rectification, to []string, subject, body string) []tousu.Message {
	seen := map[string]bool{"": true}
	var out []tousu.Message
	for _, l := range to {
		if seen[l] {
			continue
		}
		seen[l] = true
		out = append(out, tousu.Message{Channel: tousu.MessageDesk, ToLogin: l, Subject: subject,
			Body: body + "（整改任务 " + strconv.FormatInt(t.ID, 10) + "）", CreatedAt: a.now().UTC().Truncate(time.Millisecond)})
	}
	return out
}

// RectScanReport counts the steps one scan of rectification deadlines took.
type RectScanReport struct {
	Overdue, Escalated, Conflicts int
}

// ScanRectifications warns of rectification tasks past their due date and climbs the
// escalation ladder as for complaints: the unit is told the day after the due date;
// after Ladder.HeadAfter working days its superiors, after OfficeAfter the supervision
// office, after InspectionAfter discipline inspection. Each step is taken once (the
// task's alert bits), with its messages and audit record in one transaction.
func (a *App) ScanRectifications(ctx context.Context) (RectScanReport, error) {
	var rep RectScanReport
	ref, err := a.reference(ctx)
	if err != nil {
		return rep, err
	}
	today := a.Today()
	list, err := a.store.ListRectifications(ctx, tousu.RectificationFilter{Statuses: []string{tousu.RectOpen, tousu.RectOverdue},
		DueBefore: today, Limit: scanMax})
	if err != nil {
		return rep, err
	}
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return rep, err
	}
	l := ref.ladder
	for i := range list {
		t := &list[i]
		late := ref.cal.WorkdaysBetween(t.DueDate, today)
		from := t.Status
		var msgs []tousu.Message
		var steps []string
		if t.Source == SourceEvaluation {
			// The rating's own deadline job warns and escalates (evaluations.go): the task
			// only shows that it is overdue.
			if t.Alerts&tousu.RectAlertOverdue != 0 {
				continue
			}
			t.Alerts |= tousu.RectAlertOverdue
			t.Status = tousu.RectOverdue
			err := a.store.UpdateRectification(ctx, t, from, nil, []tousu.AuditRecord{
				a.auditRecord(ctx, tousu.SystemActor, "rectification.overdue", rectObject(t.ID), "overdue")})
			if tousu.IsKind(err, tousu.KindConflict) {
				rep.Conflicts++
				continue
			}
			if err != nil {
				return rep, err
			}
			rep.Overdue++
			continue
		}
		if t.Alerts&tousu.RectAlertOverdue == 0 {
			t.Alerts |= tousu.RectAlertOverdue
			t.Status = tousu.RectOverdue
			msgs = append(msgs, a.rectMessages(ctx, ref, t, a.unitAccounts(ctx, ref, t.Unit), "整改超期",
				fmt.Sprintf("%s“%s”的整改已超过期限（%s），请尽快整改并提交。", ref.unitName(t.Unit), t.ItemName, t.DueDate))...)
			msgs = append(msgs, a.rectMessages(ctx, ref, t, []string{t.Inspector}, "整改超期",
				fmt.Sprintf("%s“%s”的整改已超过期限（%s）。", ref.unitName(t.Unit), t.ItemName, t.DueDate))...)
			steps = append(steps, "overdue")
			rep.Overdue++
		}
		for _, s := range []struct {
			bit, after int
			level      string
			to         func() []string
		}{
			{tousu.RectAlertEscalated1, l.HeadAfter, "上级单位", func() []string {
				return loginsAt(users, ref, ref.unitByCode[t.Unit].Parent, tousu.RoleLeader, tousu.RoleSupervisor)
			}},
			{tousu.RectAlertEscalated2, l.OfficeAfter, "督查部门", func() []string {
				return loginsWithin(users, ref, t.Unit, tousu.RoleSupervisor)
			}},
			{tousu.RectAlertEscalated3, l.InspectionAfter, "纪检", func() []string {
				return loginsWithin(users, ref, t.Unit, tousu.RoleInspector)
			}},
		} {
			if s.after <= 0 || late < s.after || t.Alerts&s.bit != 0 {
				continue
			}
			t.Alerts |= s.bit
			msgs = append(msgs, a.rectMessages(ctx, ref, t, s.to(), "整改超期上报",
				fmt.Sprintf("%s“%s”的整改已超期%d个工作日，报%s督办。", ref.unitName(t.Unit), t.ItemName, late, s.level))...)
			steps = append(steps, "escalate:"+s.level)
			rep.Escalated++
		}
		if len(steps) == 0 {
			continue
		}
		err := a.store.UpdateRectification(ctx, t, from, msgs, []tousu.AuditRecord{
			a.auditRecord(ctx, tousu.SystemActor, "rectification.overdue", rectObject(t.ID), strings.Join(steps, ","))})
		if tousu.IsKind(err, tousu.KindConflict) {
			rep.Conflicts++
			continue
		}
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// loginsAt are the accounts holding one of roles nearest unit, walking up.
func loginsAt(users []tousu.User, ref *reference, unit string, roles ...tousu.Role) []string {
	for u := unit; u != ""; u = ref.unitByCode[u].Parent {
		var out []string
		for _, x := range users {
			if !x.Disabled && (x.Unit == u || x.Unit == "" && ref.isRoot(u)) && holdsAny(x.Roles, roles) {
				out = append(out, x.Login)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// loginsWithin are the accounts holding one of roles whose subtree holds unit.
func loginsWithin(users []tousu.User, ref *reference, unit string, roles ...tousu.Role) []string {
	var out []string
	for _, x := range users {
		if !x.Disabled && holdsAny(x.Roles, roles) && ref.covers(x.Actor(), unit) {
			out = append(out, x.Login)
		}
	}
	return out
}

// OpenRectificationFile returns an evidence file of a task the actor may read.
func (a *App) OpenRectificationFile(ctx context.Context, actor tousu.Actor, id, file int64) (*tousu.ConductFile, error) {
	if _, _, err := a.loadRect(ctx, actor, id); err != nil {
		return nil, err
	}
	return a.store.OpenConductFile(ctx, rectObject(id), file)
}

// Rectification tasks from bad ratings (差评). A rating that reaches its rectification
// step is also a task of source evaluation, linked by EvaluationID, so that a unit sees
// in one list what it must put right. The rating is the one source of truth: evalTask
// derives the task from it, the rating's change writes the task in its own transaction,
// and submitting or verifying the task through /rectifications takes the rating's own
// action (rectify, verify) under the rating's rules.

// SourceEvaluation and SourceInspection are what a task comes from.
const (
	SourceInspection = "inspection"
	SourceEvaluation = "evaluation"
)

var rectSources = tousu.Vocabulary[string]{{Value: SourceInspection, Label: "督查"}, {Value: SourceEvaluation, Label: "差评"}}

// evalTask is the task of rating e as it stands after a change, or nil when it has none
// (it never reached its rectification step).
func (a *App) evalTask(ctx context.Context, e *tousu.Evaluation, now time.Time, today tousu.Date) (*tousu.Rectification, error) {
	list, err := a.store.ListRectifications(ctx, tousu.RectificationFilter{EvaluationID: e.ID, Limit: 1})
	if err != nil {
		return nil, err
	}
	var t *tousu.Rectification
	if len(list) > 0 {
		t = &list[0]
	}
	if t == nil {
		if e.Status != tousu.EvalRectifyDue {
			return nil, nil
		}
		t = &tousu.Rectification{Source: SourceEvaluation, EvaluationID: e.ID, Unit: e.Window, Item: "evaluation",
			ItemName: "差评整改：" + evalReasonText(e), CreatedAt: now}
	}
	t.Finding, t.DueDate, t.Staff = e.Comment, e.RectifyDue, nil
	if e.Staff != "" {
		t.Staff = []string{e.Staff}
	}
	if r := e.Detail.Rectification; r != nil {
		at := r.At
		t.Text, t.SubmittedBy, t.SubmittedAt = r.Text, r.By, &at
	}
	t.Returns = 0
	for _, v := range e.Detail.Verifications {
		if !v.Yes {
			t.Returns++
		}
	}
	if n := len(e.Detail.Verifications); n > 0 {
		v := e.Detail.Verifications[n-1]
		t.VerifyNote, t.VerifiedBy, t.VerifiedAt = v.Text, v.By, &v.At
	}
	switch e.Status {
	case tousu.EvalRectifyDue:
		t.Status = tousu.RectOpen
		if today.After(t.DueDate) {
			t.Status = tousu.RectOverdue
		}
	case tousu.EvalVerifyDue:
		t.Status = tousu.RectSubmitted
	case tousu.EvalClosed:
		t.Status = tousu.RectVerified
		if d := e.Detail.AppealDecided; e.Excluded && d != nil {
			// An upheld appeal ends the rectification: nothing more to put right.
			at := d.At
			t.VerifyNote, t.VerifiedBy, t.VerifiedAt = "申诉复核成立，不再整改："+d.Text, d.By, &at
		}
	}
	return t, nil
}

// evalTaskAct takes the rating's own action for a task of source evaluation: rectify
// (with the task's evidence kept on the task) or verify.
func (a *App) evalTaskAct(ctx context.Context, actor tousu.Actor, t *tousu.Rectification, act string, in EvaluationAction,
	uploads []Upload) (*RectificationView, error) {
	var files []tousu.ConductFile
	if len(uploads) > 0 {
		var err error
		if files, err = a.conductFiles(ctx, actor, "", uploads); err != nil {
			return nil, err
		}
	}
	if _, err := a.ActOnEvaluation(ctx, actor, t.EvaluationID, act, in); err != nil {
		return nil, err
	}
	if len(files) > 0 {
		if err := a.store.AddConductFiles(ctx, rectObject(t.ID), files, []tousu.AuditRecord{
			a.auditRecord(ctx, actor, "rectification.evidence", rectObject(t.ID), fmt.Sprintf("%d个证据文件", len(files)))}); err != nil {
			return nil, err
		}
	}
	return a.Rectification(ctx, actor, t.ID)
}
