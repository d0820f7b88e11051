package workday

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"tousu"
)

// Every expected date below was worked out by hand from holidays.json:
//
//	春节 2026: holidays 2026-02-15 (Sun) … 2026-02-23 (Mon); make-up Sat 2026-02-14 and Sat 2026-02-28.
//	国庆 2026: 中秋 2026-09-25 … 27, 国庆 2026-10-01 (Thu) … 10-07; make-up Sun 09-20 and Sat 10-10.
//	国庆+中秋 2025: holidays 2025-10-01 (Wed) … 2025-10-08 (Wed); make-up Sun 09-28 and Sat 10-11.
//	元旦 2020: 2020-01-01 (Wed). No notice for 2019 (before the lunar table: plain
//	Monday–Friday) or 2027 (the statutory days only: 元旦 2027-01-01 is a Friday).

var d = tousu.MustDate

func officialCal(t testing.TB) *Calendar {
	t.Helper()
	cal, err := Official()
	if err != nil {
		t.Fatalf("Official() error: %v", err)
	}
	return cal
}

func TestIsWorkday(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		name string
		date string
		want bool
	}{
		{"ordinary Friday", "2026-01-30", true},
		{"ordinary Saturday", "2026-03-07", false},
		{"ordinary Sunday", "2026-03-08", false},
		{"春节 make-up Saturday 2026", "2026-02-14", true},
		{"春节 make-up Saturday after the holiday", "2026-02-28", true},
		{"春节 Monday 2026", "2026-02-16", false},
		{"春节 last day, a Monday", "2026-02-23", false},
		{"first day after 春节", "2026-02-24", true},
		{"国庆 make-up Sunday 2025", "2025-09-28", true},
		{"国庆 make-up Saturday 2025", "2025-10-11", true},
		{"国庆 Wednesday 2025", "2025-10-08", false},
		{"中秋 Friday 2026", "2026-09-25", false},
		{"元旦 2020, a Wednesday", "2020-01-01", false},
		{"2023 notice closes 2022-12-31", "2022-12-31", false},
		{"2023 元旦 Monday", "2023-01-02", false},
		{"no notice: 元旦 2027 is a statutory holiday", "2027-01-01", false},
		{"no data: Saturday 2027-01-02", "2027-01-02", false},
		{"no data: 2019-10-01 is a plain Tuesday", "2019-10-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.IsWorkday(d(tt.date)); got != tt.want {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.want)
			}
		})
	}
}

func TestAddWorkdays(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		// Feb 2–6 (5), Feb 9–13 (10), Sat Feb 14 (11), Feb 24–27 (15).
		{"15 across 春节 2026", "2026-01-30", 15, "2026-02-27"},
		{"one more is the make-up Saturday", "2026-01-30", 16, "2026-02-28"},
		{"22 across 春节 2026", "2026-01-30", 22, "2026-03-09"},
		{"Friday to make-up Saturday", "2026-02-13", 1, "2026-02-14"},
		{"make-up Saturday over the holiday", "2026-02-14", 1, "2026-02-24"},
		{"from inside the holiday", "2026-02-17", 1, "2026-02-24"},
		// Sun Sep 28 (1), Sep 29–30 (3), Oct 9–10 (5).
		{"5 across 国庆+中秋 2025", "2025-09-26", 5, "2025-10-10"},
		{"6 reaches the make-up Saturday", "2025-09-26", 6, "2025-10-11"},
		{"7 skips Sunday Oct 12", "2025-09-26", 7, "2025-10-13"},
		// Oct 9 (1), Oct 10 (2), Sat Oct 11 (3), Oct 13 (4), Oct 14 (5).
		{"12345 ticket from the eve of 国庆 2025", "2025-09-30", 5, "2025-10-14"},
		{"zero on a working day is that day", "2026-03-03", 0, "2026-03-03"},
		{"zero on a make-up Saturday is that day", "2026-02-14", 0, "2026-02-14"},
		{"zero on a holiday is the next working day", "2026-02-15", 0, "2026-02-24"},
		{"zero on 国庆 2025", "2025-10-01", 0, "2025-10-09"},
		{"backwards over the holiday", "2026-02-24", -1, "2026-02-14"},
		{"backwards 15 across 春节", "2026-02-27", -15, "2026-01-30"},
		// Thu Dec 31 (1), Fri Jan 1 2027 元旦 (statutory), Mon Jan 4 (2), Tue Jan 5 (3).
		{"past the end of the notices", "2026-12-30", 3, "2027-01-05"},
		// Tue Dec 31 (1), Thu Jan 2 (2), Fri Jan 3 (3), Mon Jan 6 (4).
		{"into the data from a year without", "2019-12-30", 4, "2020-01-06"},
		// Jan 2030: Tue 1st, so Jan 2–4 (3) and four full weeks to Fri 25th (18).
		{"far outside the data", "2030-01-01", 18, "2030-01-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.AddWorkdays(d(tt.start), tt.n); got != d(tt.want) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
		})
	}
}

