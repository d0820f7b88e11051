package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
)

// casePage is the view model of /desk/complaints/{number}: the facts, the complainant
// (masked, or revealed once), the timeline, and a form for each action the viewer may
// take now.
type casePage struct {
	Common
	C        *app.ComplaintView
	Clock    clockView
	Handler  string // the assigned handler's name
	Mode     string // the assignment's mode in words
	Receiver string // the 首诉责任人's name
	Events   []eventItem
	Notice   string             // why the last action was refused, when no form can say it
	Revealed *tousu.Complainant // the identity in clear, in the answer to a reveal only
	Reveal   *deskForm          // the reveal form; nil when the viewer may not reveal
	// PhoneOnly: the viewer is the handler working the case, who may see the phone
	// number to call the complainant, and nothing else of the identity.
	PhoneOnly bool
	Forms     map[tousu.Action]*deskForm
	Open      tousu.Action // the action whose form is unfolded

	// The choices of the forms.
	Units, Categories, Classifications, RejectReasons, Modes []deskOption
	Methods, Findings, Measures, Channels, Levels            []deskOption

	Handlers, Staff []deskOptGroup
	// AssignUnits are the units of the assignment form: those no active handler works for
	// are offered disabled, and each names its ancestors so that the page's script can
	// offer only the handlers of the chosen unit.
	AssignUnits []assignUnit

	StaffNames map[string]string // badge → name, for the decision's staff
	UnitNames  map[string]string // code → name, for the assisting units

	// Evidence files and, for those who work the case, the upload form (nil otherwise).
	Evidence []evidenceItem
	Upload   *deskForm
	// The complainant's other complaints (blind-index look-up): offered to supervisors
	// and inspectors, looked up only when asked (?related=1), because it is audited.
	CanRelated   bool
	RelatedShown bool
	Related      []relatedRow
	// The documents the case has now, as PDFs; and, for a role that may reveal, the form
	// that prints one with the complainant's identity in clear (nil otherwise).
	Documents []documentLink
	// Malicious is the 恶意投诉 panel (desk_malicious.go); nil when there is nothing to show.
	Malicious *app.MaliciousPanel
	Print     *deskForm

	// AmendFields are the amend form's inputs (desk_intake.go); the reissue form of the
	// query code is Forms["query-code"].
	AmendFields []amendField
}

// assignUnit is a unit of the assignment form.
type assignUnit struct {
	deskOption
	Disabled  bool
	Ancestors string // the unit's code and its ancestors', space-separated
}

// assignUnits are units as the assignment form offers them: a unit is assignable when an
// active handler works at it or above it (who may sign for its cases).
func assignUnits(units []tousu.Unit, handlers []app.HandlerAccount) []assignUnit {
	parent := map[string]string{}
	for _, u := range units {
		parent[u.Code] = u.Parent
	}
	hasHandler := map[string]bool{}
	for _, h := range handlers {
		hasHandler[h.Unit] = true
	}
	opts := unitOptions(units)
	out := make([]assignUnit, len(units))
	for i, u := range units {
		var chain []string
		covered := false
		for c, n := u.Code, 0; c != "" && n < 64; c, n = parent[c], n+1 {
			chain = append(chain, c)
			covered = covered || hasHandler[c]
		}
		out[i] = assignUnit{deskOption: opts[i], Disabled: !covered, Ancestors: strings.Join(chain, " ")}
		if !covered {
			out[i].Label += "（无承办人）"
		}
	}
	return out
}

// relatedRow is another complaint of the same complainant.
type relatedRow struct {
	Number, Status, Matches, Matter string
	ReceivedAt                      time.Time
}

// evidenceItem is an evidence file on the case page.
type evidenceItem struct {
	tousu.Attachment
	URL  string
	Kind string // the type in words
	Size string // the size in words
}

// Form is the form of action a, or nil when the viewer may not take it now.
func (p casePage) Form(a string) *deskForm { return p.Forms[tousu.Action(a)] }

