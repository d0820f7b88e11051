// Package demo loads a demonstration organisation and a few hundred realistic complaints
// into a tousu database, for trying the system out (`tousu demo`).
//
// Everything goes through the use cases of internal/app — PutUnit, PutStaff, CreateUser,
// Register, Act — so that every rule applies and every event and audit record is real.
// The organisation is 和平区政务服务中心 (unit code "hx-center") under the root unit,
// with its 投诉督查处, a 综合受理窗口, six stationed departments (人社、医保、不动产登记、
// 户政、市场监管、税务) with fifteen windows, and 39 staff members with badges HX0001….
//
// Demo accounts, all with the password "demo-password-2026" (the constant Password):
//
//	clerk        受理员, 首诉责任人 at the 综合受理窗口 (badge HX0001)
//	supervisor   督查员 of the centre (HX0902)
//	inspector    纪检 of the centre
//	leader       中心主任: instructions (批示) and extension approvals (HX0900)
//	handler-rs   承办人 of the 人社局, its head (HX0101)
//	handler-yb   承办人 of the 医保局, its head (HX0201)
//	handler-bdc  承办人 of the 不动产登记中心, its head (HX0301)
//	handler-dc   承办人 of the 投诉督查处 itself, for the cases it handles itself (HX0903)
//
// Complaints are received over the last 90 days before the app's clock and have been
// driven through the lifecycle as far as their age makes natural: the oldest are mostly
// closed or archived, the newest registered or being worked. Their texts are built from
// templates, deterministically from Options.Seed; names, telephone numbers and ID numbers
// are invented (ID numbers carry a correct check character, e-mail addresses are at
// example.com).
//
// Load is idempotent: when the centre's unit exists it does nothing.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
)

// Options configure Load.
type Options struct {
	// Complaints is how many complaints to load; 0 means DefaultComplaints.
	Complaints int
	// Seed makes the content deterministic: the same seed, clock and calendar give the
	// same complaints.
	Seed int64
}

// TopName is the name the demo gives the top unit of the tree.
const TopName = "和平区人民政府"

// DefaultComplaints is the number of complaints loaded when Options.Complaints is 0.
const DefaultComplaints = 300

// Summary says what Load did.
type Summary struct {
	Units      int // units created
	Staff      int // staff members created
	Users      int // accounts created
	Complaints int // complaints registered
	Ratings    int // 好差评 ratings of the windows
	// Inspections and StaffEntries are the 行风督查 loaded (conduct.go).
	Inspections  int
	StaffEntries int
	// ByStatus counts the loaded complaints by the status they were left in.
	ByStatus map[tousu.Status]int
	// Skipped is true when the demo was loaded before and nothing was done.
	Skipped bool
}

// String is a short Chinese report for the command line.
func (s Summary) String() string {
	if s.Skipped {
		return "演示数据已存在（单位 " + CentreCode + "），未做任何更改。"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "已载入演示数据：单位 %d 个，工作人员 %d 名，账号 %d 个（密码 %s），投诉件 %d 件，窗口评价 %d 条，督查 %d 次，表扬、处理与培训记录 %d 条。\n",
		s.Units, s.Staff, s.Users, Password, s.Complaints, s.Ratings, s.Inspections, s.StaffEntries)
	for _, st := range tousu.Statuses.Values() {
		if n := s.ByStatus[st]; n > 0 {
			fmt.Fprintf(&b, "  %s %d\n", tousu.Statuses.Label(st), n)
		}
	}
	return b.String()
}

// staffByBadge indexes staffList.
var staffByBadge = func() map[string]tousu.Staff {
	m := make(map[string]tousu.Staff, len(staffList))
	for _, s := range staffList {
		m[s.Badge] = s
	}
	return m
}()

// loaderActor is who creates the organisation: the command line acting as an admin.
// PutUnit and PutStaff require the admin role, which tousu.SystemActor does not hold.
var loaderActor = tousu.Actor{Login: tousu.SystemActor.Login, Name: "系统（演示数据）",
	Roles: []tousu.Role{tousu.RoleSystem, tousu.RoleAdmin}}

