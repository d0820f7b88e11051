package notify

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode/utf8"
)

// Kind names a notification: what happened, and so which template words it.
type Kind string

// The notifications to complainants, by SMS and e-mail to the contact they gave.
const (
	Registered   Kind = "registered"    // the complaint is registered: number, query code, due date
	NotAccepted  Kind = "not_accepted"  // not accepted: reason, referral
	Extended     Kind = "extended"      // the deadline is extended: new date, reason
	Replied      Kind = "replied"       // the reply
	Satisfaction Kind = "satisfaction"  // the invitation to rate the reply
	CodeReissued Kind = "code_reissued" // a new query code, asked for on the portal (忘记查询码)
)

// The notifications to staff, shown on the desk.
const (
	Assigned  Kind = "assigned"  // a case is assigned to the unit or the handler
	Returned  Kind = "returned"  // a handler returned a case (退单)
	Urged     Kind = "urged"     // 催办, by a supervisor or automatically after the due day
	DueSoon   Kind = "due_soon"  // few working days left
	Overdue   Kind = "overdue"   // past the due day
	Escalated Kind = "escalated" // reported up the escalation ladder
	Reopened  Kind = "reopened"  // handled again (重办)
	// Intake (issue 11).
	Received  Kind = "received"  // a complaint about no known unit reached the intake office
	HandedIn  Kind = "handed_in" // a complaint first received in a unit was registered: its head is told
	Withdrawn Kind = "withdrawn" // a complaint was withdrawn after explanation: the window is told

	// The handling notifications.
	Reported           Kind = "reported"            // the handler reported the result: the supervisors decide
	SentBack           Kind = "sent_back"           // the supervisor sent the report back
	Instructed         Kind = "instructed"          // a leader's instruction (批示)
	ExtensionRequested Kind = "extension_requested" // an extension waits for a leader's approval
	ExtensionDecided   Kind = "extension_decided"   // a leader approved or denied an extension
	Dissatisfied       Kind = "dissatisfied"        // the complainant rated 1–2
	DisciplineReferred Kind = "discipline_referred" // the case went to discipline inspection (纪检)
)

// Audience says who reads a notification.
type Audience string

// The audiences.
const (
	Complainant Audience = "complainant" // by SMS and e-mail
	Staff       Audience = "staff"       // on the desk
)

// Template words one notification. Each part is a text/template over Data.
type Template struct {
	// Subject is the e-mail's subject, or the title of a desk message.
	Subject string
	// Body is the e-mail's text, or the desk message's.
	Body string
	// SMS is the text message to a complainant: within 70 characters where possible, so
	// that it goes as one message. Staff notifications have none.
	SMS string
	// Off stops the notification altogether.
	Off bool
}

// Spec describes a notification and gives its default wording.
type Spec struct {
	Kind     Kind
	Label    string // its Chinese name
	When     string // when it is sent, in Chinese
	Audience Audience
	Default  Template
}

// Specs are every notification, in the order the admin page lists them.
var Specs = append(append(baseSpecs, intakeSpecs...), evaluationSpecs...)

