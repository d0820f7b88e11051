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
	if strings.Contains(p.body, "八、廉洁自律类") {
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
	mustContain(t, "纪检 report", p, "投诉举报纪检汇总", "八、廉洁自律类投诉举报", "九、移送纪检案件")
	if p := e.signIn("clerk").get("/desk/reports"); p.code != http.StatusForbidden {
		t.Errorf("a clerk's report: %d, want 403", p.code)
	}
}

// TestPeriodicReportConduct: the report's 行风督查 section counts and lists, for its unit
// subtree, the month's accountability records (two late handovers, by A001 at win-a1 and
// by B001 at win-b1), praise (A001) and sanctions (B001), beside the previous month's
// (a praise of A002 in December), on the page and in the workbook; a supervisor of
// 医保局 sees only B001's; the supervisor who is A001 is never listed, though counted.
func TestPeriodicReportConduct(t *testing.T) {
	e := newEnv(t)
	handover := func(badge string) string {
		r := e.do("POST", "/api/v1/complaints", "clerk", func() map[string]any {
			b := validComplaint()
			b["received_at"] = "2026-01-26T09:00:00+08:00"
			b["first_receiver"] = map[string]any{"staff": badge}
			b["handed_over_at"] = "2026-01-29T16:00:00+08:00"
			return b
		}())
		if r.code != http.StatusCreated || r.field("late_handover") != true {
			t.Fatalf("late handover by %s: %d %s", badge, r.code, r.raw)
		}
		return r.str("number")
	}
	lateA, lateB := handover("A001"), handover("B001")
	for _, p := range []struct{ path, who, date, reason string }{
		{"/api/v1/staff/A001/praise", "leader", "2026-01-30", "主动帮助老年群众填表"},
		{"/api/v1/staff/A002/praise", "leader", "2025-12-15", "耐心解答政策咨询"},
		{"/api/v1/staff/B001/sanctions", "inspector", "2026-01-28", "态度生硬推诿群众"},
	} {
		body := map[string]any{"type": "praise", "date": p.date, "reason": p.reason, "source": "other"}
		if strings.HasSuffix(p.path, "sanctions") {
			body["type"], body["source"], body["source_ref"] = "education", "complaint", lateB
		}
		if r := e.do("POST", p.path, p.who, body); r.code != http.StatusCreated {
			t.Fatalf("%s: %d %s", p.path, r.code, r.raw)
		}
	}

	leader := e.signIn("leader")
	p := leader.get("/desk/reports?period=2026-01")
	if p.code != http.StatusOK {
		t.Fatalf("report: %d %s", p.code, clipBody(p.body))
	}
	mustContain(t, "leader's 行风督查", p, "七、行风督查情况",
		`<th scope="row">责任追究记录</th><td class="num">2</td><td class="num">0</td>`,
		`<th scope="row">表扬</th><td class="num">1</td><td class="num">1</td>`,
		`<th scope="row">处分</th><td class="num">1</td><td class="num">0</td>`,
		"<td>社保1号窗口</td><td class=\"num\">1</td>", lateA, lateB, "逾期移交", "首诉责任人逾期移交",
		"<td>2026年1月30日</td><td>表扬</td><td>王窗口</td><td>社保1号窗口</td><td>主动帮助老年群众填表</td>",
		"<td>批评教育</td><td>赵窗口</td><td>医保1号窗口</td><td>态度生硬推诿群众</td><td>投诉 "+lateB)
	if strings.Contains(p.body, "耐心解答政策咨询") {
		t.Errorf("the leader's January report lists a December praise")
	}
	x := leader.get("/desk/reports?period=2026-01&format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatalf("report XLSX: %d %v", x.code, err)
	}
	sheet := func(name string) string {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Errorf("report XLSX sheet %s: %v", name, err)
		}
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
		return b.String()
	}
	for name, want := range map[string][]string{
		"行风督查":   {"责任追究记录|2|0", "表扬|1|1", "处分|1|0"},
		"责任追究":   {"单位|逾期移交|", "社保1号窗口|1|0|0|0|0|0|1|0", "医保1号窗口|1|0|0|0|0|0|1|0"},
		"责任追究清单": {lateA + "|社保1号窗口|王窗口|逾期移交|首诉责任人逾期移交", lateB + "|医保1号窗口|赵窗口|逾期移交"},
		"表扬处分":   {"表扬|2026-01-30|表扬|王窗口|社保1号窗口|主动帮助老年群众填表|其他", "处分|2026-01-28|批评教育|赵窗口|医保1号窗口|态度生硬推诿群众|投诉|" + lateB},
	} {
		got := sheet(name)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("report XLSX %s lacks %q:\n%s", name, w, got)
			}
		}
	}

	// 医保局's supervisor: B001's records only.
	b := e.signIn("dept-b-super").get("/desk/reports?period=2026-01")
	mustContain(t, "医保局's 行风督查", b, "七、行风督查情况", lateB, "态度生硬推诿群众",
		`<th scope="row">表扬</th><td class="num">0</td><td class="num">0</td>`)
	for _, leak := range []string{lateA, "主动帮助老年群众填表", "<td>社保1号窗口</td>"} {
		if strings.Contains(b.body, leak) {
			t.Errorf("医保局's report shows %q from outside its subtree", leak)
		}
	}
	// A001, a supervisor of 人社局: their own praise and late handover counted, not listed.
	for _, format := range []string{"", "&format=xlsx"} {
		a := e.signIn("target").get("/desk/reports?period=2026-01" + format)
		if a.code != http.StatusOK {
			t.Fatalf("A001's report: %d %s", a.code, clipBody(a.body))
		}
		body := a.body
		if format != "" {
			f, err := excelize.OpenReader(bytes.NewReader([]byte(a.body)))
			if err != nil {
				t.Fatal(err)
			}
			f.SetActiveSheet(0)
			var all strings.Builder
			for _, s := range f.GetSheetList() {
				rows, _ := f.GetRows(s)
				for _, r := range rows {
					all.WriteString(strings.Join(r, "|") + "\n")
				}
			}
			body = all.String()
		}
		for _, leak := range []string{lateA, "主动帮助老年群众填表", lateB, "态度生硬推诿群众"} {
			if strings.Contains(body, leak) {
				t.Errorf("A001's report%s shows %q", format, leak)
			}
		}
		if format == "" {
			mustContain(t, "A001's counts", a, `<th scope="row">责任追究记录</th><td class="num">1</td>`,
				`<th scope="row">表扬</th><td class="num">1</td><td class="num">1</td>`)
		}
	}
}