// Load loads the demo organisation, accounts and opts.Complaints complaints through a's
// use cases. It does nothing and reports Skipped when the demo centre exists already.
func Load(ctx context.Context, a *app.App, opts Options) (Summary, error) {
	sum := Summary{ByStatus: map[tousu.Status]int{}}
	n := opts.Complaints
	if n == 0 {
		n = DefaultComplaints
	}
	if n < 0 {
		return sum, tousu.Errorf(tousu.KindInvalid, "演示投诉件数量不能为负数")
	}
	if err := a.EnsureBase(ctx); err != nil {
		return sum, err
	}
	existing, err := a.Units(ctx)
	if err != nil {
		return sum, err
	}
	root := ""
	for _, u := range existing {
		if u.Code == CentreCode {
			sum.Skipped = true
			return sum, nil
		}
		if u.Parent == "" {
			root = u.Code
		}
	}
	if err := precheck(ctx, a); err != nil {
		return sum, err
	}

	// The top unit gets the demo's real name, so that no page says 本机构.
	for _, u := range existing {
		if u.Code == root && u.Name != TopName {
			u.Name = TopName
			if err := a.PutUnit(ctx, loaderActor, u); err != nil {
				return sum, fmt.Errorf("demo: top unit: %w", err)
			}
		}
	}
	for _, u := range units(root) {
		if err := a.PutUnit(ctx, loaderActor, u); err != nil {
			return sum, fmt.Errorf("demo: unit %s: %w", u.Code, err)
		}
		sum.Units++
	}
	for _, s := range staffList {
		s.Active = true
		if err := a.PutStaff(ctx, loaderActor, s); err != nil {
			return sum, fmt.Errorf("demo: staff %s: %w", s.Badge, err)
		}
		sum.Staff++
	}
	for _, ac := range accounts {
		if _, err := a.CreateUser(ctx, tousu.SystemActor, app.NewUser{Login: ac.login, Name: ac.name,
			Roles: []tousu.Role{ac.role}, Unit: ac.unit, Staff: ac.staff, Password: Password}); err != nil {
			return sum, fmt.Errorf("demo: account %s: %w", ac.login, err)
		}
		sum.Users++
	}

	l, err := newLoader(ctx, a, opts.Seed)
	if err != nil {
		return sum, err
	}
	l.minOverdue, l.maxOverdue = max(1, n/100), max(1, n/30)
	cal, err := a.Calendar(ctx)
	if err != nil {
		return sum, err
	}
	pl := &planner{r: rand.New(rand.NewPCG(uint64(opts.Seed), 0x746f757375)), now: a.Now(), cal: cal}
	plans := pl.plans(n)
	for _, p := range plans {
		if err := l.register(p); err != nil {
			return sum, err
		}
		sum.Complaints++
	}
	// Duplicates are merged while their survivors are still open.
	for _, p := range plans {
		if p.path == pathMerge {
			if err := l.drive(p); err != nil {
				return sum, err
			}
		}
	}
	for _, p := range plans {
		if p.path != pathMerge {
			if err := l.drive(p); err != nil {
				return sum, err
			}
		}
	}
	for _, p := range plans {
		sum.ByStatus[p.view.Status]++
	}
	if sum.Ratings, err = l.rate(root); err != nil {
		return sum, err
	}
	cs, err := l.conduct()
	sum.Inspections, sum.StaffEntries = cs.Inspections, cs.Entries
	if err != nil {
		return sum, err
	}
	return sum, nil
}

// precheck refuses to start when the categories the demo uses are missing or a demo
// login is taken, before anything is written.
func precheck(ctx context.Context, a *app.App) error {
	cats, err := a.Categories(ctx)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, c := range cats {
		have[c.Code] = true
	}
	var missing []string
	for _, c := range app.DefaultCategories {
		if c.Code != "medical" && !have[c.Code] {
			missing = append(missing, c.Code)
		}
	}
	if len(missing) > 0 {
		return tousu.Errorf(tousu.KindConflict, "演示数据需要默认投诉类别，缺少：%s", strings.Join(missing, ", "))
	}
	for _, ac := range accounts {
		_, err := a.Store().FindUser(ctx, ac.login)
		switch {
		case err == nil:
			return tousu.Errorf(tousu.KindConflict, "账号 %s 已存在，不能载入演示数据", ac.login)
		case !tousu.IsKind(err, tousu.KindNotFound):
			return err
		}
	}
	return nil
}

// loader drives planned complaints through the use cases, each act by the account whose
// job it is.
type loader struct {
	ctx  context.Context
	a    *app.App // acting at the loader's clock, t
	live *app.App // acting now
	r    *rand.Rand

	// History is replayed at plausible times: each complaint is registered when it was
	// received and every later act a little after the one before, never after now.
	t, now time.Time

	clerk, supervisor, inspector, leader tousu.Actor
	handlers                             map[string]tousu.Actor
	// deniedOnce: the leader has refused one extension already (the demo shows one).
	deniedOnce bool
	registered int // the clerk's registrations with a phone, for amend

	// Overdue cases left as they are: at least minOverdue, at most maxOverdue.
	overdue, minOverdue, maxOverdue int
}

func newLoader(ctx context.Context, a *app.App, seed int64) (*loader, error) {
	l := &loader{ctx: ctx, r: rand.New(rand.NewPCG(uint64(seed), 0x6c6f6164)), handlers: map[string]tousu.Actor{},
		now: a.Now(), live: a}
	l.t = l.now
	l.a = a.WithClock(func() time.Time { return l.t })
	for _, ac := range accounts {
		u, err := a.Store().FindUser(ctx, ac.login)
		if err != nil {
			return nil, err
		}
		switch ac.role {
		case tousu.RoleClerk:
			l.clerk = u.Actor()
		case tousu.RoleSupervisor:
			l.supervisor = u.Actor()
		case tousu.RoleInspector:
			l.inspector = u.Actor()
		case tousu.RoleLeader:
			l.leader = u.Actor()
		case tousu.RoleHandler:
			l.handlers[ac.login] = u.Actor()
		}
	}
	return l, nil
}

