package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tousu"
)

// Monthly assessment (考核) and ranking (红黑榜): a score per window (unit) and per staff
// member for a month, from the statistics' rollups of the month's complaints (received,
// and founded by the day of the decision; a confirmed malicious one leaves the person's
// figures, not the window's), the inspections of the month (failed items), the
// accountability records, praise and sanctions, and the bad ratings of 好差评 (upheld
// appeals left out) — all summed by the store, none capped. The weights are the admin's
// (AssessmentSetting):
//
//	score = base − founded×Founded − failed items×FailedItem − accountability×Accountability
//	        − sanctions×Sanction − bad evaluations×BadEvaluation + praise×Praise
//
// The red list (红榜) may be published on the portal, only for those whose sample — the
// complaints and inspections behind the score — reaches MinSample (fair statistics: a
// window with nothing recorded is not "best").

// AssessmentSetting keys the weights and publication rule.
const AssessmentSetting = "assessment.weights"

// AssessmentWeights are the admin's weights and the portal's publication rule.
type AssessmentWeights struct {
	Base           float64 `json:"base"`
	Founded        float64 `json:"founded"`
	FailedItem     float64 `json:"failed_item"`
	Accountability float64 `json:"accountability"`
	Sanction       float64 `json:"sanction"`
	Praise         float64 `json:"praise"`
	BadEvaluation  float64 `json:"bad_evaluation"`
	// Publish puts the red list on the portal; MinSample is the least sample a unit
	// needs to appear there, Top how many appear.
	Publish   bool `json:"publish"`
	MinSample int  `json:"min_sample"`
	Top       int  `json:"top"`
}

// DefaultAssessmentWeights apply until an admin saves others.
var DefaultAssessmentWeights = AssessmentWeights{Base: 100, Founded: 10, FailedItem: 5, Accountability: 3, Sanction: 5,
	Praise: 2, BadEvaluation: 2, MinSample: 3, Top: 10}

// Check validates the weights.
func (w AssessmentWeights) Check() error {
	p := tousu.Problems{}
	for _, f := range []struct {
		name string
		v    float64
	}{{"base", w.Base}, {"founded", w.Founded}, {"failed_item", w.FailedItem}, {"accountability", w.Accountability},
		{"sanction", w.Sanction}, {"praise", w.Praise}, {"bad_evaluation", w.BadEvaluation}} {
		if f.v < 0 || f.v > 1000 {
			p.Add(f.name, "应为0至1000之间的数")
		}
	}
	if w.MinSample < 0 || w.MinSample > 10000 {
		p.Add("min_sample", "最少样本数应为0至10000")
	}
	if w.Top < 1 || w.Top > 100 {
		p.Add("top", "公布数量应为1至100")
	}
	return p.Err()
}

func (r *reference) assessmentWeights() AssessmentWeights {
	w := DefaultAssessmentWeights
	if v := r.settings[AssessmentSetting]; v != "" {
		if err := json.Unmarshal([]byte(v), &w); err != nil || w.Check() != nil {
			return DefaultAssessmentWeights
		}
	}
	return w
}

// Weights returns the assessment weights (admins and leaders).
func (a *App) Weights(ctx context.Context) (AssessmentWeights, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return AssessmentWeights{}, err
	}
	return ref.assessmentWeights(), nil
}

// SetWeights saves the assessment weights (admin at the root; audited).
func (a *App) SetWeights(ctx context.Context, actor tousu.Actor, w AssessmentWeights) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if err := w.Check(); err != nil {
		return err
	}
	v, _ := json.Marshal(w)
	return a.putSetting(ctx, actor, "assessment.weights", AssessmentSetting, string(v))
}

// Score is the assessment of one unit or staff member for a month.
type Score struct {
	Code           string  `json:"code"` // unit code or badge
	Name           string  `json:"name"`
	Unit           string  `json:"unit,omitempty"` // a staff member's unit
	Founded        int     `json:"founded"`
	Complaints     int     `json:"complaints"`
	Inspections    int     `json:"inspections"`
	InspectionAvg  float64 `json:"inspection_score"` // mean percentage of the month's inspections
	FailedItems    int     `json:"failed_items"`
	Accountability int     `json:"accountability"`
	Praise         int     `json:"praise"`
	Sanctions      int     `json:"sanctions"`
	BadEvaluations int     `json:"bad_evaluations"`
	Sample         int     `json:"sample"`
	Score          float64 `json:"score"`
}