func TestNextWorkday(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		name, date, want string
	}{
		{"working day", "2026-03-03", "2026-03-03"},
		{"Saturday", "2026-03-07", "2026-03-09"},
		{"make-up Sunday", "2025-09-28", "2025-09-28"},
		{"first day of 国庆 2026", "2026-10-01", "2026-10-08"},
		{"last day of 春节 2026", "2026-02-23", "2026-02-24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.NextWorkday(d(tt.date)); got != d(tt.want) {
				t.Errorf("NextWorkday(%s) = %s, want %s", tt.date, got, tt.want)
			}
		})
	}
}

func TestWorkdaysBetween(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"across 春节 2026", "2026-01-30", "2026-02-27", 15},
		{"reversed", "2026-02-27", "2026-01-30", -15},
		{"same day", "2026-02-27", "2026-02-27", 0},
		{"same rest day", "2026-02-21", "2026-02-21", 0},
		{"across 国庆+中秋 2025", "2025-09-26", "2025-10-10", 5},
		{"inside 国庆 2025", "2025-09-30", "2025-10-08", 0},
		{"onto a make-up Sunday", "2025-09-27", "2025-09-28", 1},
		{"past the end of the notices", "2026-12-30", "2027-01-04", 2},
		{"into the data", "2019-12-30", "2020-01-06", 4},
		// Jan 2030 starts on a Tuesday: 23 weekdays, 22 after the 1st.
		{"far outside the data", "2030-01-01", "2030-01-31", 22},
		// 2025: 261 weekdays; Jan 1 and 17 more weekday holidays
		// (Jan 28–31, Feb 3–4, Apr 4, May 1, 2, 5, Jun 2, Oct 1–3, 6–8); 5 make-up days.
		// 261 − 1 − 17 + 5 = 248.
		{"all of 2025 after 元旦", "2025-01-01", "2025-12-31", 248},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.WorkdaysBetween(d(tt.from), d(tt.to)); got != tt.want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestHolidayName(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		date, want string
	}{
		{"2026-02-17", "春节"},
		{"2026-02-14", "春节"}, // make-up day
		{"2025-10-01", "国庆节、中秋节"},
		{"2026-09-25", "中秋节"},
		{"2026-03-03", ""},
		{"2027-01-01", "元旦"}, // statutory, no notice yet
		{"2027-01-04", ""},
	}
	for _, tt := range tests {
		if got := cal.HolidayName(d(tt.date)); got != tt.want {
			t.Errorf("HolidayName(%s) = %q, want %q", tt.date, got, tt.want)
		}
	}
}

