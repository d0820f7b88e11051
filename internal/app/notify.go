package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tousu"
	"tousu/internal/notify"
	"tousu/internal/workday"
)

// This file decides which messages a change causes (REQUIREMENTS C5, C7; DESIGN §4, §6).
// They go to the outbox in the change's own transaction (tousu.Change.Outbox), and the
// jobs deliver them (jobs.go):
//
//   - the complainant, by SMS and e-mail to the contact they gave, when the channel is
//     configured: registration (number, query code, due date, where to track), not
//     accepted (reason, referral), extension (new date, reason), reply (the reply) and the
//     invitation to rate it. Anonymous complainants get nothing.
//   - staff, on the desk: assignment, return, urge, due soon, overdue, escalation, reopening.
//   - other systems, by the generic webhook when configured: every event, without
//     identities or free text.
//
// A channel that is not configured gets no messages at all, so nothing piles up for it.
// Desk messages are always written; they are shown at once, and the outbox job marks them
// sent ("delivered to the desk") on its next tick.

// Notifications are the outbox's channels and its retry policy. The zero value sends
// nothing but desk messages.
type Notifications struct {
	Email   notify.Sender // e-mail to complainants (TOUSU_SMTP_URL); nil: none
	SMS     notify.Sender // text messages to complainants (TOUSU_SMS_WEBHOOK_URL); nil: none
	Webhook notify.Sender // every event to another system (TOUSU_WEBHOOK_URL); nil: none
	// Hotline is the 12345 platform, told when its orders are signed, returned, extended
	// and replied (TOUSU_HOTLINE_URL, hotline.go); nil: none.
	Hotline notify.Sender
	// PublicURL is the portal as complainants reach it, e.g. https://ts.example.gov.cn,
	// for the tracking link in their messages; without it the messages name no link.
	PublicURL string
	// MaxAttempts is how many times a message is tried before it is dead; default 8.
	MaxAttempts int
	// RetryBase and RetryCap shape the backoff: RetryBase·2^(n−1) after the n-th failed
	// attempt, at most RetryCap; defaults 1 minute and 1 hour (8 attempts span ~2 hours).
	RetryBase, RetryCap time.Duration
}

// The defaults of Notifications.
const (
	DefaultMaxAttempts = 8
	DefaultRetryBase   = time.Minute
	DefaultRetryCap    = time.Hour
)

// SetNotifications configures the channels. Call it before serving: changes made before
// it create no messages for e-mail, SMS or the webhook.
func (a *App) SetNotifications(n Notifications) {
	n.PublicURL = strings.TrimRight(strings.TrimSpace(n.PublicURL), "/")
	if n.MaxAttempts <= 0 {
		n.MaxAttempts = DefaultMaxAttempts
	}
	if n.RetryBase <= 0 {
		n.RetryBase = DefaultRetryBase
	}
	if n.RetryCap <= 0 {
		n.RetryCap = DefaultRetryCap
	}
	a.notify.Store(&n)
}

// notifications is the configuration in force; the zero configuration until set.
func (a *App) notifications() *Notifications {
	if n := a.notify.Load(); n != nil {
		return n
	}
	return &Notifications{MaxAttempts: DefaultMaxAttempts, RetryBase: DefaultRetryBase, RetryCap: DefaultRetryCap}
}

// ChannelState says which channels are configured, for the admin's outbox page.
type ChannelState struct {
	Email, SMS, Webhook bool
	PublicURL           string
	MaxAttempts         int
}

// Channels says which channels are configured.
func (a *App) Channels() ChannelState {
	n := a.notifications()
	return ChannelState{Email: n.Email != nil, SMS: n.SMS != nil, Webhook: n.Webhook != nil, PublicURL: n.PublicURL,
		MaxAttempts: n.MaxAttempts}
}

// sender is the sender of a channel, nil when it is not configured.
func (n *Notifications) sender(ch tousu.MessageChannel) notify.Sender {
	switch ch {
	case tousu.MessageEmail:
		return n.Email
	case tousu.MessageSMS:
		return n.SMS
	case tousu.MessageWebhook:
		return n.Webhook
	case tousu.MessageHotline:
		return n.Hotline
	}
	return nil
}

