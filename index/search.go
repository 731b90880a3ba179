package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

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
	cands, q, err := ix.candidates(ctx, text, max(minCandidates, k*candidatesPerResult), false)
	if err != nil {
		return ans, err
	}
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
		if len(shown) == k || c.text == "" {
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
	// Documents have several passages; ask for enough to fill n documents.
	cands, q, err := ix.candidates(ctx, text, 2*n, true)
	if err != nil {
		return nil, err
	}
	st := ix.stats()
	rerank(ix.analyzer, cands, q, st)
	passages := 0
	for _, r := range ix.registry {
		passages += r.Passages
	}
	st.avgDocLen = st.avgLen * float64(passages) / float64(max(1, len(ix.registry)))
	docs, err := ix.rankDocs(cands, q, st)
	if err != nil {
		return nil, err
	}
	out := make([]DocScore, 0, min(n, len(docs)))
	for _, d := range docs[:min(n, len(docs))] {
		out = append(out, DocScore{DocID: d.doc, Score: d.score})
	}
	return out, nil
}

// candidate is a passage Bleve found, with what re-ranking learns of it.
type candidate struct {
	id, doc, heading, text string
	ord, start, end, page  int
	lastPage               int
	loaded                 bool // stored fields read
	bm25                   float64
	toks                   []token
	matches                [][]int // per concept: indexes into toks
	headMatches            [][]int // the same for the heading's tokens
	titleMatches           [][]int // and for its document's title
	coverage, prox, score  float64
	sentence               sentenceChoice
}

func (ix *Index) stats() stats {
	return stats{
		avgLen: ix.avgLen, title: func(doc string) string { return ix.registry[doc].Doc.Title },
		titles: map[string][]token{},
	}
}

// orPostings bounds the postings the disjunction of a question's rarer
// concepts may walk, and orHits the passages it adds: its best few are
// what the conjunctions miss, and each costs re-ranking.
const (
	orPostings = 5000
	orHits     = 20
)

// maxFallbackConcepts bounds how many of the rarest concepts are tried
// alone when the conjunctions find too few passages.
const maxFallbackConcepts = 5

// rerankDepth bounds how many candidates are loaded and re-ranked; the
// rest keep Bleve's order below them.
const rerankDepth = 100

// candidates runs the question through Bleve and loads the stored text of
// the best rerankDepth hits; further hits (up to size) carry ids only.
func (ix *Index) candidates(ctx context.Context, text string, size int, exhaustive bool) ([]*candidate, question, error) {
	if ix.bi == nil {
		return nil, question{}, fmt.Errorf("search: index is closed")
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, question{}, fmt.Errorf("search: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, question{}, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		return nil, question{}, fmt.Errorf("search: %w", err)
	}
	d := newReaderDict(r, fieldText)
	q := parseQuestion(ix.analyzer, ix.synonyms, ix.lexicon, d, int(total), text)
	if *d.err != nil {
		return nil, q, fmt.Errorf("search %q: %w", text, *d.err)
	}
	if len(q.concepts) == 0 {
		return nil, q, nil
	}
	cands, ok, err := ix.rankOR(ctx, r, q, size, exhaustive)
	if err != nil {
		return nil, q, fmt.Errorf("search %q: %w", text, err)
	}
	if !ok {
		hits, err := ix.search(ctx, q, size, exhaustive)
		if err != nil {
			return nil, q, fmt.Errorf("search %q: %w", text, err)
		}
		cands = make([]*candidate, 0, len(hits))
		for _, h := range hits {
			c := &candidate{id: h.ID, bm25: h.Score}
			c.doc, _, _ = strings.Cut(h.ID, "#")
			cands = append(cands, c)
		}
	}
	for _, c := range cands[:min(len(cands), rerankDepth)] {
		if c.loaded {
			continue
		}
		if err := ix.load(c); err != nil {
			return nil, q, err
		}
	}
	return cands, q, nil
}

// load fills in a candidate's stored fields. A numeric field that cannot
// be read is an error, not 0: offsets build the link to the quote.
func (ix *Index) load(c *candidate) error {
	d, err := ix.bi.Document(c.id)
	if err != nil {
		return fmt.Errorf("load passage %q: %w", c.id, err)
	}
	if d == nil {
		return fmt.Errorf("load passage %q: not found", c.id)
	}
	var ferr error
	d.VisitFields(func(f index.Field) {
		ferr = cmp.Or(ferr, c.set(f.Name(), f.Value(), func() (int, error) { return number(f) }))
	})
	c.loaded = true
	return ferr
}

// set fills in one of c's stored fields from its value, or, for a number,
// num.
func (c *candidate) set(name string, value []byte, num func() (int, error)) error {
	switch name {
	case fieldText:
		c.text = string(value)
	case fieldHeading:
		c.heading = string(value)
	case fieldDoc:
		c.doc = string(value)
	case fieldOrd, fieldStart, fieldEnd, fieldPage, fieldLast:
		n, err := num()
		if err != nil {
			return fmt.Errorf("load passage %q: field %q: %w", c.id, name, err)
		}
		switch name {
		case fieldOrd:
			c.ord = n
		case fieldStart:
			c.start = n
		case fieldEnd:
			c.end = n
		case fieldPage:
			c.page = n
		case fieldLast:
			c.lastPage = n
		}
	}
	return nil
}

// number reads a stored numeric field as an int.
func number(f index.Field) (int, error) {
	nf, ok := f.(index.NumericField)
	if !ok {
		return 0, fmt.Errorf("not a number (%T)", f)
	}
	n, err := nf.Number()
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// search finds up to size passages for q. An exhaustive search ORs every
// concept, as ranking benchmarks expect. Otherwise passages holding all
// the question's concepts are sought first, then, while too few are found,
// those holding all but the most common ones, and last those holding one
// of the next rarest few: a conjunction walks the postings of its rarest term,
// so a question of common words does not score a hundred thousand
// passages.
func (ix *Index) search(ctx context.Context, q question, size int, exhaustive bool) ([]*search.DocumentMatch, error) {
	if exhaustive {
		res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(buildQuery(q), size, 0, false))
		if err != nil {
			return nil, err
		}
		return res.Hits, nil
	}
	// Concepts the index holds as written (or as a synonym), rarest
	// first; a concept seen only through a guessed spelling is never
	// required.
	var order []int
	for i, c := range q.concepts {
		if c.held {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(q.concepts[b].weight, q.concepts[a].weight) })
	enough := max(10, size/5)
	var hits []*search.DocumentMatch
	seen := map[string]bool{}
	collect := func(qq query.Query, n int) error {
		res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(qq, n, 0, false))
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if !seen[h.ID] {
				seen[h.ID] = true
				hits = append(hits, h)
			}
		}
		return nil
	}
	// pass requires the concepts order[from:to] and lets the rest add to
	// the score. The lexicon's paraphrases are left to the disjunction
	// below: a concept widened by them is a long list of passages to walk,
	// and requiring it fills the passes with loose matches before the
	// passage lacking one word is found.
	pass := func(from, to int) error {
		bq := bleve.NewBooleanQuery()
		for i, c := range q.concepts {
			if k := slices.Index(order, i); k >= from && k < to {
				bq.AddMust(conceptQuery(c))
			} else {
				bq.AddShould(conceptQuery(c))
			}
		}
		return collect(bq, size)
	}
	for need := len(order); need >= 1 && len(hits) < enough; need-- {
		if err := pass(0, need); err != nil {
			return nil, err
		}
	}
	// A rare word that the answer lacks was required all along: require
	// each of the next rarest alone instead.
	// A concept in a good share of the passages narrows nothing and costs
	// a walk through all of them.
	for k := 1; k < min(len(order), maxFallbackConcepts) && len(hits) < enough; k++ {
		if q.concepts[order[k]].postings() > orPostings {
			break
		}
		if err := pass(k, k+1); err != nil {
			return nil, err
		}
	}
	// The passage that answers may hold only a few of the question's
	// words, and not the rarest together, or say them another way: any
	// passage holding one of the rarer concepts, or a paraphrase of one,
	// is a candidate too, up to a budget of postings so a question of
	// common words stays cheap on a large index.
	if rare := rareQuery(q); rare != nil {
		if err := collect(rare, min(size, orHits)); err != nil {
			return nil, err
		}
	}
	if len(order) == 0 {
		// Only guessed spellings: any passage holding one.
		if err := collect(buildQuery(q), size); err != nil {
			return nil, err
		}
	}
	return hits, nil
}