func TestWith(t *testing.T) {
	cal := officialCal(t)
	local := cal.With([]tousu.CalendarOverride{
		{Date: d("2026-03-03"), Workday: false, Name: "地方假日"},  // a Tuesday
		{Date: d("2026-02-23"), Workday: true},                 // last day of 春节, name cleared
		{Date: d("2026-04-07"), Workday: false, Name: "first"}, // overridden again below
		{Date: d("2026-04-07"), Workday: true, Name: "second"},
		{Date: d("2027-01-01"), Workday: false, Name: "元旦"}, // next year's notice, early
		{Date: d("2027-01-09"), Workday: true, Name: "元旦"},  // a Saturday
		{}, // ignored
	})

	days := []struct {
		name     string
		cal      *Calendar
		date     string
		work     bool
		holiday  string
		plus1    string
		official bool
	}{
		{"local holiday on a Tuesday", local, "2026-03-03", false, "地方假日", "2026-03-04", true},
		{"official calendar unchanged", cal, "2026-03-03", true, "", "2026-03-04", true},
		{"holiday made a working day", local, "2026-02-23", true, "", "2026-02-24", false},
		{"later override wins", local, "2026-04-07", true, "second", "2026-04-08", true},
		{"next year's holiday", local, "2027-01-01", false, "元旦", "2027-01-04", false},
		{"next year's make-up Saturday", local, "2027-01-09", true, "元旦", "2027-01-11", false},
	}
	for _, tt := range days {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsWorkday(d(tt.date)); got != tt.work {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.work)
			}
			if got := tt.cal.HolidayName(d(tt.date)); got != tt.holiday {
				t.Errorf("HolidayName(%s) = %q, want %q", tt.date, got, tt.holiday)
			}
			if got := tt.cal.AddWorkdays(d(tt.date), 1); got != d(tt.plus1) {
				t.Errorf("AddWorkdays(%s, 1) = %s, want %s", tt.date, got, tt.plus1)
			}
			if got := cal.IsWorkday(d(tt.date)); got != tt.official {
				t.Errorf("official IsWorkday(%s) = %v, want %v", tt.date, got, tt.official)
			}
		})
	}

	counts := []struct {
		name     string
		cal      *Calendar
		start    string
		n        int
		want     string
		from, to string
		between  int
	}{
		// Tue Mar 3 closed: Mar 2 → Mar 4 (1), Mar 5 (2), Mar 6 (3).
		{"around the local holiday", local, "2026-03-02", 3, "2026-03-06", "2026-03-02", "2026-03-06", 3},
		// Feb 23 open: Feb 2–13 (10), Feb 14 (11), Feb 23 (12), Feb 24–26 (15).
		{"春节 shortened by a day", local, "2026-01-30", 15, "2026-02-26", "2026-01-30", "2026-02-26", 15},
		// Thu Dec 31 (1), Fri Jan 1 closed, Mon Jan 4 (2), Tue Jan 5 (3).
		{"into next year's overrides", local, "2026-12-30", 3, "2027-01-05", "2026-12-30", "2027-01-05", 3},
		// Jan 4–8 (5), Sat Jan 9 (6), Mon Jan 11 (7).
		{"over next year's make-up Saturday", local, "2027-01-01", 7, "2027-01-11", "2027-01-01", "2027-01-11", 7},
	}
	for _, tt := range counts {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.AddWorkdays(d(tt.start), tt.n); got != d(tt.want) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
			if got := tt.cal.WorkdaysBetween(d(tt.from), d(tt.to)); got != tt.between {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.between)
			}
		})
	}

	again := local.With([]tousu.CalendarOverride{{Date: d("2026-03-03"), Workday: true, Name: "补班"}})
	if !again.IsWorkday(d("2026-03-03")) || again.HolidayName(d("2026-03-03")) != "补班" {
		t.Errorf("With on a calendar with overrides: 2026-03-03 workday %v name %q, want true %q",
			again.IsWorkday(d("2026-03-03")), again.HolidayName(d("2026-03-03")), "补班")
	}
	if again.IsWorkday(d("2027-01-01")) {
		t.Errorf("With on a calendar with overrides lost the earlier override of 2027-01-01")
	}
}

func TestCovers(t *testing.T) {
	cal := officialCal(t)
	next := cal.With([]tousu.CalendarOverride{{Date: d("2027-01-01"), Name: "元旦"}})
	tests := []struct {
		name string
		cal  *Calendar
		year int
		want bool
	}{
		{"first notice", cal, 2020, true},
		{"2022", cal, 2022, true},
		{"last notice", cal, 2026, true},
		{"before the data", cal, 2019, false},
		{"after the data", cal, 2027, false},
		{"an override does not cover a year", next, 2027, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.Covers(tt.year); got != tt.want {
				t.Errorf("Covers(%d) = %v, want %v", tt.year, got, tt.want)
			}
		})
	}
	if got := cal.LastYear(); got != 2026 {
		t.Errorf("LastYear() = %d, want 2026", got)
	}
	if got := next.LastYear(); got != 2026 {
		t.Errorf("LastYear() with a 2027 override = %d, want 2026", got)
	}
}

