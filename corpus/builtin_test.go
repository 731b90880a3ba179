package corpus

import (
	"strings"
	"testing"
)

func TestBuiltin(t *testing.T) {
	t.Parallel()
	c, err := Load(Builtin())
	if err != nil {
		t.Fatalf("Load(Builtin()) error: %v", err)
	}
	if len(c.Skipped) != 0 {
		t.Errorf("Load(Builtin()).Skipped = %v, want none", c.Skipped)
	}
	if len(c.Documents) != 4 {
		t.Fatalf("Load(Builtin()) has %d documents, want 4", len(c.Documents))
	}
	for _, d := range c.Documents {
		if d.Title == "" || d.Publisher == "" || d.Published == "" {
			t.Errorf("document %s lacks metadata: title %q, publisher %q, published %q", d.ID, d.Title, d.Publisher, d.Published)
		}
		for _, furniture := range []string{"author-image", "New Update", "Subscribe now", "Stay informed",
			"I'm interested in", "March 02, 2024", "cards accepted", "unlimited access", "Become a member", "\" view"} {
			if strings.Contains(d.Text, furniture) {
				t.Errorf("document %s still contains furniture %q", d.ID, furniture)
			}
		}
		if strings.Contains(d.Text, d.Title) {
			t.Errorf("document %s repeats its title %q in its text", d.ID, d.Title)
		}
		checkPassages(t, d)
	}
	headings := map[string]bool{}
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			headings[p.Heading] = true
		}
	}
	for _, h := range []string{"How Trump’s JCPOA Withdrawal Brought Iran and North Korea Closer Together", "Key Takeaways"} {
		if !headings[h] {
			t.Errorf("no passage of the built-in corpus has heading %q", h)
		}
	}
	if len(c.Synonyms) < 5 {
		t.Errorf("Load(Builtin()) has %d synonym groups, want the built-in list", len(c.Synonyms))
	}
}

// checkPassages verifies the invariants every document's passages keep.
func checkPassages(tb testing.TB, d Document) {
	tb.Helper()
	for i, p := range d.Passages {
		if p.Ordinal != i || p.ID != PassageID(d.ID, i) || p.DocID != d.ID {
			tb.Errorf("passage %d of %s has ID %q, DocID %q, Ordinal %d", i, d.ID, p.ID, p.DocID, p.Ordinal)
		}
		if p.Start < 0 || p.End > len(d.Text) || p.Start >= p.End || d.Text[p.Start:p.End] != p.Text {
			tb.Errorf("passage %s [%d:%d] does not match the document text", p.ID, p.Start, p.End)
		}
	}
}
