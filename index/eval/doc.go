// Package eval measures Dossier: answer quality on a question file
// (Answers, with Gates for CI and the trade-off over the decision
// threshold), ranking on a BEIR benchmark (LoadBEIR), and speed, size and
// memory at a scale (BenchRun, BenchReport, with Synthetic corpora of any
// size). It works on a built index.Index; opening indexes, flags and
// printing where the figures go belong to the command that uses it.
//
// A new kind of measurement is a file here with its loader, its run and
// its report (a struct with JSON tags and a Text method), and a mode of
// dossier eval that wires it up.
package eval
