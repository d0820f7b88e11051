package app

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
	"tousu/internal/notify"
	"tousu/internal/pii"
)

// 好差评 (issue 16): citizens rate a window's service on five levels; every bad rating
// (1–2) is called back (回访), put right (整改) and checked (核实) within the deadlines of
// the evaluation policy, with the same overdue warnings and escalation as complaints; a
// window may appeal a malicious rating (申诉), which an office supervisor decides; and the
// figures count per window and staff member. docs/EVALUATIONS.md maps the data items to
// the national 好差评 data set.

// EvaluationPolicy is how long each step of a bad rating may take, in working days from
// the day of the rating (the day itself not counted).
type EvaluationPolicy struct {
	CallbackDays int `json:"callback_days"` // 回访
	RectifyDays  int `json:"rectify_days"`  // 整改, and its check
}

// EvaluationPolicySetting is the key of the policy in the settings.
const EvaluationPolicySetting = "evaluation.policy"

// DefaultEvaluationPolicy: call back within 1 working day, put right within 5.
var DefaultEvaluationPolicy = EvaluationPolicy{CallbackDays: 1, RectifyDays: 5}

// Check names the policy's wrong fields.
func (p EvaluationPolicy) Check() error {
	pr := tousu.Problems{}
	if p.CallbackDays < 1 || p.CallbackDays > 30 {
		pr.Add("callback_days", "应为1至30个工作日")
	}
	if p.RectifyDays < 1 || p.RectifyDays > 60 {
		pr.Add("rectify_days", "应为1至60个工作日")
	} else if p.RectifyDays < p.CallbackDays {
		pr.Add("rectify_days", "整改期限不能短于回访期限")
	}
	return pr.Err()
}

func evaluationPolicyFrom(settings map[string]string) EvaluationPolicy {
	p := DefaultEvaluationPolicy
	if v := settings[EvaluationPolicySetting]; v != "" {
		var got EvaluationPolicy
		if json.Unmarshal([]byte(v), &got) == nil && got.Check() == nil {
			p = got
		}
	}
	return p
}

// EvaluationPolicy returns the policy in force.
func (a *App) EvaluationPolicy(ctx context.Context) (EvaluationPolicy, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return EvaluationPolicy{}, err
	}
	return evaluationPolicyFrom(ref.settings), nil
}

// SetEvaluationPolicy changes the policy (root admin; audited). It applies to ratings
// made from then on.
func (a *App) SetEvaluationPolicy(ctx context.Context, actor tousu.Actor, p EvaluationPolicy) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	v, _ := json.Marshal(p)
	return a.putSetting(ctx, actor, "evaluation_policy.put", EvaluationPolicySetting, string(v))
}

// Rate is a rating as the public (or a clerk typing in a paper slip) gives it.
type Rate struct {
	Window        string                  `json:"window"`
	Staff         string                  `json:"staff"`
	Level         int                     `json:"level"`
	Reasons       []string                `json:"reasons"`
	Comment       string                  `json:"comment"`
	TransactionNo string                  `json:"transaction_no"`
	Item          string                  `json:"item"`
	Channel       tousu.EvaluationChannel `json:"channel"`
	Phone         string                  `json:"phone"`
}

// The limits of a rating's texts.
const (
	maxEvalComment = 500
	maxEvalItem    = 100
	maxEvalTx      = 64
	maxEvalNote    = 2000
)

// check normalises in and names every wrong field in Chinese; box says whether the
// paper slip's channel is allowed (the desk only).
func (in *Rate) check(ref *reference, staff *tousu.Staff, box bool) error {
	p := tousu.Problems{}
	in.Window, in.Staff = strings.TrimSpace(in.Window), strings.TrimSpace(in.Staff)
	in.Comment, in.Item = strings.TrimSpace(in.Comment), strings.TrimSpace(in.Item)
	in.TransactionNo, in.Phone = strings.TrimSpace(in.TransactionNo), strings.TrimSpace(in.Phone)
	if in.Channel == "" {
		in.Channel = tousu.EvalWeb
		if box {
			in.Channel = tousu.EvalBox
		}
	}
	switch u, ok := ref.unitByCode[in.Window]; {
	case in.Window == "":
		p.Add("window", "请指明评价的窗口")
	case !ok || u.Parent == "":
		p.Add("window", "未找到该窗口")
	}
	if in.Staff != "" && (staff == nil || !ref.within(staff.Unit, in.Window) && staff.Unit != in.Window) {
		p.Add("staff", "未找到该窗口的这位工作人员")
	}
	if in.Level < 1 || in.Level > 5 {
		p.Add("level", "请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意")
	}
	seen := map[string]bool{}
	for _, r := range in.Reasons {
		if !tousu.EvaluationReasons.Valid(r) {
			p.Add("reasons", "不满意的原因不正确")
			break
		}
		seen[r] = true
	}
	in.Reasons = in.Reasons[:0:0]
	for _, opt := range tousu.EvaluationReasons { // in the list's order, each once
		if seen[opt.Value] {
			in.Reasons = append(in.Reasons, opt.Value)
		}
	}
	switch {
	case in.Level >= 3 && len(in.Reasons) > 0:
		p.Add("reasons", "只有“不满意”“非常不满意”时才选择原因")
	case (in.Level == 1 || in.Level == 2) && len(in.Reasons) == 0 && p["reasons"] == "":
		p.Add("reasons", "请选择不满意的原因（可多选）")
	}
	tousu.CheckText(p, "comment", in.Comment, maxEvalComment)
	tousu.CheckLine(p, "item", in.Item, maxEvalItem)
	tousu.CheckLine(p, "transaction_no", in.TransactionNo, maxEvalTx)
	switch {
	case !tousu.EvaluationChannels.Valid(in.Channel):
		p.Add("channel", "评价渠道不正确，应为 qr、kiosk、pad、web 或 sms")
	case in.Channel == tousu.EvalBox && !box:
		p.Add("channel", "纸质评价表由工作人员录入")
	case box && in.Channel != tousu.EvalBox:
		p.Add("channel", "录入的纸质评价表渠道应为 box")
	}
	if in.Phone != "" {
		if n, ok := tousu.NormalizePhone(in.Phone); ok {
			in.Phone = n
		} else {
			p.Add("phone", tousu.PhoneProblem)
		}
	}
	return p.Err()
}