var baseSpecs = []Spec{
	{Registered, "登记告知", "投诉登记后（匿名投诉不发送）", Complainant, Template{
		Subject: "您的{{.Kind}}已登记（受理编号 {{.Number}}）",
		Body: `您好：

您向{{.SiteName}}提出的{{.Kind}}已于{{.ReceivedDate}}登记。

受理编号：{{.Number}}
{{if .QueryCode}}查询码：{{.QueryCode}}（请妥善保管，凭受理编号和查询码查询办理进度）
{{end}}办理期限：{{.DueDate}}前办结并答复
{{if .TrackURL}}查询办理进度：{{.TrackURL}}
{{end}}
我们将依照规定审查、调查和处理，并将处理结果告知您。{{if .OfficePhone}}如有疑问，请致电 {{.OfficePhone}}。{{end}}

{{.SiteName}}
（本邮件由系统自动发送，请勿直接回复）`,
		SMS: "您的{{.Kind}}已登记，编号{{.Number}}，查询码{{.QueryCode}}，将于{{.DueDate}}前办结。{{if .TrackURL}}查询：{{.TrackURL}}{{end}}",
	}},
	{NotAccepted, "不予受理告知", "不予受理时", Complainant, Template{
		Subject: "关于您的{{.Kind}}（{{.Number}}）的告知",
		Body: `您好：

您于{{.ReceivedDate}}提出的{{.Kind}}（受理编号 {{.Number}}）经审查，不予受理。

理由：{{.Reason}}
{{if .Explanation}}说明：{{.Explanation}}
{{end}}{{if .Referral}}建议您向 {{.Referral}} 反映。
{{end}}{{if .OfficePhone}}
如有疑问，请致电 {{.OfficePhone}}。
{{end}}
{{.SiteName}}
（本邮件由系统自动发送，请勿直接回复）`,
		SMS: "您的{{.Kind}}{{.Number}}经审查不予受理，理由：{{.Reason}}。{{if .Referral}}建议向{{.Referral}}反映。{{end}}",
	}},
	{Extended, "延期告知", "办理期限延长时", Complainant, Template{
		Subject: "您的{{.Kind}}（{{.Number}}）办理期限延长",
		Body: `您好：

您的{{.Kind}}（受理编号 {{.Number}}）因以下原因需要延长办理期限{{.ExtensionDays}}{{.ExtensionUnit}}，新的办理期限为{{.DueDate}}。

原因：{{.Reason}}

感谢您的理解。{{if .TrackURL}}查询办理进度：{{.TrackURL}}{{end}}

{{.SiteName}}
（本邮件由系统自动发送，请勿直接回复）`,
		SMS: "您的{{.Kind}}{{.Number}}办理期限延长至{{.DueDate}}，原因：{{.Reason}}",
	}},
	{Replied, "答复告知", "答复时（含现场协调办结）", Complainant, Template{
		Subject: "您的{{.Kind}}（{{.Number}}）已答复",
		Body: `您好：

您的{{.Kind}}（受理编号 {{.Number}}）已办理完毕，答复如下。

处理经过：{{.Process}}

处理结果：{{.Result}}
{{if .Improvement}}
改进措施：{{.Improvement}}
{{end}}
{{if .OfficePhone}}如有疑问，请致电 {{.OfficePhone}}。
{{end}}
{{.SiteName}}
（本邮件由系统自动发送，请勿直接回复）`,
		SMS: "您的{{.Kind}}{{.Number}}已答复，请凭受理编号和查询码{{if .TrackURL}}在{{.TrackURL}}{{end}}查看处理结果。",
	}},
	{Satisfaction, "满意度评价邀请", "答复时，与答复告知一同发送", Complainant, Template{
		Subject: "请对您的{{.Kind}}（{{.Number}}）的办理结果进行评价",
		Body: `您好：

您的{{.Kind}}（受理编号 {{.Number}}）已答复。请您对办理结果进行评价（非常满意、满意、基本满意、不满意、非常不满意）：
{{if .TrackURL}}{{.TrackURL}}
{{else}}请凭受理编号和查询码在本单位投诉网站的查询页面评价。
{{end}}
如对处理结果不满意，可在评价时申请重新办理。

{{.SiteName}}
（本邮件由系统自动发送，请勿直接回复）`,
		SMS: "请对您的{{.Kind}}{{.Number}}的办理结果评价{{if .TrackURL}}：{{.TrackURL}}{{end}}，不满意可申请重办。",
	}},

	{Assigned, "派单通知", "派单后，通知承办人（未指定承办人时通知承办单位的全部承办人）", Staff, Template{
		Subject: "新派单 {{.Number}}",
		Body:    "{{.Actor}}将{{.Kind}} {{.Number}} 派至{{.Unit}}{{if .Handler}}（承办人：{{.Handler}}）{{end}}，办理方式：{{.Mode}}，办理期限至{{.DueDate}}。{{with .Message}}{{.}}。{{end}}请及时签收办理。",
	}},
	{Returned, "退单通知", "承办人退单后，通知督查员", Staff, Template{
		Subject: "退单 {{.Number}}",
		Body:    "{{.Actor}}退回了{{.Kind}} {{.Number}}，理由：{{.Reason}}。请重新审查并派单。",
	}},
	{Urged, "催办通知", "督查员催办或超期后系统自动催办时，通知承办人或承办单位", Staff, Template{
		Subject: "催办 {{.Number}}",
		Body:    "{{.Actor}}催办{{.Kind}} {{.Number}}：{{.Message}}（办理期限至{{.DueDate}}）",
	}},
	{DueSoon, "即将超期提醒", "剩余工作日不多时，通知承办单位和督查员", Staff, Template{
		Subject: "即将超期 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}{{if .Unit}}（承办单位：{{.Unit}}）{{end}}办理期限至{{.DueDate}}，{{if .DaysLeft}}还剩{{.DaysLeft}}个工作日{{else}}今天到期{{end}}，请抓紧办理。",
	}},
	{Overdue, "超期预警", "超过办理期限后，通知承办单位和督查员", Staff, Template{
		Subject: "已超期 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}{{if .Unit}}（承办单位：{{.Unit}}）{{end}}已超过办理期限（{{.DueDate}}），请立即办理，并说明超期原因。",
	}},
	{Escalated, "超期上报", "超期达到督办规则的天数时，逐级报送上级单位、督查机构、纪检", Staff, Template{
		Subject: "超期上报 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}{{if .Unit}}（承办单位：{{.Unit}}）{{end}}已超过办理期限（{{.DueDate}}）{{.DaysOverdue}}个工作日，按督办规则报送{{.Level}}。请督促办理，并查明超期责任。",
	}},
	{Reopened, "重办通知", "重新办理时，通知承办人和督查员", Staff, Template{
		Subject: "重办 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}需要重新办理，理由：{{.Reason}}。新的办理期限至{{.DueDate}}。",
	}},
	{Reported, "办理结果报送通知", "承办单位报送办理结果后，通知督查员审核", Staff, Template{
		Subject: "待审核 {{.Number}}",
		Body:    "{{.Actor}}报送了{{.Kind}} {{.Number}}的办理结果（承办单位：{{.Unit}}），请审核后作出处理决定或退回重办。",
	}},
	{SentBack, "退回重办通知", "督查员退回办理结果时，通知承办人", Staff, Template{
		Subject: "退回重办 {{.Number}}",
		Body:    "{{.Actor}}退回了{{.Kind}} {{.Number}}的办理结果，理由：{{.Reason}}。请补充办理后重新报送（办理期限至{{.DueDate}}）。",
	}},
	{Instructed, "领导批示通知", "领导批示后，通知承办人和督查员", Staff, Template{
		Subject: "领导批示 {{.Number}}",
		Body:    "{{.Actor}}对{{.Kind}} {{.Number}}作出批示：{{.Message}}",
	}},
	{ExtensionRequested, "延期审批通知", "延期超过需审批的天数时，通知领导审批", Staff, Template{
		Subject: "延期待审批 {{.Number}}",
		Body:    "{{.Actor}}申请将{{.Kind}} {{.Number}}延期{{.ExtensionDays}}天，理由：{{.Reason}}。请审批。",
	}},
	{ExtensionDecided, "延期审批结果通知", "领导批准或不批准延期后，通知督查员", Staff, Template{
		Subject: "延期审批结果 {{.Number}}",
		Body:    "{{.Actor}}{{.Message}}{{.Kind}} {{.Number}}的延期申请。办理期限至{{.DueDate}}。",
	}},
	{Dissatisfied, "不满意评价通知", "投诉人评价为不满意或非常不满意时，通知督查员", Staff, Template{
		Subject: "不满意 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}的投诉人{{.Reason}}。请决定重办，或向投诉人说明后办结。",
	}},
	{DisciplineReferred, "移送纪检通知", "处理决定移送纪检或属廉政类投诉时，通知纪检", Staff, Template{
		Subject: "移送纪检 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}已移送纪检（{{.Message}}），请审查并录入处理结果。",
	}},
}

