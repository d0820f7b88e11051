// Package bench makes tousu measurable at scale: a generator of realistic data, written
// through the store's bulk path (tousu.Store.BulkRegister, which writes what a
// registration writes), and the load client and report of `tousu bench`.
package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/workday"
)

// Options configure Generate.
type Options struct {
	Size int       // complaints to add
	Seed uint64    // the same seed and size make the same organisation and texts
	End  time.Time // the last instant of the two years the complaints are received in
	Keys *pii.KeyRing
	// Calendar counts deadlines; Location is the deployment's time zone (numbers and
	// deadlines follow its days).
	Calendar *workday.Calendar
	Location *time.Location
	// Batch is how many complaints one transaction carries; 0: 2000.
	Batch int
	// Progress, when set, is told how many complaints are stored so far.
	Progress func(done int)
}

// Org is the generated organisation: a tree under the root unit of centres, their
// departments and the departments' windows, with staff at every window.
type Org struct {
	Centres, Departments, Windows []tousu.Unit
	Staff                         []tousu.Staff
}

var (
	centreNames = []string{"市政务服务中心", "东城区政务服务分中心", "西城区政务服务分中心", "南湖新区政务服务分中心",
		"北郊区政务服务分中心", "高新区政务服务分中心"}
	departmentNames = []string{"公安窗口", "税务窗口", "人社窗口", "市场监管窗口", "不动产登记窗口", "医保窗口",
		"公积金窗口", "交通运输窗口", "住建窗口", "民政窗口"}
)

// BuildOrg is the organisation for a size: more centres for a bigger province.
func BuildOrg(size int) Org {
	centres := 2
	switch {
	case size >= 1_000_000:
		centres = 6
	case size >= 100_000:
		centres = 4
	}
	var o Org
	for ci := range centres {
		c := tousu.Unit{Code: fmt.Sprintf("c%02d", ci+1), Name: centreNames[ci], Parent: app.RootUnitCode, Kind: tousu.UnitCentre, Sort: ci + 1}
		o.Centres = append(o.Centres, c)
		for di, dn := range departmentNames {
			d := tousu.Unit{Code: fmt.Sprintf("%s-d%02d", c.Code, di+1), Name: dn, Parent: c.Code, Kind: tousu.UnitDepartment, Sort: di + 1}
			o.Departments = append(o.Departments, d)
			for wi := range 3 + (ci+di)%3 {
				w := tousu.Unit{Code: fmt.Sprintf("%s-w%d", d.Code, wi+1), Name: fmt.Sprintf("%s%d号窗口", dn, wi+1),
					Parent: d.Code, Kind: tousu.UnitWindow, Sort: wi + 1}
				o.Windows = append(o.Windows, w)
				for si := range 3 {
					o.Staff = append(o.Staff, tousu.Staff{Badge: fmt.Sprintf("%s-%d", w.Code, si+1),
						Name: personName(rand.New(rand.NewPCG(uint64(len(o.Staff)), 7))), Unit: w.Code, Title: "窗口工作人员", Active: true})
				}
			}
		}
	}
	return o
}