// Assessment is a month's scores, best first.
type Assessment struct {
	Month   string            `json:"month"`
	Weights AssessmentWeights `json:"weights"`
	Units   []Score           `json:"units"`
	Staff   []Score           `json:"staff"`
}

// parseMonth reads YYYY-MM (default: the month before this one) into its first and last day.
func (a *App) parseMonth(s string) (string, tousu.Date, tousu.Date, error) {
	var first tousu.Date
	if s == "" {
		t := a.Today()
		first = tousu.Date{Year: t.Year, Month: t.Month, Day: 1}.AddDays(-1)
		first.Day = 1
	} else {
		t, err := time.Parse("2006-01", s)
		if err != nil || t.Year() < tousu.MinYear || t.Year() > tousu.MaxYear {
			return "", first, first, tousu.Problems{"month": "月份格式应为 YYYY-MM"}.Err()
		}
		first = tousu.Date{Year: t.Year(), Month: t.Month(), Day: 1}
	}
	next := first.AddDays(32)
	next.Day = 1
	return fmt.Sprintf("%04d-%02d", first.Year, first.Month), first, next.AddDays(-1), nil
}

// AssessMonth computes the month's scores for the windows (and staff) in the actor's
// subtree (leaders, supervisors, inspectors; the system — the CLI — sees all).
func (a *App) AssessMonth(ctx context.Context, actor tousu.Actor, month string) (*Assessment, error) {
	if err := requireRole(actor, append(slices.Clone(recordReaders), tousu.RoleSystem)...); err != nil {
		return nil, err
	}
	return a.assess(ctx, &actor, month)
}

