package app

import (
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"tousu"
)

// Public disclosure (公示, REQUIREMENTS G1, 公安 第十一条): a supervisor or leader prepares a
// period's disclosure as a draft, reviews the public summary of each concluded complaint,
// and publishes it. What is published is figures per unit and the concluded complaints
// de-identified — number, unit, category, finding, measures, and the summary staff wrote
// or approved; no names, phones, staff names or complainant's words. Fair statistics: a
// unit with fewer than DisclosureMinSample concluded complaints shows 样本不足 instead of
// rates, only units with at least DisclosureMinRank are ranked, and every rate carries its
// 95% Wilson interval. A published version never changes; a correction is a new version
// that says what changed.

// The thresholds of a disclosure's fair statistics.
const (
	DisclosureMinSample = 5
	DisclosureMinRank   = 20
	// maxDisclosureCases bounds the complaints of one disclosure.
	maxDisclosureCases = 2000
	maxSummary         = 500
)

// Wilson is the rate k/n with its 95% Wilson score interval; nil when n is 0.
func Wilson(k, n int64) *tousu.Rate {
	if n <= 0 {
		return nil
	}
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	round := func(x float64) float64 { return math.Round(x*10000) / 10000 }
	return &tousu.Rate{Num: k, Den: n, Value: round(p), Low: round(math.Max(0, centre-half)), High: round(math.Min(1, centre+half))}
}

// CanPrepareDisclosure reports, as an error, whether the actor may prepare and publish
// disclosures: supervisors and leaders.
func CanPrepareDisclosure(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleSupervisor, tousu.RoleLeader)
}

// defaultSummary is the summary a draft proposes: made from the finding and measures
// alone, so that nothing the complainant wrote reaches the public unless staff write it.
func defaultSummary(d *tousu.Decision) string {
	if d == nil {
		return "已答复投诉人。"
	}
	var s string
	switch d.Finding {
	case tousu.FindingFounded:
		s = "经调查核实，反映问题属实"
	case tousu.FindingPartly:
		s = "经调查核实，反映问题部分属实"
	case tousu.FindingUnfounded:
		s = "经调查核实，反映问题不属实，已向投诉人说明"
	case tousu.FindingUnverifiable:
		s = "经调查，反映问题无法核实，已向投诉人说明"
	default:
		s = "意见建议已研究办理"
	}
	var ms []string
	for _, m := range d.Measures {
		ms = append(ms, tousu.Measures.Label(m))
	}
	if len(ms) > 0 {
		s += "，已" + strings.Join(ms, "、")
	}
	return s + "。"
}

