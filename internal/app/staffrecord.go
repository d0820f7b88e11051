package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
)

// The staff record (个人档案): for one staff member and a period, the complaints naming
// them by finding, the measures and discipline outcomes, inspection findings, praise,
// sanctions, accountability records computed from events, training and evaluations.
// It is read by supervisors, inspectors and leaders whose subtree holds the person's
// unit, never by the person (recusal), never with a complainant's identity, and every
// view is audited.

// recordReaders may read staff records in their scope.
var recordReaders = []tousu.Role{tousu.RoleSupervisor, tousu.RoleInspector, tousu.RoleLeader}

// StaffRecord is the record of one staff member over a period.
type StaffRecord struct {
	Badge          string                 `json:"badge"`
	Name           string                 `json:"name"`
	Unit           string                 `json:"unit"`
	UnitName       string                 `json:"unit_name"`
	From           tousu.Date             `json:"from"`
	To             tousu.Date             `json:"to"`
	Complaints     ComplaintFigures       `json:"complaints"`
	Evaluations    StaffEvaluations       `json:"evaluations"`
	Inspections    InspectionFigures      `json:"inspections"`
	Praise         []tousu.StaffEntry     `json:"praise"`
	Sanctions      []tousu.StaffEntry     `json:"sanctions"`
	Accountability []AccountabilityRecord `json:"accountability"`
	Training       []tousu.StaffEntry     `json:"training"`
}

// ComplaintFigures count the complaints naming a person (or a unit) by finding. Those
// confirmed malicious are left out of every figure but Malicious.
type ComplaintFigures struct {
	Total      int            `json:"total"`
	Founded    int            `json:"founded"` // 属实 and 部分属实
	ByFinding  map[string]int `json:"by_finding"`
	Measures   map[string]int `json:"measures"`
	Discipline map[string]int `json:"discipline"`
	Pending    int            `json:"pending"` // not decided yet
	Malicious  int            `json:"malicious"`
	Items      []ComplaintRef `json:"items"`
}

// ComplaintRef is a complaint in the staff record: never its complainant.
type ComplaintRef struct {
	Number     string        `json:"number"`
	ReceivedOn tousu.Date    `json:"received_on"`
	Status     tousu.Status  `json:"status"`
	Finding    tousu.Finding `json:"finding,omitempty"`
	Malicious  bool          `json:"malicious,omitempty"`
}

// StaffEvaluations are the 好差评 figures of a person over the record's period, ratings
// excluded by an upheld appeal left out. Available is false when they could not be read:
// the record then says so instead of showing zeros.
type StaffEvaluations struct {
	Available bool           `json:"available"`
	Total     int            `json:"total"`
	ByLevel   map[string]int `json:"by_level,omitempty"`
	GoodRate  float64        `json:"good_rate"`
	Bad       int            `json:"bad"`
}

// InspectionFigures are the inspection findings naming a person.
type InspectionFigures struct {
	Failed   int                 `json:"failed"`
	Findings []InspectionFinding `json:"findings"`
}

// InspectionFinding is a failed item of an inspection naming the person.
type InspectionFinding struct {
	InspectionID int64      `json:"inspection_id"`
	Date         tousu.Date `json:"date"`
	Unit         string     `json:"unit"`
	Item         string     `json:"item"`
	ItemName     string     `json:"item_name"`
	Note         string     `json:"note"`
}

// evaluationFigures are the 好差评 figures of badge over [from, to] (evaluations.go):
// counts by level, 好评率 as a percentage, 差评.
func (a *App) evaluationFigures(ctx context.Context, badge string, from, to tousu.Date) StaffEvaluations {
	counts, err := a.store.EvaluationStats(ctx, tousu.EvaluationStatsFilter{GroupBy: "staff",
		From: from.Midnight(a.loc), To: to.AddDays(1).Midnight(a.loc)})
	if err != nil {
		return StaffEvaluations{}
	}
	fig := StaffEvaluations{Available: true, ByLevel: map[string]int{}}
	for _, c := range counts {
		if c.Key != badge {
			continue
		}
		fig.Total, fig.Bad = c.Total, c.Bad
		for i, n := range c.Levels {
			if n > 0 {
				fig.ByLevel[strconv.Itoa(i+1)] = n
			}
		}
		if c.Total > 0 {
			fig.GoodRate = round1(100 * float64(c.Good) / float64(c.Total))
		}
	}
	return fig
}

