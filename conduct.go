package tousu

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// 行风督查: the supervision of conduct at the windows — inspections against checklists,
// the rectification of what they find, and the staff record (praise, sanctions,
// training, malicious complaints). The types are here; the use cases in internal/app.

// Checklist is an inspection template (督查清单): items, each with a weight and a rule.
type Checklist struct {
	Code   string          `json:"code"`
	Name   string          `json:"name"`
	Preset string          `json:"preset,omitempty"` // government | hospital | police | drug; "" for one of the admin's own
	Items  []ChecklistItem `json:"items"`
}

// ChecklistItem is one item of a checklist. Weight is the points the item is worth; the
// rule says how an inspector scores it.
type ChecklistItem struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Weight int    `json:"weight"`
	Rule   string `json:"rule,omitempty"`
}

// Item is the item with the code, and whether it exists.
func (c *Checklist) Item(code string) (ChecklistItem, bool) {
	for _, it := range c.Items {
		if it.Code == code {
			return it, true
		}
	}
	return ChecklistItem{}, false
}

// TotalWeight is the sum of the items' weights: an inspection's full score.
func (c *Checklist) TotalWeight() int {
	n := 0
	for _, it := range c.Items {
		n += it.Weight
	}
	return n
}

// Check validates a checklist as an admin saves it.
func (c *Checklist) Check() error {
	p := Problems{}
	if !validKey(c.Code) {
		p.Add("code", "编码只能由小写字母、数字、-、_ 组成，最长64个字符")
	}
	if strings.TrimSpace(c.Name) == "" || utf8.RuneCountInString(c.Name) > 100 {
		p.Add("name", "请填写清单名称（最多100字）")
	}
	if len(c.Items) == 0 {
		p.Add("items", "清单至少应有一项")
	}
	if len(c.Items) > 100 {
		p.Add("items", "清单最多100项")
	}
	seen := map[string]bool{}
	for i, it := range c.Items {
		f := fmt.Sprintf("items[%d].", i)
		if !validKey(it.Code) {
			p.Add(f+"code", "编码只能由小写字母、数字、-、_ 组成")
		} else if seen[it.Code] {
			p.Add(f+"code", "编码重复")
		}
		seen[it.Code] = true
		if strings.TrimSpace(it.Name) == "" || utf8.RuneCountInString(it.Name) > 100 {
			p.Add(f+"name", "请填写检查项名称（最多100字）")
		}
		if it.Weight < 1 || it.Weight > 100 {
			p.Add(f+"weight", "分值应为1至100的整数")
		}
		if utf8.RuneCountInString(it.Rule) > 500 {
			p.Add(f+"rule", "评分规则最多500字")
		}
	}
	return p.Err()
}