// rareQuery ORs the rarest of q's concepts and their paraphrases whose
// passages fit in orPostings, nil when fewer than two concepts do.
func rareQuery(q question) query.Query {
	idx := make([]int, len(q.concepts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpFloat(q.concepts[b].weight, q.concepts[a].weight) })
	budget := orPostings
	var concepts []query.Query
	for _, i := range idx {
		var alts []query.Query
		for _, a := range q.concepts[i].alts {
			if a.from == fromGuess || a.df == 0 || a.df > budget {
				continue
			}
			budget -= a.df
			alts = append(alts, altQuery(a, fieldText, a.credit), altQuery(a, fieldHeading, a.credit*headingBoost))
		}
		if len(alts) > 0 {
			concepts = append(concepts, bleve.NewDisjunctionQuery(alts...))
		}
	}
	if len(concepts) < 2 {
		return nil
	}
	return bleve.NewDisjunctionQuery(concepts...)
}

// buildQuery ORs the concepts; each concept ORs its alternatives over the
// passage text, its heading and its document's title.
func buildQuery(q question) query.Query {
	var concepts []query.Query
	for _, c := range q.concepts {
		concepts = append(concepts, conceptQuery(c))
	}
	return bleve.NewDisjunctionQuery(concepts...)
}

// conceptQuery ORs a concept's alternatives over the passage text and its
// heading, leaving out the lexicon's words: they are many and mostly
// common, so they would multiply the postings walked (ranking SciFact 40%
// slower for 0.001 of train nDCG@10), and re-ranking credits them in the
// passages found. Titles are not indexed: re-ranking counts them from the
// registry, which found as many answers on SciFact's train split and
// indexes 60% faster than analysing the title again for every passage.
func conceptQuery(c concept) query.Query {
	{
		var alts []query.Query
		for _, a := range c.alts {
			if a.from == fromLexicon {
				continue
			}
			// A synonym or guessed spelling should not outrank the word as
			// typed.
			boost := a.credit
			for _, f := range []struct {
				name  string
				boost float64
			}{{fieldText, 1}, {fieldHeading, headingBoost}} {
				alts = append(alts, altQuery(a, f.name, boost*f.boost))
			}
		}
		return bleve.NewDisjunctionQuery(alts...)
	}
}

func altQuery(a alternative, field string, boost float64) query.Query {
	if len(a.terms) == 1 {
		tq := bleve.NewTermQuery(a.terms[0])
		tq.SetField(field)
		tq.SetBoost(boost)
		return tq
	}
	// MatchPhrase re-analyses the phrase so removed stop words keep their
	// positions ("Islamic Republic of Iran").
	pq := bleve.NewMatchPhraseQuery(a.phrase)
	pq.SetField(field)
	pq.SetBoost(boost)
	return pq
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
