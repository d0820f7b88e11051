package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
)

// The admin pages of notifications: the outbox (/desk/admin/outbox) — every message by
// status, dead ones with a retry — and the message templates with the escalation ladder
// (/desk/admin/templates).

// adminOutboxPage is the view model of /desk/admin/outbox.
type adminOutboxPage struct {
	adminBase
	Status, Channel string
	Statuses        []deskOption
	Channels        []deskOption
	Rows            []outboxRow
	Next            string
	State           app.ChannelState
}

// outboxRow is a message in the list, in words.
type outboxRow struct {
	app.OutboxRow
	ChannelLabel, StatusLabel string
}

var (
	messageStatuses = tousu.Vocabulary[tousu.MessageStatus]{
		{Value: tousu.MessagePending, Label: "待发送"}, {Value: tousu.MessageSent, Label: "已发送"},
		{Value: tousu.MessageDead, Label: "发送失败"},
	}
	messageChannels = tousu.Vocabulary[tousu.MessageChannel]{
		{Value: tousu.MessageSMS, Label: "短信"}, {Value: tousu.MessageEmail, Label: "电子邮件"},
		{Value: tousu.MessageWebhook, Label: "Webhook"}, {Value: tousu.MessageHotline, Label: "12345热线"}, {Value: tousu.MessageDesk, Label: "工作台"},
	}
)

func (s *Server) adminOutbox(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	q := r.URL.Query()
	status, channel := tousu.MessageStatus(q.Get("status")), tousu.MessageChannel(q.Get("channel"))
	if status != "" && !messageStatuses.Valid(status) {
		status = ""
	}
	if channel != "" && !messageChannels.Valid(channel) {
		channel = ""
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page, err := s.app.Outbox(r.Context(), actor, status, channel, max(after, 0))
	if err != nil {
		return err
	}
	vm := adminOutboxPage{adminBase: s.adminBase(r, actor, "消息发送", "/desk/admin/outbox"),
		Status: string(status), Channel: string(channel), Statuses: deskOptions(messageStatuses),
		Channels: deskOptions(messageChannels), State: s.app.Channels()}
	for _, m := range page.Items {
		vm.Rows = append(vm.Rows, outboxRow{OutboxRow: m, ChannelLabel: messageChannels.Label(m.Channel),
			StatusLabel: messageStatuses.Label(m.Status)})
	}
	if page.Next != 0 {
		next := url.Values{"after": {strconv.FormatInt(page.Next, 10)}}
		if status != "" {
			next.Set("status", string(status))
		}
		if channel != "" {
			next.Set("channel", string(channel))
		}
		vm.Next = "/desk/admin/outbox?" + next.Encode()
	}
	return s.render(w, r, http.StatusOK, "desk/admin_outbox", vm)
}

func (s *Server) adminOutboxRetry(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return tousu.Errorf(tousu.KindNotFound, "没有这条消息")
	}
	if err := s.app.RetryMessage(r.Context(), actor, id); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/admin/outbox?status=pending", "消息 "+strconv.FormatInt(id, 10)+" 将在下一轮重新发送")
}

// adminTemplatesPage is the view model of /desk/admin/templates.
type adminTemplatesPage struct {
	adminBase
	Templates []app.TemplateView
	Fields    []notify.Field
	// Editing is the template whose form is open; F holds its values and problems.
	Editing *app.TemplateView
	F       *deskForm
	Ladder  *deskForm
	// Handling is the form of the handling policy: extension caps and approval, the
	// closing of unrated replies.
	Handling *deskForm
	SMSMax   int
}

func (s *Server) adminTemplates(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderTemplates(w, r, actor, http.StatusOK, notify.Kind(r.URL.Query().Get("edit")), nil, nil)
}

