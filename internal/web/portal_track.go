package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// Tracking (/track): the holder of a number and its query code sees the status, the
// public timeline and the reply, and rates the reply.
//
// The query code is a bearer secret, so the lookup form posts it (POST /track) instead of
// putting it in the address, where browser history — the hall's kiosk's included — and
// proxy logs would keep it. GET /track?number=…&code=… (DESIGN §5) still works for links
// made elsewhere. Nothing ever redirects to an address with the code: the rating posts to
// /track/feedback with number and code in hidden fields, and the answer is the track
// page itself.

// trackPage is the view model of /track.
type trackPage struct {
	portalBase
	Action   string // the lookup form's
	Number   string // as typed
	NotFound string // why nothing is shown for what was typed

	V       *app.PublicView
	Explain string // the status in a sentence
	Code    string // the code the case was opened with, for the rating form
	F       *deskForm
	Levels  []deskOption
	// FeedbackAction is where the rating form posts.
	FeedbackAction string
	// Rated is the complainant's latest rating in words, "" when none.
	Rated string
	// ForgotURL is the page that sends a new query code (忘记查询码).
	ForgotURL string
}

// statusExplained says what each status means for the complainant.
var statusExplained = map[tousu.Status]string{
	tousu.StatusRegistered:  "正在审查是否受理。",
	tousu.StatusAccepted:    "正在安排调查处理。",
	tousu.StatusNotAccepted: "理由见下方的办理记录。",
	tousu.StatusWithdrawn:   "如有新的问题，可以重新投诉。",
	tousu.StatusMerged:      "已与反映同一事项的投诉合并办理。",
	tousu.StatusAssigned:    "已交承办单位调查处理。",
	tousu.StatusInProgress:  "正在调查核实。",
	tousu.StatusSuspended:   "原因见下方的办理记录；恢复办理后继续计算期限。",
	tousu.StatusReported:    "承办单位已报送办理结果，正在审核。",
	tousu.StatusDecided:     "已作出处理决定，即将答复您。",
	tousu.StatusReplied:     "请查看下方的处理结果，并作出评价。",
	tousu.StatusClosed:      "感谢您的监督。",
	tousu.StatusArchived:    "感谢您的监督。",
}

// satisfactionLevels are the five 好差评 levels, best first.
func satisfactionLevels() []deskOption {
	out := make([]deskOption, 0, 5)
	for l := 5; l >= 1; l-- {
		out = append(out, deskOption{Value: strconv.Itoa(l), Label: tousu.SatisfactionLabels[l]})
	}
	return out
}

func (s *Server) trackPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	number, code := strings.TrimSpace(q.Get("number")), strings.TrimSpace(q.Get("code"))
	if number == "" || code == "" {
		return s.renderTrack(w, r, http.StatusOK, number, code, nil, nil, "")
	}
	return s.lookup(w, r, number, code)
}

func (s *Server) trackLookup(w http.ResponseWriter, r *http.Request) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	number, code := strings.TrimSpace(vals.Get("number")), strings.TrimSpace(vals.Get("code"))
	if number == "" || code == "" {
		f := newForm(nil)
		if number == "" {
			f.Errors["number"] = "请填写受理编号"
		}
		if code == "" {
			f.Errors["code"] = "请填写查询码"
		}
		return s.renderTrackForm(w, r, http.StatusUnprocessableEntity, number, f)
	}
	return s.lookup(w, r, number, code)
}

// lookup shows the case, or the same "not found" for an unknown number and a wrong code.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request, number, code string) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	v, err := s.app.Track(r.Context(), number, code)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return s.renderNotFound(w, r, number, err)
	}
	if err != nil {
		return err
	}
	return s.renderTrack(w, r, http.StatusOK, number, code, v, nil, "")
}

func (s *Server) renderNotFound(w http.ResponseWriter, r *http.Request, number string, err error) error {
	f := newForm(nil)
	f.Message = tousu.PublicMessage(err)
	return s.renderTrackForm(w, r, http.StatusNotFound, number, f)
}

