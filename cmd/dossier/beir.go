package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
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

// beirRun measures ranking on a BEIR benchmark folder.
type beirRun struct {
	dir, split, runFile string
	data                string // "": index in memory
	json                bool
}

// beirReport is what a benchmark run measured.
type beirReport struct {
	Benchmark string `json:"benchmark"`
	Split     string `json:"split"`
	Documents int    `json:"documents"`
	Skipped   int    `json:"skipped_documents"`
	rankingScores
	QueriesPerSecond float64 `json:"queries_per_second"`
}

func (b beirRun) run(ctx context.Context, sio stdio, log *slog.Logger) error {
	name := filepath.Base(filepath.Clean(b.dir))
	qrels, err := readQrels(filepath.Join(b.dir, "qrels", b.split+".tsv"))
	if err != nil {
		return err
	}
	queries, err := readQueries(filepath.Join(b.dir, "queries.jsonl"), qrels)
	if err != nil {
		return err
	}
	c, ids, skipped, err := readBEIRCorpus(filepath.Join(b.dir, "corpus.jsonl"))
	if err != nil {
		return err
	}
	if len(skipped) > 0 {
		fmt.Fprintf(sio.errOut, "dossier: warning: skipped %d documents, the first being _id %v\n", len(skipped), &skipped[0])
	}

	ix, err := b.openIndex(name)
	if err != nil {
		return err
	}
	defer ix.Close()
	bar := newProgress(sio.errOut, "indexing")
	ch, err := ix.Sync(ctx, c, bar.update)
	bar.finish()
	if err != nil {
		return fmt.Errorf("index %s: %w", b.dir, err)
	}
	log.Info("indexed benchmark", "documents", len(c.Documents), "passages", ch.Total, "took", ch.Took)

	rankings, took, err := rankAll(ctx, ix, queries, ids, sio.errOut)
	if err != nil {
		return err
	}
	if b.runFile != "" {
		if err := writeRun(b.runFile, queries, rankings); err != nil {
			return err
		}
	}
	rep := beirReport{
		Benchmark:     name,
		Split:         b.split,
		Documents:     len(c.Documents),
		Skipped:       len(skipped),
		rankingScores: scoreRankings(rankings, qrels),
	}
	if took > 0 {
		rep.QueriesPerSecond = float64(len(queries)) / took.Seconds()
	}
	if b.json {
		return writeJSON(sio.out, rep)
	}
	_, err = fmt.Fprintf(sio.out, "%s, %s split: %d judged queries over %d documents\n"+
		"  nDCG@10      %.4f\n  Recall@100   %.4f\n  Recall@1000  %.4f\n  queries/s    %.1f (ranking only, one query at a time)\n",
		rep.Benchmark, rep.Split, rep.Queries, rep.Documents, rep.NDCG10, rep.Recall100, rep.Recall1000, rep.QueriesPerSecond)
	return err
}

// openIndex returns an in-memory index, or the benchmark's own on-disk
// index in the data folder, apart from the corpus index so that a
// benchmark never replaces a team's documents.
func (b beirRun) openIndex(name string) (*index.Index, error) {
	if b.data == "" {
		ix, err := index.NewMemory()
		if err != nil {
			return nil, fmt.Errorf("create in-memory index: %w", err)
		}
		return ix, nil
	}
	return openDisk(filepath.Join(b.data, "beir-"+name))
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

// readBEIRCorpus turns every benchmark document into a corpus document,
// parsed as a file with the title in its front matter would be. ids maps
// document ids back to BEIR ids; skipped are the documents Parse refused,
// by BEIR id.
func readBEIRCorpus(name string) (c *corpus.Corpus, ids map[string]string, skipped []corpus.FileError, err error) {
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

// rankAll ranks the documents for every query, in trec order under BEIR
// ids, and returns the time spent ranking.
func rankAll(ctx context.Context, ix *index.Index, queries []beirQuery, ids map[string]string, stderr io.Writer) (map[string][]index.DocScore, time.Duration, error) {
	rankings := make(map[string][]index.DocScore, len(queries))
	var took time.Duration
	bar := newProgress(stderr, "ranking")
	defer bar.finish()
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
		bar.update(i+1, len(queries))
	}
	return rankings, took, nil
}

// writeRun writes rankings as a TREC run file: "qid Q0 docid rank score
// dossier". Scores are written exactly, so trec_eval breaks ties as here.
func writeRun(name string, queries []beirQuery, rankings map[string][]index.DocScore) error {
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
