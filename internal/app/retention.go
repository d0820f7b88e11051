package app

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
)

// RetentionClass is the retention period (保管期限) of an archived case: 永久, 30年 or 10年,
// the three classes of 《机关文件材料归档范围和文书档案保管期限规定》 (国家档案局令第8号).
type RetentionClass string

// The retention classes.
const (
	RetainPermanent RetentionClass = "permanent"
	Retain30Years   RetentionClass = "30y"
	Retain10Years   RetentionClass = "10y"
)

// RetentionClasses is the vocabulary of retention classes.
var RetentionClasses = tousu.Vocabulary[RetentionClass]{
	{Value: RetainPermanent, Label: "永久"}, {Value: Retain30Years, Label: "30年"}, {Value: Retain10Years, Label: "10年"},
}

// years is how long a class keeps a case after archiving; 0 for 永久.
func (c RetentionClass) years() int {
	switch c {
	case Retain30Years:
		return 30
	case Retain10Years:
		return 10
	}
	return 0
}

// RetentionSetting is the setting that holds the retention rule as JSON.
const RetentionSetting = "retention.rule"

// RetentionRule says which class an archived case gets, by the first line that fits:
// a case referred to discipline inspection (or with a sanction) gets Discipline; a 举报
// found founded or partly founded gets FoundedReport; a complaint found founded or
// partly founded gets FoundedComplaint; every other case gets Other.
//
// The defaults follow 国家档案局令第8号: documents on disciplinary matters of staff are
// kept permanently; a founded 举报 records misconduct established against a named person
// and is kept 30 years; a founded complaint, which led to rectification but names no
// misconduct worth a file of its own, and everything else (unfounded, not accepted,
// withdrawn, suggestions) are routine business kept 10 years. See docs/RETENTION.md.
type RetentionRule struct {
	Discipline       RetentionClass `json:"discipline"`
	FoundedReport    RetentionClass `json:"founded_report"`
	FoundedComplaint RetentionClass `json:"founded_complaint"`
	Other            RetentionClass `json:"other"`
}

// DefaultRetentionRule is the rule in force until an admin sets another.
var DefaultRetentionRule = RetentionRule{Discipline: RetainPermanent, FoundedReport: Retain30Years,
	FoundedComplaint: Retain10Years, Other: Retain10Years}

// Check names every line of the rule that holds no class.
func (r RetentionRule) Check() error {
	pr := tousu.Problems{}
	for field, c := range map[string]RetentionClass{"discipline": r.Discipline, "founded_report": r.FoundedReport,
		"founded_complaint": r.FoundedComplaint, "other": r.Other} {
		if !RetentionClasses.Valid(c) {
			pr.Add(field, "应为 permanent（永久）、30y（30年）或 10y（10年）")
		}
	}
	return pr.Err()
}

// retentionFrom reads the rule from the settings, the default where unset or unreadable.
func retentionFrom(settings map[string]string) RetentionRule {
	r := DefaultRetentionRule
	if s := settings[RetentionSetting]; s != "" {
		var got RetentionRule
		if json.Unmarshal([]byte(s), &got) == nil && got.Check() == nil {
			r = got
		}
	}
	return r
}

// classOf applies the rule to a case.
func (r RetentionRule) classOf(c *tousu.Complaint) RetentionClass {
	if c.Handling.Discipline || (c.Decision != nil && hasMeasure(c.Decision.Measures, tousu.MeasureDisciplineReferral)) {
		return r.Discipline
	}
	founded := c.Decision != nil && (c.Decision.Finding == tousu.FindingFounded || c.Decision.Finding == tousu.FindingPartly)
	switch {
	case founded && c.Kind == tousu.KindReport:
		return r.FoundedReport
	case founded:
		return r.FoundedComplaint
	}
	return r.Other
}

func hasMeasure(ms []tousu.Measure, m tousu.Measure) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// RetentionView is the retention of an archived case as the API and the desk show it.
type RetentionView struct {
	Class      RetentionClass `json:"class"`
	ClassLabel string         `json:"class_label"`
	// ArchivedOn is the day the case was archived, from which the period runs.
	ArchivedOn tousu.Date `json:"archived_on"`
	// RetainUntil is the last day the case must be kept; nil for 永久.
	RetainUntil *tousu.Date `json:"retain_until"`
	// Expired says the period has run out (today is after RetainUntil).
	Expired bool             `json:"expired"`
	Hold    *tousu.LegalHold `json:"legal_hold"`
	// Disposed is the approved disposal (销毁) the case went in; nil while it is whole.
	Disposed *DisposedView `json:"disposed"`
}

