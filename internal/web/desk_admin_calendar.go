package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
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
	Notice    *deskForm         // the notice to import: year, text
	Preview   *app.NoticeResult // what the notice gives, to confirm
	Years     []noticeYear      // the years and whether a notice covers them
}

// noticeYear says whether an official notice covers a year, or only the statutory days.
type noticeYear struct {
	Year    int
	Covered bool
}

// previewDay is a day of an import preview.
type previewDay struct {
	Date    tousu.Date
	Weekday string
	Name    string
}

// Days lists the preview's rest days or make-up working days with their weekday and name.
func (p adminCalendarPage) Days(workdays bool) []previewDay {
	if p.Preview == nil {
		return nil
	}
	list := p.Preview.Holidays
	if workdays {
		list = p.Preview.Workdays
	}
	out := make([]previewDay, 0, len(list))
	for _, d := range list {
		out = append(out, previewDay{Date: d, Weekday: deskWeekdays[d.Weekday()], Name: p.Preview.Names[d.String()]})
	}
	return out
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
	Provisional bool // the count crosses a year without its notice
}

var deskWeekdays = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func (s *Server) adminCalendar(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderCalendar(w, r, actor, http.StatusOK, newForm(url.Values{"type": {"rest"}}))
}

// adminCalendarNotice previews a pasted notice (the first press) and imports it when
// confirmed (the second, with confirm=1 and the same text).
func (s *Server) adminCalendarNotice(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := readForm(w, r)
	if err != nil {
		return err
	}
	nf := newForm(v)
	in := app.NoticeInput{Text: v.Get("text"), DryRun: v.Get("confirm") != "1"}
	if ys := strings.TrimSpace(v.Get("year")); ys != "" {
		if in.Year, err = strconv.Atoi(ys); err != nil {
			nf.refuse(tousu.Problems{"year": "年份应为数字，如 2027"}.Err())
			return s.renderCalendarNotice(w, r, actor, http.StatusUnprocessableEntity, nf, nil)
		}
	}
	res, err := s.app.ImportNotice(withClient(r), actor, in)
	if err != nil {
		if !refusable(err) {
			return err
		}
		nf.refuse(err)
		return s.renderCalendarNotice(w, r, actor, refusal(err), nf, nil)
	}
	if in.DryRun {
		nf.Values.Set("year", strconv.Itoa(res.Year))
		return s.renderCalendarNotice(w, r, actor, http.StatusOK, nf, res)
	}
	return s.redirectFlash(w, r, "/desk/admin/calendar", fmt.Sprintf("已导入%d年节假日安排：放假%d天，调休上班%d天；未办结案件的办理期限将随之调整",
		res.Year, len(res.Holidays), len(res.Workdays)))
}

func (s *Server) renderCalendarNotice(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, nf *deskForm, res *app.NoticeResult) error {
	return s.renderCalendarWith(w, r, actor, code, newForm(url.Values{"type": {"rest"}}), nf, res)
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	return s.renderCalendarWith(w, r, actor, code, f, newForm(url.Values{}), nil)
}

func (s *Server) renderCalendarWith(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f, nf *deskForm, res *app.NoticeResult) error {
	ctx := r.Context()
	ovs, err := s.app.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vm := adminCalendarPage{adminBase: s.adminBase(r, actor, "工作日历", "/desk/admin/calendar"), F: f,
		Calc: newForm(url.Values{"from": {q.Get("from")}, "add": {q.Get("add")}}), Warning: s.app.CalendarWarning(ctx),
		Notice: nf, Preview: res}
	cal, err := s.app.Calendar(ctx)
	if err != nil {
		return err
	}
	for y := s.app.Today().Year - 1; y <= s.app.Today().Year+1; y++ {
		vm.Years = append(vm.Years, noticeYear{Year: y, Covered: cal.Covers(y)})
	}
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
			d, provisional, err := s.app.AddWorkdays(ctx, from, add)
			if err != nil {
				vm.Calc.refuse(err)
				break
			}
			vm.Result = &calcResult{From: from, Date: d, Add: add, FromWorkday: cal.IsWorkday(from), FromHoliday: cal.HolidayName(from),
				Provisional: provisional}
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
	Channels        []deskOption
	Units           []deskOption
	// Sample is the question "which policy would such a complaint get?", and Picked
	// its answer.
	Sample *deskForm
	Picked *pickedPolicy
}

// pickedPolicy answers the sample: the policy, its period and the due date of a
// complaint received today.
type pickedPolicy struct {
	Name, Period string
	Default      bool
	Due          tousu.Date
}

// policyRow is a policy in the list, in words.
type policyRow struct {
	tousu.Policy
	KindLabel, CategoryLabel, ClassificationLabel, ChannelLabel, OrgUnitLabel, Period string
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
					"classification": {string(p.Classification)}, "days": {strconv.Itoa(p.Days)}, "unit": {string(p.Unit)},
					"channel": {string(p.Channel)}, "org_unit": {p.OrgUnit}})
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
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	unitNames := map[string]string{}
	for _, u := range units {
		unitNames[u.Code] = u.Name
	}
	vm := adminPoliciesPage{adminBase: s.adminBase(r, actor, "办理时限", "/desk/admin/policies"), F: f,
		Default: period(tousu.Deadline{Days: workday.DefaultPolicy.Days, Unit: workday.DefaultPolicy.Unit}),
		Onsite:  period(tousu.Deadline{Days: workday.OnsitePolicy.Days, Unit: workday.OnsitePolicy.Unit}),
		Kinds:   deskOptions(tousu.Kinds), Categories: categoryOptions(cats, f.Val("category")),
		Classifications: deskOptions(tousu.Classifications), Channels: deskOptions(tousu.Channels),
		Units: unitOptions(units)}
	q := r.URL.Query()
	vm.Sample = newForm(url.Values{"s_kind": {q.Get("s_kind")}, "s_channel": {q.Get("s_channel")}, "s_category": {q.Get("s_category")},
		"s_classification": {q.Get("s_classification")}, "s_unit": {q.Get("s_unit")}})
	if r.Method == http.MethodGet && q.Has("s_kind") {
		pol, err := s.app.PolicyFor(r.Context(), app.PolicySample{Kind: tousu.Kind(q.Get("s_kind")), Channel: tousu.Channel(q.Get("s_channel")),
			Category: q.Get("s_category"), Classification: tousu.Classification(q.Get("s_classification")), Unit: q.Get("s_unit")})
		if err != nil {
			return err
		}
		dl := tousu.Deadline{Days: pol.Days, Unit: pol.Unit, Start: s.app.Today()}
		cal, err := s.app.Calendar(r.Context())
		if err != nil {
			return err
		}
		vm.Picked = &pickedPolicy{Name: pol.Name, Period: period(dl), Default: pol.ID == 0, Due: workday.Due(cal, dl)}
	}
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
		row.ChannelLabel, row.OrgUnitLabel = "任意", "任意"
		if p.Channel != "" {
			row.ChannelLabel = tousu.Channels.Label(p.Channel)
		}
		if p.OrgUnit != "" {
			row.OrgUnitLabel = unitNames[p.OrgUnit] + "及下级"
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
		Classification: tousu.Classification(v.Get("classification")), Days: days, Unit: tousu.DeadlineUnit(v.Get("unit")),
		Channel: tousu.Channel(v.Get("channel")), OrgUnit: v.Get("org_unit")}
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