// intakeSpecs are the notifications of intake (issue 11), listed after the others.
var intakeSpecs = []Spec{
	{CodeReissued, "查询码重置", "投诉人在网上“忘记查询码”时，向登记的手机号发送新查询码", Complainant, Template{
		Subject: "您的{{.Kind}}（{{.Number}}）的新查询码",
		Body:    "您的{{.Kind}}（受理编号 {{.Number}}）的查询码已重置，新的查询码为 {{.QueryCode}}，原查询码已失效。",
		SMS:     "您的{{.Kind}}{{.Number}}的新查询码为{{.QueryCode}}，原查询码已失效。{{if .TrackURL}}查询：{{.TrackURL}}{{end}}",
	}},
	{Received, "新投诉待受理", "单位不明的投诉件进入受理机构时，通知受理机构的督查员", Staff, Template{
		Subject: "新{{.Kind}}待受理 {{.Number}}",
		Body:    "收到{{.Kind}} {{.Number}}（被投诉单位不明），已进入{{.Unit}}的待受理队列，请及时审查受理，办理期限至{{.DueDate}}。",
	}},
	{HandedIn, "首诉移交告知", "在窗口或部门首先收到的投诉登记后，告知首诉责任人所在单位的负责人", Staff, Template{
		Subject: "首诉移交 {{.Number}}{{if .Reason}}（{{.Reason}}）{{end}}",
		Body:    "{{.Handler}}（{{.Unit}}）首先收到的{{.Kind}}已由{{.Actor}}登记为 {{.Number}}，收到日期{{.ReceivedDate}}。{{if .Reason}}{{.Reason}}。{{end}}",
	}},
	{Withdrawn, "撤销告知", "投诉人经解释说明后撤销投诉时，告知被投诉窗口的督查员和承办人", Staff, Template{
		Subject: "撤销 {{.Number}}",
		Body:    "{{.Kind}} {{.Number}}（涉及{{.Unit}}）经解释说明，投诉人已撤销，按咨询统计。{{if .Reason}}说明：{{.Reason}}{{end}}",
	}},
}

