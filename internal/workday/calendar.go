// Package workday counts working days (工作日) on the Chinese official calendar and
// computes complaint deadlines from them (DESIGN §4).
//
// A plain Monday–Friday count is wrong several times a year: the State Council's annual
// notice (国务院办公厅关于部分节假日安排的通知) closes weekdays for holidays and opens
// weekends as make-up working days (调休). The notices for 2020–2026 are embedded in
// holidays.json; administrators import later notices and add local days as overrides,
// without a release. A year without a notice gets the statutory rest days the law fixes
// (statutory.go) and is provisional until its notice is imported.
//
// Periods follow 民法典 第二百零一、二百零三条: the day of receipt is not counted, and a
// period in calendar days that ends on a rest day ends on the next working day instead.
package workday

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tousu"
)

//go:embed holidays.json
var holidaysJSON []byte

// Calendar says which days are working days. It is immutable once built and safe for
// concurrent use; With and WithNotice return modified copies.
//
// Three layers make it, each winning over the one before: the statutory rest days the law
// fixes (derived for every year without a notice, see statutory.go), the State Council
// notices (embedded or imported), and the administrator's overrides.
type Calendar struct {
	notices   map[int]Notice           // year → its notice
	overrides []tousu.CalendarOverride // in the order given; the later wins

	rest  map[int]bool   // day number → true for a rest day, false for a working day, where a layer says so
	names map[int]string // day number → holiday name

	// cum[i] is the number of working days in [lo, lo+i); it spans every day named in
	// rest, so that counting and testing a day inside it is a slice lookup.
	lo  int
	cum []int32
}

// Notice is one year's State Council notice (国务院办公厅关于部分节假日安排的通知): the
// rest days (放假, weekends inside a block included) and the make-up working days (调休上班),
// with the holiday each belongs to.
type Notice struct {
	Year     int                   `json:"year"`
	Holidays []tousu.Date          `json:"holidays"`
	Workdays []tousu.Date          `json:"workdays"`
	Names    map[tousu.Date]string `json:"-"`
}

// official parses the embedded notices once; the Calendar is shared, being immutable.
var official = sync.OnceValues(func() (*Calendar, error) { return parse(holidaysJSON) })

// Official is the calendar of the State Council notices embedded in this package, with
// the statutory days for the years they do not cover.
func Official() (*Calendar, error) { return official() }

// notice is one year of holidays.json.
type notice struct {
	Holidays []string          `json:"holidays"`
	Workdays []string          `json:"workdays"`
	Names    map[string]string `json:"names"`
}

func parse(data []byte) (*Calendar, error) {
	ns, err := ParseNoticesJSON(data)
	if err != nil {
		return nil, fmt.Errorf("workday: holidays.json: %w", err)
	}
	c := &Calendar{notices: map[int]Notice{}}
	for _, n := range ns {
		c.notices[n.Year] = n
	}
	c.build()
	return c, nil
}

// ParseNoticesJSON reads notices in the format of holidays.json: an object keyed by year,
// each with "holidays", "workdays" and "names"; keys starting with "_" are skipped.
func ParseNoticesJSON(data []byte) ([]Notice, error) {
	var file map[string]json.RawMessage
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("ParseNoticesJSON: %w", err)
	}
	var out []Notice
	for key, raw := range file {
		if strings.HasPrefix(key, "_") {
			continue
		}
		year, err := strconv.Atoi(key)
		if err != nil || year < 1949 || year > 9999 {
			return nil, fmt.Errorf("ParseNoticesJSON: key %q is not a year", key)
		}
		var n notice
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, fmt.Errorf("ParseNoticesJSON: %d: %w", year, err)
		}
		out = append(out, Notice{Year: year, Names: map[tousu.Date]string{}})
		no := &out[len(out)-1]
		seen := map[tousu.Date]bool{}
		for _, list := range []struct {
			dates []string
			into  *[]tousu.Date
		}{{n.Holidays, &no.Holidays}, {n.Workdays, &no.Workdays}} {
			for _, s := range list.dates {
				d, err := tousu.ParseDate(s)
				if err != nil {
					return nil, fmt.Errorf("ParseNoticesJSON: %d: %w", year, err)
				}
				if seen[d] {
					return nil, fmt.Errorf("ParseNoticesJSON: %d: %s is listed twice", year, s)
				}
				seen[d] = true
				*list.into = append(*list.into, d)
			}
		}
		for s, name := range n.Names {
			d, err := tousu.ParseDate(s)
			if err != nil {
				return nil, fmt.Errorf("ParseNoticesJSON: %d: names: %w", year, err)
			}
			no.Names[d] = name
		}
	}
	slices.SortFunc(out, func(a, b Notice) int { return a.Year - b.Year })
	return out, nil
}

