package app

import (
	"context"

	"tousu"
)

// exportPage is how many complaints an export reads at a time: the export streams, and
// never holds more than one page.
const exportPage = 500

// CanExport reports, as an error, whether the actor may export lists and statistics: the
// roles that oversee (supervisors, inspectors, leaders).
func CanExport(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleSupervisor, tousu.RoleInspector, tousu.RoleLeader)
}

// ExportComplaints hands each complaint the list query selects, as the actor may see it
// (identities masked, recusal applied), to each, page by page in the list's order. The
// export is audited (export) with its filters, described by filters, before the first
// row: an export that fails midway is still on record.
func (a *App) ExportComplaints(ctx context.Context, actor tousu.Actor, q ListQuery, filters string, each func(*ComplaintView) error) error {
	if err := CanExport(actor); err != nil {
		return err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return err
	}
	q.Cursor, q.Limit = "", exportPage
	f, err := a.filter(ref, actor, q)
	if err != nil {
		return err
	}
	if err := a.audit(ctx, actor, "export", "complaints", filters); err != nil {
		return err
	}
	if q.searchesComplainant() {
		if err := a.audit(ctx, actor, "search_complainant", "", "export"); err != nil {
			return err
		}
	}
	for {
		cs, err := a.store.ListComplaints(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := each(a.view(ctx, ref, actor, c)); err != nil {
				return err
			}
		}
		if len(cs) < f.Limit {
			return nil
		}
		last := cs[len(cs)-1]
		cur := tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
		if f.Order == tousu.OrderDue {
			cur.Key = tousu.DateKey(last.Deadline.Due)
		}
		f.After = &cur
	}
}

// ExportStats audits an export of statistics and returns their figures (Stats).
func (a *App) ExportStats(ctx context.Context, actor tousu.Actor, q StatsQuery, filters string) (*StatsReport, error) {
	if err := CanExport(actor); err != nil {
		return nil, err
	}
	rep, err := a.Stats(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	return rep, a.audit(ctx, actor, "export", "stats", filters)
}
