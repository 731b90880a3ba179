package citepage

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
)

// get fetches path from the fixture's server.
func get(tb testing.TB, f *fixture, path string) (*http.Response, string) {
	tb.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(body)
}

func TestPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"keepers.md": longArticle("Keepers of the Harbor Light", keeperLine)})
	id, r := f.show(t, "Who was the last keeper of the harbor light?", t0)
	if want := cite.ID(r.Doc.ID, r.Passage.Text); id != want || !strings.Contains(r.Passage.Text, "Ada Quill") {
		t.Fatalf("shown %s %q, want id %s of the passage naming Ada Quill", id, r.Passage.Text, want)
	}
	resp, body := get(t, f, f.page(id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET page = %s, want 200\n%s", resp.Status, body)
	}
	for _, want := range []string{
		"<h1>Keepers of the Harbor Light</h1>",
		"Mina Torres · Coastal Heritage Trust · 2022-06",
		`<a href="https://example.org/reports/keepers" rel="noopener noreferrer nofollow">`,
		`<p class="passage cited" id="cited">`,
		"<mark>" + r.Excerpt + "</mark>",
		"Citation <code>" + id + "</code> · first shown 4 December 2026, 10:30 UTC",
		"In season 40 the harbour board", // the passages around it
		"After the automation, volunteers counted 500",
		"<h3>The Last Keeper</h3>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "has since changed") || strings.Contains(body, "removed") {
		t.Errorf("page of a current passage says it changed or was removed")
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'sha256-",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"Content-Type":            "text/html; charset=utf-8",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := resp.Header.Get(h); !strings.HasPrefix(got, want) {
			t.Errorf("header %s = %q, want %q…", h, got, want)
		}
	}
}

func TestPageNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"keepers.md": longArticle("Keepers", keeperLine)})
	id, _ := f.show(t, "Who was the last keeper of the harbor light?", t0)
	// A passage of the index that Dossier never showed.
	unshown := cite.ID("keepers", "History of the Keepers")
	otherSecret := Token([]byte("another secret"), id)
	tests := []struct{ name, path string }{
		{"no token", "/c/" + id},
		{"wrong token", "/c/" + id + "-" + strings.Repeat("0", tokenLen)},
		{"another dossier's token", "/c/" + id + "-" + otherSecret},
		{"token of another id", "/c/" + unshown + "-" + Token(f.secret, id)},
		{"never shown, right token", f.page(unshown)},
		{"token cut short", f.page(id)[:len(f.page(id))-1]},
		{"garbage", "/c/%3Cscript%3E-" + strings.Repeat("a", tokenLen)},
	}
	_, notFoundBody := get(t, f, tests[1].path)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, f, tt.path)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s = %s, want 404", tt.path, resp.Status)
			}
			// Every miss reads the same, so a miss tells nothing of the id.
			if body != notFoundBody {
				t.Errorf("GET %s = %q, want the same body as every 404, %q", tt.path, body, notFoundBody)
			}
		})
	}
}

