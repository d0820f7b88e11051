package tousu

import (
	"fmt"
	"slices"
	"strings"
)

// Action is a lifecycle action (DESIGN §3).
type Action string

// The lifecycle actions.
const (
	ActAccept   Action = "accept"
	ActReject   Action = "reject"
	ActWithdraw Action = "withdraw"
	ActMerge    Action = "merge"
	ActAssign   Action = "assign"
	ActSign     Action = "sign"
	ActReturn   Action = "return"
	ActNote     Action = "note"
	ActSuspend  Action = "suspend"
	ActResume   Action = "resume"
	ActExtend   Action = "extend"
	ActUrge     Action = "urge"
	ActDecide   Action = "decide"
	ActResolve  Action = "resolve"
	ActReply    Action = "reply"
	ActFeedback Action = "feedback"
	ActClose    Action = "close"
	ActReopen   Action = "reopen"
	ActArchive  Action = "archive"
	// ActAmend corrects a registration (补正); see intake.go.
	ActAmend Action = "amend"

	// The handling actions (assignment, report, leaders, discipline).
	ActRecall            Action = "recall"
	ActReport            Action = "report"
	ActSendBack          Action = "send_back"
	ActInstruct          Action = "instruct"
	ActApproveExtension  Action = "approve_extension"
	ActDenyExtension     Action = "deny_extension"
	ActDisciplineOutcome Action = "discipline_outcome"
	// An assisting unit's (协办) signature and report, beside the lead unit's.
	ActAssistSign   Action = "assist_sign"
	ActAssistReport Action = "assist_report"
)

// Transition is one row of the lifecycle table: who may take an action from which states,
// and where it leads. To is empty when the action leaves the status unchanged.
type Transition struct {
	Action Action
	Label  string
	From   []Status
	To     Status
	Roles  []Role
}

var openStates = []Status{StatusRegistered, StatusAccepted, StatusAssigned, StatusInProgress, StatusSuspended, StatusReported, StatusDecided}

// acceptedOn are the open states from acceptance on: a case not yet accepted has no
// deadline worth extending.
var acceptedOn = []Status{StatusAccepted, StatusAssigned, StatusInProgress, StatusSuspended, StatusReported, StatusDecided}

// Lifecycle is the table of DESIGN §3: the one place that says which role may take which
// action from which state. The order is the order actions are offered in.
var Lifecycle = []Transition{
	{ActAccept, "受理", []Status{StatusRegistered}, StatusAccepted, []Role{RoleSupervisor}},
	{ActReject, "不予受理", []Status{StatusRegistered}, StatusNotAccepted, []Role{RoleSupervisor}},
	{ActResolve, "现场协调办结", []Status{StatusAccepted}, StatusReplied, []Role{RoleSupervisor, RoleClerk}},
	{ActAssign, "派单", []Status{StatusAccepted, StatusInProgress, StatusAssigned}, StatusAssigned, []Role{RoleSupervisor}},
	{ActSign, "签收", []Status{StatusAssigned}, StatusInProgress, []Role{RoleHandler}},
	{ActReturn, "退单", []Status{StatusAssigned}, StatusAccepted, []Role{RoleHandler}},
	{ActNote, "调查记录", openStates, "", []Role{RoleHandler, RoleSupervisor, RoleInspector}},
	{ActUrge, "催办", []Status{StatusAssigned, StatusInProgress}, "", []Role{RoleSupervisor, RoleInspector}},
	{ActSuspend, "中止", []Status{StatusInProgress}, StatusSuspended, []Role{RoleSupervisor}},
	{ActResume, "恢复办理", []Status{StatusSuspended}, StatusInProgress, []Role{RoleSupervisor}},
	{ActExtend, "延期", acceptedOn, "", []Role{RoleSupervisor}},
	{ActDecide, "处理决定", []Status{StatusInProgress, StatusReported}, StatusDecided, []Role{RoleSupervisor}},
	{ActReply, "答复", []Status{StatusDecided}, StatusReplied, []Role{RoleSupervisor}},
	{ActFeedback, "回访评价", []Status{StatusReplied}, StatusClosed, []Role{RolePublic, RoleSupervisor}},
	{ActClose, "办结", []Status{StatusReplied}, StatusClosed, []Role{RoleSupervisor}},
	{ActReopen, "重办", []Status{StatusReplied, StatusClosed}, StatusInProgress, []Role{RoleSupervisor}},
	{ActWithdraw, "撤回", []Status{StatusRegistered, StatusAccepted}, StatusWithdrawn, []Role{RoleClerk, RoleSupervisor}},
	{ActMerge, "并案", []Status{StatusRegistered, StatusAccepted}, StatusMerged, []Role{RoleSupervisor}},
	{ActArchive, "归档", []Status{StatusClosed, StatusNotAccepted, StatusWithdrawn, StatusMerged}, StatusArchived, []Role{RoleSupervisor}},
	{ActAmend, "补正登记", []Status{StatusRegistered, StatusAccepted}, "", []Role{RoleClerk, RoleSupervisor}},
	// The handling rows: decide runs from reported (and from in_progress only when the
	// office handles the case itself, which the use case checks).
	{ActRecall, "撤回派单", []Status{StatusAssigned}, StatusAccepted, []Role{RoleSupervisor}},
	{ActReport, "报送办理结果", []Status{StatusInProgress}, StatusReported, []Role{RoleHandler}},
	{ActSendBack, "退回重办", []Status{StatusReported}, StatusInProgress, []Role{RoleSupervisor}},
	{ActInstruct, "领导批示", openStates, "", []Role{RoleLeader}},
	{ActApproveExtension, "批准延期", acceptedOn, "", []Role{RoleLeader}},
	{ActDenyExtension, "不批准延期", acceptedOn, "", []Role{RoleLeader}},
	{ActDisciplineOutcome, "纪检处理结果", []Status{StatusDecided, StatusReplied, StatusClosed}, "", []Role{RoleInspector}},
	{ActAssistSign, "协办签收", []Status{StatusAssigned, StatusInProgress}, "", []Role{RoleHandler}},
	{ActAssistReport, "协办报送意见", []Status{StatusAssigned, StatusInProgress}, "", []Role{RoleHandler}},
}

