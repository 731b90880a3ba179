package eval

import (
	"fmt"
	"strings"

	"github.com/dossier-bot/dossier/corpus/safe"
	"github.com/dossier-bot/dossier/index"
)

// Report is what eval measured on a question file. hit@1, hit@3,
// excerpt@1 and MRR count direct answers only; AnyHit3 counts related
// passages too, for a reader who is shown them.
type Report struct {
	File      string  `json:"file"`
	Corpus    string  `json:"corpus"`
	K         int     `json:"k"`
	Questions int     `json:"questions"`
	Hit1      Share   `json:"hit_at_1"`
	Hit3      Share   `json:"hit_at_3"`
	AnyHit3   Share   `json:"any_hit_at_3"`
	Excerpt1  Share   `json:"excerpt_at_1"`
	MRR       float64 `json:"mrr"`
	// Negatives counts expect_none questions declined: not answered
	// directly, whether related passages were shown or nothing was.
	Negatives Share   `json:"negatives_rejected"`
	Replies   Replies `json:"replies"`
	MedianMS  float64 `json:"median_took_ms"`
	Misses    []Miss  `json:"misses"`
	// InForce is the decision threshold Ask answers at,
	// index.AnswerThreshold; nil without --curve, which alone needs it.
	InForce *float64     `json:"threshold_in_force,omitempty"`
	Curve   []CurvePoint `json:"curve,omitempty"`
}

// Share is Count out of Of questions.
type Share struct {
	Count int     `json:"count"`
	Of    int     `json:"of"`
	Rate  float64 `json:"rate"`
}

func (s *Share) rate() {
	if s.Of > 0 {
		s.Rate = float64(s.Count) / float64(s.Of)
	}
}

func (s Share) String() string {
	if s.Of == 0 {
		return "none asked"
	}
	return fmt.Sprintf("%d/%d  %5.1f%%", s.Count, s.Of, 100*s.Rate)
}

// Replies counts the kinds of reply each sort of question got.
type Replies struct {
	Answerable KindCounts `json:"answerable"`
	ExpectNone KindCounts `json:"expect_none"`
}

type KindCounts struct {
	Answered int `json:"answered"`
	Related  int `json:"related"`
	None     int `json:"none"`
}

func (c *KindCounts) add(k index.Kind) {
	switch k {
	case index.Answered:
		c.Answered++
	case index.Related:
		c.Related++
	default:
		c.None++
	}
}

// Miss is a question whose reply was not a direct answer with the
// expected passage first, or that the corpus answered when it should not
// have.
type Miss struct {
	ID       string `json:"id"`
	Question string `json:"question"`
	// Want says what should have come first.
	Want       string `json:"want"`
	ExpectNone bool   `json:"expect_none"`
	// Kind is the reply's: "answered", "related" or "none".
	Kind string `json:"kind"`
	// First is the first passage shown, direct or related as Kind says:
	// its citation and excerpt, "" when none was.
	First string `json:"first"`
	// FoundAt is the rank of the first passage shown with an expected
	// string, 0 when none of them has one.
	FoundAt int `json:"found_at"`
}

// score fills in the report's figures from the records, apart from
// asking, so that its arithmetic can be checked on records built by hand.
func (r *Report) score(recs []record) {
	var rr float64
	for _, rec := range recs {
		if rec.expectNone {
			r.Replies.ExpectNone.add(rec.kind)
			r.Negatives.Of++
			if rec.kind != index.Answered {
				r.Negatives.Count++
			}
			continue
		}
		r.Replies.Answerable.add(rec.kind)
		direct := rec.kind == index.Answered
		for _, s := range []*Share{&r.Hit1, &r.Hit3, &r.AnyHit3, &r.Excerpt1} {
			s.Of++
		}
		if direct && rec.foundAt == 1 {
			r.Hit1.Count++
		}
		if rec.foundAt >= 1 && rec.foundAt <= 3 {
			r.AnyHit3.Count++
			if direct {
				r.Hit3.Count++
			}
		}
		if rec.excerptHit {
			r.Excerpt1.Count++
		}
		if direct && rec.foundAt > 0 {
			rr += 1 / float64(rec.foundAt)
		}
	}
	if r.Hit1.Of > 0 {
		r.MRR = rr / float64(r.Hit1.Of)
	}
	for _, s := range []*Share{&r.Hit1, &r.Hit3, &r.AnyHit3, &r.Excerpt1, &r.Negatives} {
		s.rate()
	}
}

// Text is the report for people.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d questions from %s, answered from %s, top %d:\n", r.Questions, r.File, r.Corpus, r.K)
	rows := []struct{ name, value string }{
		{"hit@1", r.Hit1.String()},
		{"hit@3", r.Hit3.String()},
		{"any-kind hit@3", r.AnyHit3.String()},
		{"excerpt@1", r.Excerpt1.String()},
		{fmt.Sprintf("MRR@%d", r.K), fmt.Sprintf("%.3f", r.MRR)},
		{"declined", r.Negatives.String()},
		{"median time", fmt.Sprintf("%.2f ms", r.MedianMS)},
	}
	for _, row := range rows {
		fmt.Fprintf(&b, "  %-19s %s\n", row.name, row.value)
	}
	b.WriteString("  (hit@N, excerpt@1 and MRR count direct answers; any-kind hit@3 related\n" +
		"  passages too; declined is the share of expect_none questions not answered)\n")
	fmt.Fprintf(&b, "\n  %-19s %8s %8s %8s\n", "replies", "answered", "related", "none")
	for _, row := range []struct {
		name string
		c    KindCounts
	}{{"answerable", r.Replies.Answerable}, {"expect_none", r.Replies.ExpectNone}} {
		fmt.Fprintf(&b, "  %-19s %8d %8d %8d\n", row.name, row.c.Answered, row.c.Related, row.c.None)
	}
	if r.Curve != nil {
		b.WriteString("\n")
		b.WriteString(curveText(r.Curve))
	}
	if len(r.Misses) == 0 {
		b.WriteString("\nNo misses.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nMisses (%d):\n", len(r.Misses))
	for _, m := range r.Misses {
		fmt.Fprintf(&b, "  %s  %s\n", safe.Printable(m.ID), safe.Printable(m.Question))
		fmt.Fprintf(&b, "      reply: %s\n", replyText(m.Kind))
		where := ""
		switch {
		case m.ExpectNone:
		case m.FoundAt > 0 && m.Kind == index.Related.String():
			where = fmt.Sprintf(" (found at rank %d of the related passages)", m.FoundAt)
		case m.FoundAt > 0:
			where = fmt.Sprintf(" (found at rank %d)", m.FoundAt)
		case m.Kind == index.NothingClose.String():
		default:
			where = fmt.Sprintf(" (not in the top %d)", r.K)
		}
		fmt.Fprintf(&b, "      want:  %s%s\n", safe.Printable(m.Want), where)
		first := m.First
		if first == "" {
			first = "nothing: no passage came near"
		}
		fmt.Fprintf(&b, "      first: %s\n", safe.Printable(first))
	}
	return b.String()
}

// replyText says what a kind of reply told the reader.
func replyText(kind string) string {
	switch kind {
	case index.Answered.String():
		return "answered directly"
	case index.Related.String():
		return "related: no direct answer, the closest passages shown"
	}
	return "none: nothing came near"
}
