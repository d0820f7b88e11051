package tousu

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Date is a civil date without a time zone: a due date, a holiday. The zero Date is
// "no date" and marshals as JSON null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a YYYY-MM-DD date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, err
	}
	if t.Year() < MinYear || t.Year() > MaxYear {
		return Date{}, fmt.Errorf("date %s: %w", s, ErrDateRange)
	}
	return DateOf(t), nil
}

// ErrDateRange is ParseDate's error for a well-formed date outside MinYear–MaxYear.
var ErrDateRange = errors.New("日期应在1900年至2100年之间")

// DateProblem is the message for a date field that ParseDate refused.
func DateProblem(err error) string {
	if errors.Is(err, ErrDateRange) {
		return ErrDateRange.Error()
	}
	return "日期格式应为 YYYY-MM-DD"
}

// MinYear and MaxYear bound every date tousu accepts: nothing it records happened before
// 1900, and a date past 2100 is a typing error, not a plan (and would make the working-day
// arithmetic walk centuries).
const (
	MinYear = 1900
	MaxYear = 2100
)

// MustDate is ParseDate for constants in tests and tables; it panics on bad input.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Midnight(time.UTC).Format(time.DateOnly)
}

// Midnight is the first instant of d in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays is d plus n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.Midnight(time.UTC).AddDate(0, 0, n)) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Midnight(time.UTC).Weekday() }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DaysUntil is the number of calendar days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int {
	return int(e.Midnight(time.UTC).Sub(d.Midnight(time.UTC)).Hours() / 24)
}

// MarshalJSON writes "YYYY-MM-DD" or null.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
