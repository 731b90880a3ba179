package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchFolder is a folder of n articles of about 3 KB each.
func benchFolder(b *testing.B, n int) *Folder {
	b.Helper()
	dir := b.TempDir()
	body := strings.Repeat(strings.TrimSpace(article)+" ", 12)
	for i := range n {
		text := fmt.Sprintf("---\ntitle: \"Report %d\"\nurl: https://example.org/report/%d\n---\nReport %d\n\n%s Number %d.\n", i, i, i, body, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%d.md", i)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return New(dir)
}

// BenchmarkLookupCold is the duplicate check of a process's first add
// (dossier add runs one each time): every file read and parsed.
func BenchmarkLookupCold(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n, " files"), func(b *testing.B) {
			f := benchFolder(b, n)
			b.ResetTimer()
			for b.Loop() {
				f.known = map[string]known{}
				if err := f.Lookup("https://example.org/new"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLookupWarm is the check of a later add in the same process
// (the bot): only the folder listed, nothing re-read.
func BenchmarkLookupWarm(b *testing.B) {
	f := benchFolder(b, 1000)
	if err := f.Lookup("https://example.org/new"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := f.Lookup("https://example.org/new"); err != nil {
			b.Fatal(err)
		}
	}
}
