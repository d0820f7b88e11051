// Package archive writes and checks the transfer package a period's archived cases are
// handed to the archives office in (档案移交): a description, an XML catalogue, each
// case's dossier PDF, JSON record and evidence files, and a manifest of SHA-256 sums
// that `sha256sum -c` reads as well as Verify does.
package archive

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// The fixed names in a package.
const (
	Manifest    = "manifest-sha256.txt"
	Catalogue   = "catalogue.xml"
	Description = "description.txt"
)

// CatalogueXML is the catalogue of a package: one entry per case with its metadata and
// files.
type CatalogueXML struct {
	XMLName  xml.Name  `xml:"urn:tousu:archive:1 catalogue"`
	From     string    `xml:"from,attr"`
	To       string    `xml:"to,attr"`
	Exported string    `xml:"exported,attr"`
	Count    int       `xml:"count,attr"`
	Cases    []CaseXML `xml:"case"`
}

// CaseXML is one case in the catalogue. Identities are not in it.
type CaseXML struct {
	Number         string   `xml:"number,attr"`
	Title          string   `xml:"title"`
	Kind           Coded    `xml:"kind"`
	Channel        Coded    `xml:"channel"`
	Status         Coded    `xml:"status"`
	Received       string   `xml:"received"`
	Archived       string   `xml:"archived,omitempty"`
	Unit           Coded    `xml:"target_unit"`
	Categories     []string `xml:"categories>category"`
	Classification Coded    `xml:"classification"`
	Finding        Coded    `xml:"finding"`
	Satisfaction   int      `xml:"satisfaction,omitempty"`
	// Retention is the retention period (保管期限) the case was handed over with.
	Retention *RetentionXML `xml:"retention,omitempty"`
	Files     []FileXML     `xml:"files>file"`
}

// RetentionXML is the retention class of a case, its last day to keep (none for 永久) and
// whether a legal hold (法律保全) stands on it.
type RetentionXML struct {
	Class     string `xml:"class,attr"`
	Until     string `xml:"until,attr,omitempty"`
	LegalHold bool   `xml:"legal_hold,attr,omitempty"`
	Name      string `xml:",chardata"`
}

// Coded is a code with its name in words.
type Coded struct {
	Code string `xml:"code,attr,omitempty"`
	Name string `xml:",chardata"`
}

// FileXML is one file of a case, by its path in the package.
type FileXML struct {
	Role   string `xml:"role,attr"` // dossier, record, evidence
	Path   string `xml:"path,attr"`
	SHA256 string `xml:"sha256,attr"`
	Name   string `xml:",chardata"`
}

// Writer writes a package into a new directory, keeping the sums for the manifest.
type Writer struct {
	dir  string
	sums map[string]string // slash path → hex SHA-256
}

// Create starts a package in dir, which must not exist or be empty, so that no file of
// an earlier package slips into this one's manifest.
func Create(dir string) (*Writer, error) {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("archive.Create: %s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive.Create: %w", err)
	}
	return &Writer{dir: dir, sums: map[string]string{}}, nil
}

// Write writes a file at the slash path p in the package and returns its SHA-256.
func (w *Writer) Write(p string, data []byte) (string, error) {
	clean := path.Clean(p)
	if clean != p || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || p == Manifest {
		return "", fmt.Errorf("archive.Write(%q): not a plain relative path", p)
	}
	full := filepath.Join(w.dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", fmt.Errorf("archive.Write(%q): %w", p, err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		return "", fmt.Errorf("archive.Write(%q): %w", p, err)
	}
	sum := sha256.Sum256(data)
	w.sums[p] = hex.EncodeToString(sum[:])
	return w.sums[p], nil
}

// Close writes the manifest: every file written, by path, in the format of sha256sum.
func (w *Writer) Close() error {
	var b strings.Builder
	for _, p := range slices.Sorted(maps.Keys(w.sums)) {
		fmt.Fprintf(&b, "%s  %s\n", w.sums[p], p)
	}
	if err := os.WriteFile(filepath.Join(w.dir, Manifest), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("archive.Close: %w", err)
	}
	return nil
}

// Broken is why a package fails verification: the first file found wrong.
type Broken struct {
	Path   string
	Reason string
}

func (b *Broken) Error() string { return b.Path + ": " + b.Reason }

// Report is what Verify found in an intact package.
type Report struct {
	Files, Cases int
}

// Verify checks a package: every file in the manifest is there with its SHA-256, no file
// is there that the manifest does not list, and the catalogue reads and names only files
// of the manifest with their sums. The first fault is a *Broken.
func Verify(dir string) (Report, error) {
	var rep Report
	f, err := os.Open(filepath.Join(dir, Manifest))
	if err != nil {
		return rep, &Broken{Path: Manifest, Reason: "missing: " + err.Error()}
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, p, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 || p == "" {
			return rep, &Broken{Path: Manifest, Reason: fmt.Sprintf("line %d is not \"SHA256  PATH\"", n)}
		}
		want[p] = sum
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("archive.Verify: %w", err)
	}
	var paths []string
	err = filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil {
			return err
		}
		if p := filepath.ToSlash(rel); p != Manifest {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("archive.Verify: %w", err)
	}
	for _, p := range paths {
		if _, ok := want[p]; !ok {
			return rep, &Broken{Path: p, Reason: "not in the manifest"}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(want)) {
		got, err := fileSum(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			return rep, &Broken{Path: p, Reason: "missing or unreadable"}
		}
		if got != want[p] {
			return rep, &Broken{Path: p, Reason: "SHA-256 does not match the manifest (altered)"}
		}
		rep.Files++
	}
	raw, err := os.ReadFile(filepath.Join(dir, Catalogue))
	if err != nil {
		return rep, &Broken{Path: Catalogue, Reason: "missing"}
	}
	var cat CatalogueXML
	if err := xml.Unmarshal(raw, &cat); err != nil {
		return rep, &Broken{Path: Catalogue, Reason: "not a catalogue: " + err.Error()}
	}
	if cat.Count != len(cat.Cases) {
		return rep, &Broken{Path: Catalogue, Reason: fmt.Sprintf("count %d, but %d cases", cat.Count, len(cat.Cases))}
	}
	for _, c := range cat.Cases {
		for _, fx := range c.Files {
			if want[fx.Path] != fx.SHA256 {
				return rep, &Broken{Path: fx.Path, Reason: "named by the catalogue for " + c.Number + " but not in the manifest with that SHA-256"}
			}
		}
	}
	rep.Cases = len(cat.Cases)
	return rep, nil
}

func fileSum(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// IsBroken reports whether err is a verification fault (rather than a failure to read).
func IsBroken(err error) bool {
	var b *Broken
	return errors.As(err, &b)
}
