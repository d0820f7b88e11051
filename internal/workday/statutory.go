package workday

import (
	"time"

	"tousu"
)

// Statutory rest days (法定节假日) under 《全国年节及纪念日放假办法》 as revised in 2024, in
// force 2025-01-01: 元旦 1 January; 春节 除夕 and 正月初一至初三; 清明 the solar-term day;
// 劳动节 1–2 May; 端午 五月初五; 中秋 八月十五; 国庆 1–3 October. A statutory day on a
// Saturday or Sunday is made up (补假) on the next working day. For a year without a
// State Council notice this is all tousu can know: the notice adds what the law leaves
// open (make-up Saturdays, longer blocks), so such a year is provisional.

// lunarYear holds the Gregorian dates of one year's lunar festivals.
type lunarYear struct {
	year             int
	springM, springD int // 正月初一
	dragonM, dragonD int // 五月初五
	moonM, moonD     int // 八月十五
	qingming         int // day in April of the 清明 solar term
}

// lunarTable covers firstLunarYear…lastLunarYear. It was computed from the usual
// compressed table of lunar month lengths (1900-01-31 = 正月初一, with 2033's leap month
// the 11th, after 冬至, as 紫金山天文台 gives it) and the 清明 term from the 21st-century
// solar-term formula; the tests check it against every statutory day of the embedded
// notices and against published dates of later years.
var lunarTable = []lunarYear{
	{2020, 1, 25, 6, 25, 10, 1, 4},
	{2021, 2, 12, 6, 14, 9, 21, 4},
	{2022, 2, 1, 6, 3, 9, 10, 5},
	{2023, 1, 22, 6, 22, 9, 29, 5},
	{2024, 2, 10, 6, 10, 9, 17, 4},
	{2025, 1, 29, 5, 31, 10, 6, 4},
	{2026, 2, 17, 6, 19, 9, 25, 5},
	{2027, 2, 6, 6, 9, 9, 15, 5},
	{2028, 1, 26, 5, 28, 10, 3, 4},
	{2029, 2, 13, 6, 16, 9, 22, 4},
	{2030, 2, 3, 6, 5, 9, 12, 5},
	{2031, 1, 23, 6, 24, 10, 1, 5},
	{2032, 2, 11, 6, 12, 9, 19, 4},
	{2033, 1, 31, 6, 1, 9, 8, 4},
	{2034, 2, 19, 6, 20, 9, 27, 5},
	{2035, 2, 8, 6, 10, 9, 16, 5},
	{2036, 1, 28, 5, 30, 10, 4, 4},
	{2037, 2, 15, 6, 18, 9, 24, 4},
	{2038, 2, 4, 6, 7, 9, 13, 5},
	{2039, 1, 24, 5, 27, 10, 2, 5},
	{2040, 2, 12, 6, 14, 9, 20, 4},
	{2041, 2, 1, 6, 3, 9, 10, 4},
	{2042, 1, 22, 6, 22, 9, 28, 4},
	{2043, 2, 10, 6, 11, 9, 17, 5},
	{2044, 1, 30, 5, 31, 10, 5, 4},
	{2045, 2, 17, 6, 19, 9, 25, 4},
	{2046, 2, 6, 6, 8, 9, 15, 4},
	{2047, 1, 26, 5, 29, 10, 4, 5},
	{2048, 2, 14, 6, 15, 9, 22, 4},
	{2049, 2, 2, 6, 4, 9, 11, 4},
	{2050, 1, 23, 6, 23, 9, 30, 4},
	{2051, 2, 11, 6, 13, 9, 19, 5},
	{2052, 2, 1, 6, 1, 9, 7, 4},
	{2053, 2, 19, 6, 20, 9, 26, 4},
	{2054, 2, 8, 6, 10, 9, 16, 4},
	{2055, 1, 28, 5, 30, 10, 5, 5},
	{2056, 2, 15, 6, 17, 9, 24, 4},
	{2057, 2, 4, 6, 6, 9, 13, 4},
	{2058, 1, 24, 6, 25, 10, 2, 4},
	{2059, 2, 12, 6, 14, 9, 21, 5},
	{2060, 2, 2, 6, 3, 9, 9, 4},
}

// The years the statutory calendar can be derived for.
const (
	firstLunarYear = 2020
	lastLunarYear  = 2060
)

// Festival is one statutory rest day.
type Festival struct {
	Date tousu.Date
	Name string
}

// StatutoryDays lists the statutory rest days of year by date, each named, without the
// make-up days (补假); ok is false outside the years the lunar table covers.
func StatutoryDays(year int) (days []Festival, ok bool) {
	if year < firstLunarYear || year > lastLunarYear {
		return nil, false
	}
	l := lunarTable[year-firstLunarYear]
	date := func(m, d int) tousu.Date { return tousu.Date{Year: year, Month: time.Month(m), Day: d} }
	spring := date(l.springM, l.springD)
	add := func(name string, ds ...tousu.Date) {
		for _, d := range ds {
			days = append(days, Festival{Date: d, Name: name})
		}
	}
	add("元旦", date(1, 1))
	// 除夕 is the day before 正月初一, whether the twelfth month has 29 days or 30.
	add("春节", spring.AddDays(-1), spring, spring.AddDays(1), spring.AddDays(2))
	add("清明节", date(4, l.qingming))
	add("劳动节", date(5, 1), date(5, 2))
	add("端午节", date(l.dragonM, l.dragonD))
	moon := date(l.moonM, l.moonD)
	national := []tousu.Date{date(10, 1), date(10, 2), date(10, 3)}
	// 中秋 can fall on 1–3 October: the day is one holiday, not two.
	if moon.Month != time.October || moon.Day > 3 {
		add("中秋节", moon)
	}
	for _, d := range national {
		if d == moon {
			add("国庆节、中秋节", d)
		} else {
			add("国庆节", d)
		}
	}
	sortFestivals(days)
	return days, true
}

// statutoryRest derives year's rest days: the statutory days and, for each that falls on
// a Saturday or Sunday, a make-up day (补假) on the next weekday not already a rest day,
// named after the holiday it makes up for.
func statutoryRest(year int) []Festival {
	days, ok := StatutoryDays(year)
	if !ok {
		return nil
	}
	rest := map[int]bool{}
	for _, f := range days {
		rest[dayNumber(f.Date)] = true
	}
	out := append([]Festival(nil), days...)
	for _, f := range days {
		z := dayNumber(f.Date)
		if isWeekday(z) {
			continue
		}
		for z++; !isWeekday(z) || rest[z]; z++ {
		}
		rest[z] = true
		out = append(out, Festival{Date: fromDayNumber(z), Name: f.Name})
	}
	sortFestivals(out)
	return out
}

func sortFestivals(fs []Festival) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Date.Before(fs[j-1].Date); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}
