package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dossier-bot/dossier/index"
)

const (
	evalDefaultK = 10
	// evalMinK keeps hit@3 meaningful.
	evalMinK = 3
)

const evalAbout = `Measures how well the corpus answers a question file: one JSON object a
line, {"id","q","expect":[...]} for a question whose answer passage must
contain one of the expected strings, or {"id","q","expect_none":true} for one
the corpus should not answer. Strings match case-insensitively, with curly
quotes read as straight ones and runs of spaces as one.

A reply is of one of three kinds: answered (passages answer directly),
related (no passage answers, the closest are shown) or none (nothing comes
near). Prints hit@1 and hit@3 (answered, and an expected string is in the
first, or the first three, passages), any-kind hit@3 (in the first three
passages shown, answered or related), excerpt@1 (in the first excerpt of a
direct answer), MRR over the top k of direct answers, the share of
expect_none questions declined (not answered directly), how many replies of
each kind each sort of question got, the median answer time, and every miss
with the kind of reply it got.

With --curve, also prints the trade-off over the decision threshold: for
each threshold t, direct hit@1 and hit@3 if questions were answered at
Confidence >= t, against the share of expect_none questions declined, with
the row of the threshold in force marked. The --min flags make eval fail,
after printing its report, when a figure is below its minimum: for CI.

With --beir DIR, measures ranking on a BEIR benchmark folder instead
(corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv) as trec_eval -c does:
nDCG@10, Recall@100 and Recall@1000 over the judged queries of the split,
and queries per second. The benchmark is indexed in memory, or with --data
in DATA/beir-NAME, where a later run finds it already built.`

