package web

import (
	"context"
	"image"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/paper"
	"tousu/internal/qr"
)

// The desk's pages of 好差评 (issue 16): the ratings by status, one rating with the
// actions allowed now, the figures, the paper slip entered from the comment box and
// printed blank, and the admin's page of the policy and the windows' table cards.

// evaluationTabs are the list's tabs: a status, the appeals waiting, or everything.
var evaluationTabs = []deskOption{{"open", "未办结"}, {"callback_due", "待回访"}, {"rectify_due", "待整改"},
	{"verify_due", "待核实"}, {"appeal", "申诉待复核"}, {"closed", "已办结"}, {"all", "全部"}}

// evaluationsPage is the view model of desk/evaluations.
type evaluationsPage struct {
	Common
	Tabs   []deskTab
	Tab    string
	Items  []*app.EvaluationView
	Next   string // the next page's URL, "" on the last
	Filter url.Values
	Levels []tousu.Option[string]
}

// deskTab is one tab of a page.
type deskTab struct {
	URL, Label string
	Current    bool
}

// evaluationList is GET /desk/evaluations.
func (s *Server) evaluationList(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v := r.URL.Query()
	tab := v.Get("tab")
	if tab == "" {
		tab = "open"
	}
	q := app.EvaluationQuery{Window: v.Get("window"), Staff: v.Get("staff"), From: v.Get("from"), To: v.Get("to"),
		Cursor: v.Get("cursor"), Limit: 50}
	if n, err := strconv.Atoi(v.Get("level")); err == nil {
		q.Level = n
	}
	switch tab {
	case "open":
		q.Status = []tousu.EvaluationStatus{tousu.EvalCallbackDue, tousu.EvalRectifyDue, tousu.EvalVerifyDue}
	case "appeal":
		q.Appeal = "pending"
	case "all":
	default:
		q.Status = []tousu.EvaluationStatus{tousu.EvaluationStatus(tab)}
	}
	page, err := s.app.ListEvaluations(r.Context(), actor, q)
	if err != nil {
		return err
	}
	vm := evaluationsPage{Common: s.deskView(r, actor, "好差评"), Tab: tab, Items: page.Items, Filter: v, Levels: evaluationLevels}
	for _, t := range evaluationTabs {
		vm.Tabs = append(vm.Tabs, deskTab{URL: "/desk/evaluations?tab=" + t.Value, Label: t.Label, Current: t.Value == tab})
	}
	if page.NextCursor != "" {
		nv := url.Values{}
		for k, x := range v {
			nv[k] = x
		}
		nv.Set("cursor", page.NextCursor)
		vm.Next = "/desk/evaluations?" + nv.Encode()
	}
	return s.render(w, r, http.StatusOK, "desk/evaluations", vm)
}

// evaluationPage is the view model of desk/evaluation.
type evaluationPage struct {
	Common
	E       *app.EvaluationView
	Can     map[string]bool
	F       *deskForm
	Action  string // the action whose form F belongs to
	Phone   string // the phone in clear, after an audited reveal
	Labels  map[string]string
	Reasons tousu.Vocabulary[string]
}

func (s *Server) renderEvaluation(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, id, act string, f *deskForm, phone string) error {
	v, err := s.app.GetEvaluation(r.Context(), actor, id)
	if err != nil {
		return err
	}
	vm := evaluationPage{Common: s.deskView(r, actor, "评价 "+v.ID), E: v, Can: map[string]bool{}, F: f, Action: act,
		Phone: phone, Labels: app.EvaluationActionLabels, Reasons: tousu.EvaluationReasons}
	for _, a := range v.AllowedActions {
		vm.Can[a] = true
	}
	if vm.F == nil {
		vm.F = newForm(nil)
	}
	return s.render(w, r, code, "desk/evaluation", vm)
}

// evaluationShow is GET /desk/evaluations/{id}.
func (s *Server) evaluationShow(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderEvaluation(w, r, actor, http.StatusOK, r.PathValue("id"), "", nil, "")
}

