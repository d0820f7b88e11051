package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tousu"
	"tousu/internal/notify"
	"tousu/internal/pii"
	"tousu/internal/workday"
)

// settingIntakeOffice is the setting that names the intake office (受理机构).
const settingIntakeOffice = "intake.office"

// intakeOffice is the unit that owns complaints whose unit is unknown: the unit an admin
// marked as 受理机构, else the unit of kind office nearest the root, else the first
// centre, else the root. Every complaint must land in a queue someone works.
func (r *reference) intakeOffice() string {
	if code := r.settings[settingIntakeOffice]; code != "" {
		if _, ok := r.unitByCode[code]; ok {
			return code
		}
	}
	root := r.rootCode()
	order := r.subtree(root) // breadth first: the nearest units first
	for _, kind := range []tousu.UnitKind{tousu.UnitOffice, tousu.UnitCentre} {
		for _, code := range order {
			if r.unitByCode[code].Kind == kind {
				return code
			}
		}
	}
	return root
}

// IntakeOffice returns the code of the intake office (受理机构) and whether an admin
// chose it (rather than the default).
func (a *App) IntakeOffice(ctx context.Context) (code string, chosen bool, err error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return "", false, err
	}
	code = ref.intakeOffice()
	return code, ref.settings[settingIntakeOffice] == code, nil
}

// SetIntakeOffice marks unit code as the intake office (admin; audited); "" returns to
// the default.
func (a *App) SetIntakeOffice(ctx context.Context, actor tousu.Actor, code string) error {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return err
	}
	code = strings.TrimSpace(code)
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	if code != "" {
		if _, ok := ref.unitByCode[code]; !ok {
			return tousu.Problems{"unit": "没有这个单位"}.Err()
		}
	}
	if err := a.store.PutSetting(ctx, settingIntakeOffice, code); err != nil {
		return err
	}
	a.invalidate()
	return a.audit(ctx, actor, "intake.office", code, "")
}

// checkIntake checks the first receiver of a registration and fills its unit from the
// staff member's when left out.
func (a *App) checkIntake(ctx context.Context, ref *reference, in *tousu.Register, p tousu.Problems) error {
	fr := in.FirstReceiver
	if fr == nil {
		return nil
	}
	s, err := a.store.FindStaff(ctx, fr.Staff)
	switch {
	case tousu.IsKind(err, tousu.KindNotFound):
		p.Add("first_receiver.staff", "没有这个工号")
	case err != nil:
		return err
	case fr.Unit == "":
		fr.Unit = s.Unit
	}
	if fr.Unit != "" {
		if _, ok := ref.unitByCode[fr.Unit]; !ok {
			p.Add("first_receiver.unit", "没有这个单位")
		}
	}
	return nil
}

// intakeOf is how a registration reached the office: the first receiver as given, else
// the registering clerk (by the staff member of the account) at the clerk's unit; the
// portal has none. Handed over at the time given, else at registration.
func (a *App) intakeOf(ctx context.Context, actor tousu.Actor, in tousu.Register, now time.Time) tousu.Intake {
	var it tousu.Intake
	switch {
	case in.FirstReceiver != nil:
		it.Staff, it.Unit = in.FirstReceiver.Staff, in.FirstReceiver.Unit
	case actor.Has(tousu.RolePublic):
		return it
	case actor.Staff != "":
		it.Staff, it.Unit = actor.Staff, actor.Unit
		if s, err := a.store.FindStaff(ctx, actor.Staff); err == nil {
			it.Unit = s.Unit
		}
	default:
		it.Unit = actor.Unit
	}
	h := now
	if in.HandedOverAt != nil {
		h = in.HandedOverAt.UTC().Truncate(time.Millisecond)
	}
	it.HandedOverAt = &h
	return it
}

