package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
)

// Disposal after retention (销毁): a supervisor proposes archived cases whose retention
// period has run out and that no legal hold keeps; a leader other than the proposer
// approves or refuses. Approved, each case loses the complainant's identity (sealed
// fields and blind indexes), its evidence files and every free text, and keeps its
// statistical skeleton, so that figures over past years stay right. Both steps act on
// the whole organisation, so both need the role at its root. See docs/RETENTION.md.

// MaxDisposalItems is how many cases one proposal may list.
const MaxDisposalItems = 1000

// DisposalItemView is one case of a disposal or a candidate for one, as the register
// lists it.
type DisposalItemView struct {
	Number      string         `json:"number"`
	Kind        tousu.Kind     `json:"kind"`
	KindLabel   string         `json:"kind_label"`
	Unit        string         `json:"unit"`
	UnitName    string         `json:"unit_name"`
	ReceivedAt  time.Time      `json:"received_at"`
	ArchivedOn  tousu.Date     `json:"archived_on"`
	Class       RetentionClass `json:"class"`
	ClassLabel  string         `json:"class_label"`
	RetainUntil tousu.Date     `json:"retain_until"`
	Attachments int            `json:"attachments"`
}

// DisposalView is a disposal as the API and the desk show it.
type DisposalView struct {
	ID          int64                `json:"id"`
	Status      tousu.DisposalStatus `json:"status"`
	StatusLabel string               `json:"status_label"`
	Reason      string               `json:"reason"`
	ProposedBy  string               `json:"proposed_by"`
	// ProposedByName and DecidedByName are the accounts' names, for the register.
	ProposedByName string             `json:"proposed_by_name"`
	ProposedAt     time.Time          `json:"proposed_at"`
	DecidedBy      string             `json:"decided_by,omitempty"`
	DecidedByName  string             `json:"decided_by_name,omitempty"`
	DecidedAt      *time.Time         `json:"decided_at,omitempty"`
	Note           string             `json:"note,omitempty"`
	Items          []DisposalItemView `json:"items"`
}

// disposalRoles may read candidates and disposals.
var disposalRoles = []tousu.Role{tousu.RoleSupervisor, tousu.RoleLeader, tousu.RoleInspector}

// atRoot refuses an actor whose roles do not cover the whole organisation.
func atRoot(ref *reference, actor tousu.Actor) error {
	if !ref.isRoot(actor.Unit) {
		return tousu.Errorf(tousu.KindForbidden, "销毁档案须由全机构范围的督查员提议、领导审批")
	}
	return nil
}

