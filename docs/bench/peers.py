#!/usr/bin/env python3
"""Measure the engines a Dossier user would pick instead, on a BEIR folder.

For each run and engine: build an on-disk index of the corpus (timed,
reading the JSON excluded, as Dossier's bench excludes it), then rank the
top 1,000 documents for each judged query of the split, one query at a
time on one thread (timed: query parsing and ranking only), and score
nDCG@10, Recall@100 and Recall@1000 as `trec_eval -c` does and as
`dossier eval --beir` does (index/eval/ranking.go): every query in the
judgements counts, one without results scores 0, ties in score are broken
by document id in reverse byte order, gain is the grade itself.

Engines:
  xapian  Xapian 1.4 through Debian's python3-xapian: BM25Weight with its
          defaults, English stemmer (STEM_SOME), title and text indexed
          as one text, the query parsed with QueryParser (OR, stemmed).
  fts5    SQLite FTS5 through Python's sqlite3: one column of title and
          text, tokenize='porter unicode61', every query word quoted and
          OR-ed as it comes, ranked by bm25().

Standard library and xapian only. docs/bench/compare.sh runs Dossier and
these engines in turn and prints the table with `--table FILE`, adding
Dossier's row and the ratio of Dossier's median to each engine's.
"""

import argparse
import json
import math
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time

DEPTH = 1000  # documents ranked for each query, as in BEIR's protocol


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_qrels(path):
    """query id -> {document id: grade}, from "query-id corpus-id score" lines."""
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fields = line.split()
            if not fields or (n == 1 and fields[0] == "query-id"):
                continue
            if len(fields) != 3:
                sys.exit(f"{path}:{n}: want query-id corpus-id score")
            qrels.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    return qrels


def read_beir(folder, split):
    qrels = read_qrels(os.path.join(folder, "qrels", split + ".tsv"))
    queries, seen = [], set()
    for q in read_jsonl(os.path.join(folder, "queries.jsonl")):
        # Only judged queries, in file order, as dossier eval --beir reads them.
        if q["_id"] in qrels and q["_id"] not in seen:
            seen.add(q["_id"])
            queries.append((q["_id"], q["text"]))
    missing = set(qrels) - seen
    if missing:
        sys.exit(f"the judgements name {len(missing)} queries that queries.jsonl lacks")
    docs = [(d["_id"], d.get("title") or "", d.get("text") or "")
            for d in read_jsonl(os.path.join(folder, "corpus.jsonl"))]
    return docs, queries, qrels


# --- scoring, after trec_eval -c and index/eval/ranking.go -------------

def trec_order(ranked):
    """Sort (doc id, score) pairs by score, then doc id, both descending."""
    return sorted(ranked, key=lambda p: (p[1], p[0]), reverse=True)


def ndcg_at(ranked, rel, k):
    dcg = sum(rel.get(d, 0) / math.log2(i + 2)
              for i, d in enumerate(ranked[:k]) if rel.get(d, 0) > 0)
    grades = sorted((g for g in rel.values() if g > 0), reverse=True)
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(grades[:k]))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked, rel, k):
    relevant = sum(1 for g in rel.values() if g > 0)
    if not relevant:
        return 0.0
    return sum(1 for d in ranked[:k] if rel.get(d, 0) > 0) / relevant


def score(rankings, qrels):
    n = len(qrels)
    sums = [0.0, 0.0, 0.0]
    for qid in sorted(qrels):
        ranked = [d for d, _ in rankings.get(qid, [])]
        rel = qrels[qid]
        sums[0] += ndcg_at(ranked, rel, 10)
        sums[1] += recall_at(ranked, rel, 100)
        sums[2] += recall_at(ranked, rel, 1000)
    return {"ndcg10": sums[0] / n, "recall100": sums[1] / n, "recall1000": sums[2] / n}


# --- engines ---------------------------------------------------------------

