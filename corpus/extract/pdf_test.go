package extract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
)

// The fixtures are typeset by groff from testdata/pdf/*.ms (see gen.sh);
// the golden files hold what a reader would quote, page by page.
func TestMarkdownPDFGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"harbour", "memo", "table", "printed"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			md := pdfFixture(t, name)
			checkGolden(t, "pdf/"+name+".md", md)
		})
	}
}

func pdfFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "pdf", name+".pdf"))
	if err != nil {
		tb.Fatal(err)
	}
	md, err := Markdown(name+".pdf", "", raw)
	if err != nil {
		tb.Fatalf("Markdown(%s.pdf) = %v", name, err)
	}
	return md
}

func TestMarkdownPDF(t *testing.T) {
	t.Parallel()
	harbour := string(pdfFixture(t, "harbour"))
	memo := string(pdfFixture(t, "memo"))
	table := string(pdfFixture(t, "table"))
	printed := string(pdfFixture(t, "printed"))
	for _, tt := range []struct {
		doc, what, want string
	}{
		{harbour, "metadata title", `title: "The Harbour Authority Annual Review"`},
		{harbour, "metadata author", `author: "Ingrid Solberg"`},
		{harbour, "metadata date", `published: "2023-11-14"`},
		{harbour, "a heading", "### 3. The northern breakwater\n"},
		{harbour, "a word hyphenated at a line end, joined", "Emergency repairs"},
		{harbour, "a paragraph running on into the right-hand column", "of which the national infrastructure fund"},
		{harbour, "a sentence without its footnote mark", "after its refurbishment. Dwell times"},
		{harbour, "a footnote as a paragraph of its own", "\n\nTwenty-foot equivalent units count containers by their length; a forty-foot container is two units.\n\n"},
		{harbour, "a compound kept whole", "twenty-foot equivalent units"},
		{memo, "a paragraph running on over a page, marked where it does", "publication works only\n<!-- page 2 -->\nwhere the courts act quickly"},
		{printed, "two-byte codes of subset fonts decoded", "María Duarte, who has run the Anchor Café for eleven years"},
		{printed, "a paragraph set apart by space", "14 comments\n\nWhen the harbour closed"},
		{printed, "a larger line as a heading", "\n\n## How the losses compare\n\n"},
		{printed, "a bold table row, not a heading", "\n\nBusiness | Change in takings\n\n"},
		{table, "a table read row by row", "\n\nBusiness | Change | Members\n\nCafes on the quay | -64% | 12\n\nShops in the old town | -18% | 40\n\n"},
		{memo, "a bulleted list, an item running over two lines", "proposes:\n\n- a replacement patrol boat for the northern zone, to be in service by the autumn of next year at the very latest;\n\n- a patrol rota that cannot be predicted;\n\n"},
		{memo, "the footnote after the paragraph its page ended in", "carries little weight with buyers.\n\n<!-- page 1 -->\n\nThe rules on frozen fish"},
	} {
		if !strings.Contains(tt.doc, tt.want) {
			t.Errorf("%s: output lacks %q", tt.what, tt.want)
		}
	}
	for _, doc := range []string{harbour, memo} {
		for _, gone := range []string{"Harbour Authority Annual Review 2023", "Annual Review 2023", "Page 1", "Page 2", "Coastal Policy Unit Briefing", "\nBriefing\n", "ﬁ"} {
			if strings.Contains(doc, gone) {
				t.Errorf("output keeps page furniture %q", gone)
			}
		}
	}
	// Reading order: the left column before the right, on every page.
	for _, order := range [][2]string{
		{"by larger vessels in winter conditions", "The reconstruction contract"},
		{"The reconstruction contract", "During construction"},
		{"inside the harbour", "Dredging of the approach"},
		{"### 5. Finances", "### 6. Governance"},
		{"### 6. Governance", "### 7. Outlook"},
	} {
		i, j := strings.Index(harbour, order[0]), strings.Index(harbour, order[1])
		if i < 0 || j < 0 || i > j {
			t.Errorf("%q should come before %q", order[0], order[1])
		}
	}
}

func TestMarkdownPDFScanned(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/pdf/scanned.pdf")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Markdown("letters/scanned.pdf", "", raw)
	if !errors.Is(err, ErrScanned) || !strings.Contains(err.Error(), "letters/scanned.pdf") {
		t.Errorf("Markdown(scanned.pdf) = %v, want ErrScanned naming the file", err)
	}
	locked, err := os.ReadFile("testdata/pdf/locked.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Markdown("locked.pdf", "", locked); !errors.Is(err, ErrEncrypted) || !strings.Contains(err.Error(), "locked.pdf") {
		t.Errorf("Markdown(locked.pdf) = %v, want ErrEncrypted naming the file", err)
	}
	for name, data := range map[string][]byte{
		"truncated.pdf": raw[:len(raw)/2],
		"garbage.pdf":   []byte("%PDF-1.4\nthis is not a PDF at all"),
		"empty.pdf":     nil,
	} {
		if _, err := Markdown(name, "", data); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Markdown(%s) = %v, want an error naming the file", name, err)
		}
	}
}

// A passage of a converted PDF is cited with the page it starts on.
func TestPDFPagesReachPassages(t *testing.T) {
	t.Parallel()
	doc, err := corpus.Parse("memo.md", pdfFixture(t, "memo"))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	want := map[string]int{
		"Inspections of fishing vessels":   1,
		"Neighbouring states that publish": 1,
		"The rules on frozen fish":         1,
		"The unit recommends replacing":    2,
		"the courts be given the power":    2,
	}
	for _, p := range doc.Passages {
		for start, page := range want {
			if strings.Contains(p.Text, start) {
				if p.Page != page {
					t.Errorf("passage %q is on page %d, want %d", start, p.Page, page)
				}
				delete(want, start)
			}
		}
		if p.Heading == "" && p.Ordinal > 0 && strings.Contains(p.Text, "unit recommends") {
			t.Errorf("passage %q has no heading", p.Text)
		}
	}
	for start := range want {
		t.Errorf("no passage holds %q", start)
	}
	// The paragraph running on over the page break is cited with both.
	for _, p := range doc.Passages {
		if strings.Contains(p.Text, "where the courts act quickly") {
			if p.PageLabel() != "pp. 1–2" {
				t.Errorf("passage running over the page break is labelled %q, want %q: %q", p.PageLabel(), "pp. 1–2", p.Text)
			}
		} else if p.LastPage != 0 {
			t.Errorf("passage %q runs to page %d, want it on one page", p.Text, p.LastPage)
		}
	}
}

// BenchmarkMarkdownPDF converts the two-page harbour report.
func BenchmarkMarkdownPDF(b *testing.B) {
	raw, err := os.ReadFile("testdata/pdf/harbour.pdf")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Markdown("harbour.pdf", "", raw); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*2)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkMarkdownHTML converts the fixture web page.
func BenchmarkMarkdownHTML(b *testing.B) {
	raw, err := os.ReadFile("testdata/html/port-strike.html")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Markdown("port-strike.html", "", raw); err != nil {
			b.Fatal(err)
		}
	}
}