// register keys the complaint in: at the counter by the clerk (首诉责任人); what comes by
// hotline, the web, e-mail or from other bodies by the supervision office. The portal's
// own path cannot backdate, so portal complaints are keyed in by the office too.
func (l *loader) register(p *plan) error {
	who := l.supervisor
	switch p.channel {
	case tousu.ChannelVisit, tousu.ChannelPhone, tousu.ChannelBox, tousu.ChannelCommentBook,
		tousu.ChannelEvaluation, tousu.ChannelLetter, tousu.ChannelKiosk:
		who = l.clerk
	}
	if p.in.Target.Staff != "" && p.in.Target.Staff == who.Staff {
		who = l.supervisor // nobody registers a complaint about themselves
	}
	// Registered a few minutes after it was received (letters: the same day).
	l.t = p.at.Add(time.Duration(2+l.r.IntN(40)) * time.Minute)
	if l.t.After(l.now) {
		l.t = l.now
	}
	p.last = l.t
	v, err := l.a.Register(l.ctx, who, p.in, app.RegisterOptions{})
	if err != nil {
		return fmt.Errorf("demo: register %q: %w", clip(p.in.Matter), err)
	}
	p.number, p.view = v.Number, v
	return l.amend(p, who)
}

// amend corrects, at once, a digit of the phone number the clerk keyed in on every
// amendEvery-th registration at the counter (补正), so that the demo shows corrections.
// It draws nothing from the random source, which keeps the rest of the demo as it was.
func (l *loader) amend(p *plan, who tousu.Actor) error {
	if who.Login != l.clerk.Login || p.in.Complainant.Anonymous || len(p.in.Complainant.Phone) != 11 {
		return nil
	}
	l.registered++
	if l.registered%amendEvery != 0 {
		return nil
	}
	phone := []byte(p.in.Complainant.Phone)
	phone[10] = '0' + (phone[10]-'0'+1)%10
	fixed := string(phone)
	v, err := l.a.Act(l.ctx, who, p.number, tousu.ActAmend, &tousu.AmendPayload{
		Reason:      "登记时联系电话末位录入错误，经与投诉人核对后更正",
		Complainant: &tousu.ComplainantPatch{Phone: &fixed}})
	if err != nil {
		return fmt.Errorf("demo: amend %s: %w", p.number, err)
	}
	p.view = v
	return nil
}

// amendEvery is how often the clerk corrects a registration in the demo.
const amendEvery = 15

