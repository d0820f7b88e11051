package app

import (
	"context"
	"slices"
	"strings"

	"tousu"
)

// The 好差评 figures of a period in the disclosure and the periodic reports (issue 16
// point 5): per window, the ratings made in the period (upheld appeals left out, as
// Store.EvaluationStats counts them), within a unit's subtree.

// windowRatings are the figures per window of the ratings made in [from, to] within
// unit's subtree, by window code.
func (a *App) windowRatings(ctx context.Context, ref *reference, unit string, from, to tousu.Date) ([]EvaluationFigures, error) {
	f := tousu.EvaluationStatsFilter{GroupBy: "window", Units: ref.subtree(unit), From: from.Midnight(a.loc),
		To: to.AddDays(1).Midnight(a.loc)}
	counts, err := a.store.EvaluationStats(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]EvaluationFigures, 0, len(counts))
	for _, c := range counts {
		if c.Total == 0 {
			continue // only excluded ratings: nothing counts
		}
		fig := EvaluationFigures{EvaluationCounts: c, Name: ref.unitName(c.Key)}
		fig.GoodRate, fig.BadRate = evalRatio(c.Good, c.Total), evalRatio(c.Bad, c.Total)
		fig.RectifiedOnTimeRate, fig.CallbackRate = evalRatio(c.OnTime, c.Bad), evalRatio(c.Callback, c.Bad)
		out = append(out, fig)
	}
	slices.SortFunc(out, func(x, y EvaluationFigures) int { return strings.Compare(x.Key, y.Key) })
	return out, nil
}

// disclosureWindows are the published 好评率 per window: 样本不足 below
// DisclosureMinSample ratings, otherwise the rate with its 95% Wilson interval.
func disclosureWindows(figs []EvaluationFigures) []tousu.DisclosureWindow {
	var out []tousu.DisclosureWindow
	for _, f := range figs {
		w := tousu.DisclosureWindow{Code: f.Key, Name: f.Name, Ratings: int64(f.Total)}
		if f.Total < DisclosureMinSample {
			w.Insufficient = true
		} else {
			w.Good = Wilson(int64(f.Good), int64(f.Total))
		}
		out = append(out, w)
	}
	return out
}

// ReportRatings is a window's 好差评 line in a report: the period's figures beside the
// previous period's (nil when the window had no rating then).
type ReportRatings struct {
	Code, Name string
	Now, Prev  *EvaluationFigures
}

// reportRatings joins the windows' figures of two periods, by window code.
func reportRatings(now, prev []EvaluationFigures) []ReportRatings {
	index := map[string]int{}
	var out []ReportRatings
	line := func(f EvaluationFigures) *ReportRatings {
		i, ok := index[f.Key]
		if !ok {
			i = len(out)
			index[f.Key] = i
			out = append(out, ReportRatings{Code: f.Key, Name: f.Name})
		}
		return &out[i]
	}
	for _, f := range now {
		line(f).Now = &f
	}
	for _, f := range prev {
		line(f).Prev = &f
	}
	slices.SortFunc(out, func(x, y ReportRatings) int { return strings.Compare(x.Code, y.Code) })
	return out
}