// evaluationAct is POST /desk/evaluations/{id}/{action}: the same use cases as the API,
// from a form; reveal shows the phone on the page it answers.
func (s *Server) evaluationAct(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, act := r.PathValue("id"), r.PathValue("action")
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	yes := func(k string) *bool {
		switch vals.Get(k) {
		case "1", "true", "yes":
			return new(true)
		case "0", "false", "no":
			return new(false)
		}
		return nil
	}
	in := app.EvaluationAction{Reached: yes("reached"), Note: vals.Get("note"), Text: vals.Get("text"),
		Accepted: yes("accepted"), Reason: vals.Get("reason"), Upheld: yes("upheld"), Name: vals.Get("name")}
	if act == app.EvalActReveal {
		phone, err := s.app.RevealEvaluationPhone(r.Context(), actor, id, in.Reason)
		if err != nil {
			if len(tousu.FieldsOf(err)) == 0 {
				return err
			}
			f := newForm(vals)
			f.refuse(err)
			return s.renderEvaluation(w, r, actor, refusal(err), id, act, f, "")
		}
		return s.renderEvaluation(w, r, actor, http.StatusOK, id, "", nil, phone)
	}
	v, err := s.app.ActOnEvaluation(r.Context(), actor, id, act, in)
	if err == nil {
		msg := "已完成“" + app.EvaluationActionLabels[act] + "”"
		if act == app.EvalActConvert {
			msg += "，投诉件 " + v.Complaint
		}
		return s.redirectFlash(w, r, "/desk/evaluations/"+url.PathEscape(v.ID), msg)
	}
	switch tousu.KindOf(err) {
	case tousu.KindNotFound, tousu.KindUnauthorized, tousu.KindInternal, tousu.KindMalformed:
		if len(tousu.FieldsOf(err)) == 0 {
			return err
		}
	}
	f := newForm(vals)
	f.refuse(err)
	return s.renderEvaluation(w, r, actor, refusal(err), id, act, f, "")
}

// evaluationStatsPage is the view model of desk/evaluation_stats.
type evaluationStatsPage struct {
	Common
	GroupBy  string
	From, To string
	Items    []app.EvaluationFigures
	Error    string
}

// evaluationStatsView is GET /desk/evaluations/stats.
func (s *Server) evaluationStatsView(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v := r.URL.Query()
	vm := evaluationStatsPage{Common: s.deskView(r, actor, "好差评统计"), GroupBy: groupBy(v.Get("group_by")),
		From: v.Get("from"), To: v.Get("to")}
	items, err := s.app.EvaluationStats(r.Context(), actor, app.EvaluationStatsQuery{From: vm.From, To: vm.To, GroupBy: vm.GroupBy})
	code := http.StatusOK
	switch {
	case err != nil && len(tousu.FieldsOf(err)) > 0:
		vm.Error, code = tousu.PublicMessage(err)+"：日期格式应为 YYYY-MM-DD", refusal(err)
	case err != nil:
		return err
	}
	vm.Items = items
	return s.render(w, r, code, "desk/evaluation_stats", vm)
}

// slipPage is the view model of desk/evaluation_slip.
type slipPage struct {
	Common
	F       *deskForm
	Windows []deskOption
	Levels  []tousu.Option[string]
	Reasons tousu.Vocabulary[string]
}

func (s *Server) renderSlip(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	vm := slipPage{Common: s.deskView(r, actor, "录入纸质评价表"), F: f, Levels: evaluationLevels, Reasons: tousu.EvaluationReasons}
	for _, u := range units {
		if u.Kind == tousu.UnitWindow {
			vm.Windows = append(vm.Windows, deskOption{Value: u.Code, Label: u.Name})
		}
	}
	return s.render(w, r, code, "desk/evaluation_slip", vm)
}

// slipForm is GET /desk/evaluations/slip.
func (s *Server) slipForm(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanRegister(actor); err != nil {
		return err
	}
	return s.renderSlip(w, r, actor, http.StatusOK, newForm(nil))
}

// slipSubmit is POST /desk/evaluations/slip: a collected paper slip, channel box.
func (s *Server) slipSubmit(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	in := app.Rate{Window: vals.Get("window"), Staff: vals.Get("staff"), Reasons: vals["reasons"], Comment: vals.Get("comment"),
		TransactionNo: vals.Get("transaction_no"), Item: vals.Get("item"), Channel: tousu.EvalBox, Phone: vals.Get("phone")}
	if lv := vals.Get("level"); lv != "" {
		if in.Level, err = strconv.Atoi(lv); err != nil {
			in.Level = -1
		}
	}
	v, err := s.app.EnterSlip(r.Context(), actor, in)
	if err != nil {
		if len(tousu.FieldsOf(err)) == 0 {
			return err
		}
		f := newForm(vals)
		f.refuse(err)
		return s.renderSlip(w, r, actor, refusal(err), f)
	}
	return s.redirectFlash(w, r, "/desk/evaluations/"+url.PathEscape(v.ID), "已录入纸质评价表，评价编号 "+v.ID)
}