// queryCodePlaceholder stands for the query code in a registration notice's stored text;
// the code itself travels sealed with the recipient (envelope) and is put in only when
// the message is sent, so that the outbox never holds it in clear.
const queryCodePlaceholder = "{{query_code}}"

// envelope is what Message.To holds, sealed: the complainant's address and, for the
// registration notice, the query code.
type envelope struct {
	To   string `json:"to"`
	Code string `json:"code,omitempty"`
}

// envelopeAAD binds a sealed envelope to its complaint.
func envelopeAAD(complaintID string) string { return "message/" + complaintID }

// outboxFor returns the messages that the change of c by event ev (with payload p)
// causes. plain is the complainant in clear when the caller has it (registration), and
// code the query code, which only the registration notice carries. It never fails the
// change: a notification that cannot be made is logged and left out.
func (a *App) outboxFor(ctx context.Context, ref *reference, c *tousu.Complaint, ev *tousu.Event, p tousu.Payload,
	plain *tousu.Complainant, code string) []tousu.Message {
	n := a.notifications()
	var out []tousu.Message
	if n.Webhook != nil {
		out = append(out, a.eventMessage(c, ev))
	}
	if m, ok := a.hotlineMessage(c, ev, p); ok && n.Hotline != nil {
		out = append(out, m)
	}
	if kinds := complainantKinds(ev); len(kinds) > 0 && !c.Identity.Anonymous && (n.Email != nil || n.SMS != nil) {
		out = append(out, a.complainantMessages(ref, n, c, ev, kinds, a.templateData(ref, c, ev, p), plain, code)...)
	}
	if kind, ok := staffKind(c, ev); ok {
		d := a.templateData(ref, c, ev, p)
		dir, err := a.staffDir(ctx, ref)
		if err != nil {
			a.log.Error("notify: list accounts", "number", c.Number, "err", err)
			return out
		}
		d.Handler = dir.name(c.Handler)
		var to []tousu.User
		switch kind {
		case notify.Assigned:
			to = dir.handlers(c)
			// The assisting units (协办) hear of it too: each signs and reports its part.
			var names []string
			for _, as := range c.Handling.Assisting {
				_, us := dir.nearest(c, as.Unit, tousu.RoleHandler)
				to = append(to, us...)
				names = append(names, ref.unitName(as.Unit))
			}
			if len(names) > 0 {
				d.Message = "协办单位：" + strings.Join(names, "、")
			}
			if c.Handling.Instructions != "" {
				if d.Message != "" {
					d.Message += "。"
				}
				d.Message += "交办意见：" + c.Handling.Instructions
			}
		case notify.Urged:
			to = dir.handlers(c)
		case notify.Returned:
			d.Unit = ref.unitName(dir.unitOfLogin(ev.Actor)) // the return cleared the assignment
			to = dir.supervisors(c)
		case notify.Reopened, notify.Instructed:
			to = append(dir.handlers(c), dir.supervisors(c)...)
		case notify.Reported, notify.Dissatisfied, notify.ExtensionDecided:
			to = dir.supervisors(c)
		case notify.SentBack:
			to = dir.handlers(c)
		case notify.ExtensionRequested:
			to = dir.nearestOwner(c, tousu.RoleLeader)
		}
		if kind == notify.ExtensionDecided {
			d.Message = "批准了"
			if ev.Type == tousu.EventType(tousu.ActDenyExtension) {
				d.Message = "未批准"
			}
		}
		out = append(out, a.deskMessages(ref, c, kind, d, ev.At, without(to, ev.Actor))...)
	}
	if ev.Type == tousu.EventType(tousu.ActWithdraw) {
		out = append(out, a.withdrawnMessages(ctx, ref, c, ev, p)...) // intake.go
	}
	return out
}

// complainantKinds are the notifications to the complainant that an event causes.
func complainantKinds(ev *tousu.Event) []notify.Kind {
	switch ev.Type {
	case tousu.EventType(tousu.ActApproveExtension):
		return []notify.Kind{notify.Extended}
	case tousu.EventRegister:
		return []notify.Kind{notify.Registered}
	case tousu.EventType(tousu.ActReject):
		return []notify.Kind{notify.NotAccepted}
	case tousu.EventType(tousu.ActExtend):
		return []notify.Kind{notify.Extended}
	case tousu.EventType(tousu.ActReply), tousu.EventType(tousu.ActResolve):
		return []notify.Kind{notify.Replied, notify.Satisfaction}
	}
	return nil
}