// TransitionFor returns the table row of action a.
func TransitionFor(a Action) (Transition, bool) {
	for _, t := range Lifecycle {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// ActionLabel is the Chinese name of an action.
func ActionLabel(a Action) string {
	if t, ok := TransitionFor(a); ok {
		return t.Label
	}
	return string(a)
}

// ActionsFrom lists the actions the table allows from status s, for anyone.
func ActionsFrom(s Status) []Action {
	var out []Action
	for _, t := range Lifecycle {
		if slices.Contains(t.From, s) {
			out = append(out, t.Action)
		}
	}
	return out
}

// AllowedActions lists the actions actor may take from status s by role alone; the use
// cases further narrow it by scope (a handler acts only on cases assigned to its unit).
func AllowedActions(s Status, actor Actor) []Action {
	var out []Action
	for _, t := range Lifecycle {
		if slices.Contains(t.From, s) && holdsAny(actor, t.Roles) {
			out = append(out, t.Action)
		}
	}
	return out
}

func holdsAny(a Actor, roles []Role) bool {
	for _, r := range roles {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// ActionsInWords names actions by their Chinese labels, "无" for none.
func ActionsInWords(acts []Action) string {
	names := make([]string, len(acts))
	for i, x := range acts {
		names[i] = "“" + ActionLabel(x) + "”"
	}
	if len(names) == 0 {
		return "无"
	}
	return strings.Join(names, "、")
}

// CheckTransition says whether actor may take action a on a complaint in status s:
// a conflict (invalid_transition) naming the state and the actions allowed from it, or
// forbidden when the state allows it but none of the actor's roles does.
func CheckTransition(s Status, a Action, actor Actor) (Transition, error) {
	t, ok := TransitionFor(a)
	if !ok {
		return Transition{}, Errorf(KindNotFound, "没有这个操作：%s", a)
	}
	if !slices.Contains(t.From, s) {
		return t, &Error{Kind: KindTransition,
			Message: fmt.Sprintf("投诉件当前状态为“%s”，不能执行“%s”；此状态下允许的操作：%s",
				Statuses.Label(s), t.Label, ActionsInWords(ActionsFrom(s)))}
	}
	if !holdsAny(actor, t.Roles) {
		return t, Errorf(KindForbidden, "您的角色无权执行“%s”", t.Label)
	}
	return t, nil
}
