// Package app holds the use cases of tousu, written once for every adapter (JSON API,
// portal, desk, CLI, jobs): permissions and recusal, deadlines, events, audit records and
// the sealing of identities. It never reads the clock or the random source itself: both
// are injected, so that deadline and encryption behaviour is deterministic in tests.
package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"tousu"
	"tousu/internal/pii"
	"tousu/internal/workday"
)

// Options configure an App. Store and Keys are required.
type Options struct {
	Store    tousu.Store
	Keys     *pii.KeyRing
	Now      func() time.Time // defaults to time.Now
	Rand     io.Reader        // defaults to crypto/rand
	Location *time.Location   // the deployment's time zone; defaults to Asia/Shanghai
	Logger   *slog.Logger
	// RefreshEvery bounds how stale cached reference data (units, categories, calendar,
	// policies) may be when other nodes change it; local changes apply at once.
	RefreshEvery time.Duration
	// ReloadKeys, when set, reads the key ring again. It is called when a sealed value
	// names a key the ring in use lacks — a rotation elsewhere added it — so that a
	// running server opens what the rotation re-sealed without waiting to notice the new
	// ring. It may be nil (the ring cannot change while running, e.g. TOUSU_KEYS).
	ReloadKeys func() (*pii.KeyRing, error)
	// Evidence bounds evidence uploads (evidence.go); zero fields take DefaultEvidenceLimits.
	Evidence EvidenceLimits
}

// App is the use cases.
type App struct {
	store tousu.Store
	keys  *keySource
	now   func() time.Time
	rand  io.Reader
	loc   *time.Location
	log   *slog.Logger

	official *workday.Calendar
	refresh  time.Duration

	mu     sync.Mutex
	ref    *reference
	loaded time.Time

	// notify is the outbox's channels (notify.go); nil until SetNotifications.
	notify atomic.Pointer[Notifications]

	// signins counts failed sign-ins and wrong old passwords (throttle.go).
	signins *throttle
	// evidence counts the portal's evidence bytes against their budgets (evidence.go).
	evidence *evidenceBudget
}

// New returns the use cases over a store.
func New(opts Options) (*App, error) {
	if opts.Store == nil || opts.Keys == nil {
		return nil, tousu.Errorf(tousu.KindInternal, "app.New: store and keys are required")
	}
	a := &App{store: opts.Store, keys: newKeySource(opts.Keys, opts.ReloadKeys), now: opts.Now, rand: opts.Rand, loc: opts.Location,
		log: opts.Logger, refresh: opts.RefreshEvery, signins: newThrottle()}
	lim := opts.Evidence
	if lim.PerClientHour == 0 {
		lim.PerClientHour = DefaultEvidenceLimits.PerClientHour
	}
	if lim.PerHour == 0 {
		lim.PerHour = DefaultEvidenceLimits.PerHour
	}
	if lim.Storage == 0 {
		lim.Storage = DefaultEvidenceLimits.Storage
	}
	a.evidence = &evidenceBudget{limits: lim, clients: map[string]*byteWindow{}}
	if a.now == nil {
		a.now = time.Now
	}
	if a.rand == nil {
		a.rand = rand.Reader
	}
	if a.loc == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		a.loc = loc
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.refresh == 0 {
		a.refresh = 15 * time.Second
	}
	cal, err := workday.Official()
	if err != nil {
		return nil, err
	}
	a.official = cal
	return a, nil
}

// WithClock returns the same use cases acting at the instants now gives instead of the
// present: for loading history (the demo, imports of past complaints), so that events,
// numbers and deadlines carry the times they happened at. It sends no notifications:
// history is not news. Everything else is shared.
func (a *App) WithClock(now func() time.Time) *App {
	return &App{store: a.store, keys: a.keys, now: now, rand: a.rand, loc: a.loc, log: a.log,
		official: a.official, refresh: a.refresh, signins: a.signins, evidence: a.evidence}
}

// Store is the store the use cases run on (for the CLI's backup and migrations).
func (a *App) Store() tousu.Store { return a.store }

// Location is the deployment's time zone.
func (a *App) Location() *time.Location { return a.loc }

// Now is the injected clock, in the deployment's time zone.
func (a *App) Now() time.Time { return a.now().In(a.loc) }

// Today is the current date in the deployment's time zone.
func (a *App) Today() tousu.Date { return tousu.DateOf(a.Now()) }

// Calendar returns the working-day calendar in force (official data plus overrides).
func (a *App) Calendar(ctx context.Context) (*workday.Calendar, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	return ref.cal, nil
}

// CalendarWarning says, in Chinese, that next year's holiday notice is missing, from 1
// October (when deadlines start to reach next year) until it is imported; "" otherwise.
// Every staff page shows it, and the server logs it at start-up.
func (a *App) CalendarWarning(ctx context.Context) string {
	cal, err := a.Calendar(ctx)
	if err != nil {
		return ""
	}
	today := a.Today()
	if cal.MissingNextYear(today) {
		return fmt.Sprintf("尚未导入%d年的节假日安排（国务院办公厅通知）：跨入%d年的办理期限按法定节假日预计，标为“预计”；通知公布后请管理员在“工作日历”中导入", today.Year+1, today.Year+1)
	}
	return ""
}
