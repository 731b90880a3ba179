package corpus

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus/golden"
)

// TestCleanGolden parses every article of testdata and of the built-in
// corpus and compares the cleaned text and passages with golden files.
// The synthetic articles in testdata use other furniture wording than the
// built-in ones, so the rules cannot be tailored to the latter.
func TestCleanGolden(t *testing.T) {
	t.Parallel()
	inputs := map[string][]byte{} // golden file → raw article
	local, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range local {
		if ext := filepath.Ext(p); ext == ".txt" || ext == ".md" {
			inputs[strings.TrimSuffix(p, ext)+".golden"] = mustRead(t, os.DirFS("."), p)
		}
	}
	builtin, err := fs.Glob(Builtin(), "*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range builtin {
		inputs[filepath.Join("testdata", "builtin-"+strings.TrimSuffix(p, ".md")+".golden")] = mustRead(t, Builtin(), p)
	}
	if len(inputs) < 7 {
		t.Fatalf("found %d articles, want the built-in and synthetic ones", len(inputs))
	}
	for file, raw := range inputs {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			d, err := Parse(filepath.Base(file), raw)
			if err != nil {
				t.Fatalf("Parse(%s) error: %v", file, err)
			}
			checkPassages(t, d)
			golden.CheckFile(t, file, render(d))
		})
	}
}

// render shows a document's metadata, cleaned text and passages.
func render(d Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\nurl: %s\npublisher: %s\npublished: %s\nauthor: %s\n", d.Title, d.URL, d.Publisher, d.Published, d.Author)
	fmt.Fprintf(&b, "--- text\n%s\n", d.Text)
	for _, p := range d.Passages {
		fmt.Fprintf(&b, "--- passage %s heading %q words %d\n%s\n", p.ID, p.Heading, wordCount(p.Text), p.Text)
	}
	return b.String()
}

func mustRead(tb testing.TB, fsys fs.FS, name string) []byte {
	tb.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	return b
}