func runEval(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("eval", "dossier eval [--json] [--curve] [--min-FIGURE RATE...] [-k N] [--corpus DIR] [--data DIR] FILE.jsonl\n"+
		"  dossier eval --beir DIR [--split test|train] [--run FILE] [--json] [--data DIR]", evalAbout)
	src := sourceFlags(fs)
	asJSON := fs.Bool("json", false, "print the metrics as one JSON object")
	k := fs.Int("k", evalDefaultK, fmt.Sprintf("look at the top `N` passages of each answer, %d to %d", evalMinK, maxK))
	curve := fs.Bool("curve", false, "also print hit@1, hit@3 and declined over every decision threshold")
	gates := gateFlags(fs)
	beirDir := fs.String("beir", "", "measure ranking on the BEIR benchmark in `folder`")
	split := fs.String("split", "test", "BEIR judgements to use: qrels/`SPLIT`.tsv")
	runFile := fs.String("run", "", "with --beir, also write the ranking as a TREC run `file`")
	rest, cfg, helped, err := fs.start(args, loadEnv, sio.out)
	if err != nil || helped {
		return err
	}
	src.resolve(fs, cfg)
	log := newLogger(sio.errOut, cfg)

	if *beirDir != "" {
		switch {
		case len(rest) > 0:
			return &usageError{msg: "eval takes either a question file or --beir, not both", help: fs.usage()}
		case fs.isSet("corpus"):
			return &usageError{msg: "--corpus does not go with --beir: the benchmark brings its own corpus", help: fs.usage()}
		case fs.isSet("k"):
			return &usageError{msg: "-k does not go with --beir: ranking always looks at the top 1000", help: fs.usage()}
		case *curve || gates.anySet(fs):
			return &usageError{msg: "--curve and the --min flags go with a question file, not --beir", help: fs.usage()}
		}
		b := beirRun{dir: *beirDir, split: *split, runFile: *runFile, data: src.data, json: *asJSON}
		return b.run(ctx, sio, log)
	}
	switch {
	case len(rest) != 1:
		return &usageError{msg: "eval needs one question file (or --beir DIR)", help: fs.usage()}
	case *k < evalMinK || *k > maxK:
		return &usageError{msg: fmt.Sprintf("-k %d is out of range: use %d to %d", *k, evalMinK, maxK), help: fs.usage()}
	case fs.isSet("split") || fs.isSet("run"):
		return &usageError{msg: "--split and --run go with --beir only", help: fs.usage()}
	}
	if err := gates.check(); err != nil {
		return &usageError{msg: err.Error(), help: fs.usage()}
	}
	questions, err := readEvalFile(rest[0])
	if err != nil {
		return err
	}
	ix, err := answerIndex(ctx, src, sio.errOut, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := evaluate(ctx, ix, questions, *k, *curve)
	if err != nil {
		return err
	}
	rep.File, rep.Corpus = filepath.Base(rest[0]), corpusName(src)
	if src.data != "" {
		rep.Corpus = "the index in " + indexDir(src.data)
	}
	if *asJSON {
		err = writeJSON(sio.out, rep)
	} else {
		_, err = io.WriteString(sio.out, rep.text())
	}
	if err != nil {
		return fmt.Errorf("write eval report: %w", err)
	}
	// The report comes first, so that a failed CI run shows every figure.
	if err := gates.hold(rep); err != nil {
		return fmt.Errorf("eval %s: %w", rep.File, err)
	}
	return nil
}

// evalQuestion is one line of a question file.
type evalQuestion struct {
	ID         string   `json:"id"`
	Q          string   `json:"q"`
	Expect     []string `json:"expect"`
	ExpectNone bool     `json:"expect_none"`
}

// readEvalFile reads a question file, naming the line of any mistake.
func readEvalFile(name string) ([]evalQuestion, error) {
	var qs []evalQuestion
	ids := map[string]int{} // line of each id
	err := eachLine(name, func(n int, line []byte) error {
		q, err := parseEvalLine(line)
		if err != nil {
			return err
		}
		if ids[q.ID] > 0 {
			return fmt.Errorf("id %q was already used on line %d", q.ID, ids[q.ID])
		}
		ids[q.ID] = n
		qs = append(qs, q)
		return nil
	})
	if err == nil && len(qs) == 0 {
		err = fmt.Errorf("%s has no questions", name)
	}
	return qs, err
}

// eachLine calls fn with every non-blank line of the file and its number;
// an error names the file and the line.
func eachLine(name string, fn func(n int, line []byte) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err // names the operation and the file already
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(n, line); ferr != nil {
				return fmt.Errorf("%s:%d: %w", name, n, ferr)
			}
		}
		if err != nil {
			return nil
		}
	}
}

// writeJSON writes v as one line of JSON, leaving <, > and & as they are
// for people reading it.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func parseEvalLine(raw []byte) (evalQuestion, error) {
	var q evalQuestion
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return q, fmt.Errorf("not a question object: %w", err)
	}
	if dec.More() {
		return q, errors.New("more than one JSON value on the line")
	}
	switch {
	case q.ID == "":
		return q, errors.New(`no "id"`)
	case strings.TrimSpace(q.Q) == "":
		return q, errors.New(`no question in "q"`)
	case q.ExpectNone && len(q.Expect) > 0:
		return q, errors.New(`"expect" and "expect_none" contradict each other`)
	case !q.ExpectNone && len(q.Expect) == 0:
		return q, errors.New(`needs "expect" strings or "expect_none": true`)
	case slices.ContainsFunc(q.Expect, func(s string) bool { return normalize(s) == "" }):
		return q, errors.New(`an "expect" string is empty`)
	}
	return q, nil
}

