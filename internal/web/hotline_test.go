package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/notify"
	"tousu/internal/web"
)

const hotlineSecret = "12345-shared-secret"

// fakeHotline is the 12345 platform: it takes tousu's status events, refusing any whose
// signature does not verify, and sends signed orders and events to tousu.
type fakeHotline struct {
	t      *testing.T
	srv    *httptest.Server
	tousu  string // tousu's base URL
	mu     sync.Mutex
	events []app.HotlineStatus
	forged int
}

func newFakeHotline(t *testing.T, tousuURL string) *fakeHotline {
	h := &fakeHotline{t: t, tousu: tousuURL}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if !notify.Verify([]byte(hotlineSecret), body, r.Header.Get(notify.SignatureHeader)) {
			h.forged++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var st app.HotlineStatus
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&st); err != nil {
			t.Errorf("status event does not parse: %v: %s", err, body)
		}
		h.events = append(h.events, st)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// send posts v to tousu signed with secret ("" for unsigned).
func (h *fakeHotline) send(path string, v any, secret string) result {
	h.t.Helper()
	body, _ := json.Marshal(v)
	req, _ := http.NewRequest("POST", h.tousu+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(notify.SignatureHeader, notify.Sign([]byte(secret), body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{code: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// received returns the status events received so far and forgets them.
func (h *fakeHotline) received() []app.HotlineStatus {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.events
	h.events = nil
	return out
}

func order(no string) map[string]any {
	return map[string]any{
		"order_no": no, "received_at": "2026-01-30T09:12:00+08:00",
		"caller":  map[string]any{"name": "李四", "phone": "13900001111"},
		"content": "市民来电反映：社保1号窗口工作人员办理业务时玩手机，让群众久等。", "category": "attitude",
		"urgency": "normal", "unit": "win-a1",
	}
}

// hotlineEnv is the test server with the hotline configured both ways.
func hotlineEnv(t *testing.T) (*env, *fakeHotline) {
	e := newEnv(t)
	srv := httptest.NewServer(web.New(web.Options{App: e.app, HotlineSecret: hotlineSecret}))
	t.Cleanup(srv.Close)
	e.srv = srv
	h := newFakeHotline(t, srv.URL)
	sender, err := notify.NewHotline(h.srv.URL, hotlineSecret)
	if err != nil {
		t.Fatal(err)
	}
	e.app.SetNotifications(app.Notifications{Hotline: sender})
	return e, h
}

func (e *env) deliver() {
	e.t.Helper()
	if _, err := e.app.DeliverOutbox(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// TestHotlineRoundTrip plays the 12345 platform end to end: orders in (signed,
// idempotent), status events out (signed, through the outbox), 回访 and 督办 in.
func TestHotlineRoundTrip(t *testing.T) {
	e, h := hotlineEnv(t)
	before := len(listNumbers(e, "/api/v1/complaints"))

	// Bad or missing signatures: 401, nothing stored.
	if r := h.send("/api/v1/hotline/orders", order("GD001"), "wrong-secret"); r.code != 401 || r.str("error.code") != "unauthorized" {
		t.Fatalf("bad signature: %d %s", r.code, r.raw)
	}
	if r := h.send("/api/v1/hotline/orders", order("GD001"), ""); r.code != 401 {
		t.Fatalf("unsigned: %d %s", r.code, r.raw)
	}
	// A signature over another body is no signature.
	body, _ := json.Marshal(order("GD001"))
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/hotline/orders", bytes.NewReader(bytes.Replace(body, []byte("GD001"), []byte("GD666"), 1)))
	req.Header.Set(notify.SignatureHeader, notify.Sign([]byte(hotlineSecret), body))
	if r := e.send(req); r.code != 401 {
		t.Fatalf("tampered body: %d %s", r.code, r.raw)
	}
	if n := len(listNumbers(e, "/api/v1/complaints")); n != before {
		t.Fatalf("refused orders stored complaints")
	}

	// Bad orders: 422 naming the order's own field.
	for field, mod := range map[string]func(map[string]any){
		"content":      func(m map[string]any) { delete(m, "content") },
		"order_no":     func(m map[string]any) { m["order_no"] = "GD 1/2" },
		"unit":         func(m map[string]any) { m["unit"] = "nowhere" },
		"caller.phone": func(m map[string]any) { m["caller"] = map[string]any{"name": "李四", "phone": "call me"} },
		"category":     func(m map[string]any) { m["category"] = "potholes" },
		"urgency":      func(m map[string]any) { m["urgency"] = "yesterday" },
		"deadline":     func(m map[string]any) { m["deadline"] = "2026-01-01" },
	} {
		o := order("GD-BAD")
		mod(o)
		if r := h.send("/api/v1/hotline/orders", o, hotlineSecret); r.code != 422 || r.fieldErr(field) == "" {
			t.Errorf("bad %s: %d %s", field, r.code, r.raw)
		}
	}

	// The order: 201, a complaint on channel hotline with the order number, due in the
	// hotline's 5 working days (Friday 30 January → Friday 6 February), caller sealed.
	r := h.send("/api/v1/hotline/orders", order("GD001"), hotlineSecret)
	if r.code != 201 {
		t.Fatalf("order: %d %s", r.code, r.raw)
	}
	number := r.str("number")
	if r.str("channel") != "hotline" || r.str("external_ref") != "GD001" || r.str("target.unit") != "win-a1" ||
		r.str("due_date") != "2026-02-06" || r.str("query_code") != "" {
		t.Errorf("registered order: %s", r.raw)
	}
	if strings.Contains(r.raw, "13900001111") || strings.Contains(r.raw, "李四") {
		t.Errorf("the caller is not sealed and masked: %s", r.raw)
	}
	// The desk names the order.
	mustContain(t, "hotline case page", e.signIn("supervisor").get("/desk/complaints/"+number), "12345工单号 GD001")
	// The replay: 200, the same complaint, nothing new.
	again := h.send("/api/v1/hotline/orders", order("GD001"), hotlineSecret)
	if again.code != 200 || again.str("number") != number {
		t.Fatalf("replayed order: %d %s, want 200 %s", again.code, again.raw, number)
	}
	changed := order("GD001")
	changed["content"] = "重发时内容略有不同"
	if again := h.send("/api/v1/hotline/orders", changed, hotlineSecret); again.code != 200 || again.str("number") != number {
		t.Fatalf("resent order with other content: %d %s", again.code, again.raw)
	}
	if n := len(listNumbers(e, "/api/v1/complaints")); n != before+1 {
		t.Fatalf("replays stored complaints: %d, want %d", n, before+1)
	}
	// The order's own deadline wins; urgency shows in the matter.
	o2 := order("GD002")
	o2["deadline"], o2["urgency"] = "2026-02-03", "urgent"
	r2 := h.send("/api/v1/hotline/orders", o2, hotlineSecret)
	if r2.code != 201 || r2.str("due_date") != "2026-02-03" || !strings.HasPrefix(r2.str("matter"), "【12345紧急工单】") {
		t.Errorf("order with a deadline: %d %s", r2.code, r2.raw)
	}
	// Registration tells the platform nothing (it knows): no event yet.
	e.deliver()
	if got := h.received(); len(got) != 0 {
		t.Errorf("events before any action: %+v", got)
	}

	// Signed (受理), extended, replied: each reaches the platform, signed, with the order number.
	e.act(number, "accept", actorFor("accept"), validPayload(tousu.ActAccept, e), 200)
	e.act(number, "assign", actorFor("assign"), validPayload(tousu.ActAssign, e), 200)
	e.act(number, "sign", actorFor("sign"), nil, 200)
	e.act(number, "extend", actorFor("extend"), map[string]any{"working_days": 2, "reason": "需调取监控录像"}, 200)
	e.act(number, "decide", actorFor("decide"), validPayload(tousu.ActDecide, e), 200)
	e.act(number, "reply", actorFor("reply"), validPayload(tousu.ActReply, e), 200)
	e.deliver()
	got := h.received()
	var states []string
	for _, st := range got {
		states = append(states, st.State)
		if st.OrderNo != "GD001" || st.Number != number {
			t.Errorf("event for the wrong order: %+v", st)
		}
	}
	if strings.Join(states, ",") != "signed,extended,replied" {
		t.Fatalf("status events: %v, want signed,extended,replied", states)
	}
	if got[1].Reason != "需调取监控录像" || got[1].DueDate.String() != "2026-02-10" {
		t.Errorf("extended: %+v", got[1])
	}
	if got[2].Reply == nil || got[2].Reply.Result != "投诉属实，已对当事人批评教育" {
		t.Errorf("replied: %+v", got[2])
	}
	if h.forged != 0 {
		t.Errorf("%d status events failed the platform's signature check", h.forged)
	}

	// 回访: the caller's satisfaction closes the case as a rating does.
	if r := h.send("/api/v1/hotline/orders/GD001/events", map[string]any{"type": "satisfaction", "level": 4, "comment": "基本满意"}, "bad"); r.code != 401 {
		t.Errorf("unsigned 回访: %d", r.code)
	}
	fb := h.send("/api/v1/hotline/orders/GD001/events", map[string]any{"type": "satisfaction", "level": 4, "comment": "基本满意"}, hotlineSecret)
	if fb.code != 200 || fb.str("status") != "closed" || fb.field("satisfaction") != float64(4) {
		t.Fatalf("回访: %d %s", fb.code, fb.raw)
	}

	// 督办 on the second order once assigned: an urge on its timeline, from 12345.
	n2 := r2.str("number")
	e.act(n2, "accept", actorFor("accept"), validPayload(tousu.ActAccept, e), 200)
	e.act(n2, "assign", actorFor("assign"), validPayload(tousu.ActAssign, e), 200)
	e.deliver()
	if got := h.received(); len(got) != 1 || got[0].State != "signed" || got[0].DueDate.String() != "2026-02-03" {
		t.Errorf("GD002 signed with its own deadline kept: %+v", got)
	}
	urge := h.send("/api/v1/hotline/orders/GD002/events", map[string]any{"type": "urge", "message": "请加快办理"}, hotlineSecret)
	if urge.code != 200 {
		t.Fatalf("督办: %d %s", urge.code, urge.raw)
	}
	evs := e.do("GET", "/api/v1/complaints/"+n2+"/events", "supervisor", nil)
	if !strings.Contains(evs.raw, `"urge"`) || !strings.Contains(evs.raw, "12345督办：请加快办理") || !strings.Contains(evs.raw, "12345热线") {
		t.Errorf("the urge is not on the timeline: %s", evs.raw)
	}
	// An extension above the approval threshold waits for a leader: the platform hears
	// nothing until it is approved, then "extended" with the request's reason and date.
	e.act(n2, "extend", actorFor("extend"), map[string]any{"working_days": 8, "reason": "涉及多部门协调"}, 200)
	e.deliver()
	if got := h.received(); len(got) != 0 {
		t.Errorf("a pending extension reached the platform: %+v", got)
	}
	e.act(n2, "approve_extension", "leader", map[string]any{"note": "同意"}, 200)
	e.deliver()
	if got := h.received(); len(got) != 1 || got[0].State != "extended" || got[0].OrderNo != "GD002" ||
		got[0].Reason != "涉及多部门协调" || got[0].DueDate.String() != "2026-02-13" {
		t.Errorf("approved extension: %+v", got)
	}
	for _, bad := range []map[string]any{{"type": "praise"}, {"type": "urge"}, {"type": "satisfaction", "level": 9}} {
		if r := h.send("/api/v1/hotline/orders/GD002/events", bad, hotlineSecret); r.code != 422 && r.code != 409 {
			t.Errorf("bad event %v: %d %s", bad, r.code, r.raw)
		}
	}
	if r := h.send("/api/v1/hotline/orders/GD404/events", map[string]any{"type": "urge", "message": "x"}, hotlineSecret); r.code != 404 {
		t.Errorf("event for an unknown order: %d", r.code)
	}

	// 退单: a third order not accepted goes back with the reason and where to turn.
	r3 := h.send("/api/v1/hotline/orders", order("GD003"), hotlineSecret)
	e.act(r3.str("number"), "reject", actorFor("reject"), validPayload(tousu.ActReject, e), 200)
	e.deliver()
	got = h.received()
	if len(got) != 1 || got[0].State != "returned" || got[0].OrderNo != "GD003" ||
		!strings.Contains(got[0].Reason, "该事项属于法院执行范围") || !strings.Contains(got[0].Reason, "区人民法院") {
		t.Errorf("returned: %+v", got)
	}
}

// TestHotlineNeedsSecret: without TOUSU_HOTLINE_SECRET the routes do not exist.
func TestHotlineNeedsSecret(t *testing.T) {
	e := newEnv(t)
	h := newFakeHotline(t, e.srv.URL)
	for _, path := range []string{"/api/v1/hotline/orders", "/api/v1/hotline/orders/GD001/events"} {
		if r := h.send(path, order("GD001"), hotlineSecret); r.code != 404 {
			t.Errorf("%s without a secret: %d %s", path, r.code, r.raw)
		}
	}
}
