package paper

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tousu"
)

// Render prints document k of the case as a PDF.
func Render(c *Case, k Kind, opts Options) ([]byte, error) {
	if k == Dossier {
		return renderDossier(c, opts)
	}
	if !Has(c, k) {
		return nil, tousu.Errorf(tousu.KindNotFound, "投诉件 %s 没有%s", c.Number, Kinds.Label(k))
	}
	d, err := newDoc(Kinds.Label(k)+" "+c.Number, c.stamp())
	if err != nil {
		return nil, err
	}
	if err := write(d, c, k, opts); err != nil {
		return nil, err
	}
	return d.bytes()
}

// write writes document k into d, from a new page.
func write(d *doc, c *Case, k Kind, opts Options) error {
	switch k {
	case Receipt, Rejection, Extension, Result:
		if d.lead > 0 { // trying a pitch (noticeLeading)
			break
		}
		lead, err := noticeLeading(c, k, opts)
		if err != nil {
			return err
		}
		d.lead = lead
		defer func() { d.lead = 0 }()
	}
	switch k {
	case Registration:
		writeRegistration(d, c)
	case Receipt:
		return writeReceipt(d, c, opts)
	case Rejection:
		writeRejection(d, c)
	case Extension:
		writeExtension(d, c)
	case Record:
		writeRecord(d, c)
	case Result:
		writeResult(d, c)
	default:
		return tousu.Errorf(tousu.KindNotFound, "没有这种文书：%s", k)
	}
	return d.f.Error()
}

// noticeLeading is the line pitch that keeps a notice's office and date on the page of
// its last paragraph: GB/T 9704 7.3.5.1 lets the line spacing shrink for this. It tries
// the notice on scratch pages, from the standard's 22 lines a page down to 26.
func noticeLeading(c *Case, k Kind, opts Options) (float64, error) {
	lead := lineBody
	for lines := 22; lines <= 26; lines++ {
		lead = 225.0 / float64(lines)
		d, err := newDoc("", time.Time{})
		if err != nil {
			return 0, err
		}
		d.lead = lead
		if err := write(d, c, k, opts); err != nil {
			return 0, err
		}
		if !d.alone {
			break
		}
	}
	return lead, nil
}

// Column widths of the two-pair tables (label, value, label, value): 156 mm.
const (
	colL = 26.0
	colV = textW/2 - colL
	colW = textW - colL // a value spanning the row
)

func pair(l1, v1, l2, v2 string) []cell {
	return []cell{{w: colL, text: l1, label: true}, {w: colV, text: v1}, {w: colL, text: l2, label: true}, {w: colV, text: v2}}
}

func wide(l, v string) []cell {
	return []cell{{w: colL, text: l, label: true}, {w: colW, text: v}}
}

func heading(s string) []cell { return []cell{{w: textW, text: s, label: true}} }

// The registration form's top and bottom: a form is not a notice, and one sheet must
// hold it with its signatures.
const (
	formTop    = 20.0
	formBottom = 15.0
)

