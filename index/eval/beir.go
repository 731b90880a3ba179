package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// rankDepth is how many documents each benchmark query retrieves, as in
// BEIR's protocol.
const rankDepth = 1000

// BEIR is a BEIR benchmark folder read in full: its judgements of one
// split, the queries they judge, and its corpus as Dossier documents.
type BEIR struct {
	Name, Split string
	Corpus      *corpus.Corpus
	// Skipped are the documents corpus.Parse refused, by BEIR id.
	Skipped []corpus.FileError
	queries []beirQuery
	qrels   map[string]judgements
	// ids maps document ids back to BEIR ids.
	ids map[string]string
}

// BEIRReport is what a benchmark run measured.
type BEIRReport struct {
	Benchmark string `json:"benchmark"`
	Split     string `json:"split"`
	Documents int    `json:"documents"`
	Skipped   int    `json:"skipped_documents"`
	RankingScores
	QueriesPerSecond float64 `json:"queries_per_second"`
}

// Rankings are the documents ranked for each query, by BEIR query id, in
// trec order under BEIR document ids.
type Rankings map[string][]index.DocScore

// LoadBEIR reads the benchmark in dir with the judgements of split
// (qrels/SPLIT.tsv).
func LoadBEIR(dir, split string) (*BEIR, error) {
	b := &BEIR{Name: filepath.Base(filepath.Clean(dir)), Split: split}
	var err error
	if b.qrels, err = readQrels(filepath.Join(dir, "qrels", split+".tsv")); err != nil {
		return nil, err
	}
	if b.queries, err = readQueries(filepath.Join(dir, "queries.jsonl"), b.qrels); err != nil {
		return nil, err
	}
	if b.Corpus, b.ids, b.Skipped, err = ReadBEIRCorpus(filepath.Join(dir, "corpus.jsonl")); err != nil {
		return nil, err
	}
	return b, nil
}

// Report scores rankings against the judgements; took is the time spent
// ranking, for queries per second.
func (b *BEIR) Report(rankings Rankings, took time.Duration) BEIRReport {
	rep := BEIRReport{
		Benchmark:     b.Name,
		Split:         b.Split,
		Documents:     len(b.Corpus.Documents),
		Skipped:       len(b.Skipped),
		RankingScores: scoreRankings(rankings, b.qrels),
	}
	if took > 0 {
		rep.QueriesPerSecond = float64(len(b.queries)) / took.Seconds()
	}
	return rep
}

// Text is the report for people.
func (r BEIRReport) Text() string {
	return fmt.Sprintf("%s, %s split: %d judged queries over %d documents\n"+
		"  nDCG@10      %.4f\n  Recall@100   %.4f\n  Recall@1000  %.4f\n  queries/s    %.1f (ranking only, one query at a time)\n",
		r.Benchmark, r.Split, r.Queries, r.Documents, r.NDCG10, r.Recall100, r.Recall1000, r.QueriesPerSecond)
}

// readQrels reads BEIR judgements: "query-id corpus-id score" lines after
// a header.
func readQrels(name string) (map[string]judgements, error) {
	qrels := map[string]judgements{}
	err := eachLine(name, func(n int, line []byte) error {
		f := strings.Fields(string(line))
		if n == 1 && len(f) > 0 && f[0] == "query-id" {
			return nil
		}
		if len(f) != 3 {
			return fmt.Errorf("want 3 fields (query-id corpus-id score), got %d", len(f))
		}
		grade, err := strconv.Atoi(f[2])
		if err != nil {
			return fmt.Errorf("score %q is not a whole number", f[2])
		}
		if qrels[f[0]] == nil {
			qrels[f[0]] = judgements{}
		}
		qrels[f[0]][f[1]] = grade
		return nil
	})
	if err == nil && len(qrels) == 0 {
		err = fmt.Errorf("%s judges no queries", name)
	}
	return qrels, err
}

// beirQuery is one line of queries.jsonl.
type beirQuery struct {
	ID   string `json:"_id"`
	Text string `json:"text"`
}

