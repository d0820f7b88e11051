package tousu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Actor is whoever acts: a signed-in staff account, the public holding a query code, or
// the system's background jobs.
type Actor struct {
	Login string // account login; "public" or "system" for those
	Name  string
	Roles []Role
	Unit  string // the code of the unit whose subtree the roles cover
	Staff string // the badge of the staff member this account belongs to, if any
	// Linked lists every badge the account has ever been linked to (Staff among them):
	// recusal follows the person, so a badge once linked stays recused after a change.
	Linked []string
}

// IsTarget reports whether the badge names the actor: its current staff member or any it
// was linked to before.
func (a Actor) IsTarget(badge string) bool {
	if badge == "" {
		return false
	}
	if a.Staff == badge {
		return true
	}
	for _, b := range a.Linked {
		if b == badge {
			return true
		}
	}
	return false
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool {
	for _, x := range a.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// PublicActor is the citizen acting with a number and query code.
var PublicActor = Actor{Login: "public", Name: "投诉人", Roles: []Role{RolePublic}}

// SystemActor is the background jobs.
var SystemActor = Actor{Login: "system", Name: "系统", Roles: []Role{RoleSystem}}

// Unit is a node of the organisation tree: region › centre › department › window, or a
// supervision office. Codes are stable keys and never change once used.
type Unit struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Parent   string   `json:"parent"` // the parent's code; "" at the root
	Kind     UnitKind `json:"kind"`
	Services string   `json:"services,omitempty"` // published service standards (REQUIREMENTS F3)
	Hours    string   `json:"hours,omitempty"`
	Phone    string   `json:"phone,omitempty"`
	Address  string   `json:"address,omitempty"`
	Sort     int      `json:"sort"`
}

// Staff is a person working in a unit, identified by a badge number (工号).
type Staff struct {
	Badge  string `json:"badge"`
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Title  string `json:"title,omitempty"`
	Active bool   `json:"active"`
}

// Category is a node of the scope tree (REQUIREMENTS B1).
type Category struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Parent      string `json:"parent"`
	Description string `json:"description,omitempty"`
	Sort        int    `json:"sort"`
	Active      bool   `json:"active"`
}

// User is a staff account.
type User struct {
	Login        string
	Name         string
	Roles        []Role
	Unit         string
	Staff        string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	// FailedLogins counts wrong passwords in a row; LockedUntil, when in the future,
	// refuses every sign-in (lockout after repeated failures).
	FailedLogins int
	LockedUntil  time.Time
	// StaffHistory is every badge the account has ever been linked to, the current one
	// among them; the store records each link as Staff is written and never forgets one.
	StaffHistory []string
	// Epoch counts password changes and resets: a desk session signed in under an older
	// epoch has ended.
	Epoch int
}

// Actor is the account acting.
func (u *User) Actor() Actor {
	return Actor{Login: u.Login, Name: u.Name, Roles: u.Roles, Unit: u.Unit, Staff: u.Staff, Linked: u.StaffHistory}
}

// Token is an API bearer token, stored only as its SHA-256 hash.
type Token struct {
	Hash      string
	Login     string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: the token never expires
}

// CalendarOverride changes one day of the official calendar: a local holiday, or next
// year's notice entered before a release carries it.
type CalendarOverride struct {
	Date    Date   `json:"date"`
	Workday bool   `json:"workday"`
	Name    string `json:"name"`
}

// DeadlineUnit says whether a period counts working days or calendar days.
type DeadlineUnit string

// The deadline units.
const (
	WorkingDays  DeadlineUnit = "workday"
	CalendarDays DeadlineUnit = "day"
)

// Policy is a deadline rule. Empty Kind, Category, Classification, Channel or OrgUnit
// match anything; the most specific matching policy wins.
type Policy struct {
	ID             int64          `json:"id"`
	Name           string         `json:"name"`
	Kind           Kind           `json:"kind,omitempty"`
	Category       string         `json:"category,omitempty"`
	Classification Classification `json:"classification,omitempty"`
	// Channel keys on how the complaint came in, e.g. hotline for 12345 热线工单.
	Channel Channel `json:"channel,omitempty"`
	// OrgUnit keys on an organisation unit: complaints about it or anything below it (a
	// hospital's own periods). It is not Unit, which is the period's unit.
	OrgUnit string       `json:"org_unit,omitempty"`
	Days    int          `json:"days"`
	Unit    DeadlineUnit `json:"unit"`
}

