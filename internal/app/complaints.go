package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/workday"
)

// NumberPrefix starts every complaint number: TS + the registration date.
const NumberPrefix = "TS"

// RegisterOptions are the circumstances of a registration.
type RegisterOptions struct {
	IdempotencyKey string   // the client's Idempotency-Key, if any
	Evidence       []Upload // evidence files handed in with the complaint
	// ExternalRef is the sending system's reference (the 12345 order number); Policy, when
	// set, is the deadline that system imposes instead of the one the policies pick.
	ExternalRef string
	Policy      *tousu.Policy
	// Similar, when set, receives the complaints the new one may repeat (similar.go),
	// looked for before it is stored: a match by the complainant's blind index is
	// audited in the registration's own transaction.
	Similar *[]Similar
}

// Register records a complaint received by staff at the counter, on the phone, by
// letter or from a comment box (REQUIREMENTS A2, A5). The answer carries the query code,
// which is never shown again.
func (a *App) Register(ctx context.Context, actor tousu.Actor, in tousu.Register, opts RegisterOptions) (*ComplaintView, error) {
	if err := CanRegister(actor); err != nil {
		return nil, err
	}
	return a.register(ctx, actor, in, opts)
}

// SubmitPublic records a complaint from the portal. The channel is the portal's own
// (web, wechat or kiosk) and the time of receipt is now.
func (a *App) SubmitPublic(ctx context.Context, in tousu.Register, evidence ...Upload) (*ComplaintView, error) {
	switch in.Channel {
	case tousu.ChannelWeb, tousu.ChannelWechat, tousu.ChannelKiosk:
	case "":
		in.Channel = tousu.ChannelWeb
	default:
		return nil, tousu.Problems{"channel": "网上投诉的渠道只能是 web、wechat 或 kiosk"}.Err()
	}
	in.ReceivedAt = nil
	return a.register(ctx, tousu.PublicActor, in, RegisterOptions{Evidence: evidence})
}