func TestMissingNextYear(t *testing.T) {
	cal := officialCal(t)
	next := cal.With([]tousu.CalendarOverride{{Date: d("2027-01-01"), Name: "元旦"}})
	tests := []struct {
		name  string
		cal   *Calendar
		today string
		want  bool
	}{
		{"late November, no 2027", cal, "2026-11-27", true},
		{"1 November, no 2027", cal, "2026-11-01", true},
		{"New Year's Eve, no 2027", cal, "2026-12-31", true},
		{"1 October: deadlines reach next year", cal, "2026-10-01", true},
		{"30 September, too early", cal, "2026-09-30", false},
		{"31 October", cal, "2026-10-31", true},
		{"late November, 2026 present", cal, "2025-11-27", false},
		{"late November, a 2027 override is not a notice", next, "2026-11-27", true},
		{"December 2019, 2020 present", cal, "2019-12-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.MissingNextYear(d(tt.today)); got != tt.want {
				t.Errorf("MissingNextYear(%s) = %v, want %v", tt.today, got, tt.want)
			}
		})
	}
}

// TestOfficialMatchesData reads holidays.json on its own and checks every listed day.
func TestOfficialMatchesData(t *testing.T) {
	cal := officialCal(t)
	var file map[string]json.RawMessage
	if err := json.Unmarshal(holidaysJSON, &file); err != nil {
		t.Fatal(err)
	}
	var n int
	for year, raw := range file {
		if year == "_meta" {
			continue
		}
		var v struct {
			Holidays, Workdays []string
			Names              map[string]string
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", year, err)
		}
		for _, s := range v.Holidays {
			if cal.IsWorkday(d(s)) {
				t.Errorf("IsWorkday(%s) = true, want false (holiday in %s)", s, year)
			}
			n++
		}
		for _, s := range v.Workdays {
			if wd := d(s).Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("make-up day %s in %s is a %s", s, year, wd)
			}
			if !cal.IsWorkday(d(s)) {
				t.Errorf("IsWorkday(%s) = false, want true (make-up day in %s)", s, year)
			}
			n++
		}
		for s, name := range v.Names {
			if got := cal.HolidayName(d(s)); got != name {
				t.Errorf("HolidayName(%s) = %q, want %q", s, got, name)
			}
		}
	}
	if n < 200 {
		t.Errorf("checked only %d days; holidays.json looks truncated", n)
	}
}

func TestDayNumber(t *testing.T) {
	cal := officialCal(t)
	start := time.Date(1899, 12, 25, 0, 0, 0, 0, time.UTC)
	for i := range 200 * 366 {
		tm := start.AddDate(0, 0, i)
		date := tousu.DateOf(tm)
		z := dayNumber(date)
		if want := int(tm.Unix() / 86400); z != want {
			t.Fatalf("dayNumber(%s) = %d, want %d", date, z, want)
		}
		if got := fromDayNumber(z); got != date {
			t.Fatalf("fromDayNumber(%d) = %s, want %s", z, got, date)
		}
		if date.Year < 2019 || date.Year > lastLunarYear {
			wd := tm.Weekday()
			if want := wd != time.Saturday && wd != time.Sunday; cal.IsWorkday(date) != want {
				t.Fatalf("IsWorkday(%s) = %v, want %v on a %s without data", date, !want, want, wd)
			}
		}
	}
	// Unnormalised dates count like time.Date's reading of them.
	if got, want := dayNumber(tousu.Date{Year: 2026, Month: 2, Day: 29}), dayNumber(d("2026-03-01")); got != want {
		t.Errorf("dayNumber(2026-02-29) = %d, want %d (2026-03-01)", got, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	cal := officialCal(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				local := cal.With([]tousu.CalendarOverride{{Date: d("2026-03-03"), Name: "地方假日"}})
				if got := local.AddWorkdays(d("2026-03-02"), 1); got != d("2026-03-04") {
					t.Errorf("AddWorkdays(2026-03-02, 1) = %s, want 2026-03-04", got)
				}
				if got := cal.AddWorkdays(d("2026-01-30"), 15); got != d("2026-02-27") {
					t.Errorf("AddWorkdays(2026-01-30, 15) = %s, want 2026-02-27", got)
				}
			}
		})
	}
	wg.Wait()
}

