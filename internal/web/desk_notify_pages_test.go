package web

import (
	"net/url"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
)

// Sample view models of the notification pages for TestPagesRender.

func sampleNotificationsPage() notificationsPage {
	user := *sampleUser
	user.Unread = 120
	c := sampleCommon
	c.User = &user
	return notificationsPage{Common: c, Unread: true, Next: "/desk/notifications?after=3&unread=1",
		Items: []app.DeskMessage{
			{ID: 4, Number: "TS20260130-0001", Subject: "即将超期 TS20260130-0001", Body: "还剩2个工作日", At: sampleAt},
			{ID: 3, Subject: "通知", Body: "无编号", At: sampleAt, Read: true},
		}}
}

func sampleAdminOutbox() adminOutboxPage {
	sent := sampleAt
	return adminOutboxPage{adminBase: sampleAdminBase("消息发送"), Status: "dead", Channel: "sms",
		Statuses: deskOptions(messageStatuses), Channels: deskOptions(messageChannels), Next: "/desk/admin/outbox?after=1",
		State: app.ChannelState{SMS: true, PublicURL: "https://ts.example.gov.cn", MaxAttempts: 8},
		Rows: []outboxRow{
			{OutboxRow: app.OutboxRow{ID: 2, Channel: tousu.MessageSMS, Recipient: "138****5678", Subject: "您的投诉已登记",
				Status: tousu.MessageDead, Attempts: 8, LastError: "sms: HTTP 503", CreatedAt: sampleAt, Retryable: true},
				ChannelLabel: "短信", StatusLabel: "发送失败"},
			{OutboxRow: app.OutboxRow{ID: 1, Channel: tousu.MessageDesk, Recipient: "handler-a", Subject: "催办",
				Status: tousu.MessagePending, Attempts: 1, NextAttempt: sampleAt.Add(time.Minute), CreatedAt: sampleAt, SentAt: &sent},
				ChannelLabel: "工作台", StatusLabel: "待发送"},
		}}
}

func sampleAdminTemplates() adminTemplatesPage {
	var views []app.TemplateView
	for _, s := range notify.Specs {
		v := app.TemplateView{Spec: s, Current: s.Default, Customized: s.Kind == notify.Registered, SMSLength: 80}
		v.Preview.Subject, v.Preview.Body, v.Preview.SMS = "标题", "正文", "短信"
		views = append(views, v)
	}
	views[1].Current.Off = true
	f := newForm(url.Values{"subject": {"{{.Number}}"}, "off": {"1"}})
	f.refuse(tousu.Problems{"body": "模板有误", "sms": "不能为空"}.Err())
	ladder := newForm(url.Values{"due_soon_days": {"3"}})
	ladder.refuse(tousu.Problems{"head_after": "不能早于前一步"}.Err())
	return adminTemplatesPage{adminBase: sampleAdminBase("消息模板"), Templates: views, Fields: notify.Fields,
		Editing: &views[0], F: f, Ladder: ladder, SMSMax: notify.SMSLength,
		Handling: newForm(url.Values{"extension_cap_workdays": {"15"}})}
}