// Evaluate records a citizen's rating (POST /api/v1/public/evaluations, the /evaluate
// page). A bad rating opens its rectification and tells the window's supervisors.
func (a *App) Evaluate(ctx context.Context, in Rate) (*EvaluationView, error) {
	return a.createEvaluation(ctx, tousu.PublicActor, in, false)
}

// EnterSlip records a paper slip (《窗口服务评价表》) collected from the comment box
// (channel box): a clerk or supervisor whose scope holds the window types it in.
func (a *App) EnterSlip(ctx context.Context, actor tousu.Actor, in Rate) (*EvaluationView, error) {
	if err := requireRole(actor, tousu.RoleClerk, tousu.RoleSupervisor); err != nil {
		return nil, err
	}
	return a.createEvaluation(ctx, actor, in, true)
}

func (a *App) createEvaluation(ctx context.Context, actor tousu.Actor, in Rate, box bool) (*EvaluationView, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	var staff *tousu.Staff
	if s := strings.TrimSpace(in.Staff); s != "" && utf8.ValidString(s) && len(s) <= 64 {
		staff, err = a.store.FindStaff(ctx, s)
		if err != nil && !tousu.IsKind(err, tousu.KindNotFound) {
			return nil, err
		}
	}
	if err := in.check(ref, staff, box); err != nil {
		return nil, err
	}
	if box && !ref.isRoot(actor.Unit) && !ref.within(in.Window, actor.Unit) {
		return nil, tousu.Problems{"window": "该窗口不在您的管辖范围内"}.Err()
	}
	id, err := a.evaluationID()
	if err != nil {
		return nil, err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	e := &tousu.Evaluation{ID: id, Window: in.Window, Staff: in.Staff, Level: in.Level, Reasons: in.Reasons,
		Comment: in.Comment, TransactionNo: in.TransactionNo, Item: in.Item, Channel: in.Channel,
		Status: tousu.EvalClosed, CreatedAt: now, UpdatedAt: now}
	if box {
		e.EnteredBy = actor.Login
	}
	if in.Phone != "" {
		e.Phone = a.keys.Seal([]byte(in.Phone), phoneAAD(id))
	}
	name := actor.Name
	if actor.Login == tousu.PublicActor.Login {
		name = "评价人"
	}
	ev := &tousu.EvaluationEvent{Type: "rate", Actor: actor.Login, ActorName: name, At: now, To: string(tousu.EvalClosed)}
	payload := map[string]any{"level": in.Level, "channel": in.Channel}
	var out []tousu.Message
	if e.Bad() {
		pol := evaluationPolicyFrom(ref.settings)
		today := tousu.DateOf(now.In(a.loc))
		e.CallbackDue = ref.cal.AddWorkdays(today, pol.CallbackDays)
		e.RectifyDue = ref.cal.AddWorkdays(today, pol.RectifyDays)
		e.Status, e.Due = tousu.EvalCallbackDue, e.CallbackDue
		ev.To = string(e.Status)
		payload["callback_due"], payload["rectify_due"] = e.CallbackDue, e.RectifyDue
		dir, err := a.staffDir(ctx, ref)
		if err != nil {
			return nil, err
		}
		c := evalCase(e)
		d := a.evalData(ref, e)
		d.Reason = evalReasonText(e)
		out = a.deskMessages(ref, c, notify.EvaluationBad, d, now, without(append(dir.supervisors(c), dir.handlersNear(c)...), actor.Login))
	} else {
		e.ClosedAt = &now
	}
	ev.Payload, _ = json.Marshal(payload)
	action := "evaluate"
	if box {
		action = "evaluate.slip"
	}
	ch := &tousu.EvaluationChange{Evaluation: e, Event: ev, Outbox: out,
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, action, id, fmt.Sprintf("window=%s level=%d channel=%s", e.Window, e.Level, e.Channel))}}
	if err := a.store.CreateEvaluation(ctx, ch); err != nil {
		return nil, err
	}
	return a.evaluationView(ref, actor, e, nil), nil
}

// phoneAAD binds a sealed call-back phone to its rating.
func phoneAAD(id string) string { return "evaluation-phone/" + id }

// evaluationID is a new rating's number: PJ, the date, and six random characters.
func (a *App) evaluationID() (string, error) {
	b := make([]byte, 12)
	if _, err := a.rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, 6)
	for i := range out {
		out[i] = queryCodeAlphabet[int(binary.BigEndian.Uint16(b[2*i:]))%len(queryCodeAlphabet)]
	}
	return "PJ" + a.Now().Format("20060102") + "-" + string(out), nil
}

