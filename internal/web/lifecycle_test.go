package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tousu"
)

// validPayload is a body for each action that passes validation.
func validPayload(act tousu.Action, e *env) any {
	switch act {
	case tousu.ActAccept:
		return map[string]any{"classification": "case", "categories": []string{"attitude"}}
	case tousu.ActReject:
		return map[string]any{"reason": "out_of_scope", "explanation": "该事项属于法院执行范围。",
			"referral": map[string]any{"body": "区人民法院", "contact": "0571-12368"}}
	case tousu.ActWithdraw:
		return map[string]any{"note": "经解释，投诉人了解了办理流程，自愿撤回"}
	case tousu.ActMerge:
		return map[string]any{"into": e.register(nil)}
	case tousu.ActAssign:
		// 自办, so that decide is possible from in_progress as the table says (the
		// other modes wait for the report: TestModes).
		return map[string]any{"unit": "dept-a", "handler": "handler-a", "mode": "self", "instructions": "请核实窗口服务态度问题"}
	case tousu.ActReturn:
		return map[string]any{"reason": "不属于本部门职责"}
	case tousu.ActNote:
		return map[string]any{"method": "video", "content": "调看1月29日15时录像，工作人员确有不耐烦表现。", "participants": "李科长"}
	case tousu.ActSuspend:
		return map[string]any{"reason": "等待投诉人补充证据"}
	case tousu.ActExtend:
		return map[string]any{"working_days": 5, "reason": "需调取其他部门记录"}
	case tousu.ActUrge:
		return map[string]any{"message": "请于3个工作日内反馈调查结果"}
	case tousu.ActDecide:
		return map[string]any{"finding": "founded", "measures": []string{"criticism", "correction", "discipline_referral"}, "staff": []string{"A001"},
			"improvement": "窗口设置材料清单"}
	case tousu.ActReply:
		return map[string]any{"process": "调看录像并与窗口人员谈话", "result": "投诉属实，已对当事人批评教育", "improvement": "设置一次性告知清单", "channel": "phone"}
	case tousu.ActResolve:
		return map[string]any{"finding": "founded", "measures": []string{"correction"}, "process": "现场协调", "result": "当场补办", "channel": "visit"}
	case tousu.ActFeedback:
		return map[string]any{"level": 5, "comment": "满意"}
	case tousu.ActClose:
		return map[string]any{"note": "多次联系未果"}
	case tousu.ActReopen:
		return map[string]any{"reason": "投诉人反映问题未解决"}
	case tousu.ActAmend:
		return map[string]any{"reason": "登记时事项记录不全", "matter": "补正后的投诉事项：窗口工作人员态度生硬，未一次性告知材料。"}
	case tousu.ActRecall:
		return map[string]any{"reason": "派错单位"}
	case tousu.ActReport:
		return map[string]any{"process": "调看录像，与窗口人员谈话", "finding": "founded", "measures": []string{"criticism"},
			"staff": []string{"A001"}, "reply_draft": "经核实，投诉属实，已对当事人批评教育。"}
	case tousu.ActSendBack:
		return map[string]any{"reason": "未与投诉人联系核实"}
	case tousu.ActInstruct:
		return map[string]any{"text": "请督查处跟踪办理，务必于期限内答复群众。"}
	case tousu.ActApproveExtension, tousu.ActDenyExtension:
		return map[string]any{"note": "同意"}
	case tousu.ActDisciplineOutcome:
		return map[string]any{"outcome": "sanction", "text": "给予警告处分"}
	case tousu.ActAssistReport:
		return map[string]any{"process": "医保局核对了参保缴费记录，无异常。"}
	}
	return map[string]any{}
}

// actorFor is the account the lifecycle table lets take act on a case assigned to dept-a.
func actorFor(act tousu.Action) string {
	t, _ := tousu.TransitionFor(act)
	switch {
	case act == tousu.ActAssistSign || act == tousu.ActAssistReport:
		return "handler-b" // the assisting unit's (see drive)
	case slices.Contains(t.Roles, tousu.RoleSupervisor):
		return "supervisor"
	case slices.Contains(t.Roles, tousu.RoleHandler):
		return "handler-a"
	case slices.Contains(t.Roles, tousu.RoleLeader):
		return "leader"
	case slices.Contains(t.Roles, tousu.RoleInspector):
		return "inspector"
	}
	return "clerk"
}