// The notifications of 好差评 (issue 16).
const (
	EvaluationBad       Kind = "evaluation_bad"       // a 差评 arrived: the window calls back
	EvaluationRectified Kind = "evaluation_rectified" // the citizen who left a phone hears it was put right
)

// evaluationSpecs are the notifications of 好差评, listed last.
var evaluationSpecs = []Spec{
	{EvaluationBad, "差评待回访", "群众给出“不满意”“非常不满意”评价时，通知窗口的承办人和督查员回访整改", Staff, Template{
		Subject: "差评待回访 {{.Number}}",
		Body:    "{{.Unit}}收到差评 {{.Number}}，{{.Reason}}。请于{{.DueDate}}前回访评价人，并按期整改。",
	}},
	{EvaluationRectified, "差评整改告知", "差评整改经核实通过后，以短信告知留下手机号的评价人", Complainant, Template{
		Subject: "您对{{.Unit}}的评价已整改（{{.Number}}）",
		Body:    "您对{{.Unit}}的评价（编号 {{.Number}}）反映的问题已整改：{{.Improvement}}。感谢您的监督。\n\n{{.SiteName}}",
		SMS:     "您对{{.Unit}}的评价{{.Number}}反映的问题已整改：{{.Improvement}}。感谢您的监督。",
	}},
}