// validKey reports whether s is a code: lower-case letters, digits, - and _.
func validKey(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// InspectionKind is how an inspection was made.
type InspectionKind string

// The inspection kinds.
const (
	InspectionRoutine     InspectionKind = "routine"     // 定期检查
	InspectionUnannounced InspectionKind = "unannounced" // 明察暗访
	InspectionSpecial     InspectionKind = "special"     // 专项督查
)

// InspectionKinds label the kinds.
var InspectionKinds = Vocabulary[InspectionKind]{
	{InspectionRoutine, "定期检查"}, {InspectionUnannounced, "明察暗访"}, {InspectionSpecial, "专项督查"},
}

// The statuses of an inspection.
const (
	InspectionPlanned   = "planned"
	InspectionCompleted = "completed"
)

// The results of an item.
const (
	ResultPass = "pass"
	ResultFail = "fail"
)

// Inspection is a 督查 of a unit (a window) against a checklist.
type Inspection struct {
	ID          int64              `json:"id"`
	Unit        string             `json:"unit"`
	Kind        InspectionKind     `json:"kind"`
	Date        Date               `json:"date"`
	Checklist   string             `json:"checklist"`
	Status      string             `json:"status"`
	Inspector   string             `json:"inspector"` // login of who planned it
	Note        string             `json:"note,omitempty"`
	Results     []InspectionResult `json:"results"`
	Score       float64            `json:"score"`     // points got, out of MaxScore
	MaxScore    float64            `json:"max_score"` // the checklist's total weight
	Failed      int                `json:"failed"`
	CreatedAt   time.Time          `json:"created_at"`
	CompletedAt *time.Time         `json:"completed_at,omitempty"`
	Photos      []ConductFile      `json:"photos,omitempty"`
}

// InspectionResult is the finding on one item.
type InspectionResult struct {
	Item   string   `json:"item"`
	Result string   `json:"result"` // pass | fail
	Score  *float64 `json:"score,omitempty"`
	Note   string   `json:"note,omitempty"`
	Staff  []string `json:"staff,omitempty"` // badges of the staff concerned
}

// Result is the recorded result of the item, and whether there is one.
func (in *Inspection) Result(item string) (InspectionResult, bool) {
	for _, r := range in.Results {
		if r.Item == item {
			return r, true
		}
	}
	return InspectionResult{}, false
}

// InspectionFilter selects inspections. Zero fields do not filter.
type InspectionFilter struct {
	Units    []string // the unit is one of these (a scope); nil: any
	Status   string
	Kind     InspectionKind
	From, To Date // date within [From, To]
	Staff    string
	Limit    int
}

// The statuses of a rectification task.
const (
	RectOpen      = "open"
	RectSubmitted = "submitted"
	RectVerified  = "verified"
	RectOverdue   = "overdue"
)

// RectStatuses label the statuses of rectification tasks.
var RectStatuses = Vocabulary[string]{
	{RectOpen, "待整改"}, {RectSubmitted, "待验收"}, {RectVerified, "已验收"}, {RectOverdue, "已超期"},
}

// The alert bits of a rectification task, each step taken once.
const (
	RectAlertOverdue    = 1 << iota // overdue: the unit told
	RectAlertEscalated1             // reported to the unit's superiors
	RectAlertEscalated2             // reported to the supervision office
	RectAlertEscalated3             // reported to discipline inspection
)

// Rectification is a 整改 task: a failed item of an inspection (or, later, an
// evaluation) the unit must put right by DueDate.
type Rectification struct {
	ID           int64         `json:"id"`
	Source       string        `json:"source"` // inspection | evaluation
	InspectionID int64         `json:"inspection_id,omitempty"`
	EvaluationID string        `json:"evaluation_id,omitempty"` // the 差评 it puts right (source evaluation)
	Unit         string        `json:"unit"`
	Item         string        `json:"item"`
	ItemName     string        `json:"item_name"`
	Finding      string        `json:"finding,omitempty"` // the inspector's note on the failed item
	Staff        []string      `json:"staff,omitempty"`
	DueDate      Date          `json:"due_date"`
	Status       string        `json:"status"`
	Inspector    string        `json:"inspector"` // login of who verifies
	Text         string        `json:"text,omitempty"`
	SubmittedBy  string        `json:"submitted_by,omitempty"`
	SubmittedAt  *time.Time    `json:"submitted_at,omitempty"`
	VerifyNote   string        `json:"verify_note,omitempty"`
	VerifiedBy   string        `json:"verified_by,omitempty"`
	VerifiedAt   *time.Time    `json:"verified_at,omitempty"`
	Returns      int           `json:"returns"` // times returned for more work
	Alerts       int           `json:"-"`
	CreatedAt    time.Time     `json:"created_at"`
	Evidence     []ConductFile `json:"evidence,omitempty"`
}

// RectificationFilter selects rectification tasks. Zero fields do not filter.
type RectificationFilter struct {
	Units        []string
	Statuses     []string
	Source       string
	InspectionID int64
	EvaluationID string
	DueBefore    Date // due before this day (overdue scan)
	// DueFrom keeps the tasks due on or after this day; Overdue those that went overdue
	// (the overdue alert taken). ByID runs the list by ID, after AfterID (paging).
	DueFrom Date
	Overdue bool
	ByID    bool
	AfterID int64
	Limit   int
}

// ConductFile is a photo or document of an inspection or a rectification, stored with
// the evidence files (content once per SHA-256).
type ConductFile struct {
	Attachment
	Owner string `json:"-"` // "inspection:ID" or "rectification:ID"
	Item  string `json:"item,omitempty"`
}

// The kinds of entries of the staff record.
const (
	EntryPraise   = "praise"
	EntrySanction = "sanction"
	EntryTraining = "training"
)

// PraiseTypes are the kinds of praise.
var PraiseTypes = Vocabulary[string]{{"praise", "表扬"}, {"circular", "通报表扬"}, {"commendation", "嘉奖"}}

// SanctionTypes are the kinds of sanction.
var SanctionTypes = Vocabulary[string]{
	{"education", "批评教育"}, {"circular", "通报批评"}, {"admonition", "诫勉谈话"}, {"transfer", "调离岗位"},
	{"warning", "警告"}, {"demerit", "记过"}, {"discipline_referral", "移送纪检"},
}

// EntrySources are what a praise or sanction may come from.
var EntrySources = Vocabulary[string]{
	{"complaint", "投诉"}, {"evaluation", "评价"}, {"inspection", "督查"}, {"other", "其他"},
}

// StaffEntry is one entry of the staff record: a praise, a sanction or a training.
type StaffEntry struct {
	ID        int64     `json:"id"`
	Badge     string    `json:"badge"`
	Kind      string    `json:"kind"` // praise | sanction | training
	Type      string    `json:"type,omitempty"`
	Date      Date      `json:"date"`
	Reason    string    `json:"reason,omitempty"` // or the course, for training
	Source    string    `json:"source,omitempty"`
	SourceRef string    `json:"source_ref,omitempty"` // a complaint number, an inspection id
	Result    string    `json:"result,omitempty"`     // training: 合格 etc.
	Hours     int       `json:"hours,omitempty"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// StaffEntriesMax is the most entries Store.ListStaffEntries returns at once: a reader
// that finds this many knows the list was cut.
const StaffEntriesMax = 5000

// StaffEntryFilter selects entries of the staff record.
type StaffEntryFilter struct {
	Badges   []string // nil: everyone
	Kind     string
	From, To Date
}

// The statuses of a malicious-complaint mark.
const (
	MaliciousProposed  = "proposed"
	MaliciousConfirmed = "confirmed"
	MaliciousRejected  = "rejected"
)

// MaliciousMark is a supervisor's proposal that a complaint was malicious (恶意投诉、诬告
// 陷害) and the inspector's review. Confirmed, the complaint leaves the staff member's
// figures and the complainant's blind indexes carry the mark, so that the clerk is told
// at the next complaint (never refused).
type MaliciousMark struct {
	ComplaintID   string     `json:"-"`
	Number        string     `json:"number"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason"`
	ProposedBy    string     `json:"proposed_by"`
	ProposedAt    time.Time  `json:"proposed_at"`
	Note          string     `json:"note,omitempty"`
	ReviewedBy    string     `json:"reviewed_by,omitempty"`
	ReviewedAt    *time.Time `json:"reviewed_at,omitempty"`
	Staff         string     `json:"staff,omitempty"` // the badge complained about
	Unit          string     `json:"unit,omitempty"`
	PhoneIndex    string     `json:"-"`
	IDNumberIndex string     `json:"-"`
	NameIndex     string     `json:"-"`
}

// MaliciousFilter selects malicious marks. Zero fields do not filter; the indexes match
// any one of them.
type MaliciousFilter struct {
	Status        string
	PhoneIndex    string
	IDNumberIndex string
	NameIndex     string
	Staff         string
	Limit         int
}

// ConductCount is what the store sums of a period's conduct records for one unit or
// staff member: the assessment's inputs beside the complaints' rollups and the ratings.
type ConductCount struct {
	Inspections int     // completed inspections of the unit
	ScorePct    float64 // the sum of their scores as percentages of their totals
	FailedItems int     // failed items (of the unit's inspections; for a badge, naming it)
	Praise      int
	Sanctions   int
}

// ConductTotals are the conduct counts of [From, To] by unit (inspections) and by badge
// (failed items naming the person, praise and sanctions).
type ConductTotals struct {
	Units map[string]*ConductCount
	Staff map[string]*ConductCount
}

// LateFilter selects the complaints received in [From, To) that may have let a deadline
// pass — handed over late, reported after the unit's due date, replied after the due
// date or open past it on Today — a superset the accountability rules then read exactly.
// Handlers keeps only the cases of those accounts and the late handovers (one person's
// record); nil keeps all. Pages run by receipt, oldest first, after After.
type LateFilter struct {
	From, To time.Time
	Today    Date
	Handlers []string
	After    *Cursor
	Limit    int
}

// LateCallback is a bad rating (差评, not excluded by an appeal) whose call-back was due
// in a period, with the instant of its first call-back (nil: none yet): accountability's
// late_callback when that came after the due day or never came.
type LateCallback struct {
	ID, Window, Staff string
	Due               Date
	CalledBackAt      *time.Time
}
