package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"tousu"
	"tousu/internal/notify"
	"tousu/internal/pii"
	"tousu/internal/workday"
)

// The background jobs of `tousu serve` (DESIGN §4, §6): every interval each node tries
// to take each job's lease, and the node that holds it runs the job:
//
//   - deadlines: watch every open case with a running clock; warn when it is due soon
//     and when it is overdue, then urge (催办) and escalate up the escalation ladder, each
//     step once (the complaint's Alert bits), each an event in the timeline, written with
//     the version check so that a concurrent change wins and the step is retried on the
//     next tick;
//   - outbox: deliver pending messages, with retries and exponential backoff, until
//     sent or dead (claims lease each message to one node);
//   - sessions: delete expired desk sessions.
//
// The jobs read the injected clock, so tests move time by hand.

// Ladder is the escalation ladder of deadline supervision: when a case counts as due
// soon, and how many working days past the due day it is urged and reported up. A step
// of 0 is off. It is stored as the setting LadderSetting; DefaultLadder applies until an
// admin saves one.
type Ladder struct {
	DueSoonDays     int `json:"due_soon_days"`    // ≤ this many working days left: due soon
	UrgeAfter       int `json:"urge_after"`       // automatic 催办 to the unit
	HeadAfter       int `json:"head_after"`       // reported to the responsible unit's superiors
	OfficeAfter     int `json:"office_after"`     // reported to the supervision office
	InspectionAfter int `json:"inspection_after"` // reported to discipline inspection
}

// LadderSetting is the key of the escalation ladder in the settings.
const LadderSetting = "deadline.ladder"

// DefaultLadder: due soon at 3 working days left (DESIGN §4); urged on the first working
// day past due; reported to the unit's superiors after 3, to the supervision office after
// 5 and to discipline inspection after 10 working days.
var DefaultLadder = Ladder{DueSoonDays: DueSoonDays, UrgeAfter: 1, HeadAfter: 3, OfficeAfter: 5, InspectionAfter: 10}

// ladderFrom reads the ladder from the settings; a missing or unreadable one is the default.
func ladderFrom(settings map[string]string) Ladder {
	l := DefaultLadder
	if v := settings[LadderSetting]; v != "" {
		if err := json.Unmarshal([]byte(v), &l); err != nil || l.Check() != nil {
			return DefaultLadder
		}
	}
	return l
}

// Check returns the ladder's problems as field errors: each step 0 (off) to 60 working
// days, in the order of the ladder.
func (l Ladder) Check() error {
	p := tousu.Problems{}
	if l.DueSoonDays < 0 || l.DueSoonDays > 30 {
		p.Add("due_soon_days", "应为0至30个工作日")
	}
	last, lastField := 0, ""
	for _, s := range []struct {
		field, label string
		days         int
	}{
		{"urge_after", "自动催办", l.UrgeAfter}, {"head_after", "报上级单位", l.HeadAfter},
		{"office_after", "报督查机构", l.OfficeAfter}, {"inspection_after", "报纪检", l.InspectionAfter},
	} {
		switch {
		case s.days < 0 || s.days > 60:
			p.Add(s.field, "应为0（不启用）至60个工作日")
		case s.days > 0 && s.days < last:
			p.Add(s.field, "不能早于前一步（"+lastField+"）")
		case s.days > 0:
			last, lastField = s.days, s.label
		}
	}
	return p.Err()
}

// Ladder returns the escalation ladder in force.
func (a *App) Ladder(ctx context.Context) (Ladder, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return Ladder{}, err
	}
	return ref.ladder, nil
}

// SetLadder changes the escalation ladder (admin; audited). It applies from the next tick.
func (a *App) SetLadder(ctx context.Context, actor tousu.Actor, l Ladder) error {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return err
	}
	if err := l.Check(); err != nil {
		return err
	}
	v, _ := json.Marshal(l)
	return a.putSetting(ctx, actor, "ladder.put", LadderSetting, string(v))
}

// JobOptions configure RunJobs.
type JobOptions struct {
	// Holder names this process among the nodes, e.g. host:pid:random; every node needs
	// its own.
	Holder string
	// Interval is how often the jobs run (TOUSU_JOB_INTERVAL); default 1 minute.
	Interval time.Duration
}

// The job names, which are also their lease names.
const (
	JobDeadlines = "deadlines"
	JobOutbox    = "outbox"
	JobSessions  = "sessions"
)

