package cite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/corpus/golden"
)

var shown = time.Date(2026, 12, 4, 15, 30, 0, 0, time.UTC)

// references are citations of the built-in corpus as Dossier shows them,
// one of a paginated report, and one whose every field is hostile.
func references() []Reference {
	return []Reference{
		{Citation: Citation{
			ID: "c7k2mq9d", DocID: "bloomberg-north-korea-sends-top-delegation-to-iran-amid-growing-concerns",
			Title:     "North Korea Sends Top Delegation to Iran Amid Growing Concerns Over Military Cooperation",
			Publisher: "Bloomberg (republished by phbiznews.com)", Published: "2024-04-24",
			Author:  "Soo-hyang Choi, Jon Herskovitz",
			URL:     "https://phbiznews.com/hot-news/north-korea-sends-top-delegation-to-iran-amid-growing-concerns-over-military-cooperation/",
			Text:    "North Korea sent a delegation led by its minister of external economic relations, Yun Jong Ho, to Iran.",
			Excerpt: "North Korea sent a delegation led by its minister of external economic relations, Yun Jong Ho, to Iran.",
			ShownAt: shown,
		}, PageURL: "https://dossier.example.org/c/c7k2mq9d.Zm9vYmFy"},
		{Citation: Citation{
			ID: "b3nn0url", DocID: "bnn-breaking-iran-denies-north-korean-visit-amid-military-cooperation-concerns",
			Title:     "Iran Denies North Korean Visit Amid Military Cooperation Concerns",
			Publisher: "BNN Breaking", Published: "2024-04", Author: "Momen Zellmi",
			Heading: "Iran Denies North Korean Visit Amid Military Cooperation Concerns",
			Text:    "However, Iran's foreign ministry spokesperson dismissed speculation of military cooperation, calling it \"biased and baseless.\"",
			ShownAt: shown,
		}, PageURL: "https://dossier.example.org/c/b3nn0url.YmF6cXV4"},
		{Citation: Citation{
			ID: "n0page00", DocID: "38north-north-korea-iran-relations-post-jcpoa",
			Title: "North Korea-Iran Relations Post-JCPOA", Publisher: "38 North", Published: "2023-11",
			URL:     "https://www.38north.org/2023/11/north-korea-iran-relations-post-jcpoa/",
			Excerpt: "Since the JCPOA, cooperation has continued …",
			ShownAt: shown,
		}},
		{Citation: Citation{
			ID: "r3port42", DocID: "annual-review", Title: "Annual Review 2025", Publisher: "Institute for Studies",
			Published: "Spring 2025", Author: "Herskovitz, Jon", Page: 42, Heading: "Sanctions",
			Excerpt: "Trade rose 40% in 2024.", ShownAt: shown,
		}},
		{Citation: Citation{
			ID: "h0st1le0", DocID: "hostile",
			Title:     "# [Click me](https://evil.example) <script>alert(1)</script> *bold* @everyone",
			Publisher: "_Evil_ `Corp` | ~~x~~", Published: "2024-13-45", Author: "ludwig van Beethoven; [x](y)",
			URL:     "javascript:alert(1)",
			Heading: "1. list\n> quote",
			Excerpt: "See [the docs](https://evil.example/phish) and <img src=x onerror=alert(1)> &amp; $x^2$ [@smith04] ![i](u)\n\n# Heading",
			ShownAt: shown,
		}, PageURL: "https://dossier.example.org/c/h0st1le0.dG9rZW4"},
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ format, file string }{
		{"markdown", "references.md.golden"},
		{"csl-json", "references.json.golden"},
		{"text", "references.txt.golden"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			got, err := Render(tc.format, references())
			if err != nil {
				t.Fatalf("Render(%q) = %v", tc.format, err)
			}
			golden.CheckFile(t, filepath.Join("testdata", tc.file), string(got))
		})
	}
}

func TestMarkdownLineGolden(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for _, r := range references() {
		b.WriteString(r.Markdown() + "\n")
	}
	golden.CheckFile(t, filepath.Join("testdata", "reference-line.md.golden"), b.String())
}

func TestRenderUnknownFormat(t *testing.T) {
	t.Parallel()
	if _, err := Render("bibtex", references()); err == nil || !strings.Contains(err.Error(), "markdown, csl-json, text") {
		t.Errorf("Render(%q) = %v, want an error naming the formats", "bibtex", err)
	}
}

// unescaped removes backslash escapes, leaving only the characters that
// Markdown would read as syntax.
func unescaped(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) {
			i++
			b.WriteRune('·')
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// TestMarkdownCannotBeForged checks that a document's text adds no syntax:
// the only links are Dossier's own, and no emphasis, HTML, math or
// citation syntax survives unescaped.
func TestMarkdownCannotBeForged(t *testing.T) {
	t.Parallel()
	hostile := references()[4]
	for name, md := range map[string]string{
		"Markdown":     hostile.Markdown(),
		"MarkdownList": MarkdownList("# [x](y) *z*", []Reference{hostile}),
	} {
		t.Run(name, func(t *testing.T) {
			raw := unescaped(md)
			// The title links to the citation's page (the URL is not
			// http), the id to the page too; nothing else links.
			if got, want := strings.Count(raw, "]("), 2; got != want {
				t.Errorf("%s has %d links, want %d:\n%s", name, got, want, md)
			}
			for _, bad := range []string{"javascript:", "<script", "<img", "&amp;", "$x", "[@", "![", "`", "_Evil_", "~~"} {
				if strings.Contains(raw, bad) && !strings.Contains(md, "\\"+bad[:1]) {
					t.Errorf("%s keeps %q unescaped:\n%s", name, bad, md)
				}
			}
			for _, line := range strings.Split(raw, "\n") {
				trimmed := strings.TrimLeft(line, " ")
				if strings.HasPrefix(trimmed, "#") && !strings.HasPrefix(line, "# ·") {
					t.Errorf("%s: document text starts a heading: %q", name, line)
				}
			}
			if strings.Count(raw, "*")%2 != 0 || strings.Count(raw, "*") > 2 {
				t.Errorf("%s: emphasis beyond the publisher's italics:\n%s", name, md)
			}
		})
	}
}

func TestAuthorNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Momen Zellmi", []string{"Momen Zellmi"}},
		{"Soo-hyang Choi, Jon Herskovitz", []string{"Soo-hyang Choi", "Jon Herskovitz"}},
		{"Herskovitz, Jon", []string{"Jon Herskovitz"}},
		{"A. Smith and B. Jones", []string{"A. Smith", "B. Jones"}},
		{"Smith, Ann; Jones, Bob", []string{"Smith, Ann", "Jones, Bob"}},
		{"Reuters staff", []string{"Reuters staff"}},
	} {
		got := authorNames(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("authorNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
