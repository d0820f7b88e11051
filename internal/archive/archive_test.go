package archive

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pack(t *testing.T, count int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "p")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := w.Write("cases/TS1/dossier.pdf", []byte("%PDF-1.3"))
	if err != nil {
		t.Fatal(err)
	}
	cat := CatalogueXML{Count: count, Cases: []CaseXML{{Number: "TS1",
		Files: []FileXML{{Role: "dossier", Path: "cases/TS1/dossier.pdf", SHA256: sum}}}}}
	raw, _ := xml.Marshal(cat)
	if _, err := w.Write(Catalogue, raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerify(t *testing.T) {
	dir := pack(t, 1)
	if rep, err := Verify(dir); err != nil || rep.Files != 2 || rep.Cases != 1 {
		t.Fatalf("Verify(fresh) = %+v, %v; want 2 files, 1 case", rep, err)
	}
	tests := []struct {
		name   string
		tamper func(dir string)
		path   string
	}{
		{"manifest removed", func(d string) { os.Remove(filepath.Join(d, Manifest)) }, Manifest},
		{"manifest line garbled", func(d string) {
			os.WriteFile(filepath.Join(d, Manifest), []byte("nonsense\n"), 0o644)
		}, Manifest},
		{"file altered", func(d string) {
			os.WriteFile(filepath.Join(d, "cases/TS1/dossier.pdf"), []byte("%PDF-1.4"), 0o644)
		}, "cases/TS1/dossier.pdf"},
		{"file added", func(d string) { os.WriteFile(filepath.Join(d, "x.txt"), nil, 0o644) }, "x.txt"},
	}
	for _, tt := range tests {
		d := pack(t, 1)
		tt.tamper(d)
		_, err := Verify(d)
		b, ok := err.(*Broken)
		if !ok || b.Path != tt.path || !IsBroken(err) {
			t.Errorf("%s: Verify = %v, want broken at %s", tt.name, err, tt.path)
		}
	}
	if _, err := Verify(pack(t, 2)); err == nil || !strings.Contains(err.Error(), "count 2") {
		t.Errorf("catalogue with a wrong count: %v", err)
	}
}

func TestWriteRefusesPathsOutside(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "p"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../evil", "/abs", "a/../../b", "a//b", Manifest} {
		if _, err := w.Write(p, nil); err == nil {
			t.Errorf("Write(%q) accepted", p)
		}
	}
	if _, err := Create(filepath.Dir(filepath.Join(t.TempDir(), "x"))); err != nil {
		t.Errorf("Create on an empty directory: %v", err)
	}
}

func TestCreateRefusesNonEmpty(t *testing.T) {
	dir := pack(t, 1)
	if _, err := Create(dir); err == nil {
		t.Errorf("Create on a directory holding a package accepted")
	}
}
