package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{{"5000", 5000}, {"100k", 100_000}, {"1m", 1_000_000}, {"1M", 1_000_000}, {" 10m ", 10_000_000}} {
		if got, err := parseSize(tt.in); err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v, want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "k", "-5", "0", "1g", "1000m", "abc"} {
		if got, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, nil, want an error", bad, got)
		}
	}
}

// The ratios of registrations a second to each baseline's operations a second that
// tousu bench measured on the reference machine (2 cores, SQLite, 2,000 complaints, 8
// clients, with the search index and the statistics' rollups written by each
// registration: 0.020 and 0.140), taken at the low end. TestBenchRegression fails below
// a third of either: a gross regression, never noise.
const (
	refRatioJSON   = 0.02
	refRatioCommit = 0.14
)

// TestBenchRegression runs a short tousu bench — a small generated database, the server
// and the baseline as processes of their own, a few seconds of registrations over HTTP —
// and fails only when registration falls below a third of its reference ratio to a
// baseline measured in the same run, or any request fails.
func TestBenchRegression(t *testing.T) {
	if testing.Short() {
		t.Skip("starts servers and loads them for a few seconds")
	}
	// The other test packages run beside this one (go test ./... runs two at a time on
	// two cores), so a baseline and the registrations measured a second apart can see
	// different loads. A regression is gross only when every one of three runs shows it.
	var last []string
	for attempt := 1; attempt <= 3; attempt++ {
		problems := benchRegressionRun(t)
		if len(problems) == 0 {
			return
		}
		for _, p := range problems {
			t.Logf("run %d: %s", attempt, p)
		}
		last = problems
	}
	for _, p := range last {
		t.Error(p)
	}
}

// benchRegressionRun runs tousu bench once and returns what fell below a third of its
// reference; a failed request or an unreadable report fails the test at once.
func benchRegressionRun(t *testing.T) []string {
	t.Helper()
	c := newCLI(t)
	m, out, errOut := c.main("")
	m.Spawn = func(args []string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TOUSU_TEST_RUN_MAIN=1", "TOUSU_TEST_ARGS="+strings.Join(args, " "))
		return cmd
	}
	err := m.Run(t.Context(), []string{"bench", "--size", "2000", "--clients", "8", "--duration", "2s", "--reads=false"})
	if err != nil {
		t.Fatalf("tousu bench = %v\n%s", err, errOut)
	}
	ratios := map[string]float64{}
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Split(line, "|")
		if len(f) < 11 || strings.TrimSpace(f[1]) != "register" {
			continue
		}
		if errs := strings.TrimSpace(f[7]); errs != "0" {
			t.Fatalf("registrations failed: %s errors\n%s\n%s", errs, out, errOut)
		}
		var ratio float64
		var against string
		if _, err := fmt.Sscanf(strings.TrimSpace(f[9]), "%f× %s", &ratio, &against); err != nil {
			t.Fatalf("report row %q: %v", line, err)
		}
		ratios[against] = ratio
	}
	var problems []string
	for against, ref := range map[string]float64{"JSON": refRatioJSON, "durable": refRatioCommit} {
		got, ok := ratios[against]
		if !ok {
			t.Fatalf("no registration row against the %s baseline in the report:\n%s", against, out)
		}
		t.Logf("registration / %s baseline = %.3f (reference %.3f)", against, got, ref)
		if got < ref/3 {
			problems = append(problems, fmt.Sprintf("registration / %s baseline = %.3f, below a third of the reference %.3f: a gross regression\n%s", against, got, ref, out))
		}
	}
	return problems
}
