// Package paper prints the forms an office prints, signs and files — 投诉登记表, 受理回执,
// 不予受理告知书, 延期告知书, 群众举报投诉记录, 处理结果告知书 — and the case dossier (案卷)
// that binds them with the timeline and the evidence list, as fixed-layout A4 PDFs.
//
// Layout follows GB/T 9704-2012 where an official document's rules apply: notices have
// the standard's margins (top 37 mm, left 28 mm, a 156 × 225 mm text block), a 2号 title,
// 3号 body text at 22 lines a page, the issuing office and date at the foot, and page
// numbers "— n —" in 4号. Tables (the 登记表, the 记录) keep the left and right margins
// but need less at the top to fit on one sheet. The text is real text in an embedded
// TrueType Song face, so it can be selected and searched.
//
// Everything printed comes from the Case the caller prepares; nothing reads a clock, so
// the same case prints the same bytes — an archived case's dossier never changes.
package paper

import (
	"encoding/json"
	"image"
	"time"

	"tousu"
)

// Kind names a document that can be printed for a case.
type Kind string

// The documents.
const (
	Registration Kind = "registration" // 投诉登记表
	Receipt      Kind = "receipt"      // 受理回执
	Rejection    Kind = "rejection"    // 不予受理告知书
	Extension    Kind = "extension"    // 延期告知书
	Record       Kind = "record"       // 群众举报投诉记录
	Result       Kind = "result"       // 处理结果告知书（反馈单）
	Dossier      Kind = "dossier"      // 案卷
)

// Kinds is every document in the order a dossier binds them; Dossier last.
var Kinds = tousu.Vocabulary[Kind]{
	{Value: Registration, Label: "投诉登记表"},
	{Value: Receipt, Label: "受理回执"},
	{Value: Rejection, Label: "不予受理告知书"},
	{Value: Extension, Label: "延期告知书"},
	{Value: Record, Label: "群众举报投诉记录"},
	{Value: Result, Label: "处理结果告知书"},
	{Value: Dossier, Label: "案卷"},
}

// Case is everything the documents print about one complaint, names already resolved.
// Times are in the deployment's time zone.
type Case struct {
	Number  string
	Kind    tousu.Kind
	Channel tousu.Channel
	Status  tousu.Status

	// Complainant is masked, unless Revealed: printed for the complainant to sign after
	// a reveal by a role that may make one.
	Complainant tousu.Complainant
	Revealed    bool

	Office string // the issuing office (the receiving unit's centre), at the foot of notices
	Phone  string // the office's telephone, for questions

	TargetUnit        string // the unit's path, e.g. "区政务服务中心 / 社保窗口"
	TargetStaff       string // the staff member's name and badge
	TargetDescription string
	Matter            string
	Request           string
	IncidentAt        *time.Time
	IncidentPlace     string
	BusinessReceiptNo string
	Written           bool

	Receiver   string // the 首诉责任人's name
	ReceivedAt time.Time
	Due        tousu.Date
	Deadline   tousu.Deadline
	// DueProvisional marks a due date counted over a year whose holidays are not yet
	// published (预计). Only an open case's: a closed case prints what it was.
	DueProvisional bool

	Classification tousu.Classification
	Categories     []string // names
	AssignedUnit   string   // name
	Handler        string   // name
	Mode           tousu.Mode
	Decision       *tousu.Decision
	DecisionStaff  string // the names of the staff the decision concerns
	Reply          *tousu.Reply
	Satisfaction   int
	MergedInto     string

	Events      []Event // oldest first
	Attachments []tousu.Attachment

	// TrackURL is where the complainant follows the case (the portal's tracking page);
	// empty when the portal's public address is not configured.
	TrackURL string
}

// Event is one entry of a case's timeline, told in words by the caller, with its payload
// for the documents that quote it.
type Event struct {
	Seq     int
	Type    tousu.EventType
	At      time.Time
	Label   string // e.g. "受理"
	Actor   string // the actor's name
	Change  string // e.g. "已登记 → 已受理"
	Details []Detail
	Payload json.RawMessage
}

// Detail is one line of an event's payload in words.
type Detail struct{ Name, Value string }

// Options are what the renderer needs from outside the case.
type Options struct {
	// QR encodes text as a QR code image for the receipt's tracking link; nil prints
	// the link as text only.
	QR func(text string) (image.Image, error)
}

// Applicable lists the documents that exist for the case as it now stands, in a
// dossier's order (Dossier itself excluded).
func Applicable(c *Case) []Kind {
	out := []Kind{Registration, Receipt}
	if c.last("reject") != nil {
		out = append(out, Rejection)
	}
	if c.last("extend") != nil {
		out = append(out, Extension)
	}
	out = append(out, Record)
	if c.Reply != nil {
		out = append(out, Result)
	}
	return out
}

// Has reports whether the document k exists for the case now.
func Has(c *Case, k Kind) bool {
	if k == Dossier {
		return true
	}
	for _, x := range Applicable(c) {
		if x == k {
			return true
		}
	}
	return false
}

// last is the latest event of type t, or nil.
func (c *Case) last(t tousu.EventType) *Event {
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Type == t {
			return &c.Events[i]
		}
	}
	return nil
}

// all is every event of type t, oldest first.
func (c *Case) all(ts ...tousu.EventType) []Event {
	var out []Event
	for _, e := range c.Events {
		for _, t := range ts {
			if e.Type == t {
				out = append(out, e)
			}
		}
	}
	return out
}

// stamp is the instant the documents date themselves by: the latest event, so that a
// case that does not change prints the same bytes.
func (c *Case) stamp() time.Time {
	if n := len(c.Events); n > 0 {
		return c.Events[n-1].At
	}
	return c.ReceivedAt
}
