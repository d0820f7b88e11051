package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"tousu"
)

// version is the first byte of every sealed value, so that a later format can be told apart
// from this one without guessing.
const version = 1

// The reasons Open fails, for errors.Is. They are distinguished because they call for
// different actions: a malformed value is a bug or corruption, an unknown key is a
// configuration mistake (a key removed from the ring), and a failed authentication means the
// value was changed, moved to another row or field, or sealed under another key of that name.
var (
	ErrMalformed  = errors.New("sealed value is malformed")
	ErrUnknownKey = errors.New("sealed with a key not in the ring")
	ErrDecrypt    = errors.New("sealed value does not authenticate")
)

// Seal encrypts plaintext with the current key. aad binds the value to where it is stored
// (callers pass "complaint/<id>/<field>"), so that a ciphertext copied to another row or
// field does not open there. The output is self-describing:
//
//	version (1) | len(keyID) | keyID | nonce (12) | ciphertext and tag (16)
//
// so that Open finds the key after rotations. The header is authenticated too. Nonces are
// random, which bounds one key to about 2^32 seals: rotate long before that.
func (k *KeyRing) Seal(plaintext []byte, aad string) []byte {
	key := &k.keys[0]
	hdrLen := 2 + len(key.id)
	out := make([]byte, hdrLen, hdrLen+len(plaintext)+key.aead.Overhead())
	out[0] = version
	out[1] = byte(len(key.id))
	copy(out[2:], key.id)
	return key.aead.Seal(out, nil, plaintext, additionalData(out[:hdrLen], aad))
}

// additionalData authenticates the header with the caller's aad. The header is
// self-delimiting, so the concatenation is unambiguous.
func additionalData(header []byte, aad string) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	ad = append(ad, header...)
	return append(ad, aad...)
}

// parseHeader splits a sealed value into its key ID, header and the nonce-prefixed ciphertext.
func parseHeader(sealed []byte) (id string, header, body []byte, err error) {
	if len(sealed) < 2 {
		return "", nil, nil, ErrMalformed
	}
	if sealed[0] != version {
		return "", nil, nil, fmt.Errorf("%w: version %d", ErrMalformed, sealed[0])
	}
	n := int(sealed[1])
	if n == 0 || n > maxIDLen || len(sealed) < 2+n {
		return "", nil, nil, ErrMalformed
	}
	return string(sealed[2 : 2+n]), sealed[:2+n], sealed[2+n:], nil
}

// Open decrypts a value made by Seal with any key of the ring, given the same aad. It fails,
// never panics, on any input that Seal did not produce for that aad.
func (k *KeyRing) Open(sealed []byte, aad string) ([]byte, error) {
	id, header, body, err := parseHeader(sealed)
	if err != nil {
		return nil, fmt.Errorf("pii.Open: %w", err)
	}
	key, ok := k.byID[id]
	if !ok {
		return nil, fmt.Errorf("pii.Open: %w (key ID %q)", ErrUnknownKey, id)
	}
	if len(body) < key.aead.Overhead() {
		return nil, fmt.Errorf("pii.Open: %w: truncated", ErrMalformed)
	}
	plain, err := key.aead.Open(nil, nil, body, additionalData(header, aad))
	if err != nil {
		return nil, fmt.Errorf("pii.Open: %w", ErrDecrypt)
	}
	return plain, nil
}

// KeyID reports which key sealed a value, so that a rotation job can find values still sealed
// with an old key without decrypting them. It returns "" for a value that is not sealed.
func (k *KeyRing) KeyID(sealed []byte) string {
	id, _, _, err := parseHeader(sealed)
	if err != nil {
		return ""
	}
	return id
}

// fieldAAD binds a sealed identity field to its complaint and field name.
func fieldAAD(id, field string) string { return "complaint/" + id + "/" + field }