// staffKind is the desk notification an event causes, if any. The deadline warnings are
// the jobs' (jobs.go).
func staffKind(c *tousu.Complaint, ev *tousu.Event) (notify.Kind, bool) {
	switch ev.Type {
	case tousu.EventExtensionRequested:
		return notify.ExtensionRequested, true
	}
	switch tousu.Action(ev.Type) {
	case tousu.ActReport:
		return notify.Reported, true
	case tousu.ActSendBack:
		return notify.SentBack, true
	case tousu.ActInstruct:
		return notify.Instructed, true
	case tousu.ActApproveExtension, tousu.ActDenyExtension:
		return notify.ExtensionDecided, true
	case tousu.ActAssign:
		return notify.Assigned, true
	case tousu.ActReturn:
		return notify.Returned, true
	case tousu.ActUrge:
		return notify.Urged, true
	case tousu.ActReopen:
		return notify.Reopened, true
	case tousu.ActFeedback:
		// A rating of 1–2 waits for a supervisor, who must reopen or explain.
		if c.Handling.Dissatisfied {
			return notify.Dissatisfied, true
		}
	}
	return "", false
}

// templateData fills the fields templates may use from the complaint after the change.
func (a *App) templateData(ref *reference, c *tousu.Complaint, ev *tousu.Event, p tousu.Payload) notify.Data {
	number := c.Number
	if number == "" {
		number = tousu.NumberPlaceholder // a registration: the store puts in the number
	}
	d := notify.Data{
		SiteName: ref.unitName(ref.rootCode()), Number: number, Kind: tousu.Kinds.Label(c.Kind),
		Status: tousu.Statuses.Label(c.Status), ReceivedDate: chineseDate(tousu.DateOf(c.ReceivedAt.In(a.loc))),
		DueDate: dueText(ref, c), OfficePhone: ref.phoneOf(c.OwnerUnit),
		Unit: ref.unitName(c.AssignedUnit), Mode: tousu.Modes.Label(c.Mode), Actor: ev.ActorName,
	}
	if c.Mode == "" {
		d.Mode = ""
	}
	if d.Actor == "" {
		d.Actor = ev.Actor
	}
	if base := a.notifications().PublicURL; base != "" {
		// Numbers are [A-Z0-9-]: nothing to escape, and the placeholder must stay as it is.
		d.TrackURL = base + "/track?number=" + number
	}
	switch p := p.(type) {
	case *tousu.RejectPayload:
		d.Reason = tousu.RejectReasons.Label(p.Reason)
		d.Explanation = strings.TrimSpace(p.Explanation)
		if p.Referral != nil && strings.TrimSpace(p.Referral.Body) != "" {
			d.Referral = strings.TrimSpace(p.Referral.Body)
			if contact := strings.TrimSpace(p.Referral.Contact); contact != "" {
				d.Referral += "（" + contact + "）"
			}
		}
	case *tousu.ExtendPayload:
		d.Reason, d.ExtensionDays, d.ExtensionUnit = strings.TrimSpace(p.Reason), p.Length(), "个工作日"
		if c.Deadline.Unit == tousu.CalendarDays {
			d.ExtensionUnit = "日"
		}
	case *tousu.InstructPayload:
		d.Message = strings.TrimSpace(p.Text)
	case *tousu.ExtensionDecisionPayload:
		// The request is told in the event's payload: the complaint no longer holds it.
		var req struct {
			Days   int    `json:"days"`
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(ev.Payload, &req)
		d.Reason, d.ExtensionDays, d.ExtensionUnit = req.Reason, req.Days, "个工作日"
		if c.Deadline.Unit == tousu.CalendarDays {
			d.ExtensionUnit = "日"
		}
	case *tousu.ReasonPayload:
		d.Reason = strings.TrimSpace(p.Reason)
	case *tousu.UrgePayload:
		d.Message = strings.TrimSpace(p.Message)
	case *tousu.Reply:
		d.Process, d.Result, d.Improvement = p.Process, p.Result, p.Improvement
	case *tousu.ResolvePayload:
		r := p.Reply()
		d.Process, d.Result, d.Improvement = r.Process, r.Result, r.Improvement
	case *tousu.FeedbackPayload:
		d.Reason = "评价为“" + tousu.SatisfactionLabels[p.Level] + "”"
		if p.Reopen {
			d.Reason += "，申请重新办理"
		}
		if comment := strings.TrimSpace(p.Comment); comment != "" {
			d.Reason += "：" + comment
		}
	}
	return d
}

// chineseDate writes a date as people read it in a letter: 2026年2月27日.
func chineseDate(d tousu.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

// phoneOf is the telephone of a unit, or of its nearest ancestor that publishes one.
func (r *reference) phoneOf(code string) string {
	for range 64 {
		u, ok := r.unitByCode[code]
		if !ok {
			return ""
		}
		if u.Phone != "" {
			return u.Phone
		}
		code = u.Parent
	}
	return ""
}

// render words a notification with the admin's template, falling back to the default
// when the stored one fails (it was checked when saved, so only a change of the data
// could break it). ok is false when the admin switched the notification off.
func (a *App) render(ref *reference, kind notify.Kind, d notify.Data) (subject, body, sms string, ok bool) {
	spec, found := notify.SpecOf(kind)
	if !found {
		return "", "", "", false
	}
	t := notify.FromSettings(spec, ref.settings)
	if t.Off {
		return "", "", "", false
	}
	run := func(part, text, def string) string {
		if text == "" {
			return ""
		}
		out, err := notify.Render(text, d)
		if err != nil {
			a.log.Error("notify: template failed; using the default", "template", kind, "part", part, "err", err)
			out, _ = notify.Render(def, d)
		}
		return out
	}
	subject = run("subject", t.Subject, spec.Default.Subject)
	body = run("body", t.Body, spec.Default.Body)
	sms = run("sms", t.SMS, spec.Default.SMS)
	return subject, body, sms, true
}

// complainantMessages are the SMS and e-mail messages of kinds to c's complainant, on
// the configured channels for which the complainant gave a contact.
func (a *App) complainantMessages(ref *reference, n *Notifications, c *tousu.Complaint, ev *tousu.Event,
	kinds []notify.Kind, d notify.Data, plain *tousu.Complainant, code string) []tousu.Message {
	who := plain
	if who == nil {
		opened, err := a.keys.OpenIdentity(c.ID, c.Identity)
		if err != nil {
			a.log.Error("notify: open identity", "number", c.Number, "err", err)
			return nil
		}
		who = &opened
	}
	email := strings.TrimSpace(who.Email)
	phone := mobile(who.Phone)
	if (n.Email == nil || email == "") && (n.SMS == nil || phone == "") {
		return nil
	}
	var out []tousu.Message
	for _, kind := range kinds {
		kd := d
		env := envelope{}
		if (kind == notify.Registered || kind == notify.CodeReissued) && code != "" {
			kd.QueryCode, env.Code = queryCodePlaceholder, code
		}
		subject, body, sms, ok := a.render(ref, kind, kd)
		if !ok {
			continue
		}
		add := func(ch tousu.MessageChannel, to, text string) {
			if strings.TrimSpace(text) == "" {
				return // a template that renders nothing sends nothing
			}
			e := env
			e.To = to
			sealed, _ := json.Marshal(e)
			out = append(out, tousu.Message{ComplaintID: c.ID, Channel: ch, To: a.keys.Seal(sealed, envelopeAAD(c.ID)),
				Subject: subject, Body: text, CreatedAt: ev.At})
		}
		if n.Email != nil && email != "" {
			add(tousu.MessageEmail, email, body)
		}
		if n.SMS != nil && phone != "" {
			add(tousu.MessageSMS, phone, sms)
		}
	}
	return out
}

// mobile is a mainland mobile number, which can take a text message, as 11 digits; ""
// for anything else (a landline cannot).
func mobile(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		}
	}
	d := b.String()
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "861"):
		d = d[2:]
	case len(d) == 15 && strings.HasPrefix(d, "00861"):
		d = d[4:]
	}
	if len(d) == 11 && d[0] == '1' && d[1] >= '3' {
		return d
	}
	return ""
}

