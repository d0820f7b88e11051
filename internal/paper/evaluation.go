package paper

import (
	"fmt"
	"image"
	"strings"
	"time"
)

// The paper of 好差评 (issue 16): the A4 table card that stands on each window's counter
// with the QR code of its rating page, and the slip for the comment box
// (《窗口服务评价表》, or the drug administration's 《验收发证行风督查反馈单》) that the
// office types in when it empties the box.

// Card is a window's table card.
type Card struct {
	Org    string // the organisation, at the top
	Window string // the window's name, large
	Path   string // where it sits, e.g. 和平区政务服务中心 › 人社局
	// Staff are the window's staff members as printed, e.g. "王窗口（工号 A001）".
	Staff []string
	URL   string    // the rating page the QR code opens
	At    time.Time // the print date, fixed by the caller
	QR    func(text string) (image.Image, error)
}

// TableCard prints a window's table card on one A4 sheet.
func TableCard(c Card) ([]byte, error) {
	d, err := newDoc(c.Window+" 服务评价", c.At)
	if err != nil {
		return nil, err
	}
	d.page(30, false)
	d.f.SetFont(family, "", size3)
	d.lines(printable(c.Org), 9, "C")
	d.f.SetFont(family, "", 30)
	d.lines(printable(c.Window), 16, "C")
	if c.Path != "" {
		d.f.SetFont(family, "", sizeX4)
		d.lines(printable(c.Path), 7, "C")
	}
	d.f.Ln(4)
	d.f.SetFont(family, "", size2)
	d.lines("请您对我们的服务作出评价", 12, "C")
	if c.QR != nil {
		img, err := c.QR(c.URL)
		if err != nil {
			return nil, fmt.Errorf("paper.TableCard: %w", err)
		}
		const w = 90.0
		y := d.f.GetY() + 4
		if err := d.image(img, (pageW-w)/2, y, w); err != nil {
			return nil, err
		}
		d.f.SetY(y + w + 4)
	}
	d.f.SetFont(family, "", size3)
	d.lines("微信或手机相机扫码 · 非常满意 满意 基本满意 不满意 非常不满意", 9, "C")
	d.f.SetFont(family, "", sizeX4)
	d.lines(c.URL, 7, "C")
	if len(c.Staff) > 0 {
		d.f.Ln(4)
		d.f.SetFont(family, "", size3)
		d.lines("本窗口工作人员："+printable(strings.Join(c.Staff, "　")), 9, "C")
	}
	d.f.Ln(4)
	d.f.SetFont(family, "", sizeX4)
	d.lines("不满意的评价，我们将在一个工作日内回访、限期整改，并告知您整改结果。您的电话号码严格保密。", 7, "C")
	return d.bytes()
}

// SlipKind names the slip's form.
type SlipKind string

// The slips.
const (
	SlipWindow SlipKind = "window" // 窗口服务评价表
	SlipDrug   SlipKind = "drug"   // 验收发证行风督查反馈单 (药监)
)

// SlipTitle is the title a slip prints.
func SlipTitle(k SlipKind) string {
	if k == SlipDrug {
		return "验收发证行风督查反馈单"
	}
	return "窗口服务评价表"
}

// Slip is a blank slip, with the window filled in when printed for one.
type Slip struct {
	Kind    SlipKind
	Org     string
	Window  string
	Reasons []string // the reasons' labels, as the rating page lists them
	At      time.Time
}

// EvaluationSlip prints two slips on one A4 sheet, to be cut in half.
func EvaluationSlip(s Slip) ([]byte, error) {
	title := SlipTitle(s.Kind)
	d, err := newDoc(title, s.At)
	if err != nil {
		return nil, err
	}
	d.page(12, false)
	for i := range 2 {
		if i == 1 {
			y := pageH / 2
			d.f.SetDashPattern([]float64{2, 2}, 0)
			d.f.Line(10, y, pageW-10, y)
			d.f.SetDashPattern(nil, 0)
			d.f.SetY(y + 6)
		}
		d.f.SetFont(family, "", size3)
		d.lines(printable(s.Org+" "+title), 8, "C")
		t := d.table(10.5)
		t.minH = 8
		t.row(pair("窗口", printable(s.Window), "工作人员/工号", "")...)
		t.row(pair("办件编号", "", "办理事项", "")...)
		t.row(wide("评价", "□非常满意　□满意　□基本满意　□不满意　□非常不满意")...)
		t.row(wide("不满意原因", "□"+strings.Join(s.Reasons, "　□"))...)
		t.row(cell{w: colL, text: "意见建议", label: true}, cell{w: colW, text: "\n\n\n"})
		t.row(pair("联系电话", "", "日期", "　　年　　月　　日")...)
		d.f.SetFont(family, "", 9)
		d.lines("留下电话的，不满意评价将在一个工作日内回访并告知整改结果；电话严格保密，不告知被评价人。请投入意见箱。", 5, "L")
	}
	return d.bytes()
}
