package app

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
)

// Malicious complaints and false accusations (恶意投诉、诬告陷害): a supervisor proposes,
// with reasons, that a complaint was malicious; an inspector confirms or rejects. Both
// acts leave the complaint's lifecycle alone (no status, no timeline event, nothing the
// complainant or the public sees) and are audited. A confirmed one leaves the staff
// member's figures, and the complainant's blind indexes carry the mark, so that a new
// complaint from the same person shows the clerk a notice — never a refusal.

// MaliciousView is the mark of a complaint as supervisors and inspectors see it.
type MaliciousView struct {
	tousu.MaliciousMark
	StatusLabel string `json:"status_label"`
}

var maliciousLabels = tousu.Vocabulary[string]{
	{Value: tousu.MaliciousProposed, Label: "已提请认定"}, {Value: tousu.MaliciousConfirmed, Label: "已认定为恶意投诉"}, {Value: tousu.MaliciousRejected, Label: "不予认定"},
}

// ProposeMalicious is a supervisor's proposal that the complaint was malicious. A
// complaint found founded cannot be; one already proposed or confirmed is a conflict.
func (a *App) ProposeMalicious(ctx context.Context, actor tousu.Actor, number, reason string) (*MaliciousView, error) {
	if err := requireRole(actor, tousu.RoleSupervisor); err != nil {
		return nil, err
	}
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, tousu.Problems{"reason": "请写明认定为恶意投诉的理由"}.Err()
	case utf8.RuneCountInString(reason) > 2000:
		return nil, tousu.Problems{"reason": "理由最多2000字"}.Err()
	}
	if founded(c) {
		return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "该投诉经查属实，不能认定为恶意投诉"}
	}
	if old, err := a.store.FindMalicious(ctx, c.ID); err == nil && old.Status != tousu.MaliciousRejected {
		return nil, &tousu.Error{Kind: tousu.KindConflict, Message: "该投诉已提请认定或已认定为恶意投诉"}
	} else if err != nil && !tousu.IsKind(err, tousu.KindNotFound) {
		return nil, err
	}
	m := &tousu.MaliciousMark{ComplaintID: c.ID, Number: c.Number, Status: tousu.MaliciousProposed, Reason: reason,
		ProposedBy: actor.Login, ProposedAt: a.now().UTC().Truncate(time.Millisecond), Staff: c.Target.Staff, Unit: c.Target.Unit}
	var msgs []tousu.Message
	if users, err := a.store.ListUsers(ctx); err == nil {
		ref, err := a.reference(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !u.Disabled && slices.Contains(u.Roles, tousu.RoleInspector) && ref.visible(u.Actor(), c) {
				msgs = append(msgs, tousu.Message{Channel: tousu.MessageDesk, ToLogin: u.Login, Subject: "恶意投诉认定待审核",
					Body: "督查员提请将投诉件 " + c.Number + " 认定为恶意投诉，请审核。", CreatedAt: m.ProposedAt})
			}
		}
	}
	if err := a.store.PutMalicious(ctx, m, msgs, []tousu.AuditRecord{a.auditRecord(ctx, actor, "malicious", c.Number, reason)}); err != nil {
		return nil, err
	}
	return &MaliciousView{MaliciousMark: *m, StatusLabel: maliciousLabels.Label(m.Status)}, nil
}

// ReviewMalicious is an inspector's confirmation or rejection of a proposal. Confirmed,
// the mark takes the complainant's blind indexes (phone and ID number: a name alone is
// too common to say it is the same person).
func (a *App) ReviewMalicious(ctx context.Context, actor tousu.Actor, number string, confirmed bool, note string) (*MaliciousView, error) {
	if err := requireRole(actor, tousu.RoleInspector); err != nil {
		return nil, err
	}
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	m, err := a.store.FindMalicious(ctx, c.ID)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "该投诉没有待审核的恶意投诉认定"}
	}
	if err != nil {
		return nil, err
	}
	if m.Status != tousu.MaliciousProposed {
		return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "该认定已审核"}
	}
	note = strings.TrimSpace(note)
	if !confirmed && note == "" {
		return nil, tousu.Problems{"note": "不予认定请写明理由"}.Err()
	}
	if utf8.RuneCountInString(note) > 2000 {
		return nil, tousu.Problems{"note": "意见最多2000字"}.Err()
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	m.Note, m.ReviewedBy, m.ReviewedAt = note, actor.Login, &now
	act := "malicious_review.reject"
	if confirmed {
		m.Status, act = tousu.MaliciousConfirmed, "malicious_review.confirm"
		m.PhoneIndex, m.IDNumberIndex, m.NameIndex = c.Identity.PhoneIndex, c.Identity.IDNumberIndex, c.Identity.NameIndex
	} else {
		m.Status = tousu.MaliciousRejected
	}
	rec := []tousu.AuditRecord{a.auditRecord(ctx, actor, act, c.Number, note)}
	if confirmed {
		// The complaint carries the mark, so that whatever counts complaints from their
		// projection (statistics, lists) can leave it out of the staff member's figures.
		// Written first: should the mark's row then fail, the review can be repeated.
		c.Marks |= tousu.MarkMalicious
		c.UpdatedAt = now
		ev := &tousu.Event{ComplaintID: c.ID, Type: EventMaliciousConfirmed, Actor: actor.Login, ActorName: actor.Name,
			At: now, From: c.Status, To: c.Status}
		if err := a.store.UpdateComplaint(ctx, &tousu.Change{Complaint: c, Event: ev, Audit: rec}); err != nil {
			return nil, err
		}
		rec = nil
	}
	if err := a.store.PutMalicious(ctx, m, nil, rec); err != nil {
		return nil, err
	}
	return &MaliciousView{MaliciousMark: *m, StatusLabel: maliciousLabels.Label(m.Status)}, nil
}

