package main

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dossier-bot/dossier/corpus/golden"
)

// The fixture lives beside the lexicon package's tests, which read the
// golden table it produces.
const (
	fixtureDir = "../testdata/wordnet"
	goldenFile = "../testdata/golden.tsv"
)

func TestBuildGolden(t *testing.T) {
	got, err := build(os.DirFS(fixtureDir), 3)
	if err != nil {
		t.Fatalf("build(%q) error: %v", fixtureDir, err)
	}
	golden.CheckFile(t, goldenFile, string(got))
	again, err := build(os.DirFS(fixtureDir), 3)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Errorf("build(%q) is not byte-identical on rerun", fixtureDir)
	}
}

func TestBuildMaxWords(t *testing.T) {
	got, err := build(os.DirFS(fixtureDir), 1)
	if err != nil {
		t.Fatalf("build(%q) error: %v", fixtureDir, err)
	}
	if bytes.Contains(got, []byte("give up")) {
		t.Errorf("build(%q, 1) kept the phrase %q", fixtureDir, "give up")
	}
}

// fixture returns the fixture as an fs.FS whose file name is replaced by
// edit's result, or removed when edit returns nil.
func fixture(tb testing.TB, name string, edit func(string) []byte) fs.FS {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		fsys[filepath.Base(p)] = &fstest.MapFile{Data: data}
	}
	if _, ok := fsys[name]; !ok {
		tb.Fatalf("fixture has no %q among %v", name, slices.Sorted(maps.Keys(fsys)))
	}
	if data := edit(string(fsys[name].Data)); data != nil {
		fsys[name] = &fstest.MapFile{Data: data}
	} else {
		delete(fsys, name)
	}
	return fsys
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name, file string
		edit       func(string) []byte
		want       string
	}{
		{"missing file", "verb.exc", func(string) []byte { return nil }, `read "verb.exc"`},
		{"shifted data line", "data.noun", func(s string) []byte {
			return []byte(strings.Replace(s, "a soft heavy", "a very soft heavy", 1))
		}, "line says it is at offset"},
		{"index points nowhere", "index.noun", func(s string) []byte {
			return []byte(strings.Replace(s, "mouse n 1 1 @ 1 0 ", "mouse n 1 1 @ 1 0 9", 1))
		}, `"mouse" sense 1: no synset`},
		{"bad pointer", "data.verb", func(s string) []byte {
			return []byte(strings.Replace(s, " n 0101 ", " q 0101 ", 1))
		}, "bad part of speech"},
		{"exception without base", "verb.exc", func(s string) []byte { return []byte(s + "gone\n") }, `form "gone" without a base`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(fixture(t, tt.file, tt.edit), 3)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		word string
		want bool
	}{
		{"lead", true},
		{"o'clock", true},
		{"well-being", true},
		{"give up", true},
		{"throw in the towel", false},
		{"atomic number 82", false},
		{"a.d.", false},
		{"café", false},
		{"", false},
		{"give  up", false},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := valid(tt.word, 3); got != tt.want {
				t.Errorf("valid(%q, 3) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}
