package paper

import (
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tousu/internal/qr"
)

// TestTableCard: a window's card is one A4 page naming the window and its staff, and its
// QR code, printed and scanned back, is the window's rating page.
func TestTableCard(t *testing.T) {
	const url = "https://ts.example.gov.cn/evaluate?window=win-b1"
	card := Card{Org: "示范区政务服务中心", Window: "医保1号窗口", Path: "示范区政务服务中心 › 医保局 › 医保1号窗口",
		Staff: []string{"赵窗口（工号 B001）"}, URL: url, At: time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC),
		QR: func(s string) (image.Image, error) {
			c, err := qr.Encode(s)
			if err != nil {
				return nil, err
			}
			return c.Image(8), nil
		}}
	p := save(t, must(TableCard(card)))
	if n := pages(t, p); n != 1 {
		t.Errorf("table card: %d pages, want 1", n)
	}
	got := text(t, p)
	for _, w := range []string{"医保1号窗口", "赵窗口（工号B001）", "请您对我们的服务作出评价", "非常满意"} {
		if !strings.Contains(got, w) {
			t.Errorf("table card lacks %q:\n%s", w, got)
		}
	}
	png := filepath.Join(t.TempDir(), "card")
	tool(t, "pdftoppm", "-r", "150", "-png", "-singlefile", p, png)
	// zbarimg may say on stderr that it found no D-Bus; the code is a line of its own.
	out := tool(t, "zbarimg", "--quiet", "--raw", png+".png")
	found := false
	for _, l := range strings.Split(out, "\n") {
		found = found || strings.TrimSpace(l) == url
	}
	if !found {
		t.Errorf("the card's QR code reads %q, want %q", out, url)
	}
}

// TestEvaluationSlip: two slips to an A4 sheet, with the five levels and the reasons to
// tick, titled for the window or for the drug administration.
func TestEvaluationSlip(t *testing.T) {
	for _, k := range []SlipKind{SlipWindow, SlipDrug} {
		p := save(t, must(EvaluationSlip(Slip{Kind: k, Org: "示范区政务服务中心", Window: "社保1号窗口",
			Reasons: []string{"态度不好", "办事拖拉"}, At: time.Date(2026, 1, 30, 0, 0, 0, 0, time.UTC)})))
		if n := pages(t, p); n != 1 {
			t.Errorf("%s slip: %d pages, want 1", k, n)
		}
		got := text(t, p)
		if strings.Count(got, SlipTitle(k)) != 2 || !strings.Contains(got, "□非常不满意") || !strings.Contains(got, "□办事拖拉") ||
			!strings.Contains(got, "社保1号窗口") {
			t.Errorf("%s slip text:\n%s", k, got)
		}
	}
}
