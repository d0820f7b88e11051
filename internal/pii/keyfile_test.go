package pii

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestContains(t *testing.T) {
	a := mustParse(t, "a:"+key('a'))
	rotated := a.Rotate(seeded(1))
	tests := []struct {
		name     string
		k, old   *KeyRing
		contains bool
	}{
		{"itself", a, a, true},
		{"rotated contains the original", rotated, a, true},
		{"original lacks the new key", a, rotated, false},
		{"another ring", mustParse(t, "b:"+key('b')), a, false},
		{"same ID, other secret", mustParse(t, "a:"+key('z')), a, false},
		{"same keys, other oldest", mustParse(t, "a:"+key('a')+",b:"+key('b')), a, false},
		{"a key added below the oldest", mustParse(t, "b:"+key('b')+",a:"+key('a')), a, true},
	}
	for _, tt := range tests {
		if got := tt.k.Contains(tt.old); got != tt.contains {
			t.Errorf("%s: Contains = %v, want %v", tt.name, got, tt.contains)
		}
	}
	if !rotated.Has(a.CurrentID()) || !rotated.Has(rotated.CurrentID()) || rotated.Has("nope") {
		t.Errorf("Has: wrong answer for %v", rotated.IDs())
	}
}

func TestReplaceKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tousu.keys")
	if _, err := ReadKeyFile(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadKeyFile(missing) error = %v, want not exist", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("ReadKeyFile created the missing file")
	}
	k, _, err := LoadOrCreateKeyFile(path, seeded(3))
	if err != nil {
		t.Fatal(err)
	}
	rotated := k.Rotate(seeded(4))
	if err := ReplaceKeyFile(path, rotated); err != nil {
		t.Fatalf("ReplaceKeyFile(rotated) = %v", err)
	}
	got, err := ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Marshal() != rotated.Marshal() {
		t.Errorf("after ReplaceKeyFile the file holds %v, want %v", got.IDs(), rotated.IDs())
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("replaced key file: %v, mode %v, want 0600", err, st.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want the key file alone", len(entries))
	}

	// A ring that lacks a key of the file's (going back, or another ring) is refused and
	// the file is left as it was.
	for _, bad := range []*KeyRing{k, mustParse(t, "x:"+key('x'))} {
		if err := ReplaceKeyFile(path, bad); err == nil {
			t.Errorf("ReplaceKeyFile(%v) over %v = nil error, want a refusal", bad.IDs(), rotated.IDs())
		}
		if got, _ := ReadKeyFile(path); got == nil || got.Marshal() != rotated.Marshal() {
			t.Errorf("a refused ReplaceKeyFile changed the file")
		}
	}
	if err := ReplaceKeyFile(filepath.Join(dir, "missing.keys"), rotated); err == nil {
		t.Errorf("ReplaceKeyFile(missing file) = nil error, want one: a rotation starts from a ring")
	}
}