// evalCase stands a rating in for a complaint about its window, so that the staff
// directory finds the same people a complaint about the window would reach: the
// window's handlers and nearest supervisors, and up the escalation ladder.
func evalCase(e *tousu.Evaluation) *tousu.Complaint {
	return &tousu.Complaint{OwnerUnit: e.Window, AssignedUnit: e.Window,
		Target: tousu.Target{Unit: e.Window, Staff: e.Staff}, Deadline: tousu.Deadline{Due: e.Due}}
}

// handlersNear are the handlers nearest a unit (the window's, or its department's).
func (d *staffDir) handlersNear(c *tousu.Complaint) []tousu.User {
	_, us := d.nearest(c, c.AssignedUnit, tousu.RoleHandler)
	return us
}

// evalData is what the message templates say about a rating.
func (a *App) evalData(ref *reference, e *tousu.Evaluation) notify.Data {
	return notify.Data{SiteName: ref.unitName(ref.rootCode()), Number: e.ID, Kind: "差评",
		Status: tousu.EvaluationStatuses.Label(e.Status), ReceivedDate: chineseDate(tousu.DateOf(e.CreatedAt.In(a.loc))),
		DueDate: chineseDate(e.Due), Unit: ref.unitName(e.Window), OfficePhone: ref.phoneOf(e.Window)}
}

func evalReasonText(e *tousu.Evaluation) string {
	var rs []string
	for _, r := range e.Reasons {
		rs = append(rs, tousu.EvaluationReasons.Label(r))
	}
	return "评价为“" + tousu.SatisfactionLabels[e.Level] + "”（" + strings.Join(rs, "、") + "）"
}

// EvaluationView is a rating as staff see it: names resolved, the phone masked.
type EvaluationView struct {
	*tousu.Evaluation
	WindowName   string   `json:"window_name"`
	StaffName    string   `json:"staff_name,omitempty"`
	LevelLabel   string   `json:"level_label"`
	StatusLabel  string   `json:"status_label"`
	ChannelLabel string   `json:"channel_label"`
	ReasonLabels []string `json:"reason_labels"`
	// Phone is the call-back number masked; HasPhone says one was left.
	Phone    string `json:"phone"`
	HasPhone bool   `json:"has_phone"`
	// Overdue says the current step is past its due day.
	Overdue        bool                    `json:"overdue"`
	AllowedActions []string                `json:"allowed_actions"`
	Timeline       []tousu.EvaluationEvent `json:"timeline,omitempty"`
}

func (a *App) evaluationView(ref *reference, actor tousu.Actor, e *tousu.Evaluation, staff map[string]string) *EvaluationView {
	v := &EvaluationView{Evaluation: e, WindowName: ref.unitName(e.Window), LevelLabel: tousu.SatisfactionLabels[e.Level],
		StatusLabel: tousu.EvaluationStatuses.Label(e.Status), ChannelLabel: tousu.EvaluationChannels.Label(e.Channel),
		ReasonLabels: []string{}, AllowedActions: []string{}, HasPhone: len(e.Phone) > 0}
	if e.Reasons == nil {
		e.Reasons = []string{}
	}
	for _, r := range e.Reasons {
		v.ReasonLabels = append(v.ReasonLabels, tousu.EvaluationReasons.Label(r))
	}
	if v.HasPhone {
		if plain, err := a.keys.Open(e.Phone, phoneAAD(e.ID)); err == nil {
			v.Phone = pii.MaskPhone(string(plain))
		} else {
			v.Phone = "（无法解密）"
		}
	}
	if staff != nil {
		v.StaffName = staff[e.Staff]
	}
	v.Overdue = e.Status != tousu.EvalClosed && !e.Due.IsZero() && a.Today().After(e.Due)
	if actor.Login != tousu.PublicActor.Login {
		for _, act := range evaluationActions {
			if ref.mayEvaluationAct(actor, e, act) == nil {
				v.AllowedActions = append(v.AllowedActions, act)
			}
		}
	}
	return v
}

// The actions on a rating (POST /api/v1/evaluations/{id}/{action}).
const (
	EvalActCallback     = "callback"
	EvalActRectify      = "rectify"
	EvalActVerify       = "verify"
	EvalActAppeal       = "appeal"
	EvalActDecideAppeal = "decide_appeal"
	EvalActConvert      = "convert"
	EvalActReveal       = "reveal"
)

var evaluationActions = []string{EvalActCallback, EvalActRectify, EvalActVerify, EvalActAppeal, EvalActDecideAppeal,
	EvalActConvert, EvalActReveal}

// EvaluationActionLabels name the actions in Chinese.
var EvaluationActionLabels = map[string]string{EvalActCallback: "回访", EvalActRectify: "整改", EvalActVerify: "核实",
	EvalActAppeal: "申诉", EvalActDecideAppeal: "申诉复核", EvalActConvert: "转为投诉", EvalActReveal: "查看电话", "rate": "评价",
	"warn_overdue": "超期预警", "urge": "催办", "escalate": "超期上报"}

// evaluationInScope reports whether the actor may read ratings of the window at all: a
// case reader whose unit holds the window.
func (r *reference) evaluationInScope(actor tousu.Actor, window string) bool {
	if requireRole(actor, caseReaders...) != nil {
		return false
	}
	return r.isRoot(actor.Unit) || r.within(window, actor.Unit)
}