// casePart is what a piece of an action's form shared by several actions needs: the
// page's choices, the form's values and errors, and the action (for element IDs).
type casePart struct {
	Page   casePage
	F      *deskForm
	Action string
}

// Part is the shared form pieces' view of action a's form.
func (p casePage) Part(a string) casePart { return casePart{Page: p, F: p.Form(a), Action: a} }

// textField is a text area of an action's form.
type textField struct {
	F               *deskForm
	ID, Name, Label string
	Rows, Max       int
}

// Text is the view of the text area name of action a's form.
func (p casePage) Text(a, name, label string, rows, max int) textField {
	return textField{F: p.Form(a), ID: a + "-" + name, Name: name, Label: label, Rows: rows, Max: max}
}

// IsOpen reports whether the form of action a is unfolded.
func (p casePage) IsOpen(a string) bool { return p.Open == tousu.Action(a) }

// FindingLabel is the Chinese name of a finding.
func (p casePage) FindingLabel(f tousu.Finding) string { return tousu.Findings.Label(f) }

// MeasureLabel is the Chinese name of a measure.
func (p casePage) MeasureLabel(m tousu.Measure) string { return tousu.Measures.Label(m) }

// SatisfactionLabel is the Chinese name of a satisfaction level.
func (p casePage) SatisfactionLabel(level int) string { return tousu.SatisfactionLabels[level] }

// eventItem is one entry of the timeline with its payload told in words.
type eventItem struct {
	app.EventView
	Change  string // e.g. "已登记 → 已受理"
	Details []eventDetail
}

// eventDetail is one line of an event's payload.
type eventDetail struct {
	Name, Value, Link string
}

// primaryActions are the next steps of the lifecycle, in the order a case takes them:
// the first one allowed is unfolded on the case page.
// (A case in progress may be assigned again, but deciding is what it waits for.)
var primaryActions = []tousu.Action{tousu.ActAccept, tousu.ActResolve, tousu.ActSign, tousu.ActAssistSign, tousu.ActReport,
	tousu.ActAssistReport, tousu.ActDecide, tousu.ActApproveExtension, tousu.ActDisciplineOutcome, tousu.ActReply,
	tousu.ActFeedback, tousu.ActAssign, tousu.ActResume, tousu.ActArchive, tousu.ActNote}

