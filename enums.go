package tousu

// Option is one value of a closed vocabulary with its Chinese label.
type Option[T ~string] struct {
	Value T
	Label string
}

// Vocabulary is a closed, ordered set of values with Chinese labels.
type Vocabulary[T ~string] []Option[T]

// Valid reports whether v belongs to the vocabulary.
func (voc Vocabulary[T]) Valid(v T) bool {
	for _, o := range voc {
		if o.Value == v {
			return true
		}
	}
	return false
}

// Label is the Chinese label of v, or v itself when unknown.
func (voc Vocabulary[T]) Label(v T) string {
	for _, o := range voc {
		if o.Value == v {
			return o.Label
		}
	}
	return string(v)
}

// Values lists the values in order.
func (voc Vocabulary[T]) Values() []T {
	out := make([]T, len(voc))
	for i, o := range voc {
		out[i] = o.Value
	}
	return out
}

// Kind is what a complainant brings: a complaint, a report of misconduct, or a suggestion.
type Kind string

// The kinds (REQUIREMENTS A6).
const (
	KindComplaint  Kind = "complaint"
	KindReport     Kind = "report"
	KindSuggestion Kind = "suggestion"
)

// Kinds is the vocabulary of kinds.
var Kinds = Vocabulary[Kind]{
	{KindComplaint, "投诉"}, {KindReport, "举报"}, {KindSuggestion, "意见建议"},
}

// Channel is how a complaint came in (REQUIREMENTS A1).
type Channel string

// The channels.
const (
	ChannelVisit       Channel = "visit"
	ChannelPhone       Channel = "phone"
	ChannelHotline     Channel = "hotline"
	ChannelWeb         Channel = "web"
	ChannelWechat      Channel = "wechat"
	ChannelKiosk       Channel = "kiosk"
	ChannelEmail       Channel = "email"
	ChannelLetter      Channel = "letter"
	ChannelBox         Channel = "box"
	ChannelCommentBook Channel = "comment_book"
	ChannelEvaluation  Channel = "evaluation"
	ChannelSuperior    Channel = "superior"
	ChannelLeader      Channel = "leader"
	ChannelMedia       Channel = "media"
)

// Channels is the vocabulary of channels.
var Channels = Vocabulary[Channel]{
	{ChannelVisit, "来访"}, {ChannelPhone, "电话"}, {ChannelHotline, "热线"},
	{ChannelWeb, "网站"}, {ChannelWechat, "微信公众号"}, {ChannelKiosk, "触摸屏"},
	{ChannelEmail, "电子邮件"}, {ChannelLetter, "信函"}, {ChannelBox, "意见箱"},
	{ChannelCommentBook, "意见簿"}, {ChannelEvaluation, "测评表"},
	{ChannelSuperior, "上级转办"}, {ChannelLeader, "领导交办"}, {ChannelMedia, "新闻媒体"},
}

// Status is where a complaint stands in its lifecycle (DESIGN §3).
type Status string

// The statuses.
const (
	StatusRegistered  Status = "registered"
	StatusAccepted    Status = "accepted"
	StatusNotAccepted Status = "not_accepted"
	StatusWithdrawn   Status = "withdrawn"
	StatusMerged      Status = "merged"
	StatusAssigned    Status = "assigned"
	StatusInProgress  Status = "in_progress"
	StatusSuspended   Status = "suspended"
	StatusReported    Status = "reported"
	StatusDecided     Status = "decided"
	StatusReplied     Status = "replied"
	StatusClosed      Status = "closed"
	StatusArchived    Status = "archived"
)

// Statuses is the vocabulary of statuses, with the labels shown to people.
var Statuses = Vocabulary[Status]{
	{StatusRegistered, "已登记"}, {StatusAccepted, "已受理"}, {StatusNotAccepted, "不予受理"},
	{StatusWithdrawn, "已撤回"}, {StatusMerged, "已并案"}, {StatusAssigned, "已派单"},
	{StatusInProgress, "办理中"}, {StatusSuspended, "已中止"},
	{StatusReported, "已报送待审"}, {StatusDecided, "已处理"},
	{StatusReplied, "已答复"}, {StatusClosed, "已办结"}, {StatusArchived, "已归档"},
}

// Open reports whether a complaint in status s is still being worked on, so that its
// deadline runs (a suspended case is open but its clock is stopped).
func (s Status) Open() bool {
	switch s {
	case StatusRegistered, StatusAccepted, StatusAssigned, StatusInProgress, StatusSuspended, StatusReported, StatusDecided:
		return true
	}
	return false
}

// ClockRuns reports whether the deadline clock of a complaint in status s runs: it is
// open and not suspended.
func (s Status) ClockRuns() bool { return s.Open() && s != StatusSuspended }

// Role is what a staff account may do, within its unit's subtree (DESIGN §1).
type Role string

// The roles.
const (
	RolePublic     Role = "public"
	RoleClerk      Role = "clerk"
	RoleSupervisor Role = "supervisor"
	RoleHandler    Role = "handler"
	RoleInspector  Role = "inspector"
	RoleLeader     Role = "leader"
	RoleAdmin      Role = "admin"
	RoleSystem     Role = "system" // background jobs
)

// Roles is the vocabulary of staff roles (public and system are not assignable).
var Roles = Vocabulary[Role]{
	{RoleClerk, "受理员"}, {RoleSupervisor, "督查员"}, {RoleHandler, "承办人"},
	{RoleInspector, "纪检"}, {RoleLeader, "领导"}, {RoleAdmin, "系统管理员"},
}