func TestDue(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		name string
		dl   tousu.Deadline
		want string
	}{
		{"15 working days across 春节", tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: d("2026-01-30")}, "2026-02-27"},
		{"empty unit counts working days", tousu.Deadline{Days: 15, Start: d("2026-01-30")}, "2026-02-27"},
		// 15 + 5 + 2 = 22: Sat Feb 28 (16), Mar 2–6 (21), Mon Mar 9 (22).
		{"extension and paused days", tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: d("2026-01-30"), ExtensionDays: 5, PausedDays: 2}, "2026-03-09"},
		{"5 working days over 国庆 2025", tousu.Deadline{Days: 5, Unit: tousu.WorkingDays, Start: d("2025-09-30")}, "2025-10-14"},
		{"on-site, received on a working day", tousu.Deadline{Days: 0, Unit: tousu.WorkingDays, Start: d("2026-03-03")}, "2026-03-03"},
		{"on-site, received on a make-up Saturday", tousu.Deadline{Days: 0, Unit: tousu.WorkingDays, Start: d("2026-02-14")}, "2026-02-14"},
		{"on-site, received during 春节", tousu.Deadline{Days: 0, Unit: tousu.WorkingDays, Start: d("2026-02-16")}, "2026-02-24"},
		{"on-site, extended by a day", tousu.Deadline{Days: 0, Unit: tousu.WorkingDays, Start: d("2026-03-03"), ExtensionDays: 1}, "2026-03-04"},
		// 2026-08-04 + 60 = Sat 2026-10-03, inside 国庆 (Oct 1–7): moves to Thu Oct 8.
		{"60 days ending in 国庆", tousu.Deadline{Days: 60, Unit: tousu.CalendarDays, Start: d("2026-08-04")}, "2026-10-08"},
		// Extensions and pauses of a calendar-day period are calendar days: 70 days is Tue Oct 13.
		{"60 days then a 10-day extension", tousu.Deadline{Days: 60, Unit: tousu.CalendarDays, Start: d("2026-08-04"), ExtensionDays: 10}, "2026-10-13"},
		// 63 days is Tue Oct 6, inside 国庆: Thu Oct 8.
		{"60 days then 3 paused days", tousu.Deadline{Days: 60, Unit: tousu.CalendarDays, Start: d("2026-08-04"), PausedDays: 3}, "2026-10-08"},
		// The examples. 15 日 from Mon Nov 2, suspended Nov 6 → Nov 16 (10 days): Fri Nov 27.
		{"15 日 with a 10-day suspension", tousu.Deadline{Days: 15, Unit: tousu.CalendarDays, Start: d("2026-11-02"), PausedDays: 10}, "2026-11-27"},
		// 60 日 from Aug 3 is Fri Oct 2, inside 国庆: Thu Oct 8.
		{"信访 60 日", tousu.Deadline{Days: 60, Unit: tousu.CalendarDays, Start: d("2026-08-03")}, "2026-10-08"},
		// + 30 日: 90 days is Sun Nov 1: Mon Nov 2.
		{"信访 60 日 + 30 日", tousu.Deadline{Days: 60, Unit: tousu.CalendarDays, Start: d("2026-08-03"), ExtensionDays: 30}, "2026-11-02"},
		// 2026-12-20 + 15 working days over 元旦 2027 (statutory).
		{"15 working days into 2027", tousu.Deadline{Days: 15, Unit: tousu.WorkingDays, Start: d("2026-12-20")}, "2027-01-11"},
		{"calendar days ending on a Saturday", tousu.Deadline{Days: 5, Unit: tousu.CalendarDays, Start: d("2026-03-02")}, "2026-03-09"},
		{"calendar days ending on a make-up Saturday", tousu.Deadline{Days: 5, Unit: tousu.CalendarDays, Start: d("2026-02-09")}, "2026-02-14"},
		{"calendar days ending on a working day", tousu.Deadline{Days: 10, Unit: tousu.CalendarDays, Start: d("2026-03-02")}, "2026-03-12"},
		{"calendar days plus extension", tousu.Deadline{Days: 10, Unit: tousu.CalendarDays, Start: d("2026-03-02"), ExtensionDays: 1}, "2026-03-13"},
		{"no start, no due date", tousu.Deadline{Days: 15, Unit: tousu.WorkingDays}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tousu.Date{}
			if tt.want != "" {
				want = d(tt.want)
			}
			if got := Due(cal, tt.dl); got != want {
				t.Errorf("Due(%d %s from %s, +%d extension, +%d paused) = %s, want %s",
					tt.dl.Days, tt.dl.Unit, tt.dl.Start, tt.dl.ExtensionDays, tt.dl.PausedDays, got, tt.want)
			}
		})
	}
}

