// Package pii keeps complainants' identities confidential: it seals each identity field with
// AES-256-GCM under a rotating key ring, computes blind indexes so that earlier complaints
// from the same person can be found without decrypting, and masks identities for staff who
// may not see them in full.
//
// A KeyRing is immutable once built, so one value may be shared by every goroutine; rotation
// builds a new ring instead of changing the old one.
package pii

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// KeySize is the length of every key in a ring: AES-256 needs 32 bytes, and a fixed size lets
// ParseKeyRing reject a truncated or mistyped key at start-up instead of at the first seal.
const KeySize = 32

// maxIDLen bounds a key ID because every sealed value carries it in its header.
const maxIDLen = 16

// blindLabel separates the blind-index key from the encryption key it is derived from; the
// "v1" lets a later scheme derive a different key from the same secret.
const blindLabel = "tousu blind index v1"

// KeyRing holds the named keys that seal identities. The first key is current and seals
// everything new; the others remain only so that values sealed before a rotation still open.
//
// The last (oldest) key also derives the blind-index key, because blind indexes are stored
// and compared across rotations and must not change when a key is added. Consequently the
// last key must never be removed from the ring while any blind index made with it is stored,
// that is, in practice never.
//
// A KeyRing is safe for concurrent use: nothing in it changes after it is built.
type KeyRing struct {
	keys  []ringKey           // in ring order; keys[0] is current
	byID  map[string]*ringKey // for Open, which finds the key named by the sealed header
	blind []byte              // HMAC key for BlindIndex, derived from the last key
}

type ringKey struct {
	id     string
	secret []byte
	aead   cipher.AEAD // built once, because key expansion per call would cost every seal
}

// ParseKeyRing reads a ring from its text form, as found in TOUSU_KEYS or a key file: entries
// separated by commas or newlines, each ID:BASE64KEY, the first one current. Lines starting
// with # are comments, so that a key file can carry a warning to whoever edits it by hand.
// Errors name the entry by position and ID but never repeat key material, because they end
// up in start-up logs.
func ParseKeyRing(text string) (*KeyRing, error) {
	var entries []entry
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, field := range strings.Split(line, ",") {
			field = strings.TrimSpace(field)
			if field == "" {
				continue
			}
			n++
			id, b64, ok := strings.Cut(field, ":")
			if !ok {
				return nil, fmt.Errorf("pii.ParseKeyRing: entry %d: want ID:BASE64KEY", n)
			}
			id, b64 = strings.TrimSpace(id), strings.TrimSpace(b64)
			if err := checkID(id); err != nil {
				return nil, fmt.Errorf("pii.ParseKeyRing: entry %d: %w", n, err)
			}
			secret, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				// The decoder's error would quote an offset into the key; say only that it is bad.
				return nil, fmt.Errorf("pii.ParseKeyRing: entry %d (%s): key is not valid standard base64", n, id)
			}
			if len(secret) != KeySize {
				return nil, fmt.Errorf("pii.ParseKeyRing: entry %d (%s): key is %d bytes, want %d", n, id, len(secret), KeySize)
			}
			entries = append(entries, entry{id, secret})
		}
	}
	if len(entries) == 0 {
		return nil, errors.New("pii.ParseKeyRing: no keys: want at least one ID:BASE64KEY entry")
	}
	k, err := newRing(entries)
	if err != nil {
		return nil, fmt.Errorf("pii.ParseKeyRing: %w", err)
	}
	return k, nil
}

type entry struct {
	id     string
	secret []byte
}

// newRing builds the ciphers once for all keys, so that Seal and Open never build them.
func newRing(entries []entry) (*KeyRing, error) {
	k := &KeyRing{
		keys: make([]ringKey, len(entries)),
		byID: make(map[string]*ringKey, len(entries)),
	}
	for i, e := range entries {
		if _, dup := k.byID[e.id]; dup {
			return nil, fmt.Errorf("duplicate key ID %q", e.id)
		}
		block, err := aes.NewCipher(e.secret)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", e.id, err)
		}
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", e.id, err)
		}
		k.keys[i] = ringKey{id: e.id, secret: append([]byte(nil), e.secret...), aead: aead}
		k.byID[e.id] = &k.keys[i]
	}
	oldest := k.keys[len(k.keys)-1].secret
	blind, err := hkdf.Key(sha256.New, oldest, nil, blindLabel, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("blind-index key: %w", err)
	}
	k.blind = blind
	return k, nil
}