// writeRegistration writes the 投诉登记表: one A4 sheet with the registration, a handling
// section filled as far as the case has gone, and the lines for signatures. Text too
// long for the sheet even in small type ends on it with a pointer to a continuation sheet.
func writeRegistration(d *doc, c *Case) {
	d.page(formTop, false)
	d.title(formTitle(c))
	d.f.SetFont(family, "", sizeX4)
	d.f.SetX(marginL)
	d.f.CellFormat(textW/2, 8, "受理编号："+c.Number, "", 0, "L", false, 0, "")
	d.f.CellFormat(textW/2, 8, "登记时间："+timeCN(c.ReceivedAt), "", 1, "R", false, 0, "")
	top := d.f.GetY()
	sign := 22.0 // the signature lines under the table
	room := pageH - formBottom - top - sign

	long := map[string]string{"投诉事项": c.Matter, "诉求": c.Request, "处理结果": decisionText(c),
		"答复情况": replyText(c), "回访结果": feedbackText(c)}
	limit := map[string]int{}
	var rows [][]cell
	t := d.table(sizeX4)
	fits := func() bool {
		rows = registrationRows(c, long, limit)
		h := 0.0
		for _, r := range rows {
			h += t.height(r)
		}
		return h <= room
	}
	// The largest type that fits; then, in the smallest, shorter long texts.
	for _, size := range []float64{sizeX4, 11, 10.5, 10, 9.5, sizeMin} {
		t = d.table(size)
		t.minH = size*ptToMM*1.45 + 3
		if fits() {
			break
		}
	}
	for cut := 600; !fits() && cut > 20; cut = cut * 2 / 3 {
		for name, s := range long {
			if len([]rune(s)) > cut {
				limit[name] = cut
			}
		}
	}
	t.bottom = pageH - formBottom
	for _, r := range rows {
		t.row(r...)
	}
	d.f.SetAutoPageBreak(true, formBottom) // the room for the signatures was kept above
	d.f.SetFont(family, "", sizeX4)
	d.f.Ln(6)
	d.f.SetX(marginL)
	d.f.CellFormat(textW/3, 8, "投诉人（签字）：", "", 0, "L", false, 0, "")
	d.f.CellFormat(textW/3, 8, "登记人（签字）：", "", 0, "L", false, 0, "")
	d.f.CellFormat(textW/3, 8, "　　年　　月　　日", "", 1, "R", false, 0, "")

	if len(limit) == 0 {
		return
	}
	// The continuation sheet: the long texts in full.
	d.sheet(formTitle(c)+"（续页）", c.Number, false)
	ct := d.table(sizeX4)
	ct.bottom = pageH - formBottom
	for _, name := range []string{"投诉事项", "诉求", "处理结果", "答复情况", "回访结果"} {
		if limit[name] > 0 {
			ct.row(wide(name, long[name])...)
		}
	}
}

func formTitle(c *Case) string {
	switch c.Kind {
	case tousu.KindReport:
		return "举报登记表"
	case tousu.KindSuggestion:
		return "意见建议登记表"
	}
	return "投诉登记表"
}

// registrationRows are the rows of the 登记表, long texts cut to limit (in runes).
func registrationRows(c *Case, long map[string]string, limit map[string]int) [][]cell {
	text := func(name string) string {
		s := long[name]
		if n := limit[name]; n > 0 && len([]rune(s)) > n {
			return string([]rune(s)[:n]) + "……（全文见续页）"
		}
		return s
	}
	who := c.Complainant
	name := who.Name
	if who.Anonymous {
		name = "匿名"
	}
	written := "无"
	if c.Written {
		written = "有"
	}
	incident := ""
	if c.IncidentAt != nil {
		incident = timeCN(*c.IncidentAt)
	}
	rows := [][]cell{
		pair("类型", tousu.Kinds.Label(c.Kind), "受理渠道", tousu.Channels.Label(c.Channel)),
		pair("投诉人", name, "联系电话", who.Phone),
		pair("身份证号", who.IDNumber, "工作单位", who.Organization),
		pair("联系地址", who.Address, "电子邮箱", who.Email),
		pair("被投诉单位", c.TargetUnit, "被投诉人", c.TargetStaff),
	}
	if c.TargetDescription != "" {
		rows = append(rows, wide("对象描述", c.TargetDescription))
	}
	rows = append(rows,
		pair("发生时间", incident, "发生地点", c.IncidentPlace),
		wide("投诉事项", text("投诉事项")),
		wide("诉求", text("诉求")),
		pair("业务单号", c.BusinessReceiptNo, "书面材料", written),
		pair("首诉责任人", c.Receiver, "办理时限", dueText(c)),
		heading("处 理 情 况"),
		wide("受理意见", admissionText(c)),
		wide("分类", classText(c)),
		wide("承办单位", assignText(c)),
		wide("处理结果", text("处理结果")),
		wide("答复情况", text("答复情况")),
		wide("回访结果", text("回访结果")),
	)
	return rows
}

// dueText is the deadline in words: "2026年2月27日（15个工作日）".
func dueText(c *Case) string {
	if c.Due.IsZero() {
		return ""
	}
	s := dateCN(c.Due.Midnight(time.UTC))
	if p := periodText(c.Deadline); p != "" {
		s += "（" + p + "）"
	}
	if c.DueProvisional {
		s += "（预计）"
	}
	return s
}