// PrepareDisclosure makes the draft disclosure of a period for unit ("" for the actor's
// own): its units' figures and its concluded complaints with proposed summaries. When a
// version of the period is published already, the draft is its correction: it must say
// what changed before it is published.
func (a *App) PrepareDisclosure(ctx context.Context, actor tousu.Actor, period, unit string) (*tousu.Disclosure, error) {
	if err := CanPrepareDisclosure(actor); err != nil {
		return nil, err
	}
	p, err := ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	st, err := a.Stats(ctx, actor, StatsQuery{From: p.From, To: p.To, Unit: unit, GroupBy: "unit"})
	if err != nil {
		return nil, err
	}
	c := tousu.DisclosureContent{Title: st.UnitName + p.Name + "投诉处理情况公示", PeriodName: p.Name, From: p.From, To: p.To,
		UnitName: st.UnitName, MinSample: DisclosureMinSample, MinRank: DisclosureMinRank}
	for _, g := range st.Groups {
		u := tousu.DisclosureUnit{Code: g.Key, Name: g.Name, Received: g.Received, Concluded: g.Replied}
		if g.Replied < DisclosureMinSample {
			u.Insufficient = true
		} else {
			u.OnTime = Wilson(g.RepliedOnTime, g.Replied)
			u.Founded = Wilson(g.Founded, g.Decided)
			u.Satisfied = Wilson(g.Satisfied, g.Rated)
		}
		c.Units = append(c.Units, u)
	}
	// Ranks by on-time rate, among the units with enough concluded complaints.
	var ranked []*tousu.DisclosureUnit
	for i := range c.Units {
		if c.Units[i].Concluded >= DisclosureMinRank && c.Units[i].Code != st.Unit {
			ranked = append(ranked, &c.Units[i])
		}
	}
	for _, u := range ranked {
		u.Rank = 1
		for _, o := range ranked {
			if o.OnTime.Value > u.OnTime.Value {
				u.Rank++
			}
		}
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	ratings, err := a.windowRatings(ctx, ref, st.Unit, p.From, p.To)
	if err != nil {
		return nil, err
	}
	c.Windows = disclosureWindows(ratings)
	q := ListQuery{Figure: "replied", From: p.From, To: p.To, Unit: st.Unit, Limit: 500}
	for len(c.Cases) < maxDisclosureCases {
		page, err := a.List(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Items {
			dc := tousu.DisclosureCase{Number: v.Number, Category: strings.Join(v.CategoryLabels, "、"),
				Summary: defaultSummary(v.Decision)}
			// The unit as the statistics count it, never a staff member.
			dc.Unit = v.Target.UnitName
			if dc.Unit == "" {
				dc.Unit = ref.unitName(v.OwnerUnit)
			}
			if v.Decision != nil {
				dc.Finding = tousu.Findings.Label(v.Decision.Finding)
				var ms []string
				for _, m := range v.Decision.Measures {
					ms = append(ms, tousu.Measures.Label(m))
				}
				dc.Measures = strings.Join(ms, "、")
			}
			c.Cases = append(c.Cases, dc)
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	d := &tousu.Disclosure{Period: p.Key, Unit: st.Unit, Status: tousu.DisclosureDraft, Content: c,
		CreatedBy: actor.Login, CreatedAt: a.now().UTC()}
	audit := []tousu.AuditRecord{a.auditRecord(ctx, actor, "disclosure.prepare", p.Key, st.Unit)}
	if err := a.store.SaveDisclosure(ctx, d, audit); err != nil {
		return nil, err
	}
	return d, nil
}

// phoneLike finds what looks like a phone or ID number: a public summary must not
// carry one.
var phoneLike = regexp.MustCompile(`[0-9]{7,}`)

// DisclosureRevision is a reviewer's change to a draft: summaries by complaint number,
// and what a correction changed.
type DisclosureRevision struct {
	Summaries map[string]string `json:"summaries"`
	Changes   *string           `json:"changes"`
}

// ReviseDisclosure applies a reviewer's summaries and changes to a draft.
func (a *App) ReviseDisclosure(ctx context.Context, actor tousu.Actor, id int64, rv DisclosureRevision) (*tousu.Disclosure, error) {
	d, err := a.staffDisclosure(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := CanPrepareDisclosure(actor); err != nil {
		return nil, err
	}
	if d.Status != tousu.DisclosureDraft {
		return nil, &tousu.Error{Kind: tousu.KindConflict, Message: "已发布的公示不能修改；如需更正，请另行生成新版本并说明更正内容"}
	}
	pr := tousu.Problems{}
	index := map[string]int{}
	for i, c := range d.Content.Cases {
		index[c.Number] = i
	}
	for number, s := range rv.Summaries {
		field := "summaries." + number
		i, ok := index[number]
		s = strings.TrimSpace(s)
		switch {
		case !ok:
			pr.Add(field, "本公示没有这个受理编号")
		case s == "":
			pr.Add(field, "请填写公开摘要")
		case !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxSummary:
			pr.Add(field, "公开摘要不能超过"+strconv.Itoa(maxSummary)+"字")
		case phoneLike.MatchString(s):
			pr.Add(field, "公开摘要不得含有电话号码、证件号码等个人信息")
		default:
			d.Content.Cases[i].Summary = s
		}
	}
	if rv.Changes != nil {
		ch := strings.TrimSpace(*rv.Changes)
		if utf8.RuneCountInString(ch) > 2000 || !utf8.ValidString(ch) {
			pr.Add("changes", "更正说明不能超过2000字")
		}
		d.Changes = ch
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	audit := []tousu.AuditRecord{a.auditRecord(ctx, actor, "disclosure.revise", strconv.FormatInt(id, 10), "")}
	if err := a.store.SaveDisclosure(ctx, d, audit); err != nil {
		return nil, err
	}
	return d, nil
}

// PublishDisclosure publishes a draft. A correction (a version of the period and unit is
// published already) must say what changed.
func (a *App) PublishDisclosure(ctx context.Context, actor tousu.Actor, id int64) (*tousu.Disclosure, error) {
	d, err := a.staffDisclosure(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := CanPrepareDisclosure(actor); err != nil {
		return nil, err
	}
	if d.Status != tousu.DisclosureDraft {
		return nil, &tousu.Error{Kind: tousu.KindConflict, Message: "该公示已发布"}
	}
	all, err := a.store.ListDisclosures(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.Period == d.Period && o.Unit == d.Unit && d.Changes == "" {
			return nil, tousu.Problems{"changes": "该期间已发布过公示，更正版须说明更正了什么"}.Err()
		}
	}
	now := a.now().UTC()
	d.PublishedBy, d.PublishedAt = actor.Login, &now
	audit := []tousu.AuditRecord{a.auditRecord(ctx, actor, "disclosure.publish", strconv.FormatInt(id, 10), d.Period+" "+d.Unit)}
	return a.store.PublishDisclosure(ctx, id, *d, audit)
}

// staffDisclosure loads a disclosure the actor may see: one of a unit within its scope.
func (a *App) staffDisclosure(ctx context.Context, actor tousu.Actor, id int64) (*tousu.Disclosure, error) {
	if err := CanSeeStats(actor); err != nil {
		return nil, err
	}
	d, err := a.store.FindDisclosure(ctx, id)
	if err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if !ref.isRoot(actor.Unit) && !ref.within(d.Unit, actor.Unit) {
		return nil, tousu.Errorf(tousu.KindNotFound, "没有这个公示")
	}
	return d, nil
}

// Disclosure returns a disclosure for staff (drafts included), within their scope.
func (a *App) Disclosure(ctx context.Context, actor tousu.Actor, id int64) (*tousu.Disclosure, error) {
	return a.staffDisclosure(ctx, actor, id)
}

// Disclosures lists the disclosures within the actor's scope, drafts included.
func (a *App) Disclosures(ctx context.Context, actor tousu.Actor) ([]tousu.Disclosure, error) {
	if err := CanSeeStats(actor); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	all, err := a.store.ListDisclosures(ctx, false)
	if err != nil {
		return nil, err
	}
	out := []tousu.Disclosure{}
	for _, d := range all {
		if ref.isRoot(actor.Unit) || ref.within(d.Unit, actor.Unit) {
			out = append(out, d)
		}
	}
	return out, nil
}

// PublicDisclosures lists the published disclosures, the latest version first.
func (a *App) PublicDisclosures(ctx context.Context) ([]tousu.Disclosure, error) {
	out, err := a.store.ListDisclosures(ctx, true)
	if out == nil {
		out = []tousu.Disclosure{}
	}
	return out, err
}

// PublicDisclosure returns a published disclosure; a draft is not found.
func (a *App) PublicDisclosure(ctx context.Context, id int64) (*tousu.Disclosure, error) {
	d, err := a.store.FindDisclosure(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status != tousu.DisclosurePublished {
		return nil, tousu.Errorf(tousu.KindNotFound, "没有这个公示")
	}
	return d, nil
}
