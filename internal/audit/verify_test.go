package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tousu"
	"tousu/internal/audit"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// database is a store under test and a way to change its rows behind its back, as
// someone with access to the database file or server would.
type database struct {
	store  tousu.Store
	tamper func(t *testing.T, sql string, args ...any)
	// placeholder is "?" on SQLite and "$n" on PostgreSQL.
	placeholder func(n int) string
}

// forEachDatabase runs test on SQLite, and on PostgreSQL when TOUSU_TEST_POSTGRES is set.
func forEachDatabase(t *testing.T, test func(t *testing.T, db database)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tousu.db")
		s, err := sqlite.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		// A second connection to the file, through database/sql, as a tamperer would open it.
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		test(t, database{store: s, placeholder: func(int) string { return "?" },
			tamper: func(t *testing.T, q string, args ...any) {
				t.Helper()
				if _, err := raw.ExecContext(context.Background(), q, args...); err != nil {
					t.Fatalf("tamper %q: %v", q, err)
				}
			}})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.NewPostgresDatabase(t)
		s, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		test(t, database{store: s, placeholder: func(n int) string { return fmt.Sprintf("$%d", n) },
			tamper: func(t *testing.T, q string, args ...any) {
				t.Helper()
				if _, err := conn.Exec(context.Background(), q, args...); err != nil {
					t.Fatalf("tamper %q: %v", q, err)
				}
			}})
	})
}

var base = time.Date(2026, 1, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// fill appends n records and returns them as stored.
func fill(t *testing.T, s tousu.Store, n int) []tousu.AuditRecord {
	t.Helper()
	recs := make([]tousu.AuditRecord, n)
	for i := range recs {
		recs[i] = tousu.AuditRecord{At: base.Add(time.Duration(i) * time.Minute), Actor: "sup1", Action: "reveal",
			Object: fmt.Sprintf("TS20260130-%04d", i+1), Client: "10.0.0.1", Detail: "核实身份"}
	}
	if err := s.AppendAudit(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestVerifyIntact(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := context.Background()
		if h, err := audit.Verify(ctx, db.store); err != nil || h.Records != 0 || h.ID != 0 {
			t.Errorf("Verify(empty log) = %+v, %v; want nothing and no error", h, err)
		}
		// More than one page of the verifier.
		var recs []tousu.AuditRecord
		for range 3 {
			recs = append(recs, fill(t, db.store, 900)...)
		}
		h, err := audit.Verify(ctx, db.store)
		last := recs[len(recs)-1]
		if err != nil || h.Records != 2700 || h.ID != last.ID || h.Hash != last.Hash {
			t.Fatalf("Verify = %+v, %v; want 2700 records ending at %d", h, err, last.ID)
		}
		// Anchors that hold: the head, and a record in the middle.
		mid := recs[1234]
		if _, err := audit.Verify(ctx, db.store, h, audit.Head{ID: mid.ID, Hash: mid.Hash}); err != nil {
			t.Errorf("Verify with anchors that hold = %v", err)
		}
		parsed, err := audit.ParseAnchor(h.String())
		if err != nil || parsed.ID != h.ID || parsed.Hash != h.Hash {
			t.Errorf("ParseAnchor(%q) = %+v, %v", h.String(), parsed, err)
		}
		for _, bad := range []string{"", "12", "x:" + h.Hash, "0:" + h.Hash, "3:abc"} {
			if _, err := audit.ParseAnchor(bad); err == nil {
				t.Errorf("ParseAnchor(%q) accepted", bad)
			}
		}
	})
}

// TestVerifyNamesTheTamperedRecord changes the log behind the store's back in every way
// the chain must show, and checks that Verify names the first record affected.
func TestVerifyNamesTheTamperedRecord(t *testing.T) {
	tests := []struct {
		name   string
		sql    string // the change, of record 5 unless it says otherwise
		args   func(recs []tousu.AuditRecord) []any
		broken int64
		reason string
	}{
		{"detail altered", "UPDATE audit SET detail = 'nothing to see' WHERE id = 5", nil, 5, "altered"},
		{"actor altered", "UPDATE audit SET actor = 'someone_else' WHERE id = 5", nil, 5, "altered"},
		{"time altered", "UPDATE audit SET at = at + 1 WHERE id = 5", nil, 5, "altered"},
		{"object altered", "UPDATE audit SET object = 'TS20260130-9999' WHERE id = 5", nil, 5, "altered"},
		{"hash replaced", "UPDATE audit SET hash = '" + strings.Repeat("0", 64) + "' WHERE id = 5", nil, 5, "altered"},
		{"previous hash replaced", "UPDATE audit SET prev_hash = '" + strings.Repeat("0", 64) + "' WHERE id = 5", nil, 5, "previous-hash"},
		{"record deleted", "DELETE FROM audit WHERE id = 5", nil, 5, "missing"},
		{"first record deleted", "DELETE FROM audit WHERE id = 1", nil, 1, "missing"},
		{"records swapped", "UPDATE audit SET id = CASE id WHEN 5 THEN 6 ELSE 5 END + 1000 WHERE id IN (5, 6)", nil, 5, "previous-hash"},
		{"altered and re-hashed, the next record not", "UPDATE audit SET detail = 'x', hash = {hash} WHERE id = 5",
			func(recs []tousu.AuditRecord) []any {
				r := recs[4]
				r.Detail = "x"
				return []any{tousu.ChainHash(recs[3].Hash, r)}
			}, 6, "previous-hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachDatabase(t, func(t *testing.T, db database) {
				recs := fill(t, db.store, 10)
				q := strings.ReplaceAll(tt.sql, "{hash}", db.placeholder(1))
				var args []any
				if tt.args != nil {
					args = tt.args(recs)
				}
				db.tamper(t, q, args...)
				if strings.Contains(tt.sql, "+ 1000") {
					// Put the swapped records back at their places, swapped.
					db.tamper(t, "UPDATE audit SET id = id - 1000 WHERE id > 1000")
				}
				h, err := audit.Verify(context.Background(), db.store)
				var b *audit.Broken
				if !errors.As(err, &b) {
					t.Fatalf("Verify after %s = %+v, %v; want a broken link", tt.name, h, err)
				}
				if b.ID != tt.broken || !strings.Contains(b.Reason, tt.reason) {
					t.Errorf("Verify after %s: broken at %d (%s), want %d (%s)", tt.name, b.ID, b.Reason, tt.broken, tt.reason)
				}
				if h.Records != int(tt.broken)-1 {
					t.Errorf("Verify after %s: %d good records, want %d", tt.name, h.Records, tt.broken-1)
				}
				if !strings.Contains(err.Error(), fmt.Sprint(tt.broken)) {
					t.Errorf("the error %q does not name record %d", err, tt.broken)
				}
			})
		})
	}
}