// caseState is what a POST leaves for the re-rendered case page.
type caseState struct {
	action   tousu.Action // the action refused
	form     *deskForm    // its form as posted, with the errors
	notice   string
	reveal   *deskForm
	revealed *tousu.Complainant
	upload   *deskForm // the evidence upload refused
	print    *deskForm // the print with the identity in clear, refused
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderCase(w, r, actor, http.StatusOK, caseState{})
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, st caseState) error {
	ctx := r.Context()
	number := r.PathValue("number")
	v, err := s.app.Get(ctx, actor, number)
	if err != nil {
		return err
	}
	evs, err := s.app.Events(ctx, actor, number)
	if err != nil {
		return err
	}
	units, err := s.app.Units(ctx)
	if err != nil {
		return err
	}
	cats, err := s.app.Categories(ctx)
	if err != nil {
		return err
	}
	staff, err := s.app.Staff(ctx, "")
	if err != nil {
		return err
	}
	handlers, err := s.app.Handlers(ctx, actor)
	if err != nil {
		return err
	}
	names := newLookups(units, staff, handlers, cats)

	vm := casePage{Common: s.deskView(r, actor, "投诉件 "+v.Number), C: v, Clock: clockOf(v), Notice: st.notice,
		Revealed: st.revealed, Forms: map[tousu.Action]*deskForm{}, StaffNames: names.staff, UnitNames: names.units,
		Units: unitOptions(units), Categories: categoryOptions(cats, v.Categories...),
		Classifications: deskOptions(tousu.Classifications), RejectReasons: deskOptions(tousu.RejectReasons),
		Modes: deskOptions(tousu.Modes), Methods: deskOptions(tousu.Methods), Findings: deskOptions(tousu.Findings),
		Measures: deskOptions(tousu.Measures), Channels: deskOptions(tousu.Channels),
		Staff: staffOptGroups(units, staff, v.Target.Staff), AssignUnits: assignUnits(units, handlers)}
	vm.Malicious = s.app.MaliciousPanelOf(ctx, actor, number)
	if v.Handler != "" {
		vm.Handler = names.handler(v.Handler)
	}
	if v.Mode != "" {
		vm.Mode = tousu.Modes.Label(v.Mode)
	}
	if len(evs) > 0 {
		vm.Receiver = evs[0].ActorName
	}
	for level := 5; level >= 1; level-- {
		vm.Levels = append(vm.Levels, deskOption{Value: strconv.Itoa(level), Label: tousu.SatisfactionLabels[level]})
	}
	var group *deskOptGroup
	for _, h := range handlers {
		if group == nil || group.Label != h.UnitPath {
			vm.Handlers = append(vm.Handlers, deskOptGroup{Label: h.UnitPath, Unit: h.Unit})
			group = &vm.Handlers[len(vm.Handlers)-1]
		}
		group.Choices = append(group.Choices, deskOption{Value: h.Login, Label: h.Name + "（" + h.Login + "）"})
	}
	vm.PhoneOnly = s.app.CanRevealPhone(ctx, actor, number)
	if (app.CanReveal(actor) == nil || vm.PhoneOnly) && !v.Complainant.Anonymous && st.revealed == nil {
		vm.Reveal = st.reveal
		if vm.Reveal == nil {
			vm.Reveal = newForm(nil)
		}
	}
	if err := s.caseEvidence(r, actor, &vm, st); err != nil {
		return err
	}
	vm.Documents = caseDocuments(v, evs)
	if app.CanReveal(actor) == nil && !v.Complainant.Anonymous {
		vm.Print = st.print
		if vm.Print == nil {
			vm.Print = newForm(nil)
		}
	}
	for i := len(evs) - 1; i >= 0; i-- { // newest first
		vm.Events = append(vm.Events, names.event(evs[i]))
	}

	for _, a := range v.AllowedActions {
		vm.Forms[a] = defaultForm(v, a)
	}
	s.intakeForms(actor, &vm) // desk_intake.go
	for _, a := range primaryActions {
		if vm.Forms[a] != nil {
			vm.Open = a
			break
		}
	}
	if st.form != nil {
		if vm.Forms[st.action] != nil {
			vm.Forms[st.action], vm.Open = st.form, st.action
		} else if vm.Notice == "" {
			// The case moved on meanwhile (another user acted): say why nothing happened.
			vm.Notice = st.form.Message
		}
	}
	return s.render(w, r, code, "desk/case", vm)
}

// defaultForm is the form of action a before anything is typed: what the case already
// says is offered.
func defaultForm(v *app.ComplaintView, a tousu.Action) *deskForm {
	f := newForm(nil)
	switch a {
	case tousu.ActAccept:
		f.Values["categories"] = v.Categories
	case tousu.ActAssign:
		f.Values.Set("unit", v.Target.Unit)
	case tousu.ActDecide:
		if v.Target.Staff != "" {
			f.Values.Set("staff", v.Target.Staff)
		}
		if r := v.Report; r != nil {
			// The supervisor decides with the handler's proposal before them.
			f.Values.Set("finding", string(r.Finding))
			f.Values["measures"] = nil
			for _, m := range r.Measures {
				f.Values.Add("measures", string(m))
			}
			if len(r.Staff) > 0 {
				f.Values["staff"] = r.Staff
			}
		}
	case tousu.ActReport:
		if v.Target.Staff != "" {
			f.Values.Set("staff", v.Target.Staff)
		}
	case tousu.ActResolve:
		f.Values.Set("channel", string(tousu.ChannelVisit))
		if v.Target.Staff != "" {
			f.Values.Set("staff", v.Target.Staff)
		}
	case tousu.ActReply:
		f.Values.Set("channel", string(tousu.ChannelPhone))
		if v.Decision != nil {
			f.Values.Set("improvement", v.Decision.Improvement)
		}
		if v.Report != nil && v.Report.ReplyDraft != "" {
			// 转办: the unit drafted the reply.
			f.Values.Set("result", v.Report.ReplyDraft)
			f.Values.Set("process", v.Report.Process)
		}
	}
	return f
}