func periodText(dl tousu.Deadline) string {
	if dl.Days <= 0 {
		return ""
	}
	if dl.Unit == tousu.CalendarDays {
		return strconv.Itoa(dl.Days) + "日"
	}
	return strconv.Itoa(dl.Days) + "个工作日"
}

// admissionText says whether and when the case was accepted, or why not.
func admissionText(c *Case) string {
	for i := len(c.Events) - 1; i >= 0; i-- {
		e := c.Events[i]
		switch e.Type {
		case "accept":
			return fmt.Sprintf("予以受理（%s，%s）", dateCN(e.At), e.Actor)
		case "reject":
			var p tousu.RejectPayload
			_ = json.Unmarshal(e.Payload, &p)
			s := fmt.Sprintf("不予受理：%s（%s，%s）", tousu.RejectReasons.Label(p.Reason), dateCN(e.At), e.Actor)
			if p.Referral != nil && p.Referral.Body != "" {
				s += "；已告知向" + p.Referral.Body + "反映"
			}
			return s
		case "withdraw":
			return fmt.Sprintf("投诉人撤回（%s）", dateCN(e.At))
		case "merge":
			return fmt.Sprintf("并入 %s 办理（%s）", c.MergedInto, dateCN(e.At))
		}
	}
	return ""
}

func classText(c *Case) string {
	var parts []string
	if c.Classification != "" {
		parts = append(parts, tousu.Classifications.Label(c.Classification))
	}
	if len(c.Categories) > 0 {
		parts = append(parts, strings.Join(c.Categories, "、"))
	}
	return strings.Join(parts, "；")
}

func assignText(c *Case) string {
	if c.AssignedUnit == "" {
		return ""
	}
	s := c.AssignedUnit
	if c.Handler != "" {
		s += "（承办人：" + c.Handler + "）"
	}
	if c.Mode != "" {
		s += "，" + tousu.Modes.Label(c.Mode)
	}
	if e := c.last("sign"); e != nil {
		s += "，" + dateCN(e.At) + "签收"
	}
	return s
}

// decisionText is the finding, measures, staff and improvements.
func decisionText(c *Case) string {
	dd := c.Decision
	if dd == nil {
		return ""
	}
	parts := []string{"核查结论：" + tousu.Findings.Label(dd.Finding)}
	if len(dd.Measures) > 0 {
		ms := make([]string, len(dd.Measures))
		for i, m := range dd.Measures {
			ms[i] = tousu.Measures.Label(m)
		}
		parts = append(parts, "处理措施："+strings.Join(ms, "、"))
	}
	if c.DecisionStaff != "" {
		parts = append(parts, "涉及人员："+c.DecisionStaff)
	}
	if strings.TrimSpace(dd.Improvement) != "" {
		parts = append(parts, "改进措施："+dd.Improvement)
	}
	return strings.Join(parts, "；")
}

// replyText is when and how the complainant was answered, and the result told.
func replyText(c *Case) string {
	if c.Reply == nil {
		return ""
	}
	s := ""
	if e := c.lastReply(); e != nil {
		s = dateCN(e.At)
	}
	if c.Reply.Channel != "" {
		s += "以" + tousu.Channels.Label(c.Reply.Channel) + "方式"
	}
	s += "答复：" + c.Reply.Result
	return s
}

func (c *Case) lastReply() *Event {
	if e := c.last("reply"); e != nil {
		return e
	}
	return c.last("resolve")
}

// feedbackText is the latest rating and comment.
func feedbackText(c *Case) string {
	e := c.last("feedback")
	if e == nil {
		return ""
	}
	var p tousu.FeedbackPayload
	_ = json.Unmarshal(e.Payload, &p)
	s := dateCN(e.At) + "回访：" + tousu.SatisfactionLabels[p.Level]
	if strings.TrimSpace(p.Comment) != "" {
		s += "。意见：" + p.Comment
	}
	return s
}

