package digest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

func TestMessagesWithinLimits(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	split, cut := 0, 0
	for i := range 500 {
		d := randomDigest(r)
		msgs := Messages(d)
		if d.Empty() {
			if msgs != nil {
				t.Fatalf("digest %d is empty but gives %d messages", i, len(msgs))
			}
			continue
		}
		if len(msgs) > 1 {
			split++
		}
		if cutInside(Markdown(d), msgs) {
			cut++
		}
		checkMessages(t, d, msgs)
	}
	if split < 100 || cut < 30 {
		t.Errorf("of 500 random digests only %d needed several messages and %d a line cut: the test is too easy", split, cut)
	}
	t.Logf("%d split, %d cut inside a line", split, cut)
}

func TestMessagesResumeSectionHeading(t *testing.T) {
	t.Parallel()
	d := Digest{Date: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}
	for i := range maxUnanswered {
		d.Unanswered = append(d.Unanswered, state.Asked{Text: fmt.Sprint(i, " ", strings.Repeat("long question ", 14)), Count: 1})
	}
	msgs := Messages(d)
	if len(msgs) < 2 {
		t.Fatalf("Messages gave %d message, want the list split", len(msgs))
	}
	if !strings.HasPrefix(msgs[1], "## Unanswered (continued)\n\n- ") {
		t.Errorf("second message starts %q, want the section heading again", msgs[1][:40])
	}
	checkMessages(t, d, msgs)
}

func TestSplitItem(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		s     string
		limit int
		want  []string
	}{{
		name: "between lines", s: "first line here\nsecond line here\nthird line here", limit: 35,
		want: []string{"first line here\nsecond line here", "third line here"},
	}, {
		name: "quote continued as a quote", s: "**q**\n> one two three four five six seven eight", limit: 30,
		want: []string{"**q**", "> one two three four five six", "> seven eight"},
	}, {
		name: "subtext continued as subtext", s: "-# small print goes on", limit: 15,
		want: []string{"-# small print", "-# goes on"},
	}, {
		name: "not inside a link", s: "see [a title with spaces](<https://e.x/>) after", limit: 40,
		want: []string{"see", "[a title with spaces](<https://e.x/>)", "after"},
	}, {
		name: "link too long for a piece becomes its text", s: "[long title words](<https://example.com/aaaaaaaaaa>) x", limit: 20,
		want: []string{"long title words x"},
	}, {
		name: "not inside bold", s: "lead **bold words stay together**", limit: 30,
		want: []string{"lead", "**bold words stay together**"},
	}, {
		name: "inside bold longer than a piece", s: "**one two three four**", limit: 12,
		want: []string{"**one two", "three four**"},
	}, {
		name: "not after a backslash", s: "aaaa bbb\\ ccc", limit: 10,
		want: []string{"aaaa", "bbb\\ ccc"},
	}, {
		name: "a word longer than a piece between escapes", s: `\*\*\*\*\*\*`, limit: 5,
		want: []string{`\*\*`, `\*\*`, `\*\*`},
	}, {
		name: "no continuation starts a list", s: "aaaa bb - cc", limit: 8,
		want: []string{"aaaa", "bb - cc"},
	}, {
		name: "heading kept with what it heads", s: "## H\n\none two three four five six", limit: 20,
		want: []string{"## H\n\none two three", "four five six"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := splitItem(tc.s, tc.limit)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("splitItem(%q, %d) differs (-want +got):\n%s", tc.s, tc.limit, diff)
			}
		})
	}
}

