package ingest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var benchFiles = flag.Int("files", 20000, "how many files BenchmarkAddOne's corpus folder holds")

// smallFolder writes n small Markdown documents (about 1 KB each, each
// its own link and text) into a new folder.
func smallFolder(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	for i := range n {
		text := fmt.Sprintf("---\ntitle: \"Note %d\"\nurl: https://example.org/note/%d\n---\nNote %d\n\n%s%s Number %d.\n",
			i, i, i, strings.TrimSpace(article), strings.Repeat(" More about it.", 40), i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("note-%d.md", i)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkAddOne is dossier add of one new document to a folder of
// -files documents, as a process of its own: the folder opened afresh,
// the duplicate check made, the file written. Without a record, every
// file is read; with one (dossier add with a data folder), only the
// files changed since the last add.
func BenchmarkAddOne(b *testing.B) {
	dir := smallFolder(b, *benchFiles)
	rec := filepath.Join(b.TempDir(), "corpus-prints")
	for _, c := range []struct {
		name string
		opts []Option
	}{
		{"nothing kept", nil},
		{"record", []Option{Record(rec)}},
	} {
		i := 0 // counts on over the calls of b.Run's function
		b.Run(fmt.Sprint(*benchFiles, " files, ", c.name), func(b *testing.B) {
			if err := New(dir, c.opts...).Lookup("https://example.org/new"); err != nil {
				b.Fatal(err) // the record, where there is one, written before timing
			}
			for b.Loop() {
				i++
				src := Source{Name: "new.md", Data: []byte(fmt.Sprintf("# Added %s %d\n\nReport %d of the %s run covers shipping in detail. %s", c.name, i, i, c.name, article))}
				if _, err := New(dir, c.opts...).Add(src, "bench", time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
