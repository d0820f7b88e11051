package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tousu/internal/app"
	"tousu/internal/notify"
)

var readAction = regexp.MustCompile(`action="/desk/notifications/(\d+)/read"`)

func TestDeskNotifications(t *testing.T) {
	e := newEnv(t)
	n := e.register(nil)
	e.act(n, "accept", "supervisor", map[string]any{"classification": "case"}, http.StatusOK)
	e.act(n, "assign", "supervisor", map[string]any{"unit": "dept-a", "handler": "handler-a2", "mode": "transfer"}, http.StatusOK)

	h := e.signIn("handler-a2")
	inbox := h.get("/desk/")
	mustContain(t, "the handler's inbox", inbox, `href="/desk/notifications">消息 <span class="badge unread-count"`, "未读 1 条")

	p := h.get("/desk/notifications")
	if p.code != http.StatusOK {
		t.Fatalf("GET /desk/notifications: %d", p.code)
	}
	mustContain(t, "notifications", p, "新派单 "+n, "督查员将投诉 "+n+" 派至人社局", "查看投诉件 "+n, `class="card message unread"`)
	m := readAction.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no read form on the notifications page:\n%s", clipBody(p.body))
	}
	id := m[1]

	// Someone else cannot mark it read: not found.
	other := e.signIn("handler-b")
	if r := other.post("/desk/notifications/"+id+"/read", url.Values{"number": {n}}); r.code != http.StatusNotFound {
		t.Errorf("another account marking the message read: %d, want 404", r.code)
	}
	// Reading it opens the case and marks it read.
	r := h.post("/desk/notifications/"+id+"/read", url.Values{"number": {n}})
	if r.code != http.StatusSeeOther || r.location != "/desk/complaints/"+n {
		t.Errorf("reading the message: %d to %q, want 303 to the case", r.code, r.location)
	}
	after := h.get("/desk/notifications?unread=1")
	mustContain(t, "unread after reading", after, "没有未读消息")
	if strings.Contains(after.body, "unread-count") {
		t.Error("the navigation still counts an unread message")
	}
	// A foreign redirect target is refused: the list instead.
	if r := h.post("/desk/notifications/"+id+"/read", url.Values{"number": {"//evil.example/x"}}); r.location != "/desk/notifications" {
		t.Errorf("read with a strange number redirects to %q, want the list", r.location)
	}
	if r := h.post("/desk/notifications/read-all", nil); r.code != http.StatusSeeOther {
		t.Errorf("read-all: %d, want 303", r.code)
	}
	// GET never changes state.
	if r := h.get("/desk/notifications/" + id + "/read"); r.code == http.StatusSeeOther {
		t.Error("GET of the read action redirected: it must not mark anything")
	}
}

func TestAdminOutboxAndTemplates(t *testing.T) {
	e := newEnv(t)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer gw.Close()
	sms, err := notify.NewSMSGateway(gw.URL)
	if err != nil {
		t.Fatal(err)
	}
	e.app.SetNotifications(app.Notifications{SMS: sms, MaxAttempts: 1})
	e.register(nil)
	if rep, err := e.app.DeliverOutbox(context.Background()); err != nil || rep.Dead != 1 {
		t.Fatalf("DeliverOutbox = %+v, %v; want one dead SMS", rep, err)
	}

	if p := e.signIn("supervisor").get("/desk/admin/outbox"); p.code != http.StatusForbidden {
		t.Errorf("a supervisor on the outbox page: %d, want 403", p.code)
	}
	admin := e.signIn("admin")
	p := admin.get("/desk/admin/outbox?status=dead")
	mustContain(t, "outbox", p, "发送失败", "138****5678", "HTTP 503", "重新发送", "短信：已配置")
	if strings.Contains(p.body, "13812345678") {
		t.Error("the outbox page shows the phone number in clear")
	}
	retry := regexp.MustCompile(`action="(/desk/admin/outbox/\d+/retry)"`).FindStringSubmatch(p.body)
	if retry == nil {
		t.Fatal("no retry form")
	}
	r := admin.follow(admin.post(retry[1], nil))
	mustContain(t, "after retry", r, "将在下一轮重新发送", "待发送")

	// Templates: the list, an edit refused with the problem beside the field, a save.
	tp := admin.get("/desk/admin/templates?edit=registered")
	mustContain(t, "templates", tp, "登记告知", "即将超期提醒", "预警与督办", `name="sms"`, ".QueryCode")
	bad := admin.post("/desk/admin/templates/registered", url.Values{"subject": {"已登记"}, "body": {"{{.Nubmer}}"}, "sms": {"x"}})
	if bad.code != http.StatusUnprocessableEntity {
		t.Errorf("saving a broken template: %d, want 422", bad.code)
	}
	mustContain(t, "refused template", bad, "模板有误", "{{.Nubmer}}")
	ok := admin.post("/desk/admin/templates/urged", url.Values{"subject": {"催办 {{.Number}}"}, "body": {"请尽快办理。"}})
	mustContain(t, "saved template", admin.follow(ok), "已保存消息模板“催办通知”", "已修改")
	if r := admin.post("/desk/admin/templates/nosuch", url.Values{"subject": {"x"}}); r.code != http.StatusNotFound {
		t.Errorf("saving an unknown template: %d, want 404", r.code)
	}
	lad := admin.post("/desk/admin/ladder", url.Values{"due_soon_days": {"3"}, "urge_after": {"5"}, "head_after": {"2"},
		"office_after": {"6"}, "inspection_after": {"x"}})
	if lad.code != http.StatusUnprocessableEntity {
		t.Errorf("saving a bad ladder: %d, want 422", lad.code)
	}
	mustContain(t, "refused ladder", lad, "请填写整数")
	lad = admin.post("/desk/admin/ladder", url.Values{"due_soon_days": {"5"}, "urge_after": {"1"}, "head_after": {"2"},
		"office_after": {"0"}, "inspection_after": {"8"}})
	mustContain(t, "saved ladder", admin.follow(lad), "已保存预警与督办规则", `name="due_soon_days" value="5"`)
	if l, _ := e.app.Ladder(context.Background()); l.DueSoonDays != 5 || l.OfficeAfter != 0 {
		t.Errorf("Ladder = %+v after saving", l)
	}
}
