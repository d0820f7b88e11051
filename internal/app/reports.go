package app

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"tousu"
)

// The periodic reports (月报, 季报, 年报; REQUIREMENTS G3, 药监 三.2): the period's figures
// beside the previous period's, the units ranked where the sample allows, the overdue
// cases, the founded cases with their measures, and the staff named in two or more
// founded complaints; and the 纪检 variant for discipline inspection. Everything comes
// from Stats and the lists, within the reader's scope, identities masked.

// MinRankSample is the fewest replies a unit needs to be ranked by its on-time rate in a
// report: below it a rate says more about chance than about the unit.
const MinRankSample = 5

// reportListMax bounds each list of a report: a report is read, an export is for all.
const reportListMax = 200

// ReportRank is a unit's line in the ranking.
type ReportRank struct {
	Rank    int    `json:"rank"` // 0: not ranked (sample too small)
	Unit    string `json:"unit"`
	Name    string `json:"name"`
	Figures Figures
}

// ReportCase is one complaint listed in a report.
type ReportCase struct {
	*ComplaintView
	Measures string `json:"measures"`
}

// ReportStaff is a staff member named in several founded complaints.
type ReportStaff struct {
	Badge, Name, Unit string
	Count             int
	Numbers           []string
}

// PeriodReport is the answer of Report.
type PeriodReport struct {
	Period    Period
	Previous  Period
	Variant   string // "" or "discipline" (纪检)
	Title     string
	Unit      string
	UnitName  string
	Now, Prev Figures
	Ranking   []ReportRank
	Unranked  []ReportRank
	Overdue   []ReportCase // open and past due now, or replied late in the period
	Founded   []ReportCase
	Staff     []ReportStaff
	Integrity []ReportCase // 纪检: integrity complaints received in the period
	Referred  []ReportCase // 纪检: cases referred to discipline, decided in the period
	Truncated bool         // some list was cut at reportListMax
	MinSample int
	Generated tousu.Date

	// Ratings are the 好差评 per window, the period beside the previous one.
	Ratings []ReportRatings

	// Conduct is the 行风督查 section: accountability, praise and sanctions.
	Conduct ReportConduct
}

// CanReadReports reports, as an error, whether the actor may read the periodic reports.
func CanReadReports(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector, tousu.RoleLeader)
}

