package main

import (
	"strings"
	"testing"
)

// TestStatsCommand: tousu stats prints the figures of the demo's period as a table,
// refuses a bad period naming it, and tousu stats rebuild recounts.
func TestStatsCommand(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	out := c.run("stats", "--from", "2021-01-01", "--to", "2030-12-31", "--group-by", "unit")
	if !strings.Contains(out, "received") || !strings.Contains(out, "total") || len(strings.Split(strings.TrimSpace(out), "\n")) < 4 {
		t.Errorf("tousu stats:\n%s", out)
	}
	if fields := strings.Fields(strings.Split(out, "\n")[2]); len(fields) < 2 || fields[1] == "0" {
		t.Errorf("tousu stats counts nothing of the demo:\n%s", out)
	}
	if out, err := c.try("", "stats", "--period", "2026-13"); err == nil || !strings.Contains(err.Error(), "period") {
		t.Errorf("tousu stats --period 2026-13 = %v\n%s", err, out)
	}
	if out, err := c.try("", "stats", "--from", "yesterday", "--to", "2026-01-01"); err == nil || !strings.Contains(err.Error(), "--from") {
		t.Errorf("tousu stats --from yesterday = %v\n%s", err, out)
	}
	before := c.run("stats", "--period", "2026", "--group-by", "category")
	if out := c.run("stats", "rebuild"); !strings.Contains(out, "recounted") {
		t.Errorf("tousu stats rebuild: %s", out)
	}
	if after := c.run("stats", "--period", "2026", "--group-by", "category"); after != before {
		t.Errorf("the figures changed on rebuild:\n%s\n%s", before, after)
	}
}
