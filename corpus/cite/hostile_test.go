package cite

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// TestFormatsCleanHostileText puts bidirectional controls, terminal escapes
// and links that hide where they go in every field of a reference, and
// checks every format: no control survives (bar the line breaks of the
// formats themselves), block syntax behind a control is still escaped, and
// no such link is linked.
func TestFormatsCleanHostileText(t *testing.T) {
	t.Parallel()
	const rlo, lri, lrm, alm = "\u202E", "\u2066", "\u200E", "\u061C"
	tests := []struct {
		name, url, page string
		wantLink        string // the reference's Link, "" for none
	}{
		{"user info", "https://trusted.example@evil.example/", "https://dossier.example.org/c/x", "https://dossier.example.org/c/x"},
		{"control in the address", "https://example.com/\x1b]8;;https://evil.example\x07", "https://dossier.example.org/c/x", "https://dossier.example.org/c/x"},
		{"line break in the address", "https://example.com/\n[x](https://evil.example)", "", ""},
		{"page with user info", "", "https://dossier.example.org@evil.example/c/x", ""},
		{"bidi in the address, encoded", "https://example.com/" + rlo + "fdp.exe", "", "https://example.com/%E2%80%AEfdp.exe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := Reference{Citation: Citation{
				ID: "b1d10000", DocID: "hostile" + rlo,
				Title:     rlo + "# Title " + lri + "gpj.exe" + "\x1b[2J",
				Publisher: lrm + "Publisher\x00" + alm, Published: rlo + "2024-04-24",
				Author:  "Ann " + rlo + "Smith; \x1b[31mBob\x1b[0m Jones",
				Heading: rlo + "1. Section" + "\u2069",
				Excerpt: rlo + "> quoted " + lri + "text\r\n\x1b[8mhidden\x7f",
				URL:     tt.url, ShownAt: shown,
			}, PageURL: tt.page}
			if got := r.Link(); got != tt.wantLink {
				t.Errorf("Link() = %q, want %q", got, tt.wantLink)
			}
			csl, err := CSLJSON([]Reference{r})
			if err != nil {
				t.Fatal(err)
			}
			var items []Item
			if err := json.Unmarshal(csl, &items); err != nil {
				t.Fatal(err)
			}
			for format, out := range map[string]string{
				"Markdown":     r.Markdown(),
				"MarkdownList": MarkdownList(rlo+"# Heading", []Reference{r}),
				"Plain":        r.Plain(),
				"CSL-JSON":     itemsText(items),
			} {
				if i := strings.IndexFunc(out, func(c rune) bool {
					return unicode.Is(unicode.Bidi_Control, c) || (unicode.IsControl(c) && c != '\n')
				}); i >= 0 {
					t.Errorf("%s keeps %q:\n%q", format, []rune(out[i:])[0], out)
				}
				for _, bad := range []string{"evil.example", "[x](https"} {
					if strings.Contains(out, bad) {
						t.Errorf("%s keeps %q:\n%s", format, bad, out)
					}
				}
				if tt.wantLink != "" && !strings.Contains(out, tt.wantLink) {
					t.Errorf("%s does not give the link %q:\n%s", format, tt.wantLink, out)
				}
			}
			md := unescaped(MarkdownList(rlo+"# Heading", []Reference{r}))
			for _, line := range strings.Split(md, "\n") {
				if l := strings.TrimLeft(line, " "); strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "# ·") {
					t.Errorf("MarkdownList: a hidden heading survives: %q", line)
				}
			}
			if line := unescaped(r.Markdown()); strings.Contains(line, "1. Section") || strings.Contains(line, "“#") {
				t.Errorf("Markdown() = %q: block syntax behind a control is not escaped", r.Markdown())
			}
		})
	}
}

// itemsText is every string of the CSL items, one a line: what Zotero or
// citeproc would show.
func itemsText(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		for _, s := range []string{it.ID, it.Type, it.Title, it.ContainerTitle, it.Publisher, it.Section, it.Page, it.URL, it.Note} {
			b.WriteString(s + "\n")
		}
		for _, n := range it.Author {
			b.WriteString(n.Family + " " + n.Given + " " + n.Literal + "\n")
		}
		if it.Issued != nil {
			b.WriteString(it.Issued.Raw + "\n")
		}
		for k, v := range it.Custom {
			b.WriteString(k + " " + v + "\n")
		}
	}
	return b.String()
}
