package tousu

import (
	"slices"
	"time"
)

// The statistics (docs/STATISTICS.md) count what each complaint contributes, and a
// complaint's contribution is a pure function of its projection: StatFactOf. The store
// keeps one fact row per complaint and daily and monthly sums (rollups) of the facts,
// rewritten in the complaint's write transaction from the difference between the old
// fact and the new one, so that any path that writes complaints — the lifecycle, the
// jobs, an import or a data generator — keeps the figures right without knowing them.

// StatMarks are the moments a complaint's figures depend on that its projection would
// otherwise forget: kept in Handling, set by the lifecycle (internal/app) as they happen.
type StatMarks struct {
	// ReceivedOn is the day of receipt in the deployment's time zone.
	ReceivedOn Date `json:"received_on,omitzero"`
	// Withdrawn and Refused stay set after archiving, which forgets the status.
	Withdrawn bool `json:"withdrawn,omitempty"`
	Refused   bool `json:"refused,omitempty"`
	// FirstReplyOn is the day of the first reply (答复 or 现场协调办结), FirstReplyDue the
	// due date as it stood then, FirstReplyWorkdays the working days from receipt to it.
	FirstReplyOn       Date `json:"first_reply_on,omitzero"`
	FirstReplyDue      Date `json:"first_reply_due,omitzero"`
	FirstReplyWorkdays int  `json:"first_reply_workdays,omitempty"`
	// DecidedOn is the day of the latest decision; RatedOn of the latest rating.
	DecidedOn Date `json:"decided_on,omitzero"`
	RatedOn   Date `json:"rated_on,omitzero"`
}

// StatFact is what one complaint contributes to the figures: the groups it falls in and
// the day of each thing counted. A zero Date counts nothing.
type StatFact struct {
	Unit       string   `json:"unit"`       // the unit it is about: target, else assigned, else receiving unit
	Staff      []string `json:"staff"`      // the staff member complained about (the list's staff filter)
	Categories []string `json:"categories"` // counted once in each
	Channel    Channel  `json:"channel"`
	Kind       Kind     `json:"kind"`

	ReceivedOn   Date `json:"received_on"`
	Consultation bool `json:"consultation"` // withdrawn: counted as 咨询, not as received
	Refused      bool `json:"refused"`

	RepliedOn Date `json:"replied_on"`
	OnTime    bool `json:"on_time"`
	Workdays  int  `json:"workdays"`

	DecidedOn Date `json:"decided_on"` // only for a finding other than not_applicable
	Founded   bool `json:"founded"`

	RatedOn   Date `json:"rated_on"`
	Satisfied bool `json:"satisfied"`

	// Repeat marks a complaint linked to an earlier one (see Store.Repeat seams).
	Repeat bool `json:"repeat"`

	// Path is the fact's unit and every unit above it, up to the root: the rollups count
	// the fact under each, so that a unit's figures (its whole subtree) are its own rows,
	// whatever the number of units below it. The store fills it from the organisation
	// tree as it writes the fact; empty, the fact counts under Unit alone.
	Path []string `json:"path,omitempty"`
}

// Units is the units the fact is counted under: Path, or Unit alone.
func (f StatFact) Units() []string {
	if len(f.Path) > 0 {
		return f.Path
	}
	return []string{f.Unit}
}

// statZone is the day of receipt's zone when a complaint carries no ReceivedOn (rows
// written before the statistics existed): China has one offset and no summer time.
var statZone = time.FixedZone("CST", 8*3600)

// StatFactOf is the contribution of c; earlier says whether the store found an earlier
// complaint by the same complainant (the repeat seam).
func StatFactOf(c *Complaint, earlier bool) StatFact {
	m := c.Handling.Stats
	f := StatFact{Unit: c.Target.Unit, Channel: c.Channel, Kind: c.Kind,
		Categories: slices.Clone(c.Categories), ReceivedOn: m.ReceivedOn}
	if f.Unit == "" {
		f.Unit = c.AssignedUnit
	}
	if f.Unit == "" {
		f.Unit = c.OwnerUnit
	}
	if f.ReceivedOn.IsZero() {
		f.ReceivedOn = DateOf(c.ReceivedAt.In(statZone))
	}
	// A complaint confirmed malicious (恶意投诉) leaves the staff member's figures; the
	// unit's keep it, for the window did receive it (docs/CONDUCT.md).
	if c.Target.Staff != "" && c.Marks&MarkMalicious == 0 {
		f.Staff = []string{c.Target.Staff}
	}
	slices.Sort(f.Categories)
	f.Categories = slices.Compact(f.Categories)
	f.Consultation = m.Withdrawn || c.Status == StatusWithdrawn
	f.Refused = !f.Consultation && (m.Refused || c.Status == StatusNotAccepted)
	if !m.FirstReplyOn.IsZero() {
		f.RepliedOn = m.FirstReplyOn
		f.OnTime = m.FirstReplyDue.IsZero() || !m.FirstReplyOn.After(m.FirstReplyDue)
		f.Workdays = m.FirstReplyWorkdays
	}
	if !m.DecidedOn.IsZero() && c.Decision != nil && c.Decision.Finding != "" && c.Decision.Finding != FindingNotApplicable {
		f.DecidedOn = m.DecidedOn
		f.Founded = c.Decision.Finding == FindingFounded || c.Decision.Finding == FindingPartly
	}
	if !m.RatedOn.IsZero() && c.Satisfaction > 0 {
		f.RatedOn = m.RatedOn
		f.Satisfied = c.Satisfaction >= 4
	}
	f.Repeat = earlier || c.MergedInto != ""
	return f
}

