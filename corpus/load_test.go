package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

const article = `The delegation arrived in Tehran on Tuesday for talks on trade. Officials from both sides met at the ministry and discussed sanctions, shipping and payment channels. The visit was the first of its kind in five years, according to state media.`

func TestLoadSkipsMalformedFiles(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"good.md":              {Data: []byte("---\ntitle: Good\nurl: https://example.org/good\n---\n" + article)},
		"nested/dir/Other.txt": {Data: []byte("Other Title\n\n" + article)},
		"latin1.txt":           {Data: []byte("Caf\xe9 au lait\n\n" + article)},
		"binary.txt":           {Data: []byte("PK\x03\x04\x00\x00binary")},
		"controls.txt":         {Data: []byte(strings.Repeat("\x01\x02\x03 text", 20))},
		"open.md":              {Data: []byte("---\ntitle: Never closed\n\n" + article)},
		"empty.md":             {Data: []byte("---\ntitle: Empty\n---\n\n   \n")},
		"furniture.txt":        {Data: []byte("Title Only\n\nShare\n\nAdvertisement\n")},
		"huge.txt":             {Data: []byte(strings.Repeat("word ", maxFileSize/5+1))},
		"image.png":            {Data: []byte("\x89PNG")},
		".hidden.md":           {Data: []byte(article)},
		".git/config.txt":      {Data: []byte(article)},
		"synonyms.txt":         {Data: []byte("# comment\n\nDPRK = North Korea = Pyongyang\nlonely\nUN, United Nations\n")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	var paths []string
	for _, d := range c.Documents {
		paths = append(paths, d.Path)
	}
	if diff := cmp.Diff([]string{"good.md", "nested/dir/Other.txt"}, paths); diff != "" {
		t.Errorf("Load() documents mismatch (-want +got):\n%s", diff)
	}
	skipped := map[string]string{}
	for _, s := range c.Skipped {
		skipped[s.Path] += s.Error()
	}
	for path, reason := range map[string]string{
		"latin1.txt":    "invalid UTF-8",
		"binary.txt":    "binary",
		"controls.txt":  "binary",
		"open.md":       "never closed",
		"empty.md":      "no text",
		"furniture.txt": "no text",
		"huge.txt":      "more than",
		"synonyms.txt":  "line 4",
	} {
		if !strings.Contains(skipped[path], reason) {
			t.Errorf("Load() skipped %s with %q, want a reason containing %q", path, skipped[path], reason)
		}
	}
	if len(c.Skipped) != 8 {
		t.Errorf("Load() skipped %d files, want 8: %v", len(c.Skipped), c.Skipped)
	}
	want := [][]string{{"DPRK", "North Korea", "Pyongyang"}, {"UN", "United Nations"}}
	if diff := cmp.Diff(want, c.Synonyms); diff != "" {
		t.Errorf("Load() synonyms mismatch (-want +got):\n%s", diff)
	}
	for _, d := range c.Documents {
		checkPassages(t, d)
	}
}

func TestLoadMissingFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "missing")
	if c, err := Load(os.DirFS(dir)); err == nil {
		t.Errorf("Load(%q) = %v, want an error", dir, c)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want Document
	}{
		{
			name: "front matter",
			raw:  "---\ntitle: \"Quoted: Title\"\nurl: 'https://example.org/a'\npublisher: Example News\npublished: 2024-04\nauthor: Jane Doe\ntags: ignored\n# comment\n---\n" + article,
			want: Document{Title: "Quoted: Title", URL: "https://example.org/a", Publisher: "Example News", Published: "2024-04", Author: "Jane Doe"},
		},
		{
			name: "title from first line",
			raw:  "\uFEFFFirst Line Title\r\n\r\n" + article,
			want: Document{Title: "First Line Title"},
		},
		{
			name: "markdown title",
			raw:  "# Markdown Title\n\n" + article,
			want: Document{Title: "Markdown Title"},
		},
		{
			name: "front matter without title",
			raw:  "---\npublisher: X\n---\nLine Title\n" + article,
			want: Document{Title: "Line Title", Publisher: "X"},
		},
		{
			name: "who added it",
			raw:  "---\ntitle: Added\nadded_by: \"Ana <@123>\"\nadded_at: 2026-12-04T15:00:00Z\n---\n" + article,
			want: Document{Title: "Added", AddedBy: "Ana <@123>", AddedAt: "2026-12-04T15:00:00Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse("a/b.md", []byte(tt.raw))
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.raw, err)
			}
			if got.Text != article {
				t.Errorf("Parse(%q).Text = %q, want %q", tt.raw, got.Text, article)
			}
			tt.want.ID, tt.want.Path = "a-b", "a/b.md"
			got.Text, got.Passages, got.Hash = "", nil, ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
}