// mayEvaluationAct says whether the actor may take act on e now, and why not.
func (r *reference) mayEvaluationAct(actor tousu.Actor, e *tousu.Evaluation, act string) error {
	if !r.evaluationInScope(actor, e.Window) {
		return tousu.Errorf(tousu.KindNotFound, "未找到该评价")
	}
	state := func(ok bool, what string) error {
		if ok {
			return nil
		}
		return &tousu.Error{Kind: tousu.KindTransition, Message: fmt.Sprintf("当前状态（%s）不能%s", tousu.EvaluationStatuses.Label(e.Status), what)}
	}
	// The staff member rated judges nothing about their own rating and never sees the phone.
	self := actor.IsTarget(e.Staff)
	switch act {
	case EvalActCallback:
		if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleHandler); err != nil {
			return err
		}
		if self {
			return tousu.Errorf(tousu.KindForbidden, "被评价人本人不能回访评价人")
		}
		return state(e.Status == tousu.EvalCallbackDue, "回访")
	case EvalActRectify:
		if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleHandler); err != nil {
			return err
		}
		return state(e.Status == tousu.EvalRectifyDue, "整改")
	case EvalActVerify:
		if err := requireRole(actor, tousu.RoleSupervisor); err != nil || self {
			return tousu.Errorf(tousu.KindForbidden, "由督查员核实整改，被评价人本人不能核实")
		}
		return state(e.Status == tousu.EvalVerifyDue, "核实")
	case EvalActAppeal:
		if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleHandler); err != nil {
			return err
		}
		if e.Level > 3 {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "只有“基本满意”及以下的评价可以申诉"}
		}
		if e.AppealStatus != "" {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "该评价已经申诉过"}
		}
		return nil
	case EvalActDecideAppeal:
		if err := requireRole(actor, tousu.RoleSupervisor); err != nil || self {
			return tousu.Errorf(tousu.KindForbidden, "申诉由督查机构的督查员复核")
		}
		if u, ok := r.unitByCode[actor.Unit]; !r.isRoot(actor.Unit) && (!ok || u.Kind != tousu.UnitOffice) {
			return tousu.Errorf(tousu.KindForbidden, "申诉由督查机构的督查员复核")
		}
		if e.Detail.Appeal != nil && e.Detail.Appeal.By == actor.Login {
			return tousu.Errorf(tousu.KindForbidden, "不能复核自己提出的申诉")
		}
		if e.AppealStatus != "pending" {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "该评价没有待复核的申诉"}
		}
		return nil
	case EvalActConvert:
		if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleClerk); err != nil {
			return err
		}
		if !e.Bad() || e.Complaint != "" || e.Excluded {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "只有未转办的差评可以转为投诉"}
		}
		return nil
	case EvalActReveal:
		if err := requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector); err != nil || self {
			return tousu.Errorf(tousu.KindForbidden, "您无权查看评价人的电话")
		}
		if len(e.Phone) == 0 {
			return &tousu.Error{Kind: tousu.KindTransition, Message: "评价人没有留下电话"}
		}
		return nil
	}
	return tousu.Errorf(tousu.KindNotFound, "没有这个操作：%s", act)
}

// EvaluationAction is the body of an action: callback {reached, note}, rectify {text},
// verify {accepted, note}, appeal {reason}, decide_appeal {upheld, note}, convert
// {name}, reveal {reason}.
type EvaluationAction struct {
	Reached  *bool  `json:"reached"`
	Note     string `json:"note"`
	Text     string `json:"text"`
	Accepted *bool  `json:"accepted"`
	Reason   string `json:"reason"`
	Upheld   *bool  `json:"upheld"`
	// Name is the citizen's name for a complaint made from the rating (convert); without
	// it the complaint is anonymous and the phone is not carried over.
	Name string `json:"name"`
}

// EvaluationEventText tells what an event of a rating's timeline records, in Chinese.
func EvaluationEventText(ev tousu.EvaluationEvent) string {
	var m map[string]any
	_ = json.Unmarshal(ev.Payload, &m)
	str := func(k string) string { s, _ := m[k].(string); return s }
	yes := func(k, y, n string) string {
		if b, _ := m[k].(bool); b {
			return y
		}
		return n
	}
	switch ev.Type {
	case "rate":
		lv, _ := m["level"].(float64)
		text := tousu.SatisfactionLabels[int(lv)] + "（" + tousu.EvaluationChannels.Label(tousu.EvaluationChannel(str("channel"))) + "）"
		if d := str("callback_due"); d != "" {
			text += "；回访期限 " + d + "，整改期限 " + str("rectify_due")
		}
		return text
	case EvalActCallback:
		return yes("reached", "已联系上", "未联系上") + "：" + str("note")
	case EvalActRectify:
		return str("text")
	case EvalActVerify:
		text := yes("accepted", "通过", "退回重新整改")
		if n := str("note"); n != "" {
			text += "：" + n
		}
		if _, ok := m["on_time"]; ok {
			text += yes("on_time", "（按期）", "（超期）")
		}
		return text
	case EvalActAppeal:
		return str("reason")
	case EvalActDecideAppeal:
		return yes("upheld", "申诉成立，不计入统计", "申诉不成立") + "：" + str("note")
	case EvalActConvert:
		return "投诉件 " + str("complaint")
	case "warn_overdue", "urge", "escalate":
		return str("message")
	}
	return ""
}

