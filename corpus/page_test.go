package corpus

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
)

// pagedDoc is a converted PDF: five pages of two paragraphs, the second
// paragraph of each page running on to the next.
func pagedDoc(pages int) string {
	var b strings.Builder
	b.WriteString("---\ntitle: \"Annual Report\"\n---\n\n")
	for p := 1; p <= pages; p++ {
		fmt.Fprintf(&b, "<!-- page %d -->\n\n", p)
		if p > 1 {
			fmt.Fprintf(&b, "continued from page %d where the sentence about ports of call ends here. ", p-1)
		}
		fmt.Fprintf(&b, "Page %d opens with its own paragraph about shipping lanes, tariffs and the harbour authority's many reports on freight volumes. %s\n\n", p, article)
		fmt.Fprintf(&b, "A second paragraph on page %d discusses customs officers, inspections and the long queues of lorries waiting at the border crossing for clearance", p)
		if p == pages {
			b.WriteString(".")
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

func TestParsePageMarkers(t *testing.T) {
	t.Parallel()
	doc, err := Parse("report.md", []byte(pagedDoc(5)))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	if strings.Contains(doc.Text, "<!--") {
		t.Errorf("Parse() text keeps a page marker:\n%s", doc.Text)
	}
	seen := map[int]bool{}
	for _, p := range doc.Passages {
		if p.Page < 1 || p.Page > 5 {
			t.Errorf("passage %d has page %d, want 1..5", p.Ordinal, p.Page)
			continue
		}
		seen[p.Page] = true
		// The passage starts on its page: the page's own opening line
		// is in it or before it, and the next page's is not before it.
		own := fmt.Sprintf("Page %d opens", p.Page)
		if i := strings.Index(doc.Text, own); i > p.Start && !strings.Contains(p.Text, own) {
			t.Errorf("passage %d (page %d) starts before %q:\n%s", p.Ordinal, p.Page, own, p.Text)
		}
		next := fmt.Sprintf("continued from page %d", p.Page)
		if i := strings.Index(doc.Text, next); i >= 0 && i < p.Start {
			t.Errorf("passage %d says page %d but starts after page %d began:\n%s", p.Ordinal, p.Page, p.Page+1, p.Text)
		}
	}
	for p := 1; p <= 5; p++ {
		if !seen[p] {
			t.Errorf("no passage starts on page %d", p)
		}
	}
	if got := (Passage{Page: 3, LastPage: 4}).PageLabel(); got != "pp. 3–4" {
		t.Errorf("PageLabel() = %q, want %q", got, "pp. 3–4")
	}
	if got := doc.Passages[0].PageLabel(); got != "p. 1" {
		t.Errorf("PageLabel() = %q, want %q", got, "p. 1")
	}
	plain, err := Parse("plain.md", []byte("Plain\n\n"+article))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	if p := plain.Passages[0]; p.Page != 0 || p.PageLabel() != "" {
		t.Errorf("unpaged passage has page %d (%q), want 0", p.Page, p.PageLabel())
	}
}

// upper is a Converter that upper-cases a ".up" file's text, or fails.
type upper struct{ calls atomic.Int32 }

func (u *upper) Convert(path string, raw []byte) ([]byte, error) {
	u.calls.Add(1)
	if strings.Contains(string(raw), "broken") {
		return nil, errors.New("cannot read this one")
	}
	return []byte(strings.ToUpper(string(raw))), nil
}

func TestFolderConverts(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.md":     {Data: []byte("Plain\n\n" + article)},
		"b.up":     {Data: []byte("Shouted\n\n" + article)},
		"bad.up":   {Data: []byte("broken " + article)},
		"other.xx": {Data: []byte(article)},
	}
	u := &upper{}
	c, err := Load(fsys, Convert(u, ".UP"))
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	var paths []string
	for _, d := range c.Documents {
		paths = append(paths, d.Path)
		if d.Path == "b.up" && !strings.Contains(d.Text, "THE DELEGATION ARRIVED") {
			t.Errorf("b.up text = %q, want it converted", d.Text)
		}
	}
	if got := strings.Join(paths, " "); got != "a.md b.up" {
		t.Errorf("Load() documents = %q, want %q", got, "a.md b.up")
	}
	if len(c.Skipped) != 1 || c.Skipped[0].Path != "bad.up" || !strings.Contains(c.Skipped[0].Error(), "cannot read") {
		t.Errorf("Load() skipped = %v, want bad.up with its reason", c.Skipped)
	}
	if n := u.calls.Load(); n != 2 {
		t.Errorf("Convert called %d times, want 2", n)
	}
	plain, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if len(plain.Documents) != 1 {
		t.Errorf("Load() without Convert read %d documents, want 1", len(plain.Documents))
	}
}

// A heading marked in Markdown labels the passages under it even when it
// is not in title case, as converted web pages' and PDFs' headings are not.
func TestMarkedHeadings(t *testing.T) {
	t.Parallel()
	doc, err := Parse("deal.md", []byte("---\ntitle: Deal\n---\n\n"+
		"## What the deal changes\n\n"+article+"\n\n"+
		"### 2. How the backlog clears\n"+article+"\n\n"+
		"# Why this matters, says the union.\n\n"+article+"\n"))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	var got []string
	for _, p := range doc.Passages {
		got = append(got, p.Heading)
		if strings.Contains(p.Text, "#") || strings.Contains(p.Text, "backlog") {
			t.Errorf("passage %d holds a heading: %q", p.Ordinal, p.Text)
		}
	}
	want := []string{"What the deal changes", "2. How the backlog clears", "Why this matters, says the union."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Parse() headings = %q, want %q", got, want)
	}
}