// salutation addresses the complainant by name (masked unless revealed).
func salutation(c *Case) string {
	if c.Complainant.Anonymous || strings.TrimSpace(c.Complainant.Name) == "" {
		return "投诉人："
	}
	return c.Complainant.Name + "："
}

// matterQuote is the matter, shortened, as notices quote it.
func matterQuote(c *Case) string {
	r := []rune(strings.Join(strings.Fields(c.Matter), " "))
	if len(r) > 40 {
		return "“" + string(r[:40]) + "……”"
	}
	return "“" + string(r) + "”"
}

func notice(d *doc, c *Case, k Kind) {
	d.page(marginT, true)
	d.title(Kinds.Label(k))
	d.subtitle("受理编号：" + c.Number)
	d.f.Ln(d.leading() / 2)
	d.line(salutation(c))
}

func writeReceipt(d *doc, c *Case, opts Options) error {
	notice(d, c, Receipt)
	at := c.ReceivedAt
	d.para(fmt.Sprintf("您于%s通过%s反映的%s一事已收悉，我单位已于%s%d时%02d分登记，受理编号为%s。",
		dateCN(at), channelWay(c.Channel), matterQuote(c), dateCN(at), at.Hour(), at.Minute(), c.Number))
	if !c.Due.IsZero() {
		by := "并于"
		if c.DueProvisional { // the year's holidays are not published yet
			by = "预计于"
		}
		d.para(fmt.Sprintf("我们将依照规定审查办理，%s%s前将办理结果告知您%s。",
			by, dateCN(c.Due.Midnight(time.UTC)), parens(periodText(c.Deadline), "内")))
	}
	track := "您可凭受理编号和登记时告知的查询码查询办理进度"
	if c.Phone != "" {
		track += "，也可拨打" + c.Phone + "咨询"
	}
	if c.TrackURL == "" {
		d.para(track + "。")
	} else {
		d.para(track + "。查询网址：")
		// On a line of its own and in smaller type, so that it is not broken.
		d.f.SetFont(family, "", sizeX4)
		d.lines(c.TrackURL, d.leading(), "C")
	}
	if c.TrackURL != "" && opts.QR != nil {
		img, err := opts.QR(c.TrackURL)
		if err != nil {
			return fmt.Errorf("paper.writeReceipt: %w", err)
		}
		y := d.f.GetY() + 2
		if err := d.image(img, marginL, y, 30); err != nil {
			return err
		}
		d.f.SetXY(marginL+34, y+11)
		d.f.SetFont(family, "", sizeX4)
		d.f.CellFormat(textW-34, 8, "扫码查询办理进度", "", 1, "L", false, 0, "")
		d.f.SetY(y + 30)
	}
	d.signature(c.Office, c.ReceivedAt)
	return nil
}

func parens(s, suffix string) string {
	if s == "" {
		return ""
	}
	return "（" + s + suffix + "）"
}

// channelWay is "来访", "电话"… as "通过…" reads it.
func channelWay(ch tousu.Channel) string {
	if l := tousu.Channels.Label(ch); l != "" {
		return l + "方式"
	}
	return "来访方式"
}

func writeRejection(d *doc, c *Case) {
	e := c.last("reject")
	var p tousu.RejectPayload
	_ = json.Unmarshal(e.Payload, &p)
	notice(d, c, Rejection)
	d.para(fmt.Sprintf("您于%s反映的%s一事，经审查，%s，依照有关规定，决定不予受理。",
		dateCN(c.ReceivedAt), matterQuote(c), tousu.RejectReasons.Label(p.Reason)))
	if s := strings.TrimSpace(p.Explanation); s != "" {
		d.para(s)
	}
	if r := p.Referral; r != nil && strings.TrimSpace(r.Body) != "" {
		s := "建议您向" + strings.TrimSpace(r.Body) + "反映"
		if strings.TrimSpace(r.Contact) != "" {
			s += "（联系方式：" + strings.TrimSpace(r.Contact) + "）"
		}
		d.para(s + "。")
	}
	d.para("特此告知。")
	d.signature(c.Office, e.At)
}

