package app

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/notify"
)

// The reading side of the outbox: each account's desk messages, the admin's view of
// every message with a retry for dead ones, and the admin's message templates.

// DeskMessage is a notification on the signed-in account's desk.
type DeskMessage struct {
	ID     int64
	Number string // the complaint it is about, for the link; "" when it names none
	// Evaluation is the 好差评 rating it is about (a bad rating's call-back, its
	// warnings), for the link; "" when it names none.
	Evaluation string
	Subject    string
	Body       string
	At         time.Time
	Read       bool
}

// DeskPage is one page of desk messages, newest first.
type DeskPage struct {
	Items []DeskMessage
	// Next is the AfterID of the next page; 0 on the last.
	Next int64
}

// numberPattern finds a complaint number in a message: desk templates must name it.
var numberPattern = regexp.MustCompile(NumberPrefix + `[0-9]{8}-[0-9]{4,}`)

// evaluationPattern finds a rating's number (evaluationID) in a message.
var evaluationPattern = regexp.MustCompile(`PJ[0-9]{8}-[A-Z0-9]{6}`)

// DeskMessages lists the actor's own desk messages, newest first, after the message
// afterID (0: from the newest); only the unread when unread is set.
func (a *App) DeskMessages(ctx context.Context, actor tousu.Actor, unread bool, afterID int64, limit int) (*DeskPage, error) {
	if actor.Login == "" || actor.Has(tousu.RolePublic) {
		return nil, tousu.Errorf(tousu.KindUnauthorized, "请先登录")
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	ms, err := a.store.ListMessages(ctx, tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: actor.Login,
		Unread: unread, AfterID: afterID, Limit: limit})
	if err != nil {
		return nil, err
	}
	page := &DeskPage{Items: make([]DeskMessage, 0, len(ms))}
	for _, m := range ms {
		page.Items = append(page.Items, DeskMessage{ID: m.ID, Number: numberPattern.FindString(m.Subject + " " + m.Body),
			Subject: m.Subject, Body: m.Body, At: m.CreatedAt.In(a.loc), Read: m.ReadAt != nil})
		if it := &page.Items[len(page.Items)-1]; it.Number == "" {
			it.Evaluation = evaluationPattern.FindString(m.Subject + " " + m.Body)
		}
	}
	if len(ms) == limit {
		page.Next = ms[len(ms)-1].ID
	}
	return page, nil
}

// unreadCap bounds the unread count the desk shows ("99+").
const unreadCap = 100

// UnreadCount is how many of the actor's desk messages are unread, at most 100.
func (a *App) UnreadCount(ctx context.Context, actor tousu.Actor) (int, error) {
	if actor.Login == "" {
		return 0, nil
	}
	ms, err := a.store.ListMessages(ctx, tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: actor.Login,
		Unread: true, Limit: unreadCap})
	return len(ms), err
}

// MarkRead marks one of the actor's desk messages read. Someone else's message is not
// found.
func (a *App) MarkRead(ctx context.Context, actor tousu.Actor, id int64) error {
	ms, err := a.store.ListMessages(ctx, tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: actor.Login,
		AfterID: id + 1, Limit: 1})
	if err != nil {
		return err
	}
	if actor.Login == "" || len(ms) == 0 || ms[0].ID != id {
		return tousu.Errorf(tousu.KindNotFound, "没有这条消息")
	}
	return a.markRead(ctx, &ms[0])
}

