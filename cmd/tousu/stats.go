package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"tousu"
	"tousu/internal/app"
)

// statsCommand is tousu stats: the figures of a period as a table (docs/STATISTICS.md),
// or tousu stats rebuild, which recounts the rollups from the complaints.
func (m *Main) statsCommand(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "rebuild" {
		var cfg config
		fs := m.flags("stats rebuild", &cfg)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		e, err := m.open(ctx, cfg)
		if err != nil {
			return err
		}
		defer e.Close()
		if err := e.store.RebuildStats(ctx); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, "statistics recounted from the complaints")
		return nil
	}
	var cfg config
	fs := m.flags("stats", &cfg)
	period := fs.String("period", "", "a month 2026-11, a quarter 2026-Q4 or a year 2026 (instead of --from/--to)")
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	to := fs.String("to", "", "last day, YYYY-MM-DD")
	unit := fs.String("unit", "", "a unit's code: its subtree (default the whole organisation)")
	group := fs.String("group-by", "", "unit, window, staff, category, channel, kind, month or week")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := app.StatsQuery{Unit: *unit, GroupBy: *group}
	if *period != "" {
		p, err := app.ParsePeriod(*period)
		if err != nil {
			return usageError{tousu.PublicMessage(err) + "：" + describe(err)}
		}
		q.From, q.To = p.From, p.To
	} else {
		var err error
		if q.From, err = tousu.ParseDate(*from); err != nil {
			return usageError{"--from: " + tousu.DateProblem(err)}
		}
		if q.To, err = tousu.ParseDate(*to); err != nil {
			return usageError{"--to: " + tousu.DateProblem(err)}
		}
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	// The command line reads the figures as a leader at the root: counts only, no
	// complainant and no case content.
	reader := tousu.Actor{Login: "cli", Name: "命令行", Roles: []tousu.Role{tousu.RoleLeader}}
	rep, err := e.app.Stats(ctx, reader, q)
	if err != nil {
		return usageError{tousu.PublicMessage(err) + "：" + describe(err)}
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(m.Stdout, "%s %s to %s\n", rep.UnitName, rep.From, rep.To)
	fmt.Fprintln(w, "group\treceived\tconsult.\trefused\treplied\ton time\ton-time rate\tavg days\tdecided\tfounded rate\trated\tsatisfaction\toverdue\trepeat\t")
	row := func(name string, f app.Figures) {
		rate := func(r *float64) string {
			if r == nil {
				return "—"
			}
			return fmt.Sprintf("%.1f%%", *r*100)
		}
		avg, od := "—", "—"
		if f.AvgWorkingDays != nil {
			avg = fmt.Sprintf("%.1f", *f.AvgWorkingDays)
		}
		if f.OverdueOpen != nil {
			od = fmt.Sprint(*f.OverdueOpen)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%d\t\n", name, f.Received, f.Consultations,
			f.NotAccepted, f.Replied, f.RepliedOnTime, rate(f.OnTimeRate), avg, f.Decided, rate(f.FoundedRate), f.Rated,
			rate(f.SatisfactionRate), od, f.Repeat)
	}
	row("total", rep.Total)
	for _, g := range rep.Groups {
		row(g.Name, g.Figures)
	}
	return w.Flush()
}

// describe lists an error's field problems, "" when it names none.
func describe(err error) string {
	s := ""
	for k, v := range tousu.FieldsOf(err) {
		if s != "" {
			s += "; "
		}
		s += k + ": " + v
	}
	return s
}
