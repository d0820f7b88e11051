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
