package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"

	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// engineOnly are the schema objects one engine has and the other need not, each with its
// reason. Everything else — every table, every column, every index, by name — must be
// the same on both, so that the shared SQL of this package runs on either.
var engineOnly = map[string]string{
	// The full-text index is each engine's own (docs/SEARCH.md): FTS5's table and its
	// shadow tables on SQLite, a tsvector column with a GIN index on PostgreSQL.
	"sqlite table complaint_fts":             "full-text search",
	"sqlite table complaint_fts_data":        "full-text search",
	"sqlite table complaint_fts_idx":         "full-text search",
	"sqlite table complaint_fts_docsize":     "full-text search",
	"sqlite table complaint_fts_config":      "full-text search",
	"postgres column complaint_search.terms": "full-text search",
	"postgres index complaint_search_terms":  "full-text search",
	// The audit sealer's queue: writers on many nodes queue, a sealer chains. SQLite's one
	// writer chains as it writes.
	"postgres table audit_pending": "audit sealer",
	"postgres column audit.row_id": "audit sealer",
	"postgres index audit_row_id":  "audit sealer",
	// PostgreSQL before 17 reads an index in order only on equalities: the unread desk has
	// a partial index of its own. SQLite reads messages_desk for it.
	"postgres index messages_unread": "index order",
}

// allowed reports whether engine may have obj alone: it is listed, or it is a column of a
// table that is listed.
func allowed(engine, obj string) bool {
	if engineOnly[engine+" "+obj] != "" {
		return true
	}
	col, ok := strings.CutPrefix(obj, "column ")
	table, _, _ := strings.Cut(col, ".")
	return ok && engineOnly[engine+" table "+table] != ""
}

// TestSameSchema migrates both engines and compares their tables, columns and indexes by
// name: the two migration directories must produce the same schema, apart from the
// engine-only objects listed above.
func TestSameSchema(t *testing.T) {
	storetest.SkipWithoutPostgres(t)
	ctx := t.Context()

	path := filepath.Join(t.TempDir(), "tousu.db")
	lite, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := lite.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	lite.Close()
	sqliteSchema := sqliteSchema(t, path)

	url := storetest.NewPostgresDatabase(t)
	pg, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pg.Close()
	postgresSchema := postgresSchema(t, url)

	for obj := range postgresSchema {
		if !sqliteSchema[obj] && !allowed("postgres", obj) {
			t.Errorf("PostgreSQL has %s, SQLite has not: add it to both engines' migration, or list it in engineOnly with the reason", obj)
		}
	}
	for obj := range sqliteSchema {
		if !postgresSchema[obj] && !allowed("sqlite", obj) {
			t.Errorf("SQLite has %s, PostgreSQL has not: add it to both engines' migration, or list it in engineOnly with the reason", obj)
		}
	}
	for obj := range engineOnly {
		engine, name, _ := strings.Cut(obj, " ")
		if have := map[string]map[string]bool{"postgres": postgresSchema, "sqlite": sqliteSchema}[engine]; !have[name] {
			t.Errorf("engineOnly lists %s, which %s no longer has", name, engine)
		}
	}
	if !sqliteSchema["table complaints"] || !sqliteSchema["column complaints.number"] || !sqliteSchema["index complaints_due"] {
		t.Errorf("the SQLite schema read back lacks complaints: %v", slices.Sorted(func(yield func(string) bool) {
			for k := range sqliteSchema {
				if !yield(k) {
					return
				}
			}
		}))
	}
}

// sqliteSchema is the set of "table T", "column T.C" and "index I" of the database at path.
func sqliteSchema(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(t.Context(), `SELECT m.type, m.name, m.tbl_name FROM sqlite_schema m
		WHERE m.type IN ('table', 'index') AND m.name NOT LIKE 'sqlite_%' AND m.tbl_name <> 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var tables []string
	for rows.Next() {
		var typ, name, table string
		if err := rows.Scan(&typ, &name, &table); err != nil {
			t.Fatal(err)
		}
		out[typ+" "+name] = true
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, table := range tables {
		cols, err := db.QueryContext(t.Context(), `SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				t.Fatal(err)
			}
			out["column "+table+"."+c] = true
		}
		cols.Close()
	}
	return out
}

// postgresSchema is the set of "table T", "column T.C" and "index I" of the database at
// url. A primary key's index is named T_pkey on PostgreSQL and is implicit on SQLite:
// primary keys are compared as columns.
func postgresSchema(t *testing.T, url string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := map[string]bool{}
	rows, err := conn.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out["table "+table] = true
		out["column "+table+"."+col] = true
	}
	rows.Close()
	rows, err = conn.Query(ctx, `SELECT i.indexname FROM pg_indexes i
		LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.contype IN ('p', 'u')
		WHERE i.schemaname = 'public' AND i.tablename <> 'goose_db_version' AND c.conname IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out["index "+name] = true
	}
	rows.Close()
	return out
}
