package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/workday"
)

// adminCalendarPage is the view model of /desk/admin/calendar: the local changes to the
// official calendar, and the working-day calculator to check them.
type adminCalendarPage struct {
	adminBase
	Overrides []overrideRow
	F         *deskForm // the new override
	Calc      *deskForm // the calculator's question
	Result    *calcResult
	Warning   string
}

// overrideRow is an override in the list.
type overrideRow struct {
	tousu.CalendarOverride
	Weekday string
}

// calcResult answers the calculator: the n-th working day after from.
type calcResult struct {
	From, Date  tousu.Date
	Add         int
	FromWorkday bool
	FromHoliday string
}

var deskWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func (s *Server) adminCalendar(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderCalendar(w, r, actor, http.StatusOK, newForm(url.Values{"type": {"rest"}}))
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	ctx := r.Context()
	ovs, err := s.app.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vm := adminCalendarPage{adminBase: s.adminBase(r, actor, "工作日历", "/desk/admin/calendar"), F: f,
		Calc: newForm(url.Values{"from": {q.Get("from")}, "add": {q.Get("add")}}), Warning: s.app.CalendarWarning(ctx)}
	if vm.Calc.Val("from") == "" {
		vm.Calc.Values.Set("from", s.app.Today().String())
	}
	if vm.Calc.Val("add") == "" {
		vm.Calc.Values.Set("add", strconv.Itoa(workday.DefaultPolicy.Days))
	}
	for _, o := range ovs {
		vm.Overrides = append(vm.Overrides, overrideRow{CalendarOverride: o, Weekday: deskWeekdays[o.Date.Weekday()]})
	}
	if r.Method == http.MethodGet && q.Has("from") {
		from, ferr := tousu.ParseDate(strings.TrimSpace(q.Get("from")))
		add, aerr := strconv.Atoi(strings.TrimSpace(q.Get("add")))
		switch {
		case ferr != nil:
			vm.Calc.Errors["from"] = tousu.DateProblem(ferr)
		case aerr != nil:
			vm.Calc.Errors["add"] = "请填写整数"
		default:
			d, err := s.app.AddWorkdays(ctx, from, add)
			if err != nil {
				vm.Calc.refuse(err)
				break
			}
			cal, err := s.app.Calendar(ctx)
			if err != nil {
				return err
			}
			vm.Result = &calcResult{From: from, Date: d, Add: add, FromWorkday: cal.IsWorkday(from), FromHoliday: cal.HolidayName(from)}
		}
	}
	return s.render(w, r, code, "desk/admin_calendar", vm)
}

func (s *Server) adminCalendarSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(v)
	o := tousu.CalendarOverride{Workday: v.Get("type") == "workday", Name: v.Get("name")}
	if ds := strings.TrimSpace(v.Get("date")); ds != "" {
		if o.Date, err = tousu.ParseDate(ds); err != nil {
			f.refuse(tousu.Problems{"date": tousu.DateProblem(err)}.Err())
			return s.renderCalendar(w, r, actor, http.StatusUnprocessableEntity, f)
		}
	}
	if err := s.app.PutCalendarOverride(r.Context(), actor, o); err != nil {
		if !refusable(err) {
			return err
		}
		f.refuse(err)
		return s.renderCalendar(w, r, actor, refusal(err), f)
	}
	kind := "休息日"
	if o.Workday {
		kind = "工作日"
	}
	return s.redirectFlash(w, r, "/desk/admin/calendar", "已将 "+o.Date.String()+" 设为"+kind+"（"+strings.TrimSpace(o.Name)+"）")
}

func (s *Server) adminCalendarDelete(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	d, err := tousu.ParseDate(r.PathValue("date"))
	if err != nil {
		return tousu.Errorf(tousu.KindNotFound, "日期格式不正确")
	}
	if err := s.app.DeleteCalendarOverride(r.Context(), actor, d); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/admin/calendar", "已删除 "+d.String()+" 的调整，恢复为国务院公布的安排")
}

