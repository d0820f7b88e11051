package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tousu/internal/demo"
)

// TestIntakeJourney: the clerk registers at the counter with evidence, corrects the
// phone (补正), reissues the query code on a new receipt; the complainant tracks the case
// on the portal with the new code, and the old one finds nothing.
func TestIntakeJourney(t *testing.T) {
	srv := startServer(t, serverOptions{})
	browser := newBrowser(t)
	clerk := newTab(t, browser)
	signIn(t, clerk, srv, "clerk")
	run(t, clerk, "open the registration form", chromedp.Navigate(srv.URL+"/desk/complaints/new"),
		chromedp.WaitVisible(chromedp.ID("matter")))
	run(t, clerk, "fill in the registration with evidence",
		chromedp.SetValue(chromedp.ID("complainant-name"), "张三"),
		chromedp.SetValue(chromedp.ID("complainant-phone"), "138 1234 5678"),
		chromedp.SetValue(chromedp.ID("target-unit"), "win-a1"),
		chromedp.SetValue(chromedp.ID("matter"), "在社保1号窗口办理参保登记，工作人员态度生硬，材料不全也没有一次性告知。"),
		chromedp.SetValue(chromedp.ID("first-receiver-staff"), "A001"),
		chromedp.SetUploadFiles(chromedp.ID("evidence"), evidenceFiles(t)),
	)
	submit(t, clerk, "register", `form.register button[type=submit]`)
	number, oldCode := textOf(t, clerk, ".receipt .number"), textOf(t, clerk, ".receipt .code")
	if number == "" || len(oldCode) != 10 {
		t.Fatalf("receipt: %q %q", number, oldCode)
	}
	if got := textOf(t, clerk, ".receipt"); !strings.Contains(got, "王窗口") {
		t.Errorf("the receipt does not name the first receiver: %q", got)
	}
	run(t, clerk, "the receipt's QR code", chromedp.WaitVisible(chromedp.CSS(".receipt svg.qr")))
	shot(t, clerk, "receipt-with-qr")

	caseURL := srv.URL + "/desk/complaints/" + number
	run(t, clerk, "open the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.ID("evidence-title")))
	if got := textOf(t, clerk, "main"); !strings.Contains(got, "窗口照片.png") || !strings.Contains(got, "办事材料清单.pdf") {
		t.Errorf("the evidence is not on the case page")
	}
	run(t, clerk, "open the amend form", chromedp.Click(chromedp.CSS("#act-amend summary")),
		chromedp.WaitVisible(chromedp.ID("amend-complainant-phone")),
		chromedp.SetValue(chromedp.ID("amend-complainant-phone"), "13812345679"),
		chromedp.SetValue(chromedp.ID("amend-reason"), "登记时电话末位录错"),
	)
	submit(t, clerk, "amend", `#act-amend button[type=submit]`)
	if got := textOf(t, clerk, "main"); !strings.Contains(got, "已完成“补正登记”") || !strings.Contains(got, "138****5678 → 138****5679") {
		t.Errorf("after amend: %.400s", got)
	}
	shot(t, clerk, "case-amended")

	run(t, clerk, "open the reissue form", chromedp.Click(chromedp.CSS("#act-query-code summary")),
		chromedp.WaitVisible(chromedp.ID("query-code-reason")),
		chromedp.SetValue(chromedp.ID("query-code-reason"), "投诉人遗失回执"))
	submit(t, clerk, "reissue", `#act-query-code button[type=submit]`)
	newCode := textOf(t, clerk, ".receipt .code")
	if len(newCode) != 10 || newCode == oldCode {
		t.Fatalf("new code %q (old %q)", newCode, oldCode)
	}
	shot(t, clerk, "receipt-reissued")

	public := newTab(t, browser)
	run(t, public, "the portal's tracking page", chromedp.Navigate(srv.URL+"/track?number="+number), chromedp.WaitVisible(chromedp.ID("code")))
	run(t, public, "type the old code", chromedp.SetValue(chromedp.ID("code"), oldCode))
	submit(t, public, "track with the old code", `form.lookup button[type=submit]`)
	if got := textOf(t, public, ".notice.alert"); !strings.Contains(got, "未找到") {
		t.Errorf("the old code: %q", got)
	}
	lookUp(t, public, newCode)
	if got := textOf(t, public, ".case-head"); !strings.Contains(got, number) {
		t.Errorf("tracked: %q", got)
	}
	shot(t, public, "tracked-with-new-code")
}

// TestPortalNoUnitReachesDemoSupervisor: on the demo, a portal complaint left at "不清楚"
// is in the demo supervisor's 待受理 at once, with a desk message.
func TestPortalNoUnitReachesDemoSupervisor(t *testing.T) {
	srv := startServer(t, serverOptions{Bare: true, Seed: func(t *testing.T, srv *server) {
		if _, err := demo.Load(context.Background(), srv.App, demo.Options{Complaints: 20, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		srv.Password = demo.Password
	}})
	browser := newBrowser(t)
	tab := newTab(t, browser)
	run(t, tab, "open the form", chromedp.Navigate(srv.URL+"/submit"), chromedp.WaitVisible(chromedp.ID("matter")),
		chromedp.SetValue(chromedp.ID("matter"), "在大厅排队两个小时没有人叫号，询问工作人员也没有人理会，不知道是哪个窗口的。"),
		chromedp.SetValue(chromedp.ID("complainant-name"), "王五"),
		chromedp.SetValue(chromedp.ID("complainant-phone"), "13700001111"),
		chromedp.Click(chromedp.ID("consent")),
	)
	if v, _ := chromedp.Run(tab, chromedp.Value(chromedp.ID("target-unit"))); v != "" {
		t.Fatalf("the form's default unit is %q, want none (不清楚)", v)
	}
	submit(t, tab, "submit", `form[data-submit-form] button[type=submit]`)
	number := textOf(t, tab, ".ticket .number")

	sup := newTab(t, browser)
	signIn(t, sup, srv, demo.LoginSupervisor)
	run(t, sup, "待受理", chromedp.Navigate(srv.URL+"/desk/?tab=registered"), chromedp.WaitVisible(chromedp.CSS("table.inbox")))
	if got := textOf(t, sup, "table.inbox"); !strings.Contains(got, number) {
		t.Errorf("the demo supervisor's 待受理 lacks %s", number)
	}
	run(t, sup, "messages", chromedp.Navigate(srv.URL+"/desk/notifications"), chromedp.WaitVisible(chromedp.CSS("main")))
	if got := textOf(t, sup, "main"); !strings.Contains(got, number) || !strings.Contains(got, "待受理") {
		t.Errorf("no desk message about %s: %.300s", number, got)
	}
	shot(t, sup, "supervisor-notified")
}
