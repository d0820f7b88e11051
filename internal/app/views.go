package app

import (
	"context"
	"encoding/json"
	"time"

	"tousu"
	"tousu/internal/pii"
	"tousu/internal/workday"
)

// TargetView is the target of a complaint with the names resolved.
type TargetView struct {
	Unit        string `json:"unit"`
	UnitName    string `json:"unit_name"`
	UnitPath    string `json:"unit_path"`
	Staff       string `json:"staff"`
	StaffName   string `json:"staff_name"`
	Description string `json:"description"`
}

// ComplaintView is a complaint as staff see it: the complainant masked, names resolved,
// the clock read, and the actions the viewer may take now.
type ComplaintView struct {
	Number       string        `json:"number"`
	QueryCode    string        `json:"query_code,omitempty"` // only in the answer to registration
	Kind         tousu.Kind    `json:"kind"`
	KindLabel    string        `json:"kind_label"`
	Channel      tousu.Channel `json:"channel"`
	ChannelLabel string        `json:"channel_label"`
	// ExternalRef is the sending system's reference, e.g. the 12345 order number (工单号).
	ExternalRef         string               `json:"external_ref,omitempty"`
	Status              tousu.Status         `json:"status"`
	StatusLabel         string               `json:"status_label"`
	Classification      tousu.Classification `json:"classification,omitempty"`
	ClassificationLabel string               `json:"classification_label,omitempty"`
	Categories          []string             `json:"categories"`
	CategoryLabels      []string             `json:"category_labels"`
	Complainant         tousu.Complainant    `json:"complainant"` // masked
	IdentityMasked      bool                 `json:"identity_masked"`
	Target              TargetView           `json:"target"`
	Matter              string               `json:"matter"`
	Request             string               `json:"request"`
	IncidentAt          *time.Time           `json:"incident_at"`
	IncidentPlace       string               `json:"incident_place"`
	BusinessReceiptNo   string               `json:"business_receipt_no"`
	Written             bool                 `json:"written"`
	// FirstReceiver is who first received it (首诉责任人) and where; nil for the portal.
	FirstReceiver *FirstReceiverView `json:"first_receiver"`
	// RegisteredBy is the login of the account that registered it ("public": the portal).
	RegisteredBy string     `json:"registered_by"`
	HandedOverAt *time.Time `json:"handed_over_at"`
	// LateHandover: registered later than the working day after receipt (逾期移交).
	LateHandover bool `json:"late_handover"`
	// CountedAs is how statistics count it: "consultation" (咨询) once withdrawn after
	// explanation, else "complaint".
	CountedAs        string     `json:"counted_as"`
	OwnerUnit        string     `json:"owner_unit"`
	AssignedUnit     string     `json:"assigned_unit,omitempty"`
	AssignedUnitName string     `json:"assigned_unit_name,omitempty"`
	Handler          string     `json:"handler,omitempty"`
	Mode             tousu.Mode `json:"mode,omitempty"`
	ReceivedAt       time.Time  `json:"received_at"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	ClosedAt         *time.Time `json:"closed_at"`
	DueDate          tousu.Date `json:"due_date"`
	WorkingDaysLeft  *int       `json:"working_days_left"` // nil when the clock does not run
	DueSoon          bool       `json:"due_soon"`
	Overdue          bool       `json:"overdue"`
	// DueProvisional says the due date counts over a year without an official holiday
	// notice: the statutory days only, so the notice may still move it (shown as 预计).
	DueProvisional bool            `json:"due_provisional"`
	Deadline       tousu.Deadline  `json:"deadline"`
	Decision       *tousu.Decision `json:"decision"`
	Reply          *tousu.Reply    `json:"reply"`
	Satisfaction   int             `json:"satisfaction,omitempty"`
	MergedInto     string          `json:"merged_into,omitempty"`
	Version        int             `json:"version"`
	AllowedActions []tousu.Action  `json:"allowed_actions"`

	// The handling state (交办意见, 承办期限, 协办, 承办意见, 延期审批, 不满意, 纪检).
	Instructions       string                       `json:"instructions,omitempty"`
	UnitWorkingDays    int                          `json:"unit_working_days,omitempty"`
	UnitDue            *tousu.Date                  `json:"unit_due,omitempty"`
	AssistingUnits     []tousu.Assist               `json:"assisting_units,omitempty"`
	Report             *tousu.Report                `json:"report,omitempty"`
	PendingExtension   *tousu.ExtensionRequest      `json:"pending_extension,omitempty"`
	Extended           bool                         `json:"extended"`
	Dissatisfied       bool                         `json:"dissatisfied"`
	Explanation        string                       `json:"explanation,omitempty"`
	DisciplineReferred bool                         `json:"discipline_referred"`
	DisciplineOutcome  *tousu.DisciplineOutcomeNote `json:"discipline_outcome,omitempty"`
	// SuspendedOn and SuspendedDays say since when and for how many working days a
	// suspended case has been waiting.
	SuspendedOn   *tousu.Date `json:"suspended_on,omitempty"`
	SuspendedDays int         `json:"suspended_days,omitempty"`
	// Retention is the retention class, retain_until and legal hold of an archived case
	// (保管期限, 法律保全); nil before archiving.
	Retention *RetentionView `json:"retention,omitempty"`
	// ViewerAssists says the viewer works the case for an assisting unit (协办), not
	// as its lead unit's handler: lists mark such rows 协办.
	ViewerAssists bool `json:"viewer_assists"`
}

// FirstReceiverView is the 首诉责任人 of a complaint with the names resolved.
type FirstReceiverView struct {
	Staff     string `json:"staff"`
	StaffName string `json:"staff_name"`
	Unit      string `json:"unit"`
	UnitName  string `json:"unit_name"`
}

// countedAs is how statistics count a complaint: a complaint withdrawn after
// explanation is a consultation (撤销投诉不作登记, REQUIREMENTS A4), not a complaint.
func countedAs(c *tousu.Complaint) string {
	if c.Status == tousu.StatusWithdrawn {
		return "consultation"
	}
	return "complaint"
}

// DueSoonDays is how many working days before the due date a case counts as due soon,
// unless the admin's escalation ladder says otherwise (Ladder.DueSoonDays).
const DueSoonDays = 3

func (a *App) view(ctx context.Context, ref *reference, actor tousu.Actor, c *tousu.Complaint) *ComplaintView {
	v := &ComplaintView{
		Number: c.Number, Kind: c.Kind, KindLabel: tousu.Kinds.Label(c.Kind),
		Channel: c.Channel, ChannelLabel: tousu.Channels.Label(c.Channel), ExternalRef: c.ExternalRef,
		Status: c.Status, StatusLabel: tousu.Statuses.Label(c.Status),
		Classification: c.Classification, Categories: c.Categories,
		Target: TargetView{Unit: c.Target.Unit, UnitName: ref.unitName(c.Target.Unit), UnitPath: ref.unitPath(c.Target.Unit),
			Staff: c.Target.Staff, Description: c.Target.Description},
		Matter: c.Matter, Request: c.Request, IncidentAt: c.IncidentAt, IncidentPlace: c.IncidentPlace,
		BusinessReceiptNo: c.BusinessReceiptNo, Written: c.Written, RegisteredBy: c.FirstReceiver,
		LateHandover: c.LateHandover, CountedAs: countedAs(c),
		OwnerUnit: c.OwnerUnit, AssignedUnit: c.AssignedUnit, AssignedUnitName: ref.unitName(c.AssignedUnit),
		Handler: c.Handler, Mode: c.Mode,
		ReceivedAt: c.ReceivedAt.In(a.loc), CreatedAt: c.CreatedAt.In(a.loc), UpdatedAt: c.UpdatedAt.In(a.loc),
		ClosedAt: c.ClosedAt, DueDate: c.Deadline.Due, Deadline: c.Deadline,
		Decision: c.Decision, Reply: c.Reply, Satisfaction: c.Satisfaction, MergedInto: c.MergedInto,
		Version: c.Version, AllowedActions: ref.allowed(actor, c),
		ViewerAssists: ref.assists(actor, c) >= 0 && !ref.handles(actor, c),
	}
	if c.Classification != "" {
		v.ClassificationLabel = tousu.Classifications.Label(c.Classification)
	}
	if v.Categories == nil {
		v.Categories = []string{}
	}
	v.CategoryLabels = make([]string, len(v.Categories))
	for i, code := range v.Categories {
		v.CategoryLabels[i] = code
		if cat, ok := ref.catByCode[code]; ok {
			v.CategoryLabels[i] = cat.Name
		}
	}
	if v.AllowedActions == nil {
		v.AllowedActions = []tousu.Action{}
	}
	if c.IncidentAt != nil {
		t := c.IncidentAt.In(a.loc)
		v.IncidentAt = &t
	}
	if c.ClosedAt != nil {
		t := c.ClosedAt.In(a.loc)
		v.ClosedAt = &t
	}
	if c.Target.Staff != "" {
		if s, err := a.store.FindStaff(ctx, c.Target.Staff); err == nil {
			v.Target.StaffName = s.Name
		}
	}
	if c.Intake.Staff != "" || c.Intake.Unit != "" {
		fr := &FirstReceiverView{Staff: c.Intake.Staff, Unit: c.Intake.Unit, UnitName: ref.unitName(c.Intake.Unit)}
		if s, err := a.store.FindStaff(ctx, c.Intake.Staff); err == nil {
			fr.StaffName = s.Name
		}
		v.FirstReceiver = fr
	}
	if h := c.Intake.HandedOverAt; h != nil {
		t := h.In(a.loc)
		v.HandedOverAt = &t
	}
	a.readClock(ref, c, v)
	h := c.Handling
	v.Instructions, v.UnitWorkingDays, v.AssistingUnits, v.Report = h.Instructions, h.UnitWorkingDays, h.Assisting, h.Report
	if !h.UnitDue.IsZero() {
		d := h.UnitDue
		v.UnitDue = &d
	}
	v.PendingExtension, v.Extended, v.Dissatisfied, v.Explanation = h.PendingExtension, c.Deadline.ExtensionDays > 0, h.Dissatisfied, h.Explanation
	v.DisciplineReferred, v.DisciplineOutcome = h.Discipline, h.DisciplineOutcome
	if c.Status == tousu.StatusSuspended && !c.Deadline.SuspendedOn.IsZero() {
		d := c.Deadline.SuspendedOn
		v.SuspendedOn = &d
		v.SuspendedDays = ref.cal.WorkdaysBetween(d, a.Today())
	}
	v.DueProvisional = !c.Deadline.Due.IsZero() && ref.cal.Provisional(c.Deadline.Start, c.Deadline.Due)
	v.Retention = a.retention(ctx, ref, c)
	v.IdentityMasked = true
	v.Complainant = a.masked(c)
	return v
}

// readClock fills the working days left and the due-soon and overdue flags.
func (a *App) readClock(ref *reference, c *tousu.Complaint, v *ComplaintView) {
	if !c.Status.ClockRuns() || c.Deadline.Due.IsZero() {
		return
	}
	today := a.Today()
	left := workday.Remaining(ref.cal, today, c.Deadline.Due)
	v.WorkingDaysLeft = &left
	v.Overdue = today.After(c.Deadline.Due)
	v.DueSoon = !v.Overdue && left <= ref.ladder.DueSoonDays
}

// masked opens the identity and masks it; anonymous complaints and failures to open show
// nothing at all.
func (a *App) masked(c *tousu.Complaint) tousu.Complainant {
	if c.Identity.Anonymous {
		return tousu.Complainant{Anonymous: true}
	}
	plain, err := a.keys.OpenIdentity(c.ID, c.Identity)
	if err != nil {
		a.log.Error("open identity", "number", c.Number, "err", err)
		return tousu.Complainant{}
	}
	return pii.Mask(plain)
}

// EventView is one entry of the staff timeline.
type EventView struct {
	Seq       int             `json:"seq"`
	Type      tousu.EventType `json:"type"`
	Label     string          `json:"label"`
	Public    bool            `json:"public"`
	Actor     string          `json:"actor"`
	ActorName string          `json:"actor_name"`
	At        time.Time       `json:"at"`
	From      tousu.Status    `json:"from,omitempty"`
	To        tousu.Status    `json:"to"`
	Payload   json.RawMessage `json:"payload,omitempty"`
}

func (a *App) eventView(e tousu.Event) EventView {
	label := tousu.EventLabels[e.Type]
	if label == "" {
		label = string(e.Type)
	}
	return EventView{Seq: e.Seq, Type: e.Type, Label: label, Public: e.Public(), Actor: e.Actor,
		ActorName: e.ActorName, At: e.At.In(a.loc), From: e.From, To: e.To, Payload: e.Payload}
}
