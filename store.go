package tousu

import (
	"context"
	"strings"
	"time"
)

// Change is what one write commits in a single transaction: the complaint's projection,
// the event that changed it, and the audit records of the act.
type Change struct {
	Complaint *Complaint
	Event     *Event
	Audit     []AuditRecord

	// Attachments are stored with the change: their content once per SHA-256, their
	// records linked to the complaint. The store sets their ID and ComplaintID.
	Attachments []Attachment
	// Outbox messages to deliver once the change is committed. The store sets their
	// ID, ComplaintID (when empty), Status pending and NextAttempt (when zero: CreatedAt).
	// A registration's messages may name the new complaint by NumberPlaceholder in their
	// Subject and Body: the store puts in the number, which is known only then.
	Outbox []Message

	// Links are complaint links (关联) stored with an update, in its transaction.
	Links []ComplaintLink

	// Registration only.
	NumberPrefix string       // e.g. "TS20261127"; the store appends "-0001", unique and never reused
	Idempotency  *Idempotency // remembered with the new complaint when the client sent a key
}

// NumberPlaceholder stands for a new complaint's number in the Subject and Body of the
// messages its registration enqueues (see Change.Outbox).
const NumberPlaceholder = "{{number}}"

// WithNumber is m with NumberPlaceholder in its Subject and Body replaced by number.
func (m Message) WithNumber(number string) Message {
	m.Subject = strings.ReplaceAll(m.Subject, NumberPlaceholder, number)
	m.Body = strings.ReplaceAll(m.Body, NumberPlaceholder, number)
	return m
}

// Order is the order of a complaint list.
type Order string

// The list orders.
const (
	OrderNewest Order = "newest" // received_at descending
	OrderDue    Order = "due"    // due date ascending, then received_at ascending
)

// DateKey is a due date as a Cursor's Key (YYYYMMDD); 0 for no date.
func DateKey(d Date) int64 {
	if d.IsZero() {
		return 0
	}
	return int64(d.Year*10000 + int(d.Month)*100 + d.Day)
}

// KeyDate is the date of a Cursor's Key made by DateKey; the zero Date for 0.
func KeyDate(k int64) Date {
	if k <= 0 {
		return Date{}
	}
	return Date{Year: int(k / 10000), Month: time.Month(k / 100 % 100), Day: int(k % 100)}
}

// Cursor is the position after which the next page of a list starts: the sort key and
// the ID of the last complaint of the previous page.
type Cursor struct {
	Key int64  // received_at in Unix ms (OrderNewest), or the due date as YYYYMMDD (OrderDue)
	ID  string // complaint ID, the tie-breaker
}

// ComplaintFilter selects complaints. Zero fields do not filter.
type ComplaintFilter struct {
	// Scope limits to complaints whose owner, target or assigned unit is in the set; nil
	// means everything (a role held at the root).
	Scope []string
	// ExcludeTargetStaff hides complaints naming this badge as their target (recusal).
	ExcludeTargetStaff string
	// ExcludeTargetStaffs also hides complaints naming any of these badges: those the
	// actor's account was linked to before (recusal follows the person).
	ExcludeTargetStaffs []string
	// Units keeps complaints whose target or assigned unit is in the set.
	Units []string
	// AssignedUnits keeps complaints assigned to a unit in the set.
	AssignedUnits []string
	Handler       string
	// HandlerOrNone keeps complaints handled by this login or by nobody in particular:
	// a handler's view of its unit's cases.
	HandlerOrNone string
	// AssistingUnits also keeps, whatever AssignedUnits and HandlerOrNone say, the
	// complaints that a unit in the set assists (协办): a handler's view of the cases its
	// units work jointly. Scope and the other filters still apply.
	AssistingUnits []string
	// AssistedBy keeps only complaints that a unit in the set assists (协办).
	AssistedBy []string

	Statuses []Status
	Kind     Kind
	Channel  Channel
	Category string
	// Query is a full-text search (internal/cjk's query language) of the number, matter,
	// request, target description, place and reply; with SearchInternal also of the
	// internal records (notes, reports, the decision).
	Query          string
	SearchInternal bool
	// QueryAny matches complaints with any of Query's terms instead of all (OR): the
	// similar-text look-up at intake.
	QueryAny bool

	// PhoneIndex and IDNumberIndex find complaints by the complainant's blind indexes.
	PhoneIndex    string
	IDNumberIndex string
	NameIndex     string
	// TargetStaff keeps complaints about the staff member with this badge.
	TargetStaff string
	// TargetUnit keeps complaints about this unit exactly (not its subtree, nor the
	// assigned unit): a window's complaints.
	TargetUnit string
	// LateHandover keeps complaints flagged 逾期移交 (when true).
	LateHandover bool
	// AlertsLacking keeps complaints that lack at least one of these Alert* bits.
	AlertsLacking int
	// Marks keeps complaints that have every one of these Mark* bits.
	Marks int

	// Stat keeps the complaints behind a figure of the statistics (stats.go).
	Stat *StatFilter

	DueFrom, DueTo Date      // open, unsuspended complaints due within [DueFrom, DueTo]
	From, To       time.Time // received_at within [From, To)

	Order Order
	After *Cursor
	Limit int

	// CountUpTo, when above zero, makes CountComplaints stop counting there: it answers
	// CountUpTo+1 when more complaints match ("1000+"), without reading them all.
	CountUpTo int
}