// lateHandover reports whether a complaint received at received and registered at
// registered reached the register later than the working day after its receipt
// (当天交综合办: the same day, at the latest the next working day).
func (a *App) lateHandover(ref *reference, received, registered time.Time) bool {
	limit := ref.cal.AddWorkdays(tousu.DateOf(received.In(a.loc)), 1)
	return tousu.DateOf(registered.In(a.loc)).After(limit)
}

// intakeMessages are the desk messages of a registration: the intake office's
// supervisors told of a complaint about no known unit, and the head of the first
// receiver's unit told that it was handed in (and whether late).
func (a *App) intakeMessages(ctx context.Context, ref *reference, c *tousu.Complaint, ev *tousu.Event, explicit bool) []tousu.Message {
	if c.Target.Unit != "" && !c.LateHandover && !explicit {
		return nil
	}
	dir, err := a.staffDir(ctx, ref)
	if err != nil {
		a.log.Error("notify: list accounts", "err", err)
		return nil
	}
	var out []tousu.Message
	if c.Target.Unit == "" {
		d := a.templateData(ref, c, ev, nil)
		d.Unit = ref.unitName(c.OwnerUnit)
		_, to := dir.nearest(c, c.OwnerUnit, tousu.RoleSupervisor)
		out = append(out, a.deskMessages(ref, c, notify.Received, d, ev.At, without(to, ev.Actor))...)
	}
	if c.Intake.Unit != "" && (explicit || c.LateHandover) {
		d := a.templateData(ref, c, ev, nil)
		d.Unit = ref.unitName(c.Intake.Unit)
		d.Handler = c.Intake.Staff
		if s, err := a.store.FindStaff(ctx, c.Intake.Staff); err == nil {
			d.Handler = s.Name + "（" + s.Badge + "）"
		}
		if c.LateHandover {
			d.Reason = "逾期移交：未在收到当日或次一工作日内移交登记"
		}
		_, to := dir.nearest(c, c.Intake.Unit, tousu.RoleLeader, tousu.RoleSupervisor, tousu.RoleHandler)
		out = append(out, a.deskMessages(ref, c, notify.HandedIn, d, ev.At, without(to, ev.Actor))...)
	}
	return out
}

// withdrawnMessages tell the window concerned that a complaint about it was withdrawn:
// the supervisors and handlers nearest the unit complained about.
func (a *App) withdrawnMessages(ctx context.Context, ref *reference, c *tousu.Complaint, ev *tousu.Event, p tousu.Payload) []tousu.Message {
	unit := c.Target.Unit
	if unit == "" {
		return nil
	}
	dir, err := a.staffDir(ctx, ref)
	if err != nil {
		a.log.Error("notify: list accounts", "err", err)
		return nil
	}
	d := a.templateData(ref, c, ev, p)
	d.Unit = ref.unitPath(unit)
	if np, ok := p.(*tousu.NotePayload); ok {
		d.Reason = strings.TrimSpace(np.Note)
	}
	_, sup := dir.nearest(c, unit, tousu.RoleSupervisor)
	_, hand := dir.nearest(c, unit, tousu.RoleHandler)
	return a.deskMessages(ref, c, notify.Withdrawn, d, ev.At, without(append(sup, hand...), ev.Actor))
}

// mayAmend narrows the amend row of the lifecycle table: a clerk corrects only the
// complaints the clerk registered; a supervisor any in scope.
func mayAmend(actor tousu.Actor, c *tousu.Complaint) error {
	if actor.Has(tousu.RoleSupervisor) || c.FirstReceiver == actor.Login {
		return nil
	}
	return tousu.Errorf(tousu.KindForbidden, "只有登记该投诉件的受理员或督查员可以补正登记")
}