// renderTemplates shows the page; f, when given, is the refused form of kind edit, and
// ladder the refused ladder form.
func (s *Server) renderTemplates(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, edit notify.Kind, f, ladder *deskForm) error {
	ctx := r.Context()
	views, err := s.app.Templates(ctx, actor)
	if err != nil {
		return err
	}
	vm := adminTemplatesPage{adminBase: s.adminBase(r, actor, "消息模板", "/desk/admin/templates"), Templates: views,
		Fields: notify.Fields, F: f, Ladder: ladder, SMSMax: notify.SMSLength}
	if edit != "" {
		for i := range views {
			if views[i].Kind == edit {
				vm.Editing = &views[i]
			}
		}
		if vm.Editing == nil {
			return tousu.Errorf(tousu.KindNotFound, "没有这个消息模板")
		}
		if vm.F == nil {
			t := vm.Editing.Current
			vm.F = newForm(url.Values{"subject": {t.Subject}, "body": {t.Body}, "sms": {t.SMS}})
			if t.Off {
				vm.F.Values.Set("off", "1")
			}
		}
	}
	if vm.Ladder == nil {
		l, err := s.app.Ladder(ctx)
		if err != nil {
			return err
		}
		vm.Ladder = newForm(url.Values{"due_soon_days": {strconv.Itoa(l.DueSoonDays)}, "urge_after": {strconv.Itoa(l.UrgeAfter)},
			"head_after": {strconv.Itoa(l.HeadAfter)}, "office_after": {strconv.Itoa(l.OfficeAfter)},
			"inspection_after": {strconv.Itoa(l.InspectionAfter)}})
	}
	if f, ok := r.Context().Value(handlingFormKey{}).(*deskForm); ok {
		vm.Handling = f
	} else {
		p, err := s.app.HandlingPolicy(ctx)
		if err != nil {
			return err
		}
		vm.Handling = newForm(url.Values{"extension_cap_workdays": {strconv.Itoa(p.ExtensionCapWorkdays)},
			"extension_cap_days": {strconv.Itoa(p.ExtensionCapDays)}, "approval_above_workdays": {strconv.Itoa(p.ApprovalAboveWorkdays)},
			"approval_above_days": {strconv.Itoa(p.ApprovalAboveDays)}, "auto_close_after": {strconv.Itoa(p.AutoCloseAfter)},
			"sign_within": {strconv.Itoa(p.SignWithin)}})
	}
	return s.render(w, r, code, "desk/admin_templates", vm)
}

func (s *Server) adminTemplateSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	kind := notify.Kind(r.PathValue("kind"))
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	t := notify.Template{Subject: v.Get("subject"), Body: v.Get("body"), SMS: v.Get("sms"), Off: v.Get("off") == "1"}
	if err := s.app.SaveTemplate(r.Context(), actor, kind, t); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderTemplates(w, r, actor, refusal(err), kind, f, nil)
	}
	spec, _ := notify.SpecOf(kind)
	return s.redirectFlash(w, r, "/desk/admin/templates", "已保存消息模板“"+spec.Label+"”")
}

func (s *Server) adminTemplateReset(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	kind := notify.Kind(r.PathValue("kind"))
	if err := s.app.ResetTemplate(r.Context(), actor, kind); err != nil {
		return err
	}
	spec, _ := notify.SpecOf(kind)
	return s.redirectFlash(w, r, "/desk/admin/templates", "已将消息模板“"+spec.Label+"”恢复为默认")
}

func (s *Server) adminLadderSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(v)
	num := f.Int
	l := app.Ladder{DueSoonDays: num("due_soon_days"), UrgeAfter: num("urge_after"), HeadAfter: num("head_after"),
		OfficeAfter: num("office_after"), InspectionAfter: num("inspection_after")}
	if len(f.Errors) > 0 {
		f.Message = "提交的内容有误，请按提示修改"
		return s.renderTemplates(w, r, actor, http.StatusUnprocessableEntity, "", nil, f)
	}
	if err := s.app.SetLadder(r.Context(), actor, l); err != nil {
		if !refusable(err) {
			return err
		}
		f.refuse(err)
		return s.renderTemplates(w, r, actor, refusal(err), "", nil, f)
	}
	return s.redirectFlash(w, r, "/desk/admin/templates", "已保存预警与督办规则，下一轮检查起生效")
}

// handlingFormKey carries a refused handling-policy form to renderTemplates.
type handlingFormKey struct{}

func (s *Server) adminHandlingSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(v)
	num := f.Int
	p := app.HandlingPolicy{ExtensionCapWorkdays: num("extension_cap_workdays"), ExtensionCapDays: num("extension_cap_days"),
		ApprovalAboveWorkdays: num("approval_above_workdays"), ApprovalAboveDays: num("approval_above_days"),
		AutoCloseAfter: num("auto_close_after"), SignWithin: num("sign_within")}
	refused := func(code int) error {
		r = r.WithContext(context.WithValue(r.Context(), handlingFormKey{}, f))
		return s.renderTemplates(w, r, actor, code, "", nil, nil)
	}
	if len(f.Errors) > 0 {
		f.Message = "提交的内容有误，请按提示修改"
		return refused(http.StatusUnprocessableEntity)
	}
	if err := s.app.SetHandlingPolicy(r.Context(), actor, p); err != nil {
		if !refusable(err) {
			return err
		}
		f.refuse(err)
		return refused(refusal(err))
	}
	return s.redirectFlash(w, r, "/desk/admin/templates", "已保存延期、签收与回访规则")
}
