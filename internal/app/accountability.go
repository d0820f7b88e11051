package app

import (
	"context"
	"fmt"

	"tousu"
)

// Accountability (责任追究) is computed from the events tousu has, never typed: who let a
// deadline pass. Kinds:
//
//   - late_handover: the first receiver (首诉责任人) handed a complaint over later than
//     the working day after receipt (the intake's 逾期移交 flag);
//   - late_sign: the unit assigned a case signed for it (签收) or returned it after the
//     handling policy's signing deadline, or has done neither past it;
//   - late_report: the unit's handler reported its result after the unit's due date;
//   - late_reply: a complaint replied after its due date, or still open past it (the
//     handler and the assigned unit);
//   - rectification_overdue: a rectification task that went overdue (the unit);
//   - late_callback: a bad rating (差评) not called back by its call-back due day (the
//     window, whose handlers and supervisors call back).

// AccountabilityKinds label the kinds.
var AccountabilityKinds = tousu.Vocabulary[string]{
	{Value: "late_handover", Label: "逾期移交"}, {Value: "late_sign", Label: "逾期签收"}, {Value: "late_report", Label: "逾期报送承办结果"}, {Value: "late_reply", Label: "逾期答复"},
	{Value: "rectification_overdue", Label: "整改超期"}, {Value: "late_callback", Label: "差评逾期回访"},
}

// AccountabilityRecord is one deadline let pass, by a person (Staff, when known) and a
// unit.
type AccountabilityRecord struct {
	Kind   string `json:"kind"`
	Label  string `json:"label"`
	Number string `json:"number,omitempty"` // the complaint
	// Evaluation is the rating of a late_callback.
	Evaluation string     `json:"evaluation,omitempty"`
	TaskID     int64      `json:"task_id,omitempty"`
	Date       tousu.Date `json:"date"` // the due date that passed
	Unit       string     `json:"unit"`
	Staff      string     `json:"staff,omitempty"`
	Detail     string     `json:"detail"`
}

// Accountability computes the records of complaints received and tasks due within
// [from, to].
func (a *App) Accountability(ctx context.Context, from, to tousu.Date) ([]AccountabilityRecord, error) {
	return a.accountability(ctx, from, to, "")
}

// accountability computes the records of [from, to]; for one person (badge ≠ "") it
// reads only the complaints that can name them — those handed over late and those the
// person's accounts handled — and no rectification task (a unit's). Nothing is capped:
// the store returns the late candidates page by page.
func (a *App) accountability(ctx context.Context, from, to tousu.Date, badge string) ([]AccountabilityRecord, error) {
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	badgeOf := map[string]string{}
	var handlers []string
	if badge != "" {
		handlers = []string{}
	}
	for _, u := range users {
		badgeOf[u.Login] = u.Staff
		if badge != "" && u.Staff == badge {
			handlers = append(handlers, u.Login)
		}
	}
	today := a.Today()
	var out []AccountabilityRecord
	seen := map[string]bool{}
	add := func(kind string, c *tousu.Complaint, due tousu.Date, unit, staff, detail string) {
		if badge != "" && staff != badge {
			return
		}
		out = append(out, AccountabilityRecord{Kind: kind, Label: AccountabilityKinds.Label(kind), Number: c.Number, Date: due,
			Unit: unit, Staff: staff, Detail: detail})
	}
	each := func(c *tousu.Complaint) {
		if seen[c.ID] {
			return
		}
		seen[c.ID] = true
		if c.LateHandover && (c.Intake.Staff != "" || c.Intake.Unit != "") {
			add("late_handover", c, tousu.DateOf(c.ReceivedAt.In(a.loc)), c.Intake.Unit, c.Intake.Staff, "首诉责任人逾期移交")
		}
		h := c.Handling
		if due := h.SignDue; !due.IsZero() && h.SignUnit != "" {
			switch {
			case !h.SignedOn.IsZero() && h.SignedOn.After(due):
				add("late_sign", c, due, h.SignUnit, "", fmt.Sprintf("签收时限%s，%s签收或退单", due, h.SignedOn))
			case h.SignedOn.IsZero() && c.Status == tousu.StatusAssigned && today.After(due):
				add("late_sign", c, due, h.SignUnit, "", fmt.Sprintf("签收时限%s，至今未签收", due))
			}
		}
		if rp := h.Report; rp != nil && rp.At != nil && !h.UnitDue.IsZero() {
			if on := tousu.DateOf(rp.At.In(a.loc)); on.After(h.UnitDue) {
				unit := rp.Unit
				if unit == "" {
					unit = c.AssignedUnit
				}
				add("late_report", c, h.UnitDue, unit, badgeOf[rp.By], fmt.Sprintf("承办期限%s，%s报送", h.UnitDue, on))
			}
		}
		due := c.Deadline.Due
		if due.IsZero() || c.AssignedUnit == "" {
			return
		}
		switch {
		case !h.RepliedOn.IsZero() && h.RepliedOn.After(due):
			add("late_reply", c, due, c.AssignedUnit, badgeOf[c.Handler], fmt.Sprintf("办理期限%s，%s答复", due, h.RepliedOn))
		case h.RepliedOn.IsZero() && c.Status.ClockRuns() && today.After(due):
			add("late_reply", c, due, c.AssignedUnit, badgeOf[c.Handler], fmt.Sprintf("办理期限%s，至今未答复", due))
		}
	}
	// The store picks the candidates (a superset, in SQL), page by page with no cap;
	// the rules above decide exactly.
	lf := tousu.LateFilter{Today: today, Handlers: handlers, Limit: 500}
	lf.From, lf.To = a.window(from, to)
	for {
		cs, err := a.store.ListLate(ctx, lf)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			each(c)
		}
		if len(cs) < lf.Limit {
			break
		}
		last := cs[len(cs)-1]
		lf.After = &tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
	}
	if badge != "" {
		return out, nil
	}
	// The tasks due in the period that went overdue, by ID page by page.
	rf := tousu.RectificationFilter{DueFrom: from, DueBefore: to.AddDays(1), Overdue: true, ByID: true, Limit: 1000}
	for {
		tasks, err := a.store.ListRectifications(ctx, rf)
		if err != nil {
			return nil, err
		}
		for _, t := range tasks {
			out = append(out, AccountabilityRecord{Kind: "rectification_overdue", Label: AccountabilityKinds.Label("rectification_overdue"),
				TaskID: t.ID, Date: t.DueDate, Unit: t.Unit, Detail: fmt.Sprintf("“%s”整改期限%s", t.ItemName, t.DueDate)})
		}
		if len(tasks) < rf.Limit {
			break
		}
		rf.AfterID = tasks[len(tasks)-1].ID
	}
	// Bad ratings whose call-back was due in the period and came late or not at all.
	late, err := a.store.LateCallbacks(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, c := range late {
		detail := fmt.Sprintf("差评%s回访期限%s，至今未回访", c.ID, c.Due)
		switch {
		case c.CalledBackAt != nil:
			on := tousu.DateOf(c.CalledBackAt.In(a.loc))
			if !on.After(c.Due) {
				continue
			}
			detail = fmt.Sprintf("差评%s回访期限%s，%s回访", c.ID, c.Due, on)
		case !today.After(c.Due):
			continue
		}
		out = append(out, AccountabilityRecord{Kind: "late_callback", Label: AccountabilityKinds.Label("late_callback"),
			Evaluation: c.ID, Date: c.Due, Unit: c.Window, Detail: detail})
	}
	return out, nil
}