// registrationOf is the registration a complaint was made from, as corrected so far,
// with the complainant in clear.
func (a *App) registrationOf(c *tousu.Complaint) (tousu.Register, error) {
	plain := tousu.Complainant{Anonymous: c.Identity.Anonymous}
	if !c.Identity.Anonymous {
		var err error
		if plain, err = a.keys.OpenIdentity(c.ID, c.Identity); err != nil {
			return tousu.Register{}, err
		}
	}
	r := tousu.Register{Kind: c.Kind, Channel: c.Channel, ReceivedAt: &c.ReceivedAt, Complainant: plain,
		Target: c.Target, Matter: c.Matter, Request: c.Request, Categories: slices.Clone(c.Categories),
		IncidentAt: c.IncidentAt, IncidentPlace: c.IncidentPlace, BusinessReceiptNo: c.BusinessReceiptNo,
		Written: c.Written, HandedOverAt: c.Intake.HandedOverAt}
	if c.Intake.Staff != "" {
		r.FirstReceiver = &tousu.FirstReceiver{Staff: c.Intake.Staff, Unit: c.Intake.Unit}
	}
	return r, nil
}

// amend corrects a registration (补正): the corrected registration is checked as a new
// one would be; the event keeps every changed field's old and new value, identity
// values sealed and shown masked; the audit record names the fields, never the values.
func (a *App) amend(ctx context.Context, ref *reference, actor tousu.Actor, c *tousu.Complaint, p *tousu.AmendPayload) (*ComplaintView, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := mayAmend(actor, c); err != nil {
		return nil, err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	old, err := a.registrationOf(c)
	if err != nil {
		return nil, err
	}
	in := p.ApplyTo(old)
	in.Normalize()
	pr := tousu.Problems{}
	if err := in.Validate(now); err != nil {
		fields := tousu.FieldsOf(err)
		if fields == nil {
			return nil, err
		}
		for k, v := range fields {
			pr.Add(k, v)
		}
	}
	if in.Channel != c.Channel && (in.Channel == tousu.ChannelWeb || in.Channel == tousu.ChannelWechat || in.Channel == tousu.ChannelKiosk) != (c.FirstReceiver == tousu.PublicActor.Login) {
		pr.Add("channel", "网上提交的投诉件只能补正为 web、wechat 或 kiosk 渠道，窗口登记的不能补正为网上渠道")
	}
	if err := a.checkReferences(ctx, ref, &in); err != nil {
		fields := tousu.FieldsOf(err)
		if fields == nil {
			return nil, err
		}
		for k, v := range fields {
			pr.Add(k, v)
		}
	}
	if err := a.checkIntake(ctx, ref, &in, pr); err != nil {
		return nil, err
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	changes := a.diffRegistration(c.ID, old, in)
	if len(changes) == 0 {
		return nil, tousu.Problems{"reason": "补正内容与原登记相同，没有需要更正的项目"}.Err()
	}

	ev, err := tousu.Apply(c, tousu.ActAmend, p, actor, now)
	if err != nil {
		return nil, err
	}
	c.Kind, c.Channel, c.Target, c.Matter, c.Request = in.Kind, in.Channel, in.Target, in.Matter, in.Request
	c.Categories = in.Categories
	if c.Categories == nil {
		c.Categories = []string{}
	}
	c.IncidentPlace, c.BusinessReceiptNo, c.Written = in.IncidentPlace, in.BusinessReceiptNo, in.Written
	c.IncidentAt = nil
	if in.IncidentAt != nil {
		t := in.IncidentAt.UTC().Truncate(time.Millisecond)
		c.IncidentAt = &t
	}
	if in.ReceivedAt != nil {
		c.ReceivedAt = in.ReceivedAt.UTC().Truncate(time.Millisecond)
	}
	identityChanged := false
	for _, ch := range changes {
		if ch.Sealed {
			identityChanged = true
		}
	}
	if identityChanged {
		c.Identity = a.keys.SealIdentity(c.ID, in.Complainant)
	}
	if in.FirstReceiver != nil {
		c.Intake.Staff, c.Intake.Unit = in.FirstReceiver.Staff, in.FirstReceiver.Unit
	}
	if in.HandedOverAt != nil {
		t := in.HandedOverAt.UTC().Truncate(time.Millisecond)
		c.Intake.HandedOverAt = &t
	}
	if c.FirstReceiver != tousu.PublicActor.Login {
		c.LateHandover = a.lateHandover(ref, c.ReceivedAt, c.CreatedAt)
	}
	// A corrected time of receipt, kind or category may change the deadline: its period
	// runs from the day of receipt by the policy that fits the corrected registration.
	pol := workday.PickPolicy(ref.policies, c.Kind, c.Categories, c.Classification)
	c.Deadline.Days, c.Deadline.Unit = pol.Days, pol.Unit
	c.Deadline.Start = tousu.DateOf(c.ReceivedAt.In(a.loc))
	c.Deadline.Due = workday.Due(ref.cal, c.Deadline)
	c.Handling.Stats.ReceivedOn = c.Deadline.Start
	a.rearmAlerts(ref, c)

	ev.Payload, _ = json.Marshal(map[string]any{"reason": strings.TrimSpace(p.Reason), "changes": changes,
		"due_date": c.Deadline.Due})
	names := make([]string, len(changes))
	for i, ch := range changes {
		names[i] = ch.Field
	}
	change := &tousu.Change{Complaint: c, Event: &ev,
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, string(tousu.ActAmend), c.Number, strings.Join(names, ","))}}
	if a.notifications().Webhook != nil {
		change.Outbox = []tousu.Message{a.eventMessage(c, &ev)}
	}
	if err := a.store.UpdateComplaint(ctx, change); err != nil {
		return nil, err
	}
	return a.view(ctx, ref, actor, c), nil
}

