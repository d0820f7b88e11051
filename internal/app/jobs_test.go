package app_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// The notification and deadline tests (notify.go, jobs.go, messages.go). Their helpers
// start with nt, to stay apart from the other tests of the package.

var ntZone = time.FixedZone("CST", 8*3600)

// ntClock is a clock the test moves by hand.
type ntClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ntClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *ntClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *ntClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// ntHook is an HTTP receiver (an SMS gateway, another system) inside the test process.
// It answers the queued status codes first, then always (200 when zero).
type ntHook struct {
	mu     sync.Mutex
	reqs   []ntRequest
	codes  []int
	always int
	srv    *httptest.Server
}

type ntRequest struct {
	Header http.Header
	Body   []byte
}

func newNTHook(t *testing.T) *ntHook {
	h := &ntHook{}
	h.srv = httptest.NewServer(h)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *ntHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.reqs = append(h.reqs, ntRequest{Header: r.Header.Clone(), Body: body})
	code := h.always
	if len(h.codes) > 0 {
		code, h.codes = h.codes[0], h.codes[1:]
	}
	h.mu.Unlock()
	if code == 0 {
		code = http.StatusOK
	}
	w.WriteHeader(code)
}

func (h *ntHook) requests() []ntRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// ntSMS decodes the texts an SMS gateway received.
func (h *ntHook) sms(t *testing.T) []struct{ Phone, Text string } {
	t.Helper()
	var out []struct{ Phone, Text string }
	for _, r := range h.requests() {
		var m struct{ Phone, Text string }
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatalf("SMS gateway got %s: %v", r.Body, err)
		}
		out = append(out, m)
	}
	return out
}

// ntMailbox records the e-mails sent (the SMTP sender itself is tested against a real
// listener in internal/notify).
type ntMailbox struct {
	mu   sync.Mutex
	sent []notify.Outgoing
}

func (m *ntMailbox) Send(ctx context.Context, o notify.Outgoing) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, o)
	return nil
}

func (m *ntMailbox) mails() []notify.Outgoing {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.sent)
}

// ntEnv is the use cases on a fresh database with this organisation and accounts:
//
//	root 区政务服务中心 (8765 4321)  clerk, supervisor, inspector, admin
//	├─ office 投诉督查处               staff O001, whose account office-sup is held at root
//	├─ dept-a 人社局                   handler-a (staff A002), head-a (leader)
//	│   └─ win-a1 社保1号窗口          handler-w (staff A001, the target: recused)
//	└─ dept-b 医保局                   handler-b
type ntEnv struct {
	t     *testing.T
	db    tousu.Store
	a     *app.App
	clock *ntClock
	keys  *pii.KeyRing
	dsn   string // postgres://… on PostgreSQL, for more nodes
	sms   *ntHook
	hook  *ntHook
	mail  *ntMailbox
}

const ntSecret = "webhook secret"

// The actors of these tests.
var (
	ntClerk      = tousu.Actor{Login: "clerk", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}, Unit: "root"}
	ntSupervisor = tousu.Actor{Login: "supervisor", Name: "督查员", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "root"}
	ntHandlerA   = tousu.Actor{Login: "handler-a", Name: "人社承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a", Staff: "A002"}
	ntAdmin      = tousu.Actor{Login: "admin", Name: "管理员", Roles: []tousu.Role{tousu.RoleAdmin}, Unit: "root"}
)

// ntStores runs test on SQLite, and on PostgreSQL when TOUSU_TEST_POSTGRES names one.
func ntStores(t *testing.T, test func(t *testing.T, e *ntEnv)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		test(t, newNTEnv(t, db, ""))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.NewPostgresDatabase(t)
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		test(t, newNTEnv(t, db, dsn))
	})
}