// DisposalCandidates lists the archived cases that may be proposed for disposal: their
// retention period has run out, no legal hold stands, and no proposal pending or
// approved lists them. At most limit (1–MaxDisposalItems), oldest first.
func (a *App) DisposalCandidates(ctx context.Context, actor tousu.Actor, limit int) ([]DisposalItemView, error) {
	if err := requireRole(actor, disposalRoles...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if err := atRoot(ref, actor); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxDisposalItems {
		limit = MaxDisposalItems
	}
	taken, err := a.takenForDisposal(ctx)
	if err != nil {
		return nil, err
	}
	// A class keeps a case at least 10 years from archiving, which comes after receipt:
	// nothing received later than that can have run out.
	cutoff := a.Today().Midnight(a.loc).AddDate(-10, 0, 0)
	f := tousu.ComplaintFilter{Statuses: []tousu.Status{tousu.StatusArchived}, To: cutoff, Order: tousu.OrderNewest, Limit: 500}
	var out []DisposalItemView
	for {
		cs, err := a.store.ListComplaints(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if taken[c.ID] || !ref.visible(actor, c) {
				continue
			}
			if it, why := a.disposable(ctx, ref, c); why == "" {
				out = append(out, it)
			}
		}
		if len(cs) < f.Limit {
			break
		}
		last := cs[len(cs)-1]
		f.After = &tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
	}
	// Oldest first, by number among the same instant: the order of the register.
	slices.SortFunc(out, func(x, y DisposalItemView) int {
		return cmp.Or(x.ReceivedAt.Compare(y.ReceivedAt), strings.Compare(x.Number, y.Number))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// takenForDisposal is the IDs of the cases listed by a pending or approved disposal.
func (a *App) takenForDisposal(ctx context.Context) (map[string]bool, error) {
	ds, err := a.store.ListDisposals(ctx)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, d := range ds {
		if d.Status == tousu.DisposalRefused {
			continue
		}
		for _, it := range d.Items {
			taken[it.ComplaintID] = true
		}
	}
	return taken, nil
}

// disposable says why the case may not be disposed of today ("" when it may), and
// describes it for the register.
func (a *App) disposable(ctx context.Context, ref *reference, c *tousu.Complaint) (DisposalItemView, string) {
	it := DisposalItemView{Number: c.Number, Kind: c.Kind, KindLabel: tousu.Kinds.Label(c.Kind),
		Unit: c.Target.Unit, ReceivedAt: c.ReceivedAt.In(a.loc)}
	if it.Unit == "" {
		it.Unit = c.OwnerUnit
	}
	it.UnitName = ref.unitName(it.Unit)
	rv := a.retention(ctx, ref, c)
	if rv == nil {
		return it, "未归档"
	}
	it.ArchivedOn, it.Class, it.ClassLabel = rv.ArchivedOn, rv.Class, rv.ClassLabel
	switch {
	case rv.RetainUntil == nil:
		return it, "保管期限为永久"
	case !rv.Expired:
		it.RetainUntil = *rv.RetainUntil
		return it, "保管期限未满（至 " + rv.RetainUntil.String() + "）"
	case rv.Hold != nil:
		it.RetainUntil = *rv.RetainUntil
		return it, "处于法律保全中"
	}
	it.RetainUntil = *rv.RetainUntil
	if as, err := a.store.ListAttachments(ctx, c.ID); err == nil {
		it.Attachments = len(as)
	}
	return it, ""
}

// disposalText checks a reason or note: required (when required), at most 500 runes.
func disposalText(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		return "", tousu.Problems{field: "请填写"}.Err()
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > 500:
		return "", tousu.Problems{field: "应为不超过500字的文本"}.Err()
	}
	return s, nil
}

// ProposeDisposal proposes the cases with the numbers for disposal, with the grounds
// (supervisor at the root; audited for each case). Every case must be archived, past
// its retention period, free of legal hold and in no other pending or approved
// proposal; the refusal names each one that is not.
func (a *App) ProposeDisposal(ctx context.Context, actor tousu.Actor, numbers []string, reason string) (*DisposalView, error) {
	if err := requireRole(actor, tousu.RoleSupervisor); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if err := atRoot(ref, actor); err != nil {
		return nil, err
	}
	if reason, err = disposalText("reason", reason, true); err != nil {
		return nil, err
	}
	numbers = uniqueNumbers(numbers)
	switch {
	case len(numbers) == 0:
		return nil, tousu.Problems{"numbers": "请选择要销毁的案卷"}.Err()
	case len(numbers) > MaxDisposalItems:
		return nil, tousu.Problems{"numbers": fmt.Sprintf("一次最多提议销毁%d件", MaxDisposalItems)}.Err()
	}
	taken, err := a.takenForDisposal(ctx)
	if err != nil {
		return nil, err
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	d := &tousu.Disposal{Reason: reason, ProposedBy: actor.Login, ProposedAt: now}
	var refused []string
	var audit []tousu.AuditRecord
	for _, n := range numbers {
		c, err := a.store.FindComplaint(ctx, n)
		if tousu.IsKind(err, tousu.KindNotFound) || err == nil && !ref.visible(actor, c) {
			refused = append(refused, n+"：未找到")
			continue
		}
		if err != nil {
			return nil, err
		}
		if taken[c.ID] {
			refused = append(refused, n+"：已在待审批或已批准的销毁清册中")
			continue
		}
		it, why := a.disposable(ctx, ref, c)
		if why != "" {
			refused = append(refused, n+"："+why)
			continue
		}
		d.Items = append(d.Items, tousu.DisposalItem{ComplaintID: c.ID, Number: c.Number, Kind: c.Kind, Unit: it.Unit,
			ReceivedAt: c.ReceivedAt, ArchivedOn: it.ArchivedOn, Class: string(it.Class), RetainUntil: it.RetainUntil,
			Attachments: it.Attachments})
		audit = append(audit, a.auditRecord(ctx, actor, "disposal.propose", c.Number, "销毁清册 "+tousu.DisposalPlaceholder))
	}
	if len(refused) > 0 {
		return nil, tousu.Problems{"numbers": "以下案卷不能销毁：" + strings.Join(refused, "；")}.Err()
	}
	audit = append(audit, a.auditRecord(ctx, actor, "disposal.propose", "disposal/"+tousu.DisposalPlaceholder,
		fmt.Sprintf("%d件", len(d.Items))))
	if err := a.store.CreateDisposal(ctx, d, audit); err != nil {
		return nil, err
	}
	return a.disposalView(ctx, ref, d), nil
}

func uniqueNumbers(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range in {
		for _, f := range strings.FieldsFunc(n, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// Disposals lists every disposal, newest first.
func (a *App) Disposals(ctx context.Context, actor tousu.Actor) ([]DisposalView, error) {
	if err := requireRole(actor, disposalRoles...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := a.store.ListDisposals(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]DisposalView, len(ds))
	for i := range ds {
		out[i] = *a.disposalView(ctx, ref, &ds[i])
	}
	return out, nil
}

// Disposal returns one disposal.
func (a *App) Disposal(ctx context.Context, actor tousu.Actor, id int64) (*DisposalView, error) {
	if err := requireRole(actor, disposalRoles...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	d, err := a.store.FindDisposal(ctx, id)
	if err != nil {
		return nil, err
	}
	return a.disposalView(ctx, ref, d), nil
}

func (a *App) disposalView(ctx context.Context, ref *reference, d *tousu.Disposal) *DisposalView {
	v := &DisposalView{ID: d.ID, Status: d.Status, StatusLabel: tousu.DisposalStatuses.Label(d.Status), Reason: d.Reason,
		ProposedBy: d.ProposedBy, ProposedAt: d.ProposedAt.In(a.loc), DecidedBy: d.DecidedBy, Note: d.Note,
		Items: make([]DisposalItemView, len(d.Items))}
	if d.DecidedAt != nil {
		v.DecidedAt = new(d.DecidedAt.In(a.loc))
	}
	v.ProposedByName = a.accountName(ctx, d.ProposedBy)
	v.DecidedByName = a.accountName(ctx, d.DecidedBy)
	for i, it := range d.Items {
		class := RetentionClass(it.Class)
		v.Items[i] = DisposalItemView{Number: it.Number, Kind: it.Kind, KindLabel: tousu.Kinds.Label(it.Kind), Unit: it.Unit,
			UnitName: ref.unitName(it.Unit), ReceivedAt: it.ReceivedAt.In(a.loc), ArchivedOn: it.ArchivedOn, Class: class,
			ClassLabel: RetentionClasses.Label(class), RetainUntil: it.RetainUntil, Attachments: it.Attachments}
	}
	return v
}

// decidable loads a proposed disposal for a leader at the root who did not propose it.
func (a *App) decidable(ctx context.Context, actor tousu.Actor, id int64) (*reference, *tousu.Disposal, error) {
	if err := requireRole(actor, tousu.RoleLeader); err != nil {
		return nil, nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := atRoot(ref, actor); err != nil {
		return nil, nil, err
	}
	d, err := a.store.FindDisposal(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if d.ProposedBy == actor.Login {
		return nil, nil, tousu.Errorf(tousu.KindForbidden, "销毁须由提议人以外的领导审批")
	}
	if d.Status != tousu.DisposalProposed {
		return nil, nil, tousu.Errorf(tousu.KindConflict, "该销毁清册已审批（%s）", tousu.DisposalStatuses.Label(d.Status))
	}
	return ref, d, nil
}

// ApproveDisposal approves a proposed disposal and disposes of its cases (leader at the
// root, not the proposer; audited for each case and for the disposal). Each case is
// checked again: one put on legal hold, or no longer past its period, stops the whole
// approval and is named.
func (a *App) ApproveDisposal(ctx context.Context, actor tousu.Actor, id int64, note string) (*DisposalView, error) {
	note, err := disposalText("note", note, false)
	if err != nil {
		return nil, err
	}
	ref, d, err := a.decidable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var (
		scrubbed []*tousu.Complaint
		refused  []string
		audit    []tousu.AuditRecord
	)
	obj := fmt.Sprintf("disposal/%d", d.ID)
	for _, it := range d.Items {
		c, err := a.store.FindComplaint(ctx, it.Number)
		if err != nil {
			return nil, err
		}
		if _, why := a.disposable(ctx, ref, c); why != "" {
			refused = append(refused, it.Number+"："+why)
			continue
		}
		Scrub(c)
		scrubbed = append(scrubbed, c)
		audit = append(audit, a.auditRecord(ctx, actor, "dispose", c.Number, "销毁清册 "+fmt.Sprint(d.ID)))
	}
	if len(refused) > 0 {
		return nil, tousu.Errorf(tousu.KindConflict, "以下案卷现在不能销毁，请退回该清册后重新提议：%s", strings.Join(refused, "；"))
	}
	at := a.now().UTC().Truncate(time.Millisecond)
	d.DecidedBy, d.DecidedAt, d.Note = actor.Login, &at, note
	audit = append(audit, a.auditRecord(ctx, actor, "disposal.approve", obj, fmt.Sprintf("%d件", len(scrubbed))))
	if err := a.store.ApproveDisposal(ctx, d, scrubbed, KeepPayload, audit); err != nil {
		return nil, err
	}
	return a.disposalView(ctx, ref, d), nil
}

// RefuseDisposal refuses a proposed disposal with a note (leader at the root, not the
// proposer; audited). Its cases may be proposed again.
func (a *App) RefuseDisposal(ctx context.Context, actor tousu.Actor, id int64, note string) (*DisposalView, error) {
	note, err := disposalText("note", note, true)
	if err != nil {
		return nil, err
	}
	ref, d, err := a.decidable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	at := a.now().UTC().Truncate(time.Millisecond)
	d.DecidedBy, d.DecidedAt, d.Note = actor.Login, &at, note
	audit := []tousu.AuditRecord{a.auditRecord(ctx, actor, "disposal.refuse", fmt.Sprintf("disposal/%d", d.ID), note)}
	if err := a.store.RefuseDisposal(ctx, d, audit); err != nil {
		return nil, err
	}
	return a.disposalView(ctx, ref, d), nil
}

// Scrub empties what disposal destroys in a complaint's projection: the complainant's
// identity (sealed fields and blind indexes; whether it was anonymous stays), the query
// code, and every free text — matter, request, target description, place, business
// receipt number, instructions, reports, reply texts, explanations, discipline notes.
// Codes, dates, units, staff badges, categories, finding, measures, satisfaction, the
// deadline and the status stay: the statistical skeleton.
func Scrub(c *tousu.Complaint) {
	c.Identity = tousu.SealedIdentity{Anonymous: c.Identity.Anonymous}
	c.Complainant = nil
	c.Target.Description = ""
	c.Matter, c.Request, c.IncidentPlace, c.BusinessReceiptNo = "", "", "", ""
	c.QueryCodeHash = ""
	if c.Decision != nil {
		c.Decision.Improvement = ""
	}
	if c.Reply != nil {
		c.Reply.Process, c.Reply.Result, c.Reply.Improvement = "", "", ""
	}
	h := &c.Handling
	h.Instructions, h.Explanation = "", ""
	scrubReport(h.Report)
	for i := range h.Assisting {
		scrubReport(h.Assisting[i].Report)
	}
	if h.PendingExtension != nil {
		h.PendingExtension.Reason = ""
	}
	if h.DisciplineOutcome != nil {
		h.DisciplineOutcome.Text = ""
	}
}

func scrubReport(r *tousu.Report) {
	if r != nil {
		r.Process, r.ReplyDraft = "", ""
	}
}

// payloadKeeps are the keys of event payloads that hold codes, numbers and dates, never
// free text or identity: what a disposed case's timeline keeps.
var payloadKeeps = map[string]bool{
	"channel": true, "kind": true, "due_date": true, "previous_due_date": true, "policy": true,
	"classification": true, "categories": true, "into": true, "unit": true, "handler": true, "mode": true,
	"unit_working_days": true, "assisting_units": true, "method": true, "statement": true, "days": true,
	"working_days": true, "finding": true, "measures": true, "staff": true, "level": true, "reopen": true,
	"outcome": true, "written": true, "anonymous": true, "source": true,
}

// KeepPayload is what of an event's payload a disposed case keeps: the keys of
// payloadKeeps, and a rejection's reason (a code; elsewhere "reason" is free text).
// Anything unreadable is dropped whole.
func KeepPayload(typ tousu.EventType, payload []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil {
		return nil
	}
	out := map[string]json.RawMessage{}
	for k, v := range m {
		if payloadKeeps[k] || k == "reason" && typ == tousu.EventType(tousu.ActReject) {
			out[k] = v
		}
	}
	b, _ := json.Marshal(out)
	return b
}

// DisposedView says when a case was disposed of, in which disposal, by whose approval.
type DisposedView struct {
	Disposal   int64     `json:"disposal"`
	ProposedBy string    `json:"proposed_by"`
	ApprovedBy string    `json:"approved_by"`
	ApprovedAt time.Time `json:"approved_at"`
}

// disposedIn is the disposal a case went in, nil when none (or unreadable).
func (a *App) disposedIn(ctx context.Context, c *tousu.Complaint) *DisposedView {
	d, err := a.store.DisposalOf(ctx, c.ID)
	if err != nil || d == nil || d.DecidedAt == nil {
		return nil
	}
	return &DisposedView{Disposal: d.ID, ProposedBy: d.ProposedBy, ApprovedBy: d.DecidedBy, ApprovedAt: d.DecidedAt.In(a.loc)}
}

// accountName is the name of the account with the login; "" when none (or unreadable).
func (a *App) accountName(ctx context.Context, login string) string {
	if login == "" {
		return ""
	}
	u, err := a.store.FindUser(ctx, login)
	if err != nil {
		return ""
	}
	return u.Name
}

// CanDispose reports, as an error, whether the actor reads the disposal pages: a
// supervisor proposes, a leader decides, an inspector oversees.
func CanDispose(actor tousu.Actor) error { return requireRole(actor, disposalRoles...) }

// CanProposeDisposal and CanDecideDisposal say which forms the disposal pages offer;
// the use cases check the unit and the proposer themselves.
func CanProposeDisposal(actor tousu.Actor) bool { return actor.Has(tousu.RoleSupervisor) }

// CanDecideDisposal: see CanProposeDisposal.
func CanDecideDisposal(actor tousu.Actor) bool { return actor.Has(tousu.RoleLeader) }