// adminPoliciesPage is the view model of /desk/admin/policies.
type adminPoliciesPage struct {
	adminBase
	Policies        []policyRow
	F               *deskForm
	Default, Onsite string // what applies when no policy matches
	Kinds           []deskOption
	Categories      []deskOption
	Classifications []deskOption
}

// policyRow is a policy in the list, in words.
type policyRow struct {
	tousu.Policy
	KindLabel, CategoryLabel, ClassificationLabel, Period string
}

func (s *Server) adminPolicies(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	f := newForm(url.Values{"unit": {string(tousu.WorkingDays)}})
	if id := r.URL.Query().Get("edit"); id != "" {
		pols, err := s.app.Policies(r.Context())
		if err != nil {
			return err
		}
		found := false
		for _, p := range pols {
			if strconv.FormatInt(p.ID, 10) == id {
				f = newForm(url.Values{"id": {id}, "name": {p.Name}, "kind": {string(p.Kind)}, "category": {p.Category},
					"classification": {string(p.Classification)}, "days": {strconv.Itoa(p.Days)}, "unit": {string(p.Unit)}})
				found = true
			}
		}
		if !found {
			return tousu.Errorf(tousu.KindNotFound, "没有这条办理时限规则")
		}
	}
	return s.renderPolicies(w, r, actor, http.StatusOK, f)
}

func (s *Server) renderPolicies(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	pols, err := s.app.Policies(r.Context())
	if err != nil {
		return err
	}
	cats, err := s.app.Categories(r.Context())
	if err != nil {
		return err
	}
	catNames := map[string]string{}
	for _, c := range cats {
		catNames[c.Code] = c.Name
	}
	vm := adminPoliciesPage{adminBase: s.adminBase(r, actor, "办理时限", "/desk/admin/policies"), F: f,
		Default: period(tousu.Deadline{Days: workday.DefaultPolicy.Days, Unit: workday.DefaultPolicy.Unit}),
		Onsite:  period(tousu.Deadline{Days: workday.OnsitePolicy.Days, Unit: workday.OnsitePolicy.Unit}),
		Kinds:   deskOptions(tousu.Kinds), Categories: categoryOptions(cats, f.Val("category")),
		Classifications: deskOptions(tousu.Classifications)}
	for _, p := range pols {
		row := policyRow{Policy: p, KindLabel: "任意", CategoryLabel: "任意", ClassificationLabel: "任意",
			Period: period(tousu.Deadline{Days: p.Days, Unit: p.Unit})}
		if p.Kind != "" {
			row.KindLabel = tousu.Kinds.Label(p.Kind)
		}
		if p.Category != "" {
			row.CategoryLabel = catNames[p.Category]
		}
		if p.Classification != "" {
			row.ClassificationLabel = tousu.Classifications.Label(p.Classification)
		}
		vm.Policies = append(vm.Policies, row)
	}
	return s.render(w, r, code, "desk/admin_policies", vm)
}

func (s *Server) adminPolicySave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(v.Get("id"), 10, 64)
	days, derr := strconv.Atoi(strings.TrimSpace(v.Get("days")))
	p := &tousu.Policy{ID: id, Name: v.Get("name"), Kind: tousu.Kind(v.Get("kind")), Category: v.Get("category"),
		Classification: tousu.Classification(v.Get("classification")), Days: days, Unit: tousu.DeadlineUnit(v.Get("unit"))}
	if derr != nil {
		p.Days = -1 // for the app to refuse, with the rest checked too
	}
	if err := s.app.PutPolicy(r.Context(), actor, p); err != nil {
		if !refusable(err) {
			return err
		}
		f := newForm(v)
		f.refuse(err)
		return s.renderPolicies(w, r, actor, refusal(err), f)
	}
	return s.redirectFlash(w, r, "/desk/admin/policies", "已保存办理时限规则“"+p.Name+"”")
}

func (s *Server) adminPolicyDelete(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return tousu.Errorf(tousu.KindNotFound, "没有这条办理时限规则")
	}
	if err := s.app.DeletePolicy(r.Context(), actor, id); err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/admin/policies", "已删除办理时限规则")
}
