package workday

import (
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func readNotice(t *testing.T, year string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/notice-" + year + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestParseNoticeMatchesEmbedded reads the published notices of 2021–2026 and compares
// them with the embedded data, which was transcribed independently. 2026 must match to
// the holiday names; 2020's data carries the later 春节 extension, so it is not a test.
func TestParseNoticeMatchesEmbedded(t *testing.T) {
	cal := officialCal(t)
	for _, year := range []string{"2021", "2022", "2023", "2024", "2025", "2026"} {
		t.Run(year, func(t *testing.T) {
			n, err := ParseNotice(0, readNotice(t, year))
			if err != nil {
				t.Fatalf("ParseNotice: %v", err)
			}
			want, _ := cal.Notice(n.Year)
			if want.Year == 0 || year != strconv.Itoa(n.Year) {
				t.Fatalf("year %d, no embedded notice", n.Year)
			}
			if !slices.Equal(n.Holidays, want.Holidays) {
				t.Errorf("holidays\n got %v\nwant %v", n.Holidays, want.Holidays)
			}
			if !slices.Equal(n.Workdays, want.Workdays) {
				t.Errorf("workdays\n got %v\nwant %v", n.Workdays, want.Workdays)
			}
			if year == "2026" {
				for d, name := range want.Names {
					if n.Names[d] != name {
						t.Errorf("name of %s = %q, want %q", d, n.Names[d], name)
					}
				}
				if len(n.Names) != len(want.Names) {
					t.Errorf("%d names, want %d", len(n.Names), len(want.Names))
				}
			}
		})
	}
}

// TestParseNoticeOlderWordings covers 补休 (2017) and 与周末连休, a range across years
// and a make-up day in the year before (2019).
func TestParseNoticeOlderWordings(t *testing.T) {
	tests := []struct {
		year           string
		rest, work     []string
		notRest        []string
		holidays, days int
	}{
		{"2017", []string{"2017-01-01", "2017-01-02", "2017-05-01", "2017-10-08", "2017-01-27", "2017-02-02"},
			[]string{"2017-01-22", "2017-02-04", "2017-04-01", "2017-05-27", "2017-09-30"}, []string{"2017-01-03"}, 0, 5},
		{"2019", []string{"2018-12-30", "2019-01-01", "2019-04-05", "2019-06-07", "2019-09-13", "2019-05-01"},
			[]string{"2018-12-29", "2019-02-02", "2019-02-03", "2019-09-29", "2019-10-12"}, []string{"2019-04-04", "2019-05-02"}, 0, 5},
	}
	for _, tt := range tests {
		t.Run(tt.year, func(t *testing.T) {
			n, err := ParseNotice(0, readNotice(t, tt.year))
			if err != nil {
				t.Fatalf("ParseNotice: %v", err)
			}
			for _, s := range tt.rest {
				if !slices.Contains(n.Holidays, d(s)) {
					t.Errorf("%s not a holiday; holidays %v", s, n.Holidays)
				}
			}
			for _, s := range tt.notRest {
				if slices.Contains(n.Holidays, d(s)) {
					t.Errorf("%s is a holiday", s)
				}
			}
			var work []string
			for _, x := range n.Workdays {
				work = append(work, x.String())
			}
			if !slices.Equal(work, tt.work) {
				t.Errorf("workdays %v, want %v", work, tt.work)
			}
		})
	}
}

func TestParseNoticeRefuses(t *testing.T) {
	tests := []struct {
		name, text string
		year, line int
		reason     string
	}{
		{"no items", "国务院办公厅关于2027年部分节假日安排的通知\n另行通知。", 0, 0, "没有找到放假安排"},
		{"neither rest nor work", "一、元旦：1月1日放假。\n二、春节：2月6日至10日另行安排。", 2027, 2, "未说明"},
		{"no date", "一、元旦：1月1日放假。\n二、春节：放假调休，共8天。", 2027, 2, "没有找到日期"},
		{"impossible date", "一、元旦：2月30日放假。", 2027, 1, "日期不正确"},
		{"backwards range", "一、春节：2月10日至6日放假。", 2027, 1, "日期范围不正确"},
		{"rest and work at once", "一、春节：2月6日放假。\n二、节：2月6日上班。", 2027, 2, "既是放假日又是上班日"},
		{"title of another year", "国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日放假。", 2027, 0, "与所选年份"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNotice(tt.year, tt.text)
			var ne *NoticeError
			if !errors.As(err, &ne) {
				t.Fatalf("ParseNotice: %v, want a NoticeError", err)
			}
			if ne.Line != tt.line || !strings.Contains(ne.Error(), tt.reason) {
				t.Errorf("error line %d %q, want line %d with %q", ne.Line, ne.Error(), tt.line, tt.reason)
			}
		})
	}
}

// TestImportNoticeRoundTrip: the 2026 notice imported as text and as JSON gives the
// embedded calendar back, day by day.
func TestImportNoticeRoundTrip(t *testing.T) {
	cal := officialCal(t)
	n, err := ParseNotice(2026, readNotice(t, "2026"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalNotices(n)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := ParseNoticesJSON(b)
	if err != nil || len(ns) != 1 {
		t.Fatalf("ParseNoticesJSON: %v %d", err, len(ns))
	}
	again := cal.WithNotice(ns[0])
	for x := d("2026-01-01"); x.Year == 2026; x = x.AddDays(1) {
		if again.IsWorkday(x) != cal.IsWorkday(x) || again.HolidayName(x) != cal.HolidayName(x) {
			t.Fatalf("%s differs after the import", x)
		}
	}

	// A 2027 notice makes 2027 covered, and its 调休 Saturday a working day.
	n27, err := ParseNotice(2027, "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。")
	if err != nil {
		t.Fatal(err)
	}
	c27 := cal.WithNotice(n27)
	if !c27.Covers(2027) || c27.Provisional(d("2027-01-01"), d("2027-12-31")) {
		t.Error("2027 not covered after its notice")
	}
	if !c27.IsWorkday(d("2027-02-20")) || c27.IsWorkday(d("2027-02-12")) {
		t.Error("2027 notice days not applied")
	}
	// The notice replaces the derived year whole: 2027-10-04 was a derived 补假 day.
	if !c27.IsWorkday(d("2027-10-04")) {
		t.Error("derived 2027 day kept after the notice")
	}
}
