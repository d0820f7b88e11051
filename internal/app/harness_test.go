package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/pii"
	"tousu/internal/postgres"
	"tousu/internal/sqlite"
	"tousu/internal/storetest"
)

// forEachStore runs test on a fresh SQLite database, and again on a fresh PostgreSQL
// database when TOUSU_TEST_POSTGRES names a server.
func forEachStore(t *testing.T, test func(t *testing.T, db tousu.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "tousu.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		test(t, db)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.NewPostgresDatabase(t)
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		test(t, db)
	})
}

var cst = time.FixedZone("CST", 8*3600)

// now is the tests' fixed clock.
func now() time.Time { return time.Date(2026, 1, 30, 10, 0, 0, 0, cst) }

// seeded is a deterministic random source for keys.
func seeded(seed byte) *rand.ChaCha8 { return rand.NewChaCha8([32]byte{seed}) }

func newRing(t testing.TB, seed byte) *pii.KeyRing {
	t.Helper()
	k, err := pii.NewKeyRing(seeded(seed))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newApp returns the use cases over db with the base data and this organisation:
//
//	root ─┬─ dept-a ── win-a1   staff A001
//	      └─ dept-b ── win-b1   staff B001
func newApp(t testing.TB, db tousu.Store, opts app.Options) *app.App {
	t.Helper()
	opts.Store = db
	if opts.Now == nil {
		opts.Now = now
	}
	opts.Location = cst
	a, err := app.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.EnsureBase(ctx); err != nil {
		t.Fatal(err)
	}
	admin := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	for _, u := range []tousu.Unit{
		{Code: "dept-a", Name: "人社局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-a1", Name: "社保1号窗口", Parent: "dept-a", Kind: tousu.UnitWindow},
		{Code: "dept-b", Name: "医保局", Parent: "root", Kind: tousu.UnitDepartment},
		{Code: "win-b1", Name: "医保1号窗口", Parent: "dept-b", Kind: tousu.UnitWindow},
	} {
		if err := a.PutUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []tousu.Staff{
		{Badge: "A001", Name: "王窗口", Unit: "win-a1", Active: true},
		{Badge: "B001", Name: "赵窗口", Unit: "win-b1", Active: true},
	} {
		if err := a.PutStaff(ctx, admin, s); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// Actors of the tests.
var (
	clerk      = tousu.Actor{Login: "clerk", Name: "受理员", Roles: []tousu.Role{tousu.RoleClerk}}
	supervisor = tousu.Actor{Login: "supervisor", Name: "督查员", Roles: []tousu.Role{tousu.RoleSupervisor}}
	inspector  = tousu.Actor{Login: "inspector", Name: "纪检", Roles: []tousu.Role{tousu.RoleInspector}}
	leader     = tousu.Actor{Login: "leader", Name: "领导", Roles: []tousu.Role{tousu.RoleLeader}}
	admin      = tousu.Actor{Login: "admin", Name: "管理员", Roles: []tousu.Role{tousu.RoleAdmin}}
	cli        = tousu.Actor{Login: "cli", Name: "命令行", Roles: []tousu.Role{tousu.RoleAdmin}}
)

// idNumber makes a valid resident ID number (check digit right) from 17 digits.
func idNumber(first17 string) string {
	for _, c := range "0123456789X" {
		if s := first17 + string(c); tousu.ValidIDNumber(s) {
			return s
		}
	}
	panic("no check digit for " + first17)
}

// person is the identity of the i-th complainant of a test.
func person(i int) tousu.Complainant {
	return tousu.Complainant{
		Name:         fmt.Sprintf("测试人%c", '甲'+rune(i)),
		Phone:        fmt.Sprintf("139%08d", 10000000+i*7919),
		Email:        fmt.Sprintf("person%d@example.com", i),
		IDNumber:     idNumber(fmt.Sprintf("1101011990030%04d", 1000+i)),
		Organization: fmt.Sprintf("第%d建筑公司", i),
		Address:      fmt.Sprintf("幸福路%d号", i),
	}
}

// register registers a complaint about win-a1 from c and returns its number.
func register(t *testing.T, a *app.App, c tousu.Complainant, mod func(*tousu.Register)) string {
	t.Helper()
	in := tousu.Register{Kind: tousu.KindComplaint, Channel: tousu.ChannelVisit, Complainant: c,
		Target: tousu.Target{Unit: "win-a1"}, Matter: "窗口工作人员态度生硬，材料未一次性告知。"}
	if mod != nil {
		mod(&in)
	}
	v, err := a.Register(context.Background(), clerk, in, app.RegisterOptions{})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	return v.Number
}

// auditActions lists the actions of the audit log, oldest first.
func auditActions(t *testing.T, db tousu.Store) []tousu.AuditRecord {
	t.Helper()
	recs, err := db.ListAudit(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