// foldQuotes reads typographic quotes and apostrophes as straight ones.
var foldQuotes = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'",
	"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`, "\u2033", `"`,
)

// normalize is text as eval compares it: lower case, straight quotes,
// single spaces.
func normalize(s string) string {
	return strings.Join(strings.Fields(foldQuotes.Replace(strings.ToLower(s))), " ")
}

// containsAny reports whether text contains one of the normalized wants.
func containsAny(text string, wants []string) bool {
	text = normalize(text)
	return slices.ContainsFunc(wants, func(w string) bool { return strings.Contains(text, w) })
}

// evalRecord is what eval keeps of one question's reply: enough to score
// it at the threshold in force and, with --curve, at any other.
type evalRecord struct {
	expectNone bool
	kind       index.Kind // of Ask's reply
	// foundAt is the rank of the first passage with an expected string
	// among those Ask showed, direct or related; 0 when none has one.
	foundAt int
	// excerptHit: the first direct answer's excerpt has an expected string.
	excerptHit bool
	confidence float64
	// rankedAt is foundAt over AskAll's ranked top k, which a question
	// nothing came near has too: the curve needs it at every threshold.
	// It is foundAt for any other.
	rankedAt int
}

// evaluate asks every question and scores the answers; with curve, it
// also ranks passages for those nothing came near, through AskAll, for
// the trade-off table.
func evaluate(ctx context.Context, ix *index.Index, qs []evalQuestion, k int, curve bool) (*evalReport, error) {
	rep := &evalReport{K: k, Questions: len(qs), Misses: []evalMiss{}}
	recs := make([]evalRecord, 0, len(qs))
	took := make([]float64, 0, len(qs))
	for _, q := range qs {
		a, err := ix.Ask(ctx, q.Q, k)
		if err != nil {
			return nil, fmt.Errorf("ask question %s: %w", q.ID, err)
		}
		took = append(took, float64(a.Took.Nanoseconds())/1e6)
		wants := make([]string, len(q.Expect))
		for i, w := range q.Expect {
			wants[i] = normalize(w)
		}
		shown := slices.Concat(a.Results, a.Related)
		rec := evalRecord{
			expectNone: q.ExpectNone,
			kind:       a.Kind(),
			foundAt:    foundAt(shown, wants),
			excerptHit: len(a.Results) > 0 && containsAny(a.Results[0].Excerpt, wants),
			confidence: a.Confidence,
		}
		rec.rankedAt = rec.foundAt
		// AskAll differs from Ask only for a question nothing comes near,
		// which Ask gives no passages: asking only those again keeps
		// --curve nearly as fast as eval without it.
		if curve && rec.kind == index.NothingClose {
			all, err := ix.AskAll(ctx, q.Q, k)
			if err != nil {
				return nil, fmt.Errorf("ask all for question %s: %w", q.ID, err)
			}
			rec.confidence = all.Confidence
			rec.rankedAt = foundAt(slices.Concat(all.Results, all.Related), wants)
		}
		recs = append(recs, rec)
		if m, missed := miss(q, rec, shown); missed {
			rep.Misses = append(rep.Misses, m)
		}
	}
	rep.score(recs)
	rep.MedianMS = median(took)
	if curve {
		t := index.AnswerThreshold
		rep.InForce = &t
		rep.Curve = tradeoff(recs, t)
	}
	return rep, nil
}

// foundAt is the rank of the first of rs whose passage has one of the
// normalized wants, 0 when none has.
func foundAt(rs []index.Result, wants []string) int {
	for i, r := range rs {
		if containsAny(r.Passage.Text, wants) {
			return i + 1
		}
	}
	return 0
}

// miss describes q's reply when it was not a direct answer with an
// expected string first, or was an answer to an expect_none question.
func miss(q evalQuestion, rec evalRecord, shown []index.Result) (evalMiss, bool) {
	m := evalMiss{ID: q.ID, Question: q.Q, ExpectNone: q.ExpectNone, Kind: rec.kind.String(), FoundAt: rec.foundAt}
	if len(shown) > 0 {
		m.First = shown[0].Doc.Citation() + ": " + shown[0].Excerpt
	}
	if q.ExpectNone {
		m.Want = "no answer"
		return m, rec.kind == index.Answered
	}
	m.Want = "one of " + quoteAll(q.Expect)
	return m, rec.kind != index.Answered || rec.foundAt != 1
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// median of xs, which it sorts; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[mid]
	}
	return (xs[mid-1] + xs[mid]) / 2
}