// period reads a record's period: from/to as YYYY-MM-DD, by default the year to date.
func (a *App) period(from, to string) (tousu.Date, tousu.Date, error) {
	p := tousu.Problems{}
	f, t := parseDay(p, "from", from), parseDay(p, "to", to)
	if err := p.Err(); err != nil {
		return f, t, err
	}
	today := a.Today()
	if t.IsZero() {
		t = today
	}
	if f.IsZero() {
		f = tousu.Date{Year: t.Year, Month: 1, Day: 1}
	}
	if t.Before(f) {
		return f, t, tousu.Problems{"to": "结束日期不能早于开始日期"}.Err()
	}
	return f, t, nil
}

// mayReadRecord checks that the actor may read badge's record: a reader role whose
// subtree holds the person's unit, and not the person.
func (a *App) mayReadRecord(ctx context.Context, actor tousu.Actor, badge string) (*reference, *tousu.Staff, error) {
	if err := requireRole(actor, recordReaders...); err != nil {
		return nil, nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := a.store.FindStaff(ctx, badge)
	if err != nil {
		return nil, nil, err
	}
	if actor.IsTarget(badge) {
		return nil, nil, tousu.Errorf(tousu.KindForbidden, "不能查看本人的个人档案")
	}
	if !ref.covers(actor, st.Unit) {
		return nil, nil, tousu.Errorf(tousu.KindNotFound, "未找到该工作人员")
	}
	return ref, st, nil
}

// StaffRecordOf is the record of badge over [from, to] (YYYY-MM-DD; default the year to
// date). Audited.
func (a *App) StaffRecordOf(ctx context.Context, actor tousu.Actor, badge, from, to string) (*StaffRecord, error) {
	ref, st, err := a.mayReadRecord(ctx, actor, badge)
	if err != nil {
		return nil, err
	}
	f, t, err := a.period(from, to)
	if err != nil {
		return nil, err
	}
	rec := &StaffRecord{Badge: st.Badge, Name: st.Name, Unit: st.Unit, UnitName: ref.unitName(st.Unit), From: f, To: t,
		Praise: []tousu.StaffEntry{}, Sanctions: []tousu.StaffEntry{}, Training: []tousu.StaffEntry{},
		Accountability: []AccountabilityRecord{}}
	if rec.Complaints, err = a.complaintFigures(ctx, tousu.ComplaintFilter{TargetStaff: badge}, f, t); err != nil {
		return nil, err
	}
	rec.Evaluations = a.evaluationFigures(ctx, badge, f, t)
	if rec.Inspections, err = a.inspectionFigures(ctx, ref, badge, f, t); err != nil {
		return nil, err
	}
	entries, err := a.store.ListStaffEntries(ctx, tousu.StaffEntryFilter{Badges: []string{badge}, From: f, To: t})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		switch e.Kind {
		case tousu.EntryPraise:
			rec.Praise = append(rec.Praise, e)
		case tousu.EntrySanction:
			rec.Sanctions = append(rec.Sanctions, e)
		case tousu.EntryTraining:
			rec.Training = append(rec.Training, e)
		}
	}
	acc, err := a.accountability(ctx, f, t, badge)
	if err != nil {
		return nil, err
	}
	rec.Accountability = append(rec.Accountability, acc...)
	if err := a.audit(ctx, actor, "staff.record", "staff:"+badge, fmt.Sprintf("%s 至 %s", f, t)); err != nil {
		return nil, err
	}
	return rec, nil
}

// window is [from, to] as instants in the deployment's zone, to inclusive.
func (a *App) window(from, to tousu.Date) (time.Time, time.Time) {
	return from.Midnight(a.loc), to.AddDays(1).Midnight(a.loc)
}

