package tousu

import "time"

// DisposalStatus is where a disposal (销毁) stands: proposed by one person, then approved
// or refused by a leader who is not the proposer.
type DisposalStatus string

// The disposal statuses.
const (
	DisposalProposed DisposalStatus = "proposed"
	DisposalApproved DisposalStatus = "approved"
	DisposalRefused  DisposalStatus = "refused"
)

// DisposalStatuses is the vocabulary of disposal statuses.
var DisposalStatuses = Vocabulary[DisposalStatus]{
	{DisposalProposed, "待审批"}, {DisposalApproved, "已批准销毁"}, {DisposalRefused, "未批准"},
}

// Disposal is one proposal to dispose of archived cases whose retention period has run
// out, and its decision. Approved, it is a page of the disposal register (销毁清册): the
// cases' identities, evidence files and free text are destroyed, their statistical
// skeleton kept.
type Disposal struct {
	ID         int64
	Status     DisposalStatus
	Reason     string // the proposer's grounds (销毁依据)
	ProposedBy string // login
	ProposedAt time.Time
	DecidedBy  string // login of the leader who approved or refused; "" while proposed
	DecidedAt  *time.Time
	Note       string // the leader's word on the decision
	Items      []DisposalItem
}

// DisposalItem is one case of a disposal, as the register lists it: what it was and why
// it could go.
type DisposalItem struct {
	ComplaintID string
	Number      string
	Kind        Kind
	Unit        string // the unit complained about, or the one that received it
	ReceivedAt  time.Time
	ArchivedOn  Date
	Class       string // the retention class: 30y or 10y
	RetainUntil Date
	// Attachments is how many evidence files the case had when proposed.
	Attachments int
}

// DisposalPlaceholder stands for a new disposal's ID in the Object and Detail of the
// audit records its proposal appends (see Store.CreateDisposal): the store puts in the
// ID, which is known only then.
const DisposalPlaceholder = "{{disposal}}"