// SpecOf returns the spec of kind k.
func SpecOf(k Kind) (Spec, bool) {
	for _, s := range Specs {
		if s.Kind == k {
			return s, true
		}
	}
	return Spec{}, false
}

// Data are the fields a template may use, e.g. {{.Number}}. Fields that do not apply to a
// notification are empty, and {{if .Field}}…{{end}} leaves them out.
type Data struct {
	SiteName      string // the organisation (the root unit's name)
	Number        string // 受理编号
	Kind          string // 投诉, 举报 or 意见建议
	Status        string // the status after the change, e.g. 已受理
	ReceivedDate  string // e.g. 2026年1月30日
	DueDate       string // the due date, e.g. 2026年2月27日
	QueryCode     string // the query code: only in the registration notice to the complainant
	TrackURL      string // the portal's tracking page for the number, when the public address is configured
	OfficePhone   string // the receiving unit's telephone, as the organisation tree gives it
	Reason        string // the reason: of not accepting, of an extension, of a return or reopening
	Explanation   string // the explanation given with a refusal
	Referral      string // the body (and contact) a refused matter may go to
	ExtensionDays int    // days added by an extension, in ExtensionUnit
	ExtensionUnit string // 个工作日, or 日 for a period in calendar days
	Process       string // the reply: 处理经过
	Result        string // the reply: 处理结果
	Improvement   string // the reply: 改进措施
	Unit          string // the assigned unit
	Handler       string // the assigned handler's name
	Mode          string // 自办, 转办 or 督办
	Actor         string // who acted (staff notifications); 系统 for the jobs
	Message       string // the urge's text
	DaysLeft      int    // working days left (due soon)
	DaysOverdue   int    // working days past the due day
	Level         string // the escalation step, e.g. 上级单位负责人
}

// Field documents one field of Data for the people who edit templates.
type Field struct {
	Name  string // as written in a template: {{.Name}}
	Label string
}

// Fields are the fields of Data, documented.
var Fields = []Field{
	{"SiteName", "单位名称（组织机构的根单位）"},
	{"Number", "受理编号"},
	{"Kind", "类型：投诉、举报或意见建议"},
	{"Status", "当前状态"},
	{"ReceivedDate", "收到日期"},
	{"DueDate", "办理期限（到期日）"},
	{"QueryCode", "查询码（仅登记告知，仅发给投诉人本人）"},
	{"TrackURL", "查询页面地址（配置了 TOUSU_PUBLIC_URL 时）"},
	{"OfficePhone", "受理单位电话"},
	{"Reason", "理由或原因（不予受理、延期、退单、重办）"},
	{"Explanation", "不予受理的解释说明"},
	{"Referral", "可受理的机构及联系方式"},
	{"ExtensionDays", "延长的天数"},
	{"ExtensionUnit", "延长天数的单位（个工作日或日）"},
	{"Process", "答复：处理经过"},
	{"Result", "答复：处理结果"},
	{"Improvement", "答复：改进措施"},
	{"Unit", "承办单位"},
	{"Handler", "承办人"},
	{"Mode", "办理方式：自办、转办或督办"},
	{"Actor", "操作人（工作人员通知；系统自动时为“系统”）"},
	{"Message", "催办内容"},
	{"DaysLeft", "剩余工作日"},
	{"DaysOverdue", "超期工作日"},
	{"Level", "上报级别"},
}

// Sample is the data templates are checked against, and that the admin page previews.
func Sample() Data {
	return Data{SiteName: "和平区政务服务中心", Number: "TS20260130-0042", Kind: "投诉", Status: "办理中",
		ReceivedDate: "2026年1月30日", DueDate: "2026年2月27日", QueryCode: "K7M2P9QXAB",
		TrackURL: "https://ts.example.gov.cn/track?number=TS20260130-0042", OfficePhone: "8765 4321",
		Reason: "需要调取窗口监控录像核实", Explanation: "该事项属于行政复议范围", Referral: "区人民政府行政复议办公室（电话 8765 0000）",
		ExtensionDays: 5, ExtensionUnit: "个工作日", Process: "调取了办件记录和监控录像，约谈了当事工作人员。", Result: "反映情况属实，已责令改正。",
		Improvement: "窗口已公示材料清单。", Unit: "人社局", Handler: "李科长", Mode: "转办", Actor: "督查员",
		Message: "请于两个工作日内报告办理进展", DaysLeft: 2, DaysOverdue: 3, Level: "上级单位负责人"}
}