// retention fills the retention of an archived case; nil for any other. The period
// runs from the day of the case's last archive event (UpdatedAt only if the timeline
// cannot be read: a query code reissued after archiving moves UpdatedAt, not the
// archive). The class follows the rule in force: a rule changed later applies to
// every archived case.
func (a *App) retention(ctx context.Context, ref *reference, c *tousu.Complaint) *RetentionView {
	if c.Status != tousu.StatusArchived {
		return nil
	}
	class := retentionFrom(ref.settings).classOf(c)
	archived := c.UpdatedAt
	if evs, err := a.store.ListEvents(ctx, c.ID); err == nil {
		for i := len(evs) - 1; i >= 0; i-- {
			if evs[i].Type == tousu.EventType(tousu.ActArchive) {
				archived = evs[i].At
				break
			}
		}
	}
	on := tousu.DateOf(archived.In(a.loc))
	v := &RetentionView{Class: class, ClassLabel: RetentionClasses.Label(class), ArchivedOn: on}
	if y := class.years(); y > 0 {
		until := tousu.DateOf(on.Midnight(time.UTC).AddDate(y, 0, 0))
		v.RetainUntil = &until
		v.Expired = a.Today().After(until)
	}
	if h, err := a.store.GetHold(ctx, c.ID); err == nil && h != nil {
		h.SetAt = h.SetAt.In(a.loc)
		v.Hold = h
	}
	v.Disposed = a.disposedIn(ctx, c)
	return v
}

// RetentionRule returns the retention rule in force.
func (a *App) RetentionRule(ctx context.Context) (RetentionRule, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return RetentionRule{}, err
	}
	return retentionFrom(ref.settings), nil
}

// SetRetentionRule changes the retention rule (admin; audited).
func (a *App) SetRetentionRule(ctx context.Context, actor tousu.Actor, r RetentionRule) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	if err := r.Check(); err != nil {
		return err
	}
	b, _ := json.Marshal(r)
	return a.putSetting(ctx, actor, "retention_rule.put", RetentionSetting, string(b))
}

// holdReason checks the reason given for setting or lifting a hold.
func holdReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", tousu.Problems{"reason": "请填写理由"}.Err()
	case !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > 500:
		return "", tousu.Problems{"reason": "理由应为不超过500字的文本"}.Err()
	}
	return reason, nil
}

// SetHold places a legal hold (法律保全) on an archived case with a reason, or changes
// the reason of the one it has (inspector or supervisor; audited). While it stands the
// case is not disposed of.
func (a *App) SetHold(ctx context.Context, actor tousu.Actor, number, reason string) (*ComplaintView, error) {
	if err := requireRole(actor, tousu.RoleInspector, tousu.RoleSupervisor); err != nil {
		return nil, err
	}
	reason, err := holdReason(reason)
	if err != nil {
		return nil, err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if c.Status != tousu.StatusArchived {
		return nil, tousu.Errorf(tousu.KindConflict, "只有已归档的案卷可以设置法律保全")
	}
	h := tousu.LegalHold{Reason: reason, SetBy: actor.Login, SetAt: a.now().UTC().Truncate(time.Millisecond)}
	if err := a.store.PutHold(ctx, c.ID, h); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, actor, "hold.set", c.Number, reason); err != nil {
		return nil, err
	}
	return a.view(ctx, ref, actor, c), nil
}

// LiftHold lifts the legal hold on a case with a reason (inspector or supervisor;
// audited); 404 when it has none.
func (a *App) LiftHold(ctx context.Context, actor tousu.Actor, number, reason string) (*ComplaintView, error) {
	if err := requireRole(actor, tousu.RoleInspector, tousu.RoleSupervisor); err != nil {
		return nil, err
	}
	reason, err := holdReason(reason)
	if err != nil {
		return nil, err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if err := a.store.DeleteHold(ctx, c.ID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, actor, "hold.lift", c.Number, reason); err != nil {
		return nil, err
	}
	return a.view(ctx, ref, actor, c), nil
}
