package paper

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Sizes in points of the Chinese type scale (字号) that GB/T 9704-2012 names.
const (
	size2    = 22.0 // 2号: titles
	size3    = 16.0 // 3号: the body of notices
	size4    = 14.0 // 4号: page numbers
	sizeX4   = 12.0 // 小四: tables
	sizeMin  = 9.0  // the smallest a table shrinks to before text moves to a continuation sheet
	ptToMM   = 25.4 / 72
	family   = "song"
	pageW    = 210.0
	pageH    = 297.0
	marginL  = 28.0 // GB/T 9704: 左白边 28 mm ± 1 mm
	marginR  = 26.0 // a 156 mm text block
	marginT  = 37.0 // GB/T 9704: 天头 37 mm ± 1 mm
	marginB  = 35.0 // a 225 mm text block
	textW    = pageW - marginL - marginR
	lineBody = 225.0 / 22 // 22 lines of 3号 a page
)

// doc is a PDF being written, with the helpers the forms share.
type doc struct {
	f        *fpdf.Fpdf
	numbered bool // whether the page being written gets a page number
	bound    bool // a dossier: every page is numbered, for its table of contents
	imgs     int
	lead     float64 // the body's line pitch; 0 for the standard's
	alone    bool    // the last signature written started a page by itself
}

// leading is the line pitch of body text: 22 lines a page, unless a notice needed less
// to keep its signature with its text.
func (d *doc) leading() float64 {
	if d.lead > 0 {
		return d.lead
	}
	return lineBody
}

// newDoc starts a document dated at (never now: the output depends on the case only).
func newDoc(title string, at time.Time) (*doc, error) {
	ttf, err := song()
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetProducer("tousu", true)
	f.SetCreator("tousu", true)
	f.SetTitle(title, true)
	f.SetLang("zh-CN")
	f.AddUTF8FontFromBytes(family, "", ttf)
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("paper.newDoc: %w", err)
	}
	f.SetCellMargin(0) // the tables pad their cells themselves
	d := &doc{f: f}
	f.SetFooterFunc(func() {
		if !d.numbered {
			return
		}
		// GB/T 9704 7.5: 4号 Arabic numerals with a dash either side, below the text block.
		f.SetFont(family, "", size4)
		f.SetXY(marginL, pageH-marginB+7)
		f.CellFormat(textW, 7, "— "+strconv.Itoa(f.PageNo())+" —", "", 0, "C", false, 0, "")
	})
	return d, nil
}

// bytes finishes the document.
func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("paper: %w", err)
	}
	return buf.Bytes(), nil
}

// page starts a page with the given top margin, numbered or not.
func (d *doc) page(top float64, numbered bool) {
	d.numbered = numbered || d.bound
	d.f.SetMargins(marginL, top, marginR)
	d.f.SetAutoPageBreak(true, marginB)
	d.f.AddPage()
	d.f.SetXY(marginL, top)
}

// sheet starts a page of a form with its title and the complaint's number under it;
// numbered tells page whether the page carries a page number.
func (d *doc) sheet(title, number string, numbered bool) {
	d.page(formTop, numbered)
	d.title(title)
	d.f.SetFont(family, "", sizeX4)
	d.f.SetX(marginL)
	d.f.CellFormat(textW, 8, "受理编号："+number, "", 1, "L", false, 0, "")
}

// title writes a 2号 title centred.
func (d *doc) title(s string) {
	d.f.SetFont(family, "", size2)
	d.lines(s, size2*ptToMM*1.6, "C")
}

// subtitle writes a line centred in 3号, such as the document's number.
func (d *doc) subtitle(s string) {
	d.f.SetFont(family, "", size3)
	d.lines(s, d.leading(), "C")
}

// para writes a paragraph of body text, its first line indented two characters.
func (d *doc) para(s string) {
	d.f.SetFont(family, "", size3)
	for _, p := range strings.Split(strings.TrimSpace(s), "\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		d.lines("\u3000\u3000"+p, d.leading(), "L")
	}
}

// lines writes text across the text block in the current font, h mm a line; the page
// breaks by itself.
func (d *doc) lines(s string, h float64, align string) {
	for _, l := range d.split(s, textW) {
		d.f.SetX(marginL)
		d.f.CellFormat(textW, h, l, "", 1, align, false, 0, "")
	}
}

// line writes a line of body text without indent (the salutation).
func (d *doc) line(s string) {
	d.f.SetFont(family, "", size3)
	d.lines(s, d.leading(), "L")
}

// signature writes the issuing office and the date at the foot of a notice, right-aligned
// with four characters to spare (GB/T 9704 7.3.5.2).
func (d *doc) signature(office string, on time.Time) {
	d.f.SetFont(family, "", size3)
	pad := 4 * size3 * ptToMM
	// The office and date stay together; do they have to start a page of their own?
	d.alone = d.f.GetY()+3*d.leading() > pageH-marginB
	if d.alone {
		d.f.AddPage()
	} else {
		d.f.Ln(d.leading())
	}
	for _, s := range []string{office, dateCN(on)} {
		if s == "" {
			continue
		}
		d.f.SetX(marginL)
		d.f.CellFormat(textW-pad, d.leading(), printable(s), "", 1, "R", false, 0, "")
	}
}

// image draws img at x, y, w mm wide.
func (d *doc) image(img image.Image, x, y, w float64) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("paper.image: %w", err)
	}
	d.imgs++
	name := "img" + strconv.Itoa(d.imgs)
	d.f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	d.f.ImageOptions(name, x, y, w, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	return d.f.Error()
}