// JobReport says what one tick did on this node.
type JobReport struct {
	Ran             []string // the jobs whose lease this node held
	Scan            ScanReport
	Delivery        DeliveryReport
	SessionsDeleted int
	Recompute       RecomputeReport // due dates moved by a change of the calendar
	Evaluations     ScanReport      // the overdue steps of bad ratings (好差评)
	Rectify         RectScanReport  // rectification tasks warned of and escalated (rectify.go)
}

// RunJobs runs the jobs every interval until ctx ends, the first time at once. Failures
// are logged and tried again on the next tick.
func (a *App) RunJobs(ctx context.Context, opts JobOptions) {
	if opts.Interval <= 0 {
		opts.Interval = time.Minute
	}
	t := time.NewTicker(opts.Interval)
	defer t.Stop()
	for {
		rep, err := a.Tick(ctx, opts.Holder, opts.Interval)
		if err != nil && ctx.Err() == nil {
			a.log.Error("jobs", "err", err)
		}
		if s, d := rep.Scan, rep.Delivery; s.Warnings()+d.Sent+d.Dead+d.Retried > 0 {
			a.log.Info("jobs", "due_soon", s.DueSoon, "overdue", s.Overdue, "urged", s.Urged, "escalated", s.Escalated,
				"sent", d.Sent, "retried", d.Retried, "dead", d.Dead)
		}
		if ev := rep.Evaluations; ev.Warnings() > 0 {
			a.log.Info("jobs: bad ratings", "overdue", ev.Overdue, "urged", ev.Urged, "escalated", ev.Escalated)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick runs each job once, if this node (holder) gets its lease. A lease lasts three
// intervals, so that the node that has it keeps it from tick to tick while it lives, and
// another takes over soon after it dies. Jobs are safe to run on two nodes at once even
// so: the lease only spares the work.
func (a *App) Tick(ctx context.Context, holder string, interval time.Duration) (JobReport, error) {
	if interval <= 0 {
		interval = time.Minute
	}
	var rep JobReport
	var errs []error
	for _, job := range []struct {
		name string
		run  func(context.Context) error
	}{
		{JobDeadlines, func(ctx context.Context) (err error) {
			// The calendar first, so that the warnings go by the dates in force.
			if rep.Recompute, err = a.RecomputeDeadlines(ctx); err != nil {
				return err
			}
			if rep.Scan, err = a.ScanDeadlines(ctx); err != nil {
				return err
			}
			// Bad ratings' call-back and rectification steps (evaluations.go).
			if rep.Evaluations, err = a.ScanEvaluationDeadlines(ctx); err != nil {
				return err
			}
			// Rectification tasks of inspections climb the same ladder (rectify.go).
			rep.Rectify, err = a.ScanRectifications(ctx)
			return err
		}},
		{JobOutbox, func(ctx context.Context) (err error) { rep.Delivery, err = a.DeliverOutbox(ctx); return err }},
		{JobSessions, func(ctx context.Context) (err error) {
			rep.SessionsDeleted, err = a.store.DeleteExpiredSessions(ctx, a.now())
			return err
		}},
	} {
		if ctx.Err() != nil {
			break
		}
		now := a.now()
		ok, err := a.store.TryLease(ctx, job.name, holder, now, now.Add(3*interval))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		rep.Ran = append(rep.Ran, job.name)
		if err := job.run(ctx); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", job.name, err))
		}
	}
	return rep, errors.Join(errs...)
}

// ScanReport counts the deadline steps one scan took.
type ScanReport struct {
	DueSoon, Overdue, Urged, Escalated int
	// HalfwayUrged counts the automatic urges at the half-way point of a 督办 unit's
	// sub-deadline; AutoClosed the replied cases closed for want of a rating.
	HalfwayUrged, AutoClosed int
	// Conflicts counts cases changed meanwhile by someone else: their step is retried on
	// the next tick.
	Conflicts int
}

// Warnings is the number of steps taken.
func (r ScanReport) Warnings() int {
	return r.DueSoon + r.Overdue + r.Urged + r.Escalated + r.HalfwayUrged + r.AutoClosed
}

// scanPage is how many cases one query of the scan reads; scanMax bounds one scan, so
// that the first tick on a large backlog does not hold the lease for ever: the rest come
// on the next ticks.
const (
	scanPage = 200
	scanMax  = 2000
)

// ScanDeadlines takes the deadline steps due today (DESIGN §4): the due-soon warning
// (≤ Ladder.DueSoonDays working days left), the overdue warning (past the due day), then,
// by working days past due, the automatic urge and the escalation up the ladder. Each
// step is an event on the complaint and sets its Alert bit in the same transaction, with
// the desk messages (and webhook) it causes, so that it happens once.
func (a *App) ScanDeadlines(ctx context.Context) (ScanReport, error) {
	var rep ScanReport
	ref, dir, err := a.scanDir(ctx)
	if err != nil {
		return rep, err
	}
	today := a.Today()
	l := ref.ladder
	seen := 0

	// Due soon: due between today and the DueSoonDays-th working day from now.
	err = a.scan(ctx, tousu.ComplaintFilter{DueFrom: today, DueTo: ref.cal.AddWorkdays(today, l.DueSoonDays),
		AlertsLacking: tousu.AlertDueSoon}, &seen, func(c *tousu.Complaint) error {
		return a.step(ctx, ref, dir, c, &rep, tousu.AlertDueSoon)
	})
	if err != nil {
		return rep, err
	}

	// Overdue, and each step of the ladder: one query per step finds exactly the cases
	// that lack it and are late enough for it; each case then takes every step it is due.
	for _, s := range ladderSteps(l) {
		f := tousu.ComplaintFilter{DueTo: lateBy(ref.cal, today, s.after), AlertsLacking: s.bit}
		err := a.scan(ctx, f, &seen, func(c *tousu.Complaint) error {
			for _, t := range ladderSteps(l) {
				if c.Alerts&t.bit != 0 || !today.After(c.Deadline.Due) || ref.cal.WorkdaysBetween(c.Deadline.Due, today) < t.after {
					continue
				}
				if err := a.step(ctx, ref, dir, c, &rep, t.bit); err != nil {
					return err
				}
				if c.Alerts&t.bit == 0 {
					break // a conflict: the rest waits for the next tick
				}
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	if err := a.scanHandling(ctx, ref, dir, &rep, &seen); err != nil {
		return rep, err
	}
	return rep, nil
}

// ladderStep is a step past the due day: its Alert bit and the working days past due it
// waits for (0 for the overdue warning, the day after the due day).
type ladderStep struct {
	bit   int
	after int
}

// ladderSteps are the steps past due that l has switched on, in order.
func ladderSteps(l Ladder) []ladderStep {
	steps := []ladderStep{{tousu.AlertOverdue, 0}}
	for _, s := range []ladderStep{{tousu.AlertUrged, l.UrgeAfter}, {tousu.AlertEscalated1, l.HeadAfter},
		{tousu.AlertEscalated2, l.OfficeAfter}, {tousu.AlertEscalated3, l.InspectionAfter}} {
		if s.after > 0 {
			steps = append(steps, s)
		}
	}
	return steps
}

// lateBy is the latest due date of a case that is, on today, at least n working days
// past due (n = 0: past due at all).
func lateBy(cal *workday.Calendar, today tousu.Date, n int) tousu.Date {
	if n <= 0 {
		return today.AddDays(-1)
	}
	// Past due by n working days: n working days after the due day, up to today. The n-th
	// working day counted back from today (today included) must come after the due day.
	return cal.AddWorkdays(today.AddDays(1), -n).AddDays(-1)
}

// scan runs do on every case f selects, page by page in due order, at most scanMax per
// scan (counted in *seen); f's clock filters keep only open cases whose clock runs.
func (a *App) scan(ctx context.Context, f tousu.ComplaintFilter, seen *int, do func(*tousu.Complaint) error) error {
	f.Order = tousu.OrderDue
	return a.scanPages(ctx, f, seen, do)
}

// scanPages runs do on every case f selects in f.Order, a page at a time, at most scanMax
// per scan (counted in *seen).
func (a *App) scanPages(ctx context.Context, f tousu.ComplaintFilter, seen *int, do func(*tousu.Complaint) error) error {
	f.Limit = scanPage
	for *seen < scanMax {
		cs, err := a.store.ListComplaints(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range cs {
			*seen++
			if err := do(c); err != nil {
				return err
			}
		}
		if len(cs) < f.Limit {
			return nil
		}
		last := cs[len(cs)-1]
		key := last.ReceivedAt.UnixMilli()
		if f.Order == tousu.OrderDue {
			key = tousu.DateKey(last.Deadline.Due)
		}
		f.After = &tousu.Cursor{Key: key, ID: last.ID}
	}
	return nil
}

// step takes one deadline step on c: the event, the Alert bit, the messages, in one
// change. A conflict (someone changed the case meanwhile) is counted and left for the
// next tick, c's bit unset.
func (a *App) step(ctx context.Context, ref *reference, dir *staffDir, c *tousu.Complaint, rep *ScanReport, bit int) error {
	now := a.now().UTC().Truncate(time.Millisecond)
	today := a.Today()
	due := c.Deadline.Due
	late := ref.cal.WorkdaysBetween(due, today) // working days past due
	actor := tousu.SystemActor
	ev := tousu.Event{ComplaintID: c.ID, Actor: actor.Login, ActorName: actor.Name, At: now, From: c.Status, To: c.Status}
	d := a.templateData(ref, c, &ev, nil)
	d.Handler = dir.name(c.Handler)
	d.DaysOverdue = late
	payload := map[string]any{"due_date": due}
	var (
		kind  notify.Kind
		to    []tousu.User
		count *int
	)
	switch bit {
	case tousu.AlertDueSoon:
		left := workday.Remaining(ref.cal, today, due)
		ev.Type, kind, count = tousu.EventWarnDueSoon, notify.DueSoon, &rep.DueSoon
		payload["working_days_left"] = left
		d.DaysLeft = left
		to = append(dir.handlers(c), dir.supervisors(c)...)
	case tousu.AlertOverdue:
		ev.Type, kind, count = tousu.EventWarnOverdue, notify.Overdue, &rep.Overdue
		payload["message"] = fmt.Sprintf("已超过办理期限（%s）%d个工作日", due, late)
		to = append(dir.handlers(c), dir.supervisors(c)...)
	case tousu.AlertUrged:
		// The urge's own event type, so that the timeline tells it like a supervisor's.
		msg := fmt.Sprintf("已超过办理期限%d个工作日，请立即办理并报告进展（系统自动催办）", late)
		ev.Type, kind, count = tousu.EventType(tousu.ActUrge), notify.Urged, &rep.Urged
		payload = map[string]any{"message": msg, "auto": true}
		d.Message = msg
		if to = dir.handlers(c); len(to) == 0 {
			to = dir.supervisors(c) // not yet assigned: it is the supervisors' to move
		}
	case tousu.AlertEscalated1, tousu.AlertEscalated2, tousu.AlertEscalated3:
		level := map[int]int{tousu.AlertEscalated1: levelHead, tousu.AlertEscalated2: levelOffice, tousu.AlertEscalated3: levelInspection}[bit]
		unit, recipients := dir.escalation(c, level)
		d.Level = levelLabel(level, ref.unitName(unit))
		ev.Type, kind, count, to = tousu.EventEscalate, notify.Escalated, &rep.Escalated, recipients
		names := make([]string, 0, len(to))
		for _, u := range without(to, "") {
			names = append(names, u.Name)
		}
		payload["level"] = d.Level
		payload["to"] = strings.Join(names, "、")
		payload["message"] = fmt.Sprintf("超过办理期限%d个工作日，报送%s", late, d.Level)
		if unit != "" {
			payload["unit"] = ref.unitName(unit)
		}
	default:
		return fmt.Errorf("jobs: no deadline step for alert bit %d", bit)
	}
	ev.Payload, _ = json.Marshal(payload)
	d.Actor = actor.Name
	out := a.deskMessages(ref, c, kind, d, now, without(to, ""))
	if a.notifications().Webhook != nil {
		out = append(out, a.eventMessage(c, &ev))
	}
	before := c.Alerts
	c.Alerts |= bit
	err := a.store.UpdateComplaint(ctx, &tousu.Change{Complaint: c, Event: &ev, Outbox: out})
	switch {
	case tousu.IsKind(err, tousu.KindConflict):
		c.Alerts = before
		rep.Conflicts++
		return nil
	case err != nil:
		c.Alerts = before
		return err
	}
	*count++
	return nil
}

// levelLabel names an escalation step for the timeline and the message.
func levelLabel(level int, unitName string) string {
	switch level {
	case levelHead:
		if unitName != "" {
			return unitName + "负责人"
		}
		return "上级单位负责人"
	case levelOffice:
		if unitName != "" {
			return unitName
		}
		return "督查机构"
	}
	return "纪检监察"
}

// DeliveryReport counts what one delivery run did.
type DeliveryReport struct {
	Sent    int // delivered (desk messages included)
	Retried int // failed, to be tried again later
	Dead    int // given up
}

// The outbox's pace: a claim takes claimBatch messages for claimLease; each send has
// sendTimeout; one run sends at most deliverMax. A claim lasts long enough for its whole
// batch (claimBatch × sendTimeout < claimLease), so that no other node takes a message
// while it is being sent.
const (
	claimBatch  = 20
	claimLease  = 15 * time.Minute
	sendTimeout = 30 * time.Second
	deliverMax  = 1000
)

// DeliverOutbox sends the pending messages that are due: desk messages are marked
// delivered (they are on the desk already), the rest go to their channel's sender. A
// failure is retried after RetryBase·2^(n−1) (at most RetryCap) until MaxAttempts, then
// the message is dead; a permanent failure (a rejected address) is dead at once, and so
// is a message for a channel no longer configured. Admins see and retry dead messages.
//
// A message is marked sent right after its sender returns: a crash between the two sends
// it again on a later claim (at least once). Receivers drop such duplicates by the key
// that stays the same across retries: the e-mail's Message-ID, the webhooks'
// Idempotency-Key.
func (a *App) DeliverOutbox(ctx context.Context) (DeliveryReport, error) {
	var rep DeliveryReport
	n := a.notifications()
	for done := 0; done < deliverMax; {
		ms, err := a.store.ClaimMessages(ctx, a.now(), claimLease, claimBatch)
		if err != nil {
			return rep, err
		}
		for i := range ms {
			if ctx.Err() != nil {
				return rep, nil // the rest come back when their claim lapses
			}
			if err := a.deliver(ctx, n, &ms[i], &rep); err != nil {
				return rep, err
			}
		}
		done += len(ms)
		if len(ms) < claimBatch {
			break
		}
	}
	return rep, nil
}

// deliver sends one claimed message and records the outcome.
func (a *App) deliver(ctx context.Context, n *Notifications, m *tousu.Message, rep *DeliveryReport) error {
	var sendErr error
	var out notify.Outgoing
	if m.Channel != tousu.MessageDesk {
		sender := n.sender(m.Channel)
		switch {
		case sender == nil:
			sendErr = notify.Permanent(errors.New("未配置该渠道，不发送"))
		default:
			out, sendErr = a.outgoing(m)
			if sendErr == nil {
				sctx, cancel := context.WithTimeout(ctx, sendTimeout)
				sendErr = sender.Send(sctx, out)
				cancel()
			}
		}
		m.Attempts++
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	switch {
	case sendErr == nil:
		m.Status, m.SentAt, m.LastError = tousu.MessageSent, &now, ""
		rep.Sent++
	case notify.IsPermanent(sendErr) || m.Attempts >= n.MaxAttempts:
		m.Status, m.LastError = tousu.MessageDead, cleanError(sendErr, out.To)
		rep.Dead++
	default:
		m.NextAttempt, m.LastError = now.Add(n.backoff(m.Attempts)), cleanError(sendErr, out.To)
		rep.Retried++
	}
	// The outcome is written even when ctx ends (a shutdown): a message sent and not
	// marked would be sent again.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return a.store.UpdateMessage(wctx, m)
}

// backoff is the wait after the n-th failed attempt.
func (n *Notifications) backoff(attempts int) time.Duration {
	d := n.RetryBase
	for i := 1; i < attempts && d < n.RetryCap; i++ {
		d *= 2
	}
	return min(d, n.RetryCap)
}

// outgoing opens a message for its sender: the sealed recipient and query code.
func (a *App) outgoing(m *tousu.Message) (notify.Outgoing, error) {
	out := notify.Outgoing{ID: m.ID, Subject: m.Subject, Body: m.Body, CreatedAt: m.CreatedAt}
	if m.Channel == tousu.MessageWebhook || m.Channel == tousu.MessageHotline {
		out.Event = m.Subject
		return out, nil
	}
	plain, err := a.keys.Open(m.To, envelopeAAD(m.ComplaintID))
	if err != nil {
		return out, notify.Permanent(errors.New("无法解密收件人（密钥不在密钥环中？）"))
	}
	var env envelope
	if err := json.Unmarshal(plain, &env); err != nil || env.To == "" {
		return out, notify.Permanent(errors.New("收件人记录无效"))
	}
	out.To = env.To
	if env.Code != "" {
		out.Subject = strings.ReplaceAll(out.Subject, queryCodePlaceholder, env.Code)
		out.Body = strings.ReplaceAll(out.Body, queryCodePlaceholder, env.Code)
	}
	return out, nil
}

var (
	emailPattern  = regexp.MustCompile(`[^\s<>"'@]+@[^\s<>"'@]+`)
	digitsPattern = regexp.MustCompile(`\d{7,}`)
)

// cleanError is a failure as the outbox keeps it for admins: short, and without the
// recipient, which a mail server's reply may echo (an identity never reaches the admin).
func cleanError(err error, to string) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if to != "" {
		s = strings.ReplaceAll(s, to, maskAddress(to))
	}
	s = emailPattern.ReplaceAllStringFunc(s, pii.MaskEmail)
	s = digitsPattern.ReplaceAllStringFunc(s, pii.MaskPhone)
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}

// maskAddress masks an e-mail address or a phone number.
func maskAddress(to string) string {
	if strings.Contains(to, "@") {
		return pii.MaskEmail(to)
	}
	return pii.MaskPhone(to)
}