func (s *Server) caseAction(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	number := r.PathValue("number")
	act := tousu.Action(r.PathValue("action"))
	if _, ok := tousu.TransitionFor(act); !ok {
		return tousu.Errorf(tousu.KindNotFound, "没有这个操作：%s", clip(string(act), 40))
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.app.Act(r.Context(), actor, number, act, payloadFrom(act, vals, s.app.Location()))
	if err == nil {
		s.metrics.actions.WithLabelValues(string(act)).Inc()
		msg := "已完成“" + tousu.ActionLabel(act) + "”"
		if _, gerr := s.app.Get(r.Context(), actor, number); tousu.IsKind(gerr, tousu.KindNotFound) {
			// E.g. a handler who returned a case no longer sees it.
			return s.redirectFlash(w, r, "/desk/", msg+"（"+number+"），该件已不在您的办理范围内")
		}
		return s.redirectFlash(w, r, "/desk/complaints/"+number, msg)
	}
	switch tousu.KindOf(err) {
	case tousu.KindNotFound, tousu.KindUnauthorized, tousu.KindInternal, tousu.KindMalformed:
		if len(tousu.FieldsOf(err)) == 0 {
			return err
		}
	}
	f := newForm(vals)
	f.refuse(err)
	return s.renderCase(w, r, actor, refusal(err), caseState{action: act, form: f})
}

// payloadFrom reads an action's form into the payload the API decodes its JSON into,
// so that the desk and the API take actions through the same use case and validation.
// A number that cannot be read is left zero, for the domain to say what is wrong.
func payloadFrom(act tousu.Action, v url.Values, loc *time.Location) tousu.Payload {
	p := tousu.NewPayload(act)
	switch p := p.(type) {
	case *tousu.AcceptPayload:
		p.Classification, p.Categories = tousu.Classification(v.Get("classification")), v["categories"]
	case *tousu.RejectPayload:
		p.Reason, p.Explanation = tousu.RejectReason(v.Get("reason")), v.Get("explanation")
		if body, contact := strings.TrimSpace(v.Get("referral.body")), strings.TrimSpace(v.Get("referral.contact")); body != "" || contact != "" {
			p.Referral = &tousu.Referral{Body: body, Contact: contact}
		}
	case *tousu.NotePayload:
		p.Note = v.Get("note")
	case *tousu.MergePayload:
		p.Into = strings.ToUpper(strings.TrimSpace(v.Get("into")))
	case *tousu.AssignPayload:
		p.Unit, p.Handler, p.Mode = v.Get("unit"), v.Get("handler"), tousu.Mode(v.Get("mode"))
		p.Instructions = v.Get("instructions")
		p.UnitWorkingDays, _ = strconv.Atoi(strings.TrimSpace(v.Get("unit_working_days")))
		for _, u := range v["assisting_units"] {
			if u = strings.TrimSpace(u); u != "" {
				p.AssistingUnits = append(p.AssistingUnits, u)
			}
		}
	case *tousu.ClosePayload:
		p.Note, p.Explanation = v.Get("note"), v.Get("explanation")
	case *tousu.ReportPayload:
		d := decisionFrom(v)
		p.Process, p.Finding, p.Measures, p.Staff, p.ReplyDraft = v.Get("process"), d.Finding, d.Measures, d.Staff, v.Get("reply_draft")
	case *tousu.InstructPayload:
		p.Text = v.Get("text")
	case *tousu.ExtensionDecisionPayload:
		p.Note = v.Get("note")
	case *tousu.DisciplineOutcomePayload:
		p.Outcome, p.Text = tousu.DisciplineOutcome(v.Get("outcome")), v.Get("text")
	case *tousu.ReasonPayload:
		p.Reason = v.Get("reason")
	case *tousu.InvestigationPayload:
		p.Method, p.Content, p.Participants = tousu.Method(v.Get("method")), v.Get("content"), v.Get("participants")
		p.Statement = v.Get("statement") != ""
	case *tousu.ExtendPayload:
		// days, in the unit of the case's policy (the form says which).
		p.Days, _ = strconv.Atoi(strings.TrimSpace(v.Get("days")))
		p.Reason = v.Get("reason")
	case *tousu.UrgePayload:
		p.Message = v.Get("message")
	case *tousu.Decision:
		*p = decisionFrom(v)
	case *tousu.Reply:
		p.Process, p.Result, p.Improvement, p.Channel = v.Get("process"), v.Get("result"), v.Get("improvement"), tousu.Channel(v.Get("channel"))
	case *tousu.ResolvePayload:
		p.Decision = decisionFrom(v)
		p.Process, p.Result, p.Channel = v.Get("process"), v.Get("result"), tousu.Channel(v.Get("channel"))
	case *tousu.FeedbackPayload:
		p.Level, _ = strconv.Atoi(v.Get("level"))
		p.Comment, p.Reopen = v.Get("comment"), v.Get("reopen") != ""
	case *tousu.AmendPayload:
		*p = *amendFrom(v, loc) // desk_intake.go
	}
	return p
}

func decisionFrom(v url.Values) tousu.Decision {
	d := tousu.Decision{Finding: tousu.Finding(v.Get("finding")), Staff: v["staff"], Improvement: v.Get("improvement")}
	for _, m := range v["measures"] {
		d.Measures = append(d.Measures, tousu.Measure(m))
	}
	return d
}

func (s *Server) revealIdentity(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	c, err := s.app.Reveal(r.Context(), actor, r.PathValue("number"), vals.Get("reason"))
	if err == nil {
		// Shown in this answer only: never in a URL, never kept in the session.
		return s.renderCase(w, r, actor, http.StatusOK, caseState{revealed: &c})
	}
	if fields := tousu.FieldsOf(err); len(fields) > 0 {
		f := newForm(vals)
		f.refuse(err)
		return s.renderCase(w, r, actor, refusal(err), caseState{reveal: f})
	}
	if tousu.IsKind(err, tousu.KindForbidden) {
		return s.renderCase(w, r, actor, http.StatusForbidden, caseState{notice: tousu.PublicMessage(err)})
	}
	return err
}

// lookups turn the codes in event payloads into names.
type lookups struct {
	units, staff, handlers, cats map[string]string
}

func (l lookups) handler(login string) string {
	if n := l.handlers[login]; n != "" {
		return n + "（" + login + "）"
	}
	return login
}

func (l lookups) staffList(badges []string) string {
	out := make([]string, len(badges))
	for i, b := range badges {
		out[i] = b
		if n := l.staff[b]; n != "" {
			out[i] = n + "（" + b + "）"
		}
	}
	return strings.Join(out, "、")
}

// event tells an event's payload in words, in the vocabularies' labels.
func (l lookups) event(e app.EventView) eventItem {
	it := eventItem{EventView: e}
	if e.From != "" && e.From != e.To {
		it.Change = tousu.Statuses.Label(e.From) + " → " + tousu.Statuses.Label(e.To)
	}
	if d := intakeDetails(e); d != nil { // desk_intake.go
		it.Details = d
		return it
	}
	add := func(name, value string) {
		if strings.TrimSpace(value) != "" {
			it.Details = append(it.Details, eventDetail{Name: name, Value: value})
		}
	}
	var extra struct {
		Due     tousu.Date    `json:"due_date"`
		Channel tousu.Channel `json:"channel"`
		Kind    tousu.Kind    `json:"kind"`
		Policy  string        `json:"policy"`
	}
	_ = json.Unmarshal(e.Payload, &extra)
	if e.Type == tousu.EventRegister {
		add("受理渠道", tousu.Channels.Label(extra.Channel))
		add("类型", tousu.Kinds.Label(extra.Kind))
		add("办理时限", extra.Policy)
	}
	p := tousu.NewPayload(tousu.Action(e.Type))
	if p != nil && len(e.Payload) > 0 && json.Unmarshal(e.Payload, p) == nil {
		switch p := p.(type) {
		case *tousu.AcceptPayload:
			add("分类", tousu.Classifications.Label(p.Classification))
			names := make([]string, len(p.Categories))
			for i, c := range p.Categories {
				names[i] = l.cats[c]
				if names[i] == "" {
					names[i] = c
				}
			}
			add("类别", strings.Join(names, "、"))
		case *tousu.RejectPayload:
			add("理由", tousu.RejectReasons.Label(p.Reason))
			add("解释说明", p.Explanation)
			if p.Referral != nil {
				add("可受理机构", strings.TrimSpace(p.Referral.Body+" "+p.Referral.Contact))
			}
		case *tousu.NotePayload:
			add("备注", p.Note)
		case *tousu.ClosePayload:
			add("备注", p.Note)
			add("向投诉人的说明", p.Explanation)
		case *tousu.ReportPayload:
			add("办理经过", p.Process)
			add("拟核查结论", tousu.Findings.Label(p.Finding))
			ms := make([]string, len(p.Measures))
			for i, m := range p.Measures {
				ms[i] = tousu.Measures.Label(m)
			}
			add("拟处理措施", strings.Join(ms, "、"))
			add("涉及人员", l.staffList(p.Staff))
			add("答复草稿", p.ReplyDraft)
		case *tousu.InstructPayload:
			add("批示", p.Text)
		case *tousu.ExtensionDecisionPayload:
			var req struct {
				Days   int    `json:"days"`
				Reason string `json:"reason"`
			}
			_ = json.Unmarshal(e.Payload, &req)
			if req.Days > 0 {
				add("申请延期", strconv.Itoa(req.Days)+"天："+req.Reason)
			}
			add("意见", p.Note)
		case *tousu.DisciplineOutcomePayload:
			add("结果", tousu.DisciplineOutcomes.Label(p.Outcome))
			add("处理情况", p.Text)
		case *tousu.MergePayload:
			it.Details = append(it.Details, eventDetail{Name: "并入", Value: p.Into, Link: "/desk/complaints/" + url.PathEscape(p.Into)})
		case *tousu.AssignPayload:
			unit := l.units[p.Unit]
			if unit == "" {
				unit = p.Unit
			}
			add("承办单位", unit)
			var assisting []string
			for _, u := range p.AssistingUnits {
				if n := l.units[u]; n != "" {
					u = n
				}
				assisting = append(assisting, u)
			}
			add("协办单位", strings.Join(assisting, "、"))
			add("交办意见", p.Instructions)
			if p.UnitWorkingDays > 0 {
				add("承办期限", strconv.Itoa(p.UnitWorkingDays)+"个工作日")
			}
			if p.Handler != "" {
				add("承办人", l.handler(p.Handler))
			}
			add("办理方式", tousu.Modes.Label(p.Mode))
		case *tousu.ReasonPayload:
			add("理由", p.Reason)
		case *tousu.InvestigationPayload:
			add("方式", tousu.Methods.Label(p.Method))
			add("内容", p.Content)
			add("参加人", p.Participants)
			if p.Statement {
				add("性质", "被投诉人陈述申辩")
			}
		case *tousu.ExtendPayload:
			add("延长", strconv.Itoa(p.WorkingDays)+"个工作日")
			add("理由", p.Reason)
		case *tousu.UrgePayload:
			add("催办内容", p.Message)
		case *tousu.Decision:
			l.decision(add, *p)
		case *tousu.Reply:
			l.reply(add, *p)
		case *tousu.ResolvePayload:
			l.decision(add, p.Decision)
			r := p.Reply()
			r.Improvement = "" // the decision's, told above
			l.reply(add, r)
		case *tousu.FeedbackPayload:
			add("满意度", tousu.SatisfactionLabels[p.Level])
			add("意见", p.Comment)
			if p.Reopen {
				add("申请重办", "是")
			}
		}
	} else if p == nil && e.Type != tousu.EventRegister && len(e.Payload) > 0 {
		// A system event (a warning, an escalation): its fields as they are.
		var m map[string]any
		if json.Unmarshal(e.Payload, &m) == nil {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if k == "due_date" || k == "provisional" { // the date is shown below; 预计 is in the message
					continue
				}
				name := systemFieldLabels[k]
				if name == "" {
					name = k
				}
				if s, ok := m[k].(string); ok {
					add(name, s)
				} else if b, err := json.Marshal(m[k]); err == nil {
					add(name, string(b))
				}
			}
		}
	}
	if !extra.Due.IsZero() {
		add("到期日", extra.Due.String())
	}
	return it
}

