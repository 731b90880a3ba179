package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that keeps its failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestCheckFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.golden")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, got string
		fail      bool
	}{
		{path, "one\ntwo\n", false},
		{path, "one\nthree\n", true},
		{path, "one\ntwo", true},
		{filepath.Join(t.TempDir(), "missing.golden"), "", true},
	}
	for _, tt := range tests {
		r := &recorder{TB: t}
		CheckFile(r, tt.path, tt.got)
		if r.failed != tt.fail {
			t.Errorf("CheckFile(%q, %q) failed = %v, want %v", tt.path, tt.got, r.failed, tt.fail)
		}
	}
}