// checkID keeps IDs short and plain because they are written into every sealed value and
// into the comma- and colon-separated text form.
func checkID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("key ID %q: want 1 to %d characters", id, maxIDLen)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("key ID %q: want only letters, digits, _ and -", id)
		}
	}
	return nil
}

// NewKeyRing makes a ring of one fresh key, for a first start that has no keys yet. Randomness
// comes from r so that tests can be deterministic; nil means crypto/rand.Reader, which is
// what production should use.
func NewKeyRing(r io.Reader) (*KeyRing, error) {
	e, err := freshKey(r, nil)
	if err != nil {
		return nil, fmt.Errorf("pii.NewKeyRing: %w", err)
	}
	return newRing([]entry{e})
}

// freshKey reads a key and a random "k"+8-hex ID from r that no key in taken uses. A random
// ID rather than a date keeps two rotations on the same day, or on two machines, apart.
func freshKey(r io.Reader, taken map[string]*ringKey) (entry, error) {
	if r == nil {
		r = rand.Reader
	}
	secret := make([]byte, KeySize)
	if _, err := io.ReadFull(r, secret); err != nil {
		return entry{}, fmt.Errorf("reading a key: %w", err)
	}
	for range 100 {
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return entry{}, fmt.Errorf("reading a key ID: %w", err)
		}
		id := "k" + hex.EncodeToString(b[:])
		if _, dup := taken[id]; !dup {
			return entry{id, secret}, nil
		}
	}
	return entry{}, errors.New("no unused key ID found; is the random source constant?")
}

// Rotate returns a new ring whose current key is fresh, keeping every old key so that values
// sealed before still open. The receiver is not changed, so code holding it keeps working
// until it is handed the new ring.
//
// Rotate panics if r fails, as crypto/rand does, because a ring without a fresh key is not a
// rotation; nil r means crypto/rand.Reader, which never fails.
func (k *KeyRing) Rotate(r io.Reader) *KeyRing {
	e, err := freshKey(r, k.byID)
	if err != nil {
		panic("pii.Rotate: " + err.Error())
	}
	entries := []entry{e}
	for _, old := range k.keys {
		entries = append(entries, entry{old.id, old.secret})
	}
	nk, err := newRing(entries)
	if err != nil {
		panic("pii.Rotate: " + err.Error()) // unreachable: every key was valid in k
	}
	return nk
}

// Marshal returns the ring in the text form ParseKeyRing reads, one entry per line, current
// first. It is the secret itself: write it only to a 0600 file or a secret store.
func (k *KeyRing) Marshal() string {
	var b strings.Builder
	for i, key := range k.keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(key.id)
		b.WriteByte(':')
		b.WriteString(base64.StdEncoding.EncodeToString(key.secret))
	}
	return b.String()
}

// String describes the ring without its keys, so that printing or logging a ring, even by
// accident, never leaks them. Use Marshal for the secret text.
func (k *KeyRing) String() string {
	return "pii.KeyRing{current: " + k.CurrentID() + ", keys: " + strconv.Itoa(len(k.keys)) + "}"
}

// GoString keeps %#v from printing the key bytes, for the same reason as String.
func (k *KeyRing) GoString() string { return k.String() }

// CurrentID names the key that seals new values, so that a rotation job can tell which
// sealed values still need re-sealing (those whose KeyID differs).
func (k *KeyRing) CurrentID() string { return k.keys[0].id }

// Has reports whether the ring holds a key with the ID, so that a rotation can tell whether
// the ring it was handed is the one it is re-sealing for.
func (k *KeyRing) Has(id string) bool {
	_, ok := k.byID[id]
	return ok
}

// Contains reports whether k holds every key of old, with the same secret, and the same
// oldest key: then everything old sealed still opens with k and every blind index old
// made is the one k makes. A ring replacing another while serving must contain it.
func (k *KeyRing) Contains(old *KeyRing) bool {
	if k.keys[len(k.keys)-1].id != old.keys[len(old.keys)-1].id {
		return false
	}
	for _, o := range old.keys {
		n, ok := k.byID[o.id]
		if !ok || !bytes.Equal(n.secret, o.secret) {
			return false
		}
	}
	return true
}

// IDs lists the key IDs in ring order, current first, so that operators can check a ring
// without seeing its keys.
func (k *KeyRing) IDs() []string {
	ids := make([]string, len(k.keys))
	for i, key := range k.keys {
		ids[i] = key.id
	}
	return ids
}
