package main

import (
	"strings"
	"testing"
)

// TestArchiveDisposals: the demo's archived cases are months old, so none may be
// disposed of yet, and the register is empty; the command takes no arguments.
func TestArchiveDisposals(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	out := c.run("archive", "disposals")
	for _, want := range []string{"cases that may be disposed of: 0", "disposal register: 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("archive disposals: %q lacks %q", out, want)
		}
	}
	if _, err := c.try("", "archive", "disposals", "extra"); err == nil {
		t.Errorf("archive disposals with an argument: no error")
	}
}
