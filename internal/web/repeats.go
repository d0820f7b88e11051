package web

import (
	"net/http"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// Repeat complaints (反复投诉): the registration's answer names the complaints a new one
// may repeat; a case lists its links and possible repeats; a supervisor links (关联).

// registered is the answer to a registration: the complaint, what it may repeat (when
// asked), and the clerk's notice that the complainant had a complaint confirmed
// malicious (docs/CONDUCT.md; never to the portal).
type registered struct {
	*app.ComplaintView
	Similar         *[]app.Similar `json:"similar,omitempty"`
	MaliciousNotice string         `json:"malicious_notice,omitempty"`
}

func (s *Server) complaintLinks(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	links, err := s.app.LinksOf(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, links)
	return nil
}

func (s *Server) linkComplaint(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var p app.LinkPayload
	if err := decode(w, r, &p, true); err != nil {
		return err
	}
	v, err := s.app.Link(r.Context(), actor, r.PathValue("number"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// deskLink links the case with another from the case page's form.
func (s *Server) deskLink(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	number := r.PathValue("number")
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.app.Link(r.Context(), actor, number, app.LinkPayload{With: vals.Get("with")})
	if err == nil {
		return s.redirectFlash(w, r, "/desk/complaints/"+number+"#repeats", "已关联 "+clip(vals.Get("with"), 30))
	}
	msg := tousu.FieldsOf(err)["with"]
	if msg == "" {
		if k := tousu.KindOf(err); k != tousu.KindConflict && k != tousu.KindForbidden {
			return err
		}
		msg = tousu.PublicMessage(err)
	}
	return s.redirectFlash(w, r, "/desk/complaints/"+number+"#repeats", "未能关联："+msg)
}

// similarRow is a possible repeat as the desk shows it.
type similarRow struct {
	app.Similar
	Why string // the reasons in words
}

// similarWords name the reasons for people.
var similarWords = map[string]string{app.SimilarComplainant: "同一投诉人", app.SimilarStaff: "同一被投诉人",
	app.SimilarWindow: "同一窗口", app.SimilarText: "内容相似"}

func similarRows(sim []app.Similar) []similarRow {
	out := make([]similarRow, len(sim))
	for i, x := range sim {
		words := make([]string, len(x.Reasons))
		for j, r := range x.Reasons {
			words[j] = similarWords[r]
		}
		x.Matter = clip(x.Matter, 60)
		out[i] = similarRow{Similar: x, Why: strings.Join(words, "、")}
	}
	return out
}

// repeatsView is the case page's section on repeats: the linked complaints, the repeat
// counter, the possible repeats and, for supervisors, the link form.
type repeatsView struct {
	Links   []app.LinkView
	Count   int
	Similar []similarRow
	CanLink bool
}

// caseRepeats fills the case page's repeats section.
func (s *Server) caseRepeats(r *http.Request, actor tousu.Actor, vm *casePage) error {
	links, err := s.app.LinksOf(r.Context(), actor, vm.C.Number)
	if err != nil {
		return err
	}
	vm.Repeats = repeatsView{Links: links.Items, Count: links.RepeatCount, Similar: similarRows(links.Similar),
		CanLink: app.CanLink(actor) == nil}
	return nil
}
