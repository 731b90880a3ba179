package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// Ranking settings: general retrieval choices, each chosen on SciFact's
// train split or by judgement as docs/RETRIEVAL.md records, none on the
// questions Dossier is checked against.
const (
	candidatesPerResult = 10  // Bleve candidates re-ranked per wanted result
	minCandidates       = 50  //
	headingBoost        = 0.5 // a section heading describes all its passages
	maxResults          = 50
	closestDocs         = 3
)

// Ask answers question with at most k passages, best first: as Results
// when the best passage clears the decision rule, as Related when it does
// not but comes near, and with the Closest documents when nothing does.
// The question is plain text: no character in it is query syntax.
func (ix *Index) Ask(ctx context.Context, question string, k int) (Answer, error) {
	return ix.ask(ctx, question, k, false)
}

// AskAll is Ask, except that a question nothing comes close to still
// lists its closest passages in Related (its Kind is then Related too).
// It is for measuring the decision rule over every threshold.
func (ix *Index) AskAll(ctx context.Context, question string, k int) (Answer, error) {
	return ix.ask(ctx, question, k, true)
}

func (ix *Index) ask(ctx context.Context, question string, k int, all bool) (Answer, error) {
	start := time.Now()
	text := cleanQuestion(question)
	ans := Answer{Question: text}
	if text == "" {
		return ans, ErrEmptyQuestion
	}
	k = max(1, min(k, maxResults))

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r, err := ix.reader()
	if err != nil {
		return ans, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	cands, q, err := ix.candidates(ctx, r, text, max(minCandidates, k*candidatesPerResult), false)
	if err != nil {
		return ans, err
	}
	defer ix.release(q)
	model := fitted()
	shown := ix.shortlist(cands, q, k)
	confs := make([]float64, len(shown))
	pool := cands[:min(len(cands), rerankDepth)]
	for i, c := range shown {
		confs[i] = model.confidence(features(c, q, pool))
	}
	if len(confs) > 0 {
		ans.Confidence = confs[0]
	}
	switch {
	case ans.Confidence >= answerAt:
		// Further passages are answers only if they clear the rule too.
		ans.Answered = true
		for i, c := range shown {
			if confs[i] >= answerAt {
				ans.Results = append(ans.Results, ix.result(c, q))
			}
		}
	case ans.Confidence >= nearAt || all:
		for _, c := range shown {
			ans.Related = append(ans.Related, ix.result(c, q))
		}
	}
	if !ans.Answered {
		ans.Closest = ix.closest(cands)
	}
	ans.Took = time.Since(start)
	return ans, nil
}

// shortlist re-ranks cands and returns the best k, skipping passages that
// repeat a better one.
func (ix *Index) shortlist(cands []*candidate, q question, k int) []*candidate {
	rerank(ix.analyzer, cands, q, ix.stats())
	var shown []*candidate
	var kept dedupe
	for _, c := range cands {
		if len(shown) == k || !c.loaded() || c.text == "" {
			break
		}
		if !kept.repeats(c.text) {
			shown = append(shown, c)
		}
	}
	return shown
}

// Rank returns up to n documents ranked by their best passage, without
// excerpts or a relevance floor: the form retrieval benchmarks need.
func (ix *Index) Rank(ctx context.Context, question string, n int) ([]DocScore, error) {
	text := cleanQuestion(question)
	if text == "" {
		return nil, ErrEmptyQuestion
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	// Documents have several passages; ask for enough to fill n documents.
	cands, q, err := ix.candidates(ctx, r, text, 2*n, true)
	if err != nil {
		return nil, err
	}
	defer ix.release(q)
	st := ix.stats()
	rerank(ix.analyzer, cands, q, st)
	// Every indexed passage is one Bleve document; summing the registry's
	// counts instead was a twentieth of ranking's time.
	passages, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("rank %q: %w", text, err)
	}
	st.avgDocLen = st.avgLen * float64(passages) / float64(max(1, len(ix.registry)))
	docs, err := ix.rankDocs(r, cands, q, st)
	if err != nil {
		return nil, err
	}
	out := make([]DocScore, 0, min(n, len(docs)))
	for _, d := range docs[:min(n, len(docs))] {
		out = append(out, DocScore{DocID: d.doc, Score: d.score})
	}
	return out, nil
}

func (ix *Index) stats() stats {
	return stats{
		avgLen: ix.avgLen, title: func(doc string) string { return ix.registry[doc].Doc.Title },
		titles: map[string][]ptoken{},
	}
}

// result turns a ranked candidate into a cited result.
func (ix *Index) result(c *candidate, q question) Result {
	doc := ix.registry[c.doc].Doc
	ex := excerpt(c, q)
	return Result{
		Doc: doc,
		Passage: corpus.Passage{
			ID: c.id, DocID: c.doc, Ordinal: c.ord, Heading: c.heading,
			Text: c.text, Start: c.start, End: c.end, Page: c.page, LastPage: c.lastPage,
		},
		Score:      c.score,
		Excerpt:    ex.text,
		Highlights: ex.highlights,
		Link:       doc.LinkAt(c.page, ex.quote),
	}
}

// closest names the documents of the best candidates, for a question the
// corpus cannot answer.
func (ix *Index) closest(cands []*candidate) []corpus.Document {
	var out []corpus.Document
	for _, c := range cands {
		if len(out) == closestDocs {
			break
		}
		if !slices.ContainsFunc(out, func(d corpus.Document) bool { return d.ID == c.doc }) {
			if r, ok := ix.registry[c.doc]; ok {
				out = append(out, r.Doc)
			}
		}
	}
	return out
}

// dedupe remembers the passages shown so far, so that one repeating a
// better one nearly word for word, as a wire story republished by several
// outlets does, is shown once.
type dedupe []map[string]bool

func (d *dedupe) repeats(text string) bool {
	s := shingleSet(text)
	for _, o := range *d {
		if jaccard(s, o) >= 0.5 {
			return true
		}
	}
	*d = append(*d, s)
	return false
}

func shingleSet(text string) map[string]bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	s := make(map[string]bool, len(words))
	for i := 0; i+3 <= len(words); i++ {
		s[strings.Join(words[i:i+3], " ")] = true
	}
	return s
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for k := range a {
		if b[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