// SealIdentity seals each non-empty identity field of c on its own, bound to complaint id and
// the field name, so that one field can be revealed and audited without opening the others.
// It also computes the blind indexes of the phone and ID number, which let staff find earlier
// complaints from the same person without decrypting any.
func (k *KeyRing) SealIdentity(id string, c tousu.Complainant) tousu.SealedIdentity {
	s := tousu.SealedIdentity{Anonymous: c.Anonymous}
	for _, f := range tousu.IdentityFields {
		v := c.Field(f)
		if v == "" {
			continue
		}
		if s.Fields == nil {
			s.Fields = make(map[string][]byte, len(tousu.IdentityFields))
		}
		s.Fields[f] = k.Seal([]byte(v), fieldAAD(id, f))
	}
	s.PhoneIndex = k.PhoneIndex(c.Phone)
	s.IDNumberIndex = k.IDNumberIndex(c.IDNumber)
	s.NameIndex = k.NameIndex(c.Name)
	return s
}

// OpenIdentity reverses SealIdentity for complaint id. Field names it does not know are
// ignored rather than refused, so that a node running an older release can still open
// identities written by a newer one. Errors name the field, never its value.
func (k *KeyRing) OpenIdentity(id string, s tousu.SealedIdentity) (tousu.Complainant, error) {
	c := tousu.Complainant{Anonymous: s.Anonymous}
	for _, f := range tousu.IdentityFields {
		sealed, ok := s.Fields[f]
		if !ok {
			continue
		}
		v, err := k.Open(sealed, fieldAAD(id, f))
		if err != nil {
			return tousu.Complainant{}, fmt.Errorf("pii.OpenIdentity(%q, %s): %w", id, f, err)
		}
		c.SetField(f, string(v))
	}
	return c, nil
}

// The blind-index kinds separate the index domains, so that a phone number and an ID number
// that happen to share digits never share an index.
const (
	indexPhone    = "phone"
	indexIDNumber = "id_number"
	indexName     = "name"
)

// BlindIndex returns a keyed hash of an already-normalized value, so that equal values can be
// matched in the database without storing them in the clear; being keyed, it cannot be
// reversed by hashing every phone number. It is 32 hex characters (128 bits), ample to avoid
// accidental matches and short enough to index. It is derived from the oldest key, so it stays
// the same across rotations. An empty value gets "" so that absent values never match.
func (k *KeyRing) BlindIndex(kind, normalized string) string {
	if normalized == "" {
		return ""
	}
	m := hmac.New(sha256.New, k.blind)
	// Length-prefix the kind so that no (kind, value) pair can collide with another.
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(kind)))
	m.Write(n[:])
	m.Write([]byte(kind))
	m.Write([]byte(normalized))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// PhoneIndex is the blind index of a phone number as typed, normalized first. Searching and
// sealing both call it, so that they cannot normalize differently.
func (k *KeyRing) PhoneIndex(phone string) string {
	return k.BlindIndex(indexPhone, NormalizePhone(phone))
}

// IDNumberIndex is the blind index of an ID number as typed, normalized first, for the same
// reason as PhoneIndex.
func (k *KeyRing) IDNumberIndex(idNumber string) string {
	return k.BlindIndex(indexIDNumber, NormalizeIDNumber(idNumber))
}

// NameIndex is the blind index of a name as typed, normalized first (NormalizeName): staff
// who may reveal identities find a complainant's cases by the exact name this way.
func (k *KeyRing) NameIndex(name string) string {
	return k.BlindIndex(indexName, NormalizeName(name))
}

// NormalizeName drops the spaces people put inside names (张 三) and folds Latin letters
// to lower case, so that the same name typed twice gets the same blind index.
func NormalizeName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// NormalizePhone reduces a phone number to the digits that identify it, so that "+86 138-1234-5678",
// "008613812345678" and "13812345678" get the same blind index. Full-width digits, which
// Chinese input methods produce, count as digits; the country code is dropped only before a
// mobile number (86 then 1, 13 digits), where it cannot be part of the number itself.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		}
	}
	d := b.String()
	switch {
	case len(d) == 13 && strings.HasPrefix(d, "861"):
		return d[2:]
	case len(d) == 15 && strings.HasPrefix(d, "00861"):
		return d[4:]
	}
	return d
}

// NormalizeIDNumber trims and upper-cases an ID number, because the check character of a
// resident ID is an X that people type in either case.
func NormalizeIDNumber(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}