// With is a copy of c with the overrides applied. An override wins over the official data
// for its date, name included (an override with no name clears the official one); of two
// overrides for one date the later wins. Overrides with a zero date are ignored.
func (c *Calendar) With(overrides []tousu.CalendarOverride) *Calendar {
	n := &Calendar{notices: c.notices, overrides: append(slices.Clip(c.overrides), overrides...)}
	n.build()
	return n
}

// WithNotice is a copy of c with the notice in force for its year, replacing any notice
// of that year; the overrides stay on top.
func (c *Calendar) WithNotice(no Notice) *Calendar {
	n := &Calendar{notices: maps.Clone(c.notices), overrides: c.overrides}
	n.notices[no.Year] = no
	n.build()
	return n
}

// Notice is the notice in force for year, if any.
func (c *Calendar) Notice(year int) (Notice, bool) {
	n, ok := c.notices[year]
	return n, ok
}

// build lays the layers into rest and names and indexes them.
func (c *Calendar) build() {
	c.rest, c.names = map[int]bool{}, map[int]string{}
	for y := firstLunarYear; y <= lastLunarYear; y++ {
		if _, ok := c.notices[y]; ok {
			continue
		}
		for _, f := range statutoryRest(y) {
			z := dayNumber(f.Date)
			c.rest[z], c.names[z] = true, f.Name
		}
	}
	for _, n := range c.notices {
		for _, d := range n.Holidays {
			c.rest[dayNumber(d)] = true
		}
		for _, d := range n.Workdays {
			c.rest[dayNumber(d)] = false
		}
		for d, name := range n.Names {
			c.names[dayNumber(d)] = name
		}
	}
	for _, o := range c.overrides {
		if o.Date.IsZero() {
			continue
		}
		z := dayNumber(o.Date)
		c.rest[z] = !o.Workday
		if o.Name == "" {
			delete(c.names, z)
		} else {
			c.names[z] = o.Name
		}
	}
	c.index()
}

// index builds lo and cum from rest.
func (c *Calendar) index() {
	c.lo, c.cum = 0, nil
	if len(c.rest) == 0 {
		return
	}
	lo, hi := 0, 0
	first := true
	for z := range c.rest {
		if first || z < lo {
			lo = z
		}
		if first || z >= hi {
			hi = z + 1
		}
		first = false
	}
	c.lo = lo
	c.cum = make([]int32, hi-lo+1)
	for i := range hi - lo {
		z := lo + i
		rest, ok := c.rest[z]
		if !ok {
			rest = !isWeekday(z)
		}
		c.cum[i+1] = c.cum[i]
		if !rest {
			c.cum[i+1]++
		}
	}
}

// IsWorkday reports whether d is a working day: a make-up working day, or a Monday to
// Friday that is not a holiday.
func (c *Calendar) IsWorkday(d tousu.Date) bool { return c.work(dayNumber(d)) }

// HolidayName is the name of the holiday d belongs to, from the notice or an override, or
// "" if none. Make-up working days carry the name of the holiday they make up for.
func (c *Calendar) HolidayName(d tousu.Date) string { return c.names[dayNumber(d)] }

// NextWorkday is d if it is a working day, otherwise the first working day after it.
func (c *Calendar) NextWorkday(d tousu.Date) tousu.Date {
	z := dayNumber(d)
	if c.work(z) {
		return d
	}
	for z++; !c.work(z); z++ {
	}
	return fromDayNumber(z)
}

