package paper

import (
	"fmt"
	"strconv"
	"time"
)

// DisposalRegister is one approved (or proposed) disposal as the 档案销毁清册 prints it:
// which cases were destroyed, on whose proposal and whose approval. Names are resolved
// by the caller; times are in the deployment's time zone.
type DisposalRegister struct {
	ID         int64
	Office     string // the organisation, at the head of the register
	Status     string // e.g. "已批准销毁"
	Reason     string // the proposer's grounds
	ProposedBy string // name and login
	ProposedAt time.Time
	ApprovedBy string // name and login; "" while proposed
	ApprovedAt *time.Time
	Note       string
	Items      []DisposalLine
}

// DisposalLine is one case of the register.
type DisposalLine struct {
	Number      string
	Kind        string // e.g. "投诉"
	Unit        string
	ReceivedAt  time.Time
	ArchivedOn  time.Time
	Class       string // e.g. "10年"
	RetainUntil time.Time
	Attachments int
}

// RenderDisposalRegister prints the 档案销毁清册 of a disposal: its heading, a table of
// the cases with their retention and files, and the proposer's, approver's and
// witness's lines. Like the forms it reads no clock: the same disposal prints the same
// bytes.
func RenderDisposalRegister(r *DisposalRegister) ([]byte, error) {
	at := r.ProposedAt
	if r.ApprovedAt != nil {
		at = *r.ApprovedAt
	}
	d, err := newDoc(fmt.Sprintf("档案销毁清册 第%d号", r.ID), at)
	if err != nil {
		return nil, err
	}
	d.page(formTop, true)
	d.title("档案销毁清册")
	d.f.SetFont(family, "", sizeX4)
	d.f.SetX(marginL)
	d.f.CellFormat(textW, 8, printable(fmt.Sprintf("%s　第%d号　%s", r.Office, r.ID, r.Status)), "", 1, "C", false, 0, "")
	d.f.Ln(2)
	t := d.table(10.5)
	t.row(wide("销毁依据", r.Reason)...)
	t.row(pair("提议人", r.ProposedBy, "提议时间", timeCN(r.ProposedAt))...)
	approved, on := "（待审批）", ""
	if r.ApprovedBy != "" {
		approved = r.ApprovedBy
	}
	if r.ApprovedAt != nil {
		on = timeCN(*r.ApprovedAt)
	}
	t.row(pair("批准人", approved, "批准时间", on)...)
	if r.Note != "" {
		t.row(wide("审批意见", r.Note)...)
	}
	t.row(wide("销毁内容", "投诉人身份信息（加密字段及检索索引）、证据材料文件及全部文字内容；"+
		"保留受理编号、日期、单位、类别、渠道、性质、调查结论、处理措施、状态和办理时限，供统计使用。")...)
	d.f.Ln(4)
	widths := []float64{10, 33, 11, 26, 21, 21, 11, 23}
	t = d.table(9)
	t.header = cols(widths, true, "序号", "受理编号", "类型", "被投诉单位", "受理日期", "归档日期", "期限", "保管至")
	t.row(t.header...)
	files := 0
	for i, it := range r.Items {
		files += it.Attachments
		t.row(cols(widths, false, strconv.Itoa(i+1), it.Number, it.Kind, it.Unit, it.ReceivedAt.Format("2006-01-02"),
			it.ArchivedOn.Format("2006-01-02"), it.Class, it.RetainUntil.Format("2006-01-02"))...)
	}
	t.header = nil
	t.row(wide("合计", fmt.Sprintf("案卷%d件，证据材料文件%d个", len(r.Items), files))...)
	d.f.Ln(8)
	d.f.SetFont(family, "", sizeX4)
	for _, s := range []string{"提议人（签字）：", "批准人（签字）：", "监销人（签字）：", "销毁日期：　　　　年　　月　　日"} {
		if d.f.GetY()+10 > pageH-marginB {
			d.f.AddPage()
		}
		d.f.SetX(marginL)
		d.f.CellFormat(textW, 10, s, "", 1, "L", false, 0, "")
	}
	if err := d.f.Error(); err != nil {
		return nil, fmt.Errorf("paper.RenderDisposalRegister: %w", err)
	}
	return d.bytes()
}
