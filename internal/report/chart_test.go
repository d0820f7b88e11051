package report

import (
	"encoding/xml"
	"strings"
	"testing"
)

// TestChartsAreValidSVG: each chart parses as XML, carries its title for screen readers,
// escapes labels, and draws one bar per value scaled to the largest.
func TestChartsAreValidSVG(t *testing.T) {
	bars := []Bar{{Label: "社保<窗口>", Value: 10}, {Label: "医保&窗口", Value: 5, Text: "5件"}, {Label: "空", Value: 0}}
	for name, svg := range map[string]string{"HBar": HBar("各单位受理量", bars), "Columns": Columns("月度趋势", bars)} {
		d := xml.NewDecoder(strings.NewReader(svg))
		rects := 0
		for {
			tok, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Errorf("%s: not valid XML: %v\n%s", name, err, svg)
				}
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
				rects++
			}
		}
		if rects != len(bars) {
			t.Errorf("%s: %d bars, want %d", name, rects, len(bars))
		}
		if !strings.Contains(svg, "<title>") || strings.Contains(svg, "<窗口>") || !strings.Contains(svg, "5件") {
			t.Errorf("%s: title, escaping or value text wrong:\n%s", name, svg)
		}
	}
	if !strings.Contains(HBar("x", bars), `width="390.0"`) {
		t.Errorf("HBar: the largest bar does not span the plot:\n%s", HBar("x", bars))
	}
}