// prepare sets up what act needs beyond the status, where the status allows it: a
// pending extension for the leader to decide on.
func (e *env) prepare(n string, s tousu.Status, act tousu.Action) {
	e.t.Helper()
	if (act == tousu.ActApproveExtension || act == tousu.ActDenyExtension) && slices.Contains(tousu.ActionsFrom(s), tousu.ActExtend) {
		r := e.act(n, "extend", "supervisor", map[string]any{"working_days": 10, "reason": "需调取其他部门记录"}, http.StatusOK)
		if r.field("pending_extension") == nil {
			e.t.Fatalf("extend by 10 working days: no pending_extension: %s", r.raw)
		}
	}
}

// drive registers a complaint and takes it to status s the ordinary way, assigned to
// dept-a with dept-b assisting when e.assisted.
func (e *env) drive(s tousu.Status) string {
	e.t.Helper()
	n := e.register(nil)
	step := func(act tousu.Action, body any) {
		e.t.Helper()
		e.act(n, string(act), actorFor(act), body, http.StatusOK)
	}
	switch s {
	case tousu.StatusRegistered:
		return n
	case tousu.StatusNotAccepted:
		step(tousu.ActReject, validPayload(tousu.ActReject, e))
		return n
	case tousu.StatusWithdrawn:
		step(tousu.ActWithdraw, validPayload(tousu.ActWithdraw, e))
		return n
	case tousu.StatusMerged:
		step(tousu.ActMerge, validPayload(tousu.ActMerge, e))
		return n
	case tousu.StatusAccepted:
		// On-site classification, so that resolve is possible as the table says.
		step(tousu.ActAccept, map[string]any{"classification": "onsite"})
		return n
	}
	step(tousu.ActAccept, validPayload(tousu.ActAccept, e))
	assign := validPayload(tousu.ActAssign, e).(map[string]any)
	if e.assisted {
		assign["assisting_units"] = []string{"dept-b"}
	}
	step(tousu.ActAssign, assign)
	if s == tousu.StatusAssigned {
		return n
	}
	step(tousu.ActSign, nil)
	switch s {
	case tousu.StatusInProgress:
		return n
	case tousu.StatusSuspended:
		step(tousu.ActSuspend, validPayload(tousu.ActSuspend, e))
		return n
	}
	step(tousu.ActReport, validPayload(tousu.ActReport, e))
	if s == tousu.StatusReported {
		return n
	}
	step(tousu.ActDecide, validPayload(tousu.ActDecide, e))
	if s == tousu.StatusDecided {
		return n
	}
	step(tousu.ActReply, validPayload(tousu.ActReply, e))
	if s == tousu.StatusReplied {
		return n
	}
	step(tousu.ActClose, validPayload(tousu.ActClose, e))
	if s == tousu.StatusClosed {
		return n
	}
	step(tousu.ActArchive, nil)
	if s == tousu.StatusArchived {
		return n
	}
	e.t.Fatalf("drive: unknown status %s", s)
	return ""
}

// TestEveryActionFromEveryState takes every action from every state with a valid
// payload and the account the table allows: it succeeds exactly where the table says,
// and elsewhere answers 409 invalid_transition naming the state and the allowed actions.
func TestEveryActionFromEveryState(t *testing.T) {
	e := newEnv(t)
	for _, s := range tousu.Statuses.Values() {
		allowed := tousu.ActionsFrom(s)
		for _, tr := range tousu.Lifecycle {
			act := tr.Action
			t.Run(fmt.Sprintf("%s/%s", s, act), func(t *testing.T) {
				e.t = t
				e.assisted = act == tousu.ActAssistSign || act == tousu.ActAssistReport
				n := e.drive(s)
				e.prepare(n, s, act)
				// Refusals are tried by an account holding every role, so that
				// only the state can be the reason.
				who := "omni"
				if slices.Contains(allowed, act) {
					who = actorFor(act)
				}
				r := e.do("POST", "/api/v1/complaints/"+n+"/"+string(act), who, validPayload(act, e))
				if slices.Contains(allowed, act) {
					if r.code != http.StatusOK {
						t.Fatalf("%s from %s: got %d, want 200: %s", act, s, r.code, r.raw)
					}
					want := tr.To
					if want == "" {
						want = s
					}
					if got := tousu.Status(r.str("status")); got != want {
						t.Errorf("%s from %s: status %s, want %s", act, s, got, want)
					}
					return
				}
				if r.code != http.StatusConflict || r.str("error.code") != "invalid_transition" {
					t.Fatalf("%s from %s: got %d %s, want 409 invalid_transition", act, s, r.code, r.raw)
				}
				// The message speaks Chinese words only: the state's and the actions' labels.
				msg := r.str("error.message")
				if !strings.Contains(msg, "“"+tousu.Statuses.Label(s)+"”") || strings.Contains(msg, string(s)) {
					t.Errorf("%s from %s: message %q does not name the state in words", act, s, msg)
				}
				for _, a := range allowed {
					if !strings.Contains(msg, "“"+tousu.ActionLabel(a)+"”") {
						t.Errorf("%s from %s: message %q does not name allowed action %s", act, s, msg, a)
					}
				}
				if strings.ContainsAny(msg, "abcdefghijklmnopqrstuvwxyz") {
					t.Errorf("%s from %s: message %q leaks English codes", act, s, msg)
				}
				// Nothing changed.
				got := e.do("GET", "/api/v1/complaints/"+n, "supervisor", nil)
				if tousu.Status(got.str("status")) != s {
					t.Errorf("%s from %s: refused action changed status to %s", act, s, got.str("status"))
				}
			})
		}
	}
}

