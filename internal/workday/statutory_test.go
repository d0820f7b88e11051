package workday

import (
	"testing"
	"time"

	"tousu"
)

// TestStatutoryDaysInEveryNotice checks the lunar table against the official record: each
// embedded notice gives off every statutory day of the law then in force (the 2013
// revision until 2024: no 除夕, 劳动节 one day; the 2024 revision from 2025).
func TestStatutoryDaysInEveryNotice(t *testing.T) {
	cal := officialCal(t)
	for y := 2020; y <= 2026; y++ {
		n, ok := cal.Notice(y)
		if !ok {
			t.Fatalf("no embedded notice for %d", y)
		}
		off := map[tousu.Date]bool{}
		for _, d := range n.Holidays {
			off[d] = true
		}
		days, ok := StatutoryDays(y)
		if !ok {
			t.Fatalf("StatutoryDays(%d) not derivable", y)
		}
		l := lunarTable[y-firstLunarYear]
		spring := tousu.Date{Year: y, Month: time.Month(l.springM), Day: l.springD}
		for _, f := range days {
			if y < 2025 && (f.Date == spring.AddDays(-1) || f.Date == (tousu.Date{Year: y, Month: 5, Day: 2})) {
				continue // not statutory before the 2024 revision
			}
			if !off[f.Date] {
				t.Errorf("%d: statutory %s %s is not a holiday in the notice", y, f.Name, f.Date)
			}
		}
	}
}

// TestLunarAnchors checks later years against published dates (万年历, 紫金山天文台).
func TestLunarAnchors(t *testing.T) {
	tests := []struct {
		year                           int
		spring, dragon, moon, qingming string
	}{
		{2027, "2027-02-06", "2027-06-09", "2027-09-15", "2027-04-05"},
		{2028, "2028-01-26", "2028-05-28", "2028-10-03", "2028-04-04"},
		{2029, "2029-02-13", "2029-06-16", "2029-09-22", "2029-04-04"},
		{2030, "2030-02-03", "2030-06-05", "2030-09-12", "2030-04-05"},
		{2031, "2031-01-23", "2031-06-24", "2031-10-01", "2031-04-05"},
		// 2033 has its leap month after 冬至 (闰十一月): 中秋 stays in September.
		{2033, "2033-01-31", "2033-06-01", "2033-09-08", "2033-04-04"},
		{2034, "2034-02-19", "2034-06-20", "2034-09-27", "2034-04-05"},
	}
	for _, tt := range tests {
		days, ok := StatutoryDays(tt.year)
		if !ok {
			t.Fatalf("StatutoryDays(%d) not derivable", tt.year)
		}
		has := map[string]string{}
		for _, f := range days {
			has[f.Date.String()] = f.Name
		}
		for _, want := range []struct{ date, name string }{
			{tt.spring, "春节"}, {d(tt.spring).AddDays(-1).String(), "春节"}, {tt.dragon, "端午节"},
			{tt.qingming, "清明节"},
		} {
			if has[want.date] != want.name {
				t.Errorf("%d: %s is %q, want %q", tt.year, want.date, has[want.date], want.name)
			}
		}
		if name := has[tt.moon]; name != "中秋节" && name != "国庆节、中秋节" {
			t.Errorf("%d: 中秋 %s is %q", tt.year, tt.moon, name)
		}
	}
	for _, y := range []int{2019, 2061} {
		if _, ok := StatutoryDays(y); ok {
			t.Errorf("StatutoryDays(%d) derivable outside the table", y)
		}
	}
	// Each row in order, and 除夕 a real day before 正月初一 (29th or 30th of the 12th month):
	// consecutive 春节 are 354, 355, 383 or 384 days apart.
	for i := 1; i < len(lunarTable); i++ {
		a, b := lunarTable[i-1], lunarTable[i]
		if b.year != a.year+1 {
			t.Fatalf("lunarTable row %d is %d after %d", i, b.year, a.year)
		}
		gap := dayNumber(tousu.Date{Year: b.year, Month: time.Month(b.springM), Day: b.springD}) -
			dayNumber(tousu.Date{Year: a.year, Month: time.Month(a.springM), Day: a.springD})
		if gap != 353 && gap != 354 && gap != 355 && gap != 383 && gap != 384 && gap != 385 {
			t.Errorf("春节 %d → %d: %d days", a.year, b.year, gap)
		}
	}
}

// TestStatutoryCalendar2027 is the calendar tousu keeps for 2027 before its notice.
func TestStatutoryCalendar2027(t *testing.T) {
	cal := officialCal(t)
	if cal.Covers(2027) {
		t.Fatal("the embedded data covers 2027; these examples assume it does not")
	}
	tests := []struct {
		date string
		work bool
		name string
	}{
		{"2027-01-01", false, "元旦"}, // a Friday
		{"2027-01-04", true, ""},
		{"2027-02-05", false, "春节"}, // 除夕, Friday
		{"2027-02-08", false, "春节"}, // 初三, Monday
		// 初一 and 初二 fall on Saturday and Sunday: made up on Tuesday and Wednesday.
		{"2027-02-09", false, "春节"},
		{"2027-02-10", false, "春节"},
		{"2027-02-11", true, ""},
		{"2027-04-05", false, "清明节"}, // Monday
		{"2027-05-03", false, "劳动节"}, // 1–2 May is a weekend: made up on Monday and Tuesday
		{"2027-05-04", false, "劳动节"},
		{"2027-05-05", true, ""},
		{"2027-06-09", false, "端午节"},
		{"2027-09-15", false, "中秋节"},
		{"2027-10-04", false, "国庆节"}, // 2 and 3 October are a weekend
		{"2027-10-05", false, "国庆节"},
		{"2027-10-06", true, ""},
		{"2027-01-02", false, ""}, // an ordinary Saturday; no 调休 without a notice
	}
	for _, tt := range tests {
		if got := cal.IsWorkday(d(tt.date)); got != tt.work {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.work)
		}
		if got := cal.HolidayName(d(tt.date)); got != tt.name {
			t.Errorf("HolidayName(%s) = %q, want %q", tt.date, got, tt.name)
		}
	}

	counts := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		// Dec 21–25 (5), Dec 28–31 (9), Fri Jan 1 元旦, Jan 4–8 (14), Mon Jan 11 (15).
		{"15 working days over 元旦 2027", "2026-12-20", 15, "2027-01-11"},
		// Feb 1–4 (4), Feb 5–10 春节 and 补假, Feb 11–12 (6), Feb 15–19 (11), Feb 22–25 (15).
		{"15 working days over 春节 2027", "2027-01-29", 15, "2027-02-25"},
	}
	for _, tt := range counts {
		if got := cal.AddWorkdays(d(tt.start), tt.n); got != d(tt.want) {
			t.Errorf("%s: AddWorkdays(%s, %d) = %s, want %s", tt.name, tt.start, tt.n, got, tt.want)
		}
		if !cal.Provisional(d(tt.start), d(tt.want)) {
			t.Errorf("%s: not provisional", tt.name)
		}
	}
	if cal.Provisional(d("2026-01-30"), d("2026-02-27")) {
		t.Error("a count inside 2026 is provisional")
	}
}
