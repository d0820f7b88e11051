package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/workday"
)

// Imported notices live in the settings, one per year, in the format of holidays.json, so
// that every node builds the same calendar from the store.
const (
	noticeSetting = "calendar.notice."
	// appliedSetting is the fingerprint of the calendar the open cases' due dates were
	// last recomputed on (RecomputeDeadlines).
	appliedSetting = "calendar.applied"
)

// calendarFrom is the official calendar with the imported notices and the overrides.
func (a *App) calendarFrom(settings map[string]string, ovs []tousu.CalendarOverride) *workday.Calendar {
	cal := a.official
	for _, key := range slices.Sorted(mapsKeys(settings)) {
		if !strings.HasPrefix(key, noticeSetting) {
			continue
		}
		ns, err := workday.ParseNoticesJSON([]byte(settings[key]))
		if err != nil {
			a.log.Error("calendar notice", "key", key, "err", err)
			continue
		}
		for _, n := range ns {
			cal = cal.WithNotice(n)
		}
	}
	return cal.With(ovs)
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// calendarFingerprint identifies what the calendar is made of (imported notices and
// overrides), so that the job knows whether it changed since the last recompute.
func calendarFingerprint(settings map[string]string, ovs []tousu.CalendarOverride) string {
	h := sha256.New()
	for _, key := range slices.Sorted(mapsKeys(settings)) {
		if strings.HasPrefix(key, noticeSetting) {
			fmt.Fprintf(h, "%s=%s\n", key, settings[key])
		}
	}
	for _, o := range ovs {
		fmt.Fprintf(h, "%s %v %s\n", o.Date, o.Workday, o.Name)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// NoticeInput is a notice to import: its text as published, or JSON in the format of
// holidays.json (one year).
type NoticeInput struct {
	Year   int    `json:"year"`
	Text   string `json:"text"`
	DryRun bool   `json:"dry_run"`
}

// NoticeResult is what an import found: the rest days and the make-up working days,
// sorted, and whether it was saved.
type NoticeResult struct {
	Year     int          `json:"year"`
	Holidays []tousu.Date `json:"holidays"`
	Workdays []tousu.Date `json:"workdays"`
	Saved    bool         `json:"saved"`
	// Names are the holiday of each day, for the preview.
	Names map[string]string `json:"names"`
}

// ImportNotice reads a State Council notice and, unless DryRun, puts it in force for its
// year (admin; audited). Open cases whose due date moves are recomputed by the deadline
// job (RecomputeDeadlines). A text it cannot read is refused naming the line.
func (a *App) ImportNotice(ctx context.Context, actor tousu.Actor, in NoticeInput) (*NoticeResult, error) {
	if err := a.requireRootAdmin(ctx, actor); err != nil {
		return nil, err
	}
	invalid := func(field, msg string) error {
		return &tousu.Error{Kind: tousu.KindInvalid, Message: msg, Fields: map[string]string{field: msg}}
	}
	if in.Year != 0 && (in.Year < 2000 || in.Year > 2100) {
		return nil, invalid("year", "年份应为2000至2100")
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, invalid("text", "请粘贴国务院办公厅关于节假日安排的通知全文")
	}
	if len(text) > 64<<10 {
		return nil, invalid("text", "通知文本过长（不超过64KB）")
	}
	var n workday.Notice
	if strings.HasPrefix(text, "{") {
		ns, err := workday.ParseNoticesJSON([]byte(text))
		switch {
		case err != nil:
			return nil, invalid("text", "JSON 格式不正确："+err.Error())
		case len(ns) != 1:
			return nil, invalid("text", "JSON 应只含一个年份的安排")
		case in.Year != 0 && ns[0].Year != in.Year:
			return nil, invalid("year", fmt.Sprintf("JSON 中是%d年的安排，与所填年份不符", ns[0].Year))
		}
		n = ns[0]
	} else {
		var err error
		if n, err = workday.ParseNotice(in.Year, text); err != nil {
			var ne *workday.NoticeError
			if errors.As(err, &ne) {
				return nil, invalid("text", ne.Error())
			}
			return nil, err
		}
	}
	for _, d := range append(slices.Clone(n.Holidays), n.Workdays...) {
		if d.Year < n.Year-1 || d.Year > n.Year {
			return nil, invalid("text", fmt.Sprintf("%s不属于%d年的安排", d, n.Year))
		}
	}
	res := &NoticeResult{Year: n.Year, Holidays: n.Holidays, Workdays: n.Workdays, Names: map[string]string{}}
	if res.Holidays == nil {
		res.Holidays = []tousu.Date{}
	}
	if res.Workdays == nil {
		res.Workdays = []tousu.Date{}
	}
	for d, name := range n.Names {
		res.Names[d.String()] = name
	}
	if in.DryRun {
		return res, nil
	}
	b, err := workday.MarshalNotices(n)
	if err != nil {
		return nil, err
	}
	if err := a.store.PutSetting(ctx, noticeSetting+strconv.Itoa(n.Year), string(b)); err != nil {
		return nil, err
	}
	a.invalidate()
	res.Saved = true
	detail := fmt.Sprintf("%d: %d rest, %d workdays", n.Year, len(n.Holidays), len(n.Workdays))
	return res, a.audit(ctx, actor, "calendar.import", strconv.Itoa(n.Year), detail)
}

// Provisional reports whether a due date counted from start rests on a year without an
// official notice.
func (a *App) Provisional(ctx context.Context, start, due tousu.Date) bool {
	ref, err := a.reference(ctx)
	if err != nil || due.IsZero() {
		return false
	}
	return ref.cal.Provisional(start, due)
}

// RecomputeReport counts what one recompute did.
type RecomputeReport struct {
	Changed, Conflicts int
}

// RecomputeDeadlines gives every open case the due date of the calendar in force, when
// the calendar changed (a notice imported, an override added or removed) since the last
// time: each case whose date moves gets an event (期限因节假日安排调整) with the new date,
// in the same change as its new deadline. It runs in the deadline job, under its lease, so
// one node does it; a case changed meanwhile (a conflict) keeps the old fingerprint in
// place so that the next tick tries again, and a second run changes nothing.
func (a *App) RecomputeDeadlines(ctx context.Context) (RecomputeReport, error) {
	var rep RecomputeReport
	a.invalidate() // another node may have changed the calendar a moment ago
	ref, err := a.reference(ctx)
	if err != nil {
		return rep, err
	}
	fp := calendarFingerprint(ref.settings, ref.overrides)
	if ref.settings[appliedSetting] == fp {
		return rep, nil
	}
	now := a.now().UTC().Truncate(time.Millisecond)
	today := a.Today()
	f := tousu.ComplaintFilter{Statuses: openStatuses(), Order: tousu.OrderDue, Limit: scanPage}
	for {
		cs, err := a.store.ListComplaints(ctx, f)
		if err != nil {
			return rep, err
		}
		for _, c := range cs {
			if c.Deadline.Start.IsZero() || c.Deadline.Due.IsZero() {
				continue
			}
			due := workday.Due(ref.cal, c.Deadline)
			if due == c.Deadline.Due {
				continue
			}
			old := c.Deadline.Due
			c.Deadline.Due = due
			// A warning the new date no longer warrants is cleared, so that it comes again
			// when it does; one it still warrants stays given, never repeated.
			if !today.After(due) {
				c.Alerts &^= tousu.AlertOverdue | tousu.AlertUrged | tousu.AlertEscalated1 | tousu.AlertEscalated2 | tousu.AlertEscalated3
			}
			if workday.Remaining(ref.cal, today, due) > ref.ladder.DueSoonDays {
				c.Alerts &^= tousu.AlertDueSoon
			}
			provisional := ref.cal.Provisional(c.Deadline.Start, due)
			msg := fmt.Sprintf("因节假日安排调整，办理期限由%s调整为%s", old, due)
			if provisional {
				msg += "（预计）"
			}
			payload, _ := json.Marshal(map[string]any{"due_date": due, "previous_due_date": old.String(),
				"provisional": provisional, "message": msg})
			ev := &tousu.Event{ComplaintID: c.ID, Type: tousu.EventDueAdjusted, Actor: tousu.SystemActor.Login,
				ActorName: tousu.SystemActor.Name, At: now, From: c.Status, To: c.Status, Payload: payload}
			err := a.store.UpdateComplaint(ctx, &tousu.Change{Complaint: c, Event: ev,
				Audit: []tousu.AuditRecord{a.auditRecord(ctx, tousu.SystemActor, "deadline.recompute", c.Number, old.String()+" → "+due.String())}})
			switch {
			case tousu.IsKind(err, tousu.KindConflict):
				rep.Conflicts++
			case err != nil:
				return rep, err
			default:
				rep.Changed++
			}
		}
		if len(cs) < f.Limit {
			break
		}
		last := cs[len(cs)-1]
		f.After = &tousu.Cursor{Key: tousu.DateKey(last.Deadline.Due), ID: last.ID}
	}
	if rep.Conflicts > 0 {
		return rep, nil
	}
	return rep, a.store.PutSetting(ctx, appliedSetting, fp)
}

// openStatuses are the statuses of cases whose deadline still matters.
func openStatuses() []tousu.Status {
	var out []tousu.Status
	for _, s := range tousu.Statuses.Values() {
		if s.Open() {
			out = append(out, s)
		}
	}
	return out
}