func (s *Server) renderTrackForm(w http.ResponseWriter, r *http.Request, code int, number string, f *deskForm) error {
	b, err := s.portalBase(r, "查询进度")
	if err != nil {
		return err
	}
	vm := trackPage{portalBase: b, Action: kioskURL(b.Kiosk, "/track", nil), Number: number, F: f, NotFound: f.Message,
		ForgotURL: kioskURL(b.Kiosk, "/track/forgot", nil)}
	return s.render(w, r, code, "portal/track", vm)
}

// renderTrack shows the lookup form (v nil) or the case; f is the rating form as posted,
// flash a notice after a rating.
func (s *Server) renderTrack(w http.ResponseWriter, r *http.Request, status int, number, code string, v *app.PublicView, f *deskForm, flash string) error {
	if v == nil {
		return s.renderTrackForm(w, r, status, number, newForm(nil))
	}
	b, err := s.portalBase(r, "办理进度 "+v.Number)
	if err != nil {
		return err
	}
	if f == nil {
		f = newForm(nil)
	}
	b.Flash = flash
	vm := trackPage{portalBase: b, Action: kioskURL(b.Kiosk, "/track", nil), Number: v.Number, V: v,
		Explain: statusExplained[v.Status], Code: code, F: f, Levels: satisfactionLevels(),
		FeedbackAction: kioskURL(b.Kiosk, "/track/feedback", nil), Rated: tousu.SatisfactionLabels[v.Satisfaction]}
	if v.Status == tousu.StatusReplied && !v.CanFeedback {
		// Rated dissatisfied: the supervisors are on it.
		vm.Explain = "已收到您的评价，督查人员将重新办理或向您作出说明。"
	}
	return s.render(w, r, status, "portal/track", vm)
}

func (s *Server) trackFeedback(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	number, code := strings.TrimSpace(vals.Get("number")), strings.TrimSpace(vals.Get("code"))
	f := newForm(url.Values{"level": {vals.Get("level")}, "comment": {vals.Get("comment")}, "reopen": {vals.Get("reopen")}})
	var err2 error
	if vals.Get("level") == "" {
		err2 = tousu.Problems{"level": "请选择您对处理结果的满意程度"}.Err()
	} else {
		level, _ := strconv.Atoi(vals.Get("level"))
		_, err2 = s.app.Feedback(r.Context(), number, code,
			&tousu.FeedbackPayload{Level: level, Comment: vals.Get("comment"), Reopen: vals.Get("reopen") != ""})
	}
	// Whatever happened, the page shows the case as it is now.
	v, err := s.app.Track(r.Context(), number, code)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return s.renderNotFound(w, r, number, err)
	}
	if err != nil {
		return err
	}
	switch {
	case err2 == nil:
		flash := "感谢您的评价！"
		if level, _ := strconv.Atoi(vals.Get("level")); level >= 1 && level <= 2 {
			// Dissatisfaction goes to a supervisor, who reopens the case or explains.
			flash += "您的不满意意见已转督查人员处理，将重新办理或向您作出说明。"
		}
		return s.renderTrack(w, r, http.StatusOK, number, code, v, nil, flash)
	case len(tousu.FieldsOf(err2)) > 0:
		f.refuse(err2)
		return s.renderTrack(w, r, refusal(err2), number, code, v, f, "")
	case tousu.IsKind(err2, tousu.KindTransition) || tousu.IsKind(err2, tousu.KindConflict):
		f.Message = "现在不能评价：本件已评价过，或尚未答复。"
		return s.renderTrack(w, r, refusal(err2), number, code, v, f, "")
	}
	return err2
}

// dateCN is a date as the pages show it, e.g. 2026年2月27日.
func dateCN(d tousu.Date) string {
	if d.IsZero() {
		return ""
	}
	return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日"
}