// stateFor is a state from which act is allowed, reached the ordinary way.
func stateFor(act tousu.Action) tousu.Status {
	switch act {
	case tousu.ActAccept, tousu.ActReject, tousu.ActWithdraw, tousu.ActMerge, tousu.ActAmend:
		return tousu.StatusRegistered
	case tousu.ActResolve:
		return tousu.StatusAccepted
	case tousu.ActSign, tousu.ActReturn, tousu.ActUrge, tousu.ActRecall, tousu.ActAssistSign, tousu.ActAssistReport:
		return tousu.StatusAssigned
	case tousu.ActAssign, tousu.ActNote, tousu.ActSuspend, tousu.ActExtend, tousu.ActDecide, tousu.ActReport,
		tousu.ActInstruct, tousu.ActApproveExtension, tousu.ActDenyExtension:
		return tousu.StatusInProgress
	case tousu.ActSendBack:
		return tousu.StatusReported
	case tousu.ActDisciplineOutcome:
		return tousu.StatusDecided
	case tousu.ActResume:
		return tousu.StatusSuspended
	case tousu.ActReply:
		return tousu.StatusDecided
	case tousu.ActFeedback, tousu.ActClose, tousu.ActReopen:
		return tousu.StatusReplied
	case tousu.ActArchive:
		return tousu.StatusClosed
	}
	return ""
}

// TestEveryRoleForEveryAction takes every action, from a state that allows it, as every
// role: the roles the table names succeed; the others are refused with 403, or 404 where
// the account may not see the case at all (a handler of another unit, or before the case
// reaches the handler's unit).
func TestEveryRoleForEveryAction(t *testing.T) {
	e := newEnv(t)
	accounts := map[string]tousu.Role{"clerk": tousu.RoleClerk, "supervisor": tousu.RoleSupervisor,
		"handler-a": tousu.RoleHandler, "handler-b": tousu.RoleHandler, "inspector": tousu.RoleInspector,
		"leader": tousu.RoleLeader, "admin": tousu.RoleAdmin}
	for _, tr := range tousu.Lifecycle {
		s := stateFor(tr.Action)
		for login, role := range accounts {
			t.Run(fmt.Sprintf("%s/%s", tr.Action, login), func(t *testing.T) {
				e.t = t
				assist := tr.Action == tousu.ActAssistSign || tr.Action == tousu.ActAssistReport
				e.assisted = assist
				n := e.drive(s)
				e.prepare(n, s, tr.Action)
				r := e.do("POST", "/api/v1/complaints/"+n+"/"+string(tr.Action), login, validPayload(tr.Action, e))
				assignedToA := s != tousu.StatusRegistered && s != tousu.StatusAccepted
				var want int
				switch {
				case role == tousu.RoleAdmin:
					want = http.StatusForbidden // admins see no case content
				case assist && login == "handler-b":
					want = http.StatusOK // the assisting unit's handler
				case assist && login == "handler-a":
					want = http.StatusForbidden // the lead unit's handler sees the case but does not assist
				case login == "handler-b", login == "handler-a" && !assignedToA:
					want = http.StatusNotFound // not theirs to see
				case slices.Contains(tr.Roles, role):
					want = http.StatusOK
				default:
					want = http.StatusForbidden
				}
				if r.code != want {
					t.Fatalf("%s as %s from %s: got %d, want %d: %s", tr.Action, login, s, r.code, want, r.raw)
				}
			})
		}
	}
}