// Put stores the organisation (units, then staff); what exists is updated in place.
func (o Org) Put(ctx context.Context, s tousu.Store) error {
	for _, us := range [][]tousu.Unit{o.Centres, o.Departments, o.Windows} {
		for _, u := range us {
			if err := s.PutUnit(ctx, u); err != nil {
				return err
			}
		}
	}
	for _, st := range o.Staff {
		if err := s.PutStaff(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// departmentOf is the department above a window.
func (o Org) departmentOf(window tousu.Unit) tousu.Unit {
	for _, d := range o.Departments {
		if d.Code == window.Parent {
			return d
		}
	}
	return tousu.Unit{}
}

// Generate stores opts.Size complaints received over the two years before opts.End,
// spread over the organisation's windows, the default categories, every channel and every
// status, each with the timeline and audit records its status implies, through
// BulkRegister in batches. A generator goroutine makes the next batch while the store
// writes the last one.
func Generate(ctx context.Context, s tousu.Store, o Org, opts Options) error {
	if opts.Batch <= 0 {
		opts.Batch = 2000
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	g := &generator{o: o, opts: opts, r: rand.New(rand.NewPCG(opts.Seed, uint64(opts.Size))),
		start: opts.End.Add(-2 * 365 * 24 * time.Hour)}
	batches := make(chan []tousu.BulkComplaint, 2)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		for done := 0; done < opts.Size; {
			n := min(opts.Batch, opts.Size-done)
			b := make([]tousu.BulkComplaint, n)
			for i := range b {
				b[i] = g.complaint(done + i)
			}
			select {
			case batches <- b:
			case <-gctx.Done():
				return
			}
			done += n
		}
	}()
	done := 0
	for b := range batches {
		if err := s.BulkRegister(ctx, tousu.SourceGenerated, b); err != nil {
			return err
		}
		// The batch's changes to the statistics, folded now rather than left queued for
		// the first read or serve node: a million-complaint load stays a short queue.
		for {
			n, err := s.FoldStats(ctx, len(b))
			if err != nil {
				return err
			}
			if n < len(b) {
				break
			}
		}
		done += len(b)
		if opts.Progress != nil {
			opts.Progress(done)
		}
	}
	return ctx.Err()
}

type generator struct {
	o     Org
	opts  Options
	r     *rand.Rand
	start time.Time
}

// The channels complaints arrive by, weighted as a centre sees them.
var channels = []tousu.Channel{tousu.ChannelVisit, tousu.ChannelVisit, tousu.ChannelVisit, tousu.ChannelPhone, tousu.ChannelPhone,
	tousu.ChannelHotline, tousu.ChannelHotline, tousu.ChannelHotline, tousu.ChannelWeb, tousu.ChannelWechat, tousu.ChannelKiosk,
	tousu.ChannelEmail, tousu.ChannelLetter, tousu.ChannelBox, tousu.ChannelCommentBook, tousu.ChannelEvaluation}

// lifecycle is the path a complaint takes to its final status: each step's action, the
// status it leads to, and the hours after receipt it happens at (before jitter).
type step struct {
	action tousu.Action
	to     tousu.Status
	hours  float64
}

var (
	worked = []step{{tousu.ActAccept, tousu.StatusAccepted, 4}, {tousu.ActAssign, tousu.StatusAssigned, 8},
		{tousu.ActSign, tousu.StatusInProgress, 26}, {tousu.ActReport, tousu.StatusReported, 120},
		{tousu.ActDecide, tousu.StatusDecided, 150}, {tousu.ActReply, tousu.StatusReplied, 170},
		{tousu.ActClose, tousu.StatusClosed, 340}, {tousu.ActArchive, tousu.StatusArchived, 24 * 60}}
	sideways = map[tousu.Status]step{
		tousu.StatusNotAccepted: {tousu.ActReject, tousu.StatusNotAccepted, 6},
		tousu.StatusWithdrawn:   {tousu.ActWithdraw, tousu.StatusWithdrawn, 10},
		tousu.StatusMerged:      {tousu.ActMerge, tousu.StatusMerged, 12},
		tousu.StatusSuspended:   {tousu.ActSuspend, tousu.StatusSuspended, 60},
	}
)

// finalStatus draws where a complaint received age ago now stands: old ones are done,
// recent ones spread over the open statuses, a few of them past their deadline.
func (g *generator) finalStatus(age time.Duration) tousu.Status {
	days := age.Hours() / 24
	x := g.r.IntN(100)
	switch {
	case x < 3:
		return tousu.StatusNotAccepted
	case x < 5:
		return tousu.StatusWithdrawn
	case x < 6:
		return tousu.StatusMerged
	case days > 90 && x < 97:
		if days > 400 {
			return tousu.StatusArchived
		}
		return tousu.StatusClosed
	}
	// Open, or done recently: the further the case got, the older it may be. About 1 %
	// of the old ones are still open, overdue.
	open := []tousu.Status{tousu.StatusRegistered, tousu.StatusAccepted, tousu.StatusAssigned, tousu.StatusInProgress,
		tousu.StatusSuspended, tousu.StatusReported, tousu.StatusDecided, tousu.StatusReplied, tousu.StatusClosed}
	return open[g.r.IntN(len(open))]
}

// path is the steps that lead to final.
func path(final tousu.Status) []step {
	if st, ok := sideways[final]; ok {
		if final == tousu.StatusSuspended {
			return append(append([]step(nil), worked[:3]...), st)
		}
		return []step{st}
	}
	if final == tousu.StatusRegistered {
		return nil
	}
	for i, st := range worked {
		if st.to == final {
			return worked[:i+1]
		}
	}
	return nil
}

// categoryCodes are the codes of the default categories.
func categoryCodes() []string {
	out := make([]string, len(app.DefaultCategories))
	for i, c := range app.DefaultCategories {
		out[i] = c.Code
	}
	return out
}

var findings = []tousu.Finding{tousu.FindingFounded, tousu.FindingFounded, tousu.FindingPartly, tousu.FindingUnfounded, tousu.FindingUnverifiable}

// complaint makes the i-th complaint: received in order over the two years, so that
// numbers run with the days as they would have.
func (g *generator) complaint(i int) tousu.BulkComplaint {
	r, o, loc := g.r, g.o, g.opts.Location
	span := g.opts.End.Sub(g.start)
	received := g.start.Add(time.Duration(float64(span) * (float64(i) + r.Float64()) / float64(g.opts.Size)))
	// Offices work by day: move night-time arrivals into the working day.
	lt := received.In(loc)
	if h := lt.Hour(); h < 8 || h >= 18 {
		lt = time.Date(lt.Year(), lt.Month(), lt.Day(), 8+r.IntN(10), r.IntN(60), r.IntN(60), 0, loc)
		received = lt
	}
	received = received.UTC().Truncate(time.Millisecond)
	window := pick(r, o.Windows)
	dept := o.departmentOf(window)
	staff := o.Staff[r.IntN(len(o.Staff))]
	if r.IntN(3) > 0 { // mostly about someone at the window named
		for _, st := range o.Staff {
			if st.Unit == window.Code {
				staff = st
				break
			}
		}
	}
	centre := dept.Parent
	id := fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
	who := tousu.Complainant{Anonymous: r.IntN(10) == 0}
	if !who.Anonymous {
		who.Name = personName(r)
		who.Phone = fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
		if r.IntN(3) == 0 {
			who.IDNumber = fmt.Sprintf("110%03d19%02d%02d%02d%03dX", r.IntN(1000), 50+r.IntN(50), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
		}
	}
	cats := []string{pick(r, app.DefaultCategories).Code}
	if r.IntN(5) == 0 {
		cats = append(cats, pick(r, app.DefaultCategories).Code)
		if cats[1] == cats[0] {
			cats = cats[:1]
		}
	}
	kind := tousu.KindComplaint
	if x := r.IntN(20); x == 0 {
		kind = tousu.KindReport
	} else if x == 1 {
		kind = tousu.KindSuggestion
	}
	channel := pick(r, channels)
	clerk := fmt.Sprintf("clerk-%s", centre)
	sup := fmt.Sprintf("sup-%s", centre)
	handler := fmt.Sprintf("handler-%s", window.Code)
	code := sha256.Sum256([]byte(id))
	c := &tousu.Complaint{
		ID: id, Kind: kind, Channel: channel, Status: tousu.StatusRegistered, Classification: tousu.ClassCase,
		Categories: cats, Identity: g.opts.Keys.SealIdentity(id, who),
		Target: tousu.Target{Unit: window.Code, Staff: staff.Badge},
		Matter: matter(r, dept.Name), Request: request(r),
		FirstReceiver: clerk, OwnerUnit: centre, Mode: tousu.ModeTransfer,
		ReceivedAt: received, CreatedAt: received, UpdatedAt: received,
		QueryCodeHash: hex.EncodeToString(code[:]),
	}
	if channel == tousu.ChannelHotline {
		// The 12345 order number: unique across runs that add to the same database.
		c.ExternalRef = "GD" + lt.Format("20060102") + strings.ToUpper(id[:12])
	}
	c.Deadline = tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: tousu.DateOf(received.In(loc))}
	c.Deadline.Due = workday.Due(g.opts.Calendar, c.Deadline)
	c.Handling.Stats.ReceivedOn = c.Deadline.Start

	final := g.finalStatus(g.opts.End.Sub(received))
	steps := path(final)
	regPayload, _ := json.Marshal(map[string]any{"channel": channel, "kind": kind, "due_date": c.Deadline.Due, "policy": "默认期限"})
	events := []tousu.Event{{Type: tousu.EventRegister, Actor: clerk, ActorName: "受理员", At: received,
		To: tousu.StatusRegistered, Payload: regPayload}}
	audit := []tousu.AuditRecord{{At: received, Actor: clerk, Action: "register"}}
	at := received
	from := tousu.StatusRegistered
	for _, st := range steps {
		next := received.Add(time.Duration(st.hours*(0.5+r.Float64())) * time.Hour).Truncate(time.Millisecond)
		if !next.After(at) {
			next = at.Add(time.Minute)
		}
		if next.After(g.opts.End) {
			break // the case has not got that far yet
		}
		at = next
		actor, name := sup, "督查员"
		switch st.action {
		case tousu.ActSign, tousu.ActReport:
			actor, name = handler, "承办人"
		case tousu.ActWithdraw:
			actor, name = clerk, "受理员"
		}
		var payload json.RawMessage
		switch st.action {
		case tousu.ActAssign:
			c.AssignedUnit = window.Code
			c.Handling.AssignedOn = tousu.DateOf(at.In(loc))
			c.Handling.UnitDue = g.opts.Calendar.AddWorkdays(c.Handling.AssignedOn, 10)
			payload, _ = json.Marshal(map[string]any{"unit": window.Code})
		case tousu.ActSign:
			c.Handler = handler
		case tousu.ActReport:
			c.Handling.Report = &tousu.Report{Process: "经调取监控、约谈当事人核实，" + pick(r, details), Measures: []tousu.Measure{},
				Staff: []string{staff.Badge}, Unit: window.Code, By: handler, At: &at}
		case tousu.ActDecide:
			c.Decision = &tousu.Decision{Finding: pick(r, findings), Measures: []tousu.Measure{}, Staff: []string{staff.Badge},
				Improvement: "加强窗口人员服务规范培训"}
			c.Handling.Stats.DecidedOn = tousu.DateOf(at.In(loc))
		case tousu.ActReply:
			c.Reply = &tousu.Reply{Process: "经调查核实，情况基本属实。", Result: "已对相关工作人员进行批评教育，" + pick(r, requests),
				Improvement: "严格落实首问负责制和一次性告知制度", Channel: tousu.ChannelPhone}
			c.Handling.RepliedOn = tousu.DateOf(at.In(loc))
			// What the lifecycle records for the statistics (app.statMarks).
			m := &c.Handling.Stats
			m.FirstReplyOn, m.FirstReplyDue = c.Handling.RepliedOn, c.Deadline.Due
			m.FirstReplyWorkdays = max(0, g.opts.Calendar.WorkdaysBetween(c.Deadline.Start, m.FirstReplyOn))
		case tousu.ActClose:
			c.Satisfaction = 1 + r.IntN(5)
			if c.Satisfaction <= 2 && r.IntN(2) == 0 {
				c.Marks |= tousu.MarkDissatisfied
				c.Handling.Dissatisfied = true
			}
			closed := at
			c.ClosedAt = &closed
			c.Handling.Stats.RatedOn = tousu.DateOf(at.In(loc))
		case tousu.ActReject, tousu.ActWithdraw, tousu.ActMerge:
			c.Handling.Stats.Refused = st.action == tousu.ActReject
			c.Handling.Stats.Withdrawn = st.action == tousu.ActWithdraw
			closed := at
			c.ClosedAt = &closed
		}
		events = append(events, tousu.Event{Type: tousu.EventType(st.action), Actor: actor, ActorName: name, At: at,
			From: from, To: st.to, Payload: payload})
		audit = append(audit, tousu.AuditRecord{At: at, Actor: actor, Action: string(st.action)})
		from, c.Status = st.to, st.to
	}
	if c.Status == tousu.StatusSuspended {
		c.Deadline.SuspendedOn = tousu.DateOf(at.In(loc))
	}
	c.UpdatedAt = at
	return tousu.BulkComplaint{Complaint: c, NumberPrefix: app.NumberPrefix + tousu.DateOf(received.In(loc)).Midnight(time.UTC).Format("20060102"),
		Events: events, Audit: audit}
}
