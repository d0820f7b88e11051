package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/notify"
	"tousu/internal/workday"
)

// HandlingPolicy bounds extensions and closes unrated cases (DESIGN §4; issue "Handling
// that closes the loop"). Caps and thresholds are in the unit of the case's deadline
// policy: working days, or calendar days for a calendar-day policy.
type HandlingPolicy struct {
	// ExtensionCapWorkdays / ExtensionCapDays: the most a case may be extended in total.
	ExtensionCapWorkdays int `json:"extension_cap_workdays"`
	ExtensionCapDays     int `json:"extension_cap_days"`
	// ApprovalAboveWorkdays / ApprovalAboveDays: extensions that take the total above
	// this need a leader's approval (0: every extension does).
	ApprovalAboveWorkdays int `json:"approval_above_workdays"`
	ApprovalAboveDays     int `json:"approval_above_days"`
	// AutoCloseAfter: replied cases never rated close themselves after this many
	// working days (0: never).
	AutoCloseAfter int `json:"auto_close_after"`
	// SignWithin: a unit signs for (签收) or returns (退单) a case assigned to it within
	// this many working days after the day of the assignment (0: no signing deadline);
	// later is an accountability record (逾期签收).
	SignWithin int `json:"sign_within"`
}

// HandlingSetting is the key of the handling policy in the settings.
const HandlingSetting = "handling.policy"

// DefaultHandlingPolicy: at most 15 working days (30 calendar days) of extension in all,
// more than 5 working days (10 calendar days) only with a leader's approval; unrated
// replies close after 10 working days; a unit signs for an assignment by the next working
// day.
var DefaultHandlingPolicy = HandlingPolicy{ExtensionCapWorkdays: 15, ExtensionCapDays: 30,
	ApprovalAboveWorkdays: 5, ApprovalAboveDays: 10, AutoCloseAfter: 10, SignWithin: 1}

// handlingFrom reads the handling policy from the settings; a missing or unreadable one
// is the default.
func handlingFrom(settings map[string]string) HandlingPolicy {
	p := DefaultHandlingPolicy
	if v := settings[HandlingSetting]; v != "" {
		if err := json.Unmarshal([]byte(v), &p); err != nil || p.Check() != nil {
			return DefaultHandlingPolicy
		}
	}
	return p
}

// Check returns the policy's problems as field errors.
func (p HandlingPolicy) Check() error {
	pr := tousu.Problems{}
	if p.ExtensionCapWorkdays < 0 || p.ExtensionCapWorkdays > 120 {
		pr.Add("extension_cap_workdays", "应为0至120个工作日")
	}
	if p.ExtensionCapDays < 0 || p.ExtensionCapDays > 180 {
		pr.Add("extension_cap_days", "应为0至180日")
	}
	if p.ApprovalAboveWorkdays < 0 || p.ApprovalAboveWorkdays > p.ExtensionCapWorkdays {
		pr.Add("approval_above_workdays", "应为0至延期上限")
	}
	if p.ApprovalAboveDays < 0 || p.ApprovalAboveDays > p.ExtensionCapDays {
		pr.Add("approval_above_days", "应为0至延期上限")
	}
	if p.AutoCloseAfter < 0 || p.AutoCloseAfter > 60 {
		pr.Add("auto_close_after", "应为0（不自动办结）至60个工作日")
	}
	if p.SignWithin < 0 || p.SignWithin > 10 {
		pr.Add("sign_within", "应为0（不设签收时限）至10个工作日")
	}
	return pr.Err()
}

// HandlingPolicy returns the handling policy in force.
func (a *App) HandlingPolicy(ctx context.Context) (HandlingPolicy, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return HandlingPolicy{}, err
	}
	return handlingFrom(ref.settings), nil
}

// SetHandlingPolicy changes the handling policy (admin; audited).
func (a *App) SetHandlingPolicy(ctx context.Context, actor tousu.Actor, p HandlingPolicy) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	b, _ := json.Marshal(p)
	return a.putSetting(ctx, actor, "handling_policy.put", HandlingSetting, string(b))
}

// extensionLimits are the cap and the approval threshold for c, in its deadline's unit.
func (p HandlingPolicy) extensionLimits(c *tousu.Complaint) (limit, approvalAbove int, unit string) {
	if c.Deadline.Unit == tousu.CalendarDays {
		return p.ExtensionCapDays, p.ApprovalAboveDays, "日"
	}
	return p.ExtensionCapWorkdays, p.ApprovalAboveWorkdays, "个工作日"
}