// StatMeasures are the counters the rollups keep, in the order of StatMeasureNames.
type StatMeasures [StatMeasureCount]int64

// The counters of StatMeasures.
const (
	MReceived = iota
	MConsultations
	MNotAccepted
	MReplied
	MRepliedOnTime
	MReplyWorkdays // the sum of working days to the first reply, over replied
	MDecided
	MFounded
	MRated
	MSatisfied
	MRepeat
	StatMeasureCount
)

// StatMeasureNames are the rollup columns of the counters, in order.
var StatMeasureNames = [StatMeasureCount]string{"received", "consultations", "not_accepted", "replied",
	"replied_on_time", "reply_workdays", "decided", "founded", "rated", "satisfied", "repeat"}

// StatDims are the dimensions a fact is summed under beside the unit: "" (the unit's
// totals) and the group_by values that are not derived from the unit or the day.
var StatDims = []string{"", "staff", "category", "channel", "kind"}

// Keys are the keys of the fact under dimension dim ("" has the one key "").
func (f StatFact) Keys(dim string) []string {
	switch dim {
	case "staff":
		return f.Staff
	case "category":
		return f.Categories
	case "channel":
		return []string{string(f.Channel)}
	case "kind":
		return []string{string(f.Kind)}
	}
	return []string{""}
}

// StatCount is one day's counters of a fact: what it adds on that day.
type StatCount struct {
	Day      Date
	Measures StatMeasures
}

// Counts are the fact's counters by day.
func (f StatFact) Counts() []StatCount {
	var out []StatCount
	add := func(d Date, m int, v int64) {
		if d.IsZero() || v == 0 {
			return
		}
		for i := range out {
			if out[i].Day == d {
				out[i].Measures[m] += v
				return
			}
		}
		var c StatCount
		c.Day = d
		c.Measures[m] = v
		out = append(out, c)
	}
	if f.Consultation {
		add(f.ReceivedOn, MConsultations, 1)
	} else {
		add(f.ReceivedOn, MReceived, 1)
		if f.Refused {
			add(f.ReceivedOn, MNotAccepted, 1)
		}
		if f.Repeat {
			add(f.ReceivedOn, MRepeat, 1)
		}
	}
	add(f.RepliedOn, MReplied, 1)
	if f.OnTime {
		add(f.RepliedOn, MRepliedOnTime, 1)
	}
	add(f.RepliedOn, MReplyWorkdays, int64(f.Workdays))
	add(f.DecidedOn, MDecided, 1)
	if f.Founded {
		add(f.DecidedOn, MFounded, 1)
	}
	add(f.RatedOn, MRated, 1)
	if f.Satisfied {
		add(f.RatedOn, MSatisfied, 1)
	}
	return out
}

// StatRow is one row of the rollups: the sums of a day (Grain "d") or a month (Grain
// "m", Day the month's first) for a unit — its whole subtree — and a dimension's key.
type StatRow struct {
	Grain    string
	Day      Date
	Unit     string
	Dim      string
	Key      string
	Measures StatMeasures
}

// StatKey is a StatRow's identity.
type StatKey struct {
	Grain    string
	Day      Date
	Unit     string
	Dim, Key string
}

// StatDelta is what replacing fact before by fact after changes in the rollups (nil
// before: a new complaint), rows whose counters all cancel left out.
func StatDelta(before, after *StatFact) map[StatKey]*StatMeasures {
	out := map[StatKey]*StatMeasures{}
	apply := func(f *StatFact, sign int64) {
		if f == nil {
			return
		}
		for _, c := range f.Counts() {
			for _, grain := range []string{"d", "m"} {
				day := c.Day
				if grain == "m" {
					day = MonthOf(day)
				}
				for _, dim := range StatDims {
					for _, key := range f.Keys(dim) {
						for _, unit := range f.Units() {
							k := StatKey{grain, day, unit, dim, key}
							m := out[k]
							if m == nil {
								m = new(StatMeasures)
								out[k] = m
							}
							for i, v := range c.Measures {
								m[i] += sign * v
							}
						}
					}
				}
			}
		}
	}
	apply(before, -1)
	apply(after, 1)
	for k, m := range out {
		if *m == (StatMeasures{}) {
			delete(out, k)
		}
	}
	return out
}

// MonthOf is the first day of d's month.
func MonthOf(d Date) Date { return Date{Year: d.Year, Month: d.Month, Day: 1} }

// StatSum asks the store for the rollup sums of dimension Dim ("" for the units' totals)
// over [From, To]: per key, per unit when ByUnit, and per day (or month) when ByDay;
// DaysOnly reads daily rows only (a grouping by week).
type StatSum struct {
	Dim      string
	From, To Date
	ByDay    bool
	DaysOnly bool
	// Units keeps the rows of these units (nil: every unit); ByUnit returns a row per
	// unit, else the units are summed together (Unit "").
	Units  []string
	ByUnit bool
}

// StatFilter keeps the complaints behind a figure: those the figure counted over
// [From, To] (the drill-down from a dashboard), of the units in Units when set (the
// statistics' unit of a complaint, StatFact.Unit).
type StatFilter struct {
	Figure   string
	From, To Date
	Units    []string
}

// StatFigures are the figures a StatFilter may name: the counted ones, and replied_late
// (replied, not on time).
var StatFigures = []string{"received", "consultations", "not_accepted", "repeat", "replied", "replied_on_time",
	"replied_late", "decided", "founded", "rated", "satisfied"}