// cell is one cell of a table row.
type cell struct {
	w     float64
	text  string
	label bool // a field's name: centred
}

// table draws rows of cells at a font size, breaking pages between rows and, for a row
// taller than a page, inside it.
type table struct {
	d      *doc
	size   float64 // points
	pad    float64 // mm inside each cell
	minH   float64 // the least height of a row
	bottom float64 // y where the page's text block ends
	top    float64 // y where a continued table starts on a new page
	header []cell  // repeated on each new page, when set
	fresh  bool    // nothing but the header drawn on this page yet
}

func (d *doc) table(size float64) *table {
	return &table{d: d, size: size, pad: 1.5, minH: size*ptToMM*1.5 + 3, bottom: pageH - marginB, top: 25}
}

func (t *table) lh() float64 { return t.size * ptToMM * 1.45 }

// lines splits each cell's text into the lines it takes.
func (t *table) lines(cells []cell) [][]string {
	t.d.f.SetFont(family, "", t.size)
	out := make([][]string, len(cells))
	for i, c := range cells {
		var ls []string
		for _, p := range strings.Split(c.text, "\n") {
			if p == "" {
				ls = append(ls, "")
				continue
			}
			ls = append(ls, t.d.split(p, c.w-2*t.pad)...)
		}
		out[i] = ls
	}
	return out
}

// height is the height of a row.
func (t *table) height(cells []cell) float64 {
	n := 0
	for _, ls := range t.lines(cells) {
		n = max(n, len(ls))
	}
	return max(t.minH, float64(n)*t.lh()+2*t.pad)
}

// row draws a row, starting a new page when it does not fit.
func (t *table) row(cells ...cell) {
	f := t.d.f
	lines := t.lines(cells)
	for {
		n := 0
		for _, ls := range lines {
			n = max(n, len(ls))
		}
		h := max(t.minH, float64(n)*t.lh()+2*t.pad)
		room := t.bottom - f.GetY()
		if h > room {
			fit := int((room - 2*t.pad) / t.lh())
			if !t.fresh && (h <= t.bottom-t.top-t.headerH() || fit < 2) {
				t.newPage()
				continue
			}
			fit = max(fit, 1) // a page holds a line at least, so the loop ends
			// Taller than a page: what fits here, the rest on the next.
			head := make([][]string, len(lines))
			for i, ls := range lines {
				head[i] = ls[:min(fit, len(ls))]
				lines[i] = ls[min(fit, len(ls)):]
			}
			t.draw(cells, head, room)
			t.fresh = false
			t.newPage()
			continue
		}
		t.draw(cells, lines, h)
		t.fresh = false
		return
	}
}

// headerH is the height of the header row repeated on each new page.
func (t *table) headerH() float64 {
	if t.header == nil {
		return 0
	}
	return t.height(t.header)
}

func (t *table) newPage() {
	d := t.d
	d.f.AddPage()
	d.f.SetY(t.top)
	if t.header != nil {
		h := t.header
		t.header = nil
		t.row(h...)
		t.header = h
	}
	t.fresh = true
}

// draw draws a row's cells with the given lines, h high.
func (t *table) draw(cells []cell, lines [][]string, h float64) {
	f := t.d.f
	// The table breaks its own pages; a cell's last line must not break one on its own.
	f.SetAutoPageBreak(false, 0)
	defer f.SetAutoPageBreak(true, marginB)
	f.SetFont(family, "", t.size)
	x, y := marginL, f.GetY()
	for i, c := range cells {
		f.Rect(x, y, c.w, h, "D")
		ty := y + (h-float64(len(lines[i]))*t.lh())/2 // in the middle of the cell
		for _, l := range lines[i] {
			f.SetXY(x+t.pad, ty)
			align := "L"
			if c.label {
				align = "C"
			}
			f.CellFormat(c.w-2*t.pad, t.lh(), l, "", 0, align, false, 0, "")
			ty += t.lh()
		}
		x += c.w
	}
	f.SetXY(marginL, y+h)
}

// dateCN writes a date as official documents do: 2026年1月30日.
func dateCN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// timeCN writes an instant to the minute: 2026年1月30日 10:00.
func timeCN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return dateCN(t) + t.Format(" 15:04")
}

// noLineStart are the punctuation marks a Chinese line must not start with (避头): they
// stay at the end of the line before, a little past the margin.
const noLineStart = "，。、；：？！）》」』”’…—,.;:?!)]"

// split breaks text into lines no wider than w mm in the current font, between any two
// Chinese characters and at spaces between Latin words. (fpdf's SplitText and MultiCell
// drop the character at a break between Chinese characters.)
func (d *doc) split(text string, w float64) []string {
	text = printable(text)
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		rs := []rune(para)
		if len(rs) == 0 {
			lines = append(lines, "")
			continue
		}
		start, width, space := 0, 0.0, -1
		for i := 0; i < len(rs); i++ {
			r := rs[i]
			cw := d.f.GetStringWidth(string(r))
			if width+cw > w && i > start && !strings.ContainsRune(noLineStart, r) {
				end := i
				if r != ' ' && !isWide(r) && space > start { // inside a Latin word: break at its space
					end = space
				}
				lines = append(lines, strings.TrimRight(string(rs[start:end]), " "))
				for end < len(rs) && rs[end] == ' ' {
					end++
				}
				start, i, width, space = end, end-1, 0, -1
				continue
			}
			if r == ' ' {
				space = i
			}
			width += cw
		}
		lines = append(lines, string(rs[start:]))
	}
	return lines
}

// isWide reports whether r is a CJK character or full-width mark, after which a line
// may break.
func isWide(r rune) bool { return r >= 0x2E80 }
