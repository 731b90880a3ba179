package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/index"
)

const indexAbout = `Builds the on-disk index of the corpus in DATA/index, or brings an existing
one up to date: new documents are added, changed ones re-indexed and
deleted ones removed. Prints what changed. Run it again whenever the corpus
changes; "dossier ask --data DATA" then answers from it without re-indexing.

The data folder remembers its corpus (in DATA/CORPUS), and indexing
another corpus into it is refused unless --force is given: a forgotten
--corpus would otherwise replace a team's documents with the built-in ones.

The data folder has no default, so that an index never lands somewhere
ask would not look: give --data or set DOSSIER_DATA.`

func runIndex(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("index", "dossier index [--corpus DIR] [--data DIR] [--force]", indexAbout)
	src := sourceFlags(fs)
	force := fs.Bool("force", false, "index the corpus even if the data folder holds another corpus's index, replacing it")
	rest, cfg, helped, err := fs.start(args, loadEnv, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("index takes no arguments, got %q", rest[0]), help: fs.usage()}
	}
	src.resolve(fs, cfg)
	if src.data == "" {
		return &usageError{msg: "index needs a data folder: give --data DIR or set DOSSIER_DATA", help: fs.usage()}
	}
	if err := checkData(src); err != nil {
		return err
	}
	f, err := openCorpus(src)
	if err != nil {
		return err
	}
	ix, err := openDisk(indexDir(src.data))
	if err != nil {
		return err
	}
	if err := claimCorpus(src, ix, *force); err != nil {
		ix.Close()
		return err
	}
	ch, err := syncFolder(ctx, ix, f, src, sio.errOut)
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close index %q: %w", indexDir(src.data), cerr)
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", corpusName(src), err)
	}
	_, err = io.WriteString(sio.out, describeChanges(ch, corpusName(src), indexDir(src.data)))
	return err
}

// corpusName names the corpus for people.
func corpusName(src *sources) string {
	if src.corpus == "" {
		return "the built-in corpus"
	}
	return src.corpus
}

// maxListed is how many documents of each kind of change are named; the
// first index of a large corpus would otherwise list all of it.
const maxListed = 20

// describeChanges tells what a sync did, naming the documents.
func describeChanges(ch index.Changes, from, into string) string {
	var b strings.Builder
	took := ch.Took.Round(time.Millisecond)
	if len(ch.Added)+len(ch.Changed)+len(ch.Removed) == 0 {
		fmt.Fprintf(&b, "No changes: %s is up to date with %s (%d documents, %d passages; checked in %s).\n",
			into, from, ch.Unchanged, ch.Total, took)
		return b.String()
	}
	fmt.Fprintf(&b, "Indexed %s into %s in %s:\n", from, into, took)
	for _, group := range []struct {
		what string
		ids  []string
	}{{"added", ch.Added}, {"changed", ch.Changed}, {"removed", ch.Removed}} {
		fmt.Fprintf(&b, "  %-9s %d\n", group.what, len(group.ids))
		for i, id := range group.ids {
			if i == maxListed {
				fmt.Fprintf(&b, "    … and %d more\n", len(group.ids)-maxListed)
				break
			}
			fmt.Fprintf(&b, "    %s\n", id)
		}
	}
	fmt.Fprintf(&b, "  %-9s %d\n", "unchanged", ch.Unchanged)
	fmt.Fprintf(&b, "  %-9s %d indexed, %d in the index\n", "passages", ch.Passages, ch.Total)
	return b.String()
}
