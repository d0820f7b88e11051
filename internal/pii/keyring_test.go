package pii

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// seeded returns a deterministic random source, so that key generation in tests repeats.
func seeded(seed byte) *rand.ChaCha8 {
	return rand.NewChaCha8([32]byte{seed})
}

// key returns the base64 of a 32-byte key filled with b.
func key(b byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune(b)), KeySize)))
}

func mustParse(t *testing.T, text string) *KeyRing {
	t.Helper()
	k, err := ParseKeyRing(text)
	if err != nil {
		t.Fatalf("ParseKeyRing: %v", err)
	}
	return k
}

func TestParseKeyRing(t *testing.T) {
	tests := []struct {
		name string
		text string
		ids  []string
	}{
		{"one", "k1:" + key('a'), []string{"k1"}},
		{"commas", "new:" + key('b') + ",old:" + key('a'), []string{"new", "old"}},
		{"newlines and CRLF", "new:" + key('b') + "\r\nold:" + key('a') + "\r\n", []string{"new", "old"}},
		{"spaces and empty entries", "  new : " + key('b') + " ,, \n\n old:" + key('a') + ",", []string{"new", "old"}},
		{"comments", "# keys\nnew:" + key('b') + "\n  # note\nold:" + key('a'), []string{"new", "old"}},
		{"ID characters", "A-z_09:" + key('a') + ",abcdefghijklmnop:" + key('b'), []string{"A-z_09", "abcdefghijklmnop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyRing(tt.text)
			if err != nil {
				t.Fatalf("ParseKeyRing(%q) error: %v", tt.text, err)
			}
			if got := strings.Join(k.IDs(), ","); got != strings.Join(tt.ids, ",") {
				t.Errorf("ParseKeyRing(%q).IDs() = %s, want %s", tt.text, got, strings.Join(tt.ids, ","))
			}
			if got := k.CurrentID(); got != tt.ids[0] {
				t.Errorf("CurrentID() = %q, want %q", got, tt.ids[0])
			}
		})
	}
}

