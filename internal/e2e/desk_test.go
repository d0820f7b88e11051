package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestDeskJourney runs one complaint through the whole desk in the browser: the clerk
// registers it at the counter and prints the receipt; the supervisor accepts it and
// assigns it with instructions to a unit with two assisting units (协办); they sign and
// report their parts; the lead handler signs, investigates and reports; the supervisor
// sends the report back once, then decides and replies; the citizen rates it 1 on the
// portal; the supervisor finds it under 不满意 and reopens it; it is reported, decided
// and replied again, rated by phone (which closes it) and archived. Every step leaves a
// full-page screenshot in out/.
func TestDeskJourney(t *testing.T) {
	srv := startServer(t, serverOptions{})
	browser := newBrowser(t)

	// The clerk registers at the counter.
	clerk := newTab(t, browser)
	signIn(t, clerk, srv, "clerk")
	checkSessionCookie(t, clerk)
	shot(t, clerk, "clerk-inbox")
	run(t, clerk, "open the registration form", chromedp.Navigate(srv.URL+"/desk/complaints/new"),
		chromedp.WaitVisible(chromedp.ID("matter")))
	submit(t, clerk, "submit an empty registration", `form.register button[type=submit]`)
	if msg := textOf(t, clerk, `.field.invalid .field-error`); !strings.Contains(msg, "请") {
		t.Errorf("empty registration: first field error %q", msg)
	}
	shot(t, clerk, "register-errors")

	incident := time.Now().Add(-26 * time.Hour).Format("2006-01-02T15:04")
	run(t, clerk, "fill in the registration",
		chromedp.SetValue(chromedp.ID("channel"), "phone"),
		chromedp.SetValue(chromedp.ID("complainant-name"), "张三"),
		chromedp.SetValue(chromedp.ID("complainant-phone"), "13812345678"),
		chromedp.SetValue(chromedp.ID("complainant-address"), "示范区人民路1号"),
		chromedp.SetValue(chromedp.ID("target-unit"), "win-a1"),
		chromedp.SetValue(chromedp.ID("target-staff"), "A001"),
		chromedp.SetValue(chromedp.ID("target-description"), "1号窗口穿蓝色制服的男性工作人员"),
		chromedp.SetValue(chromedp.ID("matter"), "昨天下午在社保1号窗口办理参保登记，工作人员态度生硬，材料不全也没有一次性告知，让我跑了三趟。"),
		chromedp.SetValue(chromedp.ID("request"), "要求窗口一次性告知所需材料，并向我道歉。"),
		chromedp.Click(chromedp.CSS(`input[name=categories][value=attitude]`)),
		chromedp.Click(chromedp.CSS(`input[name=categories][value=notification]`)),
		chromedp.SetValue(chromedp.ID("incident_at"), incident),
		chromedp.SetValue(chromedp.ID("incident_place"), "二楼社保1号窗口"),
		chromedp.Click(chromedp.CSS(`input[name=written]`)),
	)
	if v, _ := chromedp.Run(clerk, chromedp.Value(chromedp.ID("complainant-name"))); v != "张三" {
		t.Fatalf("the name typed before the refused submit: %q", v)
	}
	submit(t, clerk, "register", `form.register button[type=submit]`)
	number := textOf(t, clerk, ".receipt .number")
	code := textOf(t, clerk, ".receipt .code")
	if !regexp.MustCompile(`^TS\d{8}-\d{4}$`).MatchString(number) || len(code) != 10 {
		t.Fatalf("receipt: number %q, query code %q", number, code)
	}
	shot(t, clerk, "receipt")

	// Printing: the button calls window.print (replaced here, so that nothing prints),
	// and the print stylesheet lays the receipt out without the desk around it.
	printed, err := chromedp.Run(clerk, chromedp.Evaluate[int](`window.__printed = 0; window.print = function () { window.__printed++; }; 0`))
	if err != nil {
		t.Fatal(err)
	}
	run(t, clerk, "print", chromedp.Click(chromedp.CSS(`button[data-print]`)))
	if printed, err = chromedp.Run(clerk, chromedp.Evaluate[int](`window.__printed`)); err != nil || printed != 1 {
		t.Errorf("print button: window.print called %d times (%v), want 1", printed, err)
	}
	printMedia(t, clerk, "print")
	shot(t, clerk, "receipt-as-printed")
	printMedia(t, clerk, "")
	run(t, clerk, "open the registration sheet", chromedp.Navigate(srv.URL+"/desk/complaints/"+number+"/form"),
		chromedp.WaitVisible(chromedp.CSS(".regform")))
	if got := textOf(t, clerk, ".regform"); !strings.Contains(got, "张*") || strings.Contains(got, "张三") {
		t.Errorf("the registration sheet shows the complainant as %q, want masked", firstLine(got, "投诉人"))
	}
	printMedia(t, clerk, "print")
	shot(t, clerk, "registration-sheet-as-printed")
	printMedia(t, clerk, "")

	// The supervisor accepts and assigns.
	sup := newTab(t, browser)
	signIn(t, sup, srv, "supervisor")
	if got := textOf(t, sup, "table.inbox"); !strings.Contains(got, number) {
		t.Errorf("supervisor's 待受理 does not list %s", number)
	}
	shot(t, sup, "supervisor-inbox")
	caseURL := srv.URL + "/desk/complaints/" + number
	run(t, sup, "open the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-accept")))
	shot(t, sup, "case-registered")
	run(t, sup, "accept", chromedp.Click(chromedp.CSS(`#act-accept input[name=classification][value=case]`)))
	submit(t, sup, "accept", `#act-accept button[type=submit]`)
	wantStatus(t, sup, "已受理")
	// The supervisor assigns to 人社局 with instructions (交办意见), 医保局 and 市场监管局
	// assisting (协办).
	run(t, sup, "assign",
		chromedp.SetValue(chromedp.ID("assign-unit"), "dept-a"),
		chromedp.SetValue(chromedp.ID("assign-handler"), "handler-a"),
		chromedp.Click(chromedp.CSS(`#act-assign input[name=mode][value=transfer]`)),
		chromedp.SetValue(chromedp.ID("assign-instructions"), "请调阅1月29日录像并与当事人谈话，五个工作日内报送办理结果。"),
	)
	evaluate(t, sup, `document.getElementById("assign-unit").dispatchEvent(new Event("change"))`)
	// Only the chosen unit's handlers are offered.
	if hidden, _ := chromedp.Run(sup, chromedp.Evaluate[bool](`document.querySelector('#assign-handler optgroup[data-unit="dept-b"]').hidden`)); !hidden {
		t.Errorf("the assignment form offers 医保局's handler for 人社局")
	}
	evaluate(t, sup, `for (const o of document.querySelectorAll("#assign-assisting option")) o.selected = ["dept-b", "dept-c"].includes(o.value)`)
	submit(t, sup, "assign", `#act-assign button[type=submit]`)
	wantStatus(t, sup, "已派单")
	if got := textOf(t, sup, "#facts-title + dl"); !strings.Contains(got, "医保局（未签收）") || !strings.Contains(got, "市场监管局（未签收）") {
		t.Errorf("the assisting units on the case page: %q", got)
	}
	shot(t, sup, "case-assigned")

	// Each assisting unit hears of it, signs and reports its part.
	for _, login := range []string{"handler-b", "handler-c"} {
		tab := newTab(t, browser)
		signIn(t, tab, srv, login)
		run(t, tab, "notifications", chromedp.Navigate(srv.URL+"/desk/notifications"), chromedp.WaitVisible(chromedp.CSS("main")))
		if got := textOf(t, tab, "main"); !strings.Contains(got, number) || !strings.Contains(got, "协办单位") {
			t.Errorf("%s's notifications do not tell of the assistance: %q", login, got)
		}
		run(t, tab, "open the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-assist_sign")))
		if got := textOf(t, tab, ".case-main"); !strings.Contains(got, "请调阅1月29日录像") {
			t.Errorf("%s does not see the instructions", login)
		}
		submit(t, tab, login+" signs", `#act-assist_sign button[type=submit]`)
		run(t, tab, login+" reports", chromedp.WaitVisible(chromedp.ID("assist_report-process")),
			chromedp.SetValue(chromedp.ID("assist_report-process"), login+"：核对本单位业务记录，未发现相关问题。"))
		submit(t, tab, login+" reports", `#act-assist_report button[type=submit]`)
		shot(t, tab, login+"-assisted")
	}

	// The lead unit's handler signs, investigates and reports; the identity stays masked.
	handler := newTab(t, browser)
	signIn(t, handler, srv, "handler-a")
	if got := textOf(t, handler, "table.inbox"); !strings.Contains(got, number) {
		t.Errorf("handler's 待签收 does not list %s", number)
	}
	shot(t, handler, "handler-inbox")
	run(t, handler, "open the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-sign")))
	submit(t, handler, "sign", `#act-sign button[type=submit]`)
	wantStatus(t, handler, "办理中")
	run(t, handler, "record an investigation",
		chromedp.Click(chromedp.CSS(`#act-note summary`)),
		chromedp.WaitVisible(chromedp.ID("note-content")),
		chromedp.SetValue(chromedp.ID("note-method"), "interview_staff"),
		chromedp.SetValue(chromedp.ID("note-content"), "与王窗口谈话：承认当时业务繁忙，未逐项告知所需材料，语气生硬。"),
		chromedp.SetValue(chromedp.ID("note-participants"), "李科长、王窗口"),
	)
	submit(t, handler, "record an investigation", `#act-note button[type=submit]`)
	if got := textOf(t, handler, "ol.timeline li.internal"); !strings.Contains(got, "内部") || !strings.Contains(got, "与王窗口谈话") {
		t.Errorf("the investigation record in the timeline: %q", got)
	}
	if got := textOf(t, handler, "#complainant"); strings.Contains(got, "张三") || strings.Contains(got, "查看完整身份") {
		t.Errorf("the handler sees the complainant as %q, want masked and no reveal", got)
	}
	shot(t, handler, "handler-investigation")
	report := func(process string) {
		t.Helper()
		run(t, handler, "report", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("report-process")),
			chromedp.SetValue(chromedp.ID("report-process"), process),
			chromedp.Click(chromedp.CSS(`#act-report input[name=finding][value=founded]`)),
			chromedp.Click(chromedp.CSS(`#act-report input[name=measures][value=criticism]`)),
			chromedp.SetValue(chromedp.ID("report-reply_draft"), "投诉属实。已对当事人批评教育，责令改正。"),
		)
		submit(t, handler, "report", `#act-report button[type=submit]`)
		wantStatus(t, handler, "已报送待审")
	}
	report("调阅录像，与当事人谈话，情况属实。")

	// The supervisor sends the report back once, then decides from the second.
	run(t, sup, "send back", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-decide")),
		chromedp.Click(chromedp.CSS(`#act-send_back summary`)),
		chromedp.SetValue(chromedp.ID("send_back-reason"), "未说明与投诉人沟通的情况，请补充后重新报送。"))
	if got := textOf(t, sup, ".case-main"); !strings.Contains(got, "承办单位办理结果") || !strings.Contains(got, "协办单位意见：医保局") {
		t.Errorf("the report and the assisting opinions on the supervisor's page: %q", got)
	}
	shot(t, sup, "case-reported")
	submit(t, sup, "send back", `#act-send_back button[type=submit]`)
	wantStatus(t, sup, "办理中")
	report("调阅录像，与当事人谈话，情况属实；已电话告知投诉人调查情况。")

	// The supervisor reveals the identity to call back, decides and replies.
	run(t, sup, "reveal", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-decide")),
		chromedp.Click(chromedp.CSS(`details.reveal summary`)),
		chromedp.SetValue(chromedp.ID("reveal-reason"), "电话回访需要联系投诉人"))
	submit(t, sup, "reveal", `details.reveal button[type=submit]`)
	if got := textOf(t, sup, ".revealed"); !strings.Contains(got, "张三") || !strings.Contains(got, "13812345678") {
		t.Errorf("revealed identity: %q", got)
	}
	if loc, _ := chromedp.Run(sup, chromedp.Location()); strings.Contains(loc, "138") || strings.Contains(loc, "reason") {
		t.Errorf("the identity or the reason is in the URL %s", loc)
	}
	shot(t, sup, "case-revealed")
	decideAndReply := func() {
		t.Helper()
		run(t, sup, "decide", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-decide")))
		if checked, _ := chromedp.Run(sup, chromedp.Evaluate[bool](`document.querySelector("#act-decide input[name=finding][value=founded]").checked`)); !checked {
			t.Errorf("the decision form is not filled in from the report")
		}
		run(t, sup, "decide",
			chromedp.Click(chromedp.CSS(`#act-decide input[name=measures][value=correction]`)),
			chromedp.SetValue(chromedp.ID("decide-improvement"), "窗口张贴一次性告知清单，组织服务规范培训。"),
		)
		submit(t, sup, "decide", `#act-decide button[type=submit]`)
		wantStatus(t, sup, "已处理")
		run(t, sup, "reply", chromedp.WaitVisible(chromedp.ID("reply-process")))
		if v, _ := chromedp.Run(sup, chromedp.Value(chromedp.ID("reply-result"))); !strings.Contains(v, "投诉属实") {
			t.Errorf("the reply is not drafted from the unit's report: %q", v)
		}
		run(t, sup, "reply",
			chromedp.SetValue(chromedp.ID("reply-process"), "投诉督查处调阅窗口录像，并与当事工作人员谈话核实。"),
			chromedp.SetValue(chromedp.ID("reply-result"), "投诉属实。已对当事人批评教育，责令改正。"),
		)
		if v, _ := chromedp.Run(sup, chromedp.Value(chromedp.ID("reply-improvement"))); !strings.Contains(v, "一次性告知清单") {
			t.Errorf("the reply's improvements are not offered from the decision: %q", v)
		}
		submit(t, sup, "reply", `#act-reply button[type=submit]`)
		wantStatus(t, sup, "已答复")
	}
	decideAndReply()
	shot(t, sup, "case-replied")

	// The citizen rates the reply 非常不满意 on the portal: the case waits, not closed.
	citizen := newTab(t, browser)
	run(t, citizen, "track", chromedp.Navigate(srv.URL+"/track?number="+number), chromedp.WaitVisible(chromedp.ID("code")))
	lookUp(t, citizen, code)
	run(t, citizen, "rate 1", chromedp.Click(chromedp.CSS(`input[name=level][value="1"]`)),
		chromedp.SetValue(chromedp.ID("feedback-comment"), "窗口至今没有张贴告知清单。"))
	submit(t, citizen, "send the rating", `form[data-feedback] button[type=submit]`)
	if got := textOf(t, citizen, ".flash"); !strings.Contains(got, "转督查人员处理") {
		t.Errorf("after the rating: %q", got)
	}
	shot(t, citizen, "citizen-dissatisfied")

	// The supervisor finds it under 不满意 and reopens it.
	run(t, sup, "不满意", chromedp.Navigate(srv.URL+"/desk/?tab=dissatisfied"), chromedp.WaitVisible(chromedp.CSS("table.inbox")))
	if got := textOf(t, sup, "table.inbox"); !strings.Contains(got, number) || !strings.Contains(got, "不满意") {
		t.Errorf("the 不满意 tab: %q", got)
	}
	shot(t, sup, "inbox-dissatisfied")
	run(t, sup, "reopen", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-reopen")),
		chromedp.Click(chromedp.CSS(`#act-reopen summary`)),
		chromedp.SetValue(chromedp.ID("reopen-reason"), "投诉人反映告知清单仍未张贴，重新办理。"))
	submit(t, sup, "reopen", `#act-reopen button[type=submit]`)
	wantStatus(t, sup, "办理中")
	report("已督促窗口张贴一次性告知清单，并拍照留存。")
	decideAndReply()

	// The follow-up by phone closes the case; then it is archived.
	run(t, sup, "feedback", chromedp.WaitVisible(chromedp.ID("act-feedback")),
		chromedp.Click(chromedp.CSS(`#act-feedback input[name=level][value="4"]`)),
		chromedp.SetValue(chromedp.ID("feedback-comment"), "对处理结果满意，希望窗口说到做到。"),
	)
	submit(t, sup, "feedback", `#act-feedback button[type=submit]`)
	wantStatus(t, sup, "已办结")
	shot(t, sup, "case-closed")
	viewport(t, sup, phoneWidth)
	shot(t, sup, "case-closed-phone")
	run(t, sup, "inbox on a phone", chromedp.Navigate(srv.URL+"/desk/?tab=all"), chromedp.WaitVisible(chromedp.CSS("table.inbox")))
	shot(t, sup, "inbox-phone")
	viewport(t, sup, desktopWidth)
	run(t, sup, "back to the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("act-archive")))
	submit(t, sup, "archive", `#act-archive button[type=submit]`)
	wantStatus(t, sup, "已归档")
	if got := textOf(t, sup, ".case-actions"); !strings.Contains(got, "不能对此件办理任何操作") {
		t.Errorf("an archived case still offers actions: %q", got)
	}
	shot(t, sup, "case-archived")
}

// checkSessionCookie checks that the browser keeps the desk's session cookie as the
// server set it: Secure (which Chromium accepts from http://127.0.0.1), HttpOnly, Lax.
func checkSessionCookie(t *testing.T, tab context.Context) {
	t.Helper()
	cookies, err := chromedp.Run(tab, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
		return res.Cookies, err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		if c.Name == "tousu_session" {
			if !c.Secure || !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax {
				t.Errorf("session cookie: Secure %v, HttpOnly %v, SameSite %q", c.Secure, c.HTTPOnly, c.SameSite)
			}
			return
		}
	}
	t.Errorf("the browser holds no session cookie after signing in")
}

// wantStatus checks the status shown in the case page's heading.
func wantStatus(t *testing.T, tab context.Context, want string) {
	t.Helper()
	if got := textOf(t, tab, "h1 .status"); got != want {
		notice, _ := chromedp.Run(tab, chromedp.Evaluate[string](`(document.querySelector(".notice, .field-error") || {}).textContent || ""`))
		shot(t, tab, "unexpected-status")
		t.Fatalf("status %q, want %q (%s)", got, want, strings.TrimSpace(notice))
	}
}

// printMedia makes the tab render as for print ("print") or the screen ("").
func printMedia(t *testing.T, tab context.Context, media string) {
	t.Helper()
	run(t, tab, "emulate media "+media, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return chromedp.Void{}, err
	})
}