// checkAssignable refuses a unit that no active handler works for — none at the unit nor
// above it, which is who may sign for its cases: assigning there would strand the case
// with nobody told (422 on field).
func (a *App) checkAssignable(ctx context.Context, ref *reference, pr tousu.Problems, field, unit string) error {
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if !u.Disabled && slices.Contains(u.Roles, tousu.RoleHandler) && (ref.within(unit, u.Unit) || ref.isRoot(u.Unit)) {
			return nil
		}
	}
	pr.Add(field, "“"+ref.unitName(unit)+"”及其上级单位没有在岗的承办人，不能派单；请先为该单位设置承办人账号")
	return nil
}

// handlingEffects applies what the handling rules add to an action after the domain has
// taken it: sub-deadlines, extension caps and approval, discipline referral, the day of
// the reply. It may change the event's type (an extension waiting for approval).
func (a *App) handlingEffects(ref *reference, actor tousu.Actor, c *tousu.Complaint, act tousu.Action, p tousu.Payload, ev *tousu.Event) error {
	today := a.Today()
	h := &c.Handling
	pol := handlingFrom(ref.settings)
	defer c.SyncMarks()
	switch act {
	case tousu.ActAssign:
		h.AssignedOn, h.UnitDue = today, tousu.Date{}
		h.SignUnit, h.SignDue, h.SignedOn = "", tousu.Date{}, tousu.Date{}
		if pol.SignWithin > 0 {
			h.SignUnit, h.SignDue = c.AssignedUnit, ref.cal.AddWorkdays(today, pol.SignWithin)
		}
		c.Marks &^= tousu.MarkHalfwayUrgeDue
		if h.UnitWorkingDays > 0 {
			h.UnitDue = ref.cal.AddWorkdays(today, h.UnitWorkingDays)
			if c.Mode == tousu.ModeSupervise {
				c.Marks |= tousu.MarkHalfwayUrgeDue
			}
		}
	case tousu.ActRecall:
		if h.SignedOn.IsZero() { // taken back before the unit answered: it owes nothing
			h.SignUnit, h.SignDue = "", tousu.Date{}
		}
	case tousu.ActExtend:
		ext := p.(*tousu.ExtendPayload)
		limit, above, unit := pol.extensionLimits(c)
		field := "days"
		if ext.Days == 0 {
			field = "working_days"
		}
		total := c.Deadline.ExtensionDays + ext.Length()
		if total > limit {
			return tousu.Problems{field: "延期合计不能超过" + strconv.Itoa(limit) + unit +
				"（已延期" + strconv.Itoa(c.Deadline.ExtensionDays) + unit + "）"}.Err()
		}
		if total > above {
			// Above the threshold the request waits for a leader; the clock does not move.
			h.PendingExtension = &tousu.ExtensionRequest{Days: ext.Length(), Reason: strings.TrimSpace(ext.Reason),
				By: actor.Login, At: ev.At}
			ev.Type = tousu.EventExtensionRequested
			return nil
		}
		c.Deadline.ExtensionDays += ext.Length()
		c.Deadline.Due = workday.Due(ref.cal, c.Deadline)
	case tousu.ActApproveExtension:
		req := h.PendingExtension
		c.Deadline.ExtensionDays += req.Days
		c.Deadline.Due = workday.Due(ref.cal, c.Deadline)
		h.PendingExtension = nil
		ev.Payload = withFields(ev.Payload, map[string]any{"days": req.Days, "reason": req.Reason, "due_date": c.Deadline.Due})
	case tousu.ActDenyExtension:
		req := h.PendingExtension
		h.PendingExtension = nil
		ev.Payload = withFields(ev.Payload, map[string]any{"days": req.Days, "reason": req.Reason})
	case tousu.ActDecide, tousu.ActResolve, tousu.ActAccept:
		if !h.Discipline && (slices.Contains(c.Categories, "integrity") ||
			(c.Decision != nil && slices.Contains(c.Decision.Measures, tousu.MeasureDisciplineReferral))) {
			h.Discipline = true
		}
	case tousu.ActAssistSign, tousu.ActAssistReport:
		i := ref.assists(actor, c)
		if i < 0 {
			return tousu.Errorf(tousu.KindForbidden, "只有协办单位的承办人可以执行此操作")
		}
		as := &h.Assisting[i]
		at := ev.At
		if as.SignedBy == "" {
			as.SignedBy, as.SignedAt = actor.Login, &at
		}
		if rp, ok := p.(*tousu.ReportPayload); ok && act == tousu.ActAssistReport {
			as.Report = &tousu.Report{Process: rp.Process, Finding: rp.Finding, Measures: rp.Measures, Staff: rp.Staff,
				ReplyDraft: rp.ReplyDraft, Unit: as.Unit, By: actor.Login, At: &at}
		}
		ev.Payload = withFields(ev.Payload, map[string]any{"unit": as.Unit})
	}
	if act == tousu.ActReply || act == tousu.ActResolve {
		h.RepliedOn = today
	}
	if (act == tousu.ActSign || act == tousu.ActReturn) && h.SignedOn.IsZero() {
		h.SignedOn = today
	}
	return nil
}