func (a *App) register(ctx context.Context, actor tousu.Actor, in tousu.Register, opts RegisterOptions) (*ComplaintView, error) {
	now := a.now().UTC().Truncate(time.Millisecond)
	in.Normalize()
	verr := in.Validate(now)
	atts, aerr := attachments(opts.Evidence, actor.Login, now)
	if err := mergeProblems(verr, aerr); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.checkReferences(ctx, ref, &in); err != nil {
		return nil, err
	}
	if err := a.checkStorage(ctx, atts); err != nil {
		return nil, err
	}
	if actor.Has(tousu.RolePublic) {
		if err := a.chargeEvidence(ctx, opts.Evidence); err != nil {
			return nil, err
		}
	}
	// Recusal starts at the counter: no one registers a complaint about herself, which
	// would also show her its query code.
	if actor.IsTarget(in.Target.Staff) {
		return nil, tousu.Problems{"target.staff": "投诉对象是您本人，请回避，交由其他同事登记"}.Err()
	}
	if actor.Has(tousu.RolePublic) {
		// The portal names no 首诉责任人: the complaint reached the office itself.
		in.FirstReceiver, in.HandedOverAt = nil, nil
	}
	pr := tousu.Problems{}
	if err := a.checkIntake(ctx, ref, &in, pr); err != nil {
		return nil, err
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	var reqHash string
	if opts.IdempotencyKey != "" {
		if len(opts.IdempotencyKey) > 200 {
			return nil, tousu.Problems{"Idempotency-Key": "过长（最多200个字符）"}.Err()
		}
		canon, _ := json.Marshal(in)
		sum := sha256.Sum256(canon)
		reqHash = hex.EncodeToString(sum[:])
		if v, err := a.replay(ctx, ref, actor, opts.IdempotencyKey, reqHash); err == nil || !tousu.IsKind(err, tousu.KindNotFound) {
			return v, err
		}
	}

	id, err := a.randomHex(16)
	if err != nil {
		return nil, err
	}
	code, err := a.queryCode()
	if err != nil {
		return nil, err
	}
	received := now
	if in.ReceivedAt != nil {
		received = in.ReceivedAt.UTC().Truncate(time.Millisecond)
	}
	owner := actor.Unit
	switch {
	case in.Target.Unit == "":
		// A complaint about no known unit belongs to the intake office, whose
		// supervisors see it in 待受理 at once (intake.go).
		owner = ref.intakeOffice()
	case actor.Has(tousu.RolePublic) || owner == "":
		owner = ref.centreOf(in.Target.Unit)
	}
	c := &tousu.Complaint{
		ID: id, Kind: in.Kind, Channel: in.Channel, Status: tousu.StatusRegistered,
		Categories: in.Categories, Identity: a.keys.SealIdentity(id, in.Complainant),
		Target: in.Target, Matter: in.Matter, Request: in.Request, IncidentPlace: in.IncidentPlace,
		BusinessReceiptNo: in.BusinessReceiptNo, Written: in.Written,
		FirstReceiver: actor.Login, OwnerUnit: owner,
		ReceivedAt: received, CreatedAt: now, UpdatedAt: now, QueryCodeHash: hashCode(id, code),
		Intake: a.intakeOf(ctx, actor, in, now),
	}
	if !actor.Has(tousu.RolePublic) {
		c.LateHandover = a.lateHandover(ref, received, now)
	}
	if c.Categories == nil {
		c.Categories = []string{}
	}
	if in.IncidentAt != nil {
		t := in.IncidentAt.UTC().Truncate(time.Millisecond)
		c.IncidentAt = &t
	}
	c.ExternalRef = opts.ExternalRef
	pol := workday.PickPolicyFor(ref.policies, ref.subject(c, ""))
	if opts.Policy != nil {
		pol = *opts.Policy
	}
	c.Deadline = tousu.Deadline{Days: pol.Days, Unit: pol.Unit, Start: tousu.DateOf(received.In(a.loc))}
	c.Deadline.Due = workday.Due(ref.cal, c.Deadline)
	c.Handling.Stats.ReceivedOn = c.Deadline.Start

	payload, _ := json.Marshal(map[string]any{"channel": c.Channel, "kind": c.Kind, "due_date": c.Deadline.Due,
		"policy": pol.Name})
	ev := &tousu.Event{ComplaintID: id, Type: tousu.EventRegister, Actor: actor.Login, ActorName: actor.Name,
		At: now, To: tousu.StatusRegistered, Payload: payload}
	ch := &tousu.Change{Complaint: c, Event: ev, Attachments: atts, NumberPrefix: NumberPrefix + tousu.DateOf(now.In(a.loc)).Midnight(time.UTC).Format("20060102"),
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, "register", "", "")}}
	ch.Outbox = a.outboxFor(ctx, ref, c, ev, nil, &in.Complainant, code) // notifications (notify.go)
	ch.Outbox = append(ch.Outbox, a.intakeMessages(ctx, ref, c, ev, in.FirstReceiver != nil)...)
	if opts.IdempotencyKey != "" {
		ch.Idempotency = &tousu.Idempotency{Key: opts.IdempotencyKey, Actor: actor.Login, RequestHash: reqHash,
			Secret: a.keys.Seal([]byte(code), "idempotency/"+id), CreatedAt: now}
	}
	var similar []Similar
	if opts.Similar != nil {
		if similar, err = a.similarAtIntake(ctx, ref, actor, ch); err != nil {
			return nil, err
		}
	}
	if err := a.store.CreateComplaint(ctx, ch); err != nil {
		if ch.Idempotency != nil && tousu.IsKind(err, tousu.KindConflict) {
			// Another request with the same key won the race: answer as it did.
			return a.replay(ctx, ref, actor, opts.IdempotencyKey, reqHash)
		}
		return nil, err
	}
	a.log.Debug("complaint registered", "number", c.Number, "channel", c.Channel, "actor", actor.Login)
	if opts.Similar != nil {
		*opts.Similar = similar
	}
	v := a.view(ctx, ref, actor, c)
	v.QueryCode = code
	return v, nil
}

// mergeProblems joins the field errors of two validations, so that a form shows every
// problem at once; anything that is not a field error is returned as it is.
func mergeProblems(errs ...error) error {
	all := tousu.Problems{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		fields := tousu.FieldsOf(err)
		if fields == nil {
			return err
		}
		for k, v := range fields {
			all.Add(k, v)
		}
	}
	return all.Err()
}

