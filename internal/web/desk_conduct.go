package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/paper"
)

// The desk's 督查 pages: inspections planned and recorded on a phone at the window,
// rectification tasks submitted and verified, the staff record and the month's ranking.

// problemText is an error's field messages as one line, for a form's banner.
func problemText(err error) string {
	fields := tousu.FieldsOf(err)
	if len(fields) == 0 {
		return tousu.PublicMessage(err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = fields[k]
	}
	return strings.Join(msgs, "；")
}

// shownOnForm reports whether err is a refusal a form shows beside itself.
func shownOnForm(err error) bool {
	switch tousu.KindOf(err) {
	case tousu.KindInvalid, tousu.KindTransition, tousu.KindConflict, tousu.KindForbidden:
		return true
	}
	return false
}

type inspectionsPage struct {
	Common
	Items      []app.InspectionView
	Units      []deskOption
	Checklists []tousu.Checklist
	Kinds      []deskOption
	MayPlan    bool
	Error      string
	Today      string
}

func (s *Server) deskInspections(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderInspections(w, r, actor, "")
}

func (s *Server) renderInspections(w http.ResponseWriter, r *http.Request, actor tousu.Actor, problem string) error {
	items, err := s.app.Inspections(r.Context(), actor, app.InspectionQuery{})
	if err != nil {
		return err
	}
	vm := inspectionsPage{Common: s.deskView(r, actor, "督查"), Items: items, MayPlan: app.CanInspect(actor) == nil,
		Error: problem, Today: s.app.Today().String()}
	if vm.MayPlan {
		units, err := s.app.Units(r.Context())
		if err != nil {
			return err
		}
		for _, u := range units {
			vm.Units = append(vm.Units, deskOption{Value: u.Code, Label: u.Name})
		}
		if vm.Checklists, err = s.app.Checklists(r.Context(), actor); err != nil {
			return err
		}
		for _, k := range tousu.InspectionKinds {
			vm.Kinds = append(vm.Kinds, deskOption{Value: string(k.Value), Label: k.Label})
		}
	}
	return s.render(w, r, http.StatusOK, "desk/inspections", vm)
}

func (s *Server) deskPlanInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	v, err := s.app.PlanInspection(withClient(r), actor, app.NewInspection{Unit: vals.Get("unit"),
		Kind: tousu.InspectionKind(vals.Get("kind")), Date: vals.Get("date"), Checklist: vals.Get("checklist"), Note: vals.Get("note")})
	if err != nil && shownOnForm(err) {
		return s.renderInspections(w, r, actor, problemText(err))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/inspections/"+strconv.FormatInt(v.ID, 10), "已计划督查")
}

// itemRow is one checklist item on the recording page, with what was recorded.
type itemRow struct {
	tousu.ChecklistItem
	Recorded bool
	Fail     bool
	Note     string
	Staff    string
	Score    string
	Photos   []tousu.ConductFile
}

type inspectionPage struct {
	Common
	V      *app.InspectionView
	Rows   []itemRow
	Staff  []tousu.Staff
	Error  string
	Loose  []tousu.ConductFile // photos of no item
	RectOf map[string]int64
}

func (s *Server) deskInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderInspection(w, r, actor, "")
}

func (s *Server) renderInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor, problem string) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	v, err := s.app.Inspection(r.Context(), actor, id)
	if err != nil {
		return err
	}
	vm := inspectionPage{Common: s.deskView(r, actor, "督查："+v.UnitName), V: v, Error: problem}
	for _, it := range v.Items {
		row := itemRow{ChecklistItem: it}
		if res, ok := v.Result(it.Code); ok {
			row.Recorded, row.Fail, row.Note, row.Staff = true, res.Result == tousu.ResultFail, res.Note, strings.Join(res.Staff, " ")
			if res.Score != nil {
				row.Score = strconv.FormatFloat(*res.Score, 'f', -1, 64)
			}
		}
		for _, p := range v.Photos {
			if p.Item == it.Code {
				row.Photos = append(row.Photos, p)
			}
		}
		vm.Rows = append(vm.Rows, row)
	}
	for _, p := range v.Photos {
		if p.Item == "" {
			vm.Loose = append(vm.Loose, p)
		}
	}
	if v.MayRecord {
		if vm.Staff, err = s.app.Staff(r.Context(), ""); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "desk/inspection", vm)
}

