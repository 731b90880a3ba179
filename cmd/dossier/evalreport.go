package main

import (
	"fmt"
	"strings"
)

// evalReport is what eval measured on a question file.
type evalReport struct {
	File      string  `json:"file"`
	Corpus    string  `json:"corpus"`
	K         int     `json:"k"`
	Questions int     `json:"questions"`
	Hit1      share   `json:"hit_at_1"`
	Hit3      share   `json:"hit_at_3"`
	Excerpt1  share   `json:"excerpt_at_1"`
	MRR       float64 `json:"mrr"`
	// Negatives counts expect_none questions left unanswered.
	Negatives share      `json:"negatives_rejected"`
	MedianMS  float64    `json:"median_took_ms"`
	Misses    []evalMiss `json:"misses"`
}

// share is Count out of Of questions.
type share struct {
	Count int     `json:"count"`
	Of    int     `json:"of"`
	Rate  float64 `json:"rate"`
}

func (s share) String() string {
	if s.Of == 0 {
		return "none asked"
	}
	return fmt.Sprintf("%d/%d  %5.1f%%", s.Count, s.Of, 100*s.Rate)
}

// evalMiss is a question whose first passage was not the expected one, or
// that the corpus answered when it should not have.
type evalMiss struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	// Want says what should have come first.
	Want       string `json:"want"`
	ExpectNone bool   `json:"expect_none"`
	// First is the first passage's citation and excerpt, "" when none.
	First string `json:"first"`
	// FoundAt is the rank of the first passage with an expected string,
	// 0 when none of the top k has one.
	FoundAt int `json:"found_at"`
}

func (r *evalReport) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d questions from %s, answered from %s, top %d:\n", r.Questions, r.File, r.Corpus, r.K)
	rows := []struct{ name, value string }{
		{"hit@1", r.Hit1.String()},
		{"hit@3", r.Hit3.String()},
		{"excerpt@1", r.Excerpt1.String()},
		{fmt.Sprintf("MRR@%d", r.K), fmt.Sprintf("%.3f", r.MRR)},
		{"negatives rejected", r.Negatives.String()},
		{"median time", fmt.Sprintf("%.2f ms", r.MedianMS)},
	}
	for _, row := range rows {
		fmt.Fprintf(&b, "  %-19s %s\n", row.name, row.value)
	}
	if len(r.Misses) == 0 {
		b.WriteString("\nNo misses.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nMisses (%d):\n", len(r.Misses))
	for _, m := range r.Misses {
		fmt.Fprintf(&b, "  %s  %s\n", printable(m.ID), printable(m.Question))
		where := ""
		switch {
		case m.ExpectNone:
		case m.FoundAt > 0:
			where = fmt.Sprintf(" (found at rank %d)", m.FoundAt)
		default:
			where = fmt.Sprintf(" (not in the top %d)", r.K)
		}
		fmt.Fprintf(&b, "      want:  %s%s\n", printable(m.Want), where)
		first := m.First
		if first == "" {
			first = "nothing: the corpus did not answer"
		}
		fmt.Fprintf(&b, "      first: %s\n", printable(first))
	}
	return b.String()
}
