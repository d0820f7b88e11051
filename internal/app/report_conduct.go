package app

import (
	"cmp"
	"context"
	"slices"

	"tousu"
)

// The 行风督查 section of the periodic report (issue 17, points 5 and 7): the
// accountability records (责任追究) of the report's unit subtree, counted per unit and
// kind beside the previous period's total, and listed; the praise and sanctions of the
// subtree's staff dated in the period, beside the previous period's counts. The counts
// are the units'; the lists never show the reader's own records, like the staff list.

// ReportAccountabilityUnit is a unit's accountability records in a report.
type ReportAccountabilityUnit struct {
	Unit, Name string
	ByKind     map[string]int // by AccountabilityKinds value
	Total      int
	Prev       int // the previous period's total
}

// ReportAccountability is one accountability record listed in a report.
type ReportAccountability struct {
	AccountabilityRecord
	UnitName, StaffName string
}

// ReportEntry is a praise or a sanction listed in a report.
type ReportEntry struct {
	tousu.StaffEntry
	TypeLabel, SourceLabel string
	Name, UnitName         string
}

// ReportConduct is the 行风督查 section.
type ReportConduct struct {
	Units                     []ReportAccountabilityUnit
	Records                   []ReportAccountability
	Now, Prev                 int // accountability records in the subtree
	Praise, Sanctions         []ReportEntry
	PraiseNow, PraisePrev     int
	SanctionNow, SanctionPrev int
}

// reportConduct fills the 行风督查 section of rep, whose unit the Stats query has placed
// within the actor's scope.
func (a *App) reportConduct(ctx context.Context, actor tousu.Actor, ref *reference, rep *PeriodReport) error {
	staff, err := a.store.ListStaff(ctx, "")
	if err != nil {
		return err
	}
	byBadge := make(map[string]tousu.Staff, len(staff))
	for _, s := range staff {
		byBadge[s.Badge] = s
	}
	// unitOf is the unit a record counts for: its own, or else its staff member's.
	unitOf := func(r AccountabilityRecord) string {
		if r.Unit != "" {
			return r.Unit
		}
		return byBadge[r.Staff].Unit
	}
	in := func(unit string) bool { return ref.within(unit, rep.Unit) }
	c := &rep.Conduct
	units := map[string]*ReportAccountabilityUnit{}
	unitLine := func(code string) *ReportAccountabilityUnit {
		u := units[code]
		if u == nil {
			u = &ReportAccountabilityUnit{Unit: code, Name: ref.unitName(code), ByKind: map[string]int{}}
			units[code] = u
		}
		return u
	}
	prev, err := a.Accountability(ctx, rep.Previous.From, rep.Previous.To)
	if err != nil {
		return err
	}
	for _, r := range prev {
		if u := unitOf(r); in(u) {
			c.Prev++
			unitLine(u).Prev++
		}
	}
	now, err := a.Accountability(ctx, rep.Period.From, rep.Period.To)
	if err != nil {
		return err
	}
	for _, r := range now {
		u := unitOf(r)
		if !in(u) {
			continue
		}
		c.Now++
		line := unitLine(u)
		line.ByKind[r.Kind]++
		line.Total++
		if r.Staff != "" && actor.IsTarget(r.Staff) {
			continue
		}
		if len(c.Records) == reportListMax {
			rep.Truncated = true
			continue
		}
		c.Records = append(c.Records, ReportAccountability{AccountabilityRecord: r, UnitName: ref.unitName(u),
			StaffName: byBadge[r.Staff].Name})
	}
	for _, u := range units {
		c.Units = append(c.Units, *u)
	}
	slices.SortFunc(c.Units, func(x, y ReportAccountabilityUnit) int {
		return cmp.Or(cmp.Compare(y.Total, x.Total), cmp.Compare(y.Prev, x.Prev), cmp.Compare(x.Unit, y.Unit))
	})
	slices.SortStableFunc(c.Records, func(x, y ReportAccountability) int {
		return cmp.Or(x.Date.Compare(y.Date), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Number, y.Number))
	})

	// Praise and sanctions of the subtree's staff, dated in the period and the previous one,
	// each period read on its own so that a long previous period cannot crowd out this one.
	var entries []tousu.StaffEntry
	for _, p := range []Period{rep.Previous, rep.Period} {
		es, err := a.store.ListStaffEntries(ctx, tousu.StaffEntryFilter{From: p.From, To: p.To})
		if err != nil {
			return err
		}
		if len(es) >= tousu.StaffEntriesMax {
			rep.Truncated = true
		}
		entries = append(entries, es...)
	}
	for _, e := range entries {
		st, ok := byBadge[e.Badge]
		if !ok || !in(st.Unit) || (e.Kind != tousu.EntryPraise && e.Kind != tousu.EntrySanction) {
			continue
		}
		current := !e.Date.Before(rep.Period.From)
		switch {
		case e.Kind == tousu.EntryPraise && current:
			c.PraiseNow++
		case e.Kind == tousu.EntryPraise:
			c.PraisePrev++
		case current:
			c.SanctionNow++
		default:
			c.SanctionPrev++
		}
		if !current || actor.IsTarget(e.Badge) {
			continue
		}
		v := ReportEntry{StaffEntry: e, SourceLabel: tousu.EntrySources.Label(e.Source), Name: st.Name, UnitName: ref.unitName(st.Unit)}
		list := &c.Praise
		if e.Kind == tousu.EntryPraise {
			v.TypeLabel = tousu.PraiseTypes.Label(e.Type)
		} else {
			v.TypeLabel, list = tousu.SanctionTypes.Label(e.Type), &c.Sanctions
		}
		if len(*list) == reportListMax {
			rep.Truncated = true
			continue
		}
		*list = append(*list, v)
	}
	return nil
}
