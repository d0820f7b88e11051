package main

import "testing"

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