class Xapian:
    name = "Xapian"

    def __init__(self, work):
        import xapian  # Debian's python3-xapian; imported here so fts5 runs without it
        self.x = xapian
        self.path = os.path.join(work, "xapian")

    def build(self, docs):
        x = self.x
        db = x.WritableDatabase(self.path, x.DB_CREATE_OR_OVERWRITE)
        tg = x.TermGenerator()
        tg.set_stemmer(x.Stem("english"))
        self.ids = []
        for did, title, text in docs:
            doc = x.Document()
            tg.set_document(doc)
            tg.index_text(title)
            tg.increase_termpos()
            tg.index_text(text)
            db.add_document(doc)  # document numbers run 1, 2, ... in a new database
            self.ids.append(did)
        db.commit()
        db.close()

    def open(self):
        x = self.x
        self.db = x.Database(self.path)
        self.qp = x.QueryParser()
        self.qp.set_stemmer(x.Stem("english"))
        self.qp.set_stemming_strategy(x.QueryParser.STEM_SOME)
        self.qp.set_database(self.db)
        self.qp.set_default_op(x.Query.OP_OR)
        self.enq = x.Enquire(self.db)
        self.enq.set_weighting_scheme(x.BM25Weight())

    def rank(self, text):
        # No operators: a claim's "AND", quotes or hyphens are words here.
        self.enq.set_query(self.qp.parse_query(text, 0))
        return [(self.ids[m.docid - 1], m.weight) for m in self.enq.get_mset(0, DEPTH)]

    def close(self):
        self.db.close()