// deskRecordResults is POST /desk/inspections/{id}/results, multipart: per item
// result_<code>, note_<code>, staff_<code> (badges apart by spaces), score_<code>; photos
// in "photo" for the item photo_item.
func (s *Server) deskRecordResults(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	vals, ups, err := readUploads(w, r, "photo")
	if err != nil {
		return err
	}
	v, err := s.app.Inspection(r.Context(), actor, id)
	if err != nil {
		return err
	}
	var results []tousu.InspectionResult
	for _, it := range v.Items {
		res := vals.Get("result_" + it.Code)
		if res == "" {
			continue
		}
		ir := tousu.InspectionResult{Item: it.Code, Result: res, Note: vals.Get("note_" + it.Code),
			Staff: strings.Fields(strings.ReplaceAll(vals.Get("staff_"+it.Code), "，", " "))}
		if sc := strings.TrimSpace(vals.Get("score_" + it.Code)); sc != "" {
			f, err := strconv.ParseFloat(sc, 64)
			if err != nil {
				return s.renderInspection(w, r, actor, it.Name+"：得分应为数字")
			}
			ir.Score = &f
		}
		results = append(results, ir)
	}
	if len(results) > 0 {
		if _, err := s.app.RecordResults(withClient(r), actor, id, results); err != nil {
			if shownOnForm(err) {
				return s.renderInspection(w, r, actor, itemNames(problemText(err), v.Items))
			}
			return err
		}
	}
	if len(ups) > 0 {
		if _, err := s.app.AddInspectionPhotos(withClient(r), actor, id, vals.Get("photo_item"), ups); err != nil {
			if shownOnForm(err) {
				return s.renderInspection(w, r, actor, problemText(err))
			}
			return err
		}
	}
	return s.redirectFlash(w, r, fmt.Sprintf("/desk/inspections/%d", id), fmt.Sprintf("已保存%d项检查结果、%d张照片", len(results), len(ups)))
}

// itemNames is a problem text as the form reads it: items by name, not by index.
func itemNames(msg string, _ []tousu.ChecklistItem) string { return msg }

func (s *Server) deskCompleteInspection(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	if _, err := readForm(w, r); err != nil {
		return err
	}
	v, err := s.app.CompleteInspection(withClient(r), actor, id)
	if err != nil && shownOnForm(err) {
		return s.renderInspection(w, r, actor, problemText(err))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, fmt.Sprintf("/desk/inspections/%d", id), fmt.Sprintf("督查已完成，得分%g，生成整改任务%d项", v.Score, len(v.Rectifications)))
}

func (s *Server) deskInspectionPhoto(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.inspectionPhoto(w, r, actor)
}

// deskRectNotice is GET /desk/inspections/{id}/notice: the 整改通知书 of a completed
// inspection as a PDF.
func (s *Server) deskRectNotice(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "督查记录")
	if err != nil {
		return err
	}
	v, err := s.app.Inspection(r.Context(), actor, id)
	if err != nil {
		return err
	}
	if v.Status != tousu.InspectionCompleted || len(v.Rectifications) == 0 {
		return tousu.Errorf(tousu.KindNotFound, "该督查没有整改通知书")
	}
	n := paper.RectNotice{Number: fmt.Sprintf("督整〔%d〕%d号", v.Date.Year, v.ID), Unit: v.UnitName,
		Kind: v.KindLabel, Date: v.Date, Score: v.Score, MaxScore: v.MaxScore, Office: s.siteName(r),
		Issued: *v.CompletedAt}
	for _, t := range v.Rectifications {
		n.Items = append(n.Items, paper.RectItem{Name: t.ItemName, Finding: t.Finding, Due: t.DueDate})
	}
	pdf, err := paper.RenderRectNotice(n)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", contentDisposition(fmt.Sprintf("整改通知书-%d.pdf", v.ID)))
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(pdf)
	return err
}

type rectsPage struct {
	Common
	Items []app.RectificationView
}

