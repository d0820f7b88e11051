package sqlstore

import (
	"context"
	"strings"
)

// The engines' limits on the bound parameters of one statement: SQLite's
// SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32), PostgreSQL's wire protocol (a 16-bit
// count).
const (
	MaxParamsSQLite   = 32766
	MaxParamsPostgres = 65535
)

// maxParams is the engine's limit on one statement's bound parameters.
func (s *Store) maxParams() int {
	if s.e.Postgres {
		return MaxParamsPostgres
	}
	return MaxParamsSQLite
}

// Insert is a multi-row insert: Head (INSERT INTO t (a, b)), then VALUES and Row once
// for each row, then Tail (ON CONFLICT …, RETURNING …).
type Insert struct {
	Head  string
	Row   string // one row's values, e.g. "(?, CAST(? AS text))"; empty: Width placeholders
	Width int    // bound parameters a row
	Tail  string
}

// Run inserts n rows, in as few statements as limit bound parameters a statement allow:
// row appends row i's values to args. With scan set, each statement is run as a query
// and scan reads every row it returns (RETURNING), in whatever order the engine returns
// them.
//
// The statements hold few distinct row counts (see chunks), so that SQLite's writer,
// which prepares each statement text once and keeps a bounded number of them, prepares
// the few it meets batch after batch instead of a new one for every batch's remainder.
func (in Insert) Run(ctx context.Context, q Querier, limit, n int, row func(i int, args []any) []any, scan func(Row) error) error {
	one := in.Row
	if one == "" {
		one = "(" + placeholders(in.Width) + ")"
	}
	i := 0
	for _, k := range chunks(n, max(1, limit/in.Width)) {
		args := make([]any, 0, k*in.Width)
		for j := i; j < i+k; j++ {
			args = row(j, args)
		}
		i += k
		query := in.Head + " VALUES " + repeatRow(one, k) + in.Tail
		if scan == nil {
			if _, err := q.Exec(ctx, query, args...); err != nil {
				return err
			}
			continue
		}
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// chunks splits n rows into statements of at most most rows: as many of most as fit,
// then the rest in powers of four (…, 64, 16, 4, 1), largest first.
func chunks(n, most int) []int {
	var out []int
	for n > 0 {
		k := most
		if n < most {
			k = 1
			for k*4 <= n {
				k *= 4
			}
		}
		out = append(out, k)
		n -= k
	}
	return out
}

// repeatRow is k copies of one row's values, separated by commas.
func repeatRow(one string, k int) string {
	var b strings.Builder
	b.Grow(k * (len(one) + 2))
	for i := range k {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}
