package paper

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"tousu"
)

// section is one entry of the dossier's table of contents (卷内目录).
type section struct {
	title string
	date  time.Time
	kind  Kind // a form, or "" for the dossier's own lists
	write func(d *doc) error
}

// renderDossier binds the case into one PDF: the table of contents, every form as it now
// stands, the timeline, the decision and reply, and the evidence list. It is laid out
// twice: the first pass learns on which page each part starts, for the contents.
func renderDossier(c *Case, opts Options) ([]byte, error) {
	secs := dossierSections(c, opts)
	var starts []int
	for pass := 0; pass < 2; pass++ {
		d, err := newDoc("案卷 "+c.Number, c.stamp())
		if err != nil {
			return nil, err
		}
		d.bound = true
		writeContents(d, c, secs, starts)
		found := make([]int, len(secs))
		for i, s := range secs {
			found[i] = d.f.PageNo() + 1
			if err := s.write(d); err != nil {
				return nil, err
			}
		}
		if err := d.f.Error(); err != nil {
			return nil, fmt.Errorf("paper.renderDossier: %w", err)
		}
		if pass == 1 {
			return d.bytes()
		}
		starts = found
	}
	panic("unreachable")
}

func dossierSections(c *Case, opts Options) []section {
	var secs []section
	for _, k := range Applicable(c) {
		date := c.ReceivedAt
		switch k {
		case Rejection:
			date = c.last("reject").At
		case Extension:
			date = c.last("extend").At
		case Result:
			date = c.lastReply().At
		}
		secs = append(secs, section{title: Kinds.Label(k), date: date, kind: k,
			write: func(d *doc) error { return write(d, c, k, opts) }})
	}
	secs = append(secs,
		section{title: "办理过程记录", date: c.stamp(), write: func(d *doc) error { writeTimeline(d, c); return nil }},
		section{title: "处理决定及答复", date: c.stamp(), write: func(d *doc) error { writeOutcome(d, c); return nil }},
		section{title: "证据材料清单", date: c.stamp(), write: func(d *doc) error { writeEvidence(d, c); return nil }},
	)
	return secs
}

// writeContents writes the cover sheet: the case in brief and the 卷内目录.
func writeContents(d *doc, c *Case, secs []section, starts []int) {
	d.page(marginT, true)
	d.title("卷内目录")
	d.f.Ln(4)
	t := d.table(sizeX4)
	until := c.stamp()
	t.row(wide("案卷题名", "关于"+clip(c.Matter, 30)+"的"+tousu.Kinds.Label(c.Kind))...)
	t.row(pair("受理编号", c.Number, "状态", tousu.Statuses.Label(c.Status))...)
	t.row(pair("立卷单位", c.Office, "起止日期", dateCN(c.ReceivedAt)+"至"+dateCN(until))...)
	d.f.Ln(6)
	widths := []float64{14, 82, 36, 24}
	t.row(cols(widths, true, "序号", "文件题名", "日期", "页号")...)
	for i, s := range secs {
		page := "—"
		if starts != nil {
			page = strconv.Itoa(starts[i])
		}
		t.row(cols(widths, false, strconv.Itoa(i+1), s.title, dateCN(s.date), page)...)
	}
}

// cols is a row of cells of the given widths.
func cols(widths []float64, label bool, texts ...string) []cell {
	out := make([]cell, len(texts))
	for i, s := range texts {
		out[i] = cell{w: widths[i], text: s, label: label}
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > n {
		return string(r[:n]) + "……"
	}
	return string(r)
}

// writeTimeline writes every event of the case, internal ones included.
func writeTimeline(d *doc, c *Case) {
	d.sheet("办理过程记录", c.Number, true)
	t := d.table(10.5)
	widths := []float64{12, 30, 24, 22, 68}
	t.header = cols(widths, true, "序号", "时间", "事项", "办理人", "内容")
	t.row(t.header...)
	for _, e := range c.Events {
		var lines []string
		if e.Change != "" {
			lines = append(lines, e.Change)
		}
		for _, x := range e.Details {
			lines = append(lines, x.Name+"："+x.Value)
		}
		row := cols(widths, false, strconv.Itoa(e.Seq), timeCN(e.At), e.Label, e.Actor, strings.Join(lines, "\n"))
		t.row(row...)
	}
}

// writeOutcome writes the decision and the reply as recorded.
func writeOutcome(d *doc, c *Case) {
	d.page(formTop, true)
	d.title("处理决定及答复")
	d.f.Ln(2)
	t := d.table(sizeX4)
	t.row(heading("处理决定")...)
	if dd := c.Decision; dd != nil {
		t.row(wide("核查结论", tousu.Findings.Label(dd.Finding))...)
		ms := make([]string, len(dd.Measures))
		for i, m := range dd.Measures {
			ms[i] = tousu.Measures.Label(m)
		}
		t.row(wide("处理措施", strings.Join(ms, "、"))...)
		t.row(wide("涉及人员", c.DecisionStaff)...)
		t.row(wide("改进措施", dd.Improvement)...)
	} else {
		t.row(wide("核查结论", "（尚未作出处理决定）")...)
	}
	t.row(heading("答复")...)
	if r := c.Reply; r != nil {
		at := ""
		if e := c.lastReply(); e != nil {
			at = timeCN(e.At)
		}
		t.row(pair("答复时间", at, "答复方式", tousu.Channels.Label(r.Channel))...)
		t.row(wide("处理经过", r.Process)...)
		t.row(wide("处理结果", r.Result)...)
		t.row(wide("改进措施", r.Improvement)...)
	} else {
		t.row(wide("答复", "（尚未答复）")...)
	}
	t.row(wide("回访结果", feedbackText(c))...)
}

// writeEvidence lists the evidence files with their SHA-256, by which a file handed over
// separately can be checked against the dossier.
func writeEvidence(d *doc, c *Case) {
	d.sheet("证据材料清单", c.Number, true)
	t := d.table(10.5)
	widths := []float64{12, 40, 26, 26, 52}
	t.header = cols(widths, true, "序号", "文件名", "类型及大小", "提交时间", "SHA-256 校验值")
	t.row(t.header...)
	if len(c.Attachments) == 0 {
		t.row(cell{w: textW, text: "（无证据材料）", label: true})
		return
	}
	for i, a := range c.Attachments {
		hash := a.SHA256
		if len(hash) == 64 { // four lines of sixteen, so the digits can be read off
			hash = hash[:16] + "\n" + hash[16:32] + "\n" + hash[32:48] + "\n" + hash[48:]
		}
		t.row(cols(widths, false, strconv.Itoa(i+1), a.Name, a.ContentType+"\n"+sizeText(a.Size),
			timeCN(a.CreatedAt), hash)...)
	}
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	if n >= 1<<10 {
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 0, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}
