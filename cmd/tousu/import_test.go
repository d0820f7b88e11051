package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommand: the dry run prints each refused row and "would import N, refused
// M" and exits 1 with a refusal; the run imports the good row; a file of good rows exits
// 0, and run again skips them; a bad header is an error.
func TestImportCommand(t *testing.T) {
	c := newCLI(t)
	c.run("migrate")
	file := filepath.Join(t.TempDir(), "old.csv")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("\ufeff来源编号,收到时间,办结时间,渠道,被投诉单位,投诉事项\nC-1,2005-02-03,2005-02-20,来访,root,二十年前的投诉\nC-2,2005-02-04,2005-02-20,来访,root,\n")
	out, err := c.try("", "import", "--dry-run", file)
	if err == nil || exitCode(err) != 1 || !strings.Contains(out, "第3行「投诉事项」：请填写投诉事项") || !strings.Contains(out, "would import 1, refused 1") {
		t.Errorf("dry run: %v (exit %d)\n%s", err, exitCode(err), out)
	}
	out, err = c.try("", "import", file)
	if err == nil || !strings.Contains(out, "imported 1, refused 1") {
		t.Errorf("import: %v\n%s", err, out)
	}
	write("source_key,received_at,closed_at,channel,unit,matter\nC-1,2005-02-03,2005-02-20,visit,root,二十年前的投诉\n")
	if out := c.run("import", file); !strings.Contains(out, "imported 0, refused 0 (skipped 1 already imported)") {
		t.Errorf("again: %s", out)
	}
	write("编号,日期\n1,2\n")
	if out, err := c.try("", "import", file); err == nil || !strings.Contains(out+err.Error(), "不是可导入的列") {
		t.Errorf("a bad header: %v %s", err, out)
	}
}