// EventMaliciousConfirmed is the internal event of a complaint confirmed malicious: its
// status stays as it was.
const EventMaliciousConfirmed tousu.EventType = "malicious_confirmed"

// MaliciousOf is the mark of a complaint, for supervisors and inspectors; nil when it
// has none.
func (a *App) MaliciousOf(ctx context.Context, actor tousu.Actor, number string) (*MaliciousView, error) {
	if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector); err != nil {
		return nil, err
	}
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	m, err := a.store.FindMalicious(ctx, c.ID)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &MaliciousView{MaliciousMark: *m, StatusLabel: maliciousLabels.Label(m.Status)}, nil
}

// MaliciousNotice is what the clerk and supervisor are told about the complainant of c:
// that a complaint of theirs was confirmed malicious before ("" when not). It is a
// notice only: the complaint is registered and handled like any other.
func (a *App) MaliciousNotice(ctx context.Context, actor tousu.Actor, c *tousu.Complaint) string {
	if requireRole(actor, tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleInspector) != nil || c.Identity.Anonymous {
		return ""
	}
	if c.Identity.PhoneIndex == "" && c.Identity.IDNumberIndex == "" {
		return ""
	}
	ms, err := a.store.ListMalicious(ctx, tousu.MaliciousFilter{Status: tousu.MaliciousConfirmed,
		PhoneIndex: c.Identity.PhoneIndex, IDNumberIndex: c.Identity.IDNumberIndex, Limit: 10})
	if err != nil {
		return ""
	}
	for _, m := range ms {
		if m.ComplaintID != c.ID {
			return "提示：该投诉人此前有经纪检审核认定的恶意投诉（" + m.Number + "）。请依法依规照常受理，不得因此拒绝受理。"
		}
	}
	return ""
}

// MaliciousNoticeOf is MaliciousNotice for the complaint numbered number (the answer to
// a registration through the API): "" when there is none or the actor may not see it.
func (a *App) MaliciousNoticeOf(ctx context.Context, actor tousu.Actor, number string) string {
	if requireRole(actor, tousu.RoleClerk, tousu.RoleSupervisor, tousu.RoleInspector) != nil {
		return ""
	}
	c, err := a.store.FindComplaint(ctx, number)
	if err != nil {
		return ""
	}
	return a.MaliciousNotice(ctx, actor, c)
}

// MaliciousList lists the marks for the 纪检 summary: proposals waiting and confirmed
// ones, for inspectors and supervisors, within their scope.
func (a *App) MaliciousList(ctx context.Context, actor tousu.Actor, status string) ([]MaliciousView, error) {
	if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if status != "" && !maliciousLabels.Valid(status) {
		return nil, tousu.Problems{"status": "状态应为 proposed、confirmed 或 rejected"}.Err()
	}
	ms, err := a.store.ListMalicious(ctx, tousu.MaliciousFilter{Status: status, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := []MaliciousView{}
	for _, m := range ms {
		if m.Unit != "" && !ref.covers(actor, m.Unit) || actor.IsTarget(m.Staff) {
			continue
		}
		out = append(out, MaliciousView{MaliciousMark: m, StatusLabel: maliciousLabels.Label(m.Status)})
	}
	return out, nil
}

// MaliciousPanel is what the case page shows of malicious complaints: the notice about
// the complainant, the complaint's own mark, and the forms the viewer may use.
type MaliciousPanel struct {
	Notice     string
	Mark       *MaliciousView
	MayPropose bool
	MayReview  bool
}

// MaliciousPanelOf is the panel of the case page for the actor; nil when there is
// nothing for it to see.
func (a *App) MaliciousPanelOf(ctx context.Context, actor tousu.Actor, number string) *MaliciousPanel {
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil
	}
	p := &MaliciousPanel{Notice: a.MaliciousNotice(ctx, actor, c)}
	if requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector) == nil {
		if m, err := a.store.FindMalicious(ctx, c.ID); err == nil {
			p.Mark = &MaliciousView{MaliciousMark: *m, StatusLabel: maliciousLabels.Label(m.Status)}
		}
		open := p.Mark == nil || p.Mark.Status == tousu.MaliciousRejected
		p.MayPropose = actor.Has(tousu.RoleSupervisor) && open && !founded(c)
		p.MayReview = actor.Has(tousu.RoleInspector) && p.Mark != nil && p.Mark.Status == tousu.MaliciousProposed
	}
	if p.Notice == "" && p.Mark == nil && !p.MayPropose {
		return nil
	}
	return p
}