// TestVerifyAnchors: a log cut short at its end, or rewritten and re-hashed from a record
// on, holds together as a chain; only an anchor recorded earlier shows it.
func TestVerifyAnchors(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db database) {
		ctx := context.Background()
		fill(t, db.store, 10)
		head, err := audit.Verify(ctx, db.store)
		if err != nil {
			t.Fatal(err)
		}
		// Rewrite record 7 and re-hash 7 to 10, as someone who knows the scheme would.
		recs, err := db.store.ListAudit(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		prev := recs[5].Hash
		for i := 6; i < len(recs); i++ {
			r := recs[i]
			if i == 6 {
				r.Detail = "改写"
			}
			r.PrevHash = prev
			r.Hash = tousu.ChainHash(prev, r)
			db.tamper(t, "UPDATE audit SET detail = "+db.placeholder(1)+", prev_hash = "+db.placeholder(2)+", hash = "+db.placeholder(3)+
				" WHERE id = "+db.placeholder(4), r.Detail, r.PrevHash, r.Hash, r.ID)
			prev = r.Hash
		}
		if _, err := audit.Verify(ctx, db.store); err != nil {
			t.Fatalf("a consistently rewritten chain: Verify = %v; without an anchor it holds", err)
		}
		var b *audit.Broken
		if _, err := audit.Verify(ctx, db.store, head); !errors.As(err, &b) || b.ID != head.ID {
			t.Errorf("Verify(anchor %s) after a rewrite = %v, want broken at %d", head, err, head.ID)
		}
		// Cut short: the anchor's record is gone.
		db.tamper(t, "DELETE FROM audit WHERE id > 8")
		if _, err := audit.Verify(ctx, db.store); err != nil {
			t.Fatalf("a log cut short: Verify = %v; without an anchor it holds", err)
		}
		if _, err := audit.Verify(ctx, db.store, head); !errors.As(err, &b) || b.ID != 10 || !strings.Contains(b.Reason, "cut short") {
			t.Errorf("Verify(anchor %s) after cutting the log = %v, want broken at 10, cut short", head, err)
		}
	})
}