// readQueries reads the judged queries, in file order.
func readQueries(name string, qrels map[string]judgements) ([]beirQuery, error) {
	var qs []beirQuery
	seen := map[string]bool{}
	err := eachLine(name, func(_ int, line []byte) error {
		var q beirQuery
		if err := json.Unmarshal(line, &q); err != nil {
			return fmt.Errorf("not a query object: %w", err)
		}
		if qrels[q.ID] != nil && !seen[q.ID] {
			seen[q.ID] = true
			qs = append(qs, q)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for qid := range qrels {
		if !seen[qid] {
			return nil, fmt.Errorf("the judgements name query %q, which %s does not have", qid, name)
		}
	}
	return qs, nil
}

// beirDoc is one line of corpus.jsonl.
type beirDoc struct {
	ID    string `json:"_id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// ReadBEIRCorpus turns every benchmark document into a corpus document,
// parsed as a file with the title in its front matter would be. ids maps
// document ids back to BEIR ids; skipped are the documents Parse refused,
// by BEIR id.
func ReadBEIRCorpus(name string) (c *corpus.Corpus, ids map[string]string, skipped []corpus.FileError, err error) {
	c = &corpus.Corpus{}
	ids = map[string]string{}
	err = eachLine(name, func(_ int, line []byte) error {
		var d beirDoc
		if err := json.Unmarshal(line, &d); err != nil {
			return fmt.Errorf("not a document object: %w", err)
		}
		if d.ID == "" {
			return errors.New(`document without "_id"`)
		}
		title := d.Title
		if strings.TrimSpace(title) == "" {
			// Without a title the first line of the text would become
			// it, and a one-paragraph document would have no text left.
			title = d.ID
		}
		raw := "---\ntitle: " + strconv.Quote(title) + "\n---\n" + d.Text + "\n"
		doc, err := corpus.Parse(d.ID+".txt", []byte(raw))
		if err != nil {
			skipped = append(skipped, corpus.FileError{Path: d.ID, Err: err})
			return nil
		}
		if other, dup := ids[doc.ID]; dup {
			return fmt.Errorf("_id %q and _id %q both become document id %q", other, d.ID, doc.ID)
		}
		ids[doc.ID] = d.ID
		c.Documents = append(c.Documents, doc)
		return nil
	})
	if err == nil && len(c.Documents) == 0 {
		err = fmt.Errorf("%s has no documents with text", name)
	}
	return c, ids, skipped, err
}

// Rank ranks the documents of ix, which holds the benchmark's corpus, for
// every query, in trec order under BEIR ids, and returns the time spent
// ranking. progress, if not nil, is told how many queries are done.
func (b *BEIR) Rank(ctx context.Context, ix *index.Index, progress func(done, total int)) (Rankings, time.Duration, error) {
	queries, ids := b.queries, b.ids
	rankings := make(Rankings, len(queries))
	var took time.Duration
	for i, q := range queries {
		start := time.Now()
		ranked, err := ix.Rank(ctx, q.Text, rankDepth)
		took += time.Since(start)
		if err != nil {
			return nil, 0, fmt.Errorf("rank query %s: %w", q.ID, err)
		}
		for j := range ranked {
			id, ok := ids[ranked[j].DocID]
			if !ok {
				return nil, 0, fmt.Errorf("rank query %s: document %q is not in the benchmark", q.ID, ranked[j].DocID)
			}
			ranked[j].DocID = id
		}
		trecOrder(ranked)
		rankings[q.ID] = ranked
		if progress != nil {
			progress(i+1, len(queries))
		}
	}
	return rankings, took, nil
}

// WriteRun writes rankings as a TREC run file: "qid Q0 docid rank score
// dossier". Scores are written exactly, so trec_eval breaks ties as here.
func (b *BEIR) WriteRun(name string, rankings Rankings) error {
	queries := b.queries
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("create run file: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, q := range queries {
		for i, d := range rankings[q.ID] {
			fmt.Fprintf(w, "%s Q0 %s %d %s dossier\n", q.ID, d.DocID, i+1, strconv.FormatFloat(d.Score, 'g', -1, 64))
		}
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write run file %q: %w", name, err)
	}
	return nil
}
