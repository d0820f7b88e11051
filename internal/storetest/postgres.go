package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresVar names the environment variable that points the tests at a PostgreSQL
// server: the URL of a database to connect to (usually "postgres") as a role that may
// create databases. Tests create a throwaway database per test there and drop it after.
const PostgresVar = "TOUSU_TEST_POSTGRES"

// PostgresHowTo says how to run the tests that need PostgreSQL.
const PostgresHowTo = "set " + PostgresVar + " to run them, e.g. " +
	PostgresVar + "=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable go test ./..."

// PostgresConfigured reports whether PostgresVar names a server.
func PostgresConfigured() bool { return os.Getenv(PostgresVar) != "" }

// SkipWithoutPostgres skips the test, saying how to run it, unless PostgresVar is set.
// CI sets it, so there the PostgreSQL tests run and fail when the server does not answer.
func SkipWithoutPostgres(t testing.TB) {
	t.Helper()
	if !PostgresConfigured() {
		t.Skip("SKIPPED: PostgreSQL tests need a server; " + PostgresHowTo)
	}
}

// throwawayPrefix starts the name of every database the tests create, so that one left
// behind by a killed test run is easy to find and drop.
const throwawayPrefix = "tousu_test_"

// NewPostgresDatabase creates an empty database on the server PostgresVar names and
// returns its URL; the database is dropped (with any connection still open to it) when
// the test ends. It skips the test unless PostgresVar is set.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	SkipWithoutPostgres(t)
	admin := os.Getenv(PostgresVar)
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %q", PostgresVar, redact(admin))
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := throwawayPrefix + hex.EncodeToString(b)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connecting to %s (%s): %v", PostgresVar, redact(admin), err)
	}
	defer conn.Close(ctx)
	// The name is ours (prefix and hex digits): safe to put into the statement.
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("CREATE DATABASE %s: %v", name, err)
	}
	t.Cleanup(func() { dropPostgresDatabase(t, admin, name) })

	u.Path = "/" + name
	return u.String()
}

// dropPostgresDatabase drops a throwaway database, closing any connection a failed test
// left open to it.
func dropPostgresDatabase(t testing.TB, admin, name string) {
	t.Helper()
	// The test's own context is cancelled by now.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Errorf("dropping database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		t.Errorf("DROP DATABASE %s: %v", name, err)
	}
}

// redact hides the password of a URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(an unparsable URL)"
	}
	return u.Redacted()
}
