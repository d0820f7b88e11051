package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// The admin's 督查与考核 page: checklists, the rectification period, the assessment's
// weights and the red list's publication.

type adminConductPage struct {
	adminBase
	Checklists []tousu.Checklist
	Edit       *deskForm // the checklist form
	Weights    *deskForm
	Days       int
}

func (s *Server) adminConduct(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderAdminConduct(w, r, actor, http.StatusOK, nil, nil)
}

func (s *Server) renderAdminConduct(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, edit, weights *deskForm) error {
	ctx := r.Context()
	lists, err := s.app.Checklists(ctx, actor)
	if err != nil {
		return err
	}
	days, err := s.app.RectificationDays(ctx)
	if err != nil {
		return err
	}
	wt, err := s.app.Weights(ctx)
	if err != nil {
		return err
	}
	if edit == nil {
		edit = newForm(nil)
		if code := r.URL.Query().Get("edit"); code != "" {
			for _, c := range lists {
				if c.Code == code {
					edit.Values.Set("code", c.Code)
					edit.Values.Set("name", c.Name)
					edit.Values.Set("items", itemLines(c.Items))
				}
			}
		}
	}
	if weights == nil {
		weights = newForm(nil)
		for k, v := range map[string]float64{"base": wt.Base, "founded": wt.Founded, "failed_item": wt.FailedItem,
			"accountability": wt.Accountability, "sanction": wt.Sanction, "praise": wt.Praise, "bad_evaluation": wt.BadEvaluation} {
			weights.Values.Set(k, strconv.FormatFloat(v, 'f', -1, 64))
		}
		weights.Values.Set("min_sample", strconv.Itoa(wt.MinSample))
		weights.Values.Set("top", strconv.Itoa(wt.Top))
		if wt.Publish {
			weights.Values.Set("publish", "1")
		}
		weights.Values.Set("rectification_days", strconv.Itoa(days))
	}
	vm := adminConductPage{adminBase: s.adminBase(r, actor, "督查与考核", "/desk/admin/conduct"), Checklists: lists,
		Edit: edit, Weights: weights, Days: days}
	return s.render(w, r, code, "desk/admin_conduct", vm)
}

// itemLines writes checklist items one a line: code|name|weight|rule.
func itemLines(items []tousu.ChecklistItem) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%s|%s|%d|%s\n", it.Code, it.Name, it.Weight, it.Rule)
	}
	return b.String()
}

// parseItemLines reads what itemLines writes.
func parseItemLines(s string) ([]tousu.ChecklistItem, error) {
	var out []tousu.ChecklistItem
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.SplitN(strings.ReplaceAll(line, "｜", "|"), "|", 4)
		if len(parts) < 3 {
			return nil, tousu.Problems{"items": fmt.Sprintf("第%d行应为“编码|名称|分值|评分规则”", i+1)}.Err()
		}
		wt, err := strconv.Atoi(strings.TrimSpace(parts[2]))
		if err != nil {
			return nil, tousu.Problems{"items": fmt.Sprintf("第%d行的分值应为整数", i+1)}.Err()
		}
		it := tousu.ChecklistItem{Code: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Weight: wt}
		if len(parts) == 4 {
			it.Rule = strings.TrimSpace(parts[3])
		}
		out = append(out, it)
	}
	return out, nil
}

func (s *Server) adminChecklistSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(v)
	items, err := parseItemLines(v.Get("items"))
	if err == nil {
		err = s.app.PutChecklist(withClient(r), actor, tousu.Checklist{Code: v.Get("code"), Name: v.Get("name"), Items: items})
	}
	if err != nil {
		if !refusable(err) {
			return err
		}
		f.refuse(err)
		f.Message = problemText(err)
		return s.renderAdminConduct(w, r, actor, refusal(err), f, nil)
	}
	return s.redirectFlash(w, r, "/desk/admin/conduct", "已保存督查清单")
}

func (s *Server) adminWeightsSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(v)
	num := func(k string) float64 {
		x, err := strconv.ParseFloat(strings.TrimSpace(v.Get(k)), 64)
		if err != nil {
			f.Errors[k] = "请填写数字"
		}
		return x
	}
	wt := app.AssessmentWeights{Base: num("base"), Founded: num("founded"), FailedItem: num("failed_item"),
		Accountability: num("accountability"), Sanction: num("sanction"), Praise: num("praise"),
		BadEvaluation: num("bad_evaluation"), Publish: v.Get("publish") == "1", MinSample: f.Int("min_sample"), Top: f.Int("top")}
	days := f.Int("rectification_days")
	if len(f.Errors) > 0 {
		f.Message = "提交的内容有误，请按提示修改"
		return s.renderAdminConduct(w, r, actor, http.StatusUnprocessableEntity, nil, f)
	}
	err = s.app.SetWeights(withClient(r), actor, wt)
	if err == nil {
		err = s.app.SetRectificationDays(withClient(r), actor, days)
	}
	if err != nil {
		if !refusable(err) {
			return err
		}
		f.refuse(err)
		return s.renderAdminConduct(w, r, actor, refusal(err), nil, f)
	}
	return s.redirectFlash(w, r, "/desk/admin/conduct", "已保存考核权重和整改期限")
}

// redListPage is the view model of /redlist: the published red list (红榜) of a month.
type redListPage struct {
	portalBase
	Month     string
	Units     []app.Score
	MinSample int
}

// portalRedList is GET /redlist?month=YYYY-MM: the best windows of the month with
// enough of a sample, when the admin publishes the list; "not found" otherwise.
func (s *Server) portalRedList(w http.ResponseWriter, r *http.Request) error {
	b, err := s.portalBase(r, "服务窗口红榜")
	if err != nil {
		return err
	}
	red, err := s.app.RedList(r.Context(), r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	wt, err := s.app.Weights(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal/redlist", redListPage{portalBase: b, Month: red.Month, Units: red.Units, MinSample: wt.MinSample})
}