func TestParseKeyRingErrors(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	long := base64.StdEncoding.EncodeToString(make([]byte, 33))
	tests := []struct {
		name string
		text string
		want string // a part of the error message
	}{
		{"empty", "", "no keys"},
		{"only separators", " ,\n, ", "no keys"},
		{"only comments", "# nothing here\n", "no keys"},
		{"no colon", "k1" + key('a'), "entry 1: want ID:BASE64KEY"},
		{"empty ID", ":" + key('a'), `key ID ""`},
		{"ID too long", "abcdefghijklmnopq:" + key('a'), "want 1 to 16 characters"},
		{"ID with a dot", "k.1:" + key('a'), "want only letters, digits, _ and -"},
		{"ID in Chinese", "密钥:" + key('a'), "want only letters"},
		{"bad base64", "k1:" + key('a')[:10] + "!!" + key('a')[12:], "entry 1 (k1): key is not valid standard base64"},
		{"URL base64", "k1:" + strings.Repeat("-_", 21) + "8=", "not valid standard base64"},
		{"empty key", "k1:", "key is 0 bytes, want 32"},
		{"16-byte key", "k1:" + short, "key is 16 bytes, want 32"},
		{"33-byte key", "k1:" + long, "key is 33 bytes, want 32"},
		{"second entry bad", "k1:" + key('a') + ",k2:" + short, "entry 2 (k2)"},
		{"duplicate ID", "k1:" + key('a') + "\nk1:" + key('b'), `duplicate key ID "k1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyRing(tt.text)
			if err == nil {
				t.Fatalf("ParseKeyRing(%q) = %v, want an error containing %q", tt.text, k, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseKeyRing(%q) error = %q, want it to contain %q", tt.text, err, tt.want)
			}
			for _, secret := range []string{key('a'), key('b'), short, long} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("ParseKeyRing(%q) error %q repeats key material", tt.text, err)
				}
			}
		})
	}
}

func TestNewKeyRing(t *testing.T) {
	a, err := NewKeyRing(seeded(1))
	if err != nil {
		t.Fatal(err)
	}
	if id := a.CurrentID(); !regexp.MustCompile(`^k[0-9a-f]{8}$`).MatchString(id) {
		t.Errorf("NewKeyRing: key ID %q, want k and 8 hex digits", id)
	}
	if n := len(a.IDs()); n != 1 {
		t.Errorf("NewKeyRing: %d keys, want 1", n)
	}
	b, err := NewKeyRing(seeded(1))
	if err != nil {
		t.Fatal(err)
	}
	if a.Marshal() != b.Marshal() {
		t.Errorf("NewKeyRing with the same seed made different rings:\n%s\n%s", a.Marshal(), b.Marshal())
	}
	c, err := NewKeyRing(nil)
	if err != nil {
		t.Fatalf("NewKeyRing(nil): %v", err)
	}
	if c.Marshal() == a.Marshal() {
		t.Errorf("NewKeyRing(nil) made the seeded ring; want crypto/rand")
	}
	if _, err := NewKeyRing(strings.NewReader("too short")); err == nil {
		t.Errorf("NewKeyRing(short reader) succeeded, want an error")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	k, err := NewKeyRing(seeded(2))
	if err != nil {
		t.Fatal(err)
	}
	k = k.Rotate(seeded(3)).Rotate(seeded(4))
	text := k.Marshal()
	again := mustParse(t, text)
	if got := again.Marshal(); got != text {
		t.Errorf("ParseKeyRing(Marshal()).Marshal() = %q, want %q", got, text)
	}
	if got := strings.Count(text, "\n") + 1; got != 3 {
		t.Errorf("Marshal() has %d lines, want 3:\n%s", got, text)
	}
	// The env-var form joins entries with commas.
	comma := mustParse(t, strings.ReplaceAll(text, "\n", ","))
	if comma.Marshal() != text {
		t.Errorf("comma-separated ring differs from the newline-separated one")
	}
	sealed := k.Seal([]byte("张三"), "complaint/x/name")
	if _, err := again.Open(sealed, "complaint/x/name"); err != nil {
		t.Errorf("a reparsed ring cannot open what the original sealed: %v", err)
	}
}

func TestStringHidesKeys(t *testing.T) {
	k := mustParse(t, "k2:"+key('b')+",k1:"+key('a'))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(verb, k)
		if strings.Contains(got, key('a')) || strings.Contains(got, key('b')) || strings.Contains(got, "bbbb") {
			t.Errorf("Sprintf(%q, ring) = %q, leaks a key", verb, got)
		}
		if !strings.Contains(got, "k2") {
			t.Errorf("Sprintf(%q, ring) = %q, want the current key ID", verb, got)
		}
	}
}

func TestRotate(t *testing.T) {
	old, err := NewKeyRing(seeded(5))
	if err != nil {
		t.Fatal(err)
	}
	oldText := old.Marshal()
	const aad = "complaint/c1/phone"
	sealedOld := old.Seal([]byte("13812345678"), aad)
	indexOld := old.PhoneIndex("13812345678")

	rotated := old.Rotate(seeded(6))
	twice := rotated.Rotate(nil)

	if old.Marshal() != oldText {
		t.Errorf("Rotate changed the old ring")
	}
	if got, want := rotated.IDs(), append([]string{rotated.CurrentID()}, old.IDs()...); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("rotated IDs = %v, want %v (new key first, old keys kept)", got, want)
	}
	if rotated.CurrentID() == old.CurrentID() {
		t.Errorf("Rotate kept current key %q", old.CurrentID())
	}
	for _, tt := range []struct {
		name string
		ring *KeyRing
	}{{"rotated once", rotated}, {"rotated twice", twice}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(sealedOld, aad)
			if err != nil || string(got) != "13812345678" {
				t.Errorf("Open(sealed with old key) = %q, %v; want the phone", got, err)
			}
			if id := tt.ring.KeyID(tt.ring.Seal([]byte("x"), aad)); id != tt.ring.CurrentID() {
				t.Errorf("new seal KeyID = %q, want the current key %q", id, tt.ring.CurrentID())
			}
			if id := tt.ring.KeyID(sealedOld); id != old.CurrentID() {
				t.Errorf("old seal KeyID = %q, want %q", id, old.CurrentID())
			}
			if got := tt.ring.PhoneIndex("13812345678"); got != indexOld {
				t.Errorf("PhoneIndex after rotation = %q, want %q as before", got, indexOld)
			}
		})
	}
	newSeal := rotated.Seal([]byte("x"), aad)
	if _, err := old.Open(newSeal, aad); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old ring Open(sealed with new key) error = %v, want ErrUnknownKey", err)
	}
}

func TestRotateAvoidsTakenIDs(t *testing.T) {
	k, err := NewKeyRing(seeded(7))
	if err != nil {
		t.Fatal(err)
	}
	// The same seed would produce the same ID first; Rotate must pick another.
	r := k.Rotate(seeded(7))
	if ids := r.IDs(); ids[0] == ids[1] {
		t.Errorf("Rotate reused key ID %q", ids[0])
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "keys", "tousu.keys")

	k, created, err := LoadOrCreateKeyFile(path, seeded(8))
	if err != nil {
		t.Fatalf("first LoadOrCreateKeyFile: %v", err)
	}
	if !created {
		t.Errorf("first LoadOrCreateKeyFile: created = false, want true")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", perm)
	}
	for _, d := range []string{filepath.Join(dir, "data"), filepath.Dir(path)} {
		st, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("directory %s mode = %04o, want no group or other access", d, perm)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("key directory holds %d entries, want only the key file (temporary file left behind?)", len(entries))
	}

	again, created, err := LoadOrCreateKeyFile(path, seeded(9))
	if err != nil {
		t.Fatalf("second LoadOrCreateKeyFile: %v", err)
	}
	if created {
		t.Errorf("second LoadOrCreateKeyFile: created = true, want false")
	}
	if again.Marshal() != k.Marshal() {
		t.Errorf("second LoadOrCreateKeyFile read %q, want the keys created first %q", again.Marshal(), k.Marshal())
	}

	for _, mode := range []fs.FileMode{0o644, 0o640, 0o604, 0o660} {
		t.Run(fmt.Sprintf("refuses %04o", mode), func(t *testing.T) {
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(path, 0o600) })
			_, _, err := LoadOrCreateKeyFile(path, nil)
			if err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("LoadOrCreateKeyFile on a %04o file: error = %v, want a refusal naming chmod 600", mode, err)
			}
		})
	}
	t.Run("accepts 0400", func(t *testing.T) {
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, 0o600) })
		if _, _, err := LoadOrCreateKeyFile(path, nil); err != nil {
			t.Errorf("LoadOrCreateKeyFile on a 0400 file: %v", err)
		}
	})
}

func TestLoadOrCreateKeyFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.keys")
	if err := os.WriteFile(bad, []byte("k1:tooshort"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKeyFile(bad, nil); err == nil || !strings.Contains(err.Error(), "bad.keys") {
		t.Errorf("LoadOrCreateKeyFile(bad file) error = %v, want one naming the file", err)
	}
	if _, _, err := LoadOrCreateKeyFile(dir, nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("LoadOrCreateKeyFile(directory) error = %v, want not a regular file", err)
	}
}

// Two processes starting together must end up with one key ring, or one of them would seal
// with a key that is then lost.
func TestLoadOrCreateKeyFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tousu.keys")
	const n = 8
	rings := make([]string, n)
	createdCount := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, created, err := LoadOrCreateKeyFile(path, nil)
			if err != nil {
				t.Errorf("LoadOrCreateKeyFile #%d: %v", i, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			rings[i] = k.Marshal()
			if created {
				createdCount++
			}
		})
	}
	wg.Wait()
	for i := range rings {
		if rings[i] != rings[0] {
			t.Errorf("caller %d got a different ring from caller 0", i)
		}
	}
	if createdCount != 1 {
		t.Errorf("%d callers report creating the file, want 1", createdCount)
	}
}
