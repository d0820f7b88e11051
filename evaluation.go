package tousu

import (
	"encoding/json"
	"time"
)

// Evaluation (好差评) is one citizen's rating of a window's service, on the five levels
// of 国办发〔2019〕51号 (非常满意 5 … 非常不满意 1). A rating of 1–2 (差评) opens a
// rectification (差评整改) on the window: call back (回访), put right (整改), check
// (核实), each with its due date. Its data items follow the national 好差评 data set
// (docs/EVALUATIONS.md): 办件编号 TransactionNo, 事项 Item, 部门/窗口 Window, 渠道
// Channel, 评价等级 Level, 评价内容 Reasons and Comment, 评价时间 CreatedAt, 被评价人 Staff.
type Evaluation struct {
	ID            string            `json:"id"` // the evaluation number, e.g. PJ20260130-7K3M9Q
	Window        string            `json:"window"`
	Staff         string            `json:"staff"`
	Level         int               `json:"level"`
	Reasons       []string          `json:"reasons"`
	Comment       string            `json:"comment"`
	TransactionNo string            `json:"transaction_no"`
	Item          string            `json:"item"`
	Channel       EvaluationChannel `json:"channel"`
	// Phone is the citizen's number for the call-back, sealed like a complainant's
	// identity; nil when none was left.
	Phone     []byte           `json:"-"`
	Status    EvaluationStatus `json:"status"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
	// EnteredBy is the login of the staff member who typed in a paper slip; "" otherwise.
	EnteredBy string `json:"entered_by,omitempty"`

	// CallbackDue and RectifyDue are the due days of a bad rating's steps; Due is the one
	// of the step it waits for now (zero once closed).
	CallbackDue Date `json:"callback_due"`
	RectifyDue  Date `json:"rectify_due"`
	Due         Date `json:"due"`
	// Alerts are the deadline steps taken on the current step (tousu.Alert* bits); a new
	// step starts with none.
	Alerts int `json:"-"`

	// ClosedAt is when it was closed; OnTime says a bad rating was closed by its
	// rectification's due day.
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	OnTime   bool       `json:"on_time"`
	// Excluded says an upheld appeal took the rating out of the figures (never deleted).
	Excluded bool `json:"excluded"`
	// AppealStatus is "", pending, upheld or rejected.
	AppealStatus string `json:"appeal_status,omitempty"`
	// Complaint is the number of the complaint this rating was turned into, "" when none.
	Complaint string `json:"complaint,omitempty"`

	Detail  EvaluationDetail `json:"detail"`
	Version int              `json:"-"`
}

// EvaluationDetail holds the records of a bad rating's handling.
type EvaluationDetail struct {
	Callbacks     []EvaluationStep `json:"callbacks,omitempty"`
	Rectification *EvaluationStep  `json:"rectification,omitempty"`
	Verifications []EvaluationStep `json:"verifications,omitempty"`
	Appeal        *EvaluationStep  `json:"appeal,omitempty"`
	AppealDecided *EvaluationStep  `json:"appeal_decision,omitempty"`
}

// EvaluationStep is one record: who, when, what.
type EvaluationStep struct {
	By     string    `json:"by"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
	// Yes is the step's answer: reached (callback), accepted (verify), upheld (appeal).
	Yes bool `json:"yes"`
}

// Bad reports a 差评 (level 1–2).
func (e *Evaluation) Bad() bool { return e.Level >= 1 && e.Level <= 2 }

// EvaluationStatus is where a rating stands.
type EvaluationStatus string

// The statuses of a rating: a bad one goes callback_due → rectify_due → verify_due →
// closed (a returned verification goes back to rectify_due); the others are closed at once.
const (
	EvalCallbackDue EvaluationStatus = "callback_due"
	EvalRectifyDue  EvaluationStatus = "rectify_due"
	EvalVerifyDue   EvaluationStatus = "verify_due"
	EvalClosed      EvaluationStatus = "closed"
)