func clip(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

func (l *loader) act(p *plan, who tousu.Actor, act tousu.Action, payload tousu.Payload) error {
	// Each act comes between half an hour and a working day and a half after the last
	// one of the same complaint, and never after now.
	l.t = p.last.Add(time.Duration(30+l.r.IntN(36*60)) * time.Minute)
	if l.t.After(l.now) {
		l.t = l.now
	}
	p.last = l.t
	v, err := l.a.Act(l.ctx, who, p.number, act, payload)
	if err != nil {
		return fmt.Errorf("demo: %s %s by %s: %w", p.number, act, who.Login, err)
	}
	p.view = v
	return nil
}

// drive takes the complaint as far as its plan says, then keeps its clock honest.
func (l *loader) drive(p *plan) error {
	var err error
	switch p.path {
	case pathReject:
		err = l.driveReject(p)
	case pathWithdraw:
		err = l.driveWithdraw(p)
	case pathMerge:
		err = l.driveMerge(p)
	case pathOnsite:
		err = l.driveOnsite(p)
	default:
		err = l.driveCase(p)
	}
	if err != nil {
		return err
	}
	return l.mindClock(p)
}

func (l *loader) driveReject(p *plan) error {
	rs := p.reject
	pay := &tousu.RejectPayload{Reason: rs.reason, Explanation: rs.explanation}
	if rs.referral != nil {
		ref := *rs.referral
		pay.Referral = &ref
	}
	if err := l.act(p, l.supervisor, tousu.ActReject, pay); err != nil {
		return err
	}
	return l.archiveIf(p)
}

func (l *loader) driveWithdraw(p *plan) error {
	who := l.clerk
	if p.acceptFirst {
		if err := l.accept(p, tousu.ClassCase); err != nil {
			return err
		}
		who = l.supervisor
	}
	if err := l.act(p, who, tousu.ActWithdraw, &tousu.NotePayload{Note: expand(p.note, p.vars)}); err != nil {
		return err
	}
	return l.archiveIf(p)
}

func (l *loader) driveMerge(p *plan) error {
	if p.acceptFirst {
		if err := l.accept(p, tousu.ClassCase); err != nil {
			return err
		}
	}
	if err := l.act(p, l.supervisor, tousu.ActMerge, &tousu.MergePayload{Into: p.into.number}); err != nil {
		return err
	}
	return l.archiveIf(p)
}

func (l *loader) archiveIf(p *plan) error {
	if p.stage != tousu.StatusArchived {
		return nil
	}
	return l.act(p, l.supervisor, tousu.ActArchive, nil)
}

func (l *loader) accept(p *plan, class tousu.Classification) error {
	cats := slices.Clone(p.in.Categories)
	if len(cats) == 0 {
		cats = []string{p.cat}
	}
	// The supervisor sometimes adds a second category the clerk did not see.
	if p.cat == "notification" && chance(l.r, 0.3) {
		cats = append(cats, "efficiency")
	} else if p.cat == "overdue" && chance(l.r, 0.3) {
		cats = append(cats, "efficiency")
	} else if p.cat == "integrity" && p.staff != "" && chance(l.r, 0.3) {
		cats = append(cats, "attitude")
	}
	return l.act(p, l.supervisor, tousu.ActAccept, &tousu.AcceptPayload{Classification: class, Categories: cats})
}

// driveOnsite settles a complaint at the counter (现场协调): the supervisor classifies it,
// the first receiver resolves it with the window's head on the spot.
func (l *loader) driveOnsite(p *plan) error {
	if err := l.accept(p, tousu.ClassOnsite); err != nil {
		return err
	}
	who := l.clerk
	if chance(l.r, 0.4) || p.in.Target.Staff == l.clerk.Staff {
		who = l.supervisor
	}
	d := l.decision(p, p.finding)
	channel := tousu.ChannelVisit
	coordinator := p.win.short + "负责人"
	if p.cat == "facilities" {
		coordinator = "大厅值班负责人"
	}
	pay := &tousu.ResolvePayload{Decision: d, Channel: channel,
		Process: "您到综合受理窗口反映问题后，首诉责任人当即联系" + coordinator + "到场协调。",
		Result:  expand(p.story.onsite, p.vars)}
	if err := l.act(p, who, tousu.ActResolve, pay); err != nil {
		return err
	}
	if p.stage == tousu.StatusReplied {
		return nil
	}
	if err := l.finish(p); err != nil {
		return err
	}
	return l.archiveIf(p)
}

// route is where the supervisor sends a case: to a department with a handler account
// (转办, or 督办 with the office watching), otherwise to the office itself (自办). Cases
// about a handler's own badge, about the hall and reports of misconduct stay with the office.
func (l *loader) route(p *plan) (unit, handler string, mode tousu.Mode) {
	d := p.dept
	recused := false
	for _, ac := range accounts {
		if ac.login == d.handler && ac.staff != "" && ac.staff == p.in.Target.Staff {
			recused = true
		}
	}
	if d.handler == "" || recused || p.kind == tousu.KindReport || p.in.Target.Unit == CentreCode || d == hall {
		return officeCode, LoginHandlerOffice, tousu.ModeSelf
	}
	unit = d.code
	if chance(l.r, 0.3) {
		unit = p.win.code
	}
	mode = tousu.ModeTransfer
	if chance(l.r, 0.3) {
		mode = tousu.ModeSupervise
	}
	return unit, d.handler, mode
}

// driveCase is the formal path: accept, assign, sign, investigate, decide, reply, follow
// up, archive — stopping at the planned stage, with the planned twists on the way.
func (l *loader) driveCase(p *plan) error {
	sup := l.supervisor
	if p.stage == tousu.StatusRegistered {
		return nil
	}
	class := tousu.ClassCase
	if p.kind == tousu.KindSuggestion {
		class = tousu.ClassOpinion
	}
	if err := l.accept(p, class); err != nil {
		return err
	}
	if p.stage == tousu.StatusAccepted {
		return nil
	}
	unit, handler, mode := l.route(p)
	if p.returned {
		// First sent to the wrong department, which sends it back (退单).
		for _, d := range departments {
			if d.handler == "" || d == p.dept || d.handler == handler || d.head == p.in.Target.Staff {
				continue
			}
			if err := l.act(p, sup, tousu.ActAssign, &tousu.AssignPayload{Unit: d.code, Handler: d.handler, Mode: tousu.ModeTransfer}); err != nil {
				return err
			}
			right := p.dept.short
			if p.dept == hall {
				right = "中心大厅"
			}
			if err := l.act(p, l.handlers[d.handler], tousu.ActReturn, &tousu.ReasonPayload{
				Reason: "该件反映的是" + right + "的事项，不属于本单位职责，请重新派单。"}); err != nil {
				return err
			}
			break
		}
	}
	ap := &tousu.AssignPayload{Unit: unit, Handler: handler, Mode: mode, Instructions: pick(l.r, assignInstructions)}
	if mode == tousu.ModeSupervise {
		ap.UnitWorkingDays = 5 // 督办 sets the unit's sub-deadline
	}
	var assistant string // the assisting unit's handler (协办), if any
	if mode != tousu.ModeSelf && chance(l.r, 0.12) {
		// A matter touching two departments: another one assists (联合办理).
		for _, d := range departments {
			if d.handler == "" || d.handler == handler || d == p.dept || d.head == p.in.Target.Staff {
				continue
			}
			ap.AssistingUnits, assistant = []string{d.code}, d.handler
			break
		}
	}
	if chance(l.r, 0.05) {
		// Sent without instructions, recalled (撤回派单), and sent again with them.
		first := *ap
		first.Instructions = ""
		if err := l.act(p, sup, tousu.ActAssign, &first); err != nil {
			return err
		}
		if err := l.act(p, sup, tousu.ActRecall, &tousu.ReasonPayload{Reason: "漏写交办意见，撤回后重新派单。"}); err != nil {
			return err
		}
	}
	if err := l.act(p, sup, tousu.ActAssign, ap); err != nil {
		return err
	}
	if p.stage == tousu.StatusAssigned {
		if p.urge {
			return l.act(p, sup, tousu.ActUrge, &tousu.UrgePayload{Message: pick(l.r, urgeMessages)})
		}
		return nil
	}
	h := l.handlers[handler]
	p.worker = h
	if err := l.act(p, h, tousu.ActSign, nil); err != nil {
		return err
	}
	if assistant != "" {
		as := l.handlers[assistant]
		if err := l.act(p, as, tousu.ActAssistSign, nil); err != nil {
			return err
		}
		if err := l.act(p, as, tousu.ActAssistReport, &tousu.ReportPayload{Process: "协办单位核对了本单位的业务记录，相关环节办理符合规定。"}); err != nil {
			return err
		}
	}
	first := p.finding
	if p.reopen != 0 && p.kind != tousu.KindSuggestion {
		first = pick(l.r, []tousu.Finding{tousu.FindingUnfounded, tousu.FindingPartly})
	}
	if err := l.investigate(p, h, first); err != nil {
		return err
	}
	if p.kind == tousu.KindReport || chance(l.r, 0.05) {
		// The centre's director writes an instruction (批示) on reports and a few others.
		if err := l.act(p, l.leader, tousu.ActInstruct, &tousu.InstructPayload{Text: pick(l.r, leaderInstructions)}); err != nil {
			return err
		}
	}
	if p.urge {
		if err := l.act(p, sup, tousu.ActUrge, &tousu.UrgePayload{Message: pick(l.r, urgeMessages)}); err != nil {
			return err
		}
	}
	if p.extendHist {
		if err := l.extend(p, 5*(1+l.r.IntN(2))); err != nil {
			return err
		}
	}
	if p.suspendResume {
		if err := l.act(p, sup, tousu.ActSuspend, &tousu.ReasonPayload{Reason: l.suspendReason(p)}); err != nil {
			return err
		}
		if err := l.act(p, sup, tousu.ActResume, nil); err != nil {
			return err
		}
	}
	if p.reopen != 0 {
		if err := l.decideAndReply(p, first); err != nil {
			return err
		}
		if p.reopen == 1 {
			level := 1 + l.r.IntN(2)
			if err := l.act(p, sup, tousu.ActFeedback, &tousu.FeedbackPayload{Level: level,
				Comment: pick(l.r, reopenComments), Reopen: true}); err != nil {
				return err
			}
			// The rating waits in the 不满意 queue until a supervisor reopens the case.
			if err := l.act(p, sup, tousu.ActReopen, &tousu.ReasonPayload{Reason: pick(l.r, reopenReasons)}); err != nil {
				return err
			}
		} else {
			if err := l.finish(p); err != nil {
				return err
			}
			if err := l.act(p, sup, tousu.ActReopen, &tousu.ReasonPayload{Reason: pick(l.r, reopenReasons)}); err != nil {
				return err
			}
		}
		// Investigated again, this time to the bottom.
		if err := l.note(p, h, tousu.MethodVideo, p.finding); err != nil {
			return err
		}
	}
	switch p.stage {
	case tousu.StatusInProgress:
		return nil
	case tousu.StatusSuspended:
		return l.act(p, sup, tousu.ActSuspend, &tousu.ReasonPayload{Reason: l.suspendReason(p)})
	}
	if err := l.report(p, p.finding); err != nil {
		return err
	}
	if p.stage == tousu.StatusReported {
		return nil
	}
	if err := l.act(p, sup, tousu.ActDecide, ptr(l.decision(p, p.finding))); err != nil {
		return err
	}
	if p.stage == tousu.StatusDecided {
		return nil
	}
	if err := l.disciplineOutcome(p); err != nil {
		return err
	}
	if err := l.act(p, sup, tousu.ActReply, ptr(l.reply(p, p.finding))); err != nil {
		return err
	}
	if p.stage == tousu.StatusReplied {
		return nil
	}
	if err := l.finish(p); err != nil {
		return err
	}
	return l.archiveIf(p)
}

func ptr[T any](v T) *T { return &v }

func (l *loader) suspendReason(p *plan) string {
	if p.kind == tousu.KindSuggestion {
		return suspendReasons[1] // a suggestion waits for the city's answer, not for a person
	}
	return pick(l.r, suspendReasons)
}

// report is the handler's result, which a case handled by a unit waits for before the
// supervisor decides.
// A case handled by the office itself (自办) is decided without one, unless it is to stop
// at reported. Now and then the supervisor sends the first report back (退回重办).
func (l *loader) report(p *plan, f tousu.Finding) error {
	if p.view != nil && p.view.Mode == tousu.ModeSelf && p.stage != tousu.StatusReported {
		return nil
	}
	d := l.decision(p, f)
	rep := &tousu.ReportPayload{Process: "已调阅记录并与当事人谈话，调查核实了投诉事项，提出处理意见。", Finding: d.Finding,
		Measures: d.Measures, Staff: d.Staff, ReplyDraft: l.reply(p, f).Result}
	if chance(l.r, 0.15) {
		if err := l.act(p, p.worker, tousu.ActReport, rep); err != nil {
			return err
		}
		if err := l.act(p, l.supervisor, tousu.ActSendBack, &tousu.ReasonPayload{
			Reason: "未说明与投诉人沟通的情况，请补充核实后重新报送。"}); err != nil {
			return err
		}
		rep.Process += "已电话联系投诉人说明情况。"
	}
	return l.act(p, p.worker, tousu.ActReport, rep)
}

// disciplineOutcome has the inspector record what became of a referral to 纪检.
func (l *loader) disciplineOutcome(p *plan) error {
	if p.view == nil || !p.view.DisciplineReferred || p.view.DisciplineOutcome != nil {
		return nil
	}
	out := &tousu.DisciplineOutcomePayload{Outcome: tousu.DisciplineNone, Text: "经审查，情节轻微，予以诫勉谈话，不予处分。"}
	if chance(l.r, 0.5) {
		out = &tousu.DisciplineOutcomePayload{Outcome: tousu.DisciplineSanction, Text: "经审查属实，给予当事人警告处分。"}
	}
	return l.act(p, l.inspector, tousu.ActDisciplineOutcome, out)
}

func (l *loader) decideAndReply(p *plan, f tousu.Finding) error {
	if err := l.report(p, f); err != nil {
		return err
	}
	if err := l.act(p, l.supervisor, tousu.ActDecide, ptr(l.decision(p, f))); err != nil {
		return err
	}
	return l.act(p, l.supervisor, tousu.ActReply, ptr(l.reply(p, f)))
}

// finish closes a replied case: a telephone follow-up (回访) with the complainant's
// rating, or closing without one when the complainant cannot be reached.
func (l *loader) finish(p *plan) error {
	if p.anonymous || chance(l.r, 0.06) {
		note := closeNotes[1]
		if p.anonymous {
			note = closeNotes[0]
		}
		return l.act(p, l.supervisor, tousu.ActClose, &tousu.ClosePayload{Note: note})
	}
	level := 5
	switch x := l.r.Float64(); {
	case x < 0.45:
	case x < 0.75:
		level = 4
	case x < 0.92:
		level = 3
	default:
		level = 2
	}
	if p.finding == tousu.FindingUnfounded && level > 3 && chance(l.r, 0.5) {
		level = 3
	}
	comments := feedbackComments
	if p.kind == tousu.KindSuggestion {
		comments = suggestionComments
		if !p.adopted {
			level = min(level, 3)
		}
	}
	if err := l.act(p, l.supervisor, tousu.ActFeedback, &tousu.FeedbackPayload{Level: level,
		Comment: pick(l.r, comments[level])}); err != nil {
		return err
	}
	if level <= 2 {
		// A rating of 1–2 waits for a supervisor: here one who explains and closes.
		return l.act(p, l.supervisor, tousu.ActClose, &tousu.ClosePayload{
			Explanation: "经再次核实，处理结果符合规定；已向您当面说明理由，如仍有异议可向上级机关反映。"})
	}
	return nil
}

func (l *loader) extend(p *plan, days int) error {
	reason := pick(l.r, extendReasons)
	if p.kind == tousu.KindSuggestion || p.staff == "" && strings.Contains(reason, "当事工作人员") {
		reason = extendReasons[1]
	}
	if err := l.act(p, l.supervisor, tousu.ActExtend, &tousu.ExtendPayload{WorkingDays: days,
		Reason: strings.TrimSuffix(reason, "。") + fmt.Sprintf("%d个工作日。", days)}); err != nil {
		return err
	}
	if p.view.PendingExtension == nil {
		return nil
	}
	// Above the threshold the leader decides: one request is refused (and a shorter one
	// asked for), the others approved.
	if !l.deniedOnce {
		l.deniedOnce = true
		if err := l.act(p, l.leader, tousu.ActDenyExtension, &tousu.ExtensionDecisionPayload{Note: "延期理由不充分，请抓紧办理。"}); err != nil {
			return err
		}
		if err := l.act(p, l.supervisor, tousu.ActExtend, &tousu.ExtendPayload{WorkingDays: days,
			Reason: "已补充说明：" + strings.TrimSuffix(reason, "。") + "。"}); err != nil {
			return err
		}
	}
	return l.act(p, l.leader, tousu.ActApproveExtension, &tousu.ExtensionDecisionPayload{Note: "同意延期。"})
}

// mindClock leaves a few open cases overdue (urged), and extends the others that would
// be, as a supervisor watching the deadlines would have.
func (l *loader) mindClock(p *plan) error {
	// Deadlines are watched today: read the clock as it stands now, and act now.
	v, err := l.live.Get(l.ctx, l.supervisor, p.number)
	if err != nil {
		return err
	}
	if !v.Overdue {
		return nil
	}
	if soon := l.now.Add(-2 * time.Hour); p.last.Before(soon) {
		p.last = soon
	}
	if l.overdue < l.minOverdue || p.leaveOverdue && l.overdue < l.maxOverdue {
		l.overdue++
		if v.Status == tousu.StatusAssigned || v.Status == tousu.StatusInProgress {
			return l.act(p, l.supervisor, tousu.ActUrge, &tousu.UrgePayload{Message: overdueUrge})
		}
		return nil
	}
	left := 0
	if v.WorkingDaysLeft != nil {
		left = *v.WorkingDaysLeft
	}
	for _, days := range []int{5, 10, 15} {
		// Within the policy's cap (15 working days in all by default).
		if left+days >= 2 && v.Deadline.ExtensionDays+days <= 15 {
			return l.extend(p, days)
		}
	}
	return nil
}

// investigate writes the investigation records (调查笔录) of a case.
func (l *loader) investigate(p *plan, h tousu.Actor, f tousu.Finding) error {
	if p.kind == tousu.KindSuggestion {
		if err := l.note(p, h, tousu.MethodDocuments, f); err != nil {
			return err
		}
		return l.note(p, h, tousu.MethodOther, f)
	}
	pool := notePools[p.cat]
	k := 2 + l.r.IntN(len(pool)-1) // every pool has two steps at least
	for _, m := range pool[:k] {
		who := h
		if p.cat == "integrity" && m == tousu.MethodInterviewStaff {
			who = l.inspector // 纪检 talks to the staff member reported
		}
		if err := l.note(p, who, m, f); err != nil {
			return err
		}
	}
	if chance(l.r, 0.4) {
		return l.note(p, h, tousu.MethodOther, f) // the handler's proposal
	}
	return nil
}

func (l *loader) note(p *plan, who tousu.Actor, m tousu.Method, f tousu.Finding) error {
	if m != tousu.MethodOther || p.cat == "facilities" || p.cat == "unlawful_approval" {
		if !slices.Contains(p.methods, m) {
			p.methods = append(p.methods, m)
		}
	}
	content, participants := l.noteText(p, who, m, f)
	return l.act(p, who, tousu.ActNote, &tousu.InvestigationPayload{Method: m, Content: content, Participants: participants})
}

func staffName(badge string) string { return staffByBadge[badge].Name }

func (l *loader) noteText(p *plan, who tousu.Actor, m tousu.Method, f tousu.Finding) (content, participants string) {
	v := p.vars
	founded := f == tousu.FindingFounded || f == tousu.FindingPartly
	head := staffName(p.win.staff[0])
	subject := "当事工作人员"
	if p.staff != "" {
		subject = staffName(p.staff)
	}
	switch m {
	case tousu.MethodInterviewComplainant:
		content = "电话联系投诉人，进一步了解情况。投诉人补充说明了在" + p.win.short + "办理" + v["事项"] +
			"的经过，与登记内容一致；诉求为：" + p.in.Request
		participants = who.Name + "；投诉人（电话）"
	case tousu.MethodInterviewStaff:
		content = "与" + p.win.short + "负责人" + head + "及" + subject + "谈话。"
		if subject == head {
			content = "与" + p.win.short + "负责人" + head + "谈话。"
		}
		switch {
		case founded && (p.cat == "integrity" || p.cat == "unlawful_approval"):
			content += "当事人承认" + admitted[p.cat] + "，表示接受组织处理。"
		case founded:
			content += "当事人承认" + admitted[p.cat] + "，表示愿意道歉并改正。"
		case p.cat == "notification" || p.cat == "attitude" || p.cat == "competence":
			content += "当事人称已按规定受理并一次性告知所需材料，不存在投诉所述情况，窗口负责人证实当日窗口秩序正常。"
		default:
			content += "当事人对投诉反映的情况作了说明，称已按规定办理，窗口负责人证实当日窗口秩序正常。"
		}
		participants = who.Name + "、" + head
		if subject != head {
			participants += "、" + subject
		}
	case tousu.MethodRecords:
		content = "调取业务系统办件记录：" + p.win.short + "的" + v["事项"] + "业务"
		if no := p.in.BusinessReceiptNo; no != "" {
			content += "（受理回执号" + no + "）"
		}
		if founded {
			content += "，系统记录显示的办理情况与投诉人反映基本一致。"
		} else {
			content += "，系统记录显示受理、流转和办结时间均在承诺时限内，办理过程符合规定。"
		}
		participants = who.Name
	case tousu.MethodVideo:
		content = "调看" + v["日期"] + p.win.short + "监控录像（" + v["时刻"] + "前后）。"
		switch {
		case f == tousu.FindingUnverifiable:
			content += "该时段录像已超过保存期限被覆盖，无法调取。"
		case founded:
			content += "录像内容与投诉人反映的情况基本吻合。"
		default:
			content += "录像显示工作人员接待过程正常，未见投诉所述情形。"
		}
		participants = who.Name + "、中心监控室值班员"
	case tousu.MethodWitness:
		guide := staffName("HX0002")
		i := 1
		if founded {
			i = 0
		}
		said, ok := witnessNotes[p.cat]
		if !ok {
			said = witnessNotes[""]
		}
		content = "询问当时在场的导办员" + guide + "，其称" + said[i]
		participants = who.Name + "、" + guide
	case tousu.MethodDocuments:
		switch {
		case p.kind == tousu.KindSuggestion:
			content = "研究建议的可行性，征求" + p.dept.short + "和中心综合科意见。"
			if p.adopted {
				content += "各方认为建议可行，可在近期实施。"
			} else {
				content += "各方认为目前条件尚不具备，建议作为改进工作的参考。"
			}
		case documentNotes[p.cat] != [2]string{}:
			i := 1
			if founded {
				i = 0
			}
			content = expand(documentNotes[p.cat][i], v)
		case founded:
			content = "审查" + v["事项"] + "的申请材料、办事指南及一次性告知单存根，存根中未见向投诉人出具的书面告知记录。"
		default:
			content = "审查" + v["事项"] + "的申请材料、办事指南及一次性告知单存根，告知单存根显示首次接待时已一次性告知全部所需材料。"
		}
		participants = who.Name
	default:
		switch {
		case p.kind == tousu.KindSuggestion && p.adopted:
			content = "承办意见：建议采纳，" + expand(p.story.adopt, v) + "。"
		case p.kind == tousu.KindSuggestion:
			content = "承办意见：建议暂缓采纳，作为工作参考并向建议人说明。"
		case p.cat == "facilities" && !founded:
			content = "到现场查看，相关设施设备运行正常，维保记录显示近期无故障报修。"
		case p.cat == "facilities" || p.cat == "unlawful_approval":
			content = "到现场核查，投诉人反映的情况与现场情况基本一致，已拍照留存。"
		default:
			content = "承办意见：建议认定" + tousu.Findings.Label(f) + "。"
			if founded {
				content += "对当事人批评教育，责令窗口整改。"
			} else {
				content += "向投诉人做好解释说明。"
			}
		}
		participants = who.Name
	}
	return content, participants
}

// decision is the supervisor's decision on the case with finding f.
func (l *loader) decision(p *plan, f tousu.Finding) tousu.Decision {
	d := tousu.Decision{Finding: f, Measures: []tousu.Measure{}, Staff: []string{}, Improvement: improvements[p.cat]}
	switch f {
	case tousu.FindingNotApplicable:
		d.Improvement = ""
		if p.adopted {
			d.Measures = []tousu.Measure{tousu.MeasureSuggestionAdopted}
			d.Improvement = expand(p.story.adopt, p.vars) + "。"
		}
		return d
	case tousu.FindingFounded:
		switch p.cat {
		case "integrity", "unlawful_approval":
			d.Measures = []tousu.Measure{tousu.MeasureDisciplineReferral, tousu.MeasureReassignment}
		case "attitude", "competence", "notification":
			d.Measures = []tousu.Measure{tousu.MeasureCorrection, tousu.MeasureCriticism}
		case "fees", "overdue", "refusal", "one_door":
			d.Measures = []tousu.Measure{tousu.MeasureCorrection, tousu.MeasureCriticism, tousu.MeasureRequestGranted}
		default:
			d.Measures = []tousu.Measure{tousu.MeasureCorrection}
		}
	case tousu.FindingPartly:
		d.Measures = []tousu.Measure{pick(l.r, []tousu.Measure{tousu.MeasureCriticism, tousu.MeasureCorrection})}
	}
	if (f == tousu.FindingFounded || f == tousu.FindingPartly) && p.staff != "" {
		d.Staff = []string{p.staff}
	}
	return d
}

// reply is the answer to the complainant (处理经过、处理结果、改进措施).
func (l *loader) reply(p *plan, f tousu.Finding) tousu.Reply {
	v := p.vars
	what := "投诉"
	switch p.kind {
	case tousu.KindReport:
		what = "举报"
	case tousu.KindSuggestion:
		what = "建议"
	}
	var routed string
	switch p.view.Mode {
	case tousu.ModeSelf:
		routed = "由督查处直接调查处理"
	case tousu.ModeSupervise:
		routed = "交" + p.dept.short + "办理，督查处督办"
	default:
		routed = "转" + p.dept.short + "办理"
	}
	var ways []string
	for _, m := range p.methods {
		ways = append(ways, methodPhrases[m])
	}
	if len(ways) == 0 {
		ways = []string{methodPhrases[notePools[p.cat][0]]}
	}
	r := tousu.Reply{
		Process: "收到您的" + what + "后，中心投诉督查处当日登记受理，" + routed + "，通过" + strings.Join(ways, "、") + "进行了调查核实。",
		Channel: tousu.ChannelPhone,
	}
	switch f {
	case tousu.FindingNotApplicable:
		r.Process = "收到您的建议后，中心投诉督查处当日登记，" + routed + "，并征求了相关部门意见。"
		if p.adopted {
			r.Result = "感谢您的建议。中心经研究决定采纳：" + expand(p.story.adopt, v) + "。"
			r.Improvement = "欢迎您继续为中心的服务提出宝贵意见。"
		} else {
			r.Result = "感谢您的建议。经研究，" + expand(p.story.reject, v) + "。"
		}
	case tousu.FindingFounded:
		r.Result = expand(foundedResults[p.cat], v)
		r.Improvement = improvements[p.cat]
	case tousu.FindingPartly:
		r.Result = partlyResult
		r.Improvement = improvements[p.cat]
	case tousu.FindingUnfounded:
		r.Result = expand(unfoundedResult, v)
	default:
		r.Result = expand(unverifiableResult, v)
		r.Improvement = improvements[p.cat]
	}
	c := p.in.Complainant
	switch {
	case p.anonymous:
		r.Channel = tousu.ChannelWeb // published for the holder of the query code
	case c.Phone == "" && c.Email != "":
		r.Channel = tousu.ChannelEmail
	case c.Phone == "" && c.Address != "":
		r.Channel = tousu.ChannelLetter
	case p.channel == tousu.ChannelWechat && chance(l.r, 0.5):
		r.Channel = tousu.ChannelWechat
	}
	return r
}
