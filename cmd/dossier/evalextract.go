package main

import (
	"context"
	"fmt"

	"github.com/dossier-bot/dossier/corpus/extract"
)

// extract measures how well web pages' article text is extracted, on the
// article-extraction benchmark in e.extractDir.
func (e *evalCmd) extract(ctx context.Context) error {
	if len(e.rest) != 0 || e.fs.isSet("split") || e.fs.isSet("run") || e.fs.isSet("curve") || e.gatesSet() {
		return e.usage("--extract DIR takes no question file and none of the question or BEIR flags")
	}
	rep, err := extract.Bench(ctx, e.extractDir, extract.ArticleText)
	if err != nil {
		return fmt.Errorf("eval --extract %s: %w", e.extractDir, err)
	}
	if err := e.print(rep); err != nil {
		return fmt.Errorf("write eval report: %w", err)
	}
	return nil
}