func TestPageChangedAndRemoved(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"keepers.md": longArticle("Keepers", keeperLine)})
	id, r := f.show(t, "Who was the last keeper of the harbor light?", t0)

	// Re-indexing the same text keeps the id and the page.
	f.sync(t, t0.Add(time.Hour))
	again, _ := f.show(t, "Who was the last keeper of the harbor light?", t0.Add(time.Hour))
	if again != id {
		t.Fatalf("id after re-indexing the same text = %s, want %s", again, id)
	}

	// An edit gives the passage a new id; the old one still resolves,
	// saying so, with the nearest current passage.
	edited := strings.Replace(keeperLine, "1962", "1963", 1)
	f.write(t, map[string]string{"keepers.md": longArticle("Keepers", edited)})
	changedAt := time.Date(2026, 12, 9, 8, 0, 0, 0, time.UTC)
	f.sync(t, changedAt)
	newID, nr := f.show(t, "Who was the last keeper of the harbor light?", changedAt.Add(time.Hour))
	if newID == id || !strings.Contains(nr.Passage.Text, "1963") {
		t.Fatalf("after the edit the passage %q has id %s, want a new one (old %s)", nr.Passage.Text, newID, id)
	}
	res, found, err := Resolve(f.ix, f.st, id)
	if err != nil || !found {
		t.Fatalf("Resolve(%s) = %v, %v", id, found, err)
	}
	if res.Status != Changed || res.At < 0 || res.Passages[res.At].Text != nr.Passage.Text || !res.Since.Equal(changedAt) {
		t.Errorf("Resolve(%s) = %v since %v, nearest %d; want changed since %v, nearest the edited passage", id, res.Status, res.Since, res.At, changedAt)
	}
	_, body := get(t, f, f.page(id))
	for _, want := range []string{
		"This passage has since changed (the document was edited on 2026-12-09); as quoted on 2026-12-04.",
		`<p class="passage cited" id="cited">` + r.Passage.Text,
		`<p class="passage nearest" id="nearest">` + nr.Passage.Text,
		`<a href="#nearest">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page of the changed passage lacks %q", want)
		}
	}

	// Removed from the corpus: the page still shows the passage as quoted.
	f.write(t, map[string]string{"other.md": "---\ntitle: Other\n---\nSomething else entirely, about ferries.\n", "keepers.md": ""})
	removedAt := time.Date(2026, 12, 11, 8, 0, 0, 0, time.UTC)
	f.sync(t, removedAt)
	_, body = get(t, f, f.page(id))
	for _, want := range []string{
		"This document has been removed from the corpus on 2026-12-11; the passage is shown as quoted on 2026-12-04.",
		`<p class="passage cited" id="cited">` + r.Passage.Text,
		"The document is no longer in the corpus.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page of the removed passage lacks %q", want)
		}
	}
}

// TestPageHostile serves a citation whose every field is hostile; the
// browser test checks that nothing runs, this one that nothing comes out
// unescaped.
func TestPageHostile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"keepers.md": longArticle("Keepers", keeperLine), "hostile.md": hostileDocument})
	ids, err := f.st.RecordCitations(state.Shown{At: t0}, []state.KeptCitation{hostile})
	if err != nil {
		t.Fatal(err)
	}
	docID, r := f.show(t, "What does the hostile document say about the breakwater pumps?", t0)
	if r.Doc.ID != "hostile" {
		t.Fatalf("the question about the pumps found %q, want the hostile document", r.Doc.ID)
	}
	allowed := map[string]bool{}
	for _, name := range strings.Fields("html head meta title style body header p code h1 h2 h3 a blockquote pre mark") {
		allowed[name] = true
	}
	for name, page := range map[string]struct {
		id   string
		want []string // shown, as text
	}{
		"kept citation": {ids[0], []string{"&lt;/title&gt;&lt;script&gt;document.title=", "No public link", "&lt;iframe src="}},
		"document":      {docID, []string{"&lt;script&gt;window.pwned=", "The breakwater pumps"}},
	} {
		resp, body := get(t, f, f.page(page.id))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET hostile %s page = %s", name, resp.Status)
		}
		for _, m := range tagPattern.FindAllStringSubmatch(body, -1) {
			tag, el := m[0], strings.ToLower(m[1])
			switch {
			case !allowed[el]:
				t.Errorf("hostile %s page has a <%s> element: %s", name, el, tag)
			case eventAttr.MatchString(tag):
				t.Errorf("hostile %s page has an event attribute: %s", name, tag)
			case el == "a" && !strings.HasPrefix(tag, `<a href="#`) && !strings.HasPrefix(tag, `<a href="https://`):
				t.Errorf("hostile %s page links elsewhere than the page or https: %s", name, tag)
			}
		}
		for _, want := range page.want {
			if !strings.Contains(body, want) {
				t.Errorf("hostile %s page lacks %q: the hostile text must be shown as text", name, want)
			}
		}
		if strings.Count(body, "<style>") != 1 {
			t.Errorf("hostile %s page has %d <style> elements, want the page's own only", name, strings.Count(body, "<style>"))
		}
	}
}

