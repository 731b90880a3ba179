package index

import (
	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/dossier-bot/dossier/corpus"
)

// lengthSample bounds how many passages the mean length is estimated from.
const lengthSample = 2000

// lengthSampler estimates the mean tokens per passage, with its heading
// and title, as re-ranking's BM25 counts them. Analysing every passage a
// second time would slow indexing for a figure an even sample gives
// within a percent; the stream's length is not known in advance, so the
// sample thins itself: when it fills it keeps every other passage and
// takes every other one from then on.
type lengthSampler struct {
	a    analysis.Analyzer
	step int // take every step-th passage
	i    int // passages seen
	lens []int
}

func (s *lengthSampler) add(d *corpus.Document) {
	title := -1
	for _, p := range d.Passages {
		if s.i%s.step == 0 {
			if title < 0 {
				title = len(s.a.Analyze([]byte(d.Title)))
			}
			s.lens = append(s.lens, title+len(s.a.Analyze([]byte(p.Text)))+len(s.a.Analyze([]byte(p.Heading))))
			if len(s.lens) == 2*lengthSample {
				for j := range lengthSample {
					s.lens[j] = s.lens[2*j]
				}
				s.lens = s.lens[:lengthSample]
				s.step *= 2
			}
		}
		s.i++
	}
}

func (s *lengthSampler) mean() float64 {
	if len(s.lens) == 0 {
		return 1
	}
	total := 0
	for _, n := range s.lens {
		total += n
	}
	return float64(total) / float64(len(s.lens))
}
