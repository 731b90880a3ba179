package corpus

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkSplit verifies the passage invariants of a text: passages slice the
// text in order, start and end on sentence boundaries, cover every
// non-space byte except headings exactly once, and keep their size within
// bounds except for the documented cases.
func checkSplit(tb testing.TB, text string, passages []Passage) {
	tb.Helper()
	starts, ends := map[int]bool{}, map[int]bool{}
	sentence := map[[2]int]bool{}
	for _, s := range Sentences(text) {
		starts[s[0]], ends[s[1]] = true, true
		sentence[s] = true
	}
	covered := make([]int, len(text))
	prevEnd := 0
	for i, p := range passages {
		if p.Start < prevEnd || p.End <= p.Start || p.End > len(text) || text[p.Start:p.End] != p.Text {
			tb.Fatalf("passage %d [%d:%d] is out of order or does not slice the text", i, p.Start, p.End)
		}
		prevEnd = p.End
		if !starts[p.Start] || !ends[p.End] {
			tb.Errorf("passage %d %.40q cuts a sentence", i, p.Text)
		}
		if strings.TrimSpace(p.Heading) != p.Heading || strings.Contains(p.Heading, "\n") {
			tb.Errorf("passage %d heading %q is not one trimmed line", i, p.Heading)
		}
		for j := p.Start; j < p.End; j++ {
			covered[j]++
		}
		words := wordCount(p.Text)
		if words > maxWords && !sentence[[2]int{p.Start, p.End}] {
			tb.Errorf("passage %d has %d words but more than one sentence: %.60q", i, words, p.Text)
		}
		if words < minWords {
			for _, j := range []int{i - 1, i + 1} {
				if j >= 0 && j < len(passages) && sameSection(text, passages, i, j) && words+wordCount(passages[j].Text) <= maxWords {
					tb.Errorf("passage %d has %d words and could have merged with passage %d", i, words, j)
				}
			}
		}
	}
	// Uncovered text must be headings: whole single-line paragraphs naming
	// the section of the passages after them.
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) || covered[i] == 1 {
			i += size
			continue
		}
		if covered[i] > 1 {
			tb.Fatalf("byte %d is in %d passages", i, covered[i])
		}
		end := strings.Index(text[i:], "\n")
		if end < 0 {
			end = len(text) - i
		}
		heading := strings.TrimSpace(text[i : i+end])
		next := nextPassage(passages, i)
		if next == nil || next.Heading != heading || wordCount(heading) > maxHeadingWords {
			tb.Fatalf("text %q at byte %d is in no passage and is not the heading of the next one", heading, i)
		}
		i += end
	}
}

func nextPassage(passages []Passage, offset int) *Passage {
	for i := range passages {
		if passages[i].Start > offset {
			return &passages[i]
		}
	}
	return nil
}

// sameSection reports whether passages i and j have no heading between
// them: all text between them is covered by passages.
func sameSection(text string, passages []Passage, i, j int) bool {
	a, b := passages[min(i, j)], passages[max(i, j)]
	return a.Heading == b.Heading && strings.TrimSpace(text[a.End:b.Start]) == ""
}

func TestSplitBuiltin(t *testing.T) {
	t.Parallel()
	c, err := Load(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range c.Documents {
		checkSplit(t, d.Text, d.Passages)
		if len(d.Passages) == 0 {
			t.Errorf("document %s has no passages", d.ID)
		}
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	sentence := func(n int) string { return "Word " + strings.Repeat("word ", n-2) + "end." }
	para := func(sentences, words int) string {
		s := make([]string, sentences)
		for i := range s {
			s[i] = sentence(words)
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		name     string
		text     string
		words    []int
		headings []string
	}{
		{"short text", "Just one short line.", []int{4}, []string{""}},
		{"short paragraphs merge", para(1, 10) + "\n\n" + para(1, 20) + "\n\n" + para(1, 30), []int{60}, []string{""}},
		{"long paragraph balanced", para(20, 10), []int{100, 100}, []string{"", ""}},
		{"long sentence whole", sentence(200) + " " + sentence(10), []int{200, 10}, []string{"", ""}},
		{"heading starts section", para(1, 10) + "\n\nA Section Heading\n\n" + para(1, 10), []int{10, 10}, []string{"", "A Section Heading"}},
		{"trailing heading-like line is text", para(3, 20) + "\n\nThe End", []int{62}, []string{""}},
		{"bullets stay together", "Key Points\n\n- one thing here.\n- another thing.", []int{7}, []string{"Key Points"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ps := split("doc", tt.text, nil)
			checkSplit(t, tt.text, ps)
			var words []int
			var headings []string
			for _, p := range ps {
				words = append(words, wordCount(p.Text))
				headings = append(headings, p.Heading)
			}
			if fmt.Sprint(words) != fmt.Sprint(tt.words) || fmt.Sprint(headings) != fmt.Sprint(tt.headings) {
				t.Errorf("split(%.60q) = words %v headings %q, want %v %q", tt.text, words, headings, tt.words, tt.headings)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	fsys := Builtin()
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		f.Add(string(mustRead(f, fsys, n)))
	}
	f.Add("Title\n\nA B. C d e.\n\n\nHeading Here\n \n- x.\n- y\n\n" + strings.Repeat("word ", 400))
	f.Add("“Yes!” he said… Mr. X. Y. Z. went to the U.S. The end?\n\nNext Part\n\nok")
	f.Fuzz(func(t *testing.T, raw string) {
		checkSplit(t, raw, split("fuzz", raw, nil))
		d, err := Parse("fuzz.txt", []byte(raw))
		if err != nil {
			return
		}
		if strings.TrimSpace(d.Text) != d.Text || strings.Contains(d.Text, "\n\n\n") {
			t.Errorf("Parse(%q).Text = %q, want trimmed paragraphs separated by one blank line", raw, d.Text)
		}
		checkSplit(t, d.Text, d.Passages)
	})
}
