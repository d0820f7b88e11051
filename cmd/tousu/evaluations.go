package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/web"
)

// 好差评 from the command line: the figures, and every window's table card at once for
// the print shop.

// evaluationsActor reads the figures and prints the cards: a leader and admin at the root,
// who sees no phone (the figures and cards carry none).
func evaluationsActor() tousu.Actor {
	return tousu.Actor{Login: "cli", Name: "命令行（好差评）", Roles: []tousu.Role{tousu.RoleLeader, tousu.RoleAdmin}}
}

func (m *Main) evaluationsCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "stats":
			return m.evaluationsStats(ctx, args[1:])
		case "cards":
			return m.evaluationsCards(ctx, args[1:])
		}
	}
	return usageError{"usage: tousu evaluations stats [--from DATE] [--to DATE] [--group-by window|staff] | tousu evaluations cards --public-url URL DIR"}
}

// evaluationsStats prints the figures per window or staff member as a table.
func (m *Main) evaluationsStats(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("evaluations stats", &cfg)
	from := fs.String("from", "", "first day, YYYY-MM-DD (default: all)")
	to := fs.String("to", "", "last day, YYYY-MM-DD (default: all)")
	by := fs.String("group-by", "window", "window or staff")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	figs, err := e.app.EvaluationStats(ctx, evaluationsActor(), app.EvaluationStatsQuery{From: *from, To: *to, GroupBy: *by})
	if err != nil {
		if f := tousu.FieldsOf(err); len(f) > 0 {
			return usageError{fmt.Sprintf("%v", f)}
		}
		return err
	}
	rate := func(r *float64) string {
		if r == nil {
			return "—"
		}
		return strconv.FormatFloat(*r*100, 'f', 1, 64) + "%"
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "key\tname\ttotal\t5\t4\t3\t2\t1\tgood_rate\tbad_rate\trectified_on_time_rate\tcallback_rate\texcluded")
	for _, f := range figs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\n", f.Key, f.Name, f.Total,
			f.Levels[4], f.Levels[3], f.Levels[2], f.Levels[1], f.Levels[0],
			rate(f.GoodRate), rate(f.BadRate), rate(f.RectifiedOnTimeRate), rate(f.CallbackRate), f.Excluded)
	}
	return tw.Flush()
}

// evaluationsCards writes every window's A4 table card into DIR as CODE.pdf.
func (m *Main) evaluationsCards(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("evaluations cards", &cfg)
	public := fs.String("public-url", m.env("TOUSU_PUBLIC_URL", ""), "the portal's address as citizens reach it, which the QR codes open (TOUSU_PUBLIC_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: tousu evaluations cards --public-url URL DIR"}
	}
	if !strings.HasPrefix(*public, "https://") && !strings.HasPrefix(*public, "http://") {
		return usageError{"--public-url (TOUSU_PUBLIC_URL) must be the portal's http:// or https:// address: the QR codes open it"}
	}
	dir := fs.Arg(0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	wins, err := e.app.EvaluationCards(ctx, evaluationsActor())
	if err != nil {
		return err
	}
	org := ""
	if units, err := e.app.Units(ctx); err == nil {
		for _, u := range units {
			if u.Parent == "" {
				org = u.Name
			}
		}
	}
	for _, w := range wins {
		pdf, err := web.CardPDF(ctx, e.app, w, org, web.EvaluateLink(*public, w.Code))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(w.Code)+".pdf"), pdf, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "%d table cards written to %s\n", len(wins), dir)
	return nil
}
