package web

import (
	"net/http"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// The JSON API of 好差评 (issue 16): the public rating, the staff's list, one rating and
// its actions, the figures and the policy.

// rated is the answer to a rating: its number, level and status, nothing else.
type rated struct {
	ID     string                 `json:"id"`
	Level  int                    `json:"level"`
	Status tousu.EvaluationStatus `json:"status"`
}

// evaluatePublic is POST /api/v1/public/evaluations.
func (s *Server) evaluatePublic(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.evaluate, w, r); err != nil {
		return err
	}
	var in app.Rate
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.Evaluate(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/evaluations/"+v.ID)
	writeJSON(w, http.StatusCreated, rated{ID: v.ID, Level: v.Level, Status: v.Status})
	return nil
}

// evaluationParams are the query parameters of GET /api/v1/evaluations.
var evaluationParams = []string{"window", "staff", "level", "status", "from", "to", "appeal", "cursor", "limit"}

// evaluationQuery reads the list's parameters.
func evaluationQuery(r *http.Request) (app.EvaluationQuery, error) {
	v := r.URL.Query()
	q := app.EvaluationQuery{Window: v.Get("window"), Staff: v.Get("staff"), From: v.Get("from"), To: v.Get("to"),
		Appeal: v.Get("appeal"), Cursor: v.Get("cursor")}
	p := tousu.Problems{}
	if s := v.Get("level"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5 {
			p.Add("level", "评价等级应为1至5")
		}
		q.Level = n
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			p.Add("limit", "应为1至500")
		}
		q.Limit = n
	}
	for _, st := range v["status"] {
		for _, one := range strings.Split(st, ",") {
			if one = strings.TrimSpace(one); one != "" {
				q.Status = append(q.Status, tousu.EvaluationStatus(one))
			}
		}
	}
	return q, p.Err()
}

// listEvaluations is GET /api/v1/evaluations.
func (s *Server) listEvaluations(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, evaluationParams); err != nil {
		return err
	}
	q, err := evaluationQuery(r)
	if err != nil {
		return err
	}
	page, err := s.app.ListEvaluations(r.Context(), actor, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// getEvaluation is GET /api/v1/evaluations/{id}.
func (s *Server) getEvaluation(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := s.app.GetEvaluation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// actOnEvaluation is POST /api/v1/evaluations/{id}/{action}; reveal answers the phone.
func (s *Server) actOnEvaluation(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in app.EvaluationAction
	if err := decode(w, r, &in, true); err != nil {
		return err
	}
	if r.PathValue("action") == app.EvalActReveal {
		phone, err := s.app.RevealEvaluationPhone(r.Context(), actor, r.PathValue("id"), in.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]string{"phone": phone})
		return nil
	}
	v, err := s.app.ActOnEvaluation(r.Context(), actor, r.PathValue("id"), r.PathValue("action"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// evaluationStats is GET /api/v1/evaluations/stats?from=&to=&group_by=window|staff.
func (s *Server) evaluationStats(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, []string{"from", "to", "group_by"}); err != nil {
		return err
	}
	v := r.URL.Query()
	figs, err := s.app.EvaluationStats(r.Context(), actor, app.EvaluationStatsQuery{From: v.Get("from"), To: v.Get("to"),
		GroupBy: v.Get("group_by")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"group_by": groupBy(v.Get("group_by")), "items": figs})
	return nil
}

func groupBy(s string) string {
	if s == "" {
		return "window"
	}
	return s
}

// getEvaluationPolicy is GET /api/v1/evaluation-policy.
func (s *Server) getEvaluationPolicy(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	p, err := s.app.EvaluationPolicy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// putEvaluationPolicy is PUT /api/v1/evaluation-policy (admin).
func (s *Server) putEvaluationPolicy(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var p app.EvaluationPolicy
	if err := decode(w, r, &p, false); err != nil {
		return err
	}
	if err := s.app.SetEvaluationPolicy(r.Context(), actor, p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
