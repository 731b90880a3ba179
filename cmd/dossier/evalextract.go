package main

import (
	"context"
	"fmt"

	"github.com/dossier-bot/dossier/corpus/extract"
)

// extractReport is what eval --extract measures: the article text as
// extracted, which the benchmark's figures are of, and as Dossier keeps it
// after cleaning, which passages are quoted from.
type extractReport struct {
	Extracted extract.BenchReport `json:"extracted"`
	Indexed   extract.BenchReport `json:"indexed"`
}

func (r extractReport) Text() string {
	return r.Extracted.Text() + "\n" + r.Indexed.Text()
}

// extract measures how well web pages' article text is extracted, on the
// article-extraction benchmark in e.extractDir.
func (e *evalCmd) extract(ctx context.Context) error {
	if len(e.rest) != 0 || e.fs.isSet("split") || e.fs.isSet("run") || e.fs.isSet("curve") || e.gatesSet() {
		return e.usage("--extract DIR takes no question file and none of the question or BEIR flags")
	}
	var rep extractReport
	for _, m := range []struct {
		rep  *extract.BenchReport
		what string
		text func(string, []byte) (string, error)
	}{
		{&rep.Extracted, "the extracted article", extract.ArticleText},
		{&rep.Indexed, "the article as indexed (after cleaning)", extract.IndexedText},
	} {
		r, err := extract.Bench(ctx, e.extractDir, m.text)
		if err != nil {
			return fmt.Errorf("eval --extract %s: %w", e.extractDir, err)
		}
		r.Measured = m.what
		*m.rep = r
	}
	if err := e.print(rep); err != nil {
		return fmt.Errorf("write eval report: %w", err)
	}
	return nil
}
