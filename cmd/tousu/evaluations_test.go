package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvaluationsCommands prints every window's table card of the demo organisation and
// the figures, and refuses cards without the public address their QR codes open.
func TestEvaluationsCommands(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	dir := filepath.Join(t.TempDir(), "cards")
	out := c.run("evaluations", "cards", "--public-url", "https://ts.example.gov.cn", dir)
	cards, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(cards) == 0 || !strings.Contains(out, "table cards written") {
		t.Fatalf("evaluations cards: %s, %d files", out, len(cards))
	}
	if b, err := os.ReadFile(cards[0]); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("%s is not a PDF: %v", cards[0], err)
	}
	if _, err := c.try("", "evaluations", "cards", filepath.Join(t.TempDir(), "x")); err == nil {
		t.Error("cards without --public-url accepted")
	}
	if out := c.run("evaluations", "stats", "--group-by", "staff"); !strings.Contains(out, "good_rate") {
		t.Errorf("evaluations stats: %s", out)
	}
	if _, err := c.try("", "evaluations", "stats", "--group-by", "unit"); err == nil {
		t.Error("stats by unit accepted")
	}
}