func TestParseHash(t *testing.T) {
	t.Parallel()
	d, err := Parse("x.txt", []byte("Title\n\n"+article))
	if err != nil {
		t.Fatal(err)
	}
	// The SHA-256 of the raw bytes, computed independently with sha256sum.
	const want = "4c5e3879f29b72ad83698c43f7ccc135b231b832e1292fd4d0405d647223c161"
	if d.Hash != want {
		t.Errorf("Parse().Hash = %q, want %q", d.Hash, want)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"article.md":                  "article",
		"News/2024/Big Story!.txt":    "news-2024-big-story",
		"a--b__c.md":                  "a-b-c",
		"Ünïcode Straße.md":           "ünïcode-straße",
		"---.md":                      "doc",
		"38north-north-korea-iran.md": "38north-north-korea-iran",
		"dir.with.dots/file.name.txt": "dir-with-dots-file-name",
	}
	for path, want := range tests {
		if got := slug(path); got != want {
			t.Errorf("slug(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestUniqueIDs(t *testing.T) {
	t.Parallel()
	body := []byte("Title\n\n" + article)
	fsys := fstest.MapFS{
		"a-b.md":   {Data: body},
		"a/b.md":   {Data: body},
		"A B.txt":  {Data: body},
		"a-b-2.md": {Data: body},
	}
	want := map[string]string{"A B.txt": "a-b", "a-b-2.md": "a-b-2", "a-b.md": "a-b-3", "a/b.md": "a-b-4"}
	for range 2 { // loading twice must give the same IDs
		c, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, d := range c.Documents {
			got[d.Path] = d.ID
			for _, p := range d.Passages {
				if p.DocID != d.ID || !strings.HasPrefix(p.ID, d.ID+"#") {
					t.Errorf("passage %s of %s has DocID %q", p.ID, d.ID, p.DocID)
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Load() IDs mismatch (-want +got):\n%s", diff)
		}
	}
}

func TestParseSynonyms(t *testing.T) {
	t.Parallel()
	text := "# team synonyms\n\nDPRK = North Korea = Pyongyang\n  Iran ,Islamic  Republic of Iran, Tehran # the capital stands for the state\nC# = C sharp\nsolo\n= = \nUS = us = United States\n"
	groups, errs := parseSynonyms(text)
	want := [][]string{
		{"DPRK", "North Korea", "Pyongyang"},
		{"Iran", "Islamic Republic of Iran", "Tehran"},
		{"C#", "C sharp"},
		{"US", "United States"},
	}
	if diff := cmp.Diff(want, groups); diff != "" {
		t.Errorf("parseSynonyms() groups mismatch (-want +got):\n%s", diff)
	}
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, err.Error()[:7])
	}
	if diff := cmp.Diff([]string{"line 6:", "line 7:"}, msgs); diff != "" {
		t.Errorf("parseSynonyms() errors mismatch (-want +got):\n%s", diff)
	}
}

func TestFileError(t *testing.T) {
	t.Parallel()
	err := &FileError{Path: "a.md", Err: ErrEmpty}
	if !errors.Is(err, ErrEmpty) || !strings.HasPrefix(err.Error(), "a.md: ") {
		t.Errorf("FileError = %q, want it to wrap %v with the path", err, ErrEmpty)
	}
}

func TestFrontMatterRoundTrip(t *testing.T) {
	t.Parallel()
	want := Document{
		Title: `A "quoted" title: with # and \ in it`, Publisher: "Example\nNews", Published: "2024-04-24",
		Author: "Jane Doe", URL: "https://example.org/a?b=1#c", AddedBy: "Ana — <@123>", AddedAt: "2026-12-04T15:00:00Z",
	}
	raw := FrontMatter(want) + "\n" + article
	got, err := Parse("x.md", []byte(raw))
	if err != nil {
		t.Fatalf("Parse(FrontMatter(%+v)) error: %v", want, err)
	}
	want.Publisher = "Example News" // one line
	got.ID, got.Path, got.Hash, got.Text, got.Passages = "", "", "", "", nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse(FrontMatter()) mismatch (-want +got):\n%s", diff)
	}
	if body := Body(raw); body != "\n"+article {
		t.Errorf("Body() = %q, want the article", body)
	}
	if body := Body(article); body != article {
		t.Errorf("Body(no front matter) = %q, want it all", body)
	}
}
