package app

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"tousu"
	"tousu/internal/pii"
)

// keySource is the key ring the use cases seal and open identities with. A ring never
// changes, but the ring in use does: a rotation adds a key, and then a running server must
// seal with it and open what the rotation re-sealed under it. keySource swaps the ring
// atomically (SetKeys) and, when a sealed value names a key the ring lacks, asks the
// injected reload function for the ring once more before failing: the rotation may have
// re-sealed a value before this server noticed the new ring. How the ring is read (a file,
// its modification time, the environment) is the command's business, not the app's.
type keySource struct {
	ring   atomic.Pointer[pii.KeyRing]
	reload func() (*pii.KeyRing, error)

	mu sync.Mutex
	// missing are key IDs a reload did not find, so that a value sealed under a key that
	// is really gone costs one reload, not one per request. Forgotten when the ring changes.
	missing map[string]bool
}

func newKeySource(k *pii.KeyRing, reload func() (*pii.KeyRing, error)) *keySource {
	s := &keySource{reload: reload, missing: map[string]bool{}}
	s.ring.Store(k)
	return s
}

// current is the ring in use.
func (s *keySource) current() *pii.KeyRing { return s.ring.Load() }

// set replaces the ring, if it contains the one in use (see pii.KeyRing.Contains).
func (s *keySource) set(k *pii.KeyRing) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setLocked(k)
}

func (s *keySource) setLocked(k *pii.KeyRing) error {
	cur := s.ring.Load()
	if k == cur {
		return nil
	}
	if !k.Contains(cur) {
		return tousu.Errorf(tousu.KindInternal, "app.SetKeys: the new ring %v lacks keys of the ring in use %v "+
			"(or its oldest key, which derives the blind indexes, differs): restart with the ring instead", k.IDs(), cur.IDs())
	}
	s.ring.Store(k)
	clear(s.missing)
	return nil
}

// refresh reloads the ring because a sealed value names key id, which the ring in use
// lacks. It reports whether the ring in use now has it.
func (s *keySource) refresh(id string) bool {
	if s.reload == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ring.Load().Has(id) {
		return true // another request reloaded meanwhile
	}
	if s.missing[id] {
		return false
	}
	k, err := s.reload()
	if err == nil {
		err = s.setLocked(k)
	}
	if err != nil || !k.Has(id) {
		if len(s.missing) < 100 {
			s.missing[id] = true
		}
		return false
	}
	return true
}

// unknownKey returns the key ID of a sealed value the ring lacks, or "".
func unknownKey(err error, sealed []byte, k *pii.KeyRing) string {
	if !errors.Is(err, pii.ErrUnknownKey) {
		return ""
	}
	return k.KeyID(sealed)
}

// Seal seals with the current key of the ring in use.
func (s *keySource) Seal(plaintext []byte, aad string) []byte {
	return s.current().Seal(plaintext, aad)
}

// Open opens a sealed value, reloading the ring once if it names a key the ring lacks.
func (s *keySource) Open(sealed []byte, aad string) ([]byte, error) {
	k := s.current()
	v, err := k.Open(sealed, aad)
	if id := unknownKey(err, sealed, k); id != "" && s.refresh(id) {
		return s.current().Open(sealed, aad)
	}
	return v, err
}

// SealIdentity seals an identity with the current key of the ring in use.
func (s *keySource) SealIdentity(id string, c tousu.Complainant) tousu.SealedIdentity {
	return s.current().SealIdentity(id, c)
}

// OpenIdentity opens an identity, reloading the ring once if a field names a key the ring
// lacks.
func (s *keySource) OpenIdentity(id string, si tousu.SealedIdentity) (tousu.Complainant, error) {
	k := s.current()
	c, err := k.OpenIdentity(id, si)
	if errors.Is(err, pii.ErrUnknownKey) {
		for _, sealed := range si.Fields {
			if kid := k.KeyID(sealed); kid != "" && !k.Has(kid) {
				if s.refresh(kid) {
					return s.current().OpenIdentity(id, si)
				}
				break
			}
		}
	}
	return c, err
}

// PhoneIndex is the blind index of a phone number (see pii.KeyRing.PhoneIndex).
func (s *keySource) PhoneIndex(phone string) string { return s.current().PhoneIndex(phone) }

// NameIndex is the blind index of a name (see pii.KeyRing.NameIndex).
func (s *keySource) NameIndex(name string) string { return s.current().NameIndex(name) }

// IDNumberIndex is the blind index of an ID number (see pii.KeyRing.IDNumberIndex).
func (s *keySource) IDNumberIndex(id string) string { return s.current().IDNumberIndex(id) }

// SetKeys replaces the key ring while serving, after a rotation added a key: from now on
// identities are sealed under the new ring's current key. The new ring must contain the
// one in use — every key, and the same oldest key, from which blind indexes are derived —
// or the call fails and nothing changes; a ring that drops keys needs a restart.
func (a *App) SetKeys(k *pii.KeyRing) error {
	if k == nil {
		return fmt.Errorf("app.SetKeys: nil ring")
	}
	return a.keys.set(k)
}

// Keys is the key ring in use.
func (a *App) Keys() *pii.KeyRing { return a.keys.current() }
