package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tousu/internal/app"
)

// rateWindow rates a window at a level, with a reason when the rating is bad.
func rateWindow(e *env, window string, level int) {
	e.t.Helper()
	body := map[string]any{"window": window, "level": level}
	if level <= 2 {
		body["reasons"] = []string{"attitude"}
	}
	if r := e.rate(body); r.code != http.StatusCreated {
		e.t.Fatalf("rate %s %d: %d %s", window, level, r.code, r.raw)
	}
}

// TestDisclosureRatings: a disclosure carries each window's 好评率 of the period's
// ratings — with its 95% Wilson interval from 5 ratings, 样本不足 below — fixed when the
// draft is made, so that ratings made after publishing change nothing the public reads.
func TestDisclosureRatings(t *testing.T) {
	e := newEnv(t)
	for _, lv := range []int{5, 5, 4, 4, 3, 2} {
		rateWindow(e, "win-a1", lv)
	}
	rateWindow(e, "win-b1", 5)
	rateWindow(e, "win-b1", 1)

	r := e.do("POST", "/api/v1/disclosures", "supervisor", map[string]any{"period": "2026-01"})
	if r.code != http.StatusCreated {
		t.Fatalf("prepare: %d %s", r.code, r.raw)
	}
	id := fmt.Sprint(r.field("id"))
	want := app.Wilson(4, 6)
	check := func(what string, r result) {
		t.Helper()
		ws, _ := r.field("content.windows").([]any)
		if len(ws) != 2 {
			t.Fatalf("%s: windows = %v, want win-a1 and win-b1", what, r.field("content.windows"))
		}
		a, b := ws[0].(map[string]any), ws[1].(map[string]any)
		good, _ := a["good"].(map[string]any)
		if a["code"] != "win-a1" || a["ratings"] != 6.0 || a["insufficient"] != false || good == nil ||
			good["value"] != want.Value || good["low"] != want.Low || good["high"] != want.High || good["num"] != 4.0 {
			t.Errorf("%s: win-a1 = %v, want 6 ratings, 好评率 %v [%v, %v]", what, a, want.Value, want.Low, want.High)
		}
		if b["code"] != "win-b1" || b["ratings"] != 2.0 || b["insufficient"] != true || b["good"] != nil {
			t.Errorf("%s: win-b1 = %v, want 2 ratings, 样本不足", what, b)
		}
	}
	check("draft", r)
	if r := e.do("POST", "/api/v1/disclosures/"+id+"/publish", "leader", nil); r.code != http.StatusOK {
		t.Fatalf("publish: %d %s", r.code, r.raw)
	}
	// Later ratings of the period change nothing published.
	for range 5 {
		rateWindow(e, "win-b1", 5)
	}
	rateWindow(e, "win-a1", 1)
	check("published", e.do("GET", "/api/v1/public/disclosures/"+id, "", nil))
	l := e.do("GET", "/api/v1/public/disclosures?period=2026-01", "", nil)
	items, _ := l.field("items").([]any)
	if len(items) != 1 {
		t.Fatalf("public list: %s", l.raw)
	}
	check("public list", result{body: map[string]any{"content": items[0].(map[string]any)["content"]}})
	pp := e.portalGet("/disclosure/" + id)
	mustContain(t, "the public page", page{code: pp.code, body: pp.body}, "各窗口好差评", "社保1号窗口", "评价 6 条", "66.7%",
		"（95%区间 ", "医保1号窗口", "评价 2 条", "样本不足：评价少于 5 条")
	mustContain(t, "the desk page", e.signIn("supervisor").get("/desk/disclosures/"+id), "各窗口好差评", "66.7%")

	// A new draft counts the later ratings: win-b1 now has 7.
	r = e.do("POST", "/api/v1/disclosures", "supervisor", map[string]any{"period": "2026-01"})
	if ws, _ := r.field("content.windows").([]any); len(ws) != 2 || ws[1].(map[string]any)["ratings"] != 7.0 ||
		ws[1].(map[string]any)["good"].(map[string]any)["value"] != 0.8571 {
		t.Errorf("a new draft's windows = %v, want win-b1 with 7 ratings, 好评率 0.8571", r.field("content.windows"))
	}
}

// TestPeriodicReportRatings: the report's 好差评 section gives, per window in the
// reader's scope, the period's ratings, 好评率, 差评, 差评整改率 and 回访率 beside the
// previous period's, on the page and in the XLSX.
func TestPeriodicReportRatings(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now()
	e.clock.Set(time.Date(2025, 12, 15, 10, 0, 0, 0, cst))
	rateWindow(e, "win-a1", 5)
	rateWindow(e, "win-a1", 2)
	e.clock.Set(now)
	onTime := e.rate(badRating("BJ1")).str("id")
	e.rate(badRating("BJ2"))
	e.rate(map[string]any{"window": "win-b1", "staff": "B001", "level": 5})
	e.evalAct(onTime, "callback", "dept-b-super", map[string]any{"reached": true, "note": "已回访"}, http.StatusOK)
	e.evalAct(onTime, "rectify", "handler-b", map[string]any{"text": "已整改"}, http.StatusOK)
	e.evalAct(onTime, "verify", "dept-b-super", map[string]any{"accepted": true, "note": "通过"}, http.StatusOK)

	row := func(window, period string, cells ...string) string {
		s := "<tr><td>" + window + "</td><td>" + period + "</td>"
		for _, c := range cells {
			s += `<td class="num">` + c + "</td>"
		}
		return s + "</tr>"
	}
	p := e.signIn("leader").get("/desk/reports?period=2026-01")
	mustContain(t, "the report", p, "六、各窗口好差评情况",
		row("社保1号窗口", "2026年1月", "0", "—", "0", "—", "—"),
		row("社保1号窗口", "2025年12月", "2", "50.0%", "1", "0.0%", "0.0%"),
		row("医保1号窗口", "2026年1月", "3", "33.3%", "2", "50.0%", "50.0%"),
		row("医保1号窗口", "2025年12月", "0", "—", "0", "—", "—"))

	// A unit's supervisor reads only its own windows.
	b := e.signIn("dept-b-super").get("/desk/reports?period=2026-01")
	mustContain(t, "dept-b's report", b, row("医保1号窗口", "2026年1月", "3", "33.3%", "2", "50.0%", "50.0%"))
	if bytes.Contains([]byte(b.body), []byte("<td>社保1号窗口</td>")) {
		t.Errorf("dept-b's report shows another unit's window")
	}

	x := e.signIn("leader").get("/desk/reports?period=2026-01&format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatalf("report XLSX: %d %v", x.code, err)
	}
	rows, err := f.GetRows("好差评")
	if err != nil || len(rows) != 5 {
		t.Fatalf("XLSX 好差评: %v %v, want a header and four rows", rows, err)
	}
	if got := fmt.Sprint(rows[3]); got != "[医保1号窗口 2026年1月 3 33.3% 2 50.0% 50.0%]" {
		t.Errorf("XLSX 好差评 row 4 = %s", got)
	}
}