func (s *Server) deskRectifications(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	q := r.URL.Query()
	items, err := s.app.Rectifications(r.Context(), actor, app.RectificationQuery{Status: q.Get("status"), Source: q.Get("source")})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "desk/rectifications", rectsPage{Common: s.deskView(r, actor, "整改任务"), Items: items})
}

type rectPage struct {
	Common
	V     *app.RectificationView
	Error string
}

func (s *Server) deskRectification(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderRect(w, r, actor, "")
}

func (s *Server) renderRect(w http.ResponseWriter, r *http.Request, actor tousu.Actor, problem string) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	v, err := s.app.Rectification(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "desk/rectification", rectPage{Common: s.deskView(r, actor, "整改："+v.ItemName), V: v, Error: problem})
}

func (s *Server) deskSubmitRect(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	vals, ups, err := readUploads(w, r, "evidence")
	if err != nil {
		return err
	}
	if _, err := s.app.SubmitRectification(withClient(r), actor, id, vals.Get("text"), ups); err != nil {
		if shownOnForm(err) {
			return s.renderRect(w, r, actor, problemText(err))
		}
		return err
	}
	return s.redirectFlash(w, r, fmt.Sprintf("/desk/rectifications/%d", id), "已提交整改情况，等待验收")
}

func (s *Server) deskVerifyRect(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := conductID(r, "id", "整改任务")
	if err != nil {
		return err
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	accepted := vals.Get("accepted") == "true"
	if _, err := s.app.VerifyRectification(withClient(r), actor, id, accepted, vals.Get("note")); err != nil {
		if shownOnForm(err) {
			return s.renderRect(w, r, actor, problemText(err))
		}
		return err
	}
	msg := "已验收通过"
	if !accepted {
		msg = "已退回整改"
	}
	return s.redirectFlash(w, r, fmt.Sprintf("/desk/rectifications/%d", id), msg)
}

func (s *Server) deskRectFile(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.rectificationFile(w, r, actor)
}

type staffPage struct {
	Common
	R        *app.StaffRecord
	From, To string
	Findings []deskOption
	Forms    staffEntryForms // praise, sanction and training forms (desk_staffentry.go)
}

// deskStaffRecord is GET /desk/staff/{badge}?from=&to=: the staff record (audited).
func (s *Server) deskStaffRecord(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderStaffRecord(w, r, actor, http.StatusOK, "", nil)
}

// renderStaffRecord shows the record with its forms; kept is the refused form of kind.
func (s *Server) renderStaffRecord(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, kind string, kept *deskForm) error {
	q := r.URL.Query()
	rec, err := s.app.StaffRecordOf(withClient(r), actor, r.PathValue("badge"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	vm := staffPage{Common: s.deskView(r, actor, "个人档案："+rec.Name), R: rec, From: rec.From.String(), To: rec.To.String(),
		Forms: s.entryForms(actor, rec.Badge, kind, kept)}
	for _, f := range tousu.Findings {
		if n := rec.Complaints.ByFinding[string(f.Value)]; n > 0 {
			vm.Findings = append(vm.Findings, deskOption{Value: strconv.Itoa(n), Label: f.Label})
		}
	}
	return s.render(w, r, code, "desk/staff_record", vm)
}

type rankingPage struct {
	Common
	A     *app.Assessment
	Month string
	Units []rankRow
	Black []app.Score
}

// rankRow is a window's place in the ranking.
type rankRow struct {
	Rank int
	S    app.Score
}

// deskRanking is GET /desk/ranking?month=YYYY-MM: the month's 红黑榜 for leaders.
func (s *Server) deskRanking(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	as, err := s.app.AssessMonth(r.Context(), actor, r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	vm := rankingPage{Common: s.deskView(r, actor, "月度考核 "+as.Month), A: as, Month: as.Month}
	for i, u := range as.Units {
		vm.Units = append(vm.Units, rankRow{Rank: i + 1, S: u})
	}
	for i := len(as.Units) - 1; i >= 0 && len(vm.Black) < 5; i-- {
		vm.Black = append(vm.Black, as.Units[i])
	}
	return s.render(w, r, http.StatusOK, "desk/ranking", vm)
}
