package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"tousu"
)

// EvidenceLimits bound what evidence uploads may cost: the portal's per-client and
// overall budgets per hour, so that a flood of submissions cannot fill the disk or the
// network, and the storage budget for all evidence, past which nothing more is stored.
type EvidenceLimits struct {
	PerClientHour int64 // bytes one client address may send through the portal per hour
	PerHour       int64 // bytes all portal clients together may send per hour
	Storage       int64 // bytes of evidence stored in all (each content once); 0: no limit
}

// DefaultEvidenceLimits: two full submissions (5 × 10 MiB) per client and hour, 2 GiB an
// hour from everyone, 50 GiB of evidence in all.
var DefaultEvidenceLimits = EvidenceLimits{PerClientHour: 2 * MaxUploads * MaxUploadSize, PerHour: 2 << 30, Storage: 50 << 30}

// evidenceBudget counts the bytes of portal evidence per client address and in all, in
// windows of an hour.
type evidenceBudget struct {
	mu      sync.Mutex
	limits  EvidenceLimits
	clients map[string]*byteWindow
	all     byteWindow
}

type byteWindow struct {
	start time.Time
	n     int64
}

func (w *byteWindow) at(now time.Time) *byteWindow {
	if now.Sub(w.start) >= time.Hour {
		w.start, w.n = now, 0
	}
	return w
}

// spent returns how long until the client may send evidence again, 0 when it may now.
func (b *evidenceBudget) spent(client string, now time.Time, more int64) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var wait time.Duration
	if w := b.clients[client]; w != nil && b.limits.PerClientHour > 0 && w.at(now).n+more > b.limits.PerClientHour {
		wait = w.start.Add(time.Hour).Sub(now)
	}
	if b.limits.PerHour > 0 && b.all.at(now).n+more > b.limits.PerHour {
		wait = max(wait, b.all.start.Add(time.Hour).Sub(now))
	}
	return wait
}

// charge counts n bytes from client, unless that passes a budget: then it returns how
// long to wait and counts nothing.
func (b *evidenceBudget) charge(client string, now time.Time, n int64) time.Duration {
	if wait := b.spent(client, now, n); wait > 0 {
		return wait
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.clients) > 100_000 {
		for k, w := range b.clients {
			if now.Sub(w.start) >= time.Hour {
				delete(b.clients, k)
			}
		}
	}
	w := b.clients[client]
	if w == nil {
		w = &byteWindow{start: now}
		b.clients[client] = w
	}
	w.at(now).n += n
	b.all.at(now).n += n
	return 0
}

func errEvidenceBudget(wait time.Duration) error {
	return &tousu.Error{Kind: tousu.KindRateLimited, RetryAfter: wait,
		Message: fmt.Sprintf("上传的证据材料过多，请 %d 分钟后再试；也可以先不附材料提交投诉", int(wait.Minutes())+1)}
}

// EvidenceAllowed reports, as an error, whether the portal's client (its address in ctx)
// may send evidence now: asked before the body is read, so that a client past its budget
// costs nothing more.
func (a *App) EvidenceAllowed(ctx context.Context) error {
	if wait := a.evidence.spent(ClientFrom(ctx), a.now(), 1); wait > 0 {
		return errEvidenceBudget(wait)
	}
	return nil
}

// chargeEvidence counts a public submission's evidence against the hourly budgets.
func (a *App) chargeEvidence(ctx context.Context, uploads []Upload) error {
	var n int64
	for _, u := range uploads {
		n += int64(len(u.Data))
	}
	if n == 0 {
		return nil
	}
	if wait := a.evidence.charge(ClientFrom(ctx), a.now(), n); wait > 0 {
		return errEvidenceBudget(wait)
	}
	return nil
}

// checkStorage refuses attachments that would pass the storage budget: nothing is
// written, and the message says why.
func (a *App) checkStorage(ctx context.Context, atts []tousu.Attachment) error {
	if a.evidence.limits.Storage <= 0 || len(atts) == 0 {
		return nil
	}
	var n int64
	for _, at := range atts {
		n += at.Size
	}
	used, err := a.store.EvidenceBytes(ctx)
	if err != nil {
		return err
	}
	if used+n > a.evidence.limits.Storage {
		return tousu.Problems{"evidence": "证据材料的存储空间已满，本次提交未保存任何内容。请先不附材料提交，或联系系统管理员"}.Err()
	}
	return nil
}