// Complainant is who complains. It is confidential: stores keep it only sealed.
type Complainant struct {
	Name         string `json:"name"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
	IDNumber     string `json:"id_number"`
	Organization string `json:"organization"`
	Address      string `json:"address"`
	Anonymous    bool   `json:"anonymous"`
}

// IdentityFields names the confidential fields of a Complainant, in a fixed order.
var IdentityFields = []string{"name", "phone", "email", "id_number", "organization", "address"}

// Field returns the value of the named identity field.
func (c *Complainant) Field(name string) string {
	switch name {
	case "name":
		return c.Name
	case "phone":
		return c.Phone
	case "email":
		return c.Email
	case "id_number":
		return c.IDNumber
	case "organization":
		return c.Organization
	case "address":
		return c.Address
	}
	return ""
}

// SetField sets the named identity field.
func (c *Complainant) SetField(name, v string) {
	switch name {
	case "name":
		c.Name = v
	case "phone":
		c.Phone = v
	case "email":
		c.Email = v
	case "id_number":
		c.IDNumber = v
	case "organization":
		c.Organization = v
	case "address":
		c.Address = v
	}
}

// SealedIdentity is a Complainant as stores keep it: each field encrypted on its own, plus
// blind indexes that find earlier complaints from the same person without decrypting.
type SealedIdentity struct {
	Anonymous     bool              `json:"anonymous"`
	Fields        map[string][]byte `json:"fields,omitempty"` // field name → ciphertext
	PhoneIndex    string            `json:"-"`
	IDNumberIndex string            `json:"-"`
	NameIndex     string            `json:"-"`
}

// Target is who or what the complaint is about. Any part may be empty.
type Target struct {
	Unit        string `json:"unit"`        // unit code
	Staff       string `json:"staff"`       // staff badge
	Description string `json:"description"` // free text when the target is not known
}

// Deadline is the clock of a complaint (DESIGN §4).
type Deadline struct {
	Days          int          `json:"days"`           // the policy's period
	Unit          DeadlineUnit `json:"unit"`           // workday or day
	Start         Date         `json:"start"`          // the day of receipt, not counted
	ExtensionDays int          `json:"extension_days"` // days added by extensions, in Unit
	PausedDays    int          `json:"paused_days"`    // days spent suspended, in Unit
	SuspendedOn   Date         `json:"suspended_on"`   // set while suspended
	Due           Date         `json:"due"`
}

// Decision is the outcome of handling (REQUIREMENTS C4).
type Decision struct {
	Finding     Finding   `json:"finding"`
	Measures    []Measure `json:"measures"`
	Staff       []string  `json:"staff"`
	Improvement string    `json:"improvement"`
}

// Reply is the answer given to the complainant (REQUIREMENTS C6).
type Reply struct {
	Process     string  `json:"process"`
	Result      string  `json:"result"`
	Improvement string  `json:"improvement"`
	Channel     Channel `json:"channel"`
}

// Complaint is a 投诉件: the projection of its events.
type Complaint struct {
	ID      string // random and stable; sealed identity fields are bound to it
	Number  string // 受理编号, e.g. TS20261127-0042
	Version int    // incremented on every change; guards concurrent updates

	Kind           Kind
	Channel        Channel
	Status         Status
	Classification Classification
	Categories     []string

	Identity    SealedIdentity
	Complainant *Complainant // plaintext, only in memory when opened; stores never write it

	Target            Target
	Matter            string
	Request           string
	IncidentAt        *time.Time
	IncidentPlace     string
	BusinessReceiptNo string
	Written           bool

	FirstReceiver string // login of the account that registered it; "public" for the portal
	OwnerUnit     string // the unit that received it
	// Intake is who first received it (首诉责任人), where, and when it was handed over;
	// LateHandover is set when it was registered later than the working day after receipt.
	Intake       Intake
	LateHandover bool
	AssignedUnit string
	Handler      string
	Mode         Mode

	ReceivedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ClosedAt   *time.Time

	QueryCodeHash string
	Deadline      Deadline
	Decision      *Decision
	Reply         *Reply
	Satisfaction  int    // latest feedback level, 0 when none
	MergedInto    string // the surviving complaint's number
	Alerts        int    // the Alert* bits of the deadline warnings already given
	// ExternalRef is the reference of the system that sent the complaint, e.g. the 12345
	// hotline's order number (工单号); "" for complaints of our own. Unique, and set only
	// at registration.
	ExternalRef string

	// Handling is the state of the assignment, the handler's report, the pending
	// extension, dissatisfaction and discipline; Marks are its Mark* bits that lists
	// filter on.
	Handling Handling
	Marks    int
}

// Mark bits say what lists filter on beyond the status (stored beside Handling).
const (
	MarkDissatisfied      = 1 << iota // rated 1–2, waiting for a supervisor to reopen or close
	MarkDiscipline                    // referred to discipline inspection (纪检)
	MarkDisciplinePending             // referred, no outcome recorded yet
	MarkExtended                      // the deadline has been extended
	MarkPendingExtension              // an extension waits for a leader's approval
	MarkHalfwayUrgeDue                // a 督办 sub-deadline whose half-way urge is still to come
	MarkMalicious                     // confirmed malicious (恶意投诉): out of the staff member's figures
)

// Handling is what the handling half of the lifecycle keeps on a complaint (派单, 承办,
// 延期审批, 不满意, 纪检).
type Handling struct {
	// The assignment's instructions (交办意见) and the unit's sub-deadline (承办期限).
	Instructions    string `json:"instructions,omitempty"`
	UnitWorkingDays int    `json:"unit_working_days,omitempty"`
	AssignedOn      Date   `json:"assigned_on,omitzero"`
	UnitDue         Date   `json:"unit_due,omitzero"`
	// SignDue is the day by which SignUnit, the unit assigned, signs for (签收) or
	// returns (退单) the assignment (the handling policy's sign_within; zero: no
	// deadline), SignedOn the day it did either: accountability's 逾期签收. They outlive
	// a return, which clears the assignment.
	SignUnit string `json:"sign_unit,omitempty"`
	SignDue  Date   `json:"sign_due,omitzero"`
	SignedOn Date   `json:"signed_on,omitzero"`
	// Assisting are the 协办 units of a joint assignment, each with its own signature
	// and report.
	Assisting []Assist `json:"assisting,omitempty"`
	// Report is the lead unit's handling result (承办意见), kept after a send-back as the
	// last one submitted.
	Report *Report `json:"report,omitempty"`
	// PendingExtension is an extension waiting for a leader's approval.
	PendingExtension *ExtensionRequest `json:"pending_extension,omitempty"`
	// RepliedOn is the day of the last reply, from which unrated cases close themselves.
	RepliedOn Date `json:"replied_on,omitzero"`
	// Dissatisfied is set by a rating of 1–2 until a supervisor reopens or closes.
	Dissatisfied bool `json:"dissatisfied,omitempty"`
	// Explanation is the supervisor's word to a dissatisfied complainant on closing.
	Explanation string `json:"explanation,omitempty"`
	// Discipline is set when the case went to discipline inspection; Outcome is theirs.
	Discipline        bool                   `json:"discipline,omitempty"`
	DisciplineOutcome *DisciplineOutcomeNote `json:"discipline_outcome,omitempty"`
	// Stats are the moments the statistics count (stats.go).
	Stats StatMarks `json:"stats,omitzero"`
}

// Assist is one assisting (协办) unit of a joint assignment.
type Assist struct {
	Unit     string     `json:"unit"`
	SignedBy string     `json:"signed_by,omitempty"`
	SignedAt *time.Time `json:"signed_at,omitempty"`
	Report   *Report    `json:"report,omitempty"`
}

// Report is a unit's handling result (承办意见): what it did and what it proposes.
type Report struct {
	Process    string     `json:"process"`
	Finding    Finding    `json:"finding,omitempty"`
	Measures   []Measure  `json:"measures"`
	Staff      []string   `json:"staff"`
	ReplyDraft string     `json:"reply_draft,omitempty"`
	Unit       string     `json:"unit,omitempty"`
	By         string     `json:"by,omitempty"`
	At         *time.Time `json:"at,omitempty"`
}

// ExtensionRequest is an extension asked for and not yet approved.
type ExtensionRequest struct {
	Days   int       `json:"days"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// DisciplineOutcomeNote is what discipline inspection decided.
type DisciplineOutcomeNote struct {
	Outcome DisciplineOutcome `json:"outcome"`
	Text    string            `json:"text"`
	By      string            `json:"by"`
	At      time.Time         `json:"at"`
}

// EventType names what happened: a lifecycle action, "register", or a system event.
type EventType string

// Event types beyond the lifecycle actions.
const (
	EventRegister    EventType = "register"
	EventWarnDueSoon EventType = "due_soon"
	EventWarnOverdue EventType = "overdue"
	EventEscalate    EventType = "escalate"
	// EventExtensionRequested is an extend that waits for a leader's approval: internal
	// until approved, so the complainant is told only of a moved deadline.
	EventExtensionRequested EventType = "extension_requested"
	// EventAutoClose closes a replied case never rated within the configured period.
	EventAutoClose EventType = "auto_close"
	// EventHalfwayUrge is the automatic 催办 at the half-way point of a 督办 sub-deadline.
	EventHalfwayUrge EventType = "halfway_urge"
	// EventDueAdjusted is a due date moved because the holiday calendar changed.
	EventDueAdjusted EventType = "due_adjusted"
)

// Event is one append-only entry of a complaint's timeline.
type Event struct {
	ID          int64           `json:"id"`
	ComplaintID string          `json:"-"`
	Seq         int             `json:"seq"`
	Type        EventType       `json:"type"`
	Actor       string          `json:"actor"`
	ActorName   string          `json:"actor_name"`
	At          time.Time       `json:"at"`
	From        Status          `json:"from,omitempty"`
	To          Status          `json:"to"`
	Payload     json.RawMessage `json:"payload,omitempty"`
}

// publicEvents are the event types a complainant may see on the portal. Everything else
// (notes, returns, urges, warnings) is internal: the type decides, never a flag.
var publicEvents = map[EventType]bool{
	EventRegister: true, "accept": true, "reject": true, "withdraw": true, "merge": true,
	"assign": true, "sign": true, "suspend": true, "resume": true, "extend": true,
	"decide": true, "reply": true, "resolve": true, "feedback": true, "close": true,
	"reopen": true, "archive": true, "approve_extension": true, EventAutoClose: true, EventDueAdjusted: true,
}

// Public reports whether the complainant may see the event.
func (e Event) Public() bool { return publicEvents[e.Type] }

// EventLabels are the Chinese names of event types for timelines.
var EventLabels = map[EventType]string{
	EventRegister: "登记", "accept": "受理", "reject": "不予受理", "withdraw": "撤回",
	"merge": "并案", "link": "关联", "assign": "派单", "sign": "签收", "return": "退单", "note": "调查记录",
	"suspend": "中止", "resume": "恢复办理", "extend": "延期", "urge": "催办", "decide": "处理决定",
	"resolve": "现场协调办结", "reply": "答复", "feedback": "回访评价", "close": "办结",
	"reopen": "重办", "archive": "归档", "amend": "补正登记", EventQueryCode: "重置查询码",
	EventWarnDueSoon: "即将超期提醒", EventWarnOverdue: "超期预警", EventEscalate: "超期上报",
	"recall": "撤回派单", "report": "报送办理结果", "send_back": "退回重办", "instruct": "领导批示",
	"approve_extension": "批准延期", "deny_extension": "不批准延期", "discipline_outcome": "纪检处理结果",
	EventExtensionRequested: "延期申请（待领导审批）", EventAutoClose: "逾期未评价自动办结",
	EventHalfwayUrge: "督办过半自动催办", "assist_sign": "协办签收", "assist_report": "协办报送意见",
	EventDueAdjusted: "期限因节假日安排调整",
}

// Idempotency remembers a registration made with an Idempotency-Key, so that a retry
// returns the same complaint instead of a second one.
type Idempotency struct {
	Key         string
	Actor       string
	RequestHash string
	Number      string
	Secret      []byte // the sealed query code, so that a retry answers with it again
	CreatedAt   time.Time
}

// AuditRecord is one privileged act in the tamper-evident audit log.
type AuditRecord struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"` // the API's word: register, accept, reveal, login, export…
	Object   string    `json:"object"` // what it was done to, e.g. a complaint number
	Client   string    `json:"client"` // the client address
	Detail   string    `json:"detail"` // e.g. the reason given for a reveal; never an identity
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Attachment is an evidence file (证据材料) of a complaint. Files are stored once per
// content (content-addressed by SHA-256), however many complaints attach them.
type Attachment struct {
	ID          int64     `json:"id"`
	ComplaintID string    `json:"-"`
	SHA256      string    `json:"sha256"`       // of Data, lower-case hex; stores refuse one that does not match
	Name        string    `json:"name"`         // the file name as uploaded, cleaned
	ContentType string    `json:"content_type"` // detected from the content, never from the name
	Size        int64     `json:"size"`
	UploadedBy  string    `json:"uploaded_by"` // login, or "public"
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"` // set when writing, and by OpenAttachment
}

// Message is a notification in the outbox: written in the same transaction as the change
// that causes it, delivered later by the jobs, never twice.
type Message struct {
	ID          int64
	ComplaintID string // "" when about no complaint
	Channel     MessageChannel
	// To is the recipient's address (e-mail, phone, webhook URL) sealed, because a
	// complainant's contact is an identity; empty for desk messages.
	To []byte
	// ToLogin is the staff account a desk or staff message is for; "" for complainants.
	ToLogin string
	Subject string
	Body    string
	// Status is pending, sent or dead.
	Status      MessageStatus
	Attempts    int
	NextAttempt time.Time // when it may be (re)tried; a claim pushes it forward
	LastError   string
	CreatedAt   time.Time
	SentAt      *time.Time
	ReadAt      *time.Time // desk messages: when the recipient opened it
}

// MessageChannel is how a message is delivered.
type MessageChannel string

// The channels of delivery.
const (
	MessageEmail   MessageChannel = "email"
	MessageSMS     MessageChannel = "sms"
	MessageWebhook MessageChannel = "webhook"
	MessageDesk    MessageChannel = "desk" // shown in-app on the staff desk
	// MessageHotline is a status event for the 12345 hotline platform (TOUSU_HOTLINE_URL).
	MessageHotline MessageChannel = "hotline"
)

// MessageStatus is where a message stands.
type MessageStatus string

// The message statuses.
const (
	MessagePending MessageStatus = "pending"
	MessageSent    MessageStatus = "sent"
	MessageDead    MessageStatus = "dead"
)

// MessageFilter selects outbox messages for the admin's view and the desk.
type MessageFilter struct {
	Status  MessageStatus
	Channel MessageChannel
	ToLogin string
	Unread  bool // desk messages not yet read
	// AfterID pages on in the list's order, newest first: when > 0, only messages with
	// ID < AfterID, so that the last ID of a page is the AfterID of the next.
	AfterID int64
	Limit   int
}

// SealedRow is the sealed identity of one complaint, for key rotation.
type SealedRow struct {
	ID       string
	Identity SealedIdentity
}

// Alert bits record which deadline warnings a complaint has had, so that each step of the
// escalation ladder happens once (DESIGN §4).
const (
	AlertDueSoon    = 1 << iota // ≤ N working days left: warned
	AlertOverdue                // past the due day: warned
	AlertUrged                  // automatic 催办 sent
	AlertEscalated1             // reported to the unit's head
	AlertEscalated2             // reported to the supervision office
	AlertEscalated3             // reported to discipline inspection
)

// CheckAttachments refuses attachments whose SHA256 or Size does not describe their Data:
// content is stored once per hash, so a wrong hash would serve one file as another.
func CheckAttachments(as []Attachment) error {
	for i, a := range as {
		sum := sha256.Sum256(a.Data)
		if a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(a.Data)) {
			msg := fmt.Sprintf("第%d个附件的内容与其校验值或大小不符", i+1)
			return &Error{Kind: KindInvalid, Message: "附件已损坏，请重新上传",
				Fields: map[string]string{"attachments": msg}}
		}
	}
	return nil
}

// Queued is m as a change enqueues it: about the complaint id unless it names another,
// pending, and due when created unless it says otherwise.
func (m Message) Queued(complaintID string) Message {
	if m.ComplaintID == "" {
		m.ComplaintID = complaintID
	}
	m.Status = MessagePending
	if m.NextAttempt.IsZero() {
		m.NextAttempt = m.CreatedAt
	}
	return m
}

// LegalHold is a legal hold (法律保全) on an archived case: while it stands, the case is
// not disposed of whatever its retention period says.
type LegalHold struct {
	Reason string    `json:"reason"`
	SetBy  string    `json:"set_by"` // login of the inspector or supervisor who set it
	SetAt  time.Time `json:"set_at"`
}