// deskMessages are the desk messages of kind to each account in to.
func (a *App) deskMessages(ref *reference, c *tousu.Complaint, kind notify.Kind, d notify.Data, at time.Time, to []tousu.User) []tousu.Message {
	if len(to) == 0 {
		return nil
	}
	subject, body, _, ok := a.render(ref, kind, d)
	if !ok {
		return nil
	}
	out := make([]tousu.Message, 0, len(to))
	seen := map[string]bool{}
	for _, u := range to {
		// One message per person and step, even when they are both handler and supervisor.
		if seen[u.Login] {
			continue
		}
		seen[u.Login] = true
		out = append(out, tousu.Message{ComplaintID: c.ID, Channel: tousu.MessageDesk, ToLogin: u.Login,
			Subject: subject, Body: body, CreatedAt: at})
	}
	return out
}

// webhookEvent is what the generic webhook posts for an event: what happened to which
// complaint, never the complainant nor any free text (a matter, a note or a reply may
// name people).
type webhookEvent struct {
	Event        tousu.EventType `json:"event"`
	Label        string          `json:"label"`
	Number       string          `json:"number"`
	Kind         tousu.Kind      `json:"kind"`
	Channel      tousu.Channel   `json:"channel"`
	Status       tousu.Status    `json:"status"`
	From         tousu.Status    `json:"from,omitempty"`
	At           time.Time       `json:"at"`
	Actor        string          `json:"actor"`
	DueDate      tousu.Date      `json:"due_date"`
	TargetUnit   string          `json:"target_unit,omitempty"`
	AssignedUnit string          `json:"assigned_unit,omitempty"`
	Public       bool            `json:"public"`
}

