package app

import (
	"context"
	"time"
)

// The statistics' fold (docs/STATISTICS.md): complaint writes queue their changes to the
// rollups instead of upserting them, and every serve node folds the queue every second.
// Reads fold it themselves before reading, so the figures never wait for this job: it
// only keeps the queue short, so that a read seldom has much to fold, and it needs no
// lease — folders take turns (Store.FoldStats), and the queue is empty for the second.

// StatsFoldInterval is how often RunStatsFold folds the queue; statsFoldBatch how many
// changes one fold transaction takes, so that a backlog (after a bulk load) does not hold
// SQLite's writer for long at once.
const (
	StatsFoldInterval = time.Second
	statsFoldBatch    = 1000
)

// FoldStats folds the whole queue, a batch per transaction, and returns how many changes
// it folded.
func (a *App) FoldStats(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := a.store.FoldStats(ctx, statsFoldBatch)
		total += n
		if err != nil || n < statsFoldBatch {
			return total, err
		}
	}
}

// RunStatsFold folds the queue every interval (StatsFoldInterval when 0) until ctx
// ends. Failures are logged and tried again on the next tick.
func (a *App) RunStatsFold(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = StatsFoldInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := a.FoldStats(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("stats fold", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