func (a *App) assess(ctx context.Context, actor *tousu.Actor, month string) (*Assessment, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	m, from, to, err := a.parseMonth(month)
	if err != nil {
		return nil, err
	}
	w := ref.assessmentWeights()
	in := func(unit string) bool { return actor == nil || ref.covers(*actor, unit) }
	units := map[string]*Score{}
	for _, u := range ref.units {
		if u.Kind == tousu.UnitWindow && in(u.Code) {
			units[u.Code] = &Score{Code: u.Code, Name: u.Name}
		}
	}
	staff := map[string]*Score{}
	all, err := a.store.ListStaff(ctx, "")
	if err != nil {
		return nil, err
	}
	staffUnit := map[string]string{}
	for _, s := range all {
		staffUnit[s.Badge] = s.Unit
		if s.Active && in(s.Unit) && (actor == nil || !actor.IsTarget(s.Badge)) {
			staff[s.Badge] = &Score{Code: s.Badge, Name: s.Name, Unit: s.Unit}
		}
	}
	unitOf := func(code string) *Score { return units[code] }
	// Complaints from the statistics' rollups (docs/STATISTICS.md): received and founded
	// (属实, by the day of the decision) of the month, per window — its row is its whole
	// subtree — and per staff member under the root units, which hold every complaint. A
	// complaint confirmed malicious has no staff key in its fact: it leaves the person's
	// figures and stays in the window's.
	if len(units) > 0 {
		codes := make([]string, 0, len(units))
		for c := range units {
			codes = append(codes, c)
		}
		rows, err := a.store.SumStats(ctx, tousu.StatSum{Dim: "", From: from, To: to, Units: codes, ByUnit: true})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if s := unitOf(r.Unit); s != nil {
				s.Complaints += int(r.Measures[tousu.MReceived])
				s.Founded += int(r.Measures[tousu.MFounded])
			}
		}
	}
	if roots := ref.roots(); len(staff) > 0 && len(roots) > 0 {
		rows, err := a.store.SumStats(ctx, tousu.StatSum{Dim: "staff", From: from, To: to, Units: roots, ByUnit: true})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if s := staff[r.Key]; s != nil {
				s.Complaints += int(r.Measures[tousu.MReceived])
				s.Founded += int(r.Measures[tousu.MFounded])
			}
		}
	}
	// Inspections, failed items, praise and sanctions, summed by the store.
	tot, err := a.store.ConductTotals(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for code, c := range tot.Units {
		if s := unitOf(code); s != nil {
			s.InspectionAvg += c.ScorePct
			s.Inspections += c.Inspections
			s.FailedItems += c.FailedItems
		}
	}
	for badge, c := range tot.Staff {
		if s := staff[badge]; s != nil {
			s.FailedItems += c.FailedItems
			s.Praise += c.Praise
			s.Sanctions += c.Sanctions
		}
		// A window counts the praise and sanctions of its staff.
		if s := unitOf(staffUnit[badge]); s != nil {
			s.Praise += c.Praise
			s.Sanctions += c.Sanctions
		}
	}
	acc, err := a.Accountability(ctx, from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range acc {
		if s := unitOf(r.Unit); s != nil {
			s.Accountability++
		}
		if s := staff[r.Staff]; s != nil {
			s.Accountability++
		}
	}
	// Bad ratings (好差评 1–2) of the month, upheld appeals left out, per window and per
	// staff member (evaluations.go).
	for _, by := range []string{"window", "staff"} {
		counts, err := a.store.EvaluationStats(ctx, tousu.EvaluationStatsFilter{GroupBy: by,
			From: from.Midnight(a.loc), To: to.AddDays(1).Midnight(a.loc)})
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			s := unitOf(c.Key)
			if by == "staff" {
				s = staff[c.Key]
			}
			if s != nil {
				s.BadEvaluations += c.Bad
			}
		}
	}
	out := &Assessment{Month: m, Weights: w, Units: []Score{}, Staff: []Score{}}
	finish := func(s *Score) Score {
		if s.Inspections > 0 {
			s.InspectionAvg = round1(s.InspectionAvg / float64(s.Inspections))
		}
		s.Sample = s.Complaints + s.Inspections
		s.Score = round1(w.Base - float64(s.Founded)*w.Founded - float64(s.FailedItems)*w.FailedItem -
			float64(s.Accountability)*w.Accountability - float64(s.Sanctions)*w.Sanction -
			float64(s.BadEvaluations)*w.BadEvaluation + float64(s.Praise)*w.Praise)
		return *s
	}
	for _, s := range units {
		out.Units = append(out.Units, finish(s))
	}
	for _, s := range staff {
		out.Staff = append(out.Staff, finish(s))
	}
	byScore := func(x, y Score) int {
		if x.Score != y.Score {
			if x.Score > y.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Code, y.Code)
	}
	slices.SortFunc(out.Units, byScore)
	slices.SortFunc(out.Staff, byScore)
	return out, nil
}

func pct(score, max float64) float64 {
	if max <= 0 {
		return 0
	}
	return score * 100 / max
}

func round1(f float64) float64 {
	if f < 0 {
		return -round1(-f)
	}
	return float64(int64(f*10+0.5)) / 10
}

// RedList is the published red list (红榜) of a month: the best windows whose sample
// reaches the minimum; nil when the admin has not published it. Public: names of
// windows and scores only.
func (a *App) RedList(ctx context.Context, month string) (*Assessment, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	w := ref.assessmentWeights()
	if !w.Publish {
		return nil, tousu.Errorf(tousu.KindNotFound, "未公布红榜")
	}
	as, err := a.assess(ctx, nil, month)
	if err != nil {
		return nil, err
	}
	var red []Score
	for _, s := range as.Units {
		if s.Sample >= w.MinSample && len(red) < w.Top {
			red = append(red, Score{Code: s.Code, Name: s.Name, Score: s.Score, Sample: s.Sample})
		}
	}
	return &Assessment{Month: as.Month, Units: red, Staff: []Score{}}, nil
}

// roots are the units without a parent: their rollup rows hold every complaint.
func (r *reference) roots() []string {
	var out []string
	for _, u := range r.units {
		if u.Parent == "" {
			out = append(out, u.Code)
		}
	}
	return out
}