// MaxOutput bounds what one template may produce, so that a loop in an edited template
// cannot fill memory.
const MaxOutput = 16 << 10

// MaxTemplate bounds the text of one template part.
const MaxTemplate = 4000

// SMSLength is the length of one text message in Chinese: longer texts go as several.
const SMSLength = 70

var errTooLong = errors.New("模板输出过长")

// limitWriter fails once more than n bytes are written.
type limitWriter struct {
	b strings.Builder
	n int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > w.n {
		return 0, errTooLong
	}
	return w.b.Write(p)
}

// RenderTimeout bounds the time one template may take to render. Together with the
// shape check (no range over numbers, no recursion) and MaxOutput it keeps a template an
// admin wrote from hanging the service.
const RenderTimeout = 200 * time.Millisecond

var errTooSlow = errors.New("模板渲染超时")

// Render executes the template text with d, within RenderTimeout and MaxOutput. It is
// used both when a template is saved (on the sample data) and when a notification is
// written, so a template stored by other means is held to the same limits.
func Render(text string, d Data) (string, error) {
	if len(text) > 4*MaxTemplate {
		return "", errors.New("模板过长")
	}
	t, err := template.New("").Option("missingkey=error").Parse(text)
	if err != nil {
		return "", err
	}
	if err := checkShape(t); err != nil {
		return "", err
	}
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		w := &limitWriter{n: MaxOutput}
		err := t.Execute(w, d)
		done <- result{strings.TrimSpace(w.b.String()), err}
	}()
	timer := time.NewTimer(RenderTimeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return "", r.err
		}
		return r.out, nil
	case <-timer.C:
		// The shape check leaves no unbounded loop, so the goroutine ends on its own.
		return "", errTooSlow
	}
}

// checkShape refuses the template constructs that can loop without bound: range over
// anything but a field of the data (range 1000000000 iterates a billion times without
// writing a byte), and nested templates, which can call themselves.
func checkShape(t *template.Template) error {
	if len(t.Templates()) > 1 {
		return errors.New("不支持 define/template/block")
	}
	var walk func(n parse.Node) error
	walk = func(n parse.Node) error {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return nil
			}
			for _, c := range n.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.ActionNode:
			return checkPipe(n.Pipe)
		case *parse.RangeNode:
			if !fieldPipe(n.Pipe) {
				return errors.New("range 只能用于数据字段，不能用于数字或函数")
			}
			return errors.Join(walk(n.List), walk(n.ElseList))
		case *parse.IfNode:
			return errors.Join(checkPipe(n.Pipe), walk(n.List), walk(n.ElseList))
		case *parse.WithNode:
			return errors.Join(checkPipe(n.Pipe), walk(n.List), walk(n.ElseList))
		case *parse.TemplateNode:
			return errors.New("不支持 template")
		}
		return nil
	}
	if t.Tree == nil {
		return nil
	}
	return walk(t.Tree.Root)
}

// printfWidth matches a printf verb with a width or precision: "%09999999d" would build a
// string of that size in memory before MaxOutput sees it.
var printfWidth = regexp.MustCompile(`%[-+# 0]*[0-9*]|%[-+# 0]*\.`)

