package app

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"tousu"
)

// PublicEvent is one entry of the timeline a complainant sees: what happened, in plain
// Chinese, without internal notes or the names of staff.
type PublicEvent struct {
	Type  tousu.EventType `json:"type"`
	Label string          `json:"label"`
	At    time.Time       `json:"at"`
	Text  string          `json:"text,omitempty"`
}

// PublicView is what the holder of a query code sees (DESIGN §5): never identities,
// never internal events.
type PublicView struct {
	Number      string       `json:"number"`
	Kind        tousu.Kind   `json:"kind"`
	KindLabel   string       `json:"kind_label"`
	Status      tousu.Status `json:"status"`
	StatusLabel string       `json:"status_label"`
	ReceivedAt  time.Time    `json:"received_at"`
	DueDate     tousu.Date   `json:"due_date"`
	// DueProvisional says the due date may still move with next year's holiday notice.
	DueProvisional bool          `json:"due_provisional"`
	Matter         string        `json:"matter"`
	Timeline       []PublicEvent `json:"timeline"`
	Reply          *tousu.Reply  `json:"reply"`
	// Satisfaction is the latest rating, 0 when none.
	Satisfaction int `json:"satisfaction,omitempty"`
	// CanFeedback says whether the satisfaction form is open: replied, and not already
	// rated dissatisfied (that rating waits for a supervisor).
	CanFeedback bool `json:"can_feedback"`
	// Explanation is what the supervisor told a dissatisfied complainant on closing.
	Explanation string `json:"explanation,omitempty"`
}

// Track shows a complaint to the holder of its query code. A wrong code is the same
// not-found as an unknown number, so that numbers cannot be probed.
func (a *App) Track(ctx context.Context, number, code string) (*PublicView, error) {
	c, err := a.findByCode(ctx, number, code)
	if err != nil {
		return nil, err
	}
	evs, err := a.store.ListEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	v := &PublicView{Number: c.Number, Kind: c.Kind, KindLabel: tousu.Kinds.Label(c.Kind), Status: c.Status,
		StatusLabel: tousu.Statuses.Label(c.Status), ReceivedAt: c.ReceivedAt.In(a.loc), DueDate: c.Deadline.Due,
		Matter: c.Matter, Satisfaction: c.Satisfaction, CanFeedback: c.Status == tousu.StatusReplied && !c.Handling.Dissatisfied,
		Explanation: c.Handling.Explanation,
		Timeline:    []PublicEvent{}}
	if c.Status == tousu.StatusReplied || c.Status == tousu.StatusClosed || c.Status == tousu.StatusArchived {
		v.Reply = c.Reply
	}
	if !c.Status.Open() {
		v.DueDate = tousu.Date{}
	} else {
		v.DueProvisional = ref.cal.Provisional(c.Deadline.Start, c.Deadline.Due)
	}
	for _, e := range evs {
		if !e.Public() {
			continue
		}
		v.Timeline = append(v.Timeline, PublicEvent{Type: e.Type, Label: tousu.EventLabels[e.Type],
			At: e.At.In(a.loc), Text: publicText(ref, e)})
	}
	return v, nil
}

func (a *App) findByCode(ctx context.Context, number, code string) (*tousu.Complaint, error) {
	number, code = strings.TrimSpace(number), strings.TrimSpace(code)
	if number == "" || code == "" || len(number) > 40 || len(code) > 40 {
		return nil, notFoundPublic()
	}
	c, err := a.store.FindComplaint(ctx, number)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, notFoundPublic()
	}
	if err != nil {
		return nil, err
	}
	if !codeMatches(c, code) {
		return nil, notFoundPublic()
	}
	return c, nil
}

func notFoundPublic() error {
	return tousu.Errorf(tousu.KindNotFound, "未找到：请核对受理编号和查询码")
}

// publicText tells the complainant what an event means for them, from its payload;
// internal details (units, staff, notes) stay out.
func publicText(ref *reference, e tousu.Event) string {
	var m map[string]any
	_ = json.Unmarshal(e.Payload, &m)
	str := func(k string) string { s, _ := m[k].(string); return s }
	switch e.Type {
	case tousu.EventRegister:
		return "您的投诉已登记，承诺办理期限至 " + str("due_date") + "。"
	case "accept":
		return "经审查，您的投诉已受理，将于 " + str("due_date") + " 前办结并答复。"
	case "reject":
		text := "不予受理：" + tousu.RejectReasons.Label(tousu.RejectReason(str("reason"))) + "。" + str("explanation")
		if ref, ok := m["referral"].(map[string]any); ok {
			body, _ := ref["body"].(string)
			contact, _ := ref["contact"].(string)
			if body != "" {
				text += " 建议向" + body + "反映"
				if contact != "" {
					text += "（联系方式：" + contact + "）"
				}
				text += "。"
			}
		}
		return text
	case tousu.EventDueAdjusted:
		text := "因国家节假日安排调整，办理期限调整为 " + str("due_date")
		if p, _ := m["provisional"].(bool); p {
			text += "（预计）"
		}
		return text + "。"
	case "withdraw":
		return "投诉已撤回。"
	case "merge":
		return "您反映的问题已与同一事项合并办理（" + str("into") + "）。"
	case "assign":
		return "已交承办单位调查处理。"
	case "sign":
		return "承办单位已签收，正在调查核实。"
	case "suspend":
		return "办理暂时中止：" + str("reason")
	case "resume":
		return "已恢复办理，办理期限至 " + str("due_date") + "。"
	case "extend":
		return "办理期限延长至 " + str("due_date") + "。理由：" + str("reason")
	case "decide":
		return "已作出处理决定，即将答复。"
	case "reply", "resolve":
		return "已答复，请查看下方的处理结果并评价。"
	case "feedback":
		level, _ := m["level"].(float64)
		text := "评价：" + tousu.SatisfactionLabels[int(level)]
		if reopen, _ := m["reopen"].(bool); reopen {
			text += "。已按您的要求重新办理。"
		}
		return text
	case "close":
		return "已办结。"
	case "reopen":
		return "重新办理，办理期限至 " + str("due_date") + "。"
	case "archive":
		return "已归档。"
	}
	return ""
}

// Feedback records the complainant's satisfaction with the reply; a dissatisfied
// complainant (level 1–2) may ask for the case to be handled again (重办).
func (a *App) Feedback(ctx context.Context, number, code string, p *tousu.FeedbackPayload) (*PublicView, error) {
	c, err := a.findByCode(ctx, number, code)
	if err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := tousu.CheckTransition(c.Status, tousu.ActFeedback, tousu.PublicActor); err != nil {
		return nil, err
	}
	if _, err := a.apply(ctx, ref, tousu.PublicActor, c, tousu.ActFeedback, p); err != nil {
		return nil, err
	}
	return a.Track(ctx, number, code)
}
