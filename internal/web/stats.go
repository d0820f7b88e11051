package web

import (
	"net/http"

	"tousu"
	"tousu/internal/app"
)

// statsParams are the query parameters of GET /api/v1/stats.
var statsParams = []string{"from", "to", "unit", "group_by"}

// statsQuery reads a stats request's parameters, naming the field of any bad one.
func statsQuery(r *http.Request) (app.StatsQuery, error) {
	v := r.URL.Query()
	q := app.StatsQuery{Unit: v.Get("unit"), GroupBy: v.Get("group_by")}
	p := tousu.Problems{}
	for _, f := range []struct {
		name string
		dst  *tousu.Date
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := v.Get(f.name); s != "" {
			d, err := tousu.ParseDate(s)
			if err != nil {
				p.Add(f.name, tousu.DateProblem(err))
			}
			*f.dst = d
		}
	}
	return q, p.Err()
}

// getStats is GET /api/v1/stats: the figures of docs/STATISTICS.md for a period, within
// the caller's scope, grouped.
func (s *Server) getStats(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, statsParams); err != nil {
		return err
	}
	q, err := statsQuery(r)
	if err != nil {
		return err
	}
	rep, err := s.app.Stats(r.Context(), actor, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}
