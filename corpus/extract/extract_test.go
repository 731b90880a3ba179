package extract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus/golden"
	"golang.org/x/net/html"
)

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	golden.CheckFile(tb, filepath.Join("testdata", name), string(got))
}

func TestMarkdownHTMLGolden(t *testing.T) {
	t.Parallel()
	pages, err := filepath.Glob("testdata/html/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no fixture pages: %v", err)
	}
	for _, p := range pages {
		t.Run(filepath.Base(p), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			md, err := Markdown(filepath.Base(p), "", raw)
			if err != nil {
				t.Fatalf("Markdown(%q) = %v", p, err)
			}
			checkGolden(t, strings.TrimPrefix(strings.TrimSuffix(p, ".html")+".md", "testdata/"), md)
		})
	}
}

// The fixture page's article is kept and the page around it is not.
func TestMarkdownHTMLDropsFurniture(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/html/port-strike.html")
	if err != nil {
		t.Fatal(err)
	}
	md, err := Markdown("https://mirror.example/saved/port.html", "text/html; charset=utf-8", raw)
	if err != nil {
		t.Fatalf("Markdown() = %v", err)
	}
	got := string(md)
	for _, want := range []string{
		`url: "https://harbourgazette.example/news/2024/dockworkers-end-strike"`,
		`title: "Dockworkers end strike after pay deal"`,
		`publisher: "The Harbour Gazette"`,
		`published: "2024-03-14"`,
		`author: "Maria Lindqvist"`,
		"## What the deal changes",
		"- Night shifts keep a minimum crew of twelve.",
		"> “We have won security",
		"review the rules on port automation",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown() lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"cookies", "Accept all", "Share on", "Related stories", "Strike shuts three ports",
		"About time they settled", "newsletter", "All rights reserved", "Advertisement"} {
		if strings.Contains(got, gone) {
			t.Errorf("Markdown() keeps %q:\n%s", gone, got)
		}
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, ctype string
		data        string
		want        Kind
		err         error
	}{
		{"a.html", "", "<p>x</p>", KindHTML, nil},
		{"A.HTM", "", "x", KindHTML, nil},
		{"report.pdf", "", "%PDF-1.4", KindPDF, nil},
		{"notes.md", "", "# x", KindMarkdown, nil},
		{"notes.txt", "", "x", KindText, nil},
		{"https://example.org/a", "text/html; charset=utf-8", "x", KindHTML, nil},
		{"https://example.org/a.md", "text/plain", "x", KindMarkdown, nil},
		{"https://example.org/download", "application/octet-stream", "%PDF-1.7\n", KindPDF, nil},
		{"noext", "", "<!DOCTYPE html><html><body>x</body></html>", KindHTML, nil},
		{"image.png", "image/png", "\x89PNG", "", ErrUnsupported},
		{"data.bin", "", "\x00\x01\x02\x03", "", ErrUnsupported},
	} {
		got, err := Detect(tt.name, tt.ctype, []byte(tt.data))
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Detect(%q, %q) = %q, %v, want %q, %v", tt.name, tt.ctype, got, err, tt.want, tt.err)
		}
	}
}

func TestMarkdownText(t *testing.T) {
	t.Parallel()
	md, err := Markdown("https://example.org/notes.txt", "", []byte("Plain notes\n\nSome text."))
	if err != nil {
		t.Fatalf("Markdown() = %v", err)
	}
	if want := "---\nurl: \"https://example.org/notes.txt\"\n---\n\nPlain notes\n\nSome text."; string(md) != want {
		t.Errorf("Markdown() = %q, want %q", md, want)
	}
	withFM := "---\ntitle: Kept\n---\nBody"
	if md, err := Markdown("kept.md", "", []byte(withFM)); err != nil || string(md) != withFM {
		t.Errorf("Markdown(front matter) = %q, %v, want it unchanged", md, err)
	}
	if _, err := Markdown("empty.txt", "", []byte(" \n ")); !errors.Is(err, ErrNoText) || !strings.Contains(err.Error(), "empty.txt") {
		t.Errorf("Markdown(empty) = %v, want ErrNoText naming the file", err)
	}
	if _, err := Markdown("pic.gif", "", []byte("GIF89a")); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "pic.gif") {
		t.Errorf("Markdown(gif) = %v, want ErrUnsupported naming the file", err)
	}
}

func TestPageURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, head, want string }{
		{"saved.html", `<link rel="canonical" href="https://a.example/x">`, "https://a.example/x"},
		{"saved.html", `<meta property="og:url" content="https://a.example/og">`, "https://a.example/og"},
		{"saved.html", `<link rel="canonical" href="/rel">`, ""},
		{"saved.html", `<base href="https://b.example/dir/"><link rel="canonical" href="/rel">`, "https://b.example/rel"},
		{"saved.html", `<base href="https://b.example/dir/">`, ""},
		{"https://c.example/a/b?utm=1", `<link rel="canonical" href="/a/b">`, "https://c.example/a/b"},
		{"https://c.example/page", ``, "https://c.example/page"},
		{"saved.html", `<link rel="canonical" href="javascript:alert(1)">`, ""},
	} {
		doc, err := html.Parse(strings.NewReader("<html><head>" + tt.head + "</head><body><p>x</p></body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		if got := pageURL(doc, tt.name); got != tt.want {
			t.Errorf("pageURL(%s, %q) = %q, want %q", tt.name, tt.head, got, tt.want)
		}
	}
}

func TestPreferOwn(t *testing.T) {
	t.Parallel()
	post := "The council voted on Tuesday to close the old harbour road to lorries from the spring onwards."
	rest := " Residents had asked for the change for years, citing noise, dust and two serious accidents near the school."
	comment := "Great post, thanks for writing it up. I have been following this debate on the forum for a long while now."
	for _, tt := range []struct{ name, own, fallback, want string }{
		{"same text", post, post, post},
		{"fallback finds the rest of a cut-short article", post, post + rest, post + rest},
		{"fallback narrows an over-wide extraction", post + rest + " " + comment, post + rest, post + rest},
		{"fallback reads another part of the page", post, comment + " " + comment, post},
		{"fallback shares a phrase only", post + rest, comment + " The council voted on Tuesday to close it.", post + rest},
	} {
		if got := preferOwn(tt.own, tt.fallback); got != tt.want {
			t.Errorf("%s: preferOwn(%q, %q) = %q, want %q", tt.name, tt.own, tt.fallback, got, tt.want)
		}
	}
}

func TestDropHeadingRuns(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in, want string }{
		{"sections with text", "# T\n\n## A\n\ntext a\n\n## B\n\ntext b", "# T\n\n## A\n\ntext a\n\n## B\n\ntext b"},
		{"headline, standfirst and a section", "# T\n\n## Deck\n\n### First\n\ntext", "# T\n\n## Deck\n\n### First\n\ntext"},
		{"teasers after the article", "text\n\n#### More:\n\n#### Other story\n\n#### Third story\n\nend", "text\n\nend"},
		{"teasers with standfirsts", "text\n\n### One\n\n#### sub one\n\n### Two\n\n#### sub two", "text"},
		{"a headline is never a teaser", "### a\n\n### b\n\n### c\n\n# Headline\n\ntext", "# Headline\n\ntext"},
		{"two headings are kept", "text\n\n## A\n\n### B\n\nmore", "text\n\n## A\n\n### B\n\nmore"},
		{"part, chapter, section", "## Part\n\n### Chapter\n\n#### Section\n\ntext", "## Part\n\n### Chapter\n\n#### Section\n\ntext"},
		{"escaped hashes are text", "\\## a\n\n\\## b\n\n\\## c", "\\## a\n\n\\## b\n\n\\## c"},
	} {
		if got := dropHeadingRuns(tt.in); got != tt.want {
			t.Errorf("%s: dropHeadingRuns(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
