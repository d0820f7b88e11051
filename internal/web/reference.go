package web

import (
	"errors"
	"net/http"
	"strconv"

	"tousu"
	"tousu/internal/app"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.app.Units(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func notFoundAPI(w http.ResponseWriter, r *http.Request) error {
	return tousu.Errorf(tousu.KindNotFound, "没有这个接口：%s %s", r.Method, clip(r.URL.Path, 100))
}

func (s *Server) workdays(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := tousu.Problems{}
	from, err := tousu.ParseDate(q.Get("from"))
	if errors.Is(err, tousu.ErrDateRange) {
		p.Add("from", tousu.DateProblem(err))
	} else if err != nil {
		p.Add("from", "请提供起始日期，格式为 YYYY-MM-DD")
	}
	add, err := strconv.Atoi(q.Get("add"))
	if err != nil {
		p.Add("add", "请提供工作日数（整数）")
	}
	if err := p.Err(); err != nil {
		return err
	}
	d, provisional, err := s.app.AddWorkdays(r.Context(), from, add)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": d, "from": from, "add": add, "provisional": provisional})
	return nil
}

// importNotice is POST /api/v1/calendar/notices: a State Council notice, previewed
// (dry_run) or put in force.
func (s *Server) importNotice(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in app.NoticeInput
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	res, err := s.app.ImportNotice(withClient(r), actor, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listOverrides(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	ovs, err := s.app.CalendarOverrides(r.Context())
	if err != nil {
		return err
	}
	if ovs == nil {
		ovs = []tousu.CalendarOverride{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ovs})
	return nil
}

func pathDate(r *http.Request) (tousu.Date, error) {
	d, err := tousu.ParseDate(r.PathValue("date"))
	if err != nil {
		return d, tousu.Problems{"date": tousu.DateProblem(err)}.Err()
	}
	return d, nil
}

func (s *Server) putOverride(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	d, err := pathDate(r)
	if err != nil {
		return err
	}
	var in struct {
		Workday *bool  `json:"workday"`
		Name    string `json:"name"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	if in.Workday == nil {
		return tousu.Problems{"workday": "请说明这一天是工作日（true）还是休息日（false）"}.Err()
	}
	o := tousu.CalendarOverride{Date: d, Workday: *in.Workday, Name: in.Name}
	if err := s.app.PutCalendarOverride(r.Context(), actor, o); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) deleteOverride(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	d, err := pathDate(r)
	if err != nil {
		return err
	}
	if err := s.app.DeleteCalendarOverride(r.Context(), actor, d); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	pols, err := s.app.Policies(r.Context())
	if err != nil {
		return err
	}
	if pols == nil {
		pols = []tousu.Policy{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": pols})
	return nil
}

func (s *Server) createPolicy(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var p tousu.Policy
	if err := decode(w, r, &p, false); err != nil {
		return err
	}
	p.ID = 0
	if err := s.app.PutPolicy(r.Context(), actor, &p); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, p)
	return nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, tousu.Errorf(tousu.KindNotFound, "没有这条期限规则")
	}
	return id, nil
}

func (s *Server) updatePolicy(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p tousu.Policy
	if err := decode(w, r, &p, false); err != nil {
		return err
	}
	p.ID = id
	if err := s.app.PutPolicy(r.Context(), actor, &p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) deletePolicy(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.app.DeletePolicy(r.Context(), actor, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// staffOnly refuses reference data to accounts without any role (there are none today,
// but a disabled role set must not read the organisation).
func staffOnly(actor tousu.Actor) error {
	if len(actor.Roles) == 0 {
		return tousu.Errorf(tousu.KindForbidden, "无权查看")
	}
	return nil
}

func (s *Server) listUnits(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := staffOnly(actor); err != nil {
		return err
	}
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	items := make([]unitJSON, len(units))
	for i, u := range units {
		items[i] = unitJSON{Unit: u}
		if u.Parent != "" {
			p := u.Parent
			items[i].Parent = &p
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// unitJSON writes the parent as null at the root (DESIGN §5).
type unitJSON struct {
	tousu.Unit
	Parent *string `json:"parent"`
}

func (s *Server) putUnit(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var u tousu.Unit
	if err := decode(w, r, &u, false); err != nil {
		return err
	}
	u.Code = r.PathValue("code")
	if err := s.app.PutUnit(r.Context(), actor, u); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) listCategories(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := staffOnly(actor); err != nil {
		return err
	}
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return err
	}
	items := make([]categoryJSON, len(cats))
	for i, c := range cats {
		items[i] = categoryJSON{Category: c}
		if c.Parent != "" {
			p := c.Parent
			items[i].Parent = &p
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

type categoryJSON struct {
	tousu.Category
	Parent *string `json:"parent"`
}

func (s *Server) putCategory(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var c tousu.Category
	if err := decode(w, r, &c, false); err != nil {
		return err
	}
	c.Code = r.PathValue("code")
	if err := s.app.PutCategory(r.Context(), actor, c); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) listStaff(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	if err := staffOnly(actor); err != nil {
		return err
	}
	staff, err := s.app.Staff(r.Context(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if staff == nil {
		staff = []tousu.Staff{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": staff})
	return nil
}

func (s *Server) putStaff(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var st tousu.Staff
	if err := decode(w, r, &st, false); err != nil {
		return err
	}
	st.Badge = r.PathValue("badge")
	if err := s.app.PutStaff(r.Context(), actor, st); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	writeJSON(w, http.StatusOK, map[string]any{"login": actor.Login, "name": actor.Name, "roles": actor.Roles,
		"unit": actor.Unit, "staff": actor.Staff})
	return nil
}