// eventMessage is the webhook message of event ev.
func (a *App) eventMessage(c *tousu.Complaint, ev *tousu.Event) tousu.Message {
	number := c.Number
	if number == "" {
		number = tousu.NumberPlaceholder
	}
	body, _ := json.Marshal(webhookEvent{Event: ev.Type, Label: tousu.EventLabels[ev.Type], Number: number,
		Kind: c.Kind, Channel: c.Channel, Status: c.Status, From: ev.From, At: ev.At.In(a.loc), Actor: ev.Actor,
		DueDate: c.Deadline.Due, TargetUnit: c.Target.Unit, AssignedUnit: c.AssignedUnit, Public: ev.Public()})
	return tousu.Message{ComplaintID: c.ID, Channel: tousu.MessageWebhook, Subject: string(ev.Type), Body: string(body),
		CreatedAt: ev.At}
}

// rearmAlerts forgets the deadline warnings that no longer hold after the deadline moved
// (an extension, a resumption, a reopening), so that the new deadline is watched afresh.
func (a *App) rearmAlerts(ref *reference, c *tousu.Complaint) {
	if c.Alerts == 0 || c.Deadline.Due.IsZero() {
		return
	}
	today := a.Today()
	if !today.After(c.Deadline.Due) {
		c.Alerts &^= tousu.AlertOverdue | tousu.AlertUrged | tousu.AlertEscalated1 | tousu.AlertEscalated2 | tousu.AlertEscalated3
	}
	if workday.Remaining(ref.cal, today, c.Deadline.Due) > ref.ladder.DueSoonDays {
		c.Alerts &^= tousu.AlertDueSoon
	}
}

// staffDir finds who to tell about a case among the staff accounts.
type staffDir struct {
	ref   *reference
	users []tousu.User
	// staffUnit is the unit of each staff member by badge, when loaded (withStaff): an
	// account's person may work in the supervision office while the account's roles are
	// held over the whole centre.
	staffUnit map[string]string
}

// withStaff loads where each staff member works.
func (d *staffDir) withStaff(ctx context.Context, store tousu.Store) error {
	staff, err := store.ListStaff(ctx, "")
	if err != nil {
		return err
	}
	d.staffUnit = make(map[string]string, len(staff))
	for _, s := range staff {
		d.staffUnit[s.Badge] = s.Unit
	}
	return nil
}