// eachComplaint runs do on every complaint f selects received within [from, to], page by
// page (one person's, in the staff record).
func (a *App) eachComplaint(ctx context.Context, f tousu.ComplaintFilter, from, to tousu.Date, do func(*tousu.Complaint)) error {
	f.From, f.To = a.window(from, to)
	f.Order, f.Limit = tousu.OrderNewest, 500
	for {
		cs, err := a.store.ListComplaints(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range cs {
			do(c)
		}
		if len(cs) < f.Limit {
			return nil
		}
		last := cs[len(cs)-1]
		f.After = &tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
	}
}

// confirmedMalicious is the set of complaint numbers confirmed malicious.
func (a *App) confirmedMalicious(ctx context.Context, staff string) (map[string]bool, error) {
	ms, err := a.store.ListMalicious(ctx, tousu.MaliciousFilter{Status: tousu.MaliciousConfirmed, Staff: staff, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, m := range ms {
		out[m.Number] = true
	}
	return out, nil
}

// complaintFigures counts the complaints f selects received within [from, to].
func (a *App) complaintFigures(ctx context.Context, f tousu.ComplaintFilter, from, to tousu.Date) (ComplaintFigures, error) {
	cf := ComplaintFigures{ByFinding: map[string]int{}, Measures: map[string]int{}, Discipline: map[string]int{}, Items: []ComplaintRef{}}
	mal, err := a.confirmedMalicious(ctx, f.TargetStaff)
	if err != nil {
		return cf, err
	}
	err = a.eachComplaint(ctx, f, from, to, func(c *tousu.Complaint) {
		ref := ComplaintRef{Number: c.Number, ReceivedOn: tousu.DateOf(c.ReceivedAt.In(a.loc)), Status: c.Status}
		if c.Decision != nil {
			ref.Finding = c.Decision.Finding
		}
		if mal[c.Number] || c.Marks&tousu.MarkMalicious != 0 {
			ref.Malicious = true
			cf.Malicious++
			cf.Items = append(cf.Items, ref)
			return
		}
		cf.Items = append(cf.Items, ref)
		cf.Total++
		if c.Decision == nil {
			cf.Pending++
		} else {
			cf.ByFinding[string(c.Decision.Finding)]++
			if founded(c) {
				cf.Founded++
			}
			for _, m := range c.Decision.Measures {
				cf.Measures[string(m)]++
			}
		}
		if o := c.Handling.DisciplineOutcome; o != nil {
			cf.Discipline[string(o.Outcome)]++
		}
	})
	return cf, err
}

func founded(c *tousu.Complaint) bool {
	return c.Decision != nil && (c.Decision.Finding == tousu.FindingFounded || c.Decision.Finding == tousu.FindingPartly)
}

// inspectionFigures are the failed items naming badge in inspections within [from, to].
func (a *App) inspectionFigures(ctx context.Context, ref *reference, badge string, from, to tousu.Date) (InspectionFigures, error) {
	fig := InspectionFigures{Findings: []InspectionFinding{}}
	list, err := a.store.ListInspections(ctx, tousu.InspectionFilter{Staff: badge, Status: tousu.InspectionCompleted, From: from, To: to, Limit: 1000})
	if err != nil {
		return fig, err
	}
	for _, in := range list {
		cl, _ := a.checklist(ctx, in.Checklist)
		for _, r := range in.Results {
			if r.Result != tousu.ResultFail || !slices.Contains(r.Staff, badge) {
				continue
			}
			name := r.Item
			if cl != nil {
				if it, ok := cl.Item(r.Item); ok {
					name = it.Name
				}
			}
			fig.Failed++
			fig.Findings = append(fig.Findings, InspectionFinding{InspectionID: in.ID, Date: in.Date, Unit: in.Unit,
				Item: r.Item, ItemName: name, Note: r.Note})
		}
	}
	return fig, nil
}

// NewStaffEntry is a praise, a sanction or a training as recorded.
type NewStaffEntry struct {
	Type      string `json:"type"`
	Date      string `json:"date"`
	Reason    string `json:"reason"`
	Source    string `json:"source"`
	SourceRef string `json:"source_ref"`
	Course    string `json:"course"`
	Result    string `json:"result"`
	Hours     int    `json:"hours"`
}

// CanAddStaffEntry is nil when actor's roles may record an entry of kind: praise by
// leaders and supervisors, sanctions by inspectors, training by any reader of the record.
func CanAddStaffEntry(actor tousu.Actor, kind string) error {
	switch kind {
	case tousu.EntryPraise:
		return requireRole(actor, tousu.RoleLeader, tousu.RoleSupervisor)
	case tousu.EntrySanction:
		return requireRole(actor, tousu.RoleInspector)
	case tousu.EntryTraining:
		return requireRole(actor, recordReaders...)
	}
	return tousu.Errorf(tousu.KindNotFound, "没有这种记录")
}

// AddStaffEntry records a praise (leaders and supervisors), a sanction (inspectors) or a
// training (supervisors, inspectors, leaders) for badge in the actor's scope. Audited.
func (a *App) AddStaffEntry(ctx context.Context, actor tousu.Actor, badge, kind string, in NewStaffEntry) (*tousu.StaffEntry, error) {
	if err := CanAddStaffEntry(actor, kind); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	st, err := a.store.FindStaff(ctx, badge)
	if err != nil {
		return nil, err
	}
	if !ref.covers(actor, st.Unit) {
		return nil, tousu.Errorf(tousu.KindNotFound, "未找到该工作人员")
	}
	if actor.IsTarget(badge) {
		return nil, tousu.Errorf(tousu.KindForbidden, "不能为本人记录")
	}
	p := tousu.Problems{}
	e := &tousu.StaffEntry{Badge: badge, Kind: kind, Type: in.Type, Reason: strings.TrimSpace(in.Reason), Source: in.Source,
		SourceRef: strings.TrimSpace(in.SourceRef), Result: strings.TrimSpace(in.Result), Hours: in.Hours, By: actor.Login,
		At: a.now().UTC().Truncate(time.Millisecond)}
	e.Date = parseDay(p, "date", in.Date)
	if in.Date == "" {
		e.Date = a.Today()
	}
	switch kind {
	case tousu.EntryPraise, tousu.EntrySanction:
		types := tousu.PraiseTypes
		if kind == tousu.EntrySanction {
			types = tousu.SanctionTypes
		}
		if !types.Valid(in.Type) {
			p.Add("type", "类型应为："+strings.Join(types.Values(), "、"))
		}
		if e.Reason == "" {
			p.Add("reason", "请写明事由")
		}
		if in.Source != "" && !tousu.EntrySources.Valid(in.Source) {
			p.Add("source", "来源应为 complaint、evaluation、inspection 或 other")
		}
		if in.Source == "complaint" {
			if _, _, err := a.load(ctx, actor, e.SourceRef); err != nil {
				p.Add("source_ref", "未找到该投诉件")
			}
		}
		if in.Source == "inspection" {
			var id int64
			if _, err := fmt.Sscan(e.SourceRef, &id); err != nil || id <= 0 {
				p.Add("source_ref", "请填写督查记录编号")
			} else if _, _, err := a.loadInspection(ctx, actor, id); err != nil {
				p.Add("source_ref", "未找到该督查记录")
			}
		}
		if in.Course != "" || in.Hours != 0 {
			p.Add("course", "表扬和处理记录没有课程")
		}
	case tousu.EntryTraining:
		e.Reason = strings.TrimSpace(in.Course)
		if e.Reason == "" {
			p.Add("course", "请填写培训课程")
		}
		if in.Hours < 0 || in.Hours > 1000 {
			p.Add("hours", "学时应为0至1000")
		}
		if in.Type != "" || in.Source != "" || in.Reason != "" {
			p.Add("type", "培训记录只填写课程、日期、学时和结果")
		}
	}
	if utf8.RuneCountInString(e.Reason) > 1000 || utf8.RuneCountInString(e.Result) > 200 || len(e.SourceRef) > 64 {
		p.Add("reason", "内容过长")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := a.store.AddStaffEntry(ctx, e, []tousu.AuditRecord{a.auditRecord(ctx, actor, "staff."+kind, "staff:"+badge,
		e.Type+" "+e.Date.String())}); err != nil {
		return nil, err
	}
	return e, nil
}