// diffRegistration lists the fields that differ between two registrations of complaint
// id. Identity fields are sealed (bound to the complaint and the field) and masked.
func (a *App) diffRegistration(id string, old, in tousu.Register) []tousu.FieldChange {
	var out []tousu.FieldChange
	add := func(field, o, n string) {
		if o != n {
			out = append(out, tousu.FieldChange{Field: field, Old: o, New: n})
		}
	}
	timeText := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(a.loc).Format(time.RFC3339)
	}
	add("kind", string(old.Kind), string(in.Kind))
	add("channel", string(old.Channel), string(in.Channel))
	add("received_at", timeText(old.ReceivedAt), timeText(in.ReceivedAt))
	masks := map[string]func(string) string{"name": pii.MaskName, "phone": pii.MaskPhone, "email": pii.MaskEmail,
		"id_number": pii.MaskIDNumber, "organization": pii.MaskOrganization, "address": pii.MaskAddress}
	for _, f := range tousu.IdentityFields {
		o, n := old.Complainant.Field(f), in.Complainant.Field(f)
		if o == n {
			continue
		}
		aad := "amend/" + id + "/complainant." + f
		ch := tousu.FieldChange{Field: "complainant." + f, Old: masks[f](o), New: masks[f](n), Sealed: true}
		if o != "" {
			ch.OldSealed = a.keys.Seal([]byte(o), aad)
		}
		if n != "" {
			ch.NewSealed = a.keys.Seal([]byte(n), aad)
		}
		out = append(out, ch)
	}
	if old.Complainant.Anonymous != in.Complainant.Anonymous {
		add("complainant.anonymous", boolText(old.Complainant.Anonymous), boolText(in.Complainant.Anonymous))
	}
	add("target.unit", old.Target.Unit, in.Target.Unit)
	add("target.staff", old.Target.Staff, in.Target.Staff)
	add("target.description", old.Target.Description, in.Target.Description)
	add("matter", old.Matter, in.Matter)
	add("request", old.Request, in.Request)
	add("categories", strings.Join(old.Categories, ","), strings.Join(in.Categories, ","))
	add("incident_at", timeText(old.IncidentAt), timeText(in.IncidentAt))
	add("incident_place", old.IncidentPlace, in.IncidentPlace)
	add("business_receipt_no", old.BusinessReceiptNo, in.BusinessReceiptNo)
	add("written", boolText(old.Written), boolText(in.Written))
	var ofr, nfr tousu.FirstReceiver
	if old.FirstReceiver != nil {
		ofr = *old.FirstReceiver
	}
	if in.FirstReceiver != nil {
		nfr = *in.FirstReceiver
	}
	add("first_receiver.staff", ofr.Staff, nfr.Staff)
	add("first_receiver.unit", ofr.Unit, nfr.Unit)
	add("handed_over_at", timeText(old.HandedOverAt), timeText(in.HandedOverAt))
	return out
}