// Classification is how an accepted complaint is handled (REQUIREMENTS B4).
type Classification string

// The classifications.
const (
	ClassOnsite  Classification = "onsite"
	ClassCase    Classification = "case"
	ClassOpinion Classification = "opinion"
)

// Classifications is the vocabulary of classifications.
var Classifications = Vocabulary[Classification]{
	{ClassOnsite, "现场协调类"}, {ClassCase, "立案处理类"}, {ClassOpinion, "意见反映类"},
}

// RejectReason is why a complaint is not accepted (REQUIREMENTS B2).
type RejectReason string

// The reasons for not accepting.
const (
	RejectLegalChannel RejectReason = "legal_channel"
	RejectSecret       RejectReason = "secret"
	RejectOutOfScope   RejectReason = "out_of_scope"
	RejectInvalid      RejectReason = "invalid"
)

// RejectReasons is the vocabulary of reasons for not accepting.
var RejectReasons = Vocabulary[RejectReason]{
	{RejectLegalChannel, "应通过诉讼、仲裁、行政复议等法定途径解决"},
	{RejectSecret, "涉及国家秘密、商业秘密或个人隐私，不宜按本程序办理"},
	{RejectOutOfScope, "不属于本机构职责范围"},
	{RejectInvalid, "无投诉对象或投诉事项，或属无理取闹"},
}

// Mode is how an assignment is handled (REQUIREMENTS C1).
type Mode string

// The assignment modes.
const (
	ModeSelf      Mode = "self"
	ModeTransfer  Mode = "transfer"
	ModeSupervise Mode = "supervise"
)

// Modes is the vocabulary of assignment modes.
var Modes = Vocabulary[Mode]{{ModeSelf, "自办"}, {ModeTransfer, "转办"}, {ModeSupervise, "督办"}}

// Method is how an investigation step was carried out (REQUIREMENTS C3).
type Method string

// The investigation methods.
const (
	MethodInterviewComplainant Method = "interview_complainant"
	MethodInterviewStaff       Method = "interview_staff"
	MethodRecords              Method = "records"
	MethodVideo                Method = "video"
	MethodWitness              Method = "witness"
	MethodDocuments            Method = "documents"
	MethodOther                Method = "other"
)

// Methods is the vocabulary of investigation methods.
var Methods = Vocabulary[Method]{
	{MethodInterviewComplainant, "与投诉人谈话"}, {MethodInterviewStaff, "与被投诉窗口及人员谈话"},
	{MethodRecords, "调取业务系统记录"}, {MethodVideo, "调看录像"}, {MethodWitness, "询问目击者"},
	{MethodDocuments, "审查文件材料"}, {MethodOther, "其他（内部备注）"},
}

// Finding is the result of the investigation (REQUIREMENTS C4).
type Finding string

// The findings.
const (
	FindingFounded       Finding = "founded"
	FindingPartly        Finding = "partly_founded"
	FindingUnfounded     Finding = "unfounded"
	FindingUnverifiable  Finding = "unverifiable"
	FindingNotApplicable Finding = "not_applicable"
)

// Findings is the vocabulary of findings.
var Findings = Vocabulary[Finding]{
	{FindingFounded, "属实"}, {FindingPartly, "部分属实"}, {FindingUnfounded, "不属实"},
	{FindingUnverifiable, "无法核实"}, {FindingNotApplicable, "不适用（意见建议）"},
}

// Measure is what was done about a founded complaint (REQUIREMENTS C4).
type Measure string

// The measures.
const (
	MeasureCorrection         Measure = "correction"
	MeasureCriticism          Measure = "criticism"
	MeasureReassignment       Measure = "reassignment"
	MeasureDisciplineReferral Measure = "discipline_referral"
	MeasureRequestGranted     Measure = "request_granted"
	MeasureSuggestionAdopted  Measure = "suggestion_adopted"
)

// Measures is the vocabulary of measures.
var Measures = Vocabulary[Measure]{
	{MeasureCorrection, "责令改正"}, {MeasureCriticism, "批评教育"}, {MeasureReassignment, "调整岗位"},
	{MeasureDisciplineReferral, "处分移送纪检"}, {MeasureRequestGranted, "答复合理诉求"},
	{MeasureSuggestionAdopted, "采纳建议"},
}

// Satisfaction levels of the 好差评 scale, 5 best.
var SatisfactionLabels = map[int]string{5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

// UnitKind says what an organisation unit is.
type UnitKind string

// The unit kinds.
const (
	UnitRegion     UnitKind = "region"
	UnitCentre     UnitKind = "centre"
	UnitDepartment UnitKind = "department"
	UnitWindow     UnitKind = "window"
	UnitOffice     UnitKind = "office" // a supervision office: 投诉督查处 / 综合办 / 监察室
)

// UnitKinds is the vocabulary of unit kinds.
var UnitKinds = Vocabulary[UnitKind]{
	{UnitRegion, "地区"}, {UnitCentre, "中心/大厅"}, {UnitDepartment, "部门/科室"},
	{UnitWindow, "窗口"}, {UnitOffice, "督查机构"},
}

// DisciplineOutcome is what discipline inspection (纪检) made of a referral.
type DisciplineOutcome string

// The discipline outcomes.
const (
	DisciplineSanction DisciplineOutcome = "sanction"
	DisciplineNone     DisciplineOutcome = "none"
)

// DisciplineOutcomes is the vocabulary of discipline outcomes.
var DisciplineOutcomes = Vocabulary[DisciplineOutcome]{{DisciplineSanction, "给予处分"}, {DisciplineNone, "不予处分"}}