// TestMessagesCutLongLine renders items with a line longer than a message,
// as a long excerpt, source and link make, and checks where it is cut: at
// the line breaks before it, then between words outside the link.
func TestMessagesCutLongLine(t *testing.T) {
	t.Parallel()
	long := func(word string, n int) string { return strings.TrimSpace(strings.Repeat(word+" ", n)) }
	link := "https://example.com/" + strings.Repeat("a", 980)
	day := time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		d    Digest
		// starts is how each message starts.
		starts []string
	}{{
		name: "watch quote",
		d: Digest{Date: day, Watches: []WatchMatches{{Query: "missiles", Matches: []index.Result{{
			Doc: corpus.Document{Title: long("(y)", 50), Publisher: long("(z)", 50)}, Excerpt: long("[x]", 75), Link: link,
		}}}}},
		starts: []string{"# Dossier digest", "> “\\[x\\]", "> [\\(y\\)"},
	}, {
		name: "asked quote",
		d: Digest{Date: day, Asked: []state.Asked{{Text: "Who?", Count: 2, Citation: state.Citation{
			Title: long("(y)", 50), Publisher: long("(z)", 50), Excerpt: long("(*)", 75), Link: link,
		}}}},
		starts: []string{"# Dossier digest", "> “\\(\\*\\)", "> [\\(y\\)"},
	}, {
		name: "document",
		d: Digest{Date: day, Documents: []DocumentChange{{Document: state.Document{
			Title: long("(*)", 50), Publisher: long("(p)", 50), Published: long("(*)", 50), URL: link, Lead: "A lead.",
		}}}},
		starts: []string{"# Dossier digest", "\\(\\*\\)"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msgs := Messages(tc.d)
			checkMessages(t, tc.d, msgs)
			if !cutInside(Markdown(tc.d), msgs) {
				t.Fatalf("no line was cut: the test is too easy: %q", msgs)
			}
			var starts []string
			for i, m := range msgs {
				if i < len(tc.starts) && strings.HasPrefix(m, tc.starts[i]) {
					m = tc.starts[i]
				}
				starts = append(starts, m)
			}
			if diff := cmp.Diff(tc.starts, starts); diff != "" {
				t.Errorf("messages start differently (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzMessages(f *testing.F) {
	f.Add("North Korea-Iran Relations", "In recent months, Iran and North Korea have become backers.", "Who led the delegation?", "a/b", 3)
	f.Add("**[x](y)**", "@everyone <@1>", "# heading\n- item", "", 20)
	f.Add(strings.Repeat("word ", 500), strings.Repeat("a", 3000), strings.Repeat("é ", 1500), strings.Repeat("p", 970), 15)
	f.Add(strings.Repeat("(*) ", 60), strings.Repeat("[x] - ", 60), strings.Repeat("<|> ", 60), strings.Repeat("p", 970), 2)
	f.Fuzz(func(t *testing.T, title, lead, question, path string, n int) {
		d := Digest{Date: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}
		link := "https://example.com/" + path
		for i := range min(max(n, 0), 30) {
			d.Documents = append(d.Documents, DocumentChange{Document: state.Document{Title: title, Lead: lead, Publisher: question, Published: title, URL: link}, Change: Change(i % 3)})
			d.Unanswered = append(d.Unanswered, state.Asked{Text: question, Count: i})
			d.Asked = append(d.Asked, state.Asked{Text: question, Count: i, Citation: state.Citation{Title: title, Publisher: question, Excerpt: lead, Link: link}})
		}
		msgs := Messages(d)
		if d.Empty() != (len(msgs) == 0) {
			t.Fatalf("digest empty %v, %d messages", d.Empty(), len(msgs))
		}
		if !d.Empty() {
			checkMessages(t, d, msgs)
		}
	})
}

// fuzzItem builds an item the way render.go does, of escaped words with
// markup around them: shape says, a byte a word, what comes before each
// word: a line break, a quote or subtext line, a link or bold span
// opening or closing, or nothing. A link's URL is longer the higher its
// byte, up to longer than any piece.
func fuzzItem(text string, shape []byte) string {
	var b strings.Builder
	url, bold := -1, false // url is the length of the open link's URL
	closeAll := func() {
		if url >= 0 {
			b.WriteString("](<https://example.com/" + strings.Repeat("p", url) + ">)")
			url = -1
		}
		if bold {
			b.WriteString("**")
			bold = false
		}
	}
	lineStart := true
	for i, w := range strings.Fields(text) {
		k := byte(6) // words past shape are plain
		if i < len(shape) {
			k = shape[i]
		}
		if i > 0 {
			switch k % 8 {
			case 0, 1, 2:
				closeAll()
				b.WriteString([]string{"\n", "\n> ", "\n-# "}[k%8])
				lineStart = true
			default:
				b.WriteString(" ")
			}
		}
		switch {
		case k%8 == 3 && url < 0:
			b.WriteString("[")
			url = int(k) * 9
		case k%8 == 4 && url >= 0:
			closeAll()
			b.WriteString(" ")
		case k%8 == 5 && url < 0:
			if bold {
				b.WriteString("** ")
			} else {
				b.WriteString("**")
			}
			bold = !bold
		}
		if lineStart {
			b.WriteString(markdown.Escape(w)) // block markup escaped, as at the start of a line
		} else {
			b.WriteString(markdown.Escape(" " + w)[1:]) // "-", "#" and digits not, as inside one
		}
		lineStart = false
	}
	closeAll()
	return b.String()
}

// longestWord is how long the longest word of s is, a whole link counting
// as one word.
func longestWord(s string) int {
	s = linkRE.ReplaceAllStringFunc(s, func(l string) string { return strings.Repeat("x", markdown.Len(l)) })
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, markdown.Len(w))
	}
	return n
}

func FuzzSplit(f *testing.F) {
	f.Add("one two three four five six seven eight nine ten", []byte{0, 1, 3, 9, 9, 4, 5, 9, 5, 2}, 30)
	f.Add(strings.Repeat("North Korea - Iran [x] *y* 2024. ", 40), []byte{1, 3, 6, 6, 6, 6, 4, 5, 6, 6, 5, 2, 3}, 200)
	f.Add(strings.Repeat("a\\ b ", 100), []byte{227, 1, 5, 6, 6, 5, 11}, 0)
	f.Fuzz(func(t *testing.T, text string, shape []byte, limit int) {
		if len(text) > 5000 || len(shape) > 500 {
			return // longer inputs are slower to run, not likelier to fail
		}
		limit = 40 + int(uint(limit)%600)
		s := fuzzItem(text, shape)
		if strings.TrimSpace(s) == "" {
			return
		}
		pieces := splitItem(s, limit)
		var lines []string
		for i, p := range pieces {
			if n := markdown.Len(p); n > limit || strings.TrimSpace(p) == "" {
				t.Fatalf("piece %d of %d has %d characters, limit %d: %q", i, len(pieces), n, limit, p)
			}
			if l := brokenLink(p); l != "" {
				t.Fatalf("piece %d of %d holds part of a link: %q", i, len(pieces), l)
			}
			lines = append(lines, strings.Split(p, "\n")...)
		}
		if len(linkRE.FindAllString(s, -1)) != len(linkRE.FindAllString(strings.Join(pieces, "\n"), -1)) {
			return // a link too long for any piece became its text
		}
		checkLines(t, s, lines)
		if longestWord(s) <= limit-markdown.Len("> -# ") {
			checkWords(t, words(strings.Join(pieces, "\n")), words(s))
		}
	})
}
