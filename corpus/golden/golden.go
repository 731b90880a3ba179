// Package golden compares what a test produced with a golden file in the
// test's testdata folder, and rewrites the file instead when the test runs
// with -update: one helper for every package's golden tests.
//
// It lives under corpus, the package every other one may depend on, so
// that tests anywhere can import it without reversing the dependencies.
package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the -update flag of every test binary that imports golden;
// a flag must be registered before the test binary parses its flags, so
// it is made here, once, rather than by each test.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Updating reports whether the test binary runs with -update, for a test
// that writes a golden file of its own making.
func Updating() bool { return *update }

// Check compares got with testdata/NAME.golden, or rewrites the file with
// -update.
func Check(tb testing.TB, name, got string) {
	tb.Helper()
	CheckFile(tb, filepath.Join("testdata", name+".golden"), got)
}

// CheckFile compares got with the golden file at path, or rewrites it
// with -update.
func CheckFile(tb testing.TB, path, got string) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatalf("update golden file: %v", err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatalf("update golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		tb.Errorf("%s differs (-want +got):\n%s\nIf the change is right, run the test with -update", path, diff)
	}
}

// JSON compares v, as indented JSON with <, > and & left readable, with
// testdata/NAME.golden, or rewrites the file with -update.
func JSON(tb testing.TB, name string, v any) {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		tb.Fatalf("golden %s: marshal: %v", name, err)
	}
	Check(tb, name, buf.String())
}