// checkPipe refuses, anywhere in a pipeline, call (which runs any function value) and
// printf formats with a width or precision.
func checkPipe(p *parse.PipeNode) error {
	if p == nil {
		return nil
	}
	for _, c := range p.Cmds {
		for i, a := range c.Args {
			switch a := a.(type) {
			case *parse.IdentifierNode:
				if a.Ident == "call" {
					return errors.New("不支持 call")
				}
				if a.Ident == "printf" && i+1 < len(c.Args) {
					if f, ok := c.Args[i+1].(*parse.StringNode); ok && printfWidth.MatchString(f.Text) {
						return errors.New("printf 不支持宽度或精度")
					}
				}
			case *parse.PipeNode:
				if err := checkPipe(a); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fieldPipe reports whether a pipeline is just a field of the data, such as .Categories.
func fieldPipe(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	_, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok
}

// Check validates a template for an audience: each part must parse and run on the sample
// data; a complainant's notification needs its subject, body and SMS, a staff one its
// subject and body, which must name the complaint's number (the desk links to the case by
// it). It returns Chinese problems by part ("subject", "body", "sms"), nil when none.
func (t Template) Check(aud Audience) map[string]string {
	problems := map[string]string{}
	check := func(part, text string, required bool) string {
		if strings.TrimSpace(text) == "" {
			if required {
				problems[part] = "不能为空"
			}
			return ""
		}
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			problems[part] = "含有无效字符"
			return ""
		}
		if utf8.RuneCountInString(text) > MaxTemplate {
			problems[part] = fmt.Sprintf("过长（最多%d字）", MaxTemplate)
			return ""
		}
		out, err := Render(text, Sample())
		if err != nil {
			problems[part] = "模板有误：" + templateError(err)
			return ""
		}
		return out
	}
	subject := check("subject", t.Subject, true)
	body := check("body", t.Body, true)
	if strings.ContainsAny(subject, "\r\n") {
		problems["subject"] = "标题只能是一行"
	}
	switch aud {
	case Complainant:
		check("sms", t.SMS, true)
	case Staff:
		if t.SMS != "" {
			problems["sms"] = "工作人员通知只在工作台显示，没有短信"
		}
		number := Sample().Number
		if problems["subject"] == "" && problems["body"] == "" && !strings.Contains(subject+body, number) {
			problems["body"] = "标题或正文须包含受理编号 {{.Number}}，工作台据此链接到投诉件"
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return problems
}

// templateError says what is wrong with a template, without Go's internal type names.
func templateError(err error) string {
	s := err.Error()
	s = strings.ReplaceAll(s, "template: :", "第")
	s = strings.ReplaceAll(s, "notify.Data", "可用字段")
	return s
}

// SettingKey is the key of a template part in the settings: template.KIND.PART, with
// PART one of subject, body, sms and off.
func SettingKey(k Kind, part string) string { return "template." + string(k) + "." + part }

// FromSettings is the template of a notification as stored in settings, each part that
// is not stored (or stored empty) taken from the default.
func FromSettings(s Spec, settings map[string]string) Template {
	t := s.Default
	if v := settings[SettingKey(s.Kind, "subject")]; v != "" {
		t.Subject = v
	}
	if v := settings[SettingKey(s.Kind, "body")]; v != "" {
		t.Body = v
	}
	if v := settings[SettingKey(s.Kind, "sms")]; v != "" && s.Audience == Complainant {
		t.SMS = v
	}
	t.Off = settings[SettingKey(s.Kind, "off")] == "1"
	return t
}

// Settings are the settings that store t for kind k: a part equal to the default is
// stored empty, so that a later release's better default applies to it.
func Settings(s Spec, t Template) map[string]string {
	keep := func(v, def string) string {
		if v == def {
			return ""
		}
		return v
	}
	off := ""
	if t.Off {
		off = "1"
	}
	return map[string]string{
		SettingKey(s.Kind, "subject"): keep(t.Subject, s.Default.Subject),
		SettingKey(s.Kind, "body"):    keep(t.Body, s.Default.Body),
		SettingKey(s.Kind, "sms"):     keep(t.SMS, s.Default.SMS),
		SettingKey(s.Kind, "off"):     off,
	}
}
