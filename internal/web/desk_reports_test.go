package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestPeriodicReport: the monthly report ranks the units with enough replies and marks
// the others 样本不足, lists the founded cases with their measures and the staff named in
// two or more, downloads as XLSX; the 纪检 variant is for inspectors only; quarters and
// years parse, and a bad period falls back with a notice.
func TestPeriodicReport(t *testing.T) {
	e := newEnv(t)
	var founded []string
	for i := range 6 {
		n := e.register(func(m map[string]any) {
			m["target"] = map[string]any{"unit": "win-a1", "staff": "A001"}
		})
		finding := "unfounded"
		if i < 2 {
			finding = "founded"
			founded = append(founded, n)
		}
		e.resolveOnsite(n, finding)
	}
	e.register(func(m map[string]any) { m["target"] = map[string]any{"unit": "win-b1"} })

	leader := e.signIn("leader")
	p := leader.get("/desk/reports?period=2026-01")
	if p.code != http.StatusOK {
		t.Fatalf("report: %d %s", p.code, clipBody(p.body))
	}
	mustContain(t, "monthly report", p, "2026年1月投诉处理情况月报", "一、总体情况", "2025年12月",
		"<td>1</td><td>人社局</td>", "<td>样本不足</td><td>医保局</td>", founded[0], founded[1], "责令改正",
		"<td>A001</td><td>王窗口</td><td class=\"num\">2</td>", "口径说明")
	if strings.Contains(p.body, "七、廉洁自律类") {
		t.Errorf("a leader's report carries the 纪检 sections")
	}
	x := leader.get("/desk/reports?period=2026-01&format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatalf("report XLSX: %d %v", x.code, err)
	}
	if v, _ := f.GetCellValue("单位排名", "B2"); v != "人社局" {
		t.Errorf("report XLSX 单位排名!B2 = %q, want 人社局", v)
	}
	for _, q := range []string{"2026-Q1", "2026"} {
		mustContain(t, q, leader.get("/desk/reports?period="+q), "2026年")
	}
	mustContain(t, "bad period", leader.get("/desk/reports?period=2026-13"), "报告期间有误")
	if p := leader.get("/desk/reports?period=2026-01&variant=discipline"); p.code != http.StatusForbidden {
		t.Errorf("a leader's 纪检 report: %d, want 403", p.code)
	}
	p = e.signIn("inspector").get("/desk/reports?period=2026-01&variant=discipline")
	mustContain(t, "纪检 report", p, "投诉举报纪检汇总", "七、廉洁自律类投诉举报", "八、移送纪检案件")
	if p := e.signIn("clerk").get("/desk/reports"); p.code != http.StatusForbidden {
		t.Errorf("a clerk's report: %d, want 403", p.code)
	}
}
