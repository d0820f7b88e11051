package app_test

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/bench"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
	"tousu/internal/workday"
)

// BenchmarkStats measures the figures of a year (GET /api/v1/stats through app.Stats) at
// every group_by, on a database of TOUSU_BENCH_STATS_SIZE generated complaints (default
// 100,000, over two years, with their replies, decisions and ratings), beside a trivial
// baseline in the same run: one setting read by its key through the same read pool.
// SQLite always; PostgreSQL too when TOUSU_TEST_POSTGRES names a server.
//
//	go test ./internal/app -run '^$' -bench BenchmarkStats -benchtime 200x
func BenchmarkStats(b *testing.B) {
	size := 100_000
	if s := os.Getenv("TOUSU_BENCH_STATS_SIZE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "tousu.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		benchStats(b, db, size)
	})
	if storetest.PostgresConfigured() {
		b.Run("postgres", func(b *testing.B) {
			db, err := postgres.Open(b.Context(), storetest.NewPostgresDatabase(b))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			benchStats(b, db, size)
		})
	}
}

func benchStats(b *testing.B, db tousu.Store, size int) {
	ctx := context.Background()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	keys, err := pii.NewKeyRing(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	cal, err := workday.Official()
	if err != nil {
		b.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	end := time.Date(2026, 12, 1, 12, 0, 0, 0, loc)
	a, err := app.New(app.Options{Store: db, Keys: keys, Now: func() time.Time { return end }, Location: loc})
	if err != nil {
		b.Fatal(err)
	}
	if err := a.EnsureBase(ctx); err != nil {
		b.Fatal(err)
	}
	o := bench.BuildOrg(size)
	if err := o.Put(ctx, db); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := bench.Generate(ctx, db, o, bench.Options{Size: size, Seed: 15, End: end, Keys: keys, Calendar: cal, Location: loc}); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d complaints in %s", size, time.Since(start).Round(time.Millisecond))
	leader := tousu.Actor{Login: "leader", Name: "领导", Roles: []tousu.Role{tousu.RoleLeader}}
	year := app.StatsQuery{From: tousu.MustDate("2025-12-01"), To: tousu.MustDate("2026-11-30")}
	if rep, err := a.Stats(ctx, leader, year); err != nil || rep.Total.Received == 0 {
		b.Fatalf("Stats = %+v, %v", rep, err)
	}
	b.Run("baseline", func(b *testing.B) {
		_ = db.PutSetting(ctx, "bench", "x")
		for b.Loop() {
			if _, err := db.GetSetting(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, g := range []string{"", "unit", "window", "staff", "category", "channel", "kind", "month", "week"} {
		name := g
		if name == "" {
			name = "total"
		}
		b.Run("year-"+name, func(b *testing.B) {
			q := year
			q.GroupBy = g
			for b.Loop() {
				if _, err := a.Stats(ctx, leader, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
