package app

import (
	"sync"
	"time"
)

// Sign-in throttling. Failed sign-ins are counted per client address, per login from that
// address, and per login from everywhere, each in a window of SignInWindow. A pair
// (login, address) that failed SignInPerPair times waits; an address that failed
// SignInPerAddress times (whatever logins it tried) waits; a login that failed
// SignInPerLogin times from any number of addresses waits. So a guesser is slowed at
// once, while locking someone else out takes far more than five requests: the owner of
// the account, at her own address, is refused only when a hundred guesses came in from
// many addresses. Unknown logins count exactly as real ones, so the answers never tell
// whether a login exists.
//
// The counts live in the memory of each node: a cluster of n nodes lets n times as many
// guesses through, still far too few to guess a password of ten characters.
const (
	SignInWindow     = 15 * time.Minute
	SignInPerPair    = 5
	SignInPerAddress = 20
	SignInPerLogin   = 100
)

// throttle counts failures per key in fixed windows.
type throttle struct {
	mu   sync.Mutex
	hits map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newThrottle() *throttle { return &throttle{hits: map[string]*window{}} }

// blocked returns, when any key has reached its limit in the current window, how long
// until that window ends; 0 when none has.
func (t *throttle) blocked(now time.Time, limits map[string]int) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for k, limit := range limits {
		w := t.hits[k]
		if w == nil || now.Sub(w.start) >= SignInWindow {
			continue
		}
		if w.n >= limit {
			if d := w.start.Add(SignInWindow).Sub(now); d > wait {
				wait = d
			}
		}
	}
	return wait
}

// fail counts a failure against every key.
func (t *throttle) fail(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.hits) > 100_000 {
		// Bound the memory an attack with many addresses or logins can take: drop the
		// windows that have ended.
		for k, w := range t.hits {
			if now.Sub(w.start) >= SignInWindow {
				delete(t.hits, k)
			}
		}
	}
	for _, k := range keys {
		w := t.hits[k]
		if w == nil || now.Sub(w.start) >= SignInWindow {
			w = &window{start: now}
			t.hits[k] = w
		}
		w.n++
	}
}

// forget clears a key after a success (the pair's count: its owner got in).
func (t *throttle) forget(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.hits, k)
	}
}