// firstLine is the line of s that mentions what, for a short failure message.
func firstLine(s, what string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, what) {
			return l
		}
	}
	return ""
}

// TestDeskAdminPages visits every admin page in the browser and creates an account, whose
// generated password is shown once; screenshots of each page go to out/.
func TestDeskAdminPages(t *testing.T) {
	srv := startServer(t, serverOptions{})
	tab := newTab(t, newBrowser(t))
	signIn(t, tab, srv, "admin")
	if loc, _ := chromedp.Run(tab, chromedp.Location()); !strings.HasSuffix(loc, "/desk/admin/") {
		t.Errorf("an admin without a case role lands on %s, want the admin pages", loc)
	}
	shot(t, tab, "admin")
	for _, p := range []string{"units", "staff", "accounts", "categories", "calendar?from=2026-09-30&add=15", "policies"} {
		run(t, tab, "open "+p, chromedp.Navigate(srv.URL+"/desk/admin/"+p), chromedp.WaitVisible(chromedp.CSS(".admin-grid")))
		shot(t, tab, "admin-"+strings.Split(p, "?")[0])
	}
	run(t, tab, "create an account", chromedp.Navigate(srv.URL+"/desk/admin/accounts"),
		chromedp.WaitVisible(chromedp.ID("account-login")),
		chromedp.SetValue(chromedp.ID("account-login"), "clerk-b"),
		chromedp.SetValue(chromedp.ID("account-name"), "医保受理员"),
		chromedp.Click(chromedp.CSS(`#account-form input[name=role][value=clerk]`)),
		chromedp.SetValue(chromedp.ID("account-unit"), "dept-b"),
	)
	submit(t, tab, "create an account", `#account-form button[type=submit]`)
	if pw := textOf(t, tab, ".password-once .code"); len(pw) < 10 {
		t.Errorf("generated password shown as %q", pw)
	}
	shot(t, tab, "admin-account-created")
	viewport(t, tab, phoneWidth)
	shot(t, tab, "admin-accounts-phone")
}

// evaluate runs a script in the tab, for what the browser's own controls do (selecting
// several options of a multiple select).
func evaluate(t *testing.T, tab context.Context, js string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool]("(() => { "+js+"; return true })()")); err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
}
