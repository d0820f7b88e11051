package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

func (s *Server) registerComplaint(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in tousu.Register
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	// The answer names what the complaint may repeat (repeats.go), as the desk does;
	// ?similar=false leaves the look-up out, for integrations that do not show it.
	opts := app.RegisterOptions{IdempotencyKey: r.Header.Get("Idempotency-Key")}
	similar := []app.Similar{}
	switch r.URL.Query().Get("similar") {
	case "", "true", "1":
		opts.Similar = &similar
	case "false", "0":
	default:
		return tousu.Problems{"similar": "应为 true 或 false"}.Err()
	}
	v, err := s.app.Register(r.Context(), actor, in, opts)
	if err != nil {
		return err
	}
	s.metrics.registered.WithLabelValues(string(v.Channel)).Inc()
	w.Header().Set("Location", "/api/v1/complaints/"+v.Number)
	// With the complaints it may repeat (repeats.go) and the malicious-complaint notice.
	writeJSON(w, http.StatusCreated, registered{ComplaintView: v, Similar: opts.Similar,
		MaliciousNotice: s.app.MaliciousNoticeOf(r.Context(), actor, v.Number)})
	return nil
}

func (s *Server) listComplaints(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := unknownParams(r, listParams); err != nil {
		return err
	}
	q, err := listQuery(r)
	if err != nil {
		return err
	}
	page, err := s.app.List(r.Context(), actor, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// listQuery reads the list parameters of DESIGN §5 from the URL.
// listParams are the query parameters of GET /api/v1/complaints: any other is refused,
// so that a misspelt filter is not silently ignored and everything answered.
var listParams = []string{"status", "kind", "channel", "category", "unit", "due", "q", "from", "to", "order",
	"cursor", "limit", "staff", "late_handover", "complainant_phone", "complainant_id_number", "complainant_name",
	"referred", "dissatisfied", "extended", "pending_extension", "assisting", "figure"}

// unknownParams refuses a query parameter that the route does not take, naming it.
func unknownParams(r *http.Request, known []string) error {
	p := tousu.Problems{}
	for k := range r.URL.Query() {
		if !slices.Contains(known, k) {
			p.Add(k, "不支持的查询参数")
		}
	}
	if len(p) == 0 {
		return nil
	}
	names := make([]string, 0, len(p))
	for k := range p {
		names = append(names, k)
	}
	slices.Sort(names)
	return &tousu.Error{Kind: tousu.KindMalformed, Message: "不支持的查询参数：" + strings.Join(names, "、"), Fields: p}
}

func listQuery(r *http.Request) (app.ListQuery, error) {
	v := r.URL.Query()
	q := app.ListQuery{Kind: tousu.Kind(v.Get("kind")), Channel: tousu.Channel(v.Get("channel")),
		Category: v.Get("category"), Unit: v.Get("unit"), Due: v.Get("due"), Query: v.Get("q"),
		Order: tousu.Order(v.Get("order")), Cursor: v.Get("cursor"),
		Staff: strings.TrimSpace(v.Get("staff")), ComplainantPhone: v.Get("complainant_phone"),
		ComplainantIDNumber: v.Get("complainant_id_number"), ComplainantName: v.Get("complainant_name")}
	p := tousu.Problems{}
	for _, st := range v["status"] {
		for _, one := range strings.Split(st, ",") {
			if one = strings.TrimSpace(one); one != "" {
				q.Statuses = append(q.Statuses, tousu.Status(one))
			}
		}
	}
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
	q.Referred = v.Get("referred")
	q.Figure = v.Get("figure")
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"dissatisfied", &q.Dissatisfied}, {"extended", &q.Extended}, {"pending_extension", &q.PendingExtension},
		{"assisting", &q.Assisting}} {
		switch v.Get(f.name) {
		case "", "false":
		case "true", "1":
			*f.dst = true
		default:
			p.Add(f.name, "应为 true 或 false")
		}
	}
	switch v.Get("late_handover") {
	case "", "false":
	case "true":
		q.LateHandover = true
	default:
		p.Add("late_handover", "应为 true 或 false")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			p.Add("limit", "应为1至500的整数")
		}
		q.Limit = n
	}
	return q, p.Err()
}

func (s *Server) getComplaint(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := s.app.Get(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) complaintEvents(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	evs, err := s.app.Events(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": evs})
	return nil
}

func (s *Server) revealComplainant(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	c, err := s.app.Reveal(r.Context(), actor, r.PathValue("number"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"complainant": c})
	return nil
}

func (s *Server) relatedComplaints(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	list, err := s.app.Related(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) actOnComplaint(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	act := tousu.Action(r.PathValue("action"))
	p := tousu.NewPayload(act)
	if p == nil {
		return tousu.Errorf(tousu.KindNotFound, "没有这个操作：%s", clip(string(act), 40))
	}
	if err := decode(w, r, p, true); err != nil {
		return err
	}
	v, err := s.app.Act(r.Context(), actor, r.PathValue("number"), act, p)
	if err != nil {
		return err
	}
	s.metrics.actions.WithLabelValues(string(act)).Inc()
	writeJSON(w, http.StatusOK, v)
	return nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// reissueQueryCode gives a complaint a new query code at the counter (POST
// /api/v1/complaints/{number}/query-code {"reason"}): the answer carries the new code,
// once; the old one stops working.
func (s *Server) reissueQueryCode(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	v, err := s.app.ReissueQueryCode(r.Context(), actor, r.PathValue("number"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"number": v.Number, "query_code": v.QueryCode})
	return nil
}

// setHold is POST /api/v1/complaints/{number}/hold {"reason"}: a legal hold (法律保全)
// on an archived case; the answer is the complaint with its retention.
func (s *Server) setHold(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.hold(w, r, actor, false)
}

// liftHold is DELETE /api/v1/complaints/{number}/hold {"reason"}: lifts it.
func (s *Server) liftHold(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.hold(w, r, actor, true)
}

func (s *Server) hold(w http.ResponseWriter, r *http.Request, actor tousu.Actor, lift bool) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	do := s.app.SetHold
	if lift {
		do = s.app.LiftHold
	}
	v, err := do(r.Context(), actor, r.PathValue("number"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// getRetentionRule is GET /api/v1/retention-rule: the rule that gives archived cases
// their retention class.
func (s *Server) getRetentionRule(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	rule, err := s.app.RetentionRule(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

// putRetentionRule is PUT /api/v1/retention-rule (admin).
func (s *Server) putRetentionRule(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var rule app.RetentionRule
	if err := decode(w, r, &rule, false); err != nil {
		return err
	}
	if err := s.app.SetRetentionRule(r.Context(), actor, rule); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}