// worksIn reports whether account u belongs to the subtree of unit top: held there, or
// its staff member works there.
func (d *staffDir) worksIn(u tousu.User, top string) bool {
	if d.ref.within(d.unitOf(u), top) {
		return true
	}
	unit, ok := d.staffUnit[u.Staff]
	return ok && d.ref.within(unit, top)
}

func (a *App) staffDir(ctx context.Context, ref *reference) (*staffDir, error) {
	users, err := a.store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	return &staffDir{ref: ref, users: users}, nil
}

// scanDir is what a deadline scan reads once per tick: the reference data and the
// directory of accounts and staff its messages are addressed through.
func (a *App) scanDir(ctx context.Context) (*reference, *staffDir, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	dir, err := a.staffDir(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	if err := dir.withStaff(ctx, a.store); err != nil {
		return nil, nil, err
	}
	return ref, dir, nil
}

// name is the name of an account, or its login when unknown.
func (d *staffDir) name(login string) string {
	for _, u := range d.users {
		if u.Login == login {
			return u.Name
		}
	}
	return login
}

// reaches reports whether account u may be told about c: enabled, and allowed to read
// the case — so never the staff member complained about (recusal), and never someone
// whom the message's link would only show "not found".
func (d *staffDir) reaches(u tousu.User, c *tousu.Complaint) bool {
	return !u.Disabled && d.ref.visible(u.Actor(), c)
}

// unitOf is an account's unit; an account with none is held at the root.
func (d *staffDir) unitOf(u tousu.User) string {
	if u.Unit == "" {
		return d.ref.rootCode()
	}
	return u.Unit
}

// unitOfLogin is the unit of the account login, "" when unknown.
func (d *staffDir) unitOfLogin(login string) string {
	for _, u := range d.users {
		if u.Login == login {
			return d.unitOf(u)
		}
	}
	return ""
}

// at lists the accounts of exactly unit code that hold one of roles and may be told.
func (d *staffDir) at(c *tousu.Complaint, code string, roles ...tousu.Role) []tousu.User {
	var out []tousu.User
	for _, u := range d.users {
		if d.unitOf(u) == code && d.reaches(u, c) && holdsAny(u.Roles, roles) {
			out = append(out, u)
		}
	}
	return out
}

func holdsAny(have, want []tousu.Role) bool {
	for _, r := range want {
		if slices.Contains(have, r) {
			return true
		}
	}
	return false
}

// nearest walks from unit code up to the root and returns the first unit with accounts
// holding one of roles, and those accounts.
func (d *staffDir) nearest(c *tousu.Complaint, code string, roles ...tousu.Role) (string, []tousu.User) {
	for range 64 {
		if us := d.at(c, code, roles...); len(us) > 0 {
			return code, us
		}
		u, ok := d.ref.unitByCode[code]
		if !ok || u.Parent == "" {
			return "", nil
		}
		code = u.Parent
	}
	return "", nil
}

// handlers are who works an assigned case: its handler, or else the handlers of the
// assigned unit (or of its nearest ancestor that has any).
func (d *staffDir) handlers(c *tousu.Complaint) []tousu.User {
	if c.AssignedUnit == "" {
		return nil
	}
	if c.Handler != "" {
		for _, u := range d.users {
			if u.Login == c.Handler && d.reaches(u, c) && slices.Contains(u.Roles, tousu.RoleHandler) {
				return []tousu.User{u}
			}
		}
	}
	_, us := d.nearest(c, c.AssignedUnit, tousu.RoleHandler)
	return us
}

// supervisors are the supervisors nearest the unit that received the case.
func (d *staffDir) supervisors(c *tousu.Complaint) []tousu.User {
	owner := c.OwnerUnit
	if owner == "" {
		owner = d.ref.rootCode()
	}
	_, us := d.nearest(c, owner, tousu.RoleSupervisor)
	return us
}

// responsible is the unit a late case is charged to: the assigned unit, else the unit
// complained about, else the one that received it.
func (d *staffDir) responsible(c *tousu.Complaint) string {
	for _, u := range []string{c.AssignedUnit, c.Target.Unit, c.OwnerUnit} {
		if _, ok := d.ref.unitByCode[u]; ok {
			return u
		}
	}
	return d.ref.rootCode()
}

// The steps of escalation, up the organisation tree (DESIGN §4; REQUIREMENTS C2, C7).
const (
	levelHead       = 1 // the responsible unit's superiors: its parent unit's head
	levelOffice     = 2 // the supervision office (a unit of kind office)
	levelInspection = 3 // discipline inspection (inspectors)
)

// escalation is who a case goes to at an escalation level: the unit the level names and
// its accounts. When the organisation has nobody at a level, the supervisors nearest the
// case are told instead, so that no step goes unheard.
func (d *staffDir) escalation(c *tousu.Complaint, level int) (unit string, to []tousu.User) {
	r := d.responsible(c)
	switch level {
	case levelHead:
		from := r
		if u, ok := d.ref.unitByCode[r]; ok && u.Parent != "" {
			from = u.Parent
		}
		unit, to = d.nearest(c, from, tousu.RoleLeader, tousu.RoleSupervisor, tousu.RoleHandler)
	case levelOffice:
		if office := d.officeFor(r); office != "" {
			unit = office
			for _, u := range d.users {
				if d.worksIn(u, office) && d.reaches(u, c) &&
					holdsAny(u.Roles, []tousu.Role{tousu.RoleSupervisor, tousu.RoleLeader, tousu.RoleInspector}) {
					to = append(to, u)
				}
			}
		}
	case levelInspection:
		for _, u := range d.users {
			if slices.Contains(u.Roles, tousu.RoleInspector) && d.reaches(u, c) &&
				(d.ref.within(r, d.unitOf(u)) || d.ref.within(c.OwnerUnit, d.unitOf(u))) {
				to = append(to, u)
			}
		}
	}
	if len(to) == 0 {
		to = d.supervisors(c)
	}
	return unit, to
}

// officeFor is the supervision office nearest unit code: the office among the unit's
// ancestors (or itself), else among their children, the closest first; "" when none.
func (d *staffDir) officeFor(code string) string {
	for range 64 {
		u, ok := d.ref.unitByCode[code]
		if !ok {
			return ""
		}
		if u.Kind == tousu.UnitOffice {
			return code
		}
		for _, child := range d.ref.children[code] {
			if d.ref.unitByCode[child].Kind == tousu.UnitOffice {
				return child
			}
		}
		if u.Parent == "" {
			return ""
		}
		code = u.Parent
	}
	return ""
}

// without is to with duplicates and the acting account left out: nobody is told of
// their own act.
func without(to []tousu.User, actor string) []tousu.User {
	seen := map[string]bool{actor: true}
	var out []tousu.User
	for _, u := range to {
		if !seen[u.Login] {
			seen[u.Login] = true
			out = append(out, u)
		}
	}
	return out
}

// nearestOwner are the accounts holding one of roles nearest the unit that received c.
func (d *staffDir) nearestOwner(c *tousu.Complaint, roles ...tousu.Role) []tousu.User {
	owner := c.OwnerUnit
	if owner == "" {
		owner = d.ref.rootCode()
	}
	_, us := d.nearest(c, owner, roles...)
	return us
}

// disciplineMessages tell the inspectors nearest the case that it was referred to them.
func (a *App) disciplineMessages(ctx context.Context, ref *reference, c *tousu.Complaint, ev *tousu.Event) []tousu.Message {
	dir, err := a.staffDir(ctx, ref)
	if err != nil {
		a.log.Error("notify: list accounts", "number", c.Number, "err", err)
		return nil
	}
	d := a.templateData(ref, c, ev, nil)
	d.Message = "廉政类投诉"
	if c.Decision != nil && slices.Contains(c.Decision.Measures, tousu.MeasureDisciplineReferral) {
		d.Message = "处理决定：处分移送纪检"
	}
	return a.deskMessages(ref, c, notify.DisciplineReferred, d, ev.At, without(dir.nearestOwner(c, tousu.RoleInspector), ev.Actor))
}

// dueText is the due date for messages, marked 预计 when next year's holiday notice may
// still move it.
func dueText(ref *reference, c *tousu.Complaint) string {
	s := chineseDate(c.Deadline.Due)
	if s != "" && ref.cal.Provisional(c.Deadline.Start, c.Deadline.Due) {
		s += "（预计）"
	}
	return s
}
