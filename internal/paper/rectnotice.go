package paper

import (
	"fmt"
	"time"

	"tousu"
)

// RectNotice is a 整改通知书: what an inspection of a unit found, and by when each item
// must be put right (政务 第十三、十五条).
type RectNotice struct {
	Number   string // the notice's document number, e.g. 督整〔2026〕12号
	Unit     string
	Kind     string // 明察暗访…
	Date     tousu.Date
	Score    float64
	MaxScore float64
	Items    []RectItem
	Office   string    // the issuing office
	Issued   time.Time // when the inspection was completed: the notice's date
}

// RectItem is one failed item of a notice.
type RectItem struct {
	Name    string
	Finding string
	Due     tousu.Date
}

// RenderRectNotice prints a 整改通知书 on A4 as a PDF.
func RenderRectNotice(n RectNotice) ([]byte, error) {
	d, err := newDoc("整改通知书 "+n.Number, n.Issued)
	if err != nil {
		return nil, err
	}
	d.page(marginT, true)
	d.title("整改通知书")
	d.subtitle(printable(n.Number))
	d.f.Ln(d.leading() / 2)
	d.line(printable(n.Unit) + "：")
	d.para(fmt.Sprintf("%s，我们对你单位进行了%s，按督查清单检查，得分%g分（满分%g分）。发现以下问题，请按期整改，并将整改情况连同佐证材料报送督查部门验收：",
		dateCN(n.Date.Midnight(time.UTC)), n.Kind, n.Score, n.MaxScore))
	t := d.table(size4)
	t.row(cell{w: 15, text: "序号", label: true}, cell{w: 35, text: "检查项", label: true},
		cell{w: 65, text: "发现的问题", label: true}, cell{w: 41, text: "整改期限", label: true})
	for i, it := range n.Items {
		t.row(cell{w: 15, text: fmt.Sprint(i + 1)}, cell{w: 35, text: printable(it.Name)},
			cell{w: 65, text: printable(it.Finding)}, cell{w: 41, text: dateCN(it.Due.Midnight(time.UTC))})
	}
	d.para("逾期未整改或整改不到位的，将按规定通报并追究相关人员责任。")
	d.para("特此通知。")
	d.signature(printable(n.Office), n.Issued)
	if err := d.f.Error(); err != nil {
		return nil, err
	}
	return d.bytes()
}
