package web

import (
	"net/http"

	"tousu"
)

// actionHold keys the legal-hold form among the case page's forms; it is not a
// lifecycle action.
const actionHold tousu.Action = "hold"

// deskSetHold is POST /desk/complaints/{number}/hold: places a legal hold (法律保全) on
// an archived case, or changes its reason.
func (s *Server) deskSetHold(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.deskHold(w, r, actor, false)
}

// deskLiftHold is POST /desk/complaints/{number}/hold/lift: lifts the legal hold.
func (s *Server) deskLiftHold(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.deskHold(w, r, actor, true)
}

func (s *Server) deskHold(w http.ResponseWriter, r *http.Request, actor tousu.Actor, lift bool) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	number := r.PathValue("number")
	msg := "已设置法律保全"
	if lift {
		_, err = s.app.LiftHold(r.Context(), actor, number, vals.Get("reason"))
		msg = "已解除法律保全"
	} else {
		_, err = s.app.SetHold(r.Context(), actor, number, vals.Get("reason"))
	}
	if len(tousu.FieldsOf(err)) > 0 {
		f := newForm(vals)
		f.refuse(err)
		return s.renderCase(w, r, actor, refusal(err), caseState{action: actionHold, form: f})
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/complaints/"+number, msg)
}