// GetEvaluation returns a rating with its timeline to staff in scope.
func (a *App) GetEvaluation(ctx context.Context, actor tousu.Actor, id string) (*EvaluationView, error) {
	ref, e, err := a.findEvaluation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	evs, err := a.store.ListEvaluationEvents(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	v := a.evaluationView(ref, actor, e, a.staffNames(ctx, e.Staff))
	v.Timeline = evs
	return v, nil
}

func (a *App) staffNames(ctx context.Context, badges ...string) map[string]string {
	out := map[string]string{}
	for _, b := range badges {
		if b == "" || out[b] != "" {
			continue
		}
		if st, err := a.store.FindStaff(ctx, b); err == nil {
			out[b] = st.Name
		}
	}
	return out
}

func (a *App) findEvaluation(ctx context.Context, actor tousu.Actor, id string) (*reference, *tousu.Evaluation, error) {
	if err := requireRole(actor, caseReaders...); err != nil {
		return nil, nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	id = strings.TrimSpace(id)
	if id == "" || len(id) > 40 {
		return nil, nil, tousu.Errorf(tousu.KindNotFound, "未找到该评价")
	}
	e, err := a.store.FindEvaluation(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !ref.evaluationInScope(actor, e.Window) {
		return nil, nil, tousu.Errorf(tousu.KindNotFound, "未找到该评价")
	}
	return ref, e, nil
}

// RevealEvaluationPhone shows the call-back phone to a supervisor or inspector, with a
// reason; audited.
func (a *App) RevealEvaluationPhone(ctx context.Context, actor tousu.Actor, id, reason string) (string, error) {
	ref, e, err := a.findEvaluation(ctx, actor, id)
	if err != nil {
		return "", err
	}
	if err := ref.mayEvaluationAct(actor, e, EvalActReveal); err != nil {
		return "", err
	}
	reason = strings.TrimSpace(reason)
	p := tousu.Problems{}
	if reason == "" {
		p.Add("reason", "请说明查看电话的理由")
	}
	tousu.CheckLine(p, "reason", reason, tousu.MaxShortText)
	if err := p.Err(); err != nil {
		return "", err
	}
	plain, err := a.keys.Open(e.Phone, phoneAAD(e.ID))
	if err != nil {
		return "", err
	}
	if err := a.audit(ctx, actor, "evaluation.reveal", e.ID, reason); err != nil {
		return "", err
	}
	return string(plain), nil
}

// ActOnEvaluation takes an action on a rating: the step, its event, its audit record and
// its messages in one change.
func (a *App) ActOnEvaluation(ctx context.Context, actor tousu.Actor, id, act string, in EvaluationAction) (*EvaluationView, error) {
	ref, e, err := a.findEvaluation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if act == EvalActReveal {
		return nil, tousu.Errorf(tousu.KindNotFound, "请使用 reveal 接口查看电话")
	}
	if err := ref.mayEvaluationAct(actor, e, act); err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	text := func(field, v string, required bool, what string) string {
		v = strings.TrimSpace(v)
		if v == "" && required {
			p.Add(field, what)
		}
		tousu.CheckText(p, field, v, maxEvalNote)
		return v
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	today := a.Today()
	from := e.Status
	step := tousu.EvaluationStep{By: actor.Login, ByName: actor.Name, At: now}
	payload := map[string]any{}
	var out []tousu.Message
	switch act {
	case EvalActCallback:
		step.Text = text("note", in.Note, true, "请记录回访情况（群众的意见）")
		if in.Reached == nil {
			p.Add("reached", "请说明是否联系上评价人")
		} else {
			step.Yes = *in.Reached
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		e.Detail.Callbacks = append(e.Detail.Callbacks, step)
		e.Status, e.Due, e.Alerts = tousu.EvalRectifyDue, e.RectifyDue, 0
		payload["reached"], payload["note"] = step.Yes, step.Text
	case EvalActRectify:
		step.Text = text("text", in.Text, true, "请说明整改情况")
		if err := p.Err(); err != nil {
			return nil, err
		}
		e.Detail.Rectification = &step
		e.Status = tousu.EvalVerifyDue
		payload["text"] = step.Text
	case EvalActVerify:
		if in.Accepted == nil {
			p.Add("accepted", "请选择整改是否通过")
		}
		step.Text = text("note", in.Note, in.Accepted != nil && !*in.Accepted, "退回整改时请说明理由")
		if err := p.Err(); err != nil {
			return nil, err
		}
		step.Yes = *in.Accepted
		e.Detail.Verifications = append(e.Detail.Verifications, step)
		payload["accepted"], payload["note"] = step.Yes, step.Text
		if step.Yes {
			e.Status, e.Due, e.ClosedAt = tousu.EvalClosed, tousu.Date{}, &now
			e.OnTime = !today.After(e.RectifyDue)
			payload["on_time"] = e.OnTime
			out = a.rectifiedSMS(ref, e, now)
		} else {
			e.Status = tousu.EvalRectifyDue
		}
	case EvalActAppeal:
		step.Text = text("reason", in.Reason, true, "请说明申诉理由（如恶意评价、评错窗口）")
		if err := p.Err(); err != nil {
			return nil, err
		}
		e.Detail.Appeal, e.AppealStatus = &step, "pending"
		payload["reason"] = step.Text
	case EvalActDecideAppeal:
		step.Text = text("note", in.Note, true, "请写明复核意见")
		if in.Upheld == nil {
			p.Add("upheld", "请选择申诉是否成立")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		step.Yes = *in.Upheld
		e.Detail.AppealDecided = &step
		payload["upheld"], payload["note"] = step.Yes, step.Text
		if step.Yes {
			// Out of the figures, kept for the record; an open rectification ends here.
			e.AppealStatus, e.Excluded = "upheld", true
			if e.Status != tousu.EvalClosed {
				e.Status, e.Due, e.ClosedAt, e.OnTime = tousu.EvalClosed, tousu.Date{}, &now, false
			}
		} else {
			e.AppealStatus = "rejected"
		}
	case EvalActConvert:
		number, err := a.convertEvaluation(ctx, ref, actor, e, strings.TrimSpace(in.Name))
		if err != nil {
			return nil, err
		}
		e.Complaint = number
		payload["complaint"] = number
	}
	e.UpdatedAt = now
	ev := &tousu.EvaluationEvent{Type: act, Actor: actor.Login, ActorName: actor.Name, At: now, From: string(from), To: string(e.Status)}
	ev.Payload, _ = json.Marshal(payload)
	detail := string(ev.Payload)
	if act != EvalActCallback && act != EvalActConvert {
		detail = fmt.Sprintf("status=%s", e.Status)
	}
	ch := &tousu.EvaluationChange{Evaluation: e, Event: ev, Outbox: out,
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, "evaluation."+act, e.ID, clipDetail(detail))}}
	switch act {
	case EvalActCallback, EvalActRectify, EvalActVerify, EvalActDecideAppeal:
		// The rating's rectification task follows it, in the same transaction (rectify.go).
		if ch.Rectification, err = a.evalTask(ctx, e, now, today); err != nil {
			return nil, err
		}
	}
	if err := a.store.UpdateEvaluation(ctx, ch); err != nil {
		return nil, err
	}
	return a.GetEvaluation(ctx, actor, e.ID)
}

// clipDetail keeps an audit detail short; notes may be long.
func clipDetail(s string) string {
	if utf8.RuneCountInString(s) > 300 {
		return string([]rune(s)[:300]) + "…"
	}
	return s
}

// rectifiedSMS tells a citizen who left a phone that the window put things right.
func (a *App) rectifiedSMS(ref *reference, e *tousu.Evaluation, at time.Time) []tousu.Message {
	n := a.notifications()
	if n.SMS == nil || len(e.Phone) == 0 {
		return nil
	}
	plain, err := a.keys.Open(e.Phone, phoneAAD(e.ID))
	if err != nil {
		a.log.Error("evaluation: open phone", "id", e.ID, "err", err)
		return nil
	}
	phone := mobile(string(plain))
	if phone == "" {
		return nil // a landline takes no text message
	}
	d := a.evalData(ref, e)
	if e.Detail.Rectification != nil {
		d.Improvement = e.Detail.Rectification.Text
	}
	subject, _, sms, ok := a.render(ref, notify.EvaluationRectified, d)
	if !ok || strings.TrimSpace(sms) == "" {
		return nil
	}
	sealed, _ := json.Marshal(envelope{To: phone})
	return []tousu.Message{{Channel: tousu.MessageSMS, To: a.keys.Seal(sealed, envelopeAAD("")),
		Subject: subject, Body: sms, CreatedAt: at}}
}

// convertEvaluation registers a complaint from a bad rating (channel 测评表), about the
// window and staff member rated, keeping the rating's number as its external reference
// so that each names the other.
func (a *App) convertEvaluation(ctx context.Context, ref *reference, actor tousu.Actor, e *tousu.Evaluation, name string) (string, error) {
	matter := evalReasonText(e)
	if e.Comment != "" {
		matter += "：" + e.Comment
	}
	if e.Item != "" {
		matter += "（办理事项：" + e.Item + "）"
	}
	in := tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelEvaluation,
		Target: tousu.Target{Unit: e.Window, Staff: e.Staff}, Matter: matter, Request: "请核实处理",
		BusinessReceiptNo: e.TransactionNo}
	reasonCat := map[string]string{"attitude": "attitude", "slow": "efficiency", "notification": "notification",
		"repeat": "one_door", "fees": "fees", "process": "process", "other": "other"}
	for _, r := range e.Reasons {
		if c := reasonCat[r]; c != "" && ref.catByCode[c].Code != "" {
			in.Categories = append(in.Categories, c)
		}
	}
	if name != "" && len(e.Phone) > 0 {
		plain, err := a.keys.Open(e.Phone, phoneAAD(e.ID))
		if err != nil {
			return "", err
		}
		in.Complainant = tousu.Complainant{Name: name, Phone: string(plain)}
	} else {
		in.Complainant = tousu.Complainant{Anonymous: true}
	}
	v, err := a.Register(ctx, actor, in, RegisterOptions{ExternalRef: e.ID})
	if err != nil {
		return "", err
	}
	return v.Number, nil
}

// EvaluationQuery is the list's parameters.
type EvaluationQuery struct {
	Window, Staff string
	Level         int
	Status        []tousu.EvaluationStatus
	From, To      string // dates, YYYY-MM-DD, both included
	Appeal        string
	Cursor        string
	Limit         int
}

// EvaluationPage is a page of the list.
type EvaluationPage struct {
	Items      []*EvaluationView `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// dateRange reads from and to (inclusive dates) as instants [From, To).
func (a *App) dateRange(p tousu.Problems, from, to string) (time.Time, time.Time) {
	var f, t time.Time
	if from != "" {
		if d, err := tousu.ParseDate(from); err == nil {
			f = d.Midnight(a.loc)
		} else {
			p.Add("from", "日期格式应为 YYYY-MM-DD")
		}
	}
	if to != "" {
		if d, err := tousu.ParseDate(to); err == nil {
			t = d.AddDays(1).Midnight(a.loc)
		} else {
			p.Add("to", "日期格式应为 YYYY-MM-DD")
		}
	}
	return f, t
}

// ListEvaluations lists the ratings of the windows in the actor's scope, newest first.
func (a *App) ListEvaluations(ctx context.Context, actor tousu.Actor, q EvaluationQuery) (*EvaluationPage, error) {
	if err := requireRole(actor, caseReaders...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	f := tousu.EvaluationFilter{Window: strings.TrimSpace(q.Window), Staff: strings.TrimSpace(q.Staff), Level: q.Level,
		Statuses: q.Status, Limit: q.Limit, Appeal: q.Appeal}
	if q.Level != 0 && (q.Level < 1 || q.Level > 5) {
		p.Add("level", "评价等级应为1至5")
	}
	for _, s := range q.Status {
		if !tousu.EvaluationStatuses.Valid(s) {
			p.Add("status", "状态应为 callback_due、rectify_due、verify_due 或 closed")
		}
	}
	if q.Appeal != "" && q.Appeal != "pending" && q.Appeal != "upheld" && q.Appeal != "rejected" {
		p.Add("appeal", "应为 pending、upheld 或 rejected")
	}
	if q.Limit < 0 || q.Limit > 500 {
		p.Add("limit", "应为1至500")
	}
	f.From, f.To = a.dateRange(p, q.From, q.To)
	if q.Cursor != "" {
		key, id, ok := strings.Cut(q.Cursor, "_")
		k, err := strconv.ParseInt(key, 10, 64)
		if !ok || err != nil || id == "" || len(id) > 40 {
			p.Add("cursor", "翻页位置无效")
		} else {
			f.After = &tousu.Cursor{Key: k, ID: id}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if !ref.isRoot(actor.Unit) {
		f.Units = ref.subtree(actor.Unit)
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	es, err := a.store.ListEvaluations(ctx, f)
	if err != nil {
		return nil, err
	}
	var badges []string
	for _, e := range es {
		badges = append(badges, e.Staff)
	}
	names := a.staffNames(ctx, badges...)
	page := &EvaluationPage{Items: make([]*EvaluationView, 0, len(es))}
	for _, e := range es {
		page.Items = append(page.Items, a.evaluationView(ref, actor, e, names))
	}
	if len(es) == f.Limit {
		last := es[len(es)-1]
		page.NextCursor = strconv.FormatInt(last.CreatedAt.UnixMilli(), 10) + "_" + last.ID
	}
	return page, nil
}

// EvaluationFigures are one window's or staff member's figures (好差评统计).
type EvaluationFigures struct {
	tousu.EvaluationCounts
	Name string `json:"name"`
	// Unit is the staff member's window (group_by=staff).
	Unit string `json:"unit,omitempty"`
	// The rates, 0–1, null when there is nothing to divide by: 好评率 (4+5)/all, 差评率
	// (1+2)/all, 差评整改率 closed on time / 差评, 回访率 called back / 差评.
	GoodRate            *float64 `json:"good_rate"`
	BadRate             *float64 `json:"bad_rate"`
	RectifiedOnTimeRate *float64 `json:"rectified_on_time_rate"`
	CallbackRate        *float64 `json:"callback_rate"`
}

// EvaluationStatsQuery is the figures' parameters.
type EvaluationStatsQuery struct {
	From, To string
	GroupBy  string
}

// EvaluationStats are the figures per window or per staff member, for the ratings made
// in [from, to] in the actor's scope; upheld appeals are left out.
func (a *App) EvaluationStats(ctx context.Context, actor tousu.Actor, q EvaluationStatsQuery) ([]EvaluationFigures, error) {
	if err := requireRole(actor, caseReaders...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	if q.GroupBy == "" {
		q.GroupBy = "window"
	}
	if q.GroupBy != "window" && q.GroupBy != "staff" {
		p.Add("group_by", "应为 window（按窗口）或 staff（按工作人员）")
	}
	f := tousu.EvaluationStatsFilter{GroupBy: q.GroupBy}
	f.From, f.To = a.dateRange(p, q.From, q.To)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if !ref.isRoot(actor.Unit) {
		f.Units = ref.subtree(actor.Unit)
	}
	counts, err := a.store.EvaluationStats(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]EvaluationFigures, 0, len(counts))
	for _, c := range counts {
		fig := EvaluationFigures{EvaluationCounts: c}
		if q.GroupBy == "window" {
			fig.Name = ref.unitName(c.Key)
		} else if st, err := a.store.FindStaff(ctx, c.Key); err == nil {
			fig.Name, fig.Unit = st.Name, st.Unit
		}
		fig.GoodRate, fig.BadRate = evalRatio(c.Good, c.Total), evalRatio(c.Bad, c.Total)
		fig.RectifiedOnTimeRate, fig.CallbackRate = evalRatio(c.OnTime, c.Bad), evalRatio(c.Callback, c.Bad)
		out = append(out, fig)
	}
	return out, nil
}

func evalRatio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(int(float64(n)/float64(d)*10000+0.5)) / 10000
	return &r
}

// EvaluationWindow is what the /evaluate page shows of the window rated.
type EvaluationWindow struct {
	Code, Name string
	Path       string
	Staff      *tousu.Staff
}

// EvaluationTarget looks up the window (and staff member) a rating page is for; an
// unknown window is not found.
func (a *App) EvaluationTarget(ctx context.Context, window, badge string) (*EvaluationWindow, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	u, ok := ref.unitByCode[strings.TrimSpace(window)]
	if !ok || u.Parent == "" {
		return nil, tousu.Errorf(tousu.KindNotFound, "未找到该窗口，请重新扫描窗口的二维码")
	}
	w := &EvaluationWindow{Code: u.Code, Name: u.Name, Path: ref.unitPath(u.Code)}
	if badge = strings.TrimSpace(badge); badge != "" && utf8.ValidString(badge) && len(badge) <= 64 {
		if st, err := a.store.FindStaff(ctx, badge); err == nil && (st.Unit == u.Code || ref.within(st.Unit, u.Code)) {
			w.Staff = st
		}
	}
	return w, nil
}

// EvaluationCards lists the windows whose table cards an admin may print: every unit
// under the admin's scope that is a window, with its active staff.
func (a *App) EvaluationCards(ctx context.Context, actor tousu.Actor) ([]EvaluationWindow, error) {
	if err := CanAdminister(actor); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	var out []EvaluationWindow
	for _, u := range ref.units {
		if u.Kind != tousu.UnitWindow || !ref.adminCovers(actor, u.Code) {
			continue
		}
		out = append(out, EvaluationWindow{Code: u.Code, Name: u.Name, Path: ref.unitPath(u.Code)})
	}
	return out, nil
}

// ScanEvaluationDeadlines takes the overdue steps of open bad ratings, as ScanDeadlines
// does for complaints: the overdue warning, then by working days past the current step's
// due day the automatic urge and the escalation up the same ladder, each step once (the
// rating's Alert bits, cleared when it moves to a new step), each an event with its desk
// messages.
func (a *App) ScanEvaluationDeadlines(ctx context.Context) (ScanReport, error) {
	var rep ScanReport
	ref, dir, err := a.scanDir(ctx)
	if err != nil {
		return rep, err
	}
	today := a.Today()
	steps := ladderSteps(ref.ladder)
	seen := 0
	for _, s := range steps {
		f := tousu.EvaluationFilter{DueTo: lateBy(ref.cal, today, s.after), AlertsLacking: s.bit, Limit: scanPage}
		for seen < scanMax {
			es, err := a.store.ListEvaluations(ctx, f)
			if err != nil {
				return rep, err
			}
			for _, e := range es {
				seen++
				for _, t := range steps {
					if e.Alerts&t.bit != 0 || !today.After(e.Due) || ref.cal.WorkdaysBetween(e.Due, today) < t.after {
						continue
					}
					if err := a.evalStep(ctx, ref, dir, e, &rep, t.bit); err != nil {
						return rep, err
					}
					if e.Alerts&t.bit == 0 {
						break
					}
				}
			}
			if len(es) < f.Limit {
				break
			}
			last := es[len(es)-1]
			f.After = &tousu.Cursor{Key: last.CreatedAt.UnixMilli(), ID: last.ID}
		}
	}
	return rep, nil
}

// evalStep takes one deadline step on a rating.
func (a *App) evalStep(ctx context.Context, ref *reference, dir *staffDir, e *tousu.Evaluation, rep *ScanReport, bit int) error {
	now := a.now().UTC().Truncate(time.Millisecond)
	late := ref.cal.WorkdaysBetween(e.Due, a.Today())
	c := evalCase(e)
	d := a.evalData(ref, e)
	d.Actor, d.DaysOverdue = tousu.SystemActor.Name, late
	step := map[tousu.EvaluationStatus]string{tousu.EvalCallbackDue: "回访", tousu.EvalRectifyDue: "整改", tousu.EvalVerifyDue: "核实整改"}[e.Status]
	ev := &tousu.EvaluationEvent{Actor: tousu.SystemActor.Login, ActorName: tousu.SystemActor.Name, At: now,
		From: string(e.Status), To: string(e.Status)}
	payload := map[string]any{"due_date": e.Due, "step": step}
	var (
		kind  notify.Kind
		to    []tousu.User
		count *int
	)
	switch bit {
	case tousu.AlertOverdue:
		ev.Type, kind, count = "warn_overdue", notify.Overdue, &rep.Overdue
		payload["message"] = fmt.Sprintf("差评%s已超过期限（%s）%d个工作日", step, e.Due, late)
		to = append(dir.handlersNear(c), dir.supervisors(c)...)
	case tousu.AlertUrged:
		msg := fmt.Sprintf("差评%s已超过期限%d个工作日，请立即办理（系统自动催办）", step, late)
		ev.Type, kind, count = "urge", notify.Urged, &rep.Urged
		payload["message"], payload["auto"] = msg, true
		d.Message = msg
		if to = dir.handlersNear(c); len(to) == 0 {
			to = dir.supervisors(c)
		}
	case tousu.AlertEscalated1, tousu.AlertEscalated2, tousu.AlertEscalated3:
		level := map[int]int{tousu.AlertEscalated1: levelHead, tousu.AlertEscalated2: levelOffice, tousu.AlertEscalated3: levelInspection}[bit]
		unit, recipients := dir.escalation(c, level)
		d.Level = levelLabel(level, ref.unitName(unit))
		ev.Type, kind, count, to = "escalate", notify.Escalated, &rep.Escalated, recipients
		payload["level"] = d.Level
		payload["message"] = fmt.Sprintf("差评%s超过期限%d个工作日，报送%s", step, late, d.Level)
	default:
		return fmt.Errorf("jobs: no evaluation step for alert bit %d", bit)
	}
	ev.Payload, _ = json.Marshal(payload)
	out := a.deskMessages(ref, c, kind, d, now, without(to, ""))
	before := e.Alerts
	e.Alerts |= bit
	e.UpdatedAt = now
	err := a.store.UpdateEvaluation(ctx, &tousu.EvaluationChange{Evaluation: e, Event: ev, Outbox: out})
	switch {
	case tousu.IsKind(err, tousu.KindConflict):
		e.Alerts = before
		rep.Conflicts++
		return nil
	case err != nil:
		e.Alerts = before
		return err
	}
	*count++
	return nil
}
