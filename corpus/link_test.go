package corpus

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLink(t *testing.T) {
	t.Parallel()
	const base = "https://example.org/2023/11/article/"
	tests := []struct {
		name  string
		url   string
		quote string
		want  string
	}{
		{"no url", "", "anything", ""},
		{"empty quote", base, "  ", base},
		{"short quote", base, "Kim Yong Nam", base + "#:~:text=Kim%20Yong%20Nam"},
		{"syntax characters", base, "Iran-North Korea, & more", base + "#:~:text=Iran%2DNorth%20Korea%2C%20%26%20more"},
		{"existing fragment", base + "#comments", "Hamas", base + "#:~:text=Hamas"},
		{"unicode", base, "Trump’s “JCPOA”", base + "#:~:text=Trump%E2%80%99s%20%E2%80%9CJCPOA%E2%80%9D"},
		{"long quote", base, "one two three four five six seven eight nine ten eleven",
			base + "#:~:text=one%20two%20three%20four%20five,seven%20eight%20nine%20ten%20eleven"},
		{"whitespace collapsed", base, "a\n\nb\tc", base + "#:~:text=a%20b%20c"},
		{"list markers dropped", base, "Key points\n- one\n- two - three", base + "#:~:text=Key%20points%20one%20two%20%2D%20three"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Document{URL: tt.url}
			if got := d.Link(tt.quote); got != tt.want {
				t.Errorf("Document{URL: %q}.Link(%q) = %q, want %q", tt.url, tt.quote, got, tt.want)
			}
		})
	}
}

// TestLinkRoundTrip decodes the fragment of links to real passages and
// checks it names the quote's words.
func TestLinkRoundTrip(t *testing.T) {
	t.Parallel()
	c, err := Load(Builtin())
	if err != nil {
		t.Fatalf("Load(Builtin()) error: %v", err)
	}
	for _, d := range c.Documents {
		if d.URL == "" {
			if got := d.Link("anything"); got != "" {
				t.Errorf("%s.Link() = %q, want \"\" for a document without URL", d.ID, got)
			}
			continue
		}
		for _, p := range d.Passages {
			link := d.Link(p.Text)
			base, frag, ok := strings.Cut(link, "#:~:text=")
			if !ok || base != d.URL {
				t.Fatalf("%s.Link(passage %s) = %q, want %q with a text fragment", d.ID, p.ID, link, d.URL)
			}
			if strings.ContainsAny(frag, " -&#") {
				t.Errorf("fragment %q has unencoded syntax characters", frag)
			}
			var got []string
			for _, part := range strings.Split(frag, ",") {
				s, err := url.PathUnescape(part)
				if err != nil {
					t.Fatalf("decode %q: %v", part, err)
				}
				got = append(got, s)
			}
			words := strings.Fields(strings.ReplaceAll(p.Text, "\n- ", "\n"))
			want := []string{strings.Join(words, " ")}
			if len(words) > 2*fragmentWords {
				want = []string{strings.Join(words[:fragmentWords], " "), strings.Join(words[len(words)-fragmentWords:], " ")}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decoded fragment of %s mismatch (-want +got):\n%s", p.ID, diff)
			}
		}
	}
}

func TestCitation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  Document
		want string
	}{
		{Document{Title: "T", Publisher: "P", Published: "2024-04"}, "T — P, 2024-04"},
		{Document{Title: "T", Publisher: "P"}, "T — P"},
		{Document{Title: "T", Published: "2024"}, "T — 2024"},
		{Document{Title: "T"}, "T"},
		{Document{Publisher: "P", Published: "2024"}, "P, 2024"},
		{Document{}, ""},
	}
	for _, tt := range tests {
		if got := tt.doc.Citation(); got != tt.want {
			t.Errorf("%+v.Citation() = %q, want %q", tt.doc, got, tt.want)
		}
	}
}

func TestLinkAt(t *testing.T) {
	t.Parallel()
	d := Document{URL: "https://port.example/report.pdf#section-2"}
	if got, want := d.LinkAt(12, "Customs inspections doubled"), "https://port.example/report.pdf#page=12"; got != want {
		t.Errorf("LinkAt(12) = %q, want %q", got, want)
	}
	if got, want := d.LinkAt(0, "Customs"), d.Link("Customs"); got != want {
		t.Errorf("LinkAt(0) = %q, want Link's %q", got, want)
	}
	if got := (Document{}).LinkAt(3, "Customs"); got != "" {
		t.Errorf("LinkAt without a URL = %q, want none", got)
	}
}
