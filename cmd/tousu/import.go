package main

import (
	"context"
	"fmt"

	"tousu/internal/app"
	"tousu/internal/sheet"
)

// importCommand is `tousu import FILE [--dry-run]`: past complaints from a CSV or XLSX
// file (docs/import.md). It prints each refused row's number, column and reason, then the
// summary line; it exits 1 when any row was refused (the others are imported, unless
// --dry-run, which imports nothing).
func (m *Main) importCommand(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("import", &cfg)
	dry := fs.Bool("dry-run", false, "check every row and report, importing nothing")
	batch := fs.Int("batch", 2000, "complaints per transaction")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: tousu import FILE.csv|FILE.xlsx [--dry-run]"}
	}
	src, err := sheet.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer src.Close()
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	rep, err := e.app.Import(ctx, adminActor(), src, app.ImportOptions{DryRun: *dry, Batch: *batch,
		Progress: func(n int) {
			if n >= 100_000 && n%100_000 < *batch {
				fmt.Fprintf(m.Stderr, "%d rows read\n", n)
			}
		}})
	if err != nil {
		return fieldError(err)
	}
	if src.Encoding == "GB18030" {
		fmt.Fprintln(m.Stdout, "note: the file is GBK/GB18030, not UTF-8; it was converted")
	}
	for _, p := range rep.Problems {
		col := ""
		if p.Column != "" {
			col = "「" + p.Column + "」"
		}
		fmt.Fprintf(m.Stdout, "第%d行%s：%s\n", p.Row, col, p.Message)
	}
	if rep.Truncated {
		fmt.Fprintf(m.Stdout, "（只列出前%d条）\n", app.MaxImportProblems)
	}
	fmt.Fprintln(m.Stdout, rep.Summary())
	if rep.Refused > 0 {
		return refusedRows(rep.Refused)
	}
	return nil
}

// refusedRows ends an import that refused some rows with exit code 1.
type refusedRows int

func (n refusedRows) Error() string { return fmt.Sprintf("%d rows refused", int(n)) }