func newNTEnv(t *testing.T, db tousu.Store, dsn string) *ntEnv {
	t.Helper()
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := pii.NewKeyRing(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	e := &ntEnv{t: t, db: db, keys: keys, dsn: dsn, clock: &ntClock{t: time.Date(2026, 1, 30, 10, 0, 0, 0, ntZone)},
		sms: newNTHook(t), hook: newNTHook(t), mail: &ntMailbox{}}
	e.a = e.node(db)
	setup := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	if err := e.a.PutUnit(ctx, setup, tousu.Unit{Code: "root", Name: "区政务服务中心", Kind: tousu.UnitCentre, Phone: "8765 4321"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []tousu.Unit{
		{Code: "office", Name: "投诉督查处", Parent: "root", Kind: tousu.UnitOffice},
		{Code: "dept-a", Name: "人社局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-a1", Name: "社保1号窗口", Parent: "dept-a", Kind: tousu.UnitWindow},
		{Code: "dept-b", Name: "医保局", Parent: "root", Kind: tousu.UnitDepartment},
	} {
		if err := e.a.PutUnit(ctx, setup, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []tousu.Staff{
		{Badge: "A001", Name: "王窗口", Unit: "win-a1", Active: true},
		{Badge: "A002", Name: "李科长", Unit: "dept-a", Active: true},
		{Badge: "O001", Name: "督查处长", Unit: "office", Active: true},
	} {
		if err := e.a.PutStaff(ctx, setup, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []tousu.User{
		{Login: "clerk", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}, Unit: "root"},
		{Login: "supervisor", Name: "督查员", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "root"},
		{Login: "inspector", Name: "纪检组长", Roles: []tousu.Role{tousu.RoleInspector}, Unit: "root"},
		{Login: "admin", Name: "管理员", Roles: []tousu.Role{tousu.RoleAdmin}, Unit: "root"},
		{Login: "office-sup", Name: "督查处长", Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "root", Staff: "O001"},
		{Login: "handler-a", Name: "人社承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a", Staff: "A002"},
		{Login: "head-a", Name: "人社局长", Roles: []tousu.Role{tousu.RoleLeader}, Unit: "dept-a"},
		{Login: "handler-w", Name: "王窗口", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "win-a1", Staff: "A001"},
		{Login: "handler-b", Name: "医保承办人", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-b"},
	} {
		u.PasswordHash, u.CreatedAt = "-", e.clock.Now()
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// node is another tousu node on db: its own use cases, sharing the keys and the clock.
func (e *ntEnv) node(db tousu.Store) *app.App {
	e.t.Helper()
	a, err := app.New(app.Options{Store: db, Keys: e.keys, Now: e.clock.Now, Location: ntZone})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := a.EnsureBase(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// channels configures every channel on a: SMS and the webhook to the test's listeners,
// e-mail to the mailbox.
func (e *ntEnv) channels(a *app.App, n app.Notifications) {
	e.t.Helper()
	sms, err := notify.NewSMSGateway(e.sms.srv.URL + "/sms")
	if err != nil {
		e.t.Fatal(err)
	}
	hook, err := notify.NewWebhook(e.hook.srv.URL+"/events", ntSecret)
	if err != nil {
		e.t.Fatal(err)
	}
	n.SMS, n.Webhook, n.Email = sms, hook, e.mail
	if n.PublicURL == "" {
		n.PublicURL = "https://ts.example.gov.cn/"
	}
	a.SetNotifications(n)
}

// ntPerson is a named complainant with a mobile number and an e-mail address.
var ntPerson = tousu.Complainant{Name: "张三", Phone: "138-1234-5678", Email: "zhang.san@example.com"}

// register registers a complaint about win-a1 (staff A001) and returns it with its code.
func (e *ntEnv) register(who tousu.Complainant, mod func(*tousu.Register)) *app.ComplaintView {
	e.t.Helper()
	in := tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit, Complainant: who,
		Target: tousu.Target{Unit: "win-a1", Staff: "A001"}, Matter: "窗口工作人员态度生硬，材料未一次性告知。"}
	if mod != nil {
		mod(&in)
	}
	v, err := e.a.Register(context.Background(), ntClerk, in, app.RegisterOptions{})
	if err != nil {
		e.t.Fatalf("Register: %v", err)
	}
	return v
}

// act takes an action and fails the test if refused.
func (e *ntEnv) act(actor tousu.Actor, number string, act tousu.Action, p tousu.Payload) {
	e.t.Helper()
	if _, err := e.a.Act(context.Background(), actor, number, act, p); err != nil {
		e.t.Fatalf("%s %s: %v", act, number, err)
	}
}

// messages lists the outbox, oldest first, selected by f.
func (e *ntEnv) messages(f tousu.MessageFilter) []tousu.Message {
	e.t.Helper()
	f.Limit = 500
	ms, err := e.db.ListMessages(context.Background(), f)
	if err != nil {
		e.t.Fatal(err)
	}
	slices.Reverse(ms)
	return ms
}

// deliver runs the outbox job once on a.
func (e *ntEnv) deliver(a *app.App) app.DeliveryReport {
	e.t.Helper()
	rep, err := a.DeliverOutbox(context.Background())
	if err != nil {
		e.t.Fatalf("DeliverOutbox: %v", err)
	}
	return rep
}

// events lists the types of a complaint's timeline.
func (e *ntEnv) events(number string) []app.EventView {
	e.t.Helper()
	evs, err := e.a.Events(context.Background(), ntSupervisor, number)
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

func countType(evs []app.EventView, typ tousu.EventType) int {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

func channelsOf(ms []tousu.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, string(m.Channel))
	}
	slices.Sort(out)
	return out
}

func TestRegistrationNotifiesTheComplainant(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		e.channels(e.a, app.Notifications{})
		v := e.register(ntPerson, nil)

		ms := e.messages(tousu.MessageFilter{})
		if got, want := channelsOf(ms), []string{"email", "sms", "webhook"}; !slices.Equal(got, want) {
			t.Fatalf("registration enqueued %v, want %v", got, want)
		}
		for _, m := range ms {
			if m.Status != tousu.MessagePending {
				t.Errorf("%s message is %s, want pending", m.Channel, m.Status)
			}
			stored := string(m.To) + m.Subject + m.Body
			for _, secret := range []string{v.QueryCode, "13812345678", "zhang.san@example.com", "张三"} {
				if strings.Contains(stored, secret) {
					t.Errorf("%s message stores %q in clear", m.Channel, secret)
				}
			}
			if strings.Contains(m.Subject+m.Body, tousu.NumberPlaceholder) {
				t.Errorf("%s message keeps the number placeholder: %q", m.Channel, m.Subject)
			}
		}

		rep := e.deliver(e.a)
		if rep.Sent != 3 || rep.Retried != 0 || rep.Dead != 0 {
			t.Errorf("DeliverOutbox = %+v, want 3 sent", rep)
		}
		texts := e.sms.sms(t)
		if len(texts) != 1 {
			t.Fatalf("SMS gateway got %d texts, want 1", len(texts))
		}
		if texts[0].Phone != "13812345678" {
			t.Errorf("SMS to %q, want the mobile number as 11 digits", texts[0].Phone)
		}
		for _, want := range []string{v.Number, v.QueryCode, "2026年2月", "https://ts.example.gov.cn/track?number=" + v.Number} {
			if !strings.Contains(texts[0].Text, want) {
				t.Errorf("SMS %q does not contain %q", texts[0].Text, want)
			}
		}
		mails := e.mail.mails()
		if len(mails) != 1 {
			t.Fatalf("sent %d e-mails, want 1", len(mails))
		}
		if m := mails[0]; m.To != "zhang.san@example.com" || !strings.Contains(m.Subject, v.Number) ||
			!strings.Contains(m.Body, "查询码："+v.QueryCode) || !strings.Contains(m.Body, "8765 4321") {
			t.Errorf("e-mail to %q: %q\n%s\nwant the number, the query code and the office's phone", m.To, m.Subject, m.Body)
		}

		reqs := e.hook.requests()
		if len(reqs) != 1 {
			t.Fatalf("webhook got %d requests, want 1", len(reqs))
		}
		r := reqs[0]
		if !notify.Verify([]byte(ntSecret), r.Body, r.Header.Get(notify.SignatureHeader)) {
			t.Errorf("webhook signature %q does not verify", r.Header.Get(notify.SignatureHeader))
		}
		var ev map[string]any
		if err := json.Unmarshal(r.Body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev["event"] != "register" || ev["number"] != v.Number || ev["status"] != "registered" || ev["due_date"] != v.DueDate.String() {
			t.Errorf("webhook event = %s, want register of %s due %s", r.Body, v.Number, v.DueDate)
		}
		for _, secret := range []string{"张三", "1381234", "zhang.san", v.QueryCode, "态度生硬"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("webhook event carries %q: %s", secret, r.Body)
			}
		}
		for _, m := range e.messages(tousu.MessageFilter{}) {
			if m.Status != tousu.MessageSent || m.SentAt == nil || m.Attempts != 1 {
				t.Errorf("%s message after delivery: %s, sent at %v, %d attempts; want sent once", m.Channel, m.Status, m.SentAt, m.Attempts)
			}
		}
		if rep := e.deliver(e.a); rep != (app.DeliveryReport{}) {
			t.Errorf("a second delivery = %+v, want nothing to do", rep)
		}
	})
}

func TestNoMessagesWithoutChannelOrContact(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		ctx := context.Background()
		// Nothing configured: a registration, a reply — nothing in the outbox.
		v := e.register(ntPerson, nil)
		e.act(ntSupervisor, v.Number, tousu.ActReject, &tousu.RejectPayload{Reason: tousu.RejectInvalid, Explanation: "无具体事项"})
		if ms := e.messages(tousu.MessageFilter{}); len(ms) != 0 {
			t.Errorf("with no channel configured the outbox holds %v, want nothing", channelsOf(ms))
		}

		// Only SMS: an anonymous complaint and one with a landline get no message; one
		// with only an e-mail address gets none either.
		sms, _ := notify.NewSMSGateway(e.sms.srv.URL)
		e.a.SetNotifications(app.Notifications{SMS: sms})
		e.register(tousu.Complainant{Anonymous: true}, nil)
		e.register(tousu.Complainant{Name: "李四", Phone: "020-87654321"}, nil)
		e.register(tousu.Complainant{Name: "王五", Email: "wang.wu@example.com"}, nil)
		if ms := e.messages(tousu.MessageFilter{}); len(ms) != 0 {
			t.Errorf("anonymous, landline and e-mail-only complainants with only SMS configured: outbox %v, want nothing", channelsOf(ms))
		}
		v = e.register(tousu.Complainant{Name: "赵六", Phone: "+86 139 0000 1111"}, nil)
		if got := channelsOf(e.messages(tousu.MessageFilter{})); !slices.Equal(got, []string{"sms"}) {
			t.Errorf("a mobile number with only SMS configured: outbox %v, want one SMS", got)
		}

		// An anonymous complaint, all channels on: only the webhook (no identity there).
		e.channels(e.a, app.Notifications{})
		before := len(e.messages(tousu.MessageFilter{}))
		anon := e.register(tousu.Complainant{Anonymous: true}, nil)
		e.act(ntSupervisor, anon.Number, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
		e.act(ntSupervisor, anon.Number, tousu.ActExtend, &tousu.ExtendPayload{WorkingDays: 5, Reason: "需调取录像"})
		if got := channelsOf(e.messages(tousu.MessageFilter{})[before:]); !slices.Equal(got, []string{"webhook", "webhook", "webhook"}) {
			t.Errorf("an anonymous complaint registered, accepted, extended: outbox %v, want three webhook events", got)
		}
		_ = ctx
	})
}

func TestLifecycleNotifications(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		e.channels(e.a, app.Notifications{})
		v := e.register(ntPerson, nil)
		n := v.Number
		e.act(ntSupervisor, n, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
		e.act(ntSupervisor, n, tousu.ActAssign, &tousu.AssignPayload{Unit: "win-a1", Mode: tousu.ModeTransfer})
		e.act(ntSupervisor, n, tousu.ActExtend, &tousu.ExtendPayload{WorkingDays: 5, Reason: "需要调取监控录像"})
		e.act(ntHandlerA, n, tousu.ActSign, nil)
		e.act(ntSupervisor, n, tousu.ActUrge, &tousu.UrgePayload{Message: "请两日内报告进展"})
		e.act(ntHandlerA, n, tousu.ActReport, &tousu.ReportPayload{Process: "调取了监控录像", Finding: tousu.FindingFounded})
		e.act(ntSupervisor, n, tousu.ActDecide, &tousu.Decision{Finding: tousu.FindingFounded, Measures: []tousu.Measure{tousu.MeasureCorrection}})
		e.act(ntSupervisor, n, tousu.ActReply, &tousu.Reply{Process: "调取了监控录像", Result: "情况属实，已责令改正", Channel: tousu.ChannelPhone})
		e.deliver(e.a)

		var texts []string
		for _, s := range e.sms.sms(t) {
			texts = append(texts, s.Text)
		}
		if len(texts) != 4 {
			t.Fatalf("SMS texts = %q, want registration, extension, reply and the invitation", texts)
		}
		v2, _ := e.a.Get(context.Background(), ntSupervisor, n)
		for i, want := range [][]string{
			{v.QueryCode},
			{"延长至" + chinese(v2.DueDate), "需要调取监控录像"},
			{"已答复", "https://ts.example.gov.cn/track?number=" + n},
			{"评价", "https://ts.example.gov.cn/track?number=" + n},
		} {
			for _, w := range want {
				if !strings.Contains(texts[i], w) {
					t.Errorf("SMS %d %q does not contain %q", i, texts[i], w)
				}
			}
			if i > 0 && strings.Contains(texts[i], v.QueryCode) {
				t.Errorf("SMS %d %q carries the query code: only the registration notice may", i, texts[i])
			}
		}
		mails := e.mail.mails()
		if len(mails) != 4 || !strings.Contains(mails[2].Body, "处理结果：情况属实，已责令改正") {
			t.Errorf("e-mails: %d, the reply's = %q; want 4 and the reply in full", len(mails), mails[min(2, len(mails)-1)].Body)
		}

		// The desk: the assignment went to dept-a's handler (the window's own handler is
		// the staff member complained about, and never hears of it); the urge too; the
		// handler's report went to the supervisors, who decide.
		desk := e.messages(tousu.MessageFilter{Channel: tousu.MessageDesk})
		var got []string
		for _, m := range desk {
			got = append(got, m.ToLogin+":"+strings.Fields(m.Subject)[0])
		}
		if want := []string{"handler-a:新派单", "handler-a:催办", "office-sup:待审核", "supervisor:待审核"}; !slices.Equal(got, want) {
			t.Errorf("desk messages = %q, want %q", got, want)
		}
		if len(desk) > 0 && !strings.Contains(desk[0].Body, "督查员将投诉 "+n+" 派至社保1号窗口") {
			t.Errorf("assignment message = %q", desk[0].Body)
		}

		// Reopened: the handler and the other supervisors hear of it (not the one who did it).
		e.act(ntSupervisor, n, tousu.ActReopen, &tousu.ReasonPayload{Reason: "投诉人反映问题未解决"})
		last := e.messages(tousu.MessageFilter{Channel: tousu.MessageDesk})[len(desk):]
		got = nil
		for _, m := range last {
			got = append(got, m.ToLogin+":"+strings.Fields(m.Subject)[0])
		}
		if want := []string{"handler-a:重办", "office-sup:重办"}; !slices.Equal(got, want) {
			t.Errorf("reopen: desk messages = %q, want %q", got, want)
		}

		// A return goes to the supervisors.
		r := e.register(ntPerson, nil)
		e.act(ntSupervisor, r.Number, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
		e.act(ntSupervisor, r.Number, tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Handler: "handler-a", Mode: tousu.ModeSelf})
		e.act(ntHandlerA, r.Number, tousu.ActReturn, &tousu.ReasonPayload{Reason: "不属于本局职责"})
		ret := e.messages(tousu.MessageFilter{Channel: tousu.MessageDesk, ToLogin: "supervisor"})
		ret = slices.DeleteFunc(ret, func(m tousu.Message) bool { return !strings.Contains(m.Subject, r.Number) })
		if len(ret) != 1 || !strings.Contains(ret[0].Body, "不属于本局职责") || !strings.Contains(ret[0].Subject, r.Number) {
			t.Errorf("return: the supervisor's desk = %+v, want one message with the reason", ret)
		}
	})
}

func chinese(d tousu.Date) string {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Format("2006年1月2日")
}

func TestFailingGatewayIsRetriedWithBackoff(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		e.sms.codes = []int{http.StatusInternalServerError, http.StatusBadGateway}
		sms, _ := notify.NewSMSGateway(e.sms.srv.URL)
		e.a.SetNotifications(app.Notifications{SMS: sms})
		e.register(ntPerson, nil)
		sent := func() tousu.Message {
			t.Helper()
			ms := e.messages(tousu.MessageFilter{Channel: tousu.MessageSMS})
			if len(ms) != 1 {
				t.Fatalf("%d SMS messages, want 1", len(ms))
			}
			return ms[0]
		}
		start := e.clock.Now()
		for _, step := range []struct {
			after    time.Duration // since registration
			want     app.DeliveryReport
			attempts int
			status   tousu.MessageStatus
			next     time.Duration // NextAttempt since registration, when pending
		}{
			{0, app.DeliveryReport{Retried: 1}, 1, tousu.MessagePending, time.Minute},
			{30 * time.Second, app.DeliveryReport{}, 1, tousu.MessagePending, time.Minute},
			{time.Minute, app.DeliveryReport{Retried: 1}, 2, tousu.MessagePending, 3 * time.Minute},
			{2 * time.Minute, app.DeliveryReport{}, 2, tousu.MessagePending, 3 * time.Minute},
			{3 * time.Minute, app.DeliveryReport{Sent: 1}, 3, tousu.MessageSent, 0},
			{time.Hour, app.DeliveryReport{}, 3, tousu.MessageSent, 0},
		} {
			e.clock.Set(start.Add(step.after))
			if rep := e.deliver(e.a); rep != step.want {
				t.Errorf("+%v: DeliverOutbox = %+v, want %+v", step.after, rep, step.want)
			}
			m := sent()
			if m.Attempts != step.attempts || m.Status != step.status {
				t.Errorf("+%v: message %s after %d attempts, want %s after %d", step.after, m.Status, m.Attempts, step.status, step.attempts)
			}
			if step.next != 0 && !m.NextAttempt.Equal(start.Add(step.next)) {
				t.Errorf("+%v: next attempt at +%v, want +%v", step.after, m.NextAttempt.Sub(start), step.next)
			}
			if step.status == tousu.MessagePending && !strings.Contains(m.LastError, "50") {
				t.Errorf("+%v: last error %q, want the gateway's status", step.after, m.LastError)
			}
		}
		if got := len(e.sms.requests()); got != 3 {
			t.Errorf("the gateway was called %d times, want 3 (two failures, one success)", got)
		}
	})
}

func TestDeadAfterMaxAttemptsAndRetry(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		ctx := context.Background()
		e.sms.always = http.StatusServiceUnavailable
		sms, _ := notify.NewSMSGateway(e.sms.srv.URL)
		e.a.SetNotifications(app.Notifications{SMS: sms, MaxAttempts: 3})
		e.register(ntPerson, nil)
		var reps []app.DeliveryReport
		for range 10 {
			reps = append(reps, e.deliver(e.a))
			e.clock.Add(2 * time.Hour)
		}
		want := []app.DeliveryReport{{Retried: 1}, {Retried: 1}, {Dead: 1}}
		if !slices.Equal(reps[:3], want) || slices.ContainsFunc(reps[3:], func(r app.DeliveryReport) bool { return r != app.DeliveryReport{} }) {
			t.Errorf("reports over 10 ticks = %+v, want two retries, dead, then nothing", reps)
		}
		if got := len(e.sms.requests()); got != 3 {
			t.Errorf("the gateway was called %d times, want 3", got)
		}

		page, err := e.a.Outbox(ctx, ntAdmin, tousu.MessageDead, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 {
			t.Fatalf("the admin's dead messages: %d, want 1", len(page.Items))
		}
		row := page.Items[0]
		if row.Recipient != "138****5678" || row.Attempts != 3 || !row.Retryable || !strings.Contains(row.LastError, "503") {
			t.Errorf("dead row = %+v, want the masked phone, 3 attempts, retryable, the 503", row)
		}
		if _, err := e.a.Outbox(ctx, ntSupervisor, "", "", 0); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("Outbox as a supervisor = %v, want forbidden", err)
		}

		// The admin retries once the gateway works again: sent, once.
		e.sms.always = http.StatusOK
		if err := e.a.RetryMessage(ctx, ntAdmin, row.ID); err != nil {
			t.Fatal(err)
		}
		if rep := e.deliver(e.a); rep.Sent != 1 {
			t.Errorf("after retry: %+v, want sent", rep)
		}
		if err := e.a.RetryMessage(ctx, ntAdmin, row.ID); !tousu.IsKind(err, tousu.KindConflict) {
			t.Errorf("retrying a sent message = %v, want a conflict: it is never sent twice", err)
		}
	})
}

// TestDeadlineLadder is issue 7's "done": a case registered with a receipt date weeks in
// the past is found overdue and escalated exactly once per step, day after day.
func TestDeadlineLadder(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		ctx := context.Background()
		received := time.Date(2026, 1, 5, 9, 0, 0, 0, ntZone)
		v := e.register(ntPerson, func(r *tousu.Register) { r.ReceivedAt = &received })
		n := v.Number
		e.act(ntSupervisor, n, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
		e.act(ntSupervisor, n, tousu.ActAssign, &tousu.AssignPayload{Unit: "win-a1", Mode: tousu.ModeTransfer})
		cal, err := e.a.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		due := v.DueDate
		soon := e.register(ntPerson, func(r *tousu.Register) {
			// Received 13 working days ago: 2 working days left.
			at := cal.AddWorkdays(tousu.DateOf(e.clock.Now()), -13).Midnight(ntZone).Add(9 * time.Hour)
			r.ReceivedAt = &at
		})

		// Three weeks of ticks, four a day.
		stepDay := map[string]tousu.Date{}
		for day := range 21 {
			for tick := range 4 {
				e.clock.Set(time.Date(2026, 1, 30+day, 9+2*tick, 0, 0, 0, ntZone))
				rep, err := e.a.ScanDeadlines(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Conflicts != 0 {
					t.Errorf("scan: %d conflicts, want none", rep.Conflicts)
				}
			}
			for _, ev := range e.events(n) {
				key := string(ev.Type)
				if ev.Type == tousu.EventEscalate {
					var p struct{ Level string }
					_ = json.Unmarshal(ev.Payload, &p)
					key += ":" + p.Level
				}
				if _, ok := stepDay[key]; !ok {
					stepDay[key] = tousu.DateOf(ev.At.In(ntZone))
				}
			}
		}
		evs := e.events(n)
		t.Logf("due %s; steps: %v", due, stepDay)
		for typ, want := range map[tousu.EventType]int{
			tousu.EventWarnOverdue: 1, tousu.EventType(tousu.ActUrge): 1, tousu.EventEscalate: 3, tousu.EventWarnDueSoon: 0,
		} {
			if got := countType(evs, typ); got != want {
				t.Errorf("timeline has %d %s events, want %d", got, typ, want)
			}
		}
		// Each step came on the day it was due: the overdue warning at once (it is weeks
		// late), the urge after 1 working day, the unit's head after 3, the office after
		// 5, discipline inspection after 10 working days past due.
		late := func(d tousu.Date) int { return cal.WorkdaysBetween(due, d) }
		for key, wantLate := range map[string]int{
			"escalate:人社局负责人": 3, "escalate:投诉督查处": 5, "escalate:纪检监察": 10,
		} {
			d, ok := stepDay[key]
			if !ok {
				t.Errorf("no %s step; steps: %v", key, stepDay)
				continue
			}
			first := tousu.DateOf(time.Date(2026, 1, 30, 0, 0, 0, 0, ntZone))
			if got := late(d); got != wantLate && !(d == first && got > wantLate) {
				t.Errorf("%s on %s, %d working days past due (%s), want %d", key, d, got, due, wantLate)
			}
		}
		for _, ev := range evs {
			if ev.Public && (ev.Type == tousu.EventWarnOverdue || ev.Type == tousu.EventEscalate || ev.Type == tousu.EventType(tousu.ActUrge)) {
				t.Errorf("%s event is public: warnings are internal", ev.Type)
			}
		}

		// Who heard of it on the desk: the handler (dept-a; the window's handler is the
		// staff member complained about) and the supervisors, then up the ladder.
		byLogin := map[string][]string{}
		for _, m := range e.messages(tousu.MessageFilter{Channel: tousu.MessageDesk}) {
			if strings.Contains(m.Subject, n) {
				byLogin[m.ToLogin] = append(byLogin[m.ToLogin], strings.Fields(m.Subject)[0])
			}
		}
		for login, want := range map[string][]string{
			"handler-a": {"新派单", "已超期", "催办", "超期上报"},
			// Received days before it was registered: the head of the clerk's unit
			// is told of the late handover (逾期移交) at registration.
			"supervisor": {"首诉移交", "已超期"},
			"head-a":     {"超期上报"},
			"office-sup": {"首诉移交", "已超期", "超期上报"}, // a supervisor of the centre too
			"inspector":  {"超期上报"},
			"handler-w":  nil,
		} {
			if got := byLogin[login]; !slices.Equal(got, want) {
				t.Errorf("%s's desk about %s: %q, want %q", login, n, got, want)
			}
		}

		// The case due in two working days: warned once, then overdue like the other.
		sevs := e.events(soon.Number)
		if got := countType(sevs, tousu.EventWarnDueSoon); got != 1 {
			t.Errorf("the case due soon has %d due-soon warnings, want 1", got)
		}
		if got := countType(sevs, tousu.EventWarnOverdue); got != 1 {
			t.Errorf("the case due soon has %d overdue warnings after three weeks, want 1", got)
		}

		// An extension that moves the due date beyond today rearms the warnings: the new
		// deadline is watched afresh.
		// (A policy that lets 30 working days through without a leader's approval.)
		admin := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
		if err := e.a.SetHandlingPolicy(ctx, admin, app.HandlingPolicy{ExtensionCapWorkdays: 60, ExtensionCapDays: 60,
			ApprovalAboveWorkdays: 60, ApprovalAboveDays: 60, AutoCloseAfter: 10}); err != nil {
			t.Fatal(err)
		}
		e.act(ntSupervisor, n, tousu.ActExtend, &tousu.ExtendPayload{WorkingDays: 30, Reason: "案情复杂"})
		c, err := e.db.FindComplaint(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if c.Alerts&(tousu.AlertOverdue|tousu.AlertEscalated3) != 0 {
			t.Errorf("after an extension past today the alerts are %b, want the overdue ladder cleared", c.Alerts)
		}
	})
}

// TestTwoNodes runs the jobs of two nodes on one database at the same instant: each
// warning, each escalation and each message happens once.
func TestTwoNodes(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		ctx := context.Background()
		db2 := e.db
		if e.dsn != "" {
			var err error
			pg, err := postgres.Open(ctx, e.dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pg.Close() })
			db2 = pg
		}
		b := e.node(db2)
		e.channels(e.a, app.Notifications{})
		e.channels(b, app.Notifications{})
		received := time.Date(2026, 1, 5, 9, 0, 0, 0, ntZone)
		var numbers []string
		for range 6 {
			v := e.register(ntPerson, func(r *tousu.Register) { r.ReceivedAt = &received })
			e.act(ntSupervisor, v.Number, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
			e.act(ntSupervisor, v.Number, tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Mode: tousu.ModeTransfer})
			numbers = append(numbers, v.Number)
		}
		nodes := []*app.App{e.a, b}

		// Without leases: the scans race, the version check lets one win each step.
		for day := range 3 {
			e.clock.Set(time.Date(2026, 2, 2+day, 10, 0, 0, 0, ntZone))
			var wg sync.WaitGroup
			for _, a := range nodes {
				wg.Go(func() {
					if _, err := a.ScanDeadlines(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			// A conflict leaves the step for the next tick: run once more on each.
			for _, a := range nodes {
				if _, err := a.ScanDeadlines(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, n := range numbers {
			evs := e.events(n)
			if got := countType(evs, tousu.EventWarnOverdue); got != 1 {
				t.Errorf("%s: %d overdue warnings, want 1", n, got)
			}
			if got := countType(evs, tousu.EventType(tousu.ActUrge)); got != 1 {
				t.Errorf("%s: %d automatic urges, want 1", n, got)
			}
			if got := countType(evs, tousu.EventEscalate); got != 2 {
				t.Errorf("%s: %d escalations by 4 Feb, want 2 (the unit's head, the office)", n, got)
			}
		}

		// The outboxes race too: every message goes out once.
		var wg sync.WaitGroup
		for _, a := range nodes {
			wg.Go(func() {
				if _, err := a.DeliverOutbox(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		want := len(e.messages(tousu.MessageFilter{Channel: tousu.MessageWebhook}))
		reqs := e.hook.requests()
		seen := map[string]int{}
		for _, r := range reqs {
			seen[r.Header.Get(notify.DeliveryHeader)]++
		}
		if len(reqs) != want || len(seen) != want {
			t.Errorf("the webhook got %d requests (%d distinct), want each of %d messages once", len(reqs), len(seen), want)
		}
		if got := len(e.sms.requests()); got != len(numbers) {
			t.Errorf("the SMS gateway got %d texts, want one per registration (%d)", got, len(numbers))
		}
		if pending := e.messages(tousu.MessageFilter{Status: tousu.MessagePending}); len(pending) != 0 {
			t.Errorf("%d messages still pending", len(pending))
		}

		// With leases: at one instant only one node runs each job.
		e.clock.Set(time.Date(2026, 2, 10, 10, 0, 0, 0, ntZone))
		reps := make([]app.JobReport, 2)
		for i, a := range nodes {
			wg.Go(func() {
				rep, err := a.Tick(ctx, []string{"node-a", "node-b"}[i], time.Minute)
				if err != nil {
					t.Error(err)
				}
				reps[i] = rep
			})
		}
		wg.Wait()
		for _, job := range []string{app.JobDeadlines, app.JobOutbox, app.JobSessions} {
			ran := 0
			for _, r := range reps {
				if slices.Contains(r.Ran, job) {
					ran++
				}
			}
			if ran != 1 {
				t.Errorf("job %s ran on %d nodes, want 1", job, ran)
			}
		}
		// Each job's holder keeps its lease on the next tick; the other node takes over
		// once the holder stops and its lease lapses.
		holders := map[string]int{}
		for i, r := range reps {
			for _, job := range r.Ran {
				holders[job] = i
			}
		}
		e.clock.Add(time.Minute)
		for i, a := range nodes {
			rep, err := a.Tick(ctx, []string{"node-a", "node-b"}[i], time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			for _, job := range rep.Ran {
				if holders[job] != i {
					t.Errorf("a minute later node %d ran %s, held by node %d", i, job, holders[job])
				}
			}
		}
		e.clock.Add(5 * time.Minute)
		if rep, _ := nodes[1].Tick(ctx, "node-b", time.Minute); len(rep.Ran) != 3 {
			t.Errorf("after node a stopped and its leases lapsed, node b ran %v, want every job", rep.Ran)
		}
	})
}

func TestDeskMessages(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		ctx := context.Background()
		var numbers []string
		for range 3 {
			v := e.register(ntPerson, nil)
			e.act(ntSupervisor, v.Number, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase})
			e.act(ntSupervisor, v.Number, tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Handler: "handler-a", Mode: tousu.ModeSelf})
			numbers = append(numbers, v.Number)
		}
		if n, err := e.a.UnreadCount(ctx, ntHandlerA); err != nil || n != 3 {
			t.Errorf("UnreadCount = %d, %v, want 3", n, err)
		}
		page, err := e.a.DeskMessages(ctx, ntHandlerA, false, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 2 || page.Items[0].Number != numbers[2] || page.Next == 0 {
			t.Fatalf("first page = %+v, want the 2 newest and a next page", page)
		}
		rest, err := e.a.DeskMessages(ctx, ntHandlerA, false, page.Next, 2)
		if err != nil || len(rest.Items) != 1 || rest.Items[0].Number != numbers[0] {
			t.Fatalf("second page = %+v, %v, want the oldest", rest, err)
		}
		// Someone else's message is not found; one's own is marked read.
		if err := e.a.MarkRead(ctx, ntSupervisor, page.Items[0].ID); !tousu.IsKind(err, tousu.KindNotFound) {
			t.Errorf("MarkRead of another's message = %v, want not found", err)
		}
		if err := e.a.MarkRead(ctx, ntHandlerA, page.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.a.UnreadCount(ctx, ntHandlerA); n != 2 {
			t.Errorf("after reading one, UnreadCount = %d, want 2", n)
		}
		if n, err := e.a.MarkAllRead(ctx, ntHandlerA); err != nil || n != 2 {
			t.Errorf("MarkAllRead = %d, %v, want 2", n, err)
		}
		if n, _ := e.a.UnreadCount(ctx, ntHandlerA); n != 0 {
			t.Errorf("after reading all, UnreadCount = %d, want 0", n)
		}
		// The outbox job delivers desk messages by marking them sent.
		if rep := e.deliver(e.a); rep.Sent != 0 {
			t.Errorf("desk messages already read were delivered again: %+v", rep)
		}
		for _, m := range e.messages(tousu.MessageFilter{Channel: tousu.MessageDesk}) {
			if m.Status != tousu.MessageSent || m.ReadAt == nil {
				t.Errorf("desk message %d: %s, read %v; want sent and read", m.ID, m.Status, m.ReadAt)
			}
		}
	})
}

func TestTemplatesAndLadderAdmin(t *testing.T) {
	ntStores(t, func(t *testing.T, e *ntEnv) {
		ctx := context.Background()
		e.channels(e.a, app.Notifications{})
		err := e.a.SaveTemplate(ctx, ntAdmin, notify.Registered, notify.Template{Subject: "已登记", Body: "{{.Nubmer}}", SMS: "x"})
		if f := tousu.FieldsOf(err); f["body"] == "" {
			t.Errorf("SaveTemplate with an unknown field = %v, want a field error on body", err)
		}
		if err := e.a.SaveTemplate(ctx, ntSupervisor, notify.Registered, notify.Template{}); !tousu.IsKind(err, tousu.KindForbidden) {
			t.Errorf("SaveTemplate as a supervisor = %v, want forbidden", err)
		}
		tpl := notify.Template{Subject: "登记 {{.Number}}", Body: "正文 {{.Number}}", SMS: "【测试】{{.Number}}已登记，查询码{{.QueryCode}}"}
		if err := e.a.SaveTemplate(ctx, ntAdmin, notify.Registered, tpl); err != nil {
			t.Fatal(err)
		}
		v := e.register(ntPerson, nil)
		e.deliver(e.a)
		if texts := e.sms.sms(t); len(texts) != 1 || texts[0].Text != "【测试】"+v.Number+"已登记，查询码"+v.QueryCode {
			t.Errorf("SMS with the admin's template = %+v", texts)
		}
		// Switched off: no message of that kind.
		tpl.Off = true
		if err := e.a.SaveTemplate(ctx, ntAdmin, notify.Registered, tpl); err != nil {
			t.Fatal(err)
		}
		before := len(e.messages(tousu.MessageFilter{}))
		e.register(ntPerson, nil)
		if got := channelsOf(e.messages(tousu.MessageFilter{})[before:]); !slices.Equal(got, []string{"webhook"}) {
			t.Errorf("registration notice switched off: outbox %v, want only the webhook", got)
		}
		if err := e.a.ResetTemplate(ctx, ntAdmin, notify.Registered); err != nil {
			t.Fatal(err)
		}
		views, err := e.a.Templates(ctx, ntAdmin)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range views {
			if v.Customized {
				t.Errorf("after reset, template %s is customized", v.Kind)
			}
		}

		bad := app.Ladder{DueSoonDays: 3, UrgeAfter: 5, HeadAfter: 2}
		if err := e.a.SetLadder(ctx, ntAdmin, bad); tousu.FieldsOf(err)["head_after"] == "" {
			t.Errorf("SetLadder with steps out of order = %v, want a field error", err)
		}
		good := app.Ladder{DueSoonDays: 5, UrgeAfter: 2, HeadAfter: 0, OfficeAfter: 4, InspectionAfter: 8}
		if err := e.a.SetLadder(ctx, ntAdmin, good); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.a.Ladder(ctx); got != good {
			t.Errorf("Ladder = %+v, want %+v", got, good)
		}
	})
}