func TestRemaining(t *testing.T) {
	cal := officialCal(t)
	tests := []struct {
		name       string
		today, due string
		want       int
	}{
		{"on the day of receipt", "2026-01-30", "2026-02-27", 15},
		{"due soon", "2026-02-24", "2026-02-27", 3},
		{"on the make-up Saturday", "2026-02-14", "2026-02-27", 4},
		{"during the holiday", "2026-02-20", "2026-02-27", 4},
		{"due today", "2026-02-27", "2026-02-27", 0},
		{"one day late on the make-up Saturday", "2026-02-28", "2026-02-27", -1},
		{"Sunday after", "2026-03-01", "2026-02-27", -1},
		{"three working days late", "2026-03-03", "2026-02-27", -3},
		{"late over the make-up Saturday", "2026-02-15", "2026-02-13", -1},
		{"a weekend after the due day is not yet a working day late", "2026-03-07", "2026-03-06", 0},
		{"over 国庆 2025", "2025-09-30", "2025-10-10", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Remaining(cal, d(tt.today), d(tt.due)); got != tt.want {
				t.Errorf("Remaining(%s, %s) = %d, want %d", tt.today, tt.due, got, tt.want)
			}
		})
	}
}

func TestPickPolicy(t *testing.T) {
	// Listed out of ID order, so that ties are not decided by position.
	policies := []tousu.Policy{
		{ID: 10, Name: "投诉·A01·意见", Kind: tousu.KindComplaint, Category: "A01", Classification: tousu.ClassOpinion, Days: 7},
		{ID: 6, Name: "全部：30日", Days: 30, Unit: tousu.CalendarDays},
		{ID: 4, Name: "投诉·一般件", Kind: tousu.KindComplaint, Classification: tousu.ClassCase, Days: 20},
		{ID: 5, Name: "举报·现场", Kind: tousu.KindReport, Classification: tousu.ClassOnsite, Days: 1},
		{ID: 3, Name: "A01", Category: "A01", Days: 12},
		{ID: 2, Name: "投诉·A01", Kind: tousu.KindComplaint, Category: "A01", Days: 10},
		{ID: 1, Name: "投诉", Kind: tousu.KindComplaint, Days: 15},
	}
	noCatchAll := policies[2:]
	tests := []struct {
		name       string
		policies   []tousu.Policy
		kind       tousu.Kind
		categories []string
		class      tousu.Classification
		want       tousu.Policy
	}{
		{"all three fields", policies, tousu.KindComplaint, []string{"A01"}, tousu.ClassOpinion, policies[0]},
		{"tie of two fields goes to the lower ID", policies, tousu.KindComplaint, []string{"A01"}, tousu.ClassCase, policies[5]},
		{"kind and classification", policies, tousu.KindComplaint, []string{"C03"}, tousu.ClassCase, policies[2]},
		{"category among several", policies, tousu.KindComplaint, []string{"C03", "A01"}, tousu.ClassCase, policies[5]},
		{"category only", policies, tousu.KindSuggestion, []string{"A01"}, tousu.ClassOpinion, policies[4]},
		{"kind only", policies, tousu.KindComplaint, nil, tousu.ClassOpinion, policies[6]},
		{"catch-all", policies, tousu.KindSuggestion, []string{"Z99"}, tousu.ClassOpinion, policies[1]},
		{"onsite policy named", policies, tousu.KindReport, nil, tousu.ClassOnsite, policies[3]},
		{"onsite ignores general policies", policies, tousu.KindComplaint, []string{"A01"}, tousu.ClassOnsite, OnsitePolicy},
		{"no match", noCatchAll, tousu.KindSuggestion, []string{"Z99"}, tousu.ClassCase, DefaultPolicy},
		{"not yet classified", noCatchAll, tousu.KindSuggestion, nil, "", DefaultPolicy},
		{"no policies", nil, tousu.KindComplaint, []string{"A01"}, tousu.ClassCase, DefaultPolicy},
		{"no policies, onsite", nil, tousu.KindComplaint, nil, tousu.ClassOnsite, OnsitePolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PickPolicy(tt.policies, tt.kind, tt.categories, tt.class)
			if got != tt.want {
				t.Errorf("PickPolicy(%s, %q, %s) = %d %q, want %d %q",
					tt.kind, tt.categories, tt.class, got.ID, got.Name, tt.want.ID, tt.want.Name)
			}
		})
	}
}

