// Command gen writes the lexicon table from a WordNet 3.0 database. It is
// run by go generate in the lexicon package; see the package doc there.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "`directory` of the WordNet 3.0 database (data.noun, index.noun, noun.exc, ...)")
	out := flag.String("o", "wordnet.tsv", "`file` to write the table to")
	maxWords := flag.Int("maxwords", 3, "longest phrase to keep, in words")
	flag.Parse()
	if err := run(*dir, *out, *maxWords); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, out string, maxWords int) error {
	table, err := build(os.DirFS(dir), maxWords)
	if err != nil {
		return fmt.Errorf("build from %q: %w", dir, err)
	}
	if err := os.WriteFile(out, table, 0o644); err != nil {
		return fmt.Errorf("write %q: %w", out, err)
	}
	return nil
}
