package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestInspectionJourney: on a 390 px phone the inspector plans an unannounced
// inspection of 社保1号窗口, records 一次性告知 as failed with a note, the staff member
// and a photo from the camera, and completes it; the unit's handler submits its
// rectification with evidence; the inspector accepts it; A001's record shows the
// finding, and the month's ranking of the window falls from 100 to 95.
func TestInspectionJourney(t *testing.T) {
	srv := startServer(t, serverOptions{})
	browser := newBrowser(t)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	month := time.Now().In(loc).Format("2006-01")

	leader := newTab(t, browser)
	signIn(t, leader, srv, "leader")
	score := func() string {
		t.Helper()
		run(t, leader, "ranking", chromedp.Navigate(srv.URL+"/desk/ranking?month="+month), chromedp.WaitVisible(chromedp.ID("units")))
		s, err := chromedp.Run(leader, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#units tbody tr")).
			filter(function (tr) { return tr.cells[1].textContent.trim() === "社保1号窗口"; }).map(function (tr) { return tr.cells[2].textContent.trim(); }).join(",")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := score(); s != "100" {
		t.Errorf("the window's score before = %q, want 100", s)
	}

	insp := newTab(t, browser)
	signIn(t, insp, srv, "inspector")
	viewport(t, insp, phoneWidth)
	run(t, insp, "plan",
		chromedp.Navigate(srv.URL+"/desk/inspections"),
		chromedp.WaitVisible(chromedp.ID("i-unit")),
		chromedp.SetValue(chromedp.ID("i-unit"), "win-a1"),
		chromedp.SetValue(chromedp.ID("i-kind"), "unannounced"),
		chromedp.SetValue(chromedp.ID("i-checklist"), "hall"),
	)
	noOverflow(t, insp, "plan")
	submit(t, insp, "plan", `form[action="/desk/inspections"] button[type=submit]`)
	run(t, insp, "record",
		chromedp.WaitVisible(chromedp.CSS("form.inspection-form")),
		chromedp.Click(chromedp.CSS(`input[name=result_one_notice][value=fail]`)),
		chromedp.SetValue(chromedp.ID("note-one_notice"), "群众材料不全，窗口未一次性告知所需材料"),
		chromedp.SetValue(chromedp.ID("staff-one_notice"), "A001"),
		chromedp.SetValue(chromedp.ID("photo-item"), "one_notice"),
		chromedp.SetUploadFiles(chromedp.ID("photo"), evidenceFiles(t)[:1]),
	)
	noOverflow(t, insp, "record")
	shot(t, insp, "inspection-phone")
	submit(t, insp, "save results", `form.inspection-form button[type=submit]`)
	if s := textOf(t, insp, ".flash"); !strings.Contains(s, "已保存9项检查结果、1张照片") {
		t.Fatalf("after saving: %q", s)
	}
	evaluate(t, insp, "window.confirm = function () { return true; }")
	submit(t, insp, "complete", `form[action$="/complete"] button[type=submit]`)
	if s := textOf(t, insp, "#score"); s != "85" {
		t.Errorf("the inspection's score = %q, want 85", s)
	}
	if s := textOf(t, insp, "main"); !strings.Contains(s, "照片") || !strings.Contains(s, "打印整改通知书") {
		t.Errorf("the completed inspection lacks its photo or notice:\n%s", s)
	}

	unit := newTab(t, browser)
	signIn(t, unit, srv, "handler-a")
	viewport(t, unit, phoneWidth)
	run(t, unit, "tasks", chromedp.Navigate(srv.URL+"/desk/rectifications"), chromedp.WaitVisible(chromedp.CSS(`a[href^="/desk/rectifications/"]`)))
	submit(t, unit, "open the task", `table a[href^="/desk/rectifications/"]`)
	url, err := chromedp.Run(unit, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	run(t, unit, "submit",
		chromedp.WaitVisible(chromedp.ID("r-text")),
		chromedp.SetValue(chromedp.ID("r-text"), "已制作一次性告知清单张贴于窗口，并组织窗口人员学习"),
		chromedp.SetUploadFiles(chromedp.ID("r-evidence"), evidenceFiles(t)[:1]),
	)
	noOverflow(t, unit, "rectification")
	submit(t, unit, "submit the rectification", `form[action$="/submit"] button[type=submit]`)
	if s := textOf(t, unit, "#rect-status"); s != "待验收" {
		t.Errorf("after submitting: %q, want 待验收", s)
	}

	run(t, insp, "verify", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.ID("r-note")),
		chromedp.SetValue(chromedp.ID("r-note"), "整改到位"))
	submit(t, insp, "accept", `button[name=accepted][value=true]`)
	if s := textOf(t, insp, "#rect-status"); s != "已验收" {
		t.Errorf("after verifying: %q, want 已验收", s)
	}

	run(t, leader, "staff record", chromedp.Navigate(srv.URL+"/desk/staff/A001"), chromedp.WaitVisible(chromedp.ID("findings")))
	if s := textOf(t, leader, "#findings"); !strings.Contains(s, "一次性告知") || !strings.Contains(s, "群众材料不全") {
		t.Errorf("A001's record findings = %q", s)
	}
	if s := score(); s != "95" {
		t.Errorf("the window's score after = %q, want 95 (100 − 5 for the failed item)", s)
	}
	shot(t, leader, fmt.Sprintf("ranking-%s", month))
}