func TestDefaultPolicies(t *testing.T) {
	if DefaultPolicy.Days != 15 || DefaultPolicy.Unit != tousu.WorkingDays {
		t.Errorf("DefaultPolicy = %d %s, want 15 %s", DefaultPolicy.Days, DefaultPolicy.Unit, tousu.WorkingDays)
	}
	if OnsitePolicy.Days != 0 || OnsitePolicy.Unit != tousu.WorkingDays {
		t.Errorf("OnsitePolicy = %d %s, want 0 %s", OnsitePolicy.Days, OnsitePolicy.Unit, tousu.WorkingDays)
	}
}

func BenchmarkAddWorkdays15(b *testing.B) {
	cal := officialCal(b)
	start := d("2026-01-30")
	for b.Loop() {
		cal.AddWorkdays(start, 15)
	}
}

func BenchmarkWorkdaysBetween(b *testing.B) {
	cal := officialCal(b)
	from, to := d("2026-01-30"), d("2026-02-27")
	for b.Loop() {
		cal.WorkdaysBetween(from, to)
	}
}

func TestPaused(t *testing.T) {
	cal := officialCal(t)
	if got := Paused(cal, tousu.CalendarDays, d("2026-11-06"), d("2026-11-16")); got != 10 {
		t.Errorf("Paused in calendar days = %d, want 10", got)
	}
	// Nov 9–13 (5), Mon Nov 16 (6).
	if got := Paused(cal, tousu.WorkingDays, d("2026-11-06"), d("2026-11-16")); got != 6 {
		t.Errorf("Paused in working days = %d, want 6", got)
	}
}

func TestPickPolicyChannelAndUnit(t *testing.T) {
	policies := []tousu.Policy{
		{ID: 1, Name: "投诉", Kind: tousu.KindComplaint, Days: 15},
		{ID: 2, Name: "12345热线工单", Channel: tousu.ChannelHotline, Days: 5},
		{ID: 3, Name: "市一医院", OrgUnit: "hospital-1", Days: 10},
		{ID: 4, Name: "市一医院·投诉", Kind: tousu.KindComplaint, OrgUnit: "hospital-1", Days: 5},
	}
	hospital := []string{"hospital-1-er", "hospital-1", "root"}
	tests := []struct {
		name string
		s    Subject
		want int64
	}{
		{"hotline work order", Subject{Kind: tousu.KindSuggestion, Channel: tousu.ChannelHotline, Units: []string{"root"}}, 2},
		{"a complaint by the hotline: kind and channel tie at one field, lower ID", Subject{Kind: tousu.KindComplaint, Channel: tousu.ChannelHotline}, 1},
		{"the hospital's department, a suggestion", Subject{Kind: tousu.KindSuggestion, Units: hospital}, 3},
		{"the hospital's department, a complaint: two fields win", Subject{Kind: tousu.KindComplaint, Channel: tousu.ChannelHotline, Units: hospital}, 4},
		{"another unit", Subject{Kind: tousu.KindSuggestion, Units: []string{"hall-2", "root"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PickPolicyFor(policies, tt.s); got.ID != tt.want {
				t.Errorf("PickPolicyFor = %d %q, want %d", got.ID, got.Name, tt.want)
			}
		})
	}
}
