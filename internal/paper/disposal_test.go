package paper

import (
	"strings"
	"testing"
	"time"
)

// TestDisposalRegister: the 档案销毁清册 prints its heading, grounds, proposer and
// approver, one row per case and the total, in the embedded face; a long register
// continues on further pages with its header repeated.
func TestDisposalRegister(t *testing.T) {
	approved := time.Date(2037, 3, 2, 10, 0, 0, 0, shanghai)
	r := &DisposalRegister{ID: 3, Office: "西湖区政务服务中心", Status: "已批准销毁", Reason: "保管期限已满，经鉴定无继续保存价值",
		ProposedBy: "赵督查（supervisor）", ProposedAt: approved.Add(-48 * time.Hour), ApprovedBy: "钱主任（leader）",
		ApprovedAt: &approved, Note: "同意销毁"}
	for i := range 3 {
		r.Items = append(r.Items, DisposalLine{Number: "TS20260105-000" + string(rune('1'+i)), Kind: "投诉", Unit: "社保窗口",
			ReceivedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, shanghai), ArchivedOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
			Class: "10年", RetainUntil: time.Date(2036, 3, 2, 0, 0, 0, 0, time.UTC), Attachments: 1})
	}
	pdf, err := RenderDisposalRegister(r)
	if err != nil {
		t.Fatal(err)
	}
	p := save(t, pdf)
	if n := pages(t, p); n != 1 {
		t.Errorf("a register of 3 cases has %d pages, want 1", n)
	}
	if fonts := tool(t, "pdffonts", p); !embedded(fonts) {
		t.Errorf("the Song face is not embedded:\n%s", fonts)
	}
	got := text(t, p)
	for _, w := range []string{"档案销毁清册", "第3号", "已批准销毁", "保管期限已满", "赵督查（supervisor）", "钱主任（leader）",
		"同意销毁", "TS20260105-0001", "TS20260105-0003", "2036-03-02", "案卷3件，证据材料文件3个", "监销人（签字）"} {
		if !strings.Contains(got, w) {
			t.Errorf("the register lacks %q; it reads:\n%s", w, got)
		}
	}
	if *update {
		picture(t, p, "disposal")
	}
	for range 80 {
		r.Items = append(r.Items, r.Items[0])
	}
	pdf, err = RenderDisposalRegister(r)
	if err != nil {
		t.Fatal(err)
	}
	p = save(t, pdf)
	if n := pages(t, p); n < 3 {
		t.Errorf("a register of 83 cases has %d pages, want it continued", n)
	}
	if got := text(t, p); strings.Count(got, "受理编号") < 3 {
		t.Errorf("the header is not repeated on each page: %d times", strings.Count(got, "受理编号"))
	}
}
