package digest

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// checkMessages fails unless msgs are d's Markdown cut into messages
// within Discord's limit between words, none empty, none ending on a
// heading or holding part of a link, with only "(continued)" headings
// and the prefixes of cut quote lines added.
func checkMessages(tb testing.TB, d Digest, msgs []string) {
	tb.Helper()
	var kept []string
	for i, m := range msgs {
		if n := markdown.Len(m); n > markdown.MaxContent || strings.TrimSpace(m) == "" {
			tb.Fatalf("message %d of %d has %d characters: %q", i, len(msgs), n, m)
		}
		if l := brokenLink(m); l != "" {
			tb.Fatalf("message %d of %d holds part of a link: %q", i, len(msgs), l)
		}
		lines := strings.Split(m, "\n")
		if last := lines[len(lines)-1]; strings.HasPrefix(last, "#") {
			tb.Errorf("message %d ends on a heading: %q", i, last)
		}
		for _, l := range lines {
			if !(strings.HasPrefix(l, "## ") && strings.HasSuffix(l, " (continued)")) {
				kept = append(kept, l)
			}
		}
	}
	md := Markdown(d)
	checkLines(tb, md, kept)
	checkWords(tb, words(strings.Join(kept, "\n")), words(md))
}

// checkWords fails unless got, the words of pieces, are want, those of
// what was cut: nothing lost, nothing added, no word cut in two.
func checkWords(tb testing.TB, got, want []string) {
	tb.Helper()
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				tb.Fatalf("pieces differ from the whole at word %d: %q, want %q", i, got[i], want[i])
			}
		}
		tb.Fatalf("pieces have %d words, the whole %d", len(got), len(want))
	}
}

// words are the words of s but the quote and subtext markers, which a cut
// line's continuations repeat.
func words(s string) []string {
	return slices.DeleteFunc(strings.Fields(s), func(w string) bool { return w == ">" || w == "-#" })
}

// checkLines fails unless each of lines is one of orig's or a piece of
// one; a piece of a quote or subtext line must have its prefix, so that
// it renders as part of the same line.
func checkLines(tb testing.TB, orig string, lines []string) {
	tb.Helper()
	all := strings.Split(orig, "\n")
	whole := make(map[string]bool)
	for _, o := range all {
		whole[o] = true
	}
	for _, l := range lines {
		if whole[l] {
			continue
		}
		p := linePrefix(l)
		if !slices.ContainsFunc(all, func(o string) bool {
			return linePrefix(o) == p && strings.Contains(o[len(p):], l[len(p):])
		}) {
			tb.Fatalf("line %q is not a piece of a line starting %q", l, p)
		}
	}
}

// cutInside reports whether msgs hold a piece of one of md's lines, not
// the whole line.
func cutInside(md string, msgs []string) bool {
	all := strings.Split(md, "\n")
	for _, m := range msgs {
		for _, l := range strings.Split(m, "\n") {
			if !slices.Contains(all, l) && !strings.HasSuffix(l, " (continued)") {
				return true
			}
		}
	}
	return false
}

// linkRE matches a whole link as render.go writes one. Text in a digest
// has its brackets escaped, so they are in no match.
var linkRE = regexp.MustCompile(`\[(?:\\.|[^\\\[\]\n])*\]\(<[^<>\n]*>\)`)

// brokenLink returns the first line of m with markup of a link outside
// any whole link: what is left of a link that a cut divided. Headings,
// whose "(continued)" is not escaped, and line prefixes are passed over.
func brokenLink(m string) string {
	for _, l := range strings.Split(m, "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		rest := []rune(linkRE.ReplaceAllString(l[len(linePrefix(l)):], "link"))
		for i := 0; i < len(rest); i++ {
			if rest[i] == '\\' {
				i++
			} else if strings.ContainsRune("[]()<>", rest[i]) {
				return l
			}
		}
	}
	return ""
}

// randomDigest makes a digest of random size from random words, some of
// them long, with markup characters that escaping lengthens.
func randomDigest(r *rand.Rand) Digest {
	vocab := []string{"North", "Korea", "*", "[x]", "delegation", "@everyone", "_", "cooperation,", "“quoted”", "Tehran.", "ballistic", "é", "😀"}
	// Half the digests have text all of markup, which escaping doubles,
	// and long links: lines longer than a message, which are cut inside.
	heavy := r.IntN(2) == 0
	markup := []string{"(*)", "[_]", "<|>", "**", "~~"}
	text := func(n int) string {
		var b []string
		ws := vocab
		if heavy {
			ws = markup
		}
		for range r.IntN(n) + 1 {
			if r.IntN(40) == 0 {
				b = append(b, strings.Repeat("x", r.IntN(400)+1))
			} else {
				b = append(b, ws[r.IntN(len(ws))])
			}
		}
		return strings.Join(b, " ")
	}
	link := func() string {
		if heavy {
			return "https://example.com/" + strings.Repeat("p", r.IntN(100)+880)
		}
		return "https://example.com/" + text(3)
	}
	d := Digest{Date: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}
	for range r.IntN(20) {
		d.Documents = append(d.Documents, DocumentChange{Document: state.Document{
			Title: text(80), Publisher: text(80), Published: text(80), Lead: text(80), URL: link(),
		}, Change: Change(r.IntN(3))})
	}
	d.MoreDocuments = r.IntN(3)
	for range r.IntN(8) {
		d.Asked = append(d.Asked, state.Asked{Text: text(50), Count: r.IntN(5) + 1,
			Citation: state.Citation{DocID: "x", Title: text(80), Publisher: text(80), Excerpt: text(120), Link: link() + "#:~:text=" + text(2)}})
	}
	for range r.IntN(15) {
		d.Unanswered = append(d.Unanswered, state.Asked{Text: text(50), Count: r.IntN(3) + 1,
			Reply: []state.Reply{state.ReplyNone, state.ReplyRelated}[r.IntN(2)]})
	}
	for range r.IntN(5) {
		w := WatchMatches{Query: text(30)}
		for range r.IntN(3) + 1 {
			w.Matches = append(w.Matches, index.Result{Doc: corpus.Document{Title: text(80), Publisher: text(80)}, Excerpt: text(120), Link: link()})
		}
		d.Watches = append(d.Watches, w)
	}
	return d
}
