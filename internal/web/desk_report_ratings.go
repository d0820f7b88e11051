package web

import (
	"strconv"

	"tousu/internal/app"
)

// The 好差评 section of the periodic report: per window, the period's ratings beside
// the previous period's, as the page and the XLSX show them.

// reportRatingRow is one window in one period of the 好差评 table.
type reportRatingRow struct {
	Window, Period                           string
	Ratings, Good, Bad, Rectified, Callbacks string
}

// reportRatingRows are two rows per window: the period, then the previous one.
func reportRatingRows(rep *app.PeriodReport) []reportRatingRow {
	row := func(name, period string, f *app.EvaluationFigures) reportRatingRow {
		if f == nil {
			return reportRatingRow{Window: name, Period: period, Ratings: "0", Good: "—", Bad: "0", Rectified: "—", Callbacks: "—"}
		}
		return reportRatingRow{Window: name, Period: period, Ratings: strconv.Itoa(f.Total), Good: pct(f.GoodRate),
			Bad: strconv.Itoa(f.Bad), Rectified: pct(f.RectifiedOnTimeRate), Callbacks: pct(f.CallbackRate)}
	}
	var out []reportRatingRow
	for _, r := range rep.Ratings {
		out = append(out, row(r.Name, rep.Period.Name, r.Now), row(r.Name, rep.Previous.Name, r.Prev))
	}
	return out
}

// reportRatingHeader is the header of the 好差评 table.
var reportRatingHeader = []any{"窗口", "期间", "评价数", "好评率", "差评", "差评整改率", "回访率"}