// slipPDF is GET /desk/evaluations/slip.pdf[?window=CODE&kind=window|drug]: blank slips
// to print for the comment box.
func (s *Server) slipPDF(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanSeeCases(actor); err != nil {
		if app.CanAdminister(actor) != nil {
			return err
		}
	}
	q := r.URL.Query()
	sl := paper.Slip{Kind: paper.SlipKind(q.Get("kind")), Org: s.siteName(r), At: s.app.Now()}
	if win, err := s.app.EvaluationTarget(r.Context(), q.Get("window"), ""); err == nil {
		sl.Window = win.Name
	}
	for _, o := range tousu.EvaluationReasons {
		sl.Reasons = append(sl.Reasons, o.Label)
	}
	pdf, err := paper.EvaluationSlip(sl)
	if err != nil {
		return err
	}
	return writePDF(w, "evaluation-slip.pdf", pdf)
}

func writePDF(w http.ResponseWriter, name string, pdf []byte) error {
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(pdf)
	return err
}

// adminEvaluationsPage is the view model of desk/admin_evaluations.
type adminEvaluationsPage struct {
	adminBase
	Policy  app.EvaluationPolicy
	F       *deskForm
	Windows []app.EvaluationWindow
}

func (s *Server) renderAdminEvaluations(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	pol, err := s.app.EvaluationPolicy(r.Context())
	if err != nil {
		return err
	}
	wins, err := s.app.EvaluationCards(r.Context(), actor)
	if err != nil {
		return err
	}
	if f == nil {
		f = newForm(url.Values{"callback_days": {strconv.Itoa(pol.CallbackDays)}, "rectify_days": {strconv.Itoa(pol.RectifyDays)}})
	}
	vm := adminEvaluationsPage{adminBase: s.adminBase(r, actor, "好差评", "/desk/admin/evaluations"), Policy: pol, F: f, Windows: wins}
	return s.render(w, r, code, "desk/admin_evaluations", vm)
}

// adminEvaluations is GET /desk/admin/evaluations.
func (s *Server) adminEvaluations(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderAdminEvaluations(w, r, actor, http.StatusOK, nil)
}

// adminEvaluationsSave is POST /desk/admin/evaluations: the policy.
func (s *Server) adminEvaluationsSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(vals)
	p := app.EvaluationPolicy{CallbackDays: f.Int("callback_days"), RectifyDays: f.Int("rectify_days")}
	if len(f.Errors) == 0 {
		err = s.app.SetEvaluationPolicy(r.Context(), actor, p)
		if err == nil {
			return s.redirectFlash(w, r, "/desk/admin/evaluations", "已保存差评整改期限")
		}
		f.refuse(err)
		return s.renderAdminEvaluations(w, r, actor, refusal(err), f)
	}
	f.Message = "提交的内容有误，请按提示修改"
	return s.renderAdminEvaluations(w, r, actor, http.StatusUnprocessableEntity, f)
}

// evaluationCard is GET /desk/admin/evaluations/cards/{file}: a window's A4 table card
// ({window}.pdf) with its name, staff and QR code.
func (s *Server) evaluationCard(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	code, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !ok {
		return tousu.Errorf(tousu.KindNotFound, "未找到该文件")
	}
	wins, err := s.app.EvaluationCards(r.Context(), actor)
	if err != nil {
		return err
	}
	var win *app.EvaluationWindow
	for i := range wins {
		if wins[i].Code == code {
			win = &wins[i]
		}
	}
	if win == nil {
		return tousu.Errorf(tousu.KindNotFound, "未找到该窗口")
	}
	pdf, err := CardPDF(r.Context(), s.app, *win, s.siteName(r), s.evaluateLink(r, code, ""))
	if err != nil {
		return err
	}
	return writePDF(w, code+".pdf", pdf)
}

// CardPDF prints the A4 table card of a window (desk and CLI): its name, its active staff
// and the QR code of link, its rating page.
func CardPDF(ctx context.Context, a *app.App, win app.EvaluationWindow, org, link string) ([]byte, error) {
	staff, err := a.Staff(ctx, win.Code)
	if err != nil {
		return nil, err
	}
	card := paper.Card{Org: org, Window: win.Name, Path: win.Path, URL: link,
		At: a.Now().Truncate(24 * time.Hour), QR: func(text string) (image.Image, error) {
			c, err := qr.Encode(text)
			if err != nil {
				return nil, err
			}
			return c.Image(8), nil
		}}
	for _, st := range staff {
		if st.Active {
			card.Staff = append(card.Staff, st.Name+"（工号 "+st.Badge+"）")
		}
	}
	return paper.TableCard(card)
}

// EvaluateLink is a window's rating page under the public address base.
func EvaluateLink(base, window string) string {
	return strings.TrimRight(base, "/") + evaluateURL(window, "", nil)
}
