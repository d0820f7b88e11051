package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"tousu"
	"tousu/internal/app"
)

// The public portal in the browser at a phone's width: a citizen submits with evidence,
// keeps the receipt, tracks the case, reads the reply, rates it and asks for it to be
// handled again; another submits anonymously; the hall's kiosk returns to its start.
// Full-page screenshots go to out/.

// portalSeed publishes the windows' service standards and the portal's texts, as an
// admin would.
func portalSeed(t *testing.T, srv *server) {
	t.Helper()
	ctx := context.Background()
	for _, u := range []tousu.Unit{
		{Code: "win-a1", Name: "社保1号窗口", Parent: "dept-a", Kind: tousu.UnitWindow,
			Services: "参保登记、社保卡申领：材料齐全即办，当场办结\n养老保险关系转移：5个工作日", Hours: "工作日 9:00–12:00，13:30–17:00",
			Phone: "0571-11110001", Address: "一楼A区1号窗口"},
		{Code: "win-b1", Name: "医保1号窗口", Parent: "dept-b", Kind: tousu.UnitWindow,
			Services: "医保报销：材料齐全10个工作日内办结", Hours: "工作日 9:00–17:00", Address: "一楼B区1号窗口"},
	} {
		if err := srv.App.PutUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.App.PutPortalSettings(ctx, admin, app.PortalInfo{Hotline: "0571-12345", Mailbox: "tousu@example.gov.cn",
		Address: "示范区人民路1号 政务服务中心二楼投诉督查处"}); err != nil {
		t.Fatal(err)
	}
}

// evidenceFiles writes a small PNG and a PDF for the file input.
func evidenceFiles(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{R: uint8(4 * x), G: 120, B: uint8(5 * y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	photo, doc := filepath.Join(dir, "窗口照片.png"), filepath.Join(dir, "办事材料清单.pdf")
	if err := os.WriteFile(photo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	if err := os.WriteFile(doc, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{photo, doc}
}

// noOverflow fails the test when the page is wider than the viewport: nothing may need
// sideways scrolling on a phone.
func noOverflow(t *testing.T, tab context.Context, what string) {
	t.Helper()
	w, err := chromedp.Run(tab, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if w[0] > w[1] {
		shot(t, tab, "overflow-"+what)
		t.Errorf("%s: the page is %d px wide in a %d px viewport", what, w[0], w[1])
	}
}

// smallTargets lists visible links, buttons and inputs smaller than 44 px in height.
func smallTargets(t *testing.T, tab context.Context, css string) []string {
	t.Helper()
	got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+"`"+css+"`"+`)).filter(function (el) {
		var r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.height < 43.5;
	}).map(function (el) { return el.tagName + " " + (el.name || el.textContent.trim().slice(0, 12)) + " " + Math.round(el.getBoundingClientRect().height); })`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPortalJourney(t *testing.T) {
	srv := startServer(t, serverOptions{Seed: portalSeed})
	tab := newTab(t, newBrowser(t))
	viewport(t, tab, phoneWidth)

	// The start page: what, how, how long, other ways, the windows' standards.
	run(t, tab, "start page", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	home := textOf(t, tab, "main")
	for _, want := range []string{"服务态度", "15个工作日", "受理审查", "0571-12345", "tousu@example.gov.cn", "窗口服务标准", "人社局"} {
		if !strings.Contains(home, want) {
			t.Errorf("start page lacks %q", want)
		}
	}
	noOverflow(t, tab, "start page")
	if small := smallTargets(t, tab, "header a, .cta a, details summary"); len(small) > 0 {
		t.Errorf("touch targets under 44 px on the start page: %v", small)
	}
	shot(t, tab, "home")
	run(t, tab, "open a department", chromedp.Click(chromedp.CSS("details.dept summary")),
		chromedp.WaitVisible(chromedp.CSS("details.dept[open] .window")))
	shot(t, tab, "home-services-open")

	// The form: refused when empty, errors beside the fields.
	run(t, tab, "open the form", chromedp.Click(chromedp.CSS(".cta a[href='/submit']")), chromedp.WaitVisible(chromedp.ID("matter")))
	noOverflow(t, tab, "form")
	if small := smallTargets(t, tab, "form button, form input[type=text], form input[type=tel], form textarea, form select, .choices label, label.check"); len(small) > 0 {
		t.Errorf("touch targets under 44 px on the form: %v", small)
	}
	submit(t, tab, "submit empty", `form[data-submit-form] button[type=submit]`)
	if msg := textOf(t, tab, `.field.invalid .field-error`); !strings.Contains(msg, "请") {
		t.Errorf("empty form: first field error %q", msg)
	}
	shot(t, tab, "form-errors")

	incident := time.Now().Add(-26 * time.Hour).Format("2006-01-02T15:04")
	files := evidenceFiles(t)
	run(t, tab, "fill in the form",
		chromedp.SetValue(chromedp.ID("target-unit"), "win-a1"),
		chromedp.SetValue(chromedp.ID("target-description"), "1号窗口，工号牌 A001，穿蓝色制服"),
		chromedp.SetValue(chromedp.ID("matter"), "昨天下午在社保1号窗口办理参保登记，工作人员态度生硬，材料不全也没有一次性告知，让我跑了三趟。"),
		chromedp.SetValue(chromedp.ID("request"), "要求窗口一次性告知所需材料，并向我道歉。"),
		chromedp.SetValue(chromedp.ID("incident_at"), incident),
		chromedp.SetValue(chromedp.ID("incident_place"), "一楼A区社保1号窗口"),
		chromedp.Click(chromedp.CSS(`input[name=categories][value=attitude]`)),
		chromedp.Click(chromedp.CSS(`input[name=categories][value=notification]`)),
		chromedp.SetValue(chromedp.ID("complainant-name"), "张三"),
		chromedp.SetValue(chromedp.ID("complainant-phone"), "13812345678"),
		chromedp.SetUploadFiles(chromedp.ID("evidence"), files),
		chromedp.Click(chromedp.ID("consent")),
	)
	if list := textOf(t, tab, "[data-evidence-list]"); !strings.Contains(list, "窗口照片.png") || !strings.Contains(list, "办事材料清单.pdf") {
		t.Errorf("the chosen files are not listed: %q", list)
	}
	shot(t, tab, "form-filled")
	submit(t, tab, "submit", `form[data-submit-form] button[type=submit]`)
	number, code := textOf(t, tab, ".ticket .number"), textOf(t, tab, ".ticket .code")
	if !regexp.MustCompile(`^TS\d{8}-\d{4}$`).MatchString(number) || len(code) != app.QueryCodeLength {
		t.Fatalf("receipt: number %q, code %q", number, code)
	}
	if got := textOf(t, tab, ".ticket"); !strings.Contains(got, "只显示这一次") || !strings.Contains(got, "已上传2个文件") {
		t.Errorf("receipt: %q", got)
	}
	noOverflow(t, tab, "receipt")
	// The receipt fits one phone screen, so that one screenshot saves it.
	if h, err := chromedp.Run(tab, chromedp.Evaluate[float64](`document.querySelector(".ticket").getBoundingClientRect().bottom`)); err != nil || h > 844 {
		t.Errorf("the receipt card ends at %.0f px, below a 844 px phone screen (%v)", h, err)
	}
	shot(t, tab, "receipt")
	viewport(t, tab, 360)
	noOverflow(t, tab, "receipt at 360")
	shot(t, tab, "receipt-360")
	printMedia(t, tab, "print")
	shot(t, tab, "receipt-as-printed")
	printMedia(t, tab, "")
	viewport(t, tab, phoneWidth)

	c, err := srv.Store.FindComplaint(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := srv.Store.ListAttachments(context.Background(), c.ID)
	if err != nil || len(atts) != 2 || atts[0].ContentType != "image/png" || atts[1].ContentType != "application/pdf" {
		t.Errorf("stored evidence: %v %v", atts, err)
	}

	// Tracking: the receipt's link fills in the number; the code is typed.
	run(t, tab, "follow the track link", chromedp.Click(chromedp.CSS(`.actions a[href^="/track"]`)), chromedp.WaitVisible(chromedp.ID("code")))
	if v, _ := chromedp.Run(tab, chromedp.Value(chromedp.ID("number"))); v != number {
		t.Errorf("the track form's number: %q, want %q", v, number)
	}
	run(t, tab, "type a wrong code", chromedp.SetValue(chromedp.ID("code"), "ABCDEFGHJK"))
	submit(t, tab, "track with a wrong code", `form.lookup button[type=submit]`)
	if got := textOf(t, tab, ".notice.alert"); !strings.Contains(got, "未找到") {
		t.Errorf("wrong code: %q", got)
	}
	shot(t, tab, "track-not-found")
	lookUp(t, tab, code)
	if got := textOf(t, tab, ".case-status"); !strings.Contains(got, "已登记") {
		t.Errorf("status: %q", got)
	}
	if loc, _ := chromedp.Run(tab, chromedp.Location()); strings.Contains(loc, code) {
		t.Errorf("the code is in the address %s", loc)
	}
	noOverflow(t, tab, "track")
	shot(t, tab, "track-registered")

	// The desk handles it and replies.
	ctx := context.Background()
	sup := tousu.Actor{Login: "supervisor", Name: "周督查", Roles: []tousu.Role{tousu.RoleSupervisor}}
	handler := tousu.Actor{Login: "handler-a", Name: "李科长", Roles: []tousu.Role{tousu.RoleHandler}, Unit: "dept-a"}
	for _, step := range []struct {
		who tousu.Actor
		act tousu.Action
		p   tousu.Payload
	}{
		{sup, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassCase}},
		{sup, tousu.ActAssign, &tousu.AssignPayload{Unit: "dept-a", Handler: "handler-a", Mode: tousu.ModeTransfer}},
		{handler, tousu.ActSign, nil},
		{handler, tousu.ActReport, &tousu.ReportPayload{Process: "调阅窗口录像，与当事工作人员谈话", Finding: tousu.FindingFounded}},
		{sup, tousu.ActDecide, &tousu.Decision{Finding: tousu.FindingFounded, Measures: []tousu.Measure{tousu.MeasureCriticism},
			Improvement: "窗口张贴一次性告知清单"}},
		{sup, tousu.ActReply, &tousu.Reply{Process: "投诉督查处调阅了窗口录像，并与当事工作人员谈话核实。",
			Result: "投诉属实。已对当事工作人员批评教育，责令改正。", Improvement: "窗口张贴一次性告知清单，组织服务规范培训。",
			Channel: tousu.ChannelPhone}},
	} {
		if _, err := srv.App.Act(ctx, step.who, number, step.act, step.p); err != nil {
			t.Fatalf("%s: %v", step.act, err)
		}
	}
	run(t, tab, "track again", chromedp.Navigate(srv.URL+"/track?number="+number), chromedp.WaitVisible(chromedp.ID("code")))
	lookUp(t, tab, code)
	if got := textOf(t, tab, ".reply"); !strings.Contains(got, "投诉属实") || !strings.Contains(got, "一次性告知清单") {
		t.Errorf("reply: %q", got)
	}
	if hidden, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector("[data-reopen]").hidden`)); !hidden {
		t.Errorf("the reopen request is offered before a low rating")
	}
	noOverflow(t, tab, "replied")
	shot(t, tab, "track-replied")

	// Dissatisfied: the reopen request appears, and is sent with the rating.
	run(t, tab, "rate 不满意",
		chromedp.Click(chromedp.CSS(`input[name=level][value="2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-reopen] input[name=reopen]`)),
		chromedp.SetValue(chromedp.ID("feedback-comment"), "工作人员道歉了，但窗口至今没有张贴告知清单。"),
		chromedp.Click(chromedp.CSS(`[data-reopen] input[name=reopen]`)),
	)
	shot(t, tab, "rating")
	submit(t, tab, "send the rating", `form[data-feedback] button[type=submit]`)
	// A low rating waits for the supervisors, who reopen the case or explain.
	if got := textOf(t, tab, ".flash"); !strings.Contains(got, "转督查人员处理") {
		t.Errorf("after the rating: %q", got)
	}
	if got := textOf(t, tab, ".case-status"); !strings.Contains(got, "已答复") {
		t.Errorf("after the low rating: %q", got)
	}
	if loc, _ := chromedp.Run(tab, chromedp.Location()); strings.Contains(loc, code) {
		t.Errorf("the code is in the address %s", loc)
	}
	shot(t, tab, "reopened")
	if c, _ := srv.Store.FindComplaint(ctx, number); c == nil || c.Status != tousu.StatusReplied || c.Satisfaction != 2 || !c.Handling.Dissatisfied {
		t.Errorf("stored after the low rating: %+v", c)
	}
}

// lookUp types the query code into the track form and sends it.
func lookUp(t *testing.T, tab context.Context, code string) {
	t.Helper()
	run(t, tab, "type the code", chromedp.SetValue(chromedp.ID("code"), code))
	submit(t, tab, "track", `form.lookup button[type=submit]`)
	run(t, tab, "the case", chromedp.WaitVisible(chromedp.CSS(".case-head")))
}

func TestPortalAnonymous(t *testing.T) {
	srv := startServer(t, serverOptions{Seed: portalSeed})
	tab := newTab(t, newBrowser(t))
	viewport(t, tab, 360)
	run(t, tab, "open the form", chromedp.Navigate(srv.URL+"/submit"), chromedp.WaitVisible(chromedp.ID("matter")),
		chromedp.SetValue(chromedp.ID("complainant-name"), "王五"),
		chromedp.Click(chromedp.CSS(`input[name="complainant.anonymous"]`)),
	)
	if off, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById("complainant-name").disabled`)); !off {
		t.Errorf("the name stays open for input after ticking 匿名")
	}
	run(t, tab, "fill in the form",
		chromedp.Click(chromedp.CSS(`input[name=kind][value=report]`)),
		chromedp.SetValue(chromedp.ID("target-unit"), "win-b1"),
		chromedp.SetValue(chromedp.ID("matter"), "医保1号窗口工作人员暗示加急办理需要另付“加急费”。"),
		chromedp.Click(chromedp.CSS(`input[name=categories][value=integrity]`)),
		chromedp.Click(chromedp.ID("consent")),
	)
	noOverflow(t, tab, "anonymous form")
	shot(t, tab, "form-anonymous")
	submit(t, tab, "submit", `form[data-submit-form] button[type=submit]`)
	number := textOf(t, tab, ".ticket .number")
	if got := textOf(t, tab, ".ticket"); !strings.Contains(got, "匿名") || !strings.Contains(got, "举报已提交") {
		t.Errorf("anonymous receipt: %q", got)
	}
	noOverflow(t, tab, "anonymous receipt")
	shot(t, tab, "receipt-anonymous")
	c, err := srv.Store.FindComplaint(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Identity.Anonymous || c.Kind != tousu.KindReport || c.Channel != tousu.ChannelWeb {
		t.Errorf("stored: anonymous %v, kind %s, channel %s", c.Identity.Anonymous, c.Kind, c.Channel)
	}
}

// TestPortalKiosk runs the hall's touch screen: large type, kiosk mode kept on every
// link and form, and back to the start after a while without a touch — also in the
// middle of a form, so that the next person does not see what the last one typed. The
// idle time (120 s) is shortened twentyfold in the page's clock.
func TestPortalKiosk(t *testing.T) {
	srv := startServer(t, serverOptions{Seed: portalSeed})
	tab := newTab(t, newBrowser(t))
	run(t, tab, "viewport", chromedp.EmulateViewport(1080, 1920))
	run(t, tab, "fast timers", func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `(function () { var st = window.setTimeout; window.setTimeout = function (f, d) {
				return st.call(window, f, d >= 60000 ? d / 20 : d); }; })();`})
		return chromedp.Void{}, err
	})
	run(t, tab, "kiosk start", chromedp.Navigate(srv.URL+"/?kiosk=1"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	shot(t, tab, "kiosk-home")
	run(t, tab, "kiosk form", chromedp.Click(chromedp.CSS(`.cta a[href="/submit?kiosk=1"]`)), chromedp.WaitVisible(chromedp.ID("matter")))
	if a, _ := chromedp.Run(tab, chromedp.AttributeValue(chromedp.CSS("form[data-submit-form]"), "action")); a.Value != "/submit?kiosk=1" {
		t.Errorf("the kiosk's form posts to %q", a.Value)
	}
	shot(t, tab, "kiosk-form")
	// Typing keeps the page; a pause of 6 s (120 s on the kiosk) returns to the start.
	for range 4 {
		run(t, tab, "type", chromedp.SendKeys(chromedp.ID("matter"), "窗口"), chromedp.Sleep(2*time.Second))
	}
	if loc, _ := chromedp.Run(tab, chromedp.Location()); !strings.Contains(loc, "/submit") {
		t.Errorf("the kiosk left the form while someone typed: %s", loc)
	}
	run(t, tab, "idle", chromedp.Sleep(6*time.Second), chromedp.WaitVisible(chromedp.CSS(".hero")))
	if loc, _ := chromedp.Run(tab, chromedp.Location()); !strings.HasSuffix(loc, "/?kiosk=1") {
		t.Errorf("after idling the kiosk is at %s, want the start", loc)
	}

	// Someone submits; the next person goes back: neither the receipt nor its query code
	// comes back, and nothing is posted again.
	run(t, tab, "kiosk form again", chromedp.Navigate(srv.URL+"/submit?kiosk=1"), chromedp.WaitVisible(chromedp.ID("matter")),
		chromedp.SetValue(chromedp.ID("matter"), "大厅取号机故障，等了一个小时。"),
		chromedp.SetValue(chromedp.ID("complainant-name"), "赵六"),
		chromedp.SetValue(chromedp.ID("complainant-phone"), "13900002222"),
		chromedp.Click(chromedp.ID("consent")))
	submit(t, tab, "kiosk submit", `form[data-submit-form] button[type=submit]`)
	code := textOf(t, tab, ".ticket .code")
	shot(t, tab, "kiosk-receipt")
	run(t, tab, "leave the receipt", chromedp.Click(chromedp.CSS(`.actions a[href="/?kiosk=1"]`)), chromedp.WaitVisible(chromedp.CSS(".hero")))
	run(t, tab, "back", chromedp.NavigateBack(), chromedp.Sleep(time.Second))
	body, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, code) || strings.Contains(body, "赵六") {
		t.Errorf("going back on the kiosk shows the last person's receipt or name")
	}
	if n, err := srv.Store.CountComplaints(context.Background(), tousu.ComplaintFilter{}); err != nil || n != 1 {
		t.Errorf("complaints after going back: %d (%v), want 1", n, err)
	}
}