class FTS5:
    name = "SQLite FTS5"
    # unicode61's tokens: runs of letters and digits (underscore separates).
    word = re.compile(r"[^\W_]+")

    def __init__(self, work):
        self.path = os.path.join(work, "fts5.db")

    def build(self, docs):
        con = sqlite3.connect(self.path)
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize='porter unicode61')")
        with con:
            con.executemany("INSERT INTO docs(id, body) VALUES (?, ?)",
                            ((did, title + "\n" + text) for did, title, text in docs))
        con.close()

    def open(self):
        self.con = sqlite3.connect(self.path)

    def rank(self, text):
        # Repeated words stay repeated, each adding its bm25() share, as
        # in a query typed word for word (issue 16's 0.682 is measured so;
        # once each gives 0.6874 on SciFact test).
        words = [w.lower() for w in self.word.findall(text)]
        if not words:
            return []
        match = " OR ".join('"' + w + '"' for w in words)
        rows = self.con.execute(
            "SELECT id, rank FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (match, DEPTH))
        return [(did, -r) for did, r in rows]  # bm25() is lower for better matches

    def close(self):
        self.con.close()


ENGINES = {"xapian": Xapian, "fts5": FTS5}


def measure(engine_cls, docs, queries, qrels):
    """One run: a fresh build, then every query ranked one at a time."""
    work = tempfile.mkdtemp(prefix="dossier-peer-")
    try:
        eng = engine_cls(work)
        start = time.perf_counter()
        eng.build(docs)
        build = time.perf_counter() - start
        eng.open()
        rankings, took = {}, 0.0
        for qid, text in queries:
            start = time.perf_counter()
            ranked = eng.rank(text)
            took += time.perf_counter() - start
            rankings[qid] = trec_order(ranked)
        eng.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rec = {"engine": engine_cls.name, "build_s": build,
           "qps": len(queries) / took if took else 0.0}
    rec.update(score(rankings, qrels))
    return rec


# --- the table ---------------------------------------------------------------

def spread(vals):
    return min(vals), statistics.median(vals), max(vals)


def merge(records):
    """Joins the partial records of one engine's run: compare.sh writes
    Dossier's build (from dossier bench) and its ranking (the JSON of
    dossier eval --beir --json, under "eval") as two records."""
    runs = {}
    for r in records:
        rec = runs.setdefault((r["engine"], r["run"]), {"engine": r["engine"], "run": r["run"]})
        if "eval" in r:
            rec["ndcg10"], rec["qps"] = r["eval"]["ndcg_at_10"], r["eval"]["queries_per_second"]
        rec.update((k, v) for k, v in r.items() if k != "eval")
    for rec in runs.values():
        for k in ("ndcg10", "qps", "build_s"):
            if k not in rec:
                sys.exit(f"{rec['engine']} run {rec['run']} has no {k}")
    return list(runs.values())


def table(records):
    """A Markdown table: each figure's min / median / max over the runs and,
    when Dossier was measured, the median over the rounds of Dossier's
    figure divided by the engine's in the same round, with the least and
    greatest such ratio: a ratio within one round is what a machine busier
    one minute than the next disturbs least."""
    records = merge(records)
    engines = list(dict.fromkeys(r["engine"] for r in records))
    figures = ("ndcg10", "qps", "build_s")
    by = {e: {r["run"]: r for r in records if r["engine"] == e} for e in engines}
    base = by.get("Dossier")
    head = "| engine | runs | nDCG@10 min / median / max | queries/s min / median / max | build s min / median / max |"
    rule = "|---|---|---|---|---|"
    if base:
        head += " Dossier ÷ engine, same round: nDCG@10 | queries/s | build s |"
        rule += "---|---|---|"
    out = [head, rule]
    for e in engines:
        runs = by[e]
        cells = [spread([r[k] for r in runs.values()]) for k in figures]
        line = "| {} | {} | {:.4f} / {:.4f} / {:.4f} | {:.1f} / {:.1f} / {:.1f} | {:.2f} / {:.2f} / {:.2f} |".format(
            e, len(runs), *cells[0], *cells[1], *cells[2])
        if base:
            both = sorted(set(runs) & set(base))
            for k, digits in zip(figures, (3, 2, 2)):
                lo, mid, hi = spread([base[i][k] / runs[i][k] for i in both]) if both else (0, 0, 0)
                line += f" {mid:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f}) |"
        out.append(line)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--beir", help="BEIR folder: corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv")
    ap.add_argument("--split", default="test")
    ap.add_argument("--runs", type=int, default=3, help="fresh builds and timings per engine (default 3)")
    ap.add_argument("--first-run", type=int, default=1, help="number the runs from this (compare.sh interleaves engines)")
    ap.add_argument("--engines", default="xapian,fts5", help="comma-separated: xapian, fts5")
    ap.add_argument("--json", action="store_true", help="print one JSON object per run instead of the table")
    ap.add_argument("--table", metavar="FILE", help="measure nothing: print the table of the JSON runs in FILE")
    a = ap.parse_args()
    if a.table:
        print(table(list(read_jsonl(a.table))))
        return
    if not a.beir:
        ap.error("--beir DIR is needed to measure (or --table FILE to print)")
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    names = [e.strip() for e in a.engines.split(",") if e.strip()]
    for e in names:
        if e not in ENGINES:
            ap.error(f"unknown engine {e!r}; want xapian or fts5")

    docs, queries, qrels = read_beir(a.beir, a.split)
    records = []
    for run in range(a.first_run, a.first_run + a.runs):
        for e in names:
            rec = measure(ENGINES[e], docs, queries, qrels)
            rec["run"] = run
            print(f"{rec['engine']} run {run}: nDCG@10 {rec['ndcg10']:.4f}, "
                  f"{rec['qps']:.1f} queries/s, build {rec['build_s']:.2f} s", file=sys.stderr, flush=True)
            if a.json:
                print(json.dumps(rec), flush=True)
            records.append(rec)
    if not a.json:
        print(f"{os.path.basename(os.path.normpath(a.beir))}, {a.split} split: {len(queries)} judged queries, "
              f"{len(docs)} documents, top {DEPTH} each, one query at a time on one thread\n")
        print(table(records))


if __name__ == "__main__":
    main()
