package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCalendarImport: the notice's text shows what it gives and is imported only with
// --yes; JSON in the holidays.json format works the same; an unreadable line is named.
func TestCalendarImport(t *testing.T) {
	c := newCLI(t)
	c.run("migrate")
	notice := filepath.Join(t.TempDir(), "2027.txt")
	text := "国务院办公厅关于2027年部分节假日安排的通知\n　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n" +
		"　　二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。\n"
	if err := os.WriteFile(notice, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	out := c.run("calendar", "import", notice)
	for _, want := range []string{"2027年：放假 11 天，调休上班 1 天", "2027-02-20\t周六\t上班\t春节", "2027-01-01\t周五\t放假\t元旦", "未导入", "--yes"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	out = c.run("calendar", "import", notice, "--yes")
	if !strings.Contains(out, "已导入") {
		t.Errorf("import: %s", out)
	}

	// JSON, as in cn-holidays.json, for another year; read from standard input.
	js, _ := json.Marshal(map[string]any{"2028": map[string]any{"holidays": []string{"2028-01-01"}, "workdays": []string{},
		"names": map[string]string{"2028-01-01": "元旦"}}})
	out, err := c.try(string(js), "calendar", "import", "-", "--yes")
	if err != nil || !strings.Contains(out, "2028年：放假 1 天") || !strings.Contains(out, "已导入") {
		t.Errorf("JSON import: %v\n%s", err, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("一、元旦：1月1日放假。\n二、春节：另行通知。\n"), 0o600)
	out, err = c.try("", "calendar", "import", bad, "--year", "2029", "--yes")
	if err == nil || !strings.Contains(out+err.Error(), "第2行") {
		t.Errorf("unreadable notice: %v\n%s", err, out)
	}
	if _, err := c.try("", "calendar", "import"); err == nil {
		t.Error("import without a file accepted")
	}
}
