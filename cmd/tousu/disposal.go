package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"tousu"
)

// archiveDisposals prints the cases that may be disposed of today (past their retention
// period, on no legal hold, in no live proposal) and the disposal register. It only
// reads: a disposal takes two people signed in — a supervisor proposes, another leader
// approves — which the desk and the API see to.
func (m *Main) archiveDisposals(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("archive disposals", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"usage: tousu archive disposals"}
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	actor := tousu.Actor{Login: "cli", Name: "命令行（档案销毁）", Roles: []tousu.Role{tousu.RoleInspector}}
	items, err := e.app.DisposalCandidates(ctx, actor, 0)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "cases that may be disposed of: %d\n", len(items))
	for _, it := range items {
		fmt.Fprintf(w, "%s\t%s\t%s\treceived %s\tarchived %s\t%s\tuntil %s\t%d files\n", it.Number, it.KindLabel, it.UnitName,
			it.ReceivedAt.Format("2006-01-02"), it.ArchivedOn, it.ClassLabel, it.RetainUntil, it.Attachments)
	}
	ds, err := e.app.Disposals(ctx, actor)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "disposal register: %d\n", len(ds))
	for _, d := range ds {
		decided := ""
		if d.DecidedAt != nil {
			decided = d.DecidedBy + " " + d.DecidedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(w, "#%d\t%s\t%d cases\tproposed by %s %s\t%s\n", d.ID, d.StatusLabel, len(d.Items), d.ProposedBy,
			d.ProposedAt.Format("2006-01-02 15:04"), decided)
	}
	return w.Flush()
}