func (l lookups) decision(add func(name, value string), d tousu.Decision) {
	add("核查结论", tousu.Findings.Label(d.Finding))
	ms := make([]string, len(d.Measures))
	for i, m := range d.Measures {
		ms[i] = tousu.Measures.Label(m)
	}
	add("处理措施", strings.Join(ms, "、"))
	add("涉及人员", l.staffList(d.Staff))
	add("改进措施", d.Improvement)
}

func (l lookups) reply(add func(name, value string), r tousu.Reply) {
	add("处理经过", r.Process)
	add("处理结果", r.Result)
	add("改进措施", r.Improvement)
	add("答复方式", tousu.Channels.Label(r.Channel))
}

// systemFieldLabels name the fields of system events' payloads.
var systemFieldLabels = map[string]string{"message": "内容", "note": "备注", "reason": "理由", "unit": "单位",
	"level": "级别", "working_days_left": "剩余工作日", "to": "报送", "previous_due_date": "原到期日",
	"days": "延期天数", "working_days": "延期工作日"}

// caseEvidence fills the case page's evidence files, upload form and related complaints.
func (s *Server) caseEvidence(r *http.Request, actor tousu.Actor, vm *casePage, st caseState) error {
	ctx := r.Context()
	number := vm.C.Number
	atts, err := s.app.Attachments(ctx, actor, number)
	if err != nil {
		return err
	}
	for _, a := range atts {
		vm.Evidence = append(vm.Evidence, evidenceItem{Attachment: a,
			URL:  "/desk/complaints/" + url.PathEscape(number) + "/attachments/" + strconv.FormatInt(a.ID, 10),
			Kind: evidenceKinds[a.ContentType], Size: byteSize(a.Size)})
	}
	if s.app.CanAttach(ctx, actor, number) == nil {
		vm.Upload = st.upload
		if vm.Upload == nil {
			vm.Upload = newForm(nil)
		}
	}
	if app.CanSeeRelated(actor) == nil && !vm.C.Complainant.Anonymous {
		vm.CanRelated = true
		if r.Method == http.MethodGet && r.URL.Query().Get("related") == "1" {
			list, err := s.app.Related(ctx, actor, number)
			if err != nil {
				return err
			}
			vm.RelatedShown = true
			for _, it := range list.Items {
				m := make([]string, len(it.Matches))
				for i, x := range it.Matches {
					m[i] = map[string]string{"phone": "电话", "id_number": "身份证号码"}[x]
				}
				vm.Related = append(vm.Related, relatedRow{Number: it.Number, Status: it.StatusLabel,
					Matches: strings.Join(m, "、"), Matter: clip(it.Matter, 60), ReceivedAt: it.ReceivedAt})
			}
		}
	}
	return nil
}

// evidenceKinds name the evidence types for people.
var evidenceKinds = map[string]string{"image/jpeg": "JPEG 图片", "image/png": "PNG 图片", "image/gif": "GIF 图片",
	"image/webp": "WebP 图片", "application/pdf": "PDF 文件"}

// byteSize says a file size in words.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 0, 64) + " KB"
	}
	return strconv.FormatInt(n, 10) + " 字节"
}