var (
	tagPattern = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)[^>]*>`)
	eventAttr  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
)

// hostile is a citation of a document written to break out of the page.
var hostile = state.KeptCitation{
	DocID:     "hostile",
	Title:     `</title><script>document.title="pwned"</script>`,
	Publisher: `<img src=x onerror="document.title='pwned'">`,
	Author:    `"><style>body{display:none}</style>`,
	Published: `<a href="x">date</a>`,
	URL:       `javascript:document.title='pwned'`,
	Heading:   `<svg onload="document.title='pwned'">`,
	Text:      "Plain words. </p><script>document.title='pwned'</script><p style=\"background:url(https://evil.example/x)\">more</p> <iframe src=\"https://evil.example\"></iframe>",
	Excerpt:   `<b onmouseover="document.title='pwned'">quoted</b>`,
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"keepers.md": longArticle("Keepers", keeperLine)})
	id, _ := f.show(t, "Who was the last keeper of the harbor light?", t0)
	now := t0
	h := f.mux(Config{PerClient: 1, Burst: 3, Now: func() time.Time { return now }})
	status := func(remote string) int {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, f.page(id), nil)
		r.RemoteAddr = remote
		h.ServeHTTP(w, r)
		return w.Code
	}
	for i := range 3 {
		if got := status("192.0.2.1:1000"); got != http.StatusOK {
			t.Fatalf("request %d = %d, want 200 within the burst", i+1, got)
		}
	}
	if got := status("192.0.2.1:1001"); got != http.StatusTooManyRequests {
		t.Errorf("request beyond the burst = %d, want 429", got)
	}
	if got := status("192.0.2.2:1000"); got != http.StatusOK {
		t.Errorf("another client's request = %d, want 200", got)
	}
	now = now.Add(time.Second)
	if got := status("192.0.2.1:1000"); got != http.StatusOK {
		t.Errorf("request a second later = %d, want 200", got)
	}
}

// TestIDStableAcrossRebuilds builds two indexes of the same corpus from
// scratch, in other folders with other states: the passage shown has the
// same id in both, and one's id resolves in the other once shown there.
func TestIDStableAcrossRebuilds(t *testing.T) {
	t.Parallel()
	files := map[string]string{"keepers.md": longArticle("Keepers", keeperLine)}
	a, b := newFixture(t, files), newFixture(t, files)
	const q = "Who was the last keeper of the harbor light?"
	idA, ra := a.show(t, q, t0)
	idB, rb := b.show(t, q, t0.Add(24*time.Hour))
	if idA != idB || ra.Passage.Text != rb.Passage.Text {
		t.Errorf("the same passage has id %s in one build and %s in another", idA, idB)
	}
	if res, found, err := Resolve(b.ix, b.st, idA); err != nil || !found || res.Status != Current {
		t.Errorf("Resolve(%s) in the other build = %v, %v, %v; want current", idA, res.Status, found, err)
	}
}

// TestPagePages shows a converted PDF's page numbers: the cited passage's
// under the quote, and each page's start in the text.
func TestPagePages(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"report.md": "---\ntitle: Harbour Report\n---\n<!-- page 1 -->\nThe first page is about the harbour's history.\n\n<!-- page 2 -->\nThe second page is about the ferry timetable in winter.\n\n<!-- page 7 -->\nThe seventh page is about the lighthouse keeper Ada Quill.\n"})
	id, r := f.show(t, "Who was the lighthouse keeper?", t0)
	if r.Passage.Page != 7 {
		t.Fatalf("the keeper's passage is on page %d, want 7", r.Passage.Page)
	}
	_, body := get(t, f, f.page(id))
	for _, want := range []string{" · page 7</p>", `<p class="gap">Page 2</p>`, `<p class="gap">Page 7</p>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page of a paged document lacks %q", want)
		}
	}
}
