package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/cjk"
)

// Repeat complaints (反复投诉). At intake tousu looks for the complaints a new one may
// repeat — the same complainant (blind indexes), the same staff member or window within
// a number of days, or much the same wording — and shows a handful to the clerk; a
// supervisor then links (关联) the two, which changes neither lifecycle, or merges them
// (并案).

// Repeat detection's settings.
const (
	// RepeatWindowSetting holds the number of days before a complaint within which a
	// complaint about the same staff member or window, or with similar text, counts
	// as a possible repeat.
	RepeatWindowSetting = "repeat.window_days"
	defaultRepeatWindow = 90
	// SimilarThreshold is the bigram similarity (Jaccard, 0–1) above which two texts
	// count as much the same.
	SimilarThreshold = 0.3
	// MaxSimilar is how many possible repeats are shown, newest first.
	MaxSimilar = 5
	// similarCandidates bounds the complaints about the same unit whose texts are
	// compared with a new one's.
	similarCandidates = 10
)

// Reasons why a complaint may be a repeat.
const (
	SimilarComplainant = "complainant" // the same phone or ID number
	SimilarStaff       = "staff"       // the same staff member, within the window
	SimilarWindow      = "window"      // the same window (unit), within the window, no staff named
	SimilarText        = "text"        // much the same matter and request
)

// Similar is a complaint that a new one may repeat.
type Similar struct {
	Number     string       `json:"number"`
	Status     tousu.Status `json:"status"`
	ReceivedAt time.Time    `json:"received_at"`
	Matter     string       `json:"matter"`
	// Reasons say why: complainant, staff, window, text.
	Reasons []string `json:"reasons"`
	// Similarity is the text's similarity (0–1) when text is a reason.
	Similarity float64 `json:"similarity,omitempty"`
	Linked     bool    `json:"linked"`
}

// repeatWindow is the setting's number of days (defaultRepeatWindow when unset or bad),
// as the reference data holds it: no read of its own at each registration.
func (ref *reference) repeatWindow() int {
	if n, err := strconv.Atoi(strings.TrimSpace(ref.settings[RepeatWindowSetting])); err == nil && n > 0 && n <= 3650 {
		return n
	}
	return defaultRepeatWindow
}

// similarAtIntake finds what the complaint of ch, about to be registered, may repeat,
// among the complaints the actor may see (scope and recusal as in lists); none for an
// actor that reads no cases. Matching the complainant by blind index links complaints to
// a person, so when the answer names such a match the registration carries an audit
// record of it (similar), as the related look-up is audited.
func (a *App) similarAtIntake(ctx context.Context, ref *reference, actor tousu.Actor, ch *tousu.Change) ([]Similar, error) {
	if requireRole(actor, caseReaders...) != nil {
		return []Similar{}, nil
	}
	out, err := a.similar(ctx, ref, actor, ch.Complaint, true)
	if err != nil {
		return nil, err
	}
	for _, s := range out {
		if slices.Contains(s.Reasons, SimilarComplainant) {
			ch.Audit = append(ch.Audit, a.auditRecord(ctx, actor, "similar", "", SimilarComplainant))
			break
		}
	}
	return out, nil
}

