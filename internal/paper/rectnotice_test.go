package paper

import (
	"strings"
	"testing"
	"time"

	"tousu"
)

// TestRectNotice: the 整改通知书 of an inspection prints on one A4 page in the embedded
// face, with the unit, the inspection's kind and score, one row per failed item with its
// finding and due date, and the issuing office.
func TestRectNotice(t *testing.T) {
	n := RectNotice{Number: "督整〔2026〕12号", Unit: "医保1号窗口", Kind: "明察暗访", Date: tousu.MustDate("2026-11-23"),
		Score: 80, MaxScore: 100, Office: "西湖区政务服务中心", Issued: time.Date(2026, 11, 23, 16, 0, 0, 0, shanghai),
		Items: []RectItem{
			{Name: "一次性告知", Finding: "未一次性告知所需材料，群众往返两次", Due: tousu.MustDate("2026-11-30")},
			{Name: "着装与工牌", Finding: "一名工作人员未佩戴工牌", Due: tousu.MustDate("2026-11-30")},
		}}
	pdf, err := RenderRectNotice(n)
	if err != nil {
		t.Fatal(err)
	}
	p := save(t, pdf)
	if got := pages(t, p); got != 1 {
		t.Errorf("the notice has %d pages, want 1", got)
	}
	if fonts := tool(t, "pdffonts", p); !embedded(fonts) {
		t.Errorf("the Song face is not embedded:\n%s", fonts)
	}
	got := text(t, p)
	for _, w := range []string{"整改通知书", "督整〔2026〕12号", "医保1号窗口", "明察暗访", "80", "一次性告知",
		"未一次性告知所需材料", "着装与工牌", "2026年11月30日", "西湖区政务服务中心"} {
		if !strings.Contains(got, w) {
			t.Errorf("the notice lacks %q; it reads:\n%s", w, got)
		}
	}
	if *update {
		picture(t, p, "rectification")
	}
}
