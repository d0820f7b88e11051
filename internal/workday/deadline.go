package workday

import (
	"slices"

	"tousu"
)

// DefaultPolicy applies when no configured policy matches: complaints, reports and
// suggestions are answered within 15 working days (REQUIREMENTS C5).
var DefaultPolicy = tousu.Policy{Name: "默认：15个工作日", Days: 15, Unit: tousu.WorkingDays}

// OnsitePolicy applies to on-site coordination (classification onsite) when no configured
// policy names that classification: it is settled on the day of receipt.
var OnsitePolicy = tousu.Policy{Name: "现场协调：当日", Days: 0, Unit: tousu.WorkingDays}

// Due is the due date of dl, ignoring dl.Due; the zero Date if dl.Start is zero.
//
// In working days (the default for an empty Unit) it is the (Days + ExtensionDays +
// PausedDays)-th working day after Start; with all three zero it is Start itself if that
// is a working day, else the next working day. In calendar days everything counts in
// calendar days, extensions and time suspended included: Start plus Days + ExtensionDays
// + PausedDays calendar days, moved to the next working day if that is a rest day
// (民法典 第二百零三条).
func Due(cal *Calendar, dl tousu.Deadline) tousu.Date {
	if dl.Start.IsZero() {
		return tousu.Date{}
	}
	extra := dl.ExtensionDays + dl.PausedDays
	if dl.Unit == tousu.CalendarDays {
		return cal.NextWorkday(dl.Start.AddDays(dl.Days + extra))
	}
	return cal.AddWorkdays(dl.Start, dl.Days+extra)
}

// Paused is how long a case suspended on from and resumed on to was paused, in the
// deadline's unit: working days for a working-day period, calendar days otherwise.
func Paused(cal *Calendar, unit tousu.DeadlineUnit, from, to tousu.Date) int {
	if unit == tousu.CalendarDays {
		return max(0, dayNumber(to)-dayNumber(from))
	}
	return cal.WorkdaysBetween(from, to)
}

// Remaining is the number of working days left until due, as seen on today: 0 when due is
// today, and negative, minus the working days since due, once it has passed.
//
// A rest day right after the due day still gives 0, so ask today.After(due) to know
// whether a case is overdue.
func Remaining(cal *Calendar, today, due tousu.Date) int {
	return cal.WorkdaysBetween(today, due)
}

// Subject is what a policy is chosen by: the complaint's kind, categories,
// classification and channel, and Units, the units it concerns (its target unit and
// owner unit) with all their ancestors, so that a policy naming a hospital applies to
// its departments and windows.
type Subject struct {
	Kind       tousu.Kind
	Categories []string
	Class      tousu.Classification
	Channel    tousu.Channel
	Units      []string
}

// PickPolicy is PickPolicyFor without channel or units.
func PickPolicy(policies []tousu.Policy, kind tousu.Kind, categories []string, class tousu.Classification) tousu.Policy {
	return PickPolicyFor(policies, Subject{Kind: kind, Categories: categories, Class: class})
}

// PickPolicyFor is the most specific policy matching a complaint. A policy matches when
// each of its non-empty fields agrees: Kind, Classification and Channel equal the
// complaint's, Category is one of its categories, OrgUnit one of s.Units. The most
// specific has the most non-empty fields; of equals, the lowest ID wins.
//
// On-site coordination (class onsite) takes only policies that name that classification,
// so that a general policy does not stretch a same-day case; without one it gets
// OnsitePolicy. Anything else without a match gets DefaultPolicy.
func PickPolicyFor(policies []tousu.Policy, s Subject) tousu.Policy {
	best, bestScore := tousu.Policy{}, -1
	for _, p := range policies {
		score, ok := specificity(p, s)
		if !ok || s.Class == tousu.ClassOnsite && p.Classification != tousu.ClassOnsite {
			continue
		}
		if score > bestScore || score == bestScore && p.ID < best.ID {
			best, bestScore = p, score
		}
	}
	switch {
	case bestScore >= 0:
		return best
	case s.Class == tousu.ClassOnsite:
		return OnsitePolicy
	}
	return DefaultPolicy
}

// specificity is the number of non-empty fields of p, and whether p matches.
func specificity(p tousu.Policy, s Subject) (int, bool) {
	n := 0
	for _, f := range []struct {
		set, match bool
	}{
		{p.Kind != "", p.Kind == s.Kind},
		{p.Category != "", slices.Contains(s.Categories, p.Category)},
		{p.Classification != "", p.Classification == s.Class},
		{p.Channel != "", p.Channel == s.Channel},
		{p.OrgUnit != "", slices.Contains(s.Units, p.OrgUnit)},
	} {
		if !f.set {
			continue
		}
		if !f.match {
			return 0, false
		}
		n++
	}
	return n, true
}