// AddWorkdays is the n-th working day after d; d itself is never counted. With n = 0 it is
// NextWorkday(d). A negative n counts backwards: the |n|-th working day before d.
func (c *Calendar) AddWorkdays(d tousu.Date, n int) tousu.Date {
	if n == 0 {
		return c.NextWorkday(d)
	}
	z := dayNumber(d)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		z += step
		if c.work(z) {
			n--
		}
	}
	return fromDayNumber(z)
}

// WorkdaysBetween is the number of working days after from, up to and including to. It is
// 0 when to equals from, and negative when to is before from: -WorkdaysBetween(to, from).
func (c *Calendar) WorkdaysBetween(from, to tousu.Date) int {
	return c.before(dayNumber(to)+1) - c.before(dayNumber(from)+1)
}

// Covers reports whether an official notice (embedded or imported) covers year.
// Overrides do not: a single date entered by hand says nothing of the rest of the year.
func (c *Calendar) Covers(year int) bool {
	_, ok := c.notices[year]
	return ok
}

// Provisional reports whether a count over from…to rests on a year no notice covers: its
// rest days are only the statutory ones, and the notice may still add or move some.
func (c *Calendar) Provisional(from, to tousu.Date) bool {
	if to.Before(from) {
		from, to = to, from
	}
	for y := from.Year; y <= to.Year; y++ {
		if !c.Covers(y) {
			return true
		}
	}
	return false
}

// LastYear is the latest year an official notice covers; 0 if none.
func (c *Calendar) LastYear() int {
	last := 0
	for y := range c.notices {
		last = max(last, y)
	}
	return last
}

// MissingNextYear reports whether deadlines already reach a year without its notice:
// from 1 October (a 15-working-day period then ends in the next year's first weeks) until
// the notice for the following year is in. The notice usually appears in late October or
// November.
func (c *Calendar) MissingNextYear(today tousu.Date) bool {
	if today.Before(tousu.Date{Year: today.Year, Month: time.October, Day: 1}) {
		return false
	}
	return !c.Covers(today.Year + 1)
}

// work reports whether day number z is a working day.
func (c *Calendar) work(z int) bool {
	if i := z - c.lo; i >= 0 && i < len(c.cum)-1 {
		return c.cum[i+1] != c.cum[i]
	}
	return isWeekday(z)
}

// before is the number of working days before day number x, counted from an arbitrary
// origin: only differences of it mean anything.
func (c *Calendar) before(x int) int {
	if len(c.cum) == 0 || x <= c.lo {
		return weekdaysBefore(x)
	}
	base := weekdaysBefore(c.lo)
	if hi := c.lo + len(c.cum) - 1; x > hi {
		return base + int(c.cum[len(c.cum)-1]) + weekdaysBefore(x) - weekdaysBefore(hi)
	}
	return base + int(c.cum[x-c.lo])
}

// Day numbers count days from 1970-01-01 (a Thursday), so 1969-12-29 (a Monday) is -3.

// monday is the position of day number z in its Monday-to-Sunday week, 0 for Monday.
func monday(z int) int { return floorMod(z+3, 7) }

func isWeekday(z int) bool { return monday(z) < 5 }

// weekdaysBefore counts the Mondays to Fridays before day number x, from 1969-12-29.
func weekdaysBefore(x int) int {
	u := x + 3
	return 5*floorDiv(u, 7) + min(floorMod(u, 7), 5)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - b*floorDiv(a, b) }

// dayNumber is the number of days from 1970-01-01 to d (Howard Hinnant's days_from_civil).
// A date with an out-of-range month or day is normalised as time.Date does.
func dayNumber(d tousu.Date) int {
	if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 28 && d.Day > daysIn(d.Year, d.Month) {
		d = d.AddDays(0)
	}
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March = 0
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDayNumber is the inverse of dayNumber (Howard Hinnant's civil_from_days).
func fromDayNumber(z int) tousu.Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return tousu.Date{Year: y, Month: time.Month(m), Day: day}
}

func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
