package bench

import (
	"strings"
	"testing"
	"time"
)

func TestSection(t *testing.T) {
	doc := "# Performance\n\ntext\n"
	once := Section(doc, "sqlite-100k-1node", "### first\n")
	if want := "# Performance\n\ntext\n\n<!-- bench:sqlite-100k-1node -->\n### first\n<!-- /bench:sqlite-100k-1node -->\n"; once != want {
		t.Errorf("Section appended = %q, want %q", once, want)
	}
	other := Section(once, "postgres-100k-2node", "### pg\n")
	again := Section(other, "sqlite-100k-1node", "### second\n")
	if strings.Contains(again, "first") || !strings.Contains(again, "### second") || !strings.Contains(again, "### pg") ||
		strings.Index(again, "second") > strings.Index(again, "### pg") {
		t.Errorf("Section replaced = %q, want the second run in the first's place and the other section kept", again)
	}
}

func TestTable(t *testing.T) {
	rows := []Row{
		{What: "bare Go JSON handler", Clients: 32, Result: Result{Ops: 20000, Elapsed: time.Second, P50: time.Millisecond, P99: 6 * time.Millisecond}, CPU: 500 * time.Millisecond},
		{What: "register", Clients: 32, Result: Result{Ops: 1500, Elapsed: time.Second, P50: 20 * time.Millisecond, P95: 40 * time.Millisecond, P99: 50 * time.Millisecond, Errors: 2},
			CPU: 900 * time.Millisecond, Baseline: "JSON handler", Ratio: 0.074},
		{What: "全部", Clients: 1, Result: Result{}},
	}
	got := Table(rows)
	for _, want := range []string{
		"| bare Go JSON handler | 32 | 20,000 | 1.0 | 0.0 | 6.0 | 0 | 25 |  |",
		"| register | 32 | 1,500 | 20.0 | 40.0 | 50.0 | 2 | 600 | 0.07× JSON handler |",
		"| 全部 | 1 | 0 | 0.0 | 0.0 | 0.0 | 0 | — |  |",
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("Table lacks the row %q:\n%s", want, got)
		}
	}
}
