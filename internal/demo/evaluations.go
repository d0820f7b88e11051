package demo

import (
	"fmt"
	"time"

	"tousu"
	"tousu/internal/app"
)

// The demo's 好差评: each window rated over the last eight weeks, mostly well; the bad
// ratings of the first weeks called back, put right and checked, the recent ones still
// waiting, so that the desk's list, its tabs and the figures have something to show.

// evaluationComments are what a dissatisfied citizen wrote, by reason.
var evaluationComments = map[string]string{
	"attitude":     "工作人员态度生硬，问两句就不耐烦",
	"slow":         "排队一个多小时，窗口办理很慢",
	"notification": "材料没有一次说清，回家又补了一次",
	"repeat":       "同一件事跑了三趟",
}

// rate loads the ratings of the windows of root's tree and returns how many.
func (l *loader) rate(root string) (int, error) {
	reasons := []string{"attitude", "slow", "notification", "repeat"}
	n := 0
	for _, u := range units(root) {
		if u.Kind != tousu.UnitWindow {
			continue
		}
		var badges []string
		for _, s := range staffList {
			if s.Unit == u.Code {
				badges = append(badges, s.Badge)
			}
		}
		for i := range 6 + l.r.IntN(6) {
			days := 1 + l.r.IntN(56)
			l.t = l.now.AddDate(0, 0, -days).Add(time.Duration(l.r.IntN(7*60)) * time.Minute).Truncate(time.Minute)
			if h := l.t.Hour(); h < 9 || h > 16 {
				l.t = time.Date(l.t.Year(), l.t.Month(), l.t.Day(), 10+l.r.IntN(6), l.r.IntN(60), 0, 0, l.t.Location())
			}
			level := []int{5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1}[l.r.IntN(11)]
			in := app.Rate{Window: u.Code, Level: level, Channel: []tousu.EvaluationChannel{tousu.EvalQR, tousu.EvalQR, tousu.EvalPad, tousu.EvalKiosk}[l.r.IntN(4)],
				TransactionNo: fmt.Sprintf("DEMO-%s-%02d", u.Code, i)}
			if len(badges) > 0 {
				in.Staff = badges[l.r.IntN(len(badges))]
			}
			if level <= 2 {
				r := reasons[l.r.IntN(len(reasons))]
				in.Reasons, in.Comment = []string{r}, evaluationComments[r]
				if l.r.IntN(2) == 0 {
					in.Phone = fmt.Sprintf("1390000%04d", l.r.IntN(10000)) // invented; see the README's warning
				}
			}
			v, err := l.a.Evaluate(l.ctx, in)
			if err != nil {
				return n, fmt.Errorf("demo: rating of %s: %w", u.Code, err)
			}
			n++
			if level > 2 || days < 4 {
				continue // recent bad ratings wait on the desk
			}
			for _, step := range []struct {
				act string
				in  app.EvaluationAction
			}{
				{app.EvalActCallback, app.EvaluationAction{Reached: new(in.Phone != ""), Note: "已回访，向群众致歉并说明改进措施"}},
				{app.EvalActRectify, app.EvaluationAction{Text: "已对当事工作人员批评教育，窗口公示办事指南和材料清单"}},
				{app.EvalActVerify, app.EvaluationAction{Accepted: new(true), Note: "现场核实，整改到位"}},
			} {
				l.t = l.t.Add(time.Duration(2+l.r.IntN(20)) * time.Hour)
				if _, err := l.a.ActOnEvaluation(l.ctx, l.supervisor, v.ID, step.act, step.in); err != nil {
					return n, fmt.Errorf("demo: %s of %s: %w", step.act, v.ID, err)
				}
			}
		}
	}
	l.t = l.now
	return n, nil
}
