package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/dossier-bot/dossier/index"
	"github.com/dossier-bot/dossier/index/eval"
)

// beir measures ranking on the BEIR benchmark folder of --beir.
func (e *evalCmd) beir(ctx context.Context) error {
	switch {
	case len(e.rest) > 0:
		return e.usage("eval takes either a question file or --beir, not both")
	case e.fs.isSet("corpus"):
		return e.usage("--corpus does not go with --beir: the benchmark brings its own corpus")
	case e.fs.isSet("k"):
		return e.usage("-k does not go with --beir: ranking always looks at the top 1000")
	case e.curve || e.gatesSet():
		return e.usage("--curve and the --min flags go with a question file, not --beir")
	}
	b, err := eval.LoadBEIR(e.beirDir, e.split)
	if err != nil {
		return err
	}
	if len(b.Skipped) > 0 {
		fmt.Fprintf(e.sio.errOut, "dossier: warning: skipped %d documents, the first being _id %v\n", len(b.Skipped), &b.Skipped[0])
	}

	ix, err := e.beirIndex(b.Name)
	if err != nil {
		return err
	}
	defer ix.Close()
	bar := newProgress(e.sio.errOut, "indexing")
	ch, err := ix.Sync(ctx, b.Corpus, bar.update)
	bar.finish()
	if err != nil {
		return fmt.Errorf("index %s: %w", e.beirDir, err)
	}
	e.log.Info("indexed benchmark", "documents", len(b.Corpus.Documents), "passages", ch.Total, "took", ch.Took)

	bar = newProgress(e.sio.errOut, "ranking")
	rankings, took, err := b.Rank(ctx, ix, bar.update)
	bar.finish()
	if err != nil {
		return err
	}
	if e.runFile != "" {
		if err := b.WriteRun(e.runFile, rankings); err != nil {
			return err
		}
	}
	return e.print(b.Report(rankings, took))
}

// beirIndex returns an in-memory index, or the benchmark's own on-disk
// index in the data folder, apart from the corpus index so that a
// benchmark never replaces a team's documents.
func (e *evalCmd) beirIndex(name string) (*index.Index, error) {
	if e.src.data == "" {
		ix, err := index.NewMemory()
		if err != nil {
			return nil, fmt.Errorf("create in-memory index: %w", err)
		}
		return ix, nil
	}
	return openDisk(filepath.Join(e.src.data, "beir-"+name))
}
