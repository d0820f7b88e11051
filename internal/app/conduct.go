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

// 行风督查: checklists, inspections of windows and the rectification (整改) of what they
// find. Supervisors and inspectors plan and record inspections within their subtree;
// completing one opens a rectification task per failed item, due in working days
// (RectificationDaysSetting, default 5); the unit's handler or head submits what was done
// with evidence; an inspector or supervisor verifies it (accepts, or returns it with a
// reason). Overdue tasks warn the unit and climb the escalation ladder (ScanRectifications).

// RectificationDaysSetting keys the working days a rectification task is given.
const RectificationDaysSetting = "rectification.days"

// DefaultRectificationDays is the period of a rectification task until an admin sets one.
const DefaultRectificationDays = 5

// inspectors are the roles that plan, record and verify inspections.
var inspectors = []tousu.Role{tousu.RoleSupervisor, tousu.RoleInspector}

// conductReaders are the roles that read inspections and rectifications in their scope.
var conductReaders = []tousu.Role{tousu.RoleSupervisor, tousu.RoleInspector, tousu.RoleLeader, tousu.RoleHandler}

// covers reports whether unit lies in the actor's subtree (everything at the root).
func (r *reference) covers(actor tousu.Actor, unit string) bool {
	return r.isRoot(actor.Unit) || r.within(unit, actor.Unit)
}

// scopeUnits are the units the actor's subtree holds; nil: everything.
func (r *reference) scopeUnits(actor tousu.Actor) []string {
	if r.isRoot(actor.Unit) {
		return nil
	}
	return r.subtree(actor.Unit)
}

// Checklists returns the checklists: those the admins saved, and the defaults not
// replaced.
func (a *App) Checklists(ctx context.Context, actor tousu.Actor) ([]tousu.Checklist, error) {
	if err := requireRole(actor, append(slices.Clone(conductReaders), tousu.RoleAdmin, tousu.RoleSystem)...); err != nil {
		return nil, err
	}
	return a.checklists(ctx)
}

func (a *App) checklists(ctx context.Context) ([]tousu.Checklist, error) {
	stored, err := a.store.ListChecklists(ctx)
	if err != nil {
		return nil, err
	}
	out := stored
	for _, d := range tousu.DefaultChecklists() {
		if !slices.ContainsFunc(stored, func(c tousu.Checklist) bool { return c.Code == d.Code }) {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(x, y tousu.Checklist) int { return strings.Compare(x.Code, y.Code) })
	return out, nil
}

func (a *App) checklist(ctx context.Context, code string) (*tousu.Checklist, error) {
	all, err := a.checklists(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Code == code {
			return &all[i], nil
		}
	}
	return nil, tousu.Errorf(tousu.KindNotFound, "没有这个督查清单：%s", code)
}

// PutChecklist saves a checklist (admin at the root; audited).
func (a *App) PutChecklist(ctx context.Context, actor tousu.Actor, c tousu.Checklist) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	c.Name = strings.TrimSpace(c.Name)
	for i := range c.Items {
		c.Items[i].Name = strings.TrimSpace(c.Items[i].Name)
		c.Items[i].Rule = strings.TrimSpace(c.Items[i].Rule)
	}
	if err := c.Check(); err != nil {
		return err
	}
	return a.store.PutChecklist(ctx, c, []tousu.AuditRecord{
		a.auditRecord(ctx, actor, "checklist.put", "checklist:"+c.Code, fmt.Sprintf("%s，%d项", c.Name, len(c.Items)))})
}

// NewInspection is what planning an inspection takes.
type NewInspection struct {
	Unit      string               `json:"unit"`
	Kind      tousu.InspectionKind `json:"kind"`
	Date      string               `json:"date"`
	Checklist string               `json:"checklist"`
	Note      string               `json:"note,omitempty"`
}

// InspectionView is an inspection as its readers see it: with the unit's and the items'
// names and the tasks it opened.
type InspectionView struct {
	tousu.Inspection
	UnitName       string                `json:"unit_name"`
	KindLabel      string                `json:"kind_label"`
	ChecklistName  string                `json:"checklist_name"`
	Items          []tousu.ChecklistItem `json:"items"`
	Rectifications []tousu.Rectification `json:"rectifications"`
	MayRecord      bool                  `json:"may_record"`
}

