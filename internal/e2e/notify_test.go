package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tousu"
	"tousu/internal/app"
)

// TestNotifications shows issue 7 in the browser: a case received weeks ago and assigned
// to the 人社局 is overdue; the deadline job warns, urges and escalates; the handler sees
// the messages on the desk, counted in the navigation, and opens the case from one, which
// marks it read; the timeline shows the steps. The admin's templates and outbox pages
// close it.
func TestNotifications(t *testing.T) {
	now := time.Date(2026, 2, 10, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var number string
	srv := startServer(t, serverOptions{Now: func() time.Time { return now }, Seed: func(t *testing.T, srv *server) {
		ctx := context.Background()
		clerk := tousu.Actor{Login: "clerk", Name: "陈受理", Roles: []tousu.Role{tousu.RoleClerk}, Unit: app.RootUnitCode}
		sup := tousu.Actor{Login: "supervisor", Name: "周督查", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: app.RootUnitCode}
		received := now.AddDate(0, 0, -30)
		v, err := srv.App.Register(ctx, clerk, tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelPhone,
			ReceivedAt: &received, Complainant: tousu.Complainant{Name: "张三", Phone: "13812345678"},
			Target: tousu.Target{Unit: "win-a1"}, Matter: "社保1号窗口工作人员多次要求补交材料，未一次性告知。"}, app.RegisterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		number = v.Number
		for _, step := range []struct {
			act tousu.Action
			p   tousu.Payload
		}{
			{tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase}},
			{tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Mode: tousu.ModeTransfer}},
		} {
			if _, err := srv.App.Act(ctx, sup, number, step.act, step.p); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := srv.App.ScanDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
	}})
	browser := newBrowser(t)

	handler := newTab(t, browser)
	signIn(t, handler, srv, "handler-a")
	// The assignment, the overdue warning and the urge; the escalations went above the 人社局.
	if got := textOf(t, handler, "header.site nav .unread-count"); got != "3" {
		t.Errorf("unread count in the navigation = %q, want 3 (assignment, overdue, urge)", got)
	}
	run(t, handler, "open the notifications", chromedp.Navigate(srv.URL+"/desk/notifications"),
		chromedp.WaitVisible(chromedp.CSS("ul.messages")))
	shot(t, handler, "handler-notifications")
	if got := textOf(t, handler, "ul.messages li:first-child strong"); !strings.Contains(got, number) {
		t.Errorf("newest message %q does not name %s", got, number)
	}
	submit(t, handler, "open the case from the newest message", "ul.messages li:first-child form button")
	run(t, handler, "the case page", chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := textOf(t, handler, "main"); !strings.Contains(got, "超期上报") || !strings.Contains(got, "系统自动催办") {
		t.Errorf("the case's timeline does not show the escalation and the automatic urge")
	}
	shot(t, handler, "case-timeline-warnings")
	if got := textOf(t, handler, "header.site nav .unread-count"); got != "2" {
		t.Errorf("after opening one, the unread count = %q, want 2", got)
	}
	viewport(t, handler, phoneWidth)
	run(t, handler, "the notifications on a phone", chromedp.Navigate(srv.URL+"/desk/notifications"),
		chromedp.WaitVisible(chromedp.CSS("ul.messages")))
	shot(t, handler, "handler-notifications-phone")

	adm := newTab(t, browser)
	signIn(t, adm, srv, "admin")
	run(t, adm, "the templates", chromedp.Navigate(srv.URL+"/desk/admin/templates?edit=registered"),
		chromedp.WaitVisible(chromedp.ID("template-form")))
	shot(t, adm, "admin-templates")
	run(t, adm, "the outbox", chromedp.Navigate(srv.URL+"/desk/admin/outbox"),
		chromedp.WaitVisible(chromedp.CSS("table.outbox")))
	shot(t, adm, "admin-outbox")

	sup := newTab(t, browser)
	signIn(t, sup, srv, "supervisor")
	run(t, sup, "the supervisor's notifications", chromedp.Navigate(srv.URL+"/desk/notifications"),
		chromedp.WaitVisible(chromedp.CSS("ul.messages")))
	if got := textOf(t, sup, "ul.messages"); !strings.Contains(got, "超期上报") || !strings.Contains(got, "已超期") {
		t.Errorf("the supervisor's messages lack the overdue warning or the escalation: %q", got)
	}
	shot(t, sup, "supervisor-notifications")
}
