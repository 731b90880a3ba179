package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"

	"github.com/dossier-bot/dossier/index/eval"
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
in DATA/beir-NAME, where a later run finds it already built.

With --extract DIR, measures how web pages are turned into documents on the
article-extraction benchmark in DIR (html/ID.html.gz and ground-truth.json):
F1, precision and recall of word 4-grams against the article text people
marked, as the benchmark scores them, with pages per second and peak memory:
once for the article as extracted, once as Dossier keeps it after cleaning.`

// evalCmd is a parsed dossier eval: the flags every mode shares, and the
// rest by name. Each mode of eval (a question file, --beir) is a method
// that checks the flags it is given and runs; a new mode is a flag, a case
// in runEval's switch and a method.
type evalCmd struct {
	fs     *flagSet
	src    *sources
	rest   []string
	asJSON bool
	sio    stdio
	log    *slog.Logger

	k          int
	curve      bool
	gates      eval.Gates
	beirDir    string
	split      string
	runFile    string
	extractDir string
}

func runEval(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("eval", "dossier eval [--json] [--curve] [--min-FIGURE RATE...] [-k N] [--corpus DIR] [--data DIR] FILE.jsonl\n"+
		"  dossier eval --beir DIR [--split test|train] [--run FILE] [--json] [--data DIR]\n"+
		"  dossier eval --extract DIR [--json]", evalAbout)
	e := &evalCmd{fs: fs, src: sourceFlags(fs), sio: sio, gates: eval.NewGates()}
	fs.BoolVar(&e.asJSON, "json", false, "print the metrics as one JSON object")
	fs.IntVar(&e.k, "k", eval.DefaultK, fmt.Sprintf("look at the top `N` passages of each answer, %d to %d", eval.MinK, maxK))
	fs.BoolVar(&e.curve, "curve", false, "also print hit@1, hit@3 and declined over every decision threshold")
	for _, g := range e.gates {
		fs.Float64Var(&g.Min, g.Flag, 0, fmt.Sprintf("fail, after the report, when %s is below `RATE`, 0 to 1", g.Figure))
	}
	fs.StringVar(&e.beirDir, "beir", "", "measure ranking on the BEIR benchmark in `folder`")
	fs.StringVar(&e.split, "split", "test", "BEIR judgements to use: qrels/`SPLIT`.tsv")
	fs.StringVar(&e.runFile, "run", "", "with --beir, also write the ranking as a TREC run `file`")
	fs.StringVar(&e.extractDir, "extract", "", "measure web-page extraction on the article-extraction benchmark in `folder`")
	rest, cfg, helped, err := fs.start(args, loadEnv, sio.out)
	if err != nil || helped {
		return err
	}
	e.rest = rest
	e.src.resolve(fs, cfg)
	e.log = newLogger(sio.errOut, cfg)

	switch {
	case e.beirDir != "":
		return e.beir(ctx)
	case e.extractDir != "":
		return e.extract(ctx)
	default:
		return e.questions(ctx)
	}
}

// usage is a usage error of eval's.
func (e *evalCmd) usage(msg string) error { return &usageError{msg: msg, help: e.fs.usage()} }

// gatesSet reports whether any --min flag was given.
func (e *evalCmd) gatesSet() bool {
	return slices.ContainsFunc(e.gates, func(g *eval.Gate) bool { return e.fs.isSet(g.Flag) })
}

// print writes a report, as JSON with --json.
func (e *evalCmd) print(rep interface{ Text() string }) error {
	if e.asJSON {
		return writeJSON(e.sio.out, rep)
	}
	_, err := io.WriteString(e.sio.out, rep.Text())
	return err
}

// questions measures answers to a question file.
func (e *evalCmd) questions(ctx context.Context) error {
	fs := e.fs
	switch {
	case len(e.rest) != 1:
		return e.usage("eval needs one question file (or --beir DIR)")
	case e.k < eval.MinK || e.k > maxK:
		return e.usage(fmt.Sprintf("-k %d is out of range: use %d to %d", e.k, eval.MinK, maxK))
	case fs.isSet("split") || fs.isSet("run"):
		return e.usage("--split and --run go with --beir only")
	}
	if err := e.gates.Check(); err != nil {
		return e.usage(err.Error())
	}
	questions, err := eval.ReadQuestions(e.rest[0])
	if err != nil {
		return err
	}
	ix, err := answerIndex(ctx, e.src, e.sio.errOut, e.log)
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := eval.Answers(ctx, ix, questions, eval.Options{K: e.k, Curve: e.curve})
	if err != nil {
		return err
	}
	rep.File, rep.Corpus = filepath.Base(e.rest[0]), corpusName(e.src)
	if e.src.data != "" {
		rep.Corpus = "the index in " + indexDir(e.src.data)
	}
	if err := e.print(rep); err != nil {
		return fmt.Errorf("write eval report: %w", err)
	}
	// The report comes first, so that a failed CI run shows every figure.
	if err := e.gates.Hold(rep); err != nil {
		return fmt.Errorf("eval %s: %w", rep.File, err)
	}
	return nil
}

// writeJSON writes v as one line of JSON, leaving <, > and & as they are
// for people reading it.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
