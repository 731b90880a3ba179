package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// A data folder's index is of one corpus, which the folder records in
// DATA/CORPUS: the corpus folder's absolute path, or "built-in". Without
// the record, dossier index --data DIR with no --corpus re-indexed the
// built-in corpus into a folder built from a team's documents, removing
// every one of theirs; now a command that would sync another corpus into
// the folder refuses, unless dossier index is given --force.

// corpusRecord is the record's file name in the data folder.
const corpusRecord = "CORPUS"

const builtinRecord = "built-in"

// corpusIdentity is how the record names the corpus of src.
func corpusIdentity(src *sources) (string, error) {
	if src.corpus == "" {
		return builtinRecord, nil
	}
	abs, err := filepath.Abs(src.corpus)
	if err != nil {
		return "", fmt.Errorf("corpus folder %q: %w", src.corpus, err)
	}
	return abs, nil
}

// recordedCorpus reads the data folder's record, "" when there is none.
func recordedCorpus(data string) (string, error) {
	b, err := os.ReadFile(filepath.Join(data, corpusRecord))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the corpus of data folder %q: %w", data, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// wrongCorpusError is a sync refused because the data folder holds
// another corpus's index.
type wrongCorpusError struct {
	data, recorded, given string
}

func (e *wrongCorpusError) Error() string {
	name := func(id string) string {
		if id == builtinRecord {
			return "the built-in corpus"
		}
		return fmt.Sprintf("corpus folder %q", id)
	}
	how := "give --corpus " + e.recorded + " (or set " + envPrefix + "_CORPUS)"
	if e.recorded == builtinRecord {
		how = "leave --corpus and " + envPrefix + "_CORPUS unset"
	}
	return fmt.Sprintf("the data folder %s holds the index of %s, not of %s: %s, or replace its index with dossier index --data %s --force",
		e.data, name(e.recorded), name(e.given), how, e.data)
}

// claimCorpus checks that the index in the data folder is of src's corpus
// before it is synced with it, and records the corpus. force lets another
// corpus replace the recorded one. A folder from before the record is
// taken to be of the corpus given, unless that is the built-in corpus and
// its index holds documents the built-in corpus does not have.
func claimCorpus(src *sources, ix *index.Index, force bool) error {
	given, err := corpusIdentity(src)
	if err != nil {
		return err
	}
	recorded, err := recordedCorpus(src.data)
	if err != nil {
		return err
	}
	switch {
	case recorded == given:
		return nil
	case force:
	case recorded != "":
		return &wrongCorpusError{data: src.data, recorded: recorded, given: given}
	case given == builtinRecord:
		if path, ok := notBuiltin(ix); ok {
			return fmt.Errorf("the index in %s holds documents that are not in the built-in corpus (such as %s): give --corpus the folder it was built from, or replace it with dossier index --data %s --force",
				indexDir(src.data), path, src.data)
		}
	}
	return writeRecord(src.data, given)
}

// checkCorpus is claimCorpus for a command that syncs no index but keeps
// other state of the corpus (the digest's document registry): it refuses
// a corpus other than the one recorded, and records nothing.
func checkCorpus(src *sources) error {
	given, err := corpusIdentity(src)
	if err != nil {
		return err
	}
	recorded, err := recordedCorpus(src.data)
	if err != nil || recorded == "" || recorded == given {
		return err
	}
	return &wrongCorpusError{data: src.data, recorded: recorded, given: given}
}

// notBuiltin returns the path of an indexed document the built-in corpus
// lacks, if there is one.
func notBuiltin(ix *index.Index) (string, bool) {
	builtin := map[string]bool{}
	fs.WalkDir(corpus.Builtin(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			builtin[p] = true
		}
		return nil
	})
	for _, d := range ix.Documents() {
		if !builtin[d.Path] {
			return d.Path, true
		}
	}
	return "", false
}

// writeRecord records the data folder's corpus, replacing the file
// whole so that a crash leaves the old record or the new.
func writeRecord(data, id string) error {
	tmp := filepath.Join(data, corpusRecord+".tmp")
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o644); err != nil {
		return fmt.Errorf("record the corpus of data folder %q: %w", data, err)
	}
	if err := os.Rename(tmp, filepath.Join(data, corpusRecord)); err != nil {
		return fmt.Errorf("record the corpus of data folder %q: %w", data, err)
	}
	return nil
}