// replay answers a retried registration with the complaint the first attempt made.
func (a *App) replay(ctx context.Context, ref *reference, actor tousu.Actor, key, reqHash string) (*ComplaintView, error) {
	idem, err := a.store.FindIdempotency(ctx, actor.Login, key)
	if err != nil {
		return nil, err
	}
	if idem.RequestHash != reqHash {
		return nil, &tousu.Error{Kind: tousu.KindConflict, Message: "此 Idempotency-Key 已用于内容不同的另一次登记",
			Fields: map[string]string{"Idempotency-Key": "已用于另一次登记"}}
	}
	c, err := a.store.FindComplaint(ctx, idem.Number)
	if err != nil {
		return nil, err
	}
	v := a.view(ctx, ref, actor, c)
	if code, err := a.keys.Open(idem.Secret, "idempotency/"+c.ID); err == nil {
		v.QueryCode = string(code)
	}
	return v, nil
}

// checkReferences checks that the target and the categories exist, and fills the
// target's unit from its staff member when only the badge is given.
func (a *App) checkReferences(ctx context.Context, ref *reference, in *tousu.Register) error {
	p := tousu.Problems{}
	if in.Target.Unit != "" {
		if _, ok := ref.unitByCode[in.Target.Unit]; !ok {
			p.Add("target.unit", "没有这个单位")
		}
	}
	if in.Target.Staff != "" {
		s, err := a.store.FindStaff(ctx, in.Target.Staff)
		switch {
		case tousu.IsKind(err, tousu.KindNotFound):
			p.Add("target.staff", "没有这个工号")
		case err != nil:
			return err
		case in.Target.Unit == "":
			in.Target.Unit = s.Unit
		case !ref.within(s.Unit, in.Target.Unit) && !ref.within(in.Target.Unit, s.Unit):
			p.Add("target.staff", "该工作人员不在所选单位")
		}
	}
	checkCategories(ref, p, "categories", in.Categories)
	return p.Err()
}

func checkCategories(ref *reference, p tousu.Problems, field string, cats []string) {
	seen := map[string]bool{}
	for _, c := range cats {
		if _, ok := ref.catByCode[c]; !ok {
			p.Add(field, "没有这个类别："+c)
		}
		if seen[c] {
			p.Add(field, "类别重复："+c)
		}
		seen[c] = true
	}
}

// Get returns one complaint as the actor may see it.
func (a *App) Get(ctx context.Context, actor tousu.Actor, number string) (*ComplaintView, error) {
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	return a.view(ctx, ref, actor, c), nil
}

