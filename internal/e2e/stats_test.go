package e2e

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"tousu"
	"tousu/internal/app"
)

// statsSeed registers complaints about two units this month, resolves them on the spot,
// and publishes this month's disclosure.
func statsSeed(t *testing.T, srv *server) {
	t.Helper()
	ctx := context.Background()
	clerk := tousu.Actor{Login: "clerk", Name: "陈受理", Roles: []tousu.Role{tousu.RoleClerk}}
	sup := tousu.Actor{Login: "supervisor", Name: "周督查", Roles: []tousu.Role{tousu.RoleSupervisor}}
	for i, unit := range []string{"win-a1", "win-a1", "win-a1", "win-b1"} {
		v, err := srv.App.Register(ctx, clerk, tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit,
			Complainant: tousu.Complainant{Name: "张三", Phone: "13812345678"}, Target: tousu.Target{Unit: unit},
			Matter: "窗口工作人员态度生硬，材料未一次性告知。", Categories: []string{"attitude"}}, app.RegisterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.App.Act(ctx, sup, v.Number, tousu.ActAccept, &tousu.AcceptPayload{Classification: tousu.ClassOnsite,
			Categories: []string{"attitude"}}); err != nil {
			t.Fatal(err)
		}
		finding := []tousu.Finding{tousu.FindingFounded, tousu.FindingUnfounded}[i%2]
		if _, err := srv.App.Act(ctx, sup, v.Number, tousu.ActResolve, &tousu.ResolvePayload{
			Decision: tousu.Decision{Finding: finding, Measures: []tousu.Measure{tousu.MeasureCorrection}, Improvement: "加强培训"},
			Process:  "现场协调", Result: "已当场处理", Channel: tousu.ChannelPhone}); err != nil {
			t.Fatal(err)
		}
	}
	d, err := srv.App.PrepareDisclosure(ctx, sup, app.PeriodOf("month", srv.App.Today()).Key, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.PublishDisclosure(ctx, sup, d.ID); err != nil {
		t.Fatal(err)
	}
}

// TestStatsJourney: the leader signs in and lands on the dashboard, drills from a unit's
// on-time rate to the list of those complaints, opens the monthly report and prints it on
// A4; the public reads the published disclosure on a phone.
func TestStatsJourney(t *testing.T) {
	srv := startServer(t, serverOptions{Seed: statsSeed})
	browser := newBrowser(t)

	leader := newTab(t, browser)
	signIn(t, leader, srv, "leader")
	loc, err := chromedp.Run(leader, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/desk/stats") {
		t.Fatalf("the leader landed on %q, want the dashboard", loc)
	}
	if got := textOf(t, leader, "table.kpis"); !strings.Contains(got, "按期办结率") || !strings.Contains(got, "100.0%") {
		t.Errorf("the dashboard's figures: %q", got)
	}
	shot(t, leader, "dashboard")
	printMedia(t, leader, "print")
	shot(t, leader, "dashboard-as-printed")
	printMedia(t, leader, "")

	// The drill-down: 人社局's on-time rate (the third figure of its row) opens its list.
	href, err := chromedp.Run(leader, chromedp.Evaluate[string](`(function () {
		for (const tr of document.querySelectorAll("table.breakdown tbody tr")) {
			if (tr.querySelector("th").textContent.trim() === "人社局") {
				const a = tr.querySelectorAll("td")[2].querySelector("a"); a.click(); return a.getAttribute("href");
			}
		}
		return "";
	})()`))
	if err != nil || !strings.Contains(href, "figure=replied_on_time") {
		t.Fatalf("人社局's on-time link %q: %v", href, err)
	}
	run(t, leader, "drill into 人社局's on-time rate", chromedp.WaitVisible(chromedp.CSS(".figure-filter")))
	rows, err := chromedp.Run(leader, chromedp.Evaluate[int](`document.querySelectorAll("table.inbox tbody tr").length`))
	if err != nil || rows != 3 {
		t.Errorf("the drill-down list has %d rows (%v), want 人社局's 3", rows, err)
	}
	if got := textOf(t, leader, "table.inbox"); strings.Contains(got, "医保") {
		t.Errorf("the drill-down list holds another unit's complaint: %q", got)
	}
	shot(t, leader, "drill-down")

	// The monthly report, printed on A4.
	run(t, leader, "back to the dashboard", chromedp.Navigate(srv.URL+"/desk/stats"), chromedp.WaitVisible(chromedp.CSS("table.kpis")))
	submit(t, leader, "open the monthly report", `a.button[href^="/desk/reports"]`)
	if got := textOf(t, leader, ".report h1"); !strings.Contains(got, "月报") {
		t.Errorf("report heading %q", got)
	}
	shot(t, leader, "monthly-report")
	printMedia(t, leader, "print")
	if shown, _ := chromedp.Run(leader, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header.site")).display`)); shown != "none" {
		t.Errorf("the printed report keeps the desk's header (display %q)", shown)
	}
	shot(t, leader, "monthly-report-as-printed")
	printMedia(t, leader, "")
	pdf, err := chromedp.Run(leader, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: new(true)})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	})
	if err != nil {
		t.Fatalf("print the report: %v", err)
	}
	// A4 is 595 × 842 points.
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || !regexp.MustCompile(`/MediaBox \[0 0 59[45]\.?\d* 84[12]`).Match(pdf) {
		t.Errorf("the printed report is not on A4 (%d bytes)", len(pdf))
	}

	// The public reads the disclosure on a phone.
	public := newTab(t, browser)
	viewport(t, public, phoneWidth)
	run(t, public, "open the disclosures", chromedp.Navigate(srv.URL+"/disclosure"), chromedp.WaitVisible(chromedp.CSS(".disclosure-list a")))
	submit(t, public, "open this month's disclosure", ".disclosure-list a")
	got := textOf(t, public, ".disclosure")
	for _, want := range []string{"投诉处理情况公示", "人社局", "样本不足", "经调查核实，反映问题属实，已责令改正。", "如何解读"} {
		if !strings.Contains(got, want) {
			t.Errorf("the disclosure lacks %q", want)
		}
	}
	for _, leak := range []string{"张三", "13812345678", "态度生硬"} {
		if strings.Contains(got, leak) {
			t.Errorf("the disclosure shows %q", leak)
		}
	}
	noOverflow(t, public, "disclosure")
	shot(t, public, "disclosure-phone")
}