func boolText(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// CanReissueCode reports, as an error, whether the actor may reissue query codes: the
// counter's clerks and the supervisors.
func CanReissueCode(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleClerk, tousu.RoleSupervisor)
}

// ReissueQueryCode gives a complaint a new query code at the counter, for a complainant
// who lost it; the old code stops working. Clerks and supervisors, in scope, with a
// reason; audited; the timeline keeps an internal event.
func (a *App) ReissueQueryCode(ctx context.Context, actor tousu.Actor, number, reason string) (*ComplaintView, error) {
	if err := CanReissueCode(actor); err != nil {
		return nil, err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	pr := tousu.Problems{}
	switch {
	case reason == "":
		pr.Add("reason", "请填写重置查询码的理由")
	case len([]rune(reason)) > tousu.MaxShortText:
		pr.Add("reason", "理由过长")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	code, err := a.newCode(ctx, ref, actor, c, reason, "counter")
	if err != nil {
		return nil, err
	}
	v := a.view(ctx, ref, actor, c)
	v.QueryCode = code
	return v, nil
}

// newCode replaces the query code of c and writes the change, with the messages that
// the way it was asked for needs.
func (a *App) newCode(ctx context.Context, ref *reference, actor tousu.Actor, c *tousu.Complaint, reason, via string) (string, error) {
	code, err := a.queryCode()
	if err != nil {
		return "", err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	c.QueryCodeHash = hashCode(c.ID, code)
	c.UpdatedAt = now
	payload, _ := json.Marshal(map[string]string{"reason": reason, "via": via})
	ev := tousu.Event{ComplaintID: c.ID, Type: tousu.EventQueryCode, Actor: actor.Login, ActorName: actor.Name,
		At: now, From: c.Status, To: c.Status, Payload: payload}
	ch := &tousu.Change{Complaint: c, Event: &ev,
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, "query_code", c.Number, reason)}}
	if via == "sms" {
		n := a.notifications()
		ch.Outbox = a.complainantMessages(ref, &Notifications{SMS: n.SMS, PublicURL: n.PublicURL}, c, &ev,
			[]notify.Kind{notify.CodeReissued}, a.templateData(ref, c, &ev, nil), nil, code)
	}
	if err := a.store.UpdateComplaint(ctx, ch); err != nil {
		return "", err
	}
	return code, nil
}

// ForgotQueryCode sends a new query code by SMS to the mobile on file, when phone is that
// number (compared by blind index, never in clear). It answers the same whether or not
// anything matched, so that it tells nobody whose number is on which complaint; the web
// layer rate-limits it. Nothing is sent when no SMS gateway is configured.
func (a *App) ForgotQueryCode(ctx context.Context, number, phone string) error {
	if a.notifications().SMS == nil {
		return nil
	}
	c, err := a.store.FindComplaint(ctx, strings.ToUpper(strings.TrimSpace(number)))
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	norm, ok := tousu.NormalizePhone(phone)
	if !ok || c.Identity.Anonymous || c.Identity.PhoneIndex == "" || mobile(norm) == "" ||
		a.keys.PhoneIndex(norm) != c.Identity.PhoneIndex || c.Status == tousu.StatusArchived {
		return nil
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	_, err = a.newCode(ctx, ref, tousu.PublicActor, c, "忘记查询码，发送至登记的手机号", "sms")
	return err
}

// CoverageGap is a unit where complaints could go unworked: no active supervisor covers
// it, or no active handler could take its cases.
type CoverageGap struct {
	Unit         string `json:"unit"`
	Name         string `json:"name"`
	Path         string `json:"path"`
	NoSupervisor bool   `json:"no_supervisor"`
	NoHandler    bool   `json:"no_handler"`
}

// Coverage is the answer of Coverage: the units without cover, and the open complaints
// that no active account can see.
type Coverage struct {
	IntakeOffice string        `json:"intake_office"`
	Units        []CoverageGap `json:"units"`
	Unseen       []string      `json:"unseen"` // complaint numbers
}

// Empty reports whether nothing is uncovered.
func (c *Coverage) Empty() bool { return len(c.Units) == 0 && len(c.Unseen) == 0 }

// MaxUnseen bounds the complaints Coverage lists.
const MaxUnseen = 200

// Coverage lists every unit whose cases no active supervisor covers (held at the unit
// or above it) or no active handler could take (held at it or above, or in the
// supervision office that handles cases itself), and every open complaint no active
// account can see (admin, and the start-up check). A root with units under it is a
// container, not a place complaints land, and is not listed.
func (a *App) Coverage(ctx context.Context, actor tousu.Actor) (*Coverage, error) {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := a.staffDir(ctx, ref)
	if err != nil {
		return nil, err
	}
	var active []tousu.User
	for _, u := range dir.users {
		if !u.Disabled {
			active = append(active, u)
		}
	}
	covers := func(u tousu.User, code string) bool {
		return ref.isRoot(u.Unit) || ref.within(code, u.Unit)
	}
	out := &Coverage{IntakeOffice: ref.intakeOffice(), Units: []CoverageGap{}, Unseen: []string{}}
	for _, unit := range ref.units {
		if unit.Parent == "" && len(ref.children[unit.Code]) > 0 {
			continue
		}
		var sup, hand bool
		office := dir.officeFor(unit.Code)
		for _, u := range active {
			if slices.Contains(u.Roles, tousu.RoleSupervisor) && covers(u, unit.Code) {
				sup = true
			}
			if slices.Contains(u.Roles, tousu.RoleHandler) && (covers(u, unit.Code) || (office != "" && ref.within(u.Unit, office))) {
				hand = true
			}
		}
		if !sup || !hand {
			out.Units = append(out.Units, CoverageGap{Unit: unit.Code, Name: unit.Name, Path: ref.unitPath(unit.Code),
				NoSupervisor: !sup, NoHandler: !hand})
		}
	}
	// Complaints no active account can see: only those touching a unit that no active
	// reader covers can be, so look at those alone.
	var uncovered []string
	for _, unit := range ref.units {
		seen := false
		for _, u := range active {
			if requireRole(u.Actor(), caseReaders...) == nil && !onlyHandler(u.Actor()) && covers(u, unit.Code) {
				seen = true
				break
			}
		}
		if !seen {
			uncovered = append(uncovered, unit.Code)
		}
	}
	if len(uncovered) == 0 {
		return out, nil
	}
	f := tousu.ComplaintFilter{Scope: uncovered, Order: tousu.OrderNewest, Limit: 500,
		Statuses: []tousu.Status{tousu.StatusRegistered, tousu.StatusAccepted, tousu.StatusAssigned,
			tousu.StatusInProgress, tousu.StatusSuspended, tousu.StatusReported, tousu.StatusDecided, tousu.StatusReplied}}
	cs, err := a.store.ListComplaints(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		visible := false
		for _, u := range active {
			if ref.visible(u.Actor(), c) {
				visible = true
				break
			}
		}
		if !visible && len(out.Unseen) < MaxUnseen {
			out.Unseen = append(out.Unseen, c.Number)
		}
	}
	return out, nil
}
