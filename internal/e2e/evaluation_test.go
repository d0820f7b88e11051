package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tousu"
	"tousu/internal/app"
)

// TestEvaluationOnPhone: a citizen scans the 医保1号窗口's QR code on a 390 px phone
// (opens its URL), rates 非常不满意 with reasons — which show only once 1 or 2 is
// chosen — and leaves a phone; the window's supervisor calls back, has it put right and
// verifies it on the desk; the window's figures change from nothing rectified to all.
func TestEvaluationOnPhone(t *testing.T) {
	srv := startServer(t, serverOptions{Seed: func(t *testing.T, srv *server) {
		if _, err := srv.App.CreateUser(context.Background(), tousu.SystemActor, app.NewUser{Login: "super-b", Name: "医保督查",
			Roles: []tousu.Role{tousu.RoleSupervisor}, Unit: "dept-b", Password: password}); err != nil {
			t.Fatal(err)
		}
	}})
	// The QR code is the page's link as an SVG.
	resp, err := http.Get(srv.URL + "/evaluate/qr.svg?window=win-b1&staff=B001")
	if err != nil {
		t.Fatal(err)
	}
	svg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(string(svg), "<svg") {
		t.Fatalf("QR code: %s %.40s", resp.Header.Get("Content-Type"), svg)
	}
	link := srv.URL + "/evaluate?staff=B001&window=win-b1"

	browser := newBrowser(t)
	phone := newTab(t, browser)
	viewport(t, phone, phoneWidth)
	run(t, phone, "open the QR link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`input[name=level][value="1"]`)))
	if s := textOf(t, phone, ".evaluate-target"); !strings.Contains(s, "医保1号窗口") || !strings.Contains(s, "赵窗口") {
		t.Errorf("the page names %q, want the window and its staff member", s)
	}
	if vis, _ := chromedp.Run(phone, chromedp.Evaluate[bool](`document.querySelector("[data-reasons]").offsetParent !== null`)); vis {
		t.Error("the reasons show before a level is chosen")
	}
	shot(t, phone, "rate")
	run(t, phone, "rate 1 with reasons and a phone",
		chromedp.Click(chromedp.CSS(`input[name=level][value="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=reasons][value=attitude]`)),
		chromedp.Click(chromedp.CSS(`input[name=reasons][value=attitude]`)),
		chromedp.Click(chromedp.CSS(`input[name=reasons][value=repeat]`)),
		chromedp.SetValue(chromedp.ID("comment"), "材料没有一次说清，跑了三趟"),
		chromedp.SetValue(chromedp.ID("phone"), "13812345678"),
	)
	if w, err := chromedp.Run(phone, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`)); err != nil || w[0] > w[1] {
		t.Errorf("the rating page scrolls sideways at %d px: %v %v", phoneWidth, w, err)
	}
	shot(t, phone, "rated-form")
	submit(t, phone, "submit the rating", `form.evaluate button[type=submit]`)
	id := textOf(t, phone, "[data-evaluation-id]")
	if !strings.HasPrefix(id, "PJ") {
		t.Fatalf("evaluation number %q", id)
	}
	shot(t, phone, "thanks")

	desk := newTab(t, browser)
	signIn(t, desk, srv, "super-b")
	figure := func(what string) string {
		t.Helper()
		run(t, desk, "figures "+what, chromedp.Navigate(srv.URL+"/desk/evaluations/stats"), chromedp.WaitVisible(chromedp.CSS(`tr[data-key="win-b1"]`)))
		return textOf(t, desk, `tr[data-key="win-b1"] [data-rectified-rate]`) + " " + textOf(t, desk, `tr[data-key="win-b1"] [data-callback-rate]`)
	}
	if got := figure("before"); got != "0.0% 0.0%" {
		t.Errorf("差评整改率 and 回访率 before = %q, want 0.0%% 0.0%%", got)
	}
	run(t, desk, "the rating", chromedp.Navigate(srv.URL+"/desk/evaluations/"+id), chromedp.WaitVisible(chromedp.CSS(`form[data-action=callback]`)))
	if s := textOf(t, desk, "[data-phone]"); s != "138****5678" {
		t.Errorf("the phone on the desk = %q, want it masked", s)
	}
	run(t, desk, "call back", chromedp.Click(chromedp.CSS(`form[data-action=callback] input[name=reached][value="1"]`)),
		chromedp.SetValue(chromedp.ID("callback-note"), "已电话回访，群众反映未一次告知材料"))
	submit(t, desk, "call back", `form[data-action=callback] button[type=submit]`)
	run(t, desk, "rectify", chromedp.WaitVisible(chromedp.ID("rectify-text")), chromedp.SetValue(chromedp.ID("rectify-text"), "已批评教育，材料清单上墙公示"))
	submit(t, desk, "rectify", `form[data-action=rectify] button[type=submit]`)
	run(t, desk, "verify", chromedp.WaitVisible(chromedp.ID("verify-note")),
		chromedp.Click(chromedp.CSS(`form[data-action=verify] input[name=accepted][value="1"]`)),
		chromedp.SetValue(chromedp.ID("verify-note"), "现场核实，清单已公示"))
	submit(t, desk, "verify", `form[data-action=verify] button[type=submit]`)
	if s := textOf(t, desk, "[data-status]"); s != "已办结" {
		t.Errorf("status after verification = %q, want 已办结", s)
	}
	shot(t, desk, "closed")
	if got := figure("after"); got != "100.0% 100.0%" {
		t.Errorf("差评整改率 and 回访率 after = %q, want 100.0%% 100.0%%", got)
	}
	shot(t, desk, "figures")
}