// withFields adds fields to a JSON object payload.
func withFields(payload json.RawMessage, add map[string]any) json.RawMessage {
	var m map[string]any
	_ = json.Unmarshal(payload, &m)
	if m == nil {
		m = map[string]any{}
	}
	for k, v := range add {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// CanRevealPhone reports whether the actor may see the complainant's phone number on
// this case only as the handler working it (Reveal then answers with the phone alone).
func (a *App) CanRevealPhone(ctx context.Context, actor tousu.Actor, number string) bool {
	if CanReveal(actor) == nil {
		return false
	}
	ref, c, err := a.load(ctx, actor, number)
	return err == nil && ref.handles(actor, c)
}

// scanHandling takes the handling steps due today: the automatic urge at the half-way
// point of a 督办 unit's sub-deadline, and the closing of replied cases never rated
// within the policy's period. Each is an event written with its messages, once.
func (a *App) scanHandling(ctx context.Context, ref *reference, dir *staffDir, rep *ScanReport, seen *int) error {
	today := a.Today()
	err := a.scanAll(ctx, tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusAssigned, tousu.StatusInProgress},
		Marks: tousu.MarkHalfwayUrgeDue}, seen, func(c *tousu.Complaint) error {
		h := c.Handling
		if h.UnitDue.IsZero() || h.AssignedOn.IsZero() {
			return nil
		}
		half := ref.cal.AddWorkdays(h.AssignedOn, (h.UnitWorkingDays+1)/2)
		if today.Before(half) {
			return nil
		}
		msg := fmt.Sprintf("督办件承办期限（%s）已过半，请抓紧办理并报告进展（系统自动催办）", h.UnitDue)
		c.Marks &^= tousu.MarkHalfwayUrgeDue
		return a.systemStep(ctx, ref, c, tousu.EventHalfwayUrge, c.Status, map[string]any{"message": msg},
			notify.Urged, msg, dir.handlers(c), &rep.HalfwayUrged, rep)
	})
	if err != nil {
		return err
	}
	after := handlingFrom(ref.settings).AutoCloseAfter
	if after <= 0 {
		return nil
	}
	return a.scanAll(ctx, tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusReplied}}, seen, func(c *tousu.Complaint) error {
		h := c.Handling
		if h.Dissatisfied || c.Satisfaction != 0 || h.RepliedOn.IsZero() || ref.cal.WorkdaysBetween(h.RepliedOn, today) < after {
			return nil
		}
		now := a.now().UTC().Truncate(time.Millisecond)
		c.ClosedAt = &now
		msg := fmt.Sprintf("答复后%d个工作日内未收到评价，系统自动办结", after)
		return a.systemStep(ctx, ref, c, tousu.EventAutoClose, tousu.StatusClosed, map[string]any{"note": msg},
			"", msg, nil, &rep.AutoClosed, rep)
	})
}

// scanAll runs do on every case f selects, newest first, at most scanMax per scan.
func (a *App) scanAll(ctx context.Context, f tousu.ComplaintFilter, seen *int, do func(*tousu.Complaint) error) error {
	f.Order = tousu.OrderNewest
	return a.scanPages(ctx, f, seen, do)
}

// systemStep writes one event of the system on c, moving it to status to, with the desk
// messages of kind (none when "") to the accounts in to. A conflict (someone changed the
// case meanwhile) is counted and left for the next tick.
func (a *App) systemStep(ctx context.Context, ref *reference, c *tousu.Complaint, typ tousu.EventType, to tousu.Status,
	payload map[string]any, kind notify.Kind, msg string, recipients []tousu.User, count *int, rep *ScanReport) error {
	now := a.now().UTC().Truncate(time.Millisecond)
	actor := tousu.SystemActor
	ev := tousu.Event{ComplaintID: c.ID, Type: typ, Actor: actor.Login, ActorName: actor.Name, At: now, From: c.Status, To: to}
	ev.Payload, _ = json.Marshal(payload)
	c.Status, c.UpdatedAt = to, now
	c.SyncMarks()
	var out []tousu.Message
	if kind != "" {
		d := a.templateData(ref, c, &ev, nil)
		d.Actor, d.Message = actor.Name, msg
		out = a.deskMessages(ref, c, kind, d, now, without(recipients, ""))
	}
	if a.notifications().Webhook != nil {
		out = append(out, a.eventMessage(c, &ev))
	}
	err := a.store.UpdateComplaint(ctx, &tousu.Change{Complaint: c, Event: &ev, Outbox: out,
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, string(typ), c.Number, "")}})
	switch {
	case tousu.IsKind(err, tousu.KindConflict):
		rep.Conflicts++
		return nil
	case err != nil:
		return err
	}
	*count++
	return nil
}
