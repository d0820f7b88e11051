package tousu

import (
	"encoding/json"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Text length limits, in characters.
const (
	MaxShortText = 200
	MaxText      = 5000
	MaxMatter    = 10000
)

// Register is what a clerk or the portal submits to register a complaint (DESIGN §5).
type Register struct {
	Kind              Kind        `json:"kind"`
	Channel           Channel     `json:"channel"`
	ReceivedAt        *time.Time  `json:"received_at"`
	Complainant       Complainant `json:"complainant"`
	Target            Target      `json:"target"`
	Matter            string      `json:"matter"`
	Request           string      `json:"request"`
	Categories        []string    `json:"categories"`
	IncidentAt        *time.Time  `json:"incident_at"`
	IncidentPlace     string      `json:"incident_place"`
	BusinessReceiptNo string      `json:"business_receipt_no"`
	Written           bool        `json:"written"`
	// FirstReceiver is who first received the complaint (首诉责任人) and where, when it is
	// not the registering clerk; HandedOverAt is when it reached the office (intake.go).
	FirstReceiver *FirstReceiver `json:"first_receiver,omitempty"`
	HandedOverAt  *time.Time     `json:"handed_over_at,omitempty"`
}

var (
	codePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_\-.]{0,63}$`)
	idNumberShape = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
)

// Normalize trims spaces from every text field, so that validation and storage see the
// same values.
func (r *Register) Normalize() {
	c := &r.Complainant
	for _, f := range IdentityFields {
		c.SetField(f, strings.TrimSpace(c.Field(f)))
	}
	c.IDNumber = strings.ToUpper(c.IDNumber)
	if n, ok := NormalizePhone(c.Phone); ok {
		c.Phone = n
	}
	if r.FirstReceiver != nil {
		r.FirstReceiver.Staff = strings.TrimSpace(r.FirstReceiver.Staff)
		r.FirstReceiver.Unit = strings.TrimSpace(r.FirstReceiver.Unit)
	}
	r.Target.Unit = strings.TrimSpace(r.Target.Unit)
	r.Target.Staff = strings.TrimSpace(r.Target.Staff)
	r.Target.Description = strings.TrimSpace(r.Target.Description)
	r.Matter = strings.TrimSpace(r.Matter)
	r.Request = strings.TrimSpace(r.Request)
	r.IncidentPlace = strings.TrimSpace(r.IncidentPlace)
	r.BusinessReceiptNo = strings.TrimSpace(r.BusinessReceiptNo)
	if r.Kind == "" {
		r.Kind = KindComplaint
	}
}

// Validate checks the registration on its own (existence of units, staff and categories
// is the use case's to check). now bounds received_at and incident_at.
func (r *Register) Validate(now time.Time) error {
	p := Problems{}
	if !Kinds.Valid(r.Kind) {
		p.Add("kind", "类型不正确，应为 complaint（投诉）、report（举报）或 suggestion（意见建议）")
	}
	if !Channels.Valid(r.Channel) {
		p.Add("channel", "受理渠道不正确")
	}
	if r.ReceivedAt != nil && r.ReceivedAt.After(now.Add(5*time.Minute)) {
		p.Add("received_at", "收到时间不能晚于当前时间")
	}
	if r.ReceivedAt != nil && r.ReceivedAt.Before(now.AddDate(-5, 0, 0)) {
		p.Add("received_at", "收到时间不能早于五年前")
	}
	c := r.Complainant
	if c.Anonymous {
		for _, f := range IdentityFields {
			if c.Field(f) != "" {
				p.Add("complainant."+f, "匿名投诉不应填写投诉人信息")
			}
		}
	} else {
		if c.Name == "" {
			p.Add("complainant.name", "请填写投诉人姓名，或选择匿名投诉")
		}
		if c.Phone == "" && c.Email == "" && c.Address == "" {
			p.Add("complainant.phone", "请至少留下一种联系方式（电话、电子邮箱或地址）")
		}
	}
	checkLen(p, "complainant.name", c.Name, 50)
	checkLen(p, "complainant.organization", c.Organization, MaxShortText)
	checkLen(p, "complainant.address", c.Address, MaxShortText)
	if c.Phone != "" {
		if _, ok := NormalizePhone(c.Phone); !ok {
			p.Add("complainant.phone", PhoneProblem)
		}
	}
	if c.Name != "" && !ValidName(c.Name) {
		p.Add("complainant.name", "姓名不能含有表情符号或控制字符")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 254 {
			p.Add("complainant.email", "电子邮箱格式不正确")
		}
	}
	if c.IDNumber != "" && !ValidIDNumber(c.IDNumber) {
		p.Add("complainant.id_number", "身份证号码不正确（应为18位，末位校验码须正确）")
	}
	if r.Target.Unit != "" && !codePattern.MatchString(r.Target.Unit) {
		p.Add("target.unit", "被投诉单位代码不正确")
	}
	if r.Target.Staff != "" && len(r.Target.Staff) > 64 {
		p.Add("target.staff", "工号过长")
	}
	checkLen(p, "target.description", r.Target.Description, MaxShortText)
	if r.Matter == "" {
		p.Add("matter", "请填写投诉事项")
	}
	checkLen(p, "matter", r.Matter, MaxMatter)
	checkLen(p, "request", r.Request, MaxText)
	if len(r.Categories) > 10 {
		p.Add("categories", "类别最多选择10项")
	}
	for _, cat := range r.Categories {
		if !codePattern.MatchString(cat) {
			p.Add("categories", "类别代码不正确："+clip(cat, 40))
		}
	}
	if r.IncidentAt != nil && r.IncidentAt.After(now.Add(5*time.Minute)) {
		p.Add("incident_at", "发生时间不能晚于当前时间")
	}
	if r.IncidentAt != nil && r.IncidentAt.Year() < MinYear {
		p.Add("incident_at", "发生时间不能早于1900年")
	}
	checkLen(p, "incident_place", r.IncidentPlace, MaxShortText)
	checkLen(p, "business_receipt_no", r.BusinessReceiptNo, 64)
	r.validateIntake(p, now)
	return p.Err()
}

func checkLen(p Problems, field, v string, max int) { CheckText(p, field, v, max) }

// isControl reports control characters other than line breaks and tabs — they have no
// place in a complaint, and NUL cannot be stored in PostgreSQL text — and the
// bidirectional overrides and isolates, which make text read differently from what it
// holds (a number or a name shown backwards).
func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || (r >= 0x7f && r <= 0x9f) || isBidiControl(r)
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// CheckText adds a problem for field when v, a free text that may span lines, is not
// valid UTF-8, holds a control character other than newline and tab or a bidirectional
// override, or is longer than max characters (0: no limit). Every free-text field of
// every route goes through it or CheckLine.
func CheckText(p Problems, field, v string, max int) {
	if !utf8.ValidString(v) || strings.ContainsFunc(v, isControl) {
		p.Add(field, "含有无效字符（控制字符或文字方向控制符）")
		return
	}
	if n := utf8.RuneCountInString(v); max > 0 && n > max {
		p.Add(field, "内容过长（最多"+itoa(max)+"字）")
	}
}

// CheckLine is CheckText for a one-line text (a name, a title): no line breaks or tabs.
func CheckLine(p Problems, field, v string, max int) {
	if strings.ContainsAny(v, "\n\r\t") {
		p.Add(field, "不能包含换行或制表符")
		return
	}
	CheckText(p, field, v, max)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// ValidIDNumber checks a resident ID number (GB 11643-1999): 18 characters, the last a
// check character computed from the first 17.
func ValidIDNumber(s string) bool {
	if !idNumberShape.MatchString(s) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11] == s[17]
}

// Payload is the body of a lifecycle action.
type Payload interface {
	Validate() error
}

// NewPayload returns an empty payload for action a, ready to decode into.
func NewPayload(a Action) Payload {
	switch a {
	case ActAccept:
		return &AcceptPayload{}
	case ActReject:
		return &RejectPayload{}
	case ActWithdraw:
		return &NotePayload{}
	case ActClose:
		return &ClosePayload{}
	case ActReport, ActAssistReport:
		return &ReportPayload{}
	case ActAssistSign:
		return &EmptyPayload{}
	case ActRecall, ActSendBack:
		return &ReasonPayload{}
	case ActInstruct:
		return &InstructPayload{}
	case ActApproveExtension, ActDenyExtension:
		return &ExtensionDecisionPayload{}
	case ActDisciplineOutcome:
		return &DisciplineOutcomePayload{}
	case ActMerge:
		return &MergePayload{}
	case ActAssign:
		return &AssignPayload{}
	case ActReturn, ActSuspend, ActReopen:
		return &ReasonPayload{}
	case ActNote:
		return &InvestigationPayload{}
	case ActExtend:
		return &ExtendPayload{}
	case ActUrge:
		return &UrgePayload{}
	case ActDecide:
		return &Decision{}
	case ActReply:
		return &Reply{}
	case ActResolve:
		return &ResolvePayload{}
	case ActFeedback:
		return &FeedbackPayload{}
	case ActSign, ActResume, ActArchive:
		return &EmptyPayload{}
	case ActAmend:
		return &AmendPayload{}
	}
	return nil
}

// AcceptPayload classifies an accepted complaint.
type AcceptPayload struct {
	Classification Classification `json:"classification"`
	Categories     []string       `json:"categories"`
}

// Validate implements Payload.
func (p *AcceptPayload) Validate() error {
	pr := Problems{}
	if !Classifications.Valid(p.Classification) {
		pr.Add("classification", "请选择分类：现场协调类、立案处理类或意见反映类")
	}
	for _, c := range p.Categories {
		if !codePattern.MatchString(c) {
			pr.Add("categories", "类别代码不正确："+clip(c, 40))
		}
	}
	return pr.Err()
}

// Referral tells the complainant which body can take a matter outside the remit.
type Referral struct {
	Body    string `json:"body"`
	Contact string `json:"contact"`
}

// RejectPayload says why a complaint is not accepted.
type RejectPayload struct {
	Reason      RejectReason `json:"reason"`
	Explanation string       `json:"explanation"`
	Referral    *Referral    `json:"referral,omitempty"`
}

// Validate implements Payload.
func (p *RejectPayload) Validate() error {
	pr := Problems{}
	if !RejectReasons.Valid(p.Reason) {
		pr.Add("reason", "请选择不予受理的理由（法定途径、涉密隐私、非本机构职责或无效投诉）")
	}
	if strings.TrimSpace(p.Explanation) == "" {
		pr.Add("explanation", "请填写向投诉人所作的解释说明")
	}
	checkLen(pr, "explanation", p.Explanation, MaxText)
	if p.Reason == RejectOutOfScope && (p.Referral == nil || strings.TrimSpace(p.Referral.Body) == "") {
		pr.Add("referral.body", "不属于本机构职责范围的，须告知可受理的机构")
	}
	if p.Referral != nil {
		checkLen(pr, "referral.body", p.Referral.Body, MaxShortText)
		checkLen(pr, "referral.contact", p.Referral.Contact, MaxShortText)
	}
	return pr.Err()
}

// NotePayload carries an optional note (withdraw, close).
type NotePayload struct {
	Note string `json:"note"`
}

// Validate implements Payload.
func (p *NotePayload) Validate() error {
	pr := Problems{}
	checkLen(pr, "note", p.Note, MaxText)
	return pr.Err()
}

// ReasonPayload carries a required reason (return, suspend, reopen).
type ReasonPayload struct {
	Reason string `json:"reason"`
}

// Validate implements Payload.
func (p *ReasonPayload) Validate() error {
	pr := Problems{}
	if strings.TrimSpace(p.Reason) == "" {
		pr.Add("reason", "请填写理由")
	}
	checkLen(pr, "reason", p.Reason, MaxText)
	return pr.Err()
}

// EmptyPayload is the body of actions that carry nothing.
type EmptyPayload struct{}

// Validate implements Payload.
func (p *EmptyPayload) Validate() error { return nil }

// MergePayload names the surviving complaint.
type MergePayload struct {
	Into string `json:"into"`
}

// Validate implements Payload.
func (p *MergePayload) Validate() error {
	if strings.TrimSpace(p.Into) == "" {
		return Problems{"into": "请填写并入的投诉件编号"}.Err()
	}
	return nil
}

// AssignPayload sends a complaint to a unit: the lead unit (主办), optionally a handler
// there, assisting units (协办), the instructions (交办意见) and the unit's sub-deadline.
type AssignPayload struct {
	Unit            string   `json:"unit"`
	Handler         string   `json:"handler"`
	Mode            Mode     `json:"mode"`
	Instructions    string   `json:"instructions,omitempty"`
	UnitWorkingDays int      `json:"unit_working_days,omitempty"`
	AssistingUnits  []string `json:"assisting_units,omitempty"`
}

// Validate implements Payload.
func (p *AssignPayload) Validate() error {
	pr := Problems{}
	if p.Unit == "" {
		pr.Add("unit", "请选择承办单位")
	} else if !codePattern.MatchString(p.Unit) {
		pr.Add("unit", "承办单位代码不正确")
	}
	if !Modes.Valid(p.Mode) {
		pr.Add("mode", "请选择办理方式：自办、转办或督办")
	}
	checkLen(pr, "handler", p.Handler, 64)
	checkLen(pr, "instructions", p.Instructions, MaxText)
	if p.UnitWorkingDays < 0 || p.UnitWorkingDays > 60 {
		pr.Add("unit_working_days", "承办期限应为1至60个工作日")
	}
	if p.Mode == ModeSupervise && p.UnitWorkingDays == 0 {
		pr.Add("unit_working_days", "督办件须规定承办单位的办理期限")
	}
	if len(p.AssistingUnits) > 10 {
		pr.Add("assisting_units", "协办单位最多10个")
	}
	seen := map[string]bool{p.Unit: true}
	for _, u := range p.AssistingUnits {
		switch {
		case !codePattern.MatchString(u):
			pr.Add("assisting_units", "协办单位代码不正确："+clip(u, 40))
		case seen[u]:
			pr.Add("assisting_units", "协办单位重复或与主办单位相同："+u)
		}
		seen[u] = true
	}
	return pr.Err()
}

// InvestigationPayload is an investigation record (调查笔录) or an internal note.
// Statement marks an interview with the staff member as their own statement (陈述申辩,
// REQUIREMENTS D2).
type InvestigationPayload struct {
	Method       Method `json:"method"`
	Content      string `json:"content"`
	Participants string `json:"participants"`
	Statement    bool   `json:"statement,omitempty"`
}

// Validate implements Payload.
func (p *InvestigationPayload) Validate() error {
	pr := Problems{}
	if !Methods.Valid(p.Method) {
		pr.Add("method", "请选择调查方式")
	}
	if p.Statement && p.Method != MethodInterviewStaff {
		pr.Add("statement", "只有与被投诉人员谈话的笔录可以标为陈述申辩")
	}
	if strings.TrimSpace(p.Content) == "" {
		pr.Add("content", "请填写笔录内容")
	}
	checkLen(pr, "content", p.Content, MaxMatter)
	checkLen(pr, "participants", p.Participants, MaxShortText)
	return pr.Err()
}

// ExtendPayload extends the deadline by Days in the unit of the case's policy: working
// days, or calendar days for a period in 日. WorkingDays is the older name, still
// accepted for working-day policies.
type ExtendPayload struct {
	Days        int    `json:"days,omitempty"`
	WorkingDays int    `json:"working_days,omitempty"`
	Reason      string `json:"reason"`
}

// Length is the extension in the policy's unit: Days, or WorkingDays when Days is absent.
func (p *ExtendPayload) Length() int {
	if p.Days != 0 {
		return p.Days
	}
	return p.WorkingDays
}

// Validate implements Payload.
func (p *ExtendPayload) Validate() error {
	pr := Problems{}
	switch {
	case p.Days != 0 && p.WorkingDays != 0 && p.Days != p.WorkingDays:
		pr.Add("days", "days 与 working_days 不一致，请只填 days")
	case p.Days == 0 && p.WorkingDays != 0:
		if p.WorkingDays < 1 || p.WorkingDays > 60 {
			pr.Add("working_days", "延期天数应为1至60个工作日")
		}
	case p.Days < 1 || p.Days > 60:
		pr.Add("days", "延期天数应为1至60（按办理时限的单位：工作日或自然日）")
	}
	if strings.TrimSpace(p.Reason) == "" {
		pr.Add("reason", "请填写延期理由（将告知投诉人）")
	}
	checkLen(pr, "reason", p.Reason, MaxText)
	return pr.Err()
}

// UrgePayload is a 催办 message to the unit.
type UrgePayload struct {
	Message string `json:"message"`
}

// Validate implements Payload.
func (p *UrgePayload) Validate() error {
	pr := Problems{}
	if strings.TrimSpace(p.Message) == "" {
		pr.Add("message", "请填写催办内容")
	}
	checkLen(pr, "message", p.Message, MaxText)
	return pr.Err()
}

// Validate implements Payload.
func (d *Decision) Validate() error {
	pr := Problems{}
	d.validateInto(pr)
	return pr.Err()
}

func (d *Decision) validateInto(pr Problems) {
	if !Findings.Valid(d.Finding) {
		pr.Add("finding", "请选择核查结论")
	}
	for _, m := range d.Measures {
		if !Measures.Valid(m) {
			pr.Add("measures", "处理措施不正确："+clip(string(m), 40))
		}
	}
	if d.Measures == nil {
		d.Measures = []Measure{}
	}
	if d.Staff == nil {
		d.Staff = []string{}
	}
	if len(d.Staff) > 20 {
		pr.Add("staff", "涉及人员过多")
	}
	checkLen(pr, "improvement", d.Improvement, MaxText)
}

// Validate implements Payload.
func (r *Reply) Validate() error {
	pr := Problems{}
	r.validateInto(pr)
	return pr.Err()
}

func (r *Reply) validateInto(pr Problems) {
	if strings.TrimSpace(r.Process) == "" {
		pr.Add("process", "请填写处理经过")
	}
	if strings.TrimSpace(r.Result) == "" {
		pr.Add("result", "请填写处理结果")
	}
	checkLen(pr, "process", r.Process, MaxText)
	checkLen(pr, "result", r.Result, MaxText)
	checkLen(pr, "improvement", r.Improvement, MaxText)
	if r.Channel == "" {
		pr.Add("channel", "请选择答复方式")
	} else if !Channels.Valid(r.Channel) {
		pr.Add("channel", "答复方式不正确")
	}
}

// ResolvePayload settles an on-site complaint at once: decision and reply together.
type ResolvePayload struct {
	Decision
	Process string  `json:"process"`
	Result  string  `json:"result"`
	Channel Channel `json:"channel"`
}

// Validate implements Payload.
func (p *ResolvePayload) Validate() error {
	pr := Problems{}
	p.Decision.validateInto(pr)
	r := p.Reply()
	r.validateInto(pr)
	return pr.Err()
}

// Reply is the reply part of the resolution.
func (p *ResolvePayload) Reply() Reply {
	return Reply{Process: p.Process, Result: p.Result, Improvement: p.Improvement, Channel: p.Channel}
}

// FeedbackPayload is the complainant's satisfaction (回访).
type FeedbackPayload struct {
	Level   int    `json:"level"`
	Comment string `json:"comment"`
	Reopen  bool   `json:"reopen"`
}

// Validate implements Payload.
func (p *FeedbackPayload) Validate() error {
	pr := Problems{}
	if p.Level < 1 || p.Level > 5 {
		pr.Add("level", "满意度应为1（非常不满意）至5（非常满意）")
	}
	if p.Reopen && p.Level > 2 {
		pr.Add("reopen", "只有“不满意”或“非常不满意”时才能申请重新办理")
	}
	checkLen(pr, "comment", p.Comment, MaxText)
	return pr.Err()
}

// ClosePayload closes a replied case: a note, and for a dissatisfied complainant the
// explanation they will read (required then).
type ClosePayload struct {
	Note        string `json:"note"`
	Explanation string `json:"explanation,omitempty"`
}

// Validate implements Payload.
func (p *ClosePayload) Validate() error {
	pr := Problems{}
	checkLen(pr, "note", p.Note, MaxText)
	checkLen(pr, "explanation", p.Explanation, MaxText)
	return pr.Err()
}

// ReportPayload is the handling result a unit reports (承办意见): the process, the
// proposed finding and measures, the staff concerned and a draft reply.
type ReportPayload struct {
	Process    string    `json:"process"`
	Finding    Finding   `json:"finding"`
	Measures   []Measure `json:"measures"`
	Staff      []string  `json:"staff"`
	ReplyDraft string    `json:"reply_draft"`
}

// Validate implements Payload.
func (p *ReportPayload) Validate() error {
	pr := Problems{}
	if strings.TrimSpace(p.Process) == "" {
		pr.Add("process", "请填写办理经过")
	}
	checkLen(pr, "process", p.Process, MaxText)
	if p.Finding != "" && !Findings.Valid(p.Finding) {
		pr.Add("finding", "核查结论不正确")
	}
	for _, m := range p.Measures {
		if !Measures.Valid(m) {
			pr.Add("measures", "处理措施不正确："+clip(string(m), 40))
		}
	}
	if p.Measures == nil {
		p.Measures = []Measure{}
	}
	if p.Staff == nil {
		p.Staff = []string{}
	}
	if len(p.Staff) > 20 {
		pr.Add("staff", "涉及人员过多")
	}
	checkLen(pr, "reply_draft", p.ReplyDraft, MaxText)
	return pr.Err()
}

// InstructPayload is a leader's instruction (批示).
type InstructPayload struct {
	Text string `json:"text"`
}

// Validate implements Payload.
func (p *InstructPayload) Validate() error {
	pr := Problems{}
	if strings.TrimSpace(p.Text) == "" {
		pr.Add("text", "请填写批示内容")
	}
	checkLen(pr, "text", p.Text, MaxText)
	return pr.Err()
}

// ExtensionDecisionPayload is a leader's approval or denial of an extension.
type ExtensionDecisionPayload struct {
	Note string `json:"note"`
}

// Validate implements Payload.
func (p *ExtensionDecisionPayload) Validate() error {
	pr := Problems{}
	checkLen(pr, "note", p.Note, MaxText)
	return pr.Err()
}

// DisciplineOutcomePayload is what discipline inspection decided on a referral.
type DisciplineOutcomePayload struct {
	Outcome DisciplineOutcome `json:"outcome"`
	Text    string            `json:"text"`
}

// Validate implements Payload.
func (p *DisciplineOutcomePayload) Validate() error {
	pr := Problems{}
	if !DisciplineOutcomes.Valid(p.Outcome) {
		pr.Add("outcome", "请选择纪检处理结果：给予处分或不予处分")
	}
	if strings.TrimSpace(p.Text) == "" {
		pr.Add("text", "请填写处理情况")
	}
	checkLen(pr, "text", p.Text, MaxText)
	return pr.Err()
}

// Refuses says why action a cannot be taken on c now although the table allows it from
// c's status: the rules that depend on more than the status.
func (c *Complaint) Refuses(a Action) error {
	h := &c.Handling
	switch a {
	case ActResolve:
		if c.Classification != ClassOnsite {
			return &Error{Kind: KindTransition, Message: "只有现场协调类投诉可以现场办结；请先派单办理"}
		}
	case ActDecide:
		if c.Status == StatusInProgress && c.Mode != ModeSelf {
			return &Error{Kind: KindTransition, Message: "该件由承办单位办理，须待其“报送办理结果”后再作处理决定（自办件除外）"}
		}
	case ActExtend:
		if h.PendingExtension != nil {
			return &Error{Kind: KindTransition, Message: "已有延期申请等待领导审批，不能再次申请"}
		}
	case ActApproveExtension, ActDenyExtension:
		if h.PendingExtension == nil {
			return &Error{Kind: KindTransition, Message: "该件没有待审批的延期申请"}
		}
	case ActDisciplineOutcome:
		if !h.Discipline {
			return &Error{Kind: KindTransition, Message: "该件未移送纪检，无需录入纪检处理结果"}
		}
	case ActFeedback:
		if h.Dissatisfied {
			return &Error{Kind: KindTransition, Message: "已收到不满意评价，正等待督查员重办或说明办结"}
		}
	}
	return nil
}

// SyncMarks sets the Mark bits that follow from the handling state and the deadline.
func (c *Complaint) SyncMarks() {
	set := func(bit int, on bool) {
		if on {
			c.Marks |= bit
		} else {
			c.Marks &^= bit
		}
	}
	h := c.Handling
	set(MarkDissatisfied, h.Dissatisfied)
	set(MarkDiscipline, h.Discipline)
	set(MarkDisciplinePending, h.Discipline && h.DisciplineOutcome == nil)
	set(MarkExtended, c.Deadline.ExtensionDays > 0)
	set(MarkPendingExtension, h.PendingExtension != nil)
}

// Apply takes action a with payload p on c, as actor at now: it checks the table and the
// payload, changes the projection and returns the event to append. Deadlines are the use
// case's to recompute afterwards; scope and recusal are checked before.
func Apply(c *Complaint, a Action, p Payload, actor Actor, now time.Time) (Event, error) {
	t, err := CheckTransition(c.Status, a, actor)
	if err != nil {
		return Event{}, err
	}
	if p == nil {
		p = NewPayload(a)
	}
	if err := p.Validate(); err != nil {
		return Event{}, err
	}
	if err := c.Refuses(a); err != nil {
		return Event{}, err
	}
	from, to := c.Status, t.To
	if to == "" {
		to = from
	}
	switch p := p.(type) {
	case *AcceptPayload:
		c.Classification = p.Classification
		if len(p.Categories) > 0 {
			c.Categories = p.Categories
		}
	case *MergePayload:
		if p.Into == c.Number {
			return Event{}, Problems{"into": "不能并入自身"}.Err()
		}
		c.MergedInto = p.Into
	case *AssignPayload:
		c.AssignedUnit, c.Handler, c.Mode = p.Unit, p.Handler, p.Mode
		c.Handling.Instructions, c.Handling.UnitWorkingDays = p.Instructions, p.UnitWorkingDays
		c.Handling.Report, c.Handling.Assisting = nil, nil
		for _, u := range p.AssistingUnits {
			c.Handling.Assisting = append(c.Handling.Assisting, Assist{Unit: u})
		}
	case *ReportPayload:
		at := now
		if a == ActAssistReport {
			break // the use case knows which assisting unit reports (the tree is its)
		}
		c.Handling.Report = &Report{Process: p.Process, Finding: p.Finding, Measures: p.Measures, Staff: p.Staff,
			ReplyDraft: p.ReplyDraft, Unit: c.AssignedUnit, By: actor.Login, At: &at}
	case *ClosePayload:
		if c.Handling.Dissatisfied && strings.TrimSpace(p.Explanation) == "" {
			return Event{}, Problems{"explanation": "投诉人不满意，办结须向其作出说明"}.Err()
		}
		c.Handling.Explanation, c.Handling.Dissatisfied = strings.TrimSpace(p.Explanation), false
	case *DisciplineOutcomePayload:
		c.Handling.DisciplineOutcome = &DisciplineOutcomeNote{Outcome: p.Outcome, Text: p.Text, By: actor.Login, At: now}
	case *Decision:
		d := *p
		c.Decision = &d
	case *Reply:
		r := *p
		c.Reply = &r
	case *ResolvePayload:
		if c.Classification != ClassOnsite {
			return Event{}, &Error{Kind: KindTransition, Message: "只有现场协调类投诉可以现场办结；请先派单办理"}
		}
		d, r := p.Decision, p.Reply()
		c.Decision, c.Reply = &d, &r
	case *FeedbackPayload:
		c.Satisfaction = p.Level
		if p.Level <= 2 {
			// Dissatisfaction never closes a case by itself: a supervisor reopens it or
			// closes it with an explanation (the reopen flag is the complainant's wish).
			to = StatusReplied
			c.Handling.Dissatisfied = true
		}
	}
	switch a {
	case ActSign:
		if c.Handler == "" {
			c.Handler = actor.Login
		}
	case ActReturn, ActRecall:
		c.AssignedUnit, c.Handler, c.Mode = "", "", ""
		c.Handling.Instructions, c.Handling.UnitWorkingDays, c.Handling.Assisting = "", 0, nil
		c.Handling.AssignedOn, c.Handling.UnitDue = Date{}, Date{}
		c.Marks &^= MarkHalfwayUrgeDue
	case ActReopen:
		// The old rating belongs to the old answer: a fresh one is asked after the new.
		c.Satisfaction, c.Handling.Dissatisfied, c.Handling.Explanation = 0, false, ""
	case ActReport:
		c.Marks &^= MarkHalfwayUrgeDue
	}
	switch {
	case to == StatusClosed:
		t := now
		c.ClosedAt = &t
	case to == StatusInProgress && (from == StatusClosed || from == StatusReplied):
		c.ClosedAt = nil
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return Event{}, err
	}
	c.Status, c.UpdatedAt = to, now
	c.SyncMarks()
	return Event{
		ComplaintID: c.ID, Type: EventType(a), Actor: actor.Login, ActorName: actor.Name,
		At: now, From: from, To: to, Payload: payload,
	}, nil
}
