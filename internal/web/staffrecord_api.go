package web

import (
	"net/http"

	"tousu"
	"tousu/internal/app"
)

// The JSON API of the staff record, praise, sanctions, training, malicious complaints
// and the monthly assessment.

// staffRecord is GET /api/v1/staff/{badge}/record?from=&to=.
func (s *Server) staffRecord(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, []string{"from", "to"}); err != nil {
		return err
	}
	q := r.URL.Query()
	rec, err := s.app.StaffRecordOf(withClient(r), actor, r.PathValue("badge"), q.Get("from"), q.Get("to"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (s *Server) staffEntry(kind string) func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
		var in app.NewStaffEntry
		if err := decode(w, r, &in, false); err != nil {
			return err
		}
		e, err := s.app.AddStaffEntry(withClient(r), actor, r.PathValue("badge"), kind, in)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, e)
		return nil
	}
}

// proposeMalicious is POST /api/v1/complaints/{number}/malicious {"reason"}.
func (s *Server) proposeMalicious(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.ProposeMalicious(withClient(r), actor, r.PathValue("number"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// reviewMalicious is POST /api/v1/complaints/{number}/malicious_review {"confirmed", "note"}.
func (s *Server) reviewMalicious(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in struct {
		Confirmed *bool  `json:"confirmed"`
		Note      string `json:"note"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.Confirmed == nil {
		return tousu.Problems{"confirmed": "请说明是否认定（true 或 false）"}.Err()
	}
	v, err := s.app.ReviewMalicious(withClient(r), actor, r.PathValue("number"), *in.Confirmed, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// getMalicious is GET /api/v1/complaints/{number}/malicious: the mark, or 404.
func (s *Server) getMalicious(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := s.app.MaliciousOf(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	if v == nil {
		return tousu.Errorf(tousu.KindNotFound, "该投诉没有恶意投诉认定")
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// listMalicious is GET /api/v1/malicious?status=: the 纪检 summary.
func (s *Server) listMalicious(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, []string{"status"}); err != nil {
		return err
	}
	list, err := s.app.MaliciousList(r.Context(), actor, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

// assessment is GET /api/v1/assessment?month=YYYY-MM.
func (s *Server) assessment(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, []string{"month"}); err != nil {
		return err
	}
	as, err := s.app.AssessMonth(r.Context(), actor, r.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, as)
	return nil
}

// getWeights is GET /api/v1/assessment/weights.
func (s *Server) getWeights(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := app.CanAdminister(actor); err != nil {
		if err := requireAny(actor, tousu.RoleLeader, tousu.RoleSupervisor, tousu.RoleInspector); err != nil {
			return err
		}
	}
	wt, err := s.app.Weights(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wt)
	return nil
}

func requireAny(actor tousu.Actor, roles ...tousu.Role) error {
	for _, r := range roles {
		if actor.Has(r) {
			return nil
		}
	}
	return tousu.Errorf(tousu.KindForbidden, "您的角色无权执行此操作")
}

// putWeights is PUT /api/v1/assessment/weights (admin).
func (s *Server) putWeights(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in app.AssessmentWeights
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if err := s.app.SetWeights(withClient(r), actor, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}