// MarkAllRead marks every desk message of the actor read and returns how many.
func (a *App) MarkAllRead(ctx context.Context, actor tousu.Actor) (int, error) {
	if actor.Login == "" {
		return 0, tousu.Errorf(tousu.KindUnauthorized, "请先登录")
	}
	n := 0
	for range 100 { // at most 50,000 at a time: a bound, not a limit anyone meets
		ms, err := a.store.ListMessages(ctx, tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: actor.Login,
			Unread: true, Limit: 500})
		if err != nil || len(ms) == 0 {
			return n, err
		}
		for i := range ms {
			if err := a.markRead(ctx, &ms[i]); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// markRead records that the recipient has read m, which delivers it too.
func (a *App) markRead(ctx context.Context, m *tousu.Message) error {
	if m.ReadAt != nil {
		return nil
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	m.ReadAt = &now
	if m.Status == tousu.MessagePending {
		m.Status, m.SentAt = tousu.MessageSent, &now
	}
	return a.store.UpdateMessage(ctx, m)
}

// OutboxRow is a message as the admin's outbox page shows it: never its body (a reply
// is case content, which admins do not read) and the recipient masked.
type OutboxRow struct {
	ID          int64
	Channel     tousu.MessageChannel
	Recipient   string
	Subject     string
	Status      tousu.MessageStatus
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      *time.Time
	ReadAt      *time.Time
	// Retryable says whether the admin may send it again: dead messages only.
	Retryable bool
}

// OutboxPage is one page of the outbox, newest first.
type OutboxPage struct {
	Items []OutboxRow
	Next  int64 // the AfterID of the next page; 0 on the last
}

// Outbox lists the outbox for the admin, newest first (status and channel "" for all).
func (a *App) Outbox(ctx context.Context, actor tousu.Actor, status tousu.MessageStatus, channel tousu.MessageChannel, afterID int64) (*OutboxPage, error) {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return nil, err
	}
	const limit = 50
	ms, err := a.store.ListMessages(ctx, tousu.MessageFilter{Status: status, Channel: channel, AfterID: afterID, Limit: limit})
	if err != nil {
		return nil, err
	}
	page := &OutboxPage{Items: make([]OutboxRow, 0, len(ms))}
	for _, m := range ms {
		row := OutboxRow{ID: m.ID, Channel: m.Channel, Recipient: a.recipient(&m), Subject: maskCode(m.Subject),
			Status: m.Status, Attempts: m.Attempts, NextAttempt: m.NextAttempt.In(a.loc), LastError: m.LastError,
			CreatedAt: m.CreatedAt.In(a.loc), Retryable: m.Status == tousu.MessageDead}
		if m.SentAt != nil {
			t := m.SentAt.In(a.loc)
			row.SentAt = &t
		}
		if m.ReadAt != nil {
			t := m.ReadAt.In(a.loc)
			row.ReadAt = &t
		}
		page.Items = append(page.Items, row)
	}
	if len(ms) == limit {
		page.Next = ms[len(ms)-1].ID
	}
	return page, nil
}

// maskCode shows where the query code goes without the code.
func maskCode(s string) string { return strings.ReplaceAll(s, queryCodePlaceholder, "**********") }

// recipient names who a message is for, as an admin may see it.
func (a *App) recipient(m *tousu.Message) string {
	switch m.Channel {
	case tousu.MessageDesk:
		return m.ToLogin
	case tousu.MessageWebhook:
		return "TOUSU_WEBHOOK_URL"
	case tousu.MessageHotline:
		return "TOUSU_HOTLINE_URL"
	}
	plain, err := a.keys.Open(m.To, envelopeAAD(m.ComplaintID))
	if err != nil {
		return "（无法解密）"
	}
	var env envelope
	if json.Unmarshal(plain, &env) != nil {
		return "（无效）"
	}
	return maskAddress(env.To)
}

// RetryMessage gives a dead message another round of attempts (admin; audited), e.g.
// once the gateway is fixed. A sent message is never sent again.
func (a *App) RetryMessage(ctx context.Context, actor tousu.Actor, id int64) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	ms, err := a.store.ListMessages(ctx, tousu.MessageFilter{AfterID: id + 1, Limit: 1})
	if err != nil {
		return err
	}
	if len(ms) == 0 || ms[0].ID != id {
		return tousu.Errorf(tousu.KindNotFound, "没有这条消息")
	}
	m := ms[0]
	if m.Status != tousu.MessageDead {
		return tousu.Errorf(tousu.KindConflict, "只能重发发送失败（已放弃）的消息")
	}
	m.Status, m.Attempts, m.NextAttempt = tousu.MessagePending, 0, a.now().UTC().Truncate(time.Millisecond)
	if err := a.store.UpdateMessage(ctx, &m); err != nil {
		return err
	}
	return a.audit(ctx, actor, "outbox.retry", strconv.FormatInt(id, 10), string(m.Channel))
}

// TemplateView is a message template as the admin edits it.
type TemplateView struct {
	notify.Spec
	Current    notify.Template
	Customized bool // differs from the default
	// Preview is the current template on the sample data.
	Preview struct{ Subject, Body, SMS string }
	// SMSLength is the preview's SMS length in characters (one message holds 70).
	SMSLength int
}

// Templates lists the message templates with their wording in force (admin).
func (a *App) Templates(ctx context.Context, actor tousu.Actor) ([]TemplateView, error) {
	if err := requireRole(actor, tousu.RoleAdmin); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TemplateView, 0, len(notify.Specs))
	for _, s := range notify.Specs {
		v := TemplateView{Spec: s, Current: notify.FromSettings(s, ref.settings)}
		v.Customized = v.Current != s.Default
		sample := notify.Sample()
		v.Preview.Subject, _ = notify.Render(v.Current.Subject, sample)
		v.Preview.Body, _ = notify.Render(v.Current.Body, sample)
		if s.Audience == notify.Complainant {
			v.Preview.SMS, _ = notify.Render(v.Current.SMS, sample)
			v.SMSLength = len([]rune(v.Preview.SMS))
		}
		out = append(out, v)
	}
	return out, nil
}

// SaveTemplate changes the wording of a notification (admin; audited). Each part is
// checked on the sample data first; the problems come back as field errors.
func (a *App) SaveTemplate(ctx context.Context, actor tousu.Actor, kind notify.Kind, t notify.Template) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	spec, ok := notify.SpecOf(kind)
	if !ok {
		return tousu.Errorf(tousu.KindNotFound, "没有这个消息模板")
	}
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	t.Subject, t.Body, t.SMS = norm(t.Subject), norm(t.Body), norm(t.SMS)
	hygiene := tousu.Problems{}
	tousu.CheckLine(hygiene, "subject", t.Subject, 0)
	tousu.CheckText(hygiene, "body", t.Body, 0)
	tousu.CheckText(hygiene, "sms", t.SMS, 0)
	if err := hygiene.Err(); err != nil {
		return err
	}
	if problems := t.Check(spec.Audience); problems != nil {
		return tousu.Problems(problems).Err()
	}
	return a.putTemplate(ctx, actor, spec, t, "template.put")
}

// ResetTemplate restores the default wording of a notification (admin; audited).
func (a *App) ResetTemplate(ctx context.Context, actor tousu.Actor, kind notify.Kind) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	spec, ok := notify.SpecOf(kind)
	if !ok {
		return tousu.Errorf(tousu.KindNotFound, "没有这个消息模板")
	}
	return a.putTemplate(ctx, actor, spec, spec.Default, "template.reset")
}

func (a *App) putTemplate(ctx context.Context, actor tousu.Actor, spec notify.Spec, t notify.Template, act string) error {
	for k, v := range notify.Settings(spec, t) {
		if err := a.store.PutSetting(ctx, k, v); err != nil {
			return err
		}
	}
	a.invalidate()
	return a.audit(ctx, actor, act, string(spec.Kind), "")
}