// load finds a complaint the actor may see; one it may not see is not found.
func (a *App) load(ctx context.Context, actor tousu.Actor, number string) (*reference, *tousu.Complaint, error) {
	if err := requireRole(actor, caseReaders...); err != nil {
		return nil, nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := a.store.FindComplaint(ctx, number)
	// A complaint the actor may not see and one that does not exist answer alike, word
	// for word, so that neither the status nor the message tells them apart.
	if tousu.IsKind(err, tousu.KindNotFound) || err == nil && !ref.visible(actor, c) {
		return nil, nil, notFound(number)
	}
	if err != nil {
		return nil, nil, err
	}
	return ref, c, nil
}

func notFound(number string) error {
	return tousu.Errorf(tousu.KindNotFound, "未找到投诉件 %s", number)
}

// Events returns the whole timeline of a complaint, internal events included.
func (a *App) Events(ctx context.Context, actor tousu.Actor, number string) ([]EventView, error) {
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	evs, err := a.store.ListEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := make([]EventView, len(evs))
	for i, e := range evs {
		out[i] = a.eventView(e)
	}
	return out, nil
}

// Reveal returns the complainant's identity in clear to a supervisor or inspector who
// gives a reason, and the phone number alone to the handler working the case (to call
// the complainant); the reveal is audited (REQUIREMENTS D1).
func (a *App) Reveal(ctx context.Context, actor tousu.Actor, number, reason string) (tousu.Complainant, error) {
	// The handler working the case may call the complainant: the phone number only,
	// never the ID number nor anything else. Anyone else without the role is refused
	// alike whether the case exists or not.
	phoneOnly := CanReveal(actor) != nil
	if phoneOnly && !actor.Has(tousu.RoleHandler) {
		return tousu.Complainant{}, CanReveal(actor)
	}
	ref, c, err := a.load(ctx, actor, number)
	if phoneOnly && (err != nil || !ref.handles(actor, c)) {
		return tousu.Complainant{}, CanReveal(actor)
	}
	if err != nil {
		return tousu.Complainant{}, err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 2 {
		return tousu.Complainant{}, tousu.Problems{"reason": "请填写查看投诉人身份的理由"}.Err()
	}
	if len([]rune(reason)) > tousu.MaxShortText {
		return tousu.Complainant{}, tousu.Problems{"reason": "理由过长"}.Err()
	}
	rp := tousu.Problems{}
	tousu.CheckText(rp, "reason", reason, tousu.MaxShortText)
	if err := rp.Err(); err != nil {
		return tousu.Complainant{}, err
	}
	if c.Identity.Anonymous {
		return tousu.Complainant{Anonymous: true}, nil
	}
	plain, err := a.keys.OpenIdentity(c.ID, c.Identity)
	if err != nil {
		return tousu.Complainant{}, err
	}
	if phoneOnly {
		if err := a.audit(ctx, actor, "reveal", c.Number, "phone: "+reason); err != nil {
			return tousu.Complainant{}, err
		}
		return tousu.Complainant{Phone: plain.Phone}, nil
	}
	if err := a.audit(ctx, actor, "reveal", c.Number, reason); err != nil {
		return tousu.Complainant{}, err
	}
	return plain, nil
}

// Act takes a lifecycle action on a complaint (DESIGN §3) and returns the complaint after it.
func (a *App) Act(ctx context.Context, actor tousu.Actor, number string, act tousu.Action, p tousu.Payload) (*ComplaintView, error) {
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	if _, err := tousu.CheckTransition(c.Status, act, actor); err != nil {
		return nil, err
	}
	if err := ref.mayAct(actor, c, act); err != nil {
		return nil, err
	}
	if act == tousu.ActAmend {
		ap, ok := p.(*tousu.AmendPayload)
		if !ok || ap == nil {
			ap = &tousu.AmendPayload{}
		}
		return a.amend(ctx, ref, actor, c, ap) // intake.go
	}
	return a.apply(ctx, ref, actor, c, act, p)
}

func (a *App) apply(ctx context.Context, ref *reference, actor tousu.Actor, c *tousu.Complaint, act tousu.Action, p tousu.Payload) (*ComplaintView, error) {
	if p == nil {
		p = tousu.NewPayload(act)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := a.checkPayload(ctx, ref, actor, c, p); err != nil {
		return nil, err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	ev, err := tousu.Apply(c, act, p, actor, now)
	if err != nil {
		return nil, err
	}
	a.clock(ref, c, act, ev.From, p)
	referred := c.Handling.Discipline
	if err := a.handlingEffects(ref, actor, c, act, p, &ev); err != nil {
		return nil, err
	}
	a.statMarks(ref, c, act) // stats.go
	if act == tousu.ActExtend || act == tousu.ActReopen || act == tousu.ActAccept || act == tousu.ActResume {
		// Tell the reader of the timeline the date the clock now points at.
		var m map[string]any
		_ = json.Unmarshal(ev.Payload, &m)
		if m == nil {
			m = map[string]any{}
		}
		m["due_date"] = c.Deadline.Due
		ev.Payload, _ = json.Marshal(m)
	}
	detail := ""
	if rp, ok := p.(*tousu.RejectPayload); ok {
		detail = string(rp.Reason)
	}
	ch := &tousu.Change{Complaint: c, Event: &ev, Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, string(act), c.Number, detail)}}
	// Notifications (notify.go): a moved deadline may warn again; the change's messages.
	a.rearmAlerts(ref, c)
	ch.Outbox = a.outboxFor(ctx, ref, c, &ev, p, nil, "")
	if c.Handling.Discipline && !referred {
		ch.Outbox = append(ch.Outbox, a.disciplineMessages(ctx, ref, c, &ev)...)
	}
	if err := a.store.UpdateComplaint(ctx, ch); err != nil {
		return nil, err
	}
	a.log.Debug("complaint action", "number", c.Number, "action", act, "actor", actor.Login, "status", c.Status)
	return a.view(ctx, ref, actor, c), nil
}

// checkPayload checks what needs the store: that referenced units, accounts, staff,
// categories and complaints exist. A second complaint named by the payload is checked with
// the same visibility rule as a direct read: one the actor may not see does not exist.
func (a *App) checkPayload(ctx context.Context, ref *reference, actor tousu.Actor, c *tousu.Complaint, p tousu.Payload) error {
	pr := tousu.Problems{}
	switch p := p.(type) {
	case *tousu.AcceptPayload:
		checkCategories(ref, pr, "categories", p.Categories)
	case *tousu.AssignPayload:
		if _, ok := ref.unitByCode[p.Unit]; !ok {
			pr.Add("unit", "没有这个单位")
			break
		}
		for _, u := range p.AssistingUnits {
			if _, ok := ref.unitByCode[u]; !ok {
				pr.Add("assisting_units", "没有这个单位："+u)
			} else if err := a.checkAssignable(ctx, ref, pr, "assisting_units", u); err != nil {
				return err
			}
		}
		if err := a.checkAssignable(ctx, ref, pr, "unit", p.Unit); err != nil {
			return err
		}
		if p.Handler != "" {
			u, err := a.store.FindUser(ctx, p.Handler)
			switch {
			case tousu.IsKind(err, tousu.KindNotFound):
				pr.Add("handler", "没有这个账号")
			case err != nil:
				return err
			case !slices.Contains(u.Roles, tousu.RoleHandler) || u.Disabled:
				pr.Add("handler", "该账号不是承办人")
			case !ref.isRoot(u.Unit) && !ref.within(p.Unit, u.Unit):
				pr.Add("handler", "该承办人不属于所选单位")
			case u.Actor().IsTarget(c.Target.Staff):
				pr.Add("handler", "不能派给被投诉人本人办理（回避）")
			}
		}
	case *tousu.MergePayload:
		if p.Into == c.Number {
			pr.Add("into", "不能并入自身")
			break
		}
		into, err := a.store.FindComplaint(ctx, p.Into)
		switch {
		case tousu.IsKind(err, tousu.KindNotFound):
			pr.Add("into", "没有这个投诉件")
		case err != nil:
			return err
		case !ref.visible(actor, into):
			pr.Add("into", "没有这个投诉件")
		case into.Status == tousu.StatusMerged || into.Status == tousu.StatusArchived ||
			into.Status == tousu.StatusNotAccepted || into.Status == tousu.StatusWithdrawn:
			pr.Add("into", "不能并入状态为“"+tousu.Statuses.Label(into.Status)+"”的投诉件")
		}
	case *tousu.ExtendPayload:
		// working_days names its unit: it cannot extend a period counted in 日.
		if p.Days == 0 && c.Deadline.Unit == tousu.CalendarDays {
			pr.Add("days", "本件办理时限按自然日计算，请用 days 填写延长的自然日数")
		}
	case *tousu.Decision:
		return a.checkStaff(ctx, pr, p.Staff)
	case *tousu.ReportPayload:
		return a.checkStaff(ctx, pr, p.Staff)
	case *tousu.ResolvePayload:
		return a.checkStaff(ctx, pr, p.Staff)
	}
	return pr.Err()
}

func (a *App) checkStaff(ctx context.Context, pr tousu.Problems, badges []string) error {
	for _, b := range badges {
		if _, err := a.store.FindStaff(ctx, b); tousu.IsKind(err, tousu.KindNotFound) {
			pr.Add("staff", "没有这个工号："+b)
		} else if err != nil {
			return err
		}
	}
	return pr.Err()
}

// clock recomputes the deadline after an action that changes it (DESIGN §4).
func (a *App) clock(ref *reference, c *tousu.Complaint, act tousu.Action, from tousu.Status, p tousu.Payload) {
	today := a.Today()
	dl := &c.Deadline
	switch act {
	case tousu.ActAccept:
		if hotlineOrder(c) {
			break // the 12345 platform set the period of its order (hotline.go)
		}
		pol := workday.PickPolicyFor(ref.policies, ref.subject(c, c.Classification))
		dl.Days, dl.Unit = pol.Days, pol.Unit
	case tousu.ActSuspend:
		dl.SuspendedOn = today
	case tousu.ActResume:
		if !dl.SuspendedOn.IsZero() {
			dl.PausedDays += workday.Paused(ref.cal, dl.Unit, dl.SuspendedOn, today)
		}
		dl.SuspendedOn = tousu.Date{}
	case tousu.ActReopen:
		a.restartClock(ref, c, today)
		return
	case tousu.ActFeedback:
		if c.Status == tousu.StatusInProgress && from == tousu.StatusReplied {
			a.restartClock(ref, c, today)
			return
		}
	default:
		return
	}
	dl.Due = workday.Due(ref.cal, *dl)
}

// restartClock gives a reopened case (重办) a fresh period from today.
func (a *App) restartClock(ref *reference, c *tousu.Complaint, today tousu.Date) {
	pol := workday.PickPolicyFor(ref.policies, ref.subject(c, c.Classification))
	if c.Classification == tousu.ClassOnsite {
		pol = workday.PickPolicyFor(ref.policies, ref.subject(c, tousu.ClassCase))
	}
	c.Deadline = tousu.Deadline{Days: pol.Days, Unit: pol.Unit, Start: today}
	c.Deadline.Due = workday.Due(ref.cal, c.Deadline)
}

// ListQuery is a staff list request (DESIGN §5).
type ListQuery struct {
	Statuses []tousu.Status
	Kind     tousu.Kind
	Channel  tousu.Channel
	Category string
	Unit     string // the unit's subtree, as target or assignee
	Due      string // "soon" or "overdue"
	Query    string
	From, To tousu.Date
	Order    tousu.Order
	Cursor   string
	Limit    int
	// Inbox filters for the desk.
	AssignedToMe bool
	// Intake filters (issue 11): the staff member complained about, by badge; 逾期移交;
	// and the complainant's exact phone, ID number or name, matched by blind index for
	// those who may reveal identities (audited).
	Staff               string
	LateHandover        bool
	ComplainantPhone    string
	ComplainantIDNumber string
	ComplainantName     string
	// Dissatisfied keeps cases rated 1–2 waiting for a supervisor (不满意); Referred
	// "discipline" keeps cases referred to discipline inspection (纪检), and
	// "discipline_pending" those still without an outcome; Extended keeps extended cases
	// and PendingExtension those whose extension waits for a leader.
	Dissatisfied     bool
	Referred         string
	Extended         bool
	PendingExtension bool
	// Assisting keeps the cases that a unit in the actor's subtree assists (协办): a
	// handler's 协办 tab.
	Assisting bool
	// Figure keeps the complaints behind a figure of the statistics (stats.go): From and
	// To are then the figure's period and Unit the statistics' unit.
	Figure string
}

// searchesComplainant reports whether the query looks for a complainant.
func (q ListQuery) searchesComplainant() bool {
	return q.ComplainantPhone != "" || q.ComplainantIDNumber != "" || q.ComplainantName != ""
}

// Page is one page of a list.
type Page struct {
	Items      []*ComplaintView `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

// List returns the complaints the actor may see that the query selects.
func (a *App) List(ctx context.Context, actor tousu.Actor, q ListQuery) (*Page, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	f, err := a.filter(ref, actor, q)
	if err != nil {
		return nil, err
	}
	if q.searchesComplainant() {
		// Finding a person's cases is a use of their identity: audited, naming the
		// fields searched, never the values.
		var fields []string
		for _, x := range []struct{ name, v string }{{"phone", q.ComplainantPhone}, {"id_number", q.ComplainantIDNumber}, {"name", q.ComplainantName}} {
			if x.v != "" {
				fields = append(fields, x.name)
			}
		}
		if err := a.audit(ctx, actor, "search_complainant", "", strings.Join(fields, ",")); err != nil {
			return nil, err
		}
	}
	cs, err := a.store.ListComplaints(ctx, f)
	if err != nil {
		return nil, err
	}
	page := &Page{Items: make([]*ComplaintView, 0, len(cs))}
	for _, c := range cs {
		page.Items = append(page.Items, a.view(ctx, ref, actor, c))
	}
	if len(cs) == f.Limit {
		last := cs[len(cs)-1]
		cur := tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
		if f.Order == tousu.OrderDue {
			d := last.Deadline.Due
			cur.Key = tousu.DateKey(d)
		}
		page.NextCursor = encodeCursor(f.Order, cur)
	}
	return page, nil
}

// Count counts the complaints the actor may see that the query selects.
func (a *App) Count(ctx context.Context, actor tousu.Actor, q ListQuery) (int, error) {
	return a.CountUpTo(ctx, actor, q, 0)
}

// CountUpTo is Count that stops at limit (when above zero): it answers limit+1 when more
// complaints match (shown as "limit+"), reading at most that many, as the inbox's tab
// counts do.
func (a *App) CountUpTo(ctx context.Context, actor tousu.Actor, q ListQuery, limit int) (int, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return 0, err
	}
	q.Cursor = ""
	f, err := a.filter(ref, actor, q)
	if err != nil {
		return 0, err
	}
	f.CountUpTo = limit
	return a.store.CountComplaints(ctx, f)
}

func (a *App) filter(ref *reference, actor tousu.Actor, q ListQuery) (tousu.ComplaintFilter, error) {
	f := tousu.ComplaintFilter{Statuses: q.Statuses, Kind: q.Kind, Channel: q.Channel, Category: q.Category,
		Query: strings.TrimSpace(q.Query), Order: q.Order, Limit: q.Limit}
	f.SearchInternal = searchesInternal(actor)
	if err := ref.scopeFilter(actor, &f); err != nil {
		return f, err
	}
	p := tousu.Problems{}
	for _, s := range q.Statuses {
		if !tousu.Statuses.Valid(s) {
			p.Add("status", "没有这个状态："+string(s))
		}
	}
	if q.Kind != "" && !tousu.Kinds.Valid(q.Kind) {
		p.Add("kind", "类型不正确")
	}
	if q.Channel != "" && !tousu.Channels.Valid(q.Channel) {
		p.Add("channel", "渠道不正确")
	}
	if q.Category != "" {
		if _, ok := ref.catByCode[q.Category]; !ok {
			p.Add("category", "没有这个类别")
		}
	}
	if q.Unit != "" {
		if _, ok := ref.unitByCode[q.Unit]; !ok {
			p.Add("unit", "没有这个单位")
		} else {
			f.Units = ref.subtree(q.Unit)
		}
	}
	today := a.Today()
	switch q.Due {
	case "":
	case "soon":
		f.DueFrom, f.DueTo = today, ref.cal.AddWorkdays(today, ref.ladder.DueSoonDays)
	case "overdue":
		f.DueTo = today.AddDays(-1)
	default:
		p.Add("due", "应为 soon（即将超期）或 overdue（已超期）")
	}
	if !q.From.IsZero() {
		f.From = q.From.Midnight(a.loc)
	}
	if !q.To.IsZero() {
		f.To = q.To.AddDays(1).Midnight(a.loc)
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		p.Add("to", "结束日期不能早于开始日期")
	}
	if len([]rune(f.Query)) > 100 {
		p.Add("q", "检索词过长")
	}
	switch f.Order {
	case "":
		f.Order = tousu.OrderNewest
	case tousu.OrderNewest, tousu.OrderDue:
	default:
		p.Add("order", "应为 newest 或 due")
	}
	switch {
	case f.Limit == 0:
		f.Limit = 50
	case f.Limit < 0 || f.Limit > 500:
		p.Add("limit", "应为1至500")
	}
	if q.AssignedToMe {
		f.Handler = actor.Login
	}
	if q.Dissatisfied {
		f.Marks |= tousu.MarkDissatisfied
	}
	if q.Extended {
		f.Marks |= tousu.MarkExtended
	}
	if q.PendingExtension {
		f.Marks |= tousu.MarkPendingExtension
	}
	if q.Assisting {
		// Visibility stays scopeFilter's: this only narrows to the jointly worked cases.
		if f.AssistedBy = ref.subtree(actor.Unit); f.AssistedBy == nil || ref.isRoot(actor.Unit) {
			f.AssistedBy = ref.allUnits()
		}
	}
	switch q.Referred {
	case "":
	case "discipline":
		f.Marks |= tousu.MarkDiscipline
	case "discipline_pending":
		f.Marks |= tousu.MarkDisciplinePending
	default:
		p.Add("referred", "应为 discipline（移送纪检）或 discipline_pending（待纪检处理）")
	}
	if q.Staff != "" {
		if len(q.Staff) > 64 {
			p.Add("staff", "工号过长")
		}
		f.TargetStaff = q.Staff
	}
	f.LateHandover = q.LateHandover
	if q.searchesComplainant() {
		if err := CanReveal(actor); err != nil {
			return f, tousu.Errorf(tousu.KindForbidden, "只有可以查看投诉人身份的督查员和纪检人员可以按投诉人检索")
		}
		if x := strings.TrimSpace(q.ComplainantPhone); x != "" {
			if norm, ok := tousu.NormalizePhone(x); ok {
				f.PhoneIndex = a.keys.PhoneIndex(norm)
			} else {
				p.Add("complainant_phone", tousu.PhoneProblem)
			}
		}
		if x := strings.TrimSpace(q.ComplainantIDNumber); x != "" {
			if tousu.ValidIDNumber(strings.ToUpper(x)) {
				f.IDNumberIndex = a.keys.IDNumberIndex(x)
			} else {
				p.Add("complainant_id_number", "身份证号码不正确（应为18位，末位校验码须正确）")
			}
		}
		if x := strings.TrimSpace(q.ComplainantName); x != "" {
			if len([]rune(x)) > 50 || !tousu.ValidName(x) {
				p.Add("complainant_name", "姓名不正确")
			}
			f.NameIndex = a.keys.NameIndex(x)
		}
	}
	statFilter(ref, q, &f, p) // stats.go
	if q.Cursor != "" {
		order, cur, err := decodeCursor(q.Cursor)
		if err != nil || order != f.Order {
			p.Add("cursor", "翻页标记无效")
		} else {
			f.After = &cur
		}
	}
	return f, p.Err()
}

func encodeCursor(o tousu.Order, c tousu.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(string(o) + "|" + strconv.FormatInt(c.Key, 10) + "|" + c.ID))
}

func decodeCursor(s string) (tousu.Order, tousu.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", tousu.Cursor{}, err
	}
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 {
		return "", tousu.Cursor{}, fmt.Errorf("cursor: %d parts", len(parts))
	}
	k, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", tousu.Cursor{}, err
	}
	return tousu.Order(parts[0]), tousu.Cursor{Key: k, ID: parts[2]}, nil
}

// queryCodeAlphabet leaves out characters that are easily confused (0/O, 1/I/L).
const queryCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// QueryCodeLength is the length of a query code: 31^10 ≈ 8·10^14 possibilities.
const QueryCodeLength = 10

func (a *App) queryCode() (string, error) {
	b := make([]byte, QueryCodeLength*2)
	if _, err := a.rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, QueryCodeLength)
	for i := range out {
		n := binary.BigEndian.Uint16(b[2*i:])
		out[i] = queryCodeAlphabet[int(n)%len(queryCodeAlphabet)]
	}
	return string(out), nil
}

func (a *App) randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := a.rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// hashCode is how query codes are kept: salted with the complaint's ID.
func hashCode(id, code string) string {
	sum := sha256.Sum256([]byte("tousu query code\x00" + id + "\x00" + strings.ToUpper(strings.TrimSpace(code))))
	return hex.EncodeToString(sum[:])
}

func codeMatches(c *tousu.Complaint, code string) bool {
	return subtle.ConstantTimeCompare([]byte(hashCode(c.ID, code)), []byte(c.QueryCodeHash)) == 1
}
