package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/sqlite"
)

// TestArchiveExportVerify hands a period's archived demo cases over as a transfer
// package, checks it, and catches a file altered, added or removed afterwards.
func TestArchiveExportVerify(t *testing.T) {
	c := newCLI(t)
	c.run("demo")
	// The demo's cases were received over the last 90 days; the oldest are archived.
	today := time.Now()
	from, to := today.AddDate(0, 0, -92).Format("2006-01-02"), today.AddDate(0, 0, -82).Format("2006-01-02")
	dir := filepath.Join(t.TempDir(), "transfer")
	out := c.run("archive", "export", "--from", from, "--to", to, dir)
	if !strings.Contains(out, "archive package written") {
		t.Fatalf("archive export: %s", out)
	}
	for _, name := range []string{"description.txt", "catalogue.xml", "manifest-sha256.txt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("package lacks %s: %v", name, err)
		}
	}
	dossiers, _ := filepath.Glob(filepath.Join(dir, "cases", "*", "dossier.pdf"))
	records, _ := filepath.Glob(filepath.Join(dir, "cases", "*", "record.json"))
	if len(dossiers) == 0 || len(dossiers) != len(records) {
		t.Fatalf("package has %d dossiers and %d records, want one of each per case, some cases", len(dossiers), len(records))
	}
	cat, _ := os.ReadFile(filepath.Join(dir, "catalogue.xml"))
	if n := strings.Count(string(cat), "<case "); n != len(dossiers) || !strings.Contains(string(cat), "<status code=\"archived\">") {
		t.Errorf("catalogue lists %d cases for %d dossiers", n, len(dossiers))
	}
	// Every archived case is handed over with its retention class (保管期限).
	if n := strings.Count(string(cat), "<retention class=\""); n != len(dossiers) {
		t.Errorf("catalogue gives %d cases a retention class, want all %d", n, len(dossiers))
	}
	if out := c.run("archive", "verify", dir); !strings.Contains(out, "intact") {
		t.Errorf("archive verify of a fresh package: %s", out)
	}

	// An archived case's dossier is the same bytes in a second export.
	again := filepath.Join(t.TempDir(), "again")
	c.run("archive", "export", "--from", from, "--to", to, again)
	a, _ := os.ReadFile(dossiers[0])
	b, _ := os.ReadFile(filepath.Join(again, strings.TrimPrefix(dossiers[0], dir)))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("dossier %s differs between two exports", dossiers[0])
	}
	if _, err := c.try("", "archive", "export", "--from", from, "--to", to, again); err == nil {
		t.Errorf("export into a non-empty directory accepted")
	}

	// Tampering is caught, naming the file, with a non-zero exit.
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	for _, tc := range []struct {
		name   string
		tamper func() func()
		want   string
	}{
		{"altered dossier", func() func() {
			orig, _ := os.ReadFile(dossiers[0])
			os.WriteFile(dossiers[0], append(bytes.Clone(orig), ' '), 0o644)
			return func() { os.WriteFile(dossiers[0], orig, 0o644) }
		}, rel(dossiers[0])},
		{"file added", func() func() {
			p := filepath.Join(dir, "cases", "extra.txt")
			os.WriteFile(p, []byte("x"), 0o644)
			return func() { os.Remove(p) }
		}, "cases/extra.txt"},
		{"record removed", func() func() {
			orig, _ := os.ReadFile(records[0])
			os.Remove(records[0])
			return func() { os.WriteFile(records[0], orig, 0o644) }
		}, rel(records[0])},
	} {
		undo := tc.tamper()
		out, err := c.try("", "archive", "verify", dir)
		if err == nil || exitCode(err) == 0 || !strings.Contains(out, "BROKEN") || !strings.Contains(out, tc.want) {
			t.Errorf("%s: verify = %v, %q; want a non-zero exit naming %s", tc.name, err, out, tc.want)
		}
		undo()
	}
	if out := c.run("archive", "verify", dir); !strings.Contains(out, "intact") {
		t.Errorf("verify after undoing the tampering: %s", out)
	}

	// Both acts are in the audit log, which still verifies.
	db, err := sqlite.Open(context.Background(), filepath.Join(c.dir, "tousu.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for action, want := range map[string]int{"archive.export": 2, "archive.verify": 5} {
		recs, err := db.SearchAudit(context.Background(), tousu.AuditFilter{Action: action})
		if err != nil || len(recs) != want {
			t.Errorf("audit records of %s: %d, %v; want %d", action, len(recs), err, want)
		}
	}
	if out := c.run("audit", "verify"); !strings.Contains(out, "audit chain intact") {
		t.Errorf("audit verify after the hand-over: %s", out)
	}
}
