// Package report turns the statistics into what people read and keep: SVG charts drawn
// on the server (no JavaScript chart library, nothing from a CDN), and spreadsheets
// (XLSX, CSV). It knows nothing of HTTP or of the store: it takes figures and writes.
package report

import (
	"fmt"
	"html"
	"strings"
)

// Bar is one bar of a chart: a label, a value, and the text written at its end.
type Bar struct {
	Label string
	Value float64
	Text  string // the value as shown, e.g. "12" or "85.0%"; Value formatted when ""
}

// The charts are drawn in black, grey and white only, with their values written beside
// the bars, so that a black-and-white print reads the same as the screen. Every chart
// has a <title> and an aria-label; the page puts a table of the same figures beside it.

const (
	chartFont = `font-family="sans-serif" font-size="12"`
	barFill   = "#555"
)

func esc(s string) string { return html.EscapeString(s) }

func text(b Bar) string {
	if b.Text != "" {
		return b.Text
	}
	return fmt.Sprintf("%g", b.Value)
}

func maxOf(bars []Bar) float64 {
	m := 0.0
	for _, b := range bars {
		m = max(m, b.Value)
	}
	return m
}

// HBar is a horizontal bar chart (one row per bar), for breakdowns by unit, staff,
// category or channel. The width is fixed; the height follows the number of bars.
func HBar(title string, bars []Bar) string {
	const (
		width, labelW, valueW, rowH, top = 640, 180, 70, 22, 24
	)
	h := top + rowH*len(bars) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" %s>`,
		width, h, esc(title), chartFont)
	fmt.Fprintf(&b, `<title>%s</title><text x="0" y="14" font-weight="bold">%s</text>`, esc(title), esc(title))
	m := maxOf(bars)
	span := float64(width - labelW - valueW)
	for i, bar := range bars {
		y := top + i*rowH
		w := 0.0
		if m > 0 {
			w = bar.Value / m * span
		}
		label := []rune(bar.Label)
		if len(label) > 13 {
			label = append(label[:12], '…')
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+15, esc(string(label)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" stroke="#000" stroke-width="0.5"/>`,
			labelW, y+3, w, rowH-6, barFill)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`, float64(labelW)+w+4, y+15, esc(text(bar)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Columns is a vertical bar chart over time (one column per month or week), with the
// labels under the columns and the values above them.
func Columns(title string, bars []Bar) string {
	const (
		height, top, bottom, left = 220, 28, 36, 8
	)
	colW := 48
	if len(bars) > 13 {
		colW = max(14, 624/len(bars))
	}
	width := left*2 + colW*len(bars)
	width = max(width, 320)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" %s>`,
		width, height, esc(title), chartFont)
	fmt.Fprintf(&b, `<title>%s</title><text x="0" y="14" font-weight="bold">%s</text>`, esc(title), esc(title))
	m := maxOf(bars)
	span := float64(height - top - bottom - 14)
	base := height - bottom
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>`, left, base, width-left, base)
	for i, bar := range bars {
		x := left + i*colW
		h := 0.0
		if m > 0 {
			h = bar.Value / m * span
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="%s" stroke="#000" stroke-width="0.5"/>`,
			x+4, float64(base)-h, colW-8, h, barFill)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="middle" font-size="11">%s</text>`, x+colW/2, float64(base)-h-3, esc(text(bar)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="11">%s</text>`, x+colW/2, base+14, esc(bar.Label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
