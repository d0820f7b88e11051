package web

import (
	"net/http"

	"tousu"
	"tousu/internal/app"
)

// deskProposeMalicious is POST /desk/complaints/{number}/malicious: a supervisor's
// proposal, with reasons, that the complaint was malicious.
func (s *Server) deskProposeMalicious(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	number := r.PathValue("number")
	_, err = s.app.ProposeMalicious(withClient(r), actor, number, vals.Get("reason"))
	return s.maliciousDone(w, r, actor, err, "已提请认定为恶意投诉，等待纪检审核")
}

// deskReviewMalicious is POST /desk/complaints/{number}/malicious_review: the
// inspector's confirmation or rejection.
func (s *Server) deskReviewMalicious(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	confirmed := vals.Get("confirmed") == "true"
	_, err = s.app.ReviewMalicious(withClient(r), actor, r.PathValue("number"), confirmed, vals.Get("note"))
	msg := "已认定为恶意投诉"
	if !confirmed {
		msg = "已不予认定"
	}
	return s.maliciousDone(w, r, actor, err, msg)
}

func (s *Server) maliciousDone(w http.ResponseWriter, r *http.Request, actor tousu.Actor, err error, msg string) error {
	if err != nil && shownOnForm(err) {
		return s.renderCase(w, r, actor, http.StatusUnprocessableEntity, caseState{notice: problemText(err)})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/complaints/"+r.PathValue("number")+"#malicious", msg)
}

// maliciousPage is the view model of /desk/malicious: the 纪检 summary of malicious
// complaints, proposals waiting first.
type maliciousPage struct {
	Common
	Status string
	Items  []app.MaliciousView
}

// deskMaliciousList is GET /desk/malicious?status=.
func (s *Server) deskMaliciousList(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	st := r.URL.Query().Get("status")
	items, err := s.app.MaliciousList(r.Context(), actor, st)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "desk/malicious", maliciousPage{Common: s.deskView(r, actor, "恶意投诉认定"), Status: st, Items: items})
}
