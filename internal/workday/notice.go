package workday

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"tousu"
)

// NoticeError says which line of a notice's text could not be read, and why.
type NoticeError struct {
	Line   int    // 1-based
	Text   string // the line, trimmed
	Reason string // in Chinese
}

func (e *NoticeError) Error() string {
	if e.Line == 0 {
		return e.Reason
	}
	return fmt.Sprintf("第%d行无法识别（%s）：%s", e.Line, e.Reason, e.Text)
}

var (
	// noticeTitle finds the year in 国务院办公厅关于2027年部分节假日安排的通知.
	noticeTitle = regexp.MustCompile(`关于\s*(\d{4})\s*年.*节假日安排的通知`)
	// noticeItem is one numbered holiday: "一、元旦：…" (the colon full-width or not).
	noticeItem = regexp.MustCompile(`^[一二三四五六七八九十]+\s*[、.．]\s*([^：:]{1,20})[：:]\s*(.*)$`)
	// asides are the parenthesised weekdays and lunar dates, which carry no date of
	// their own: "（周五）", "（农历腊月二十八、周日）", "(星期一)".
	asides = regexp.MustCompile(`（[^）]*）|\([^)]*\)`)
	// noticeDate is a date with the year and the month optional, carried from before.
	noticeDate = regexp.MustCompile(`(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日`)
)

// ParseNotice reads the text of a State Council notice on the year's holidays, as
// published: the numbered items ("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。
// 1月4日（周日）上班。"), in the wordings of the notices since 2017 — ranges with 至 across
// months and years, 补休, 与周末连休, make-up days listed with 、. Lines outside the
// numbered items (the title, the addressees, the closing paragraph) are skipped. year is
// the notice's year, or 0 to take it from the title.
//
// A numbered item it cannot read fails with a *NoticeError naming the line: a deadline
// calendar half-read is worse than none.
func ParseNotice(year int, text string) (Notice, error) {
	if m := noticeTitle.FindStringSubmatch(text); m != nil {
		y, _ := strconv.Atoi(m[1])
		if year == 0 {
			year = y
		} else if y != year {
			return Notice{}, &NoticeError{Reason: fmt.Sprintf("通知标题是%d年的安排，与所选年份%d不符", y, year)}
		}
	}
	if year < 2000 || year > 2100 {
		return Notice{}, &NoticeError{Reason: "请填写通知所属年份（2000至2100）"}
	}
	n := Notice{Year: year, Names: map[tousu.Date]string{}}
	kind := map[tousu.Date]bool{} // date → rest (true) or make-up working day (false)
	items := 0
	for i, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(strings.ReplaceAll(raw, "\u3000", " "))
		m := noticeItem.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		items++
		fail := func(reason string) error { return &NoticeError{Line: i + 1, Text: line, Reason: reason} }
		name := strings.TrimSpace(m[1])
		body := asides.ReplaceAllString(m[2], "")
		found := false
		for _, sentence := range strings.FieldsFunc(body, func(r rune) bool { return r == '。' || r == '；' || r == ';' }) {
			rest, work, err := sentenceDays(year, sentence)
			if err != "" {
				return Notice{}, fail(err)
			}
			for _, ds := range []struct {
				dates []tousu.Date
				rest  bool
			}{{rest, true}, {work, false}} {
				for _, d := range ds.dates {
					if prev, ok := kind[d]; ok && prev != ds.rest {
						return Notice{}, fail(d.String() + "既是放假日又是上班日")
					}
					kind[d] = ds.rest
					n.Names[d] = name
					found = true
				}
			}
		}
		if !found {
			return Notice{}, fail("没有找到日期")
		}
	}
	if items == 0 {
		return Notice{}, &NoticeError{Reason: "没有找到放假安排（应有“一、元旦：……”这样的条目）"}
	}
	for d, rest := range kind {
		if rest {
			n.Holidays = append(n.Holidays, d)
		} else {
			n.Workdays = append(n.Workdays, d)
		}
	}
	sortDates(n.Holidays)
	sortDates(n.Workdays)
	return n, nil
}

// sentenceDays reads one sentence of an item: the days it gives off (放假, 补休, 休息,
// 连休) or the days it makes working days (上班).
// A sentence without a date says nothing ("共3天", "不调休") and gives none.
func sentenceDays(year int, s string) (rest, work []tousu.Date, problem string) {
	locs := noticeDate.FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 0 {
		return nil, nil, ""
	}
	isWork := strings.Contains(s, "上班")
	isRest := strings.Contains(s, "放假") || strings.Contains(s, "补休") || strings.Contains(s, "休息") || strings.Contains(s, "连休")
	switch {
	case isWork && isRest:
		return nil, nil, "一句中既有放假又有上班，请分句"
	case !isWork && !isRest:
		return nil, nil, "未说明是放假还是上班"
	}
	y, month := year, time.Month(0)
	var dates []tousu.Date
	for k, loc := range locs {
		if v := sub(s, loc, 1); v != "" {
			y, _ = strconv.Atoi(v)
		}
		if v := sub(s, loc, 2); v != "" {
			mm, _ := strconv.Atoi(v)
			month = time.Month(mm)
		}
		day, _ := strconv.Atoi(sub(s, loc, 3))
		if month < 1 || month > 12 || day < 1 || day > daysIn(y, month) {
			return nil, nil, "日期不正确：" + s[loc[0]:loc[1]]
		}
		d := tousu.Date{Year: y, Month: month, Day: day}
		// A range: "至" between this date and the one before.
		if k > 0 && strings.Contains(s[locs[k-1][1]:loc[0]], "至") {
			from := dates[len(dates)-1]
			if !from.Before(d) || dayNumber(d)-dayNumber(from) > 40 {
				return nil, nil, "日期范围不正确：" + s[locs[k-1][0]:loc[1]]
			}
			for x := from.AddDays(1); !x.After(d); x = x.AddDays(1) {
				dates = append(dates, x)
			}
			continue
		}
		dates = append(dates, d)
	}
	if isWork {
		return nil, dates, ""
	}
	// 与周末连休 joins the weekend, which is a rest day anyway: like holidays.json, the
	// notice's data lists the days it names.
	return dates, nil, ""
}

func sub(s string, loc []int, i int) string {
	if loc[2*i] < 0 {
		return ""
	}
	return s[loc[2*i]:loc[2*i+1]]
}

func sortDates(ds []tousu.Date) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].Before(ds[j-1]); j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// MarshalNotices writes notices in the format of holidays.json, which ParseNoticesJSON
// reads back.
func MarshalNotices(ns ...Notice) ([]byte, error) {
	out := map[string]notice{}
	for _, n := range ns {
		v := notice{Holidays: []string{}, Workdays: []string{}, Names: map[string]string{}}
		for _, d := range n.Holidays {
			v.Holidays = append(v.Holidays, d.String())
		}
		for _, d := range n.Workdays {
			v.Workdays = append(v.Workdays, d.String())
		}
		for d, name := range n.Names {
			v.Names[d.String()] = name
		}
		out[strconv.Itoa(n.Year)] = v
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("MarshalNotices: %w", err)
	}
	return b, nil
}
