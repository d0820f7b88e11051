package app

import (
	"context"
	"strings"

	"tousu"
)

// CanReadAudit reports, as an error, whether the actor may read the audit log: admins,
// who answer for the system, and inspectors (纪检), who answer for staff conduct.
func CanReadAudit(actor tousu.Actor) error {
	return requireRole(actor, tousu.RoleAdmin, tousu.RoleInspector)
}

// CanSeeCases reports, as an error, whether the actor reads complaints at all (admins
// alone do not), for pages that would link to one.
func CanSeeCases(actor tousu.Actor) error {
	return requireRole(actor, caseReaders...)
}

// AuditQuery selects audit records for the audit view. Empty fields do not filter.
type AuditQuery struct {
	Action string
	Actor  string
	Object string
	Before int64 // the page after the record with this ID (newest first); 0 for the first
	Limit  int   // 1–500; 0 means 50
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Items []tousu.AuditRecord
	// Next is the Before of the next page; 0 on the last.
	Next int64
}

// AuditLog returns a page of the audit log (admins and inspectors). Records about a
// complaint the reader may not see are left out: an inspector sees those within the
// scope of the role, and nobody sees those of a complaint about himself (recusal), not
// even that it exists. Admins, who see no case content, see every record otherwise: the
// record of what staff did is theirs to keep.
func (a *App) AuditLog(ctx context.Context, actor tousu.Actor, q AuditQuery) (*AuditPage, error) {
	if err := CanReadAudit(actor); err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	q.Action, q.Actor, q.Object = strings.TrimSpace(q.Action), strings.TrimSpace(q.Actor), strings.TrimSpace(q.Object)
	for _, f := range []struct{ name, v string }{{"action", q.Action}, {"actor", q.Actor}, {"object", q.Object}} {
		if len(f.v) > 100 {
			p.Add(f.name, "过长")
		}
	}
	switch {
	case q.Limit == 0:
		q.Limit = 50
	case q.Limit < 0 || q.Limit > 500:
		p.Add("limit", "应为1至500")
	}
	if q.Before < 0 {
		p.Add("before", "翻页标记无效")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := a.store.SearchAudit(ctx, tousu.AuditFilter{Action: q.Action, Actor: q.Actor, Object: q.Object,
		Before: q.Before, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	page := &AuditPage{Items: make([]tousu.AuditRecord, 0, len(recs))}
	seen := map[string]bool{} // complaint numbers: whether the actor may see the records
	for _, r := range recs {
		ok, known := seen[r.Object]
		if !known {
			ok, err = a.auditVisible(ctx, ref, actor, r.Object)
			if err != nil {
				return nil, err
			}
			seen[r.Object] = ok
		}
		if ok {
			page.Items = append(page.Items, r)
		}
	}
	if len(recs) == q.Limit {
		page.Next = recs[len(recs)-1].ID
	}
	return page, nil
}

// auditVisible reports whether the actor may see the audit records about object: anything
// that is not a complaint, and the complaints the actor may see (inspectors) or is not
// the target of (admins).
func (a *App) auditVisible(ctx context.Context, ref *reference, actor tousu.Actor, object string) (bool, error) {
	if !strings.HasPrefix(object, NumberPrefix) {
		return true, nil
	}
	c, err := a.store.FindComplaint(ctx, object)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return true, nil // not a complaint after all
	}
	if err != nil {
		return false, err
	}
	if recused(actor, c) {
		return false, nil
	}
	if actor.Has(tousu.RoleAdmin) {
		return true, nil
	}
	return ref.visible(actor, c), nil
}

// Backup writes a consistent copy of the database to path while the system serves (admin
// or the command line). It is audited first, so that the copy holds the record of its own
// making.
func (a *App) Backup(ctx context.Context, actor tousu.Actor, path string) error {
	if err := requireRole(actor, tousu.RoleAdmin, tousu.RoleSystem); err != nil {
		return err
	}
	if err := a.audit(ctx, actor, "backup", path, ""); err != nil {
		return err
	}
	return a.store.Backup(ctx, path)
}
