package app

import (
	"context"

	"tousu"
)

// Printed records in the audit log that the actor printed or downloaded a document of a
// complaint it may see (a form, a notice, the dossier): they carry internal notes and the
// complainant's identity, masked or — after a reveal, audited on its own — in clear.
func (a *App) Printed(ctx context.Context, actor tousu.Actor, number, document string) error {
	_, c, err := a.load(ctx, actor, number)
	if err != nil {
		return err
	}
	return a.audit(ctx, actor, "print", c.Number, document)
}

// AuditArchive records a hand-over to the archives in the audit log: action is
// "archive.export" (object: the period, detail: how many cases) or "archive.verify"
// (object: the package, detail: the outcome).
func (a *App) AuditArchive(ctx context.Context, actor tousu.Actor, action, object, detail string) error {
	if action != "archive.export" && action != "archive.verify" {
		return tousu.Errorf(tousu.KindInvalid, "不是档案移交的操作：%s", action)
	}
	return a.audit(ctx, actor, action, object, detail)
}