// similar finds what c may repeat; by the complainant's blind indexes only when
// complainant is set (at intake: the case page leaves that to Related, audited).
//
// It runs at every registration, so it is one read of a few index probes
// (store.RepeatCandidates): the complainant's newest complaints by blind index; the
// staff member's or the window's newest within the window of days; and, for the
// wording, the newest about the same target unit within the window. The texts of all of
// them are then compared on their bigrams: much the same wording is looked for among
// the complaints about the same unit, staff member or person, not across the whole
// office, whose full-text search cost a registration two thirds of its throughput.
func (a *App) similar(ctx context.Context, ref *reference, actor tousu.Actor, c *tousu.Complaint, complainant bool) ([]Similar, error) {
	base, err := a.filter(ref, actor, ListQuery{})
	if err != nil {
		return nil, err
	}
	since := c.ReceivedAt.AddDate(0, 0, -ref.repeatWindow())
	var (
		grounds []tousu.ComplaintFilter
		reasons []string // each ground's reason; "" for candidates compared on text only
	)
	look := func(reason string, limit int, set func(*tousu.ComplaintFilter)) {
		f := base
		f.Limit = limit
		set(&f)
		grounds, reasons = append(grounds, f), append(reasons, reason)
	}
	if id := c.Identity; complainant && !id.Anonymous {
		// The blind indexes: the same person, whenever; compared, never decrypted.
		if id.PhoneIndex != "" {
			look(SimilarComplainant, MaxSimilar+1, func(f *tousu.ComplaintFilter) { f.PhoneIndex = id.PhoneIndex })
		}
		if id.IDNumberIndex != "" {
			look(SimilarComplainant, MaxSimilar+1, func(f *tousu.ComplaintFilter) { f.IDNumberIndex = id.IDNumberIndex })
		}
	}
	unit := c.Target.Unit
	if unit != "" && ref.isRoot(unit) {
		unit = "" // the whole office is no neighbourhood of a complaint
	}
	switch {
	case c.Target.Staff != "":
		look(SimilarStaff, MaxSimilar+1, func(f *tousu.ComplaintFilter) { f.TargetStaff, f.From = c.Target.Staff, since })
	case unit != "" && len(ref.children[unit]) == 0:
		// A window (a unit without units below it): a department's or a centre's
		// complaints are too many to call repeats.
		look(SimilarWindow, similarCandidates, func(f *tousu.ComplaintFilter) { f.TargetUnit, f.From = unit, since })
		unit = ""
	}
	if unit != "" {
		look("", similarCandidates, func(f *tousu.ComplaintFilter) { f.TargetUnit, f.From = unit, since })
	}
	cands, err := a.store.RepeatCandidates(ctx, grounds)
	if err != nil {
		return nil, err
	}
	found := map[string]*Similar{}
	var words []uint64 // the new text's shingles, made once there is something to compare
	for _, x := range cands {
		if x.ID == c.ID {
			continue
		}
		s := found[x.ID]
		if s == nil {
			s = &Similar{Number: x.Number, Status: x.Status, ReceivedAt: x.ReceivedAt.In(a.loc), Matter: x.Matter}
			if words == nil {
				words = cjk.Shingles(c.Matter + "\n" + c.Request)
			}
			// Much the same wording, whatever else they share.
			if score := cjk.SortedJaccard(words, cjk.Shingles(x.Matter+"\n"+x.Request)); score >= SimilarThreshold {
				s.Reasons, s.Similarity = []string{SimilarText}, float64(int(score*100))/100
			}
			found[x.ID] = s
		}
		if r := reasons[x.Ground]; r != "" && !slices.Contains(s.Reasons, r) {
			s.Reasons = append(s.Reasons, r)
		}
	}
	var links []tousu.ComplaintLink
	if c.Number != "" { // a registered complaint (not one about to be)
		if links, err = a.store.ListLinks(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	out := make([]Similar, 0, len(found))
	for _, s := range found {
		if len(s.Reasons) == 0 {
			continue // about the same unit, in other words
		}
		// Reasons in a fixed order, whichever ground found the complaint first.
		slices.SortFunc(s.Reasons, func(x, y string) int { return cmp.Compare(reasonOrder[x], reasonOrder[y]) })
		s.Linked = slices.ContainsFunc(links, func(l tousu.ComplaintLink) bool { return l.LinkedNumber == s.Number })
		out = append(out, *s)
	}
	slices.SortFunc(out, func(x, y Similar) int {
		return cmp.Or(y.ReceivedAt.Compare(x.ReceivedAt), strings.Compare(y.Number, x.Number))
	})
	return out[:min(len(out), MaxSimilar)], nil
}

// reasonOrder is the order in which an answer lists the reasons.
var reasonOrder = map[string]int{SimilarComplainant: 0, SimilarStaff: 1, SimilarWindow: 2, SimilarText: 3}

// LinkPayload is the body of the link action (关联): the other complaint's number.
type LinkPayload struct {
	With string `json:"with"`
}

// CanLink reports, as an error, whether the actor may link complaints: supervisors.
func CanLink(actor tousu.Actor) error { return requireRole(actor, tousu.RoleSupervisor) }

// Link links the complaint number with another (关联), both ways, as a repeat: it
// changes neither lifecycle; the event and the audit record go with the link, in its
// transaction. Both complaints must be in the actor's sight.
func (a *App) Link(ctx context.Context, actor tousu.Actor, number string, p LinkPayload) (*ComplaintView, error) {
	if err := CanLink(actor); err != nil {
		return nil, err
	}
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	with := strings.TrimSpace(p.With)
	if with == "" {
		return nil, tousu.Problems{"with": "请填写要关联的投诉件编号"}.Err()
	}
	_, other, err := a.load(ctx, actor, with)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, tousu.Problems{"with": "未找到投诉件 " + clipText(with, 30)}.Err()
	}
	if err != nil {
		return nil, err
	}
	if other.ID == c.ID {
		return nil, tousu.Problems{"with": "不能与本件关联"}.Err()
	}
	links, err := a.store.ListLinks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(links, func(l tousu.ComplaintLink) bool { return l.LinkedID == other.ID }) {
		return nil, tousu.Errorf(tousu.KindConflict, "%s 已与 %s 关联", c.Number, other.Number)
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	c.UpdatedAt = now
	payload := []byte(`{"with":"` + other.Number + `"}`)
	ev := &tousu.Event{ComplaintID: c.ID, Type: EventLink, Actor: actor.Login, ActorName: actor.Name, At: now,
		From: c.Status, To: c.Status, Payload: payload}
	ch := &tousu.Change{Complaint: c, Event: ev,
		Links: []tousu.ComplaintLink{
			{ComplaintID: c.ID, LinkedID: other.ID, Kind: tousu.LinkRepeat, By: actor.Login, At: now},
			{ComplaintID: other.ID, LinkedID: c.ID, Kind: tousu.LinkRepeat, By: actor.Login, At: now},
		},
		Audit: []tousu.AuditRecord{a.auditRecord(ctx, actor, "link", c.Number, "with "+other.Number)}}
	if err := a.store.UpdateComplaint(ctx, ch); err != nil {
		return nil, err
	}
	return a.view(ctx, ref, actor, c), nil
}

// EventLink is the event of a link (关联); it changes no status.
const EventLink tousu.EventType = "link"

// LinkView is a linked complaint as a case lists it.
type LinkView struct {
	Number string    `json:"number"`
	Kind   string    `json:"kind"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Links is what a case shows of its repeats: the linked complaints (those the actor
// may see), their count (the repeat counter), and the complaints it may repeat that
// are not linked yet (by staff, window or text: the same complainant is Related's).
type Links struct {
	Items       []LinkView `json:"items"`
	RepeatCount int        `json:"repeat_count"`
	Similar     []Similar  `json:"similar"`
}

// LinksOf returns a case's links and possible repeats, as the actor may see them.
func (a *App) LinksOf(ctx context.Context, actor tousu.Actor, number string) (*Links, error) {
	ref, c, err := a.load(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	ls, err := a.store.ListLinks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := &Links{Items: []LinkView{}, Similar: []Similar{}}
	for _, l := range ls {
		if _, _, err := a.load(ctx, actor, l.LinkedNumber); err != nil {
			continue // outside the actor's sight: neither named nor counted
		}
		out.Items = append(out.Items, LinkView{Number: l.LinkedNumber, Kind: l.Kind, By: l.By, At: l.At.In(a.loc)})
	}
	out.RepeatCount = len(out.Items)
	sim, err := a.similar(ctx, ref, actor, c, false)
	if err != nil {
		return nil, err
	}
	for _, s := range sim {
		if !s.Linked {
			out.Similar = append(out.Similar, s)
		}
	}
	return out, nil
}
