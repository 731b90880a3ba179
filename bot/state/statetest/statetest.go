// Package statetest gives tests a PostgreSQL database of their own on the
// server named by DOSSIER_TEST_DATABASE_URL, which .ci/run starts.
//
// Each call creates a fresh database with a random name and drops it when
// the test ends, so tests that use one can run in parallel. Without a
// reachable server the test is skipped with a message saying how to get
// one, unless CI=true: in CI a missing server is a failure, not a skip.
package statetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the URL of a PostgreSQL server on
// which the tests may create and drop databases.
const EnvURL = "DOSSIER_TEST_DATABASE_URL"

// setupTimeout bounds creating or dropping a test database.
const setupTimeout = 30 * time.Second

// Database creates a database for the test and returns its URL.
func Database(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(EnvURL)
	if admin == "" {
		unavailable(tb, EnvURL+" is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		unavailable(tb, fmt.Sprintf("cannot connect to %s: %v", EnvURL, err))
	}
	defer conn.Close(ctx)
	var buf [8]byte
	rand.Read(buf[:])
	name := "dossier_test_" + hex.EncodeToString(buf[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database %s: %v", name, err)
	}
	tb.Cleanup(func() { drop(tb, admin, name) })
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// drop removes the test's database, ending the sessions a test left
// behind (a leader killed mid-post keeps none, but a failed test may).
func drop(tb testing.TB, admin, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		tb.Errorf("drop test database %s: %v", name, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		tb.Errorf("drop test database %s: %v", name, err)
	}
}

// unavailable skips the test, or fails it in CI, where the server must be
// there.
func unavailable(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("no PostgreSQL for the tests: %s (.ci/run starts one)", why)
	}
	tb.Skipf("no PostgreSQL for the tests: %s; set %s to a server's URL, such as postgres://postgres@/postgres?host=/tmp/pg, or run .ci/run", why, EnvURL)
}

// Admin returns a connection to the test server itself, for what a test
// does behind the store's back (ending another session); closed when the
// test ends.
func Admin(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, os.Getenv(EnvURL))
	if err != nil {
		unavailable(tb, fmt.Sprintf("cannot connect to %s: %v", EnvURL, err))
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