// Report assembles the report of a period for the actor, within unit's subtree ("" for
// the actor's unit). variant "discipline" is the 纪检 summary, for inspectors.
func (a *App) Report(ctx context.Context, actor tousu.Actor, p Period, unit, variant string) (*PeriodReport, error) {
	if err := CanReadReports(actor); err != nil {
		return nil, err
	}
	switch variant {
	case "":
	case "discipline":
		if err := requireRole(actor, tousu.RoleInspector); err != nil {
			return nil, tousu.Errorf(tousu.KindForbidden, "纪检汇总只提供给纪检人员")
		}
	default:
		return nil, tousu.Problems{"variant": "应为空或 discipline（纪检汇总）"}.Err()
	}
	cur, err := a.Stats(ctx, actor, StatsQuery{From: p.From, To: p.To, Unit: unit, GroupBy: "unit"})
	if err != nil {
		return nil, err
	}
	prevP := p.Previous()
	prev, err := a.Stats(ctx, actor, StatsQuery{From: prevP.From, To: prevP.To, Unit: cur.Unit})
	if err != nil {
		return nil, err
	}
	kind := map[string]string{"month": "月报", "quarter": "季报", "year": "年报"}[p.Kind]
	rep := &PeriodReport{Period: p, Previous: prevP, Variant: variant, Unit: cur.Unit, UnitName: cur.UnitName,
		Now: cur.Total, Prev: prev.Total, MinSample: MinRankSample, Generated: a.Today(),
		Title: cur.UnitName + p.Name + "投诉处理情况" + kind}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	nowR, err := a.windowRatings(ctx, ref, cur.Unit, p.From, p.To)
	if err != nil {
		return nil, err
	}
	prevR, err := a.windowRatings(ctx, ref, cur.Unit, prevP.From, prevP.To)
	if err != nil {
		return nil, err
	}
	rep.Ratings = reportRatings(nowR, prevR)
	if variant == "discipline" {
		rep.Title = cur.UnitName + p.Name + "投诉举报纪检汇总"
	}

	// The ranking: units with enough replies, by on-time rate, then satisfaction.
	for _, g := range cur.Groups {
		if g.Key == cur.Unit {
			continue // the unit's own level is not a peer of its children
		}
		r := ReportRank{Unit: g.Key, Name: g.Name, Figures: g.Figures}
		if g.Replied >= MinRankSample {
			rep.Ranking = append(rep.Ranking, r)
		} else {
			rep.Unranked = append(rep.Unranked, r)
		}
	}
	rate := func(x *float64) float64 {
		if x == nil {
			return -1
		}
		return *x
	}
	slices.SortStableFunc(rep.Ranking, func(x, y ReportRank) int {
		return cmp.Or(cmp.Compare(rate(y.Figures.OnTimeRate), rate(x.Figures.OnTimeRate)),
			cmp.Compare(rate(y.Figures.SatisfactionRate), rate(x.Figures.SatisfactionRate)))
	})
	for i := range rep.Ranking {
		rep.Ranking[i].Rank = i + 1
	}

	list := func(q ListQuery) ([]ReportCase, error) {
		q.Unit, q.Limit = cur.Unit, reportListMax
		page, err := a.List(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		if page.NextCursor != "" {
			rep.Truncated = true
		}
		out := make([]ReportCase, len(page.Items))
		for i, v := range page.Items {
			out[i] = ReportCase{ComplaintView: v}
			if v.Decision != nil {
				var ms []string
				for _, m := range v.Decision.Measures {
					ms = append(ms, tousu.Measures.Label(m))
				}
				out[i].Measures = strings.Join(ms, "、")
			}
		}
		return out, nil
	}
	if rep.Overdue, err = list(ListQuery{Figure: "replied_late", From: p.From, To: p.To}); err != nil {
		return nil, err
	}
	if today := a.Today(); !today.Before(p.From) && !today.After(p.To) {
		open, err := list(ListQuery{Due: "overdue"})
		if err != nil {
			return nil, err
		}
		rep.Overdue = append(open, rep.Overdue...)
	}
	if rep.Founded, err = list(ListQuery{Figure: "founded", From: p.From, To: p.To}); err != nil {
		return nil, err
	}
	// Staff named in two or more founded complaints: the complaint's target and the staff
	// the decision concerns, each complaint counted once per person.
	byBadge := map[string]*ReportStaff{}
	for _, c := range rep.Founded {
		seen := map[string]bool{}
		badges := []string{c.Target.Staff}
		if c.Decision != nil {
			badges = append(badges, c.Decision.Staff...)
		}
		for _, b := range badges {
			if b == "" || seen[b] || actor.IsTarget(b) {
				continue
			}
			seen[b] = true
			s := byBadge[b]
			if s == nil {
				s = &ReportStaff{Badge: b}
				if st, err := a.store.FindStaff(ctx, b); err == nil {
					s.Name, s.Unit = st.Name, st.Unit
				}
				byBadge[b] = s
			}
			s.Count++
			s.Numbers = append(s.Numbers, c.Number)
		}
	}
	for _, s := range byBadge {
		if s.Count >= 2 {
			rep.Staff = append(rep.Staff, *s)
		}
	}
	slices.SortFunc(rep.Staff, func(x, y ReportStaff) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Badge, y.Badge))
	})

	if err := a.reportConduct(ctx, actor, ref, rep); err != nil {
		return nil, err
	}

	if variant == "discipline" {
		if rep.Integrity, err = list(ListQuery{Figure: "received", Category: "integrity", From: p.From, To: p.To}); err != nil {
			if !tousu.IsKind(err, tousu.KindInvalid) { // a deployment without the integrity category
				return nil, err
			}
		}
		if rep.Referred, err = list(ListQuery{Figure: "decided", Referred: "discipline", From: p.From, To: p.To}); err != nil {
			return nil, err
		}
	}
	return rep, a.audit(ctx, actor, "report", p.Key, strings.TrimSpace(cur.Unit+" "+variant))
}
