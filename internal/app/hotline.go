package app

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"tousu"
)

// The 12345 hotline (DESIGN channel hotline). The platform sends work orders (工单); each
// becomes a complaint on channel hotline whose external reference is the order number,
// and whose deadline is the hotline's: the order's own deadline, else a policy on channel
// hotline, else HotlineDays working days. tousu tells the platform, through the outbox,
// when the order is signed (签收 = accepted), returned (退单 = not accepted, with the
// reason), extended (延期) and replied (办结, with the reply); the platform tells tousu
// the caller's satisfaction (回访) and urges (督办). docs/12345.md has the mapping.

// HotlineDays is the hotline's usual period, in working days, when neither the order nor
// a policy on channel hotline says otherwise.
const HotlineDays = 5

// HotlineActor is the 12345 platform acting in tousu: it registers its orders, records
// the caller's satisfaction and urges, as a supervisor would by telephone.
var HotlineActor = tousu.Actor{Login: "hotline", Name: "12345热线", Roles: []tousu.Role{tousu.RoleSupervisor}}

// hotlineKey is the idempotency key under which an order is remembered: the order number
// in a namespace of its own, so that no Idempotency-Key of a staff account can meet it.
func hotlineKey(orderNo string) string { return "12345:" + orderNo }

// HotlineCaller is the caller of an order: sealed like any complainant.
type HotlineCaller struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// HotlineOrder is a work order as the platform sends it.
type HotlineOrder struct {
	OrderNo    string        `json:"order_no"`
	ReceivedAt *time.Time    `json:"received_at"`
	Caller     HotlineCaller `json:"caller"`
	Content    string        `json:"content"`
	Category   string        `json:"category"`
	Urgency    string        `json:"urgency"`  // normal (一般) or urgent (紧急)
	Deadline   tousu.Date    `json:"deadline"` // the hotline's due date, if it sets one
	Unit       string        `json:"unit"`     // the unit it was sent to, by code
}

// Urgencies are the order's urgencies.
var Urgencies = tousu.Vocabulary[string]{{Value: "normal", Label: "一般"}, {Value: "urgent", Label: "紧急"}}

var orderNoPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$`)

// ReceiveHotlineOrder registers a work order, once: an order number seen before answers
// with the complaint it made, and created false.
func (a *App) ReceiveHotlineOrder(ctx context.Context, o HotlineOrder) (*ComplaintView, bool, error) {
	o.OrderNo = strings.TrimSpace(o.OrderNo)
	if !orderNoPattern.MatchString(o.OrderNo) {
		return nil, false, tousu.Problems{"order_no": "工单号不正确（字母、数字、-、_，最多64位）"}.Err()
	}
	if v, err := a.findHotlineOrder(ctx, o.OrderNo); err == nil || !tousu.IsKind(err, tousu.KindNotFound) {
		return v, false, err
	}
	p := tousu.Problems{}
	if o.Urgency == "" {
		o.Urgency = "normal"
	}
	if !Urgencies.Valid(o.Urgency) {
		p.Add("urgency", "紧急程度应为 normal（一般）或 urgent（紧急）")
	}
	if strings.TrimSpace(o.Unit) == "" {
		p.Add("unit", "请填写承办单位代码")
	}
	now := a.now()
	if !o.Deadline.IsZero() && o.Deadline.Before(tousu.DateOf(now.In(a.loc))) {
		p.Add("deadline", "办理期限不能早于今天")
	}
	in := tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelHotline, ReceivedAt: o.ReceivedAt,
		Complainant: tousu.Complainant{Name: o.Caller.Name, Phone: o.Caller.Phone},
		Target:      tousu.Target{Unit: strings.TrimSpace(o.Unit)}, Matter: strings.TrimSpace(o.Content)}
	if strings.TrimSpace(o.Caller.Name) == "" && strings.TrimSpace(o.Caller.Phone) == "" {
		in.Complainant.Anonymous = true
	}
	if c := strings.TrimSpace(o.Category); c != "" {
		in.Categories = []string{c}
	}
	if o.Urgency == "urgent" && in.Matter != "" {
		in.Matter = "【12345紧急工单】" + in.Matter
	}
	in.Normalize()
	if err := mergeProblems(p.Err(), in.Validate(now.UTC())); err != nil {
		return nil, false, hotlineFields(err)
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, false, err
	}
	opts := RegisterOptions{IdempotencyKey: hotlineKey(o.OrderNo), ExternalRef: o.OrderNo}
	if !o.Deadline.IsZero() {
		// The order's date as a period in working days, so that suspensions, extensions
		// and holiday changes move it as they move any deadline.
		start := tousu.DateOf(now.In(a.loc))
		if o.ReceivedAt != nil {
			start = tousu.DateOf(o.ReceivedAt.In(a.loc))
		}
		opts.Policy = &tousu.Policy{Name: "12345工单期限", Days: max(ref.cal.WorkdaysBetween(start, o.Deadline), 0),
			Unit: tousu.WorkingDays}
	} else if pol := a.hotlinePolicy(ref); pol != nil {
		opts.Policy = pol
	}
	v, err := a.register(ctx, HotlineActor, in, opts)
	if tousu.IsKind(err, tousu.KindConflict) {
		// The same order at the same moment from a retrying platform: the first one won.
		if v, ferr := a.findHotlineOrder(ctx, o.OrderNo); ferr == nil {
			return v, false, nil
		}
	}
	if err != nil {
		return nil, false, hotlineFields(err)
	}
	v.QueryCode = "" // the caller follows the order through the hotline, not the portal
	return v, true, nil
}

// hotlineOrder reports whether c is a 12345 work order, whose period is the hotline's
// and is not replaced when the case is accepted and classified.
func hotlineOrder(c *tousu.Complaint) bool {
	return c.Channel == tousu.ChannelHotline && c.ExternalRef != ""
}

// hotlinePolicy is the default hotline period unless a policy on channel hotline exists
// (which the ordinary pick then finds): nil means "let the policies decide".
func (a *App) hotlinePolicy(ref *reference) *tousu.Policy {
	for _, p := range ref.policies {
		if p.Channel == tousu.ChannelHotline {
			return nil
		}
	}
	return &tousu.Policy{Name: "12345工单（默认5个工作日）", Days: HotlineDays, Unit: tousu.WorkingDays}
}

// findHotlineOrder is the complaint an order made; not found when the order is new.
func (a *App) findHotlineOrder(ctx context.Context, orderNo string) (*ComplaintView, error) {
	idem, err := a.store.FindIdempotency(ctx, HotlineActor.Login, hotlineKey(orderNo))
	if err != nil {
		return nil, err
	}
	c, err := a.store.FindComplaint(ctx, idem.Number)
	if err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	return a.view(ctx, ref, HotlineActor, c), nil
}

// hotlineFieldNames names a registration's fields as the order names them.
var hotlineFieldNames = map[string]string{
	"matter": "content", "complainant.name": "caller.name", "complainant.phone": "caller.phone",
	"target.unit": "unit", "categories": "category", "received_at": "received_at",
}

// hotlineFields renames the field errors of a registration to the order's fields.
func hotlineFields(err error) error {
	fields := tousu.FieldsOf(err)
	if fields == nil {
		return err
	}
	p := tousu.Problems{}
	for k, v := range fields {
		if n, ok := hotlineFieldNames[k]; ok {
			k = n
		}
		p.Add(k, v)
	}
	return p.Err()
}

// HotlineEvent is what the platform tells tousu about an order: the caller's
// satisfaction after the reply (回访), or an urge (督办).
type HotlineEvent struct {
	Type    string `json:"type"`    // satisfaction or urge
	Level   int    `json:"level"`   // satisfaction: 1 (very dissatisfied) to 5 (very satisfied)
	Comment string `json:"comment"` // satisfaction: what the caller said
	Reopen  bool   `json:"reopen"`  // satisfaction: the caller asks for the case to be handled again (level 1–2)
	Message string `json:"message"` // urge: the platform's message to the unit
}

// HotlineOrderEvent records the platform's 回访 or 督办 on the complaint of an order.
func (a *App) HotlineOrderEvent(ctx context.Context, orderNo string, e HotlineEvent) (*ComplaintView, error) {
	idem, err := a.store.FindIdempotency(ctx, HotlineActor.Login, hotlineKey(strings.TrimSpace(orderNo)))
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, tousu.Errorf(tousu.KindNotFound, "没有这个工单：%s", clipText(orderNo, 64))
	}
	if err != nil {
		return nil, err
	}
	c, err := a.store.FindComplaint(ctx, idem.Number)
	if err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	switch e.Type {
	case "satisfaction":
		return a.apply(ctx, ref, HotlineActor, c, tousu.ActFeedback,
			&tousu.FeedbackPayload{Level: e.Level, Comment: e.Comment, Reopen: e.Reopen})
	case "urge":
		msg := strings.TrimSpace(e.Message)
		if msg != "" {
			msg = "12345督办：" + msg
		}
		return a.apply(ctx, ref, HotlineActor, c, tousu.ActUrge, &tousu.UrgePayload{Message: msg})
	}
	return nil, tousu.Problems{"type": "应为 satisfaction（回访）或 urge（督办）"}.Err()
}

// hotlineStates are the tousu events the platform hears of, by the order state they mean.
// An extension waiting for a leader's approval is not one: the platform hears of it when
// approved, with the new date.
var hotlineStates = map[tousu.EventType]string{
	"accept": "signed", "reject": "returned", "extend": "extended", "approve_extension": "extended",
	"reply": "replied", "resolve": "replied",
}

// HotlineStatus is what tousu posts to TOUSU_HOTLINE_URL when an order changes state.
type HotlineStatus struct {
	OrderNo string     `json:"order_no"`
	State   string     `json:"state"` // signed, returned, extended or replied
	Number  string     `json:"number"`
	At      time.Time  `json:"at"`
	DueDate tousu.Date `json:"due_date"`
	// Reason is why it was returned (the reason and explanation, and where to turn) or
	// extended.
	Reason string `json:"reason,omitempty"`
	// Reply is the answer to the caller, for the platform to pass on.
	Reply *tousu.Reply `json:"reply,omitempty"`
}

// hotlineMessage is the status event an event of a hotline order's complaint causes.
func (a *App) hotlineMessage(c *tousu.Complaint, ev *tousu.Event, p tousu.Payload) (tousu.Message, bool) {
	state, ok := hotlineStates[ev.Type]
	if !ok || !hotlineOrder(c) {
		return tousu.Message{}, false
	}
	st := HotlineStatus{OrderNo: c.ExternalRef, State: state, Number: c.Number, At: ev.At.In(a.loc), DueDate: c.Deadline.Due}
	switch q := p.(type) {
	case *tousu.RejectPayload:
		st.Reason = tousu.RejectReasons.Label(q.Reason) + "。" + q.Explanation
		if q.Referral != nil && q.Referral.Body != "" {
			st.Reason += " 建议向" + q.Referral.Body + "反映"
			if q.Referral.Contact != "" {
				st.Reason += "（" + q.Referral.Contact + "）"
			}
		}
	case *tousu.ExtendPayload:
		st.Reason = q.Reason
	default:
		if state == "extended" {
			// A leader's approval: the request's reason travels in the event.
			var m struct {
				Reason string `json:"reason"`
			}
			_ = json.Unmarshal(ev.Payload, &m)
			st.Reason = m.Reason
		}
	}
	if state == "replied" {
		st.Reply = c.Reply
	}
	body, _ := json.Marshal(st)
	return tousu.Message{ComplaintID: c.ID, Channel: tousu.MessageHotline, Subject: "hotline." + state,
		Body: string(body), CreatedAt: ev.At}, true
}