func writeExtension(d *doc, c *Case) {
	e := c.last("extend")
	var p struct {
		tousu.ExtendPayload
		Due tousu.Date `json:"due_date"`
	}
	_ = json.Unmarshal(e.Payload, &p)
	notice(d, c, Extension)
	reason := strings.TrimSpace(p.Reason)
	if reason == "" {
		reason = "情况复杂"
	}
	reason = strings.TrimRight(reason, "。；，")
	// The extension counts in the unit of the case's policy: working days, or 日.
	length := periodText(tousu.Deadline{Days: p.Length(), Unit: c.Deadline.Unit})
	s := fmt.Sprintf("您于%s反映的%s一事，因%s，不能在规定期限内办结，办理期限延长%s",
		dateCN(c.ReceivedAt), matterQuote(c), reason, length)
	if !p.Due.IsZero() {
		s += "，延至" + dateCN(p.Due.Midnight(time.UTC))
	}
	d.para(s + "。办理结果将及时告知您。")
	d.para("特此告知。")
	d.signature(c.Office, e.At)
}

func writeResult(d *doc, c *Case) {
	r := c.Reply
	notice(d, c, Result)
	s := fmt.Sprintf("您于%s反映的%s一事", dateCN(c.ReceivedAt), matterQuote(c))
	if e := c.last("accept"); e != nil {
		s += "，我单位已于" + dateCN(e.At) + "受理"
	}
	d.para(s + "，并进行了调查处理。现将处理情况告知如下：")
	d.para("一、处理经过")
	d.para(r.Process)
	d.para("二、处理结果")
	if c.Decision != nil && c.Decision.Finding != "" && c.Decision.Finding != tousu.FindingNotApplicable {
		d.para("经核查，您反映的问题" + tousu.Findings.Label(c.Decision.Finding) + "。")
	}
	d.para(r.Result)
	d.para("三、改进措施")
	imp := strings.TrimSpace(r.Improvement)
	if imp == "" && c.Decision != nil {
		imp = strings.TrimSpace(c.Decision.Improvement)
	}
	if imp == "" {
		imp = "无。"
	}
	d.para(imp)
	d.para("如您对处理结果有意见，可凭受理编号和查询码在线评价，或与我们联系。感谢您对我们工作的监督。")
	at := c.ReceivedAt
	if e := c.lastReply(); e != nil {
		at = e.At
	}
	d.signature(c.Office, at)
}

// writeRecord writes the 群众举报投诉记录: the complaint as recorded and the
// investigation with its result written on it.
func writeRecord(d *doc, c *Case) {
	d.sheet("群众举报投诉记录", c.Number, true)
	t := d.table(sizeX4)
	who := c.Complainant
	name := who.Name
	if who.Anonymous {
		name = "匿名"
	}
	target := strings.Trim(strings.Join([]string{c.TargetUnit, c.TargetStaff, c.TargetDescription}, "；"), "；")
	for strings.Contains(target, "；；") {
		target = strings.ReplaceAll(target, "；；", "；")
	}
	var inv []string
	for _, e := range c.all("note") {
		var p tousu.InvestigationPayload
		_ = json.Unmarshal(e.Payload, &p)
		s := timeCN(e.At) + "　" + tousu.Methods.Label(p.Method) + "（" + e.Actor
		if strings.TrimSpace(p.Participants) != "" {
			s += "；参加人：" + p.Participants
		}
		inv = append(inv, s+"）\n"+p.Content)
	}
	rows := [][]cell{
		pair("反映时间", timeCN(c.ReceivedAt), "反映方式", tousu.Channels.Label(c.Channel)),
		pair("举报投诉人", name, "联系电话", who.Phone),
		wide("被反映对象", target),
		wide("反映内容", c.Matter),
		wide("诉求", c.Request),
		wide("承办单位", assignText(c)),
		wide("调查情况", strings.Join(inv, "\n")),
		wide("调查结果", decisionText(c)),
		wide("处理意见", replyText(c)),
		pair("记录人", c.Receiver, "审核人", ""),
	}
	for _, r := range rows {
		t.row(r...)
	}
}