// EvaluationStatuses is the vocabulary of statuses.
var EvaluationStatuses = Vocabulary[EvaluationStatus]{
	{EvalCallbackDue, "待回访"}, {EvalRectifyDue, "待整改"}, {EvalVerifyDue, "待核实"}, {EvalClosed, "已办结"},
}

// EvaluationChannel is how a rating came in (渠道).
type EvaluationChannel string

// The channels of a rating.
const (
	EvalQR    EvaluationChannel = "qr"    // the window's QR code, on a phone
	EvalKiosk EvaluationChannel = "kiosk" // the hall's touch screen
	EvalPad   EvaluationChannel = "pad"   // the counter-top pad (评价器)
	EvalWeb   EvaluationChannel = "web"   // the website
	EvalSMS   EvaluationChannel = "sms"   // a link sent by SMS after the transaction
	EvalBox   EvaluationChannel = "box"   // a paper slip from the comment box, typed in at the desk
)

// EvaluationChannels is the vocabulary of channels.
var EvaluationChannels = Vocabulary[EvaluationChannel]{
	{EvalQR, "扫码评价"}, {EvalKiosk, "大厅触摸屏"}, {EvalPad, "窗口评价器"}, {EvalWeb, "网站"},
	{EvalSMS, "短信"}, {EvalBox, "纸质评价表"},
}

// EvaluationReasons are the reasons a 差评 may tick.
var EvaluationReasons = Vocabulary[string]{
	{"attitude", "态度不好"}, {"slow", "办事拖拉"}, {"notification", "一次性告知不到位"},
	{"repeat", "多次跑动"}, {"fees", "乱收费"}, {"process", "流程繁琐"}, {"other", "其他"},
}

// EvaluationEvent is one entry of a rating's timeline.
type EvaluationEvent struct {
	ID           int64           `json:"-"`
	EvaluationID string          `json:"-"`
	Seq          int             `json:"seq"`
	Type         string          `json:"type"`
	Actor        string          `json:"actor"`
	ActorName    string          `json:"actor_name"`
	At           time.Time       `json:"at"`
	From         string          `json:"from,omitempty"`
	To           string          `json:"to,omitempty"`
	Payload      json.RawMessage `json:"payload,omitempty"`
}

// EvaluationChange is what one write of a rating commits in a single transaction: the
// rating, its event, the audit records and the outbox messages.
type EvaluationChange struct {
	Evaluation *Evaluation
	Event      *EvaluationEvent
	Audit      []AuditRecord
	Outbox     []Message
	// Rectification, when set, is the rating's rectification task (source evaluation) as
	// the change leaves it: inserted when its ID is 0, else rewritten, in the same
	// transaction, so that the task and the rating never disagree.
	Rectification *Rectification
}

// EvaluationFilter selects ratings. Zero fields do not filter.
type EvaluationFilter struct {
	// Units keeps ratings of windows in the set; nil: every window.
	Units    []string
	Window   string
	Staff    string
	Level    int
	Statuses []EvaluationStatus
	From, To time.Time // created_at within [From, To)
	// DueTo keeps open ratings whose current step is due on or before it.
	DueTo Date
	// AlertsLacking keeps ratings that lack at least one of these Alert* bits.
	AlertsLacking int
	// Appeal keeps ratings with this appeal status.
	Appeal string
	// After pages on, newest first: ratings created before (Key, ID).
	After *Cursor
	Limit int
}

// EvaluationStatsFilter selects the ratings the figures count.
type EvaluationStatsFilter struct {
	Units    []string
	From, To time.Time
	// GroupBy is "window" or "staff".
	GroupBy string
}

// EvaluationCounts are the figures of one window or staff member, excluded ratings
// (upheld appeals) left out of everything but Excluded.
type EvaluationCounts struct {
	Key      string `json:"key"` // the window's code or the staff member's badge
	Total    int    `json:"total"`
	Levels   [5]int `json:"levels"` // Levels[i] counts level i+1
	Bad      int    `json:"bad"`
	Good     int    `json:"good"`
	Callback int    `json:"called_back"`       // bad ratings called back
	OnTime   int    `json:"rectified_on_time"` // bad ratings closed by their due day
	Excluded int    `json:"excluded"`
}
