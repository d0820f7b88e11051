package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDeskImportCheck uploads a CSV of past complaints on the admin's 历史导入 page in the
// browser and presses 检查: the report names the refused row, its column and reason, and
// says how many rows would be imported.
func TestDeskImportCheck(t *testing.T) {
	srv := startServer(t, serverOptions{})
	tab := newTab(t, newBrowser(t))
	signIn(t, tab, srv, "admin")
	file := filepath.Join(t.TempDir(), "台账.csv")
	content := "来源编号,收到时间,办结时间,渠道,被投诉单位,投诉事项\n" +
		"E-1,2011-04-06 10:00,2011-04-20,来访,win-a1,十五年前的投诉\n" +
		"E-2,2011-04-07,2011-04-08,飞鸽传书,win-a1,渠道不对\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, tab, "open the import page", chromedp.Navigate(srv.URL+"/desk/admin/import"),
		chromedp.WaitVisible(chromedp.ID("import-file")),
		chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{file}))
	submit(t, tab, "check the file", `button[name=mode][value=dry]`)
	run(t, tab, "the report", chromedp.WaitVisible(chromedp.ID("import-report")))
	shot(t, tab, "import-check")
	got := textOf(t, tab, "#import-report")
	for _, want := range []string{"检查结果（未导入）", "可导入 1 行", "不能导入 1 行", "渠道应为", "would import 1, refused 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}