// PlanInspection plans an inspection of a unit in the actor's subtree (supervisor or
// inspector; audited).
func (a *App) PlanInspection(ctx context.Context, actor tousu.Actor, in NewInspection) (*InspectionView, error) {
	if err := requireRole(actor, inspectors...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	if _, ok := ref.unitByCode[in.Unit]; !ok {
		p.Add("unit", "没有这个单位")
	} else if !ref.covers(actor, in.Unit) {
		p.Add("unit", "该单位不在您的督查范围之内")
	}
	if !tousu.InspectionKinds.Valid(in.Kind) {
		p.Add("kind", "督查方式应为 routine（定期检查）、unannounced（明察暗访）或 special（专项督查）")
	}
	day, err := tousu.ParseDate(in.Date)
	if err != nil {
		p.Add("date", tousu.DateProblem(err))
	}
	var cl *tousu.Checklist
	if in.Checklist == "" {
		p.Add("checklist", "请选择督查清单")
	} else if cl, err = a.checklist(ctx, in.Checklist); err != nil {
		p.Add("checklist", "没有这个督查清单")
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		p.Add("note", "说明最多1000字")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	insp := &tousu.Inspection{Unit: in.Unit, Kind: in.Kind, Date: day, Checklist: cl.Code, Status: tousu.InspectionPlanned,
		Inspector: actor.Login, Note: strings.TrimSpace(in.Note), MaxScore: float64(cl.TotalWeight()),
		CreatedAt: a.now().UTC().Truncate(time.Millisecond)}
	detail := fmt.Sprintf("%s %s %s", ref.unitName(in.Unit), tousu.InspectionKinds.Label(in.Kind), day)
	if err := a.store.CreateInspection(ctx, insp, []tousu.AuditRecord{a.auditRecord(ctx, actor, "inspection.create", "", detail)}); err != nil {
		return nil, err
	}
	return a.inspectionView(ctx, ref, actor, insp)
}

func inspectionObject(id int64) string { return "inspection:" + strconv.FormatInt(id, 10) }

func (a *App) inspectionView(ctx context.Context, ref *reference, actor tousu.Actor, in *tousu.Inspection) (*InspectionView, error) {
	v := &InspectionView{Inspection: *in, UnitName: ref.unitName(in.Unit), KindLabel: tousu.InspectionKinds.Label(in.Kind),
		Rectifications: []tousu.Rectification{}}
	if v.Results == nil {
		v.Results = []tousu.InspectionResult{}
	}
	if cl, err := a.checklist(ctx, in.Checklist); err == nil {
		v.ChecklistName, v.Items = cl.Name, cl.Items
	}
	if in.Status == tousu.InspectionCompleted {
		rs, err := a.store.ListRectifications(ctx, tousu.RectificationFilter{InspectionID: in.ID, Limit: 500})
		if err != nil {
			return nil, err
		}
		v.Rectifications = append(v.Rectifications, rs...)
	}
	v.MayRecord = in.Status == tousu.InspectionPlanned && requireRole(actor, inspectors...) == nil && ref.covers(actor, in.Unit)
	return v, nil
}

// loadInspection finds an inspection the actor may read: one of its subtree. Others are
// not found, so that their existence does not leak.
func (a *App) loadInspection(ctx context.Context, actor tousu.Actor, id int64) (*reference, *tousu.Inspection, error) {
	if err := requireRole(actor, conductReaders...); err != nil {
		return nil, nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	in, err := a.store.FindInspection(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !ref.covers(actor, in.Unit) || onlyHandler(actor) && in.Status != tousu.InspectionCompleted {
		// A unit learns of an unannounced inspection when it is completed, not before.
		return nil, nil, tousu.Errorf(tousu.KindNotFound, "未找到该督查记录")
	}
	return ref, in, nil
}

// Inspection returns one inspection the actor may read.
func (a *App) Inspection(ctx context.Context, actor tousu.Actor, id int64) (*InspectionView, error) {
	ref, in, err := a.loadInspection(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return a.inspectionView(ctx, ref, actor, in)
}

// InspectionQuery filters the inspection list.
type InspectionQuery struct {
	Unit, Status, Kind, From, To string
}

// Inspections lists the inspections of the actor's subtree (of one unit's subtree when
// Unit is given), newest first.
func (a *App) Inspections(ctx context.Context, actor tousu.Actor, q InspectionQuery) ([]InspectionView, error) {
	if err := requireRole(actor, conductReaders...); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	f := tousu.InspectionFilter{Units: ref.scopeUnits(actor), Status: q.Status, Kind: tousu.InspectionKind(q.Kind), Limit: 500}
	p := tousu.Problems{}
	if q.Unit != "" {
		if _, ok := ref.unitByCode[q.Unit]; !ok {
			p.Add("unit", "没有这个单位")
		} else if !ref.covers(actor, q.Unit) {
			f.Units = []string{}
		} else {
			f.Units = ref.subtree(q.Unit)
		}
	}
	if q.Status != "" && q.Status != tousu.InspectionPlanned && q.Status != tousu.InspectionCompleted {
		p.Add("status", "状态应为 planned 或 completed")
	}
	if q.Kind != "" && !tousu.InspectionKinds.Valid(f.Kind) {
		p.Add("kind", "督查方式应为 routine、unannounced 或 special")
	}
	f.From, f.To = parseDay(p, "from", q.From), parseDay(p, "to", q.To)
	if onlyHandler(actor) {
		if q.Status == tousu.InspectionPlanned {
			return []InspectionView{}, p.Err()
		}
		f.Status = tousu.InspectionCompleted
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	list, err := a.store.ListInspections(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]InspectionView, 0, len(list))
	for i := range list {
		v := InspectionView{Inspection: list[i], UnitName: ref.unitName(list[i].Unit), KindLabel: tousu.InspectionKinds.Label(list[i].Kind)}
		if cl, err := a.checklist(ctx, list[i].Checklist); err == nil {
			v.ChecklistName = cl.Name
		}
		out = append(out, v)
	}
	return out, nil
}

func parseDay(p tousu.Problems, field, s string) tousu.Date {
	if s == "" {
		return tousu.Date{}
	}
	d, err := tousu.ParseDate(s)
	if err != nil {
		p.Add(field, tousu.DateProblem(err))
	}
	return d
}

// RecordResults records the results of items of a planned inspection, replacing what
// was recorded for the same items (supervisor or inspector in scope; audited).
func (a *App) RecordResults(ctx context.Context, actor tousu.Actor, id int64, results []tousu.InspectionResult) (*InspectionView, error) {
	ref, in, err := a.loadInspection(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := requireRole(actor, inspectors...); err != nil {
		return nil, err
	}
	if in.Status != tousu.InspectionPlanned {
		return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "督查已完成，不能再修改检查结果"}
	}
	cl, err := a.checklist(ctx, in.Checklist)
	if err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	if len(results) == 0 {
		p.Add("items", "请至少填写一项检查结果")
	}
	staff, err := a.store.ListStaff(ctx, "")
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, s := range staff {
		known[s.Badge] = true
	}
	for i, r := range results {
		f := fmt.Sprintf("items[%d].", i)
		it, ok := cl.Item(r.Item)
		if !ok {
			p.Add(f+"item", "清单中没有这一项")
			continue
		}
		if r.Result != tousu.ResultPass && r.Result != tousu.ResultFail {
			p.Add(f+"result", "结果应为 pass（合格）或 fail（不合格）")
		}
		if r.Score != nil && (*r.Score < 0 || *r.Score > float64(it.Weight)) {
			p.Add(f+"score", fmt.Sprintf("得分应在0至%d之间", it.Weight))
		}
		if utf8.RuneCountInString(r.Note) > 1000 {
			p.Add(f+"note", "说明最多1000字")
		}
		if r.Result == tousu.ResultFail && strings.TrimSpace(r.Note) == "" {
			p.Add(f+"note", "不合格项请写明发现的问题")
		}
		for _, b := range r.Staff {
			if !known[b] {
				p.Add(f+"staff", "没有工号为“"+b+"”的工作人员")
			}
		}
		results[i].Note = strings.TrimSpace(r.Note)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	for _, r := range results {
		if j := slices.IndexFunc(in.Results, func(x tousu.InspectionResult) bool { return x.Item == r.Item }); j >= 0 {
			in.Results[j] = r
		} else {
			in.Results = append(in.Results, r)
		}
	}
	score(in, cl)
	var fails []string
	for _, r := range results {
		fails = append(fails, r.Item+"="+r.Result)
	}
	if err := a.store.UpdateInspection(ctx, in, nil, nil, []tousu.AuditRecord{
		a.auditRecord(ctx, actor, "inspection.results", inspectionObject(in.ID), strings.Join(fails, ","))}); err != nil {
		return nil, err
	}
	return a.inspectionView(ctx, ref, actor, in)
}

// score sets an inspection's score and failed count: each item its score when given,
// else its weight when passed and nothing when failed.
func score(in *tousu.Inspection, cl *tousu.Checklist) {
	in.Score, in.Failed, in.MaxScore = 0, 0, float64(cl.TotalWeight())
	for _, r := range in.Results {
		it, ok := cl.Item(r.Item)
		if !ok {
			continue
		}
		switch {
		case r.Score != nil:
			in.Score += *r.Score
		case r.Result == tousu.ResultPass:
			in.Score += float64(it.Weight)
		}
		if r.Result == tousu.ResultFail {
			in.Failed++
		}
	}
}

// rectificationDays is the working days a rectification task is given.
func (r *reference) rectificationDays() int {
	if n, err := strconv.Atoi(r.settings[RectificationDaysSetting]); err == nil && n > 0 && n <= 60 {
		return n
	}
	return DefaultRectificationDays
}

// CompleteInspection completes a planned inspection whose every item has a result and
// opens a rectification task for each failed item, due in the policy's working days
// (supervisor or inspector in scope; audited).
func (a *App) CompleteInspection(ctx context.Context, actor tousu.Actor, id int64) (*InspectionView, error) {
	ref, in, err := a.loadInspection(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := requireRole(actor, inspectors...); err != nil {
		return nil, err
	}
	if in.Status != tousu.InspectionPlanned {
		return nil, &tousu.Error{Kind: tousu.KindTransition, Message: "该督查已完成"}
	}
	cl, err := a.checklist(ctx, in.Checklist)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, it := range cl.Items {
		if _, ok := in.Result(it.Code); !ok {
			missing = append(missing, it.Name)
		}
	}
	if len(missing) > 0 {
		return nil, tousu.Problems{"items": "以下检查项还没有结果：" + strings.Join(missing, "、")}.Err()
	}
	score(in, cl)
	now := a.now().UTC().Truncate(time.Millisecond)
	in.Status, in.CompletedAt = tousu.InspectionCompleted, &now
	due := ref.cal.AddWorkdays(a.Today(), ref.rectificationDays())
	var rects []tousu.Rectification
	for _, it := range cl.Items {
		r, _ := in.Result(it.Code)
		if r.Result != tousu.ResultFail {
			continue
		}
		rects = append(rects, tousu.Rectification{Source: "inspection", InspectionID: in.ID, Unit: in.Unit, Item: it.Code,
			ItemName: it.Name, Finding: r.Note, Staff: r.Staff, DueDate: due, Status: tousu.RectOpen, Inspector: in.Inspector,
			CreatedAt: now})
	}
	detail := fmt.Sprintf("得分%g/%g，不合格%d项，整改期限%s", in.Score, in.MaxScore, in.Failed, due)
	var msgs []tousu.Message
	if len(rects) > 0 {
		// The unit learns of the tasks (and of an unannounced inspection) now.
		body := fmt.Sprintf("%s对%s的%s发现%d项问题，请于%s前整改并提交整改情况。", in.Date, ref.unitName(in.Unit),
			tousu.InspectionKinds.Label(in.Kind), len(rects), due)
		seen := map[string]bool{}
		for _, l := range a.unitAccounts(ctx, ref, in.Unit) {
			if !seen[l] {
				seen[l] = true
				msgs = append(msgs, tousu.Message{Channel: tousu.MessageDesk, ToLogin: l, Subject: "督查整改通知", Body: body, CreatedAt: now})
			}
		}
	}
	if err := a.store.UpdateInspection(ctx, in, rects, msgs, []tousu.AuditRecord{
		a.auditRecord(ctx, actor, "inspection.complete", inspectionObject(in.ID), detail)}); err != nil {
		return nil, err
	}
	return a.inspectionView(ctx, ref, actor, in)
}

// AddInspectionPhotos stores photos of an inspection, for an item or the whole
// (supervisor or inspector in scope; audited).
func (a *App) AddInspectionPhotos(ctx context.Context, actor tousu.Actor, id int64, item string, uploads []Upload) (*InspectionView, error) {
	ref, in, err := a.loadInspection(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := requireRole(actor, inspectors...); err != nil {
		return nil, err
	}
	if item != "" {
		cl, err := a.checklist(ctx, in.Checklist)
		if err != nil {
			return nil, err
		}
		if _, ok := cl.Item(item); !ok {
			return nil, tousu.Problems{"item": "清单中没有这一项"}.Err()
		}
	}
	files, err := a.conductFiles(ctx, actor, item, uploads)
	if err != nil {
		return nil, err
	}
	if err := a.store.AddConductFiles(ctx, inspectionObject(in.ID), files, []tousu.AuditRecord{
		a.auditRecord(ctx, actor, "inspection.photo", inspectionObject(in.ID), fmt.Sprintf("%d个文件", len(files)))}); err != nil {
		return nil, err
	}
	in.Photos = append(in.Photos, files...)
	return a.inspectionView(ctx, ref, actor, in)
}

func (a *App) conductFiles(ctx context.Context, actor tousu.Actor, item string, uploads []Upload) ([]tousu.ConductFile, error) {
	if len(uploads) == 0 {
		return nil, tousu.Problems{"evidence": "请选择要上传的照片或文件"}.Err()
	}
	atts, err := attachments(uploads, actor.Login, a.now().UTC().Truncate(time.Millisecond))
	if err != nil {
		return nil, err
	}
	if err := a.checkStorage(ctx, atts); err != nil {
		return nil, err
	}
	files := make([]tousu.ConductFile, len(atts))
	for i, at := range atts {
		files[i] = tousu.ConductFile{Attachment: at, Item: item}
	}
	return files, nil
}

// OpenInspectionPhoto returns a photo of an inspection the actor may read.
func (a *App) OpenInspectionPhoto(ctx context.Context, actor tousu.Actor, id, photo int64) (*tousu.ConductFile, error) {
	if _, _, err := a.loadInspection(ctx, actor, id); err != nil {
		return nil, err
	}
	return a.store.OpenConductFile(ctx, inspectionObject(id), photo)
}

// CanSeeConduct reports, as an error, whether the actor may open the 督查 pages.
func CanSeeConduct(actor tousu.Actor) error { return requireRole(actor, conductReaders...) }

// CanInspect reports, as an error, whether the actor plans and records inspections.
func CanInspect(actor tousu.Actor) error { return requireRole(actor, inspectors...) }

// RectificationDays is the working days a rectification task is given.
func (a *App) RectificationDays(ctx context.Context) (int, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return 0, err
	}
	return ref.rectificationDays(), nil
}

// SetRectificationDays sets the working days rectification tasks are given from now on
// (admin at the root; audited).
func (a *App) SetRectificationDays(ctx context.Context, actor tousu.Actor, n int) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if n < 1 || n > 60 {
		return tousu.Problems{"rectification_days": "整改期限应为1至60个工作日"}.Err()
	}
	return a.putSetting(ctx, actor, "rectification.days", RectificationDaysSetting, strconv.Itoa(n))
}