// Store keeps everything. Two implementations, internal/sqlite and internal/postgres,
// pass the same conformance suite (internal/storetest). Every method names itself in its
// errors; a missing row is an error of kind not_found, never a nil result.
type Store interface {
	// Migrate brings the schema up to date.
	Migrate(ctx context.Context) error
	// Close releases the database.
	Close() error
	// Backup writes a consistent copy of the database to path while it serves.
	Backup(ctx context.Context, path string) error

	// CreateComplaint inserts a new complaint with its first event. It sets Number (from
	// NumberPrefix), Version (1), the event's ID and Seq. When the change carries an
	// Idempotency record whose actor and key exist already, it stores nothing and
	// fails with kind conflict. Audit records with an empty Object are about the new
	// complaint: the store sets their Object to its number.
	CreateComplaint(ctx context.Context, ch *Change) error
	// UpdateComplaint writes the projection and appends the event, if the stored version
	// is still ch.Complaint.Version; it then increments Version. A stale version fails
	// with kind conflict.
	UpdateComplaint(ctx context.Context, ch *Change) error
	// BulkRegister stores complaints with their whole history (see BulkComplaint) in
	// one transaction: all of them or, on any error, none. It writes what
	// CreateComplaint writes, through the same code, plus the later events; source
	// (SourceImport, SourceGenerated) marks every event and audit record. Call it with
	// batches of a few thousand: one transaction each, one durable commit each. It
	// sets each complaint's Number and Version and each event's ID, Seq and ComplaintID.
	BulkRegister(ctx context.Context, source string, cs []BulkComplaint) error

	// FindComplaint returns the complaint with the given number.
	FindComplaint(ctx context.Context, number string) (*Complaint, error)
	// ListComplaints returns at most f.Limit complaints in f.Order after f.After.
	ListComplaints(ctx context.Context, f ComplaintFilter) ([]*Complaint, error)
	// CountComplaints counts the complaints that f selects (ignoring order and paging),
	// at most f.CountUpTo+1 when f.CountUpTo is set.
	CountComplaints(ctx context.Context, f ComplaintFilter) (int, error)
	// ListEvents returns the timeline of a complaint, oldest first.
	ListEvents(ctx context.Context, complaintID string) ([]Event, error)
	// FindIdempotency returns the registration remembered for actor and key.
	FindIdempotency(ctx context.Context, actor, key string) (*Idempotency, error)

	// ListUnits returns the whole organisation tree, parents before children.
	ListUnits(ctx context.Context) ([]Unit, error)
	// PutUnit inserts or updates a unit by code.
	PutUnit(ctx context.Context, u Unit) error
	// ListStaff returns the staff of a unit ("" for everyone), by badge.
	ListStaff(ctx context.Context, unit string) ([]Staff, error)
	// FindStaff returns the staff member with the badge.
	FindStaff(ctx context.Context, badge string) (*Staff, error)
	// PutStaff inserts or updates a staff member by badge.
	PutStaff(ctx context.Context, s Staff) error
	// ListCategories returns the category tree, parents before children.
	ListCategories(ctx context.Context) ([]Category, error)
	// PutCategory inserts or updates a category by code.
	PutCategory(ctx context.Context, c Category) error

	// CreateUser inserts an account; an existing login fails with kind conflict.
	CreateUser(ctx context.Context, u *User) error
	// UpdateUser writes an account's name, roles, unit, staff, password, disabled flag,
	// lockout (FailedLogins, LockedUntil) and Epoch. CreateUser and UpdateUser record a
	// non-empty Staff in the account's staff history, which keeps every badge ever linked.
	UpdateUser(ctx context.Context, u *User) error
	// FindUser returns the account with the login, its StaffHistory filled.
	FindUser(ctx context.Context, login string) (*User, error)
	// ListUsers returns every account, by login, StaffHistory filled.
	ListUsers(ctx context.Context) ([]User, error)
	// CreateToken stores an API token's hash.
	CreateToken(ctx context.Context, t Token) error
	// FindToken returns the token with the hash.
	FindToken(ctx context.Context, hash string) (*Token, error)
	// FindTokenUser returns the token with the hash and its account (StaffHistory
	// filled) in one read: what authenticating an API request needs.
	FindTokenUser(ctx context.Context, hash string) (*Token, *User, error)
	// ListTokens returns the tokens of an account ("" for every account), newest first.
	ListTokens(ctx context.Context, login string) ([]Token, error)
	// DeleteToken removes a token (revocation); a missing one is kind not_found.
	DeleteToken(ctx context.Context, hash string) error

	// ListCalendarOverrides returns every override, by date.
	ListCalendarOverrides(ctx context.Context) ([]CalendarOverride, error)
	// PutCalendarOverride inserts or replaces the override of a date.
	PutCalendarOverride(ctx context.Context, o CalendarOverride) error
	// DeleteCalendarOverride removes the override of a date.
	DeleteCalendarOverride(ctx context.Context, d Date) error

	// ListPolicies returns the deadline policies, by ID.
	ListPolicies(ctx context.Context) ([]Policy, error)
	// PutPolicy inserts (ID 0, setting it) or updates a policy.
	PutPolicy(ctx context.Context, p *Policy) error
	// DeletePolicy removes a policy.
	DeletePolicy(ctx context.Context, id int64) error

	// EvidenceBytes is the size of every evidence file stored, each content counted once:
	// what the attachment storage budget is measured against.
	EvidenceBytes(ctx context.Context) (int64, error)
	// ListAttachments returns a complaint's attachments, oldest first, without Data.
	ListAttachments(ctx context.Context, complaintID string) ([]Attachment, error)
	// OpenAttachment returns one attachment of a complaint with its Data.
	OpenAttachment(ctx context.Context, complaintID string, id int64) (*Attachment, error)

	// ListSealed returns up to limit complaints' sealed identities with ID > after, by
	// ID, for re-encryption under a new key.
	ListSealed(ctx context.Context, after string, limit int) ([]SealedRow, error)
	// UpdateIdentity replaces a complaint's sealed identity (same plaintext, new key) and
	// its blind indexes (phone, ID number, name: so a rotation fills the name's index of
	// complaints registered before it existed), leaving everything else, its version
	// included, as it is.
	UpdateIdentity(ctx context.Context, id string, s SealedIdentity) error

	// FindSession returns the data and expiry of the session whose token hashes to hash,
	// even when it has expired: the store does not know the time, the caller checks.
	FindSession(ctx context.Context, hash string) ([]byte, time.Time, error)
	// PutSession inserts or replaces a session.
	PutSession(ctx context.Context, hash string, data []byte, expiry time.Time) error
	// DeleteSession removes a session; a missing one is not an error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions removes sessions that expired before now (expiry < now) and
	// returns how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	// GetSetting returns the value of a setting (portal texts, message templates).
	GetSetting(ctx context.Context, key string) (string, error)
	// PutSetting inserts or replaces a setting.
	PutSetting(ctx context.Context, key, value string) error
	// ListSettings returns every setting.
	ListSettings(ctx context.Context) (map[string]string, error)

	// GetHold returns the legal hold (法律保全) on a complaint, nil when it has none.
	GetHold(ctx context.Context, complaintID string) (*LegalHold, error)
	// PutHold places a legal hold on a complaint, replacing the reason of one it has.
	PutHold(ctx context.Context, complaintID string, h LegalHold) error
	// DeleteHold lifts the legal hold on a complaint; NotFound when it has none.
	DeleteHold(ctx context.Context, complaintID string) error

	// Disposal after retention (销毁, docs/RETENTION.md).
	//
	// CreateDisposal stores a proposal with its items and its audit records in one
	// transaction, setting d.ID, which it also puts for DisposalPlaceholder in the audit
	// records' Object and Detail; a case already in a proposal that is pending or
	// approved fails with kind conflict.
	CreateDisposal(ctx context.Context, d *Disposal, audit []AuditRecord) error
	// FindDisposal returns a disposal with its items, in order of case number.
	FindDisposal(ctx context.Context, id int64) (*Disposal, error)
	// ListDisposals returns every disposal, newest first, with its items.
	ListDisposals(ctx context.Context) ([]Disposal, error)
	// DisposalOf returns the approved disposal a complaint was disposed of in, nil when
	// it was not.
	DisposalOf(ctx context.Context, complaintID string) (*Disposal, error)
	// RefuseDisposal marks a proposed disposal refused (d.DecidedBy, DecidedAt, Note),
	// with its audit records; one no longer proposed fails with kind conflict.
	RefuseDisposal(ctx context.Context, d *Disposal, audit []AuditRecord) error
	// ApproveDisposal disposes of the cases of a proposed disposal in one transaction:
	// each complaint's projection is written as given in scrubbed (its identity, free
	// text and blind indexes already emptied by the caller; the version must still be
	// the one read), the payloads of its events are replaced by keep(type, payload),
	// its attachments and the evidence files no other complaint holds are deleted, its
	// messages lose recipient, subject and body, its idempotency records their secret;
	// then the disposal is marked approved (d.DecidedBy, DecidedAt, Note) and the audit
	// records appended. A disposal no longer proposed fails with kind conflict.
	ApproveDisposal(ctx context.Context, d *Disposal, scrubbed []*Complaint,
		keep func(typ EventType, payload []byte) []byte, audit []AuditRecord) error

	// Import of past complaints (docs/import.md).
	//
	// ExternalRefNumbers returns, for each of refs that a stored complaint carries as
	// its ExternalRef, that complaint's number: how an import finds the rows it has
	// imported before.
	ExternalRefNumbers(ctx context.Context, refs []string) (map[string]string, error)

	// ClaimMessages takes up to limit pending messages whose NextAttempt is due at now,
	// oldest first, and pushes their NextAttempt to now+lease so that no other node
	// takes them meanwhile. Safe on many nodes.
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// UpdateMessage writes a message's Status, Attempts, NextAttempt, LastError, SentAt
	// and ReadAt.
	UpdateMessage(ctx context.Context, m *Message) error
	// ListMessages returns up to f.Limit (default 50, at most 500) messages the filter
	// selects, newest (highest ID) first.
	ListMessages(ctx context.Context, f MessageFilter) ([]Message, error)

	// TryLease takes or renews the named lease for holder until until, if it is free,
	// expired at now, or held by holder already. It reports whether holder has it. Jobs
	// use it so that each tick runs on one node only.
	TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)

	// AppendAudit appends records to the audit log, chaining each to the one before.
	AppendAudit(ctx context.Context, recs []AuditRecord) error
	// ListAudit returns up to limit records with ID > after, in order.
	ListAudit(ctx context.Context, after int64, limit int) ([]AuditRecord, error)
	// Statistics (docs/STATISTICS.md): the rollups written with every complaint.

	// SumStats returns the rollup sums that f asks for.
	SumStats(ctx context.Context, f StatSum) ([]StatRow, error)
	// OverdueOpen returns the facts of the open complaints whose running clock is past
	// due on today.
	OverdueOpen(ctx context.Context, today Date) ([]StatFact, error)
	// RebuildStats recomputes every complaint's fact and the rollups from the complaints.
	RebuildStats(ctx context.Context) error
	// SaveDisclosure inserts a draft disclosure (ID 0, setting ID) or rewrites a draft's
	// content and changes, with its audit records; a published one is kind conflict.
	SaveDisclosure(ctx context.Context, d *Disclosure, audit []AuditRecord) error
	// PublishDisclosure publishes draft id as the next version of d.Period and d.Unit,
	// by d.PublishedBy at d.PublishedAt, with its audit records; it never changes again.
	PublishDisclosure(ctx context.Context, id int64, d Disclosure, audit []AuditRecord) (*Disclosure, error)
	// FindDisclosure returns the disclosure with the ID.
	FindDisclosure(ctx context.Context, id int64) (*Disclosure, error)
	// ListDisclosures returns up to 500 disclosures (published only when published),
	// newest period first, the latest version first.
	ListDisclosures(ctx context.Context, published bool) ([]Disclosure, error)

	// SearchAudit returns up to f.Limit (default 50, at most 500) records the filter
	// selects, newest (highest ID) first, for the audit view.
	SearchAudit(ctx context.Context, f AuditFilter) ([]AuditRecord, error)

	// Repeat complaints (反复投诉): links between complaints (关联), both ways.

	// ListLinks returns the links of a complaint (where it is ComplaintID), newest first.
	ListLinks(ctx context.Context, complaintID string) ([]ComplaintLink, error)
	// CountRepeats counts the complaints received in [from, to) — within scope when it is
	// not nil (owner, target or assigned unit in the set) — that are linked as a repeat to
	// a complaint received before them: the statistics' repeat.
	CountRepeats(ctx context.Context, from, to time.Time, scope []string) (int, error)
	// RepeatCandidates is the look-up of repeats at intake and on a case, in one read:
	// for each filter, its newest complaints (at most its Limit, received since its From),
	// as RepeatCandidate. Only the filters' scope, recusal, blind-index, target and From
	// terms are read (no full-text Query, Order or cursor).
	RepeatCandidates(ctx context.Context, grounds []ComplaintFilter) ([]RepeatCandidate, error)

	// Evaluations (好差评, issue 16): citizens' ratings of windows and the handling of
	// bad ones (evaluation.go).

	// CreateEvaluation inserts a rating with its first event, audit records and outbox
	// messages. A TransactionNo already rated fails with kind conflict, storing nothing.
	CreateEvaluation(ctx context.Context, ch *EvaluationChange) error
	// UpdateEvaluation writes a rating and appends its event, if the stored version is
	// still ch.Evaluation.Version; it then increments Version. A stale version fails with
	// kind conflict.
	UpdateEvaluation(ctx context.Context, ch *EvaluationChange) error
	// FindEvaluation returns the rating with the ID.
	FindEvaluation(ctx context.Context, id string) (*Evaluation, error)
	// ListEvaluations returns at most f.Limit ratings, newest first, after f.After.
	ListEvaluations(ctx context.Context, f EvaluationFilter) ([]*Evaluation, error)
	// ListEvaluationEvents returns the timeline of a rating, oldest first.
	ListEvaluationEvents(ctx context.Context, id string) ([]EvaluationEvent, error)
	// EvaluationStats counts the ratings f selects per window or per staff member (a
	// rating naming no staff member is not counted by staff), by key.
	EvaluationStats(ctx context.Context, f EvaluationStatsFilter) ([]EvaluationCounts, error)
	// 行风督查 (conduct.go; migration 17): checklists, inspections, rectification tasks
	// and their files, the staff record's entries, malicious-complaint marks. Every write
	// commits its audit records in the same transaction.

	// ListChecklists returns the checklists, by code.
	ListChecklists(ctx context.Context) ([]Checklist, error)
	// PutChecklist inserts or replaces a checklist by code.
	PutChecklist(ctx context.Context, c Checklist, audit []AuditRecord) error
	// CreateInspection inserts an inspection and sets its ID; audit records with an empty
	// Object get "inspection:ID".
	CreateInspection(ctx context.Context, in *Inspection, audit []AuditRecord) error
	// UpdateInspection writes an inspection's status, note, results, score and completion
	// and inserts the rectification tasks it opens, setting their IDs, with the messages
	// that tell the unit.
	UpdateInspection(ctx context.Context, in *Inspection, rects []Rectification, msgs []Message, audit []AuditRecord) error
	// FindInspection returns an inspection with its photos.
	FindInspection(ctx context.Context, id int64) (*Inspection, error)
	// ListInspections returns the inspections f selects, newest day first (without photos).
	ListInspections(ctx context.Context, f InspectionFilter) ([]Inspection, error)
	// ListRectifications returns the tasks f selects, earliest due first (without evidence).
	ListRectifications(ctx context.Context, f RectificationFilter) ([]Rectification, error)
	// FindRectification returns a task with its evidence.
	FindRectification(ctx context.Context, id int64) (*Rectification, error)
	// UpdateRectification writes a task's status, steps, due date and alerts with the
	// messages and audit records of the change, if its stored status is still from; else
	// it fails with kind conflict.
	UpdateRectification(ctx context.Context, r *Rectification, from string, msgs []Message, audit []AuditRecord) error
	// AddConductFiles stores photos or evidence under owner ("inspection:ID",
	// "rectification:ID"), the content once per SHA-256, and sets their IDs.
	AddConductFiles(ctx context.Context, owner string, files []ConductFile, audit []AuditRecord) error
	// ListConductFiles returns an owner's files, oldest first, without Data.
	ListConductFiles(ctx context.Context, owner string) ([]ConductFile, error)
	// OpenConductFile returns one file of an owner with its Data.
	OpenConductFile(ctx context.Context, owner string, id int64) (*ConductFile, error)
	// AddStaffEntry inserts a praise, sanction or training entry and sets its ID.
	AddStaffEntry(ctx context.Context, e *StaffEntry, audit []AuditRecord) error
	// ListStaffEntries returns the entries f selects, by day.
	ListStaffEntries(ctx context.Context, f StaffEntryFilter) ([]StaffEntry, error)
	// PutMalicious inserts or replaces the malicious-complaint mark of a complaint, with
	// the messages it causes.
	PutMalicious(ctx context.Context, m *MaliciousMark, msgs []Message, audit []AuditRecord) error
	// FindMalicious returns the mark of a complaint; not_found when it has none.
	FindMalicious(ctx context.Context, complaintID string) (*MaliciousMark, error)
	// ListMalicious returns the marks f selects, newest first: the seam through which
	// statistics leave confirmed malicious complaints out of staff figures.
	ListMalicious(ctx context.Context, f MaliciousFilter) ([]MaliciousMark, error)
	// ConductTotals sums the inspections, failed items, praise and sanctions of [from,
	// to] by unit and by badge, in SQL (the monthly assessment's inputs; no cap).
	ConductTotals(ctx context.Context, from, to Date) (*ConductTotals, error)
	// ListLate returns a page of the complaints that may have let a deadline pass
	// (accountability's candidates), newest first.
	ListLate(ctx context.Context, f LateFilter) ([]*Complaint, error)
	// LateCallbacks returns the bad ratings whose call-back was due within [from, to],
	// with their first call-back.
	LateCallbacks(ctx context.Context, from, to Date) ([]LateCallback, error)
}

// RepeatCandidate is a complaint as the look-up of repeats reads it: what the comparison
// and the answer need, and Ground, the index of the filter that found it.
type RepeatCandidate struct {
	Ground          int
	ID, Number      string
	Status          Status
	ReceivedAt      time.Time
	Matter, Request string
}

// ComplaintLink links two complaints about the same matter (关联): a repeat complaint
// and the earlier one, or two received at once. Stored both ways; it changes neither
// complaint's lifecycle (unlike a merge, 并案).
type ComplaintLink struct {
	ComplaintID string
	LinkedID    string
	Kind        string // LinkRepeat
	By          string // the login that linked them
	At          time.Time
	// LinkedNumber is the linked complaint's number, as ListLinks reads it.
	LinkedNumber string
}

// LinkRepeat is the kind of a link between a repeat complaint and another.
const LinkRepeat = "repeat"

// AuditFilter selects audit records for the audit view. Zero fields do not filter.
type AuditFilter struct {
	Action string // exactly this action, e.g. "reveal"
	Actor  string // exactly this login
	Object string // exactly this object, e.g. a complaint number or a login
	// Before pages on in the view's order, newest first: when > 0, only records with
	// ID < Before, so that the last ID of a page is the Before of the next.
	Before int64
	Limit  int
}
