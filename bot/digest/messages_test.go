package digest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// checkMessages fails unless msgs are d's Markdown cut into messages
// within Discord's limit between words, none empty, none ending on a
// heading, with only "(continued)" headings added.
func checkMessages(tb testing.TB, d Digest, msgs []string) {
	tb.Helper()
	var kept []string
	for i, m := range msgs {
		if n := runes(m); n > MaxContent || strings.TrimSpace(m) == "" {
			tb.Fatalf("message %d of %d has %d characters: %q", i, len(msgs), n, m)
		}
		lines := strings.Split(m, "\n")
		if last := lines[len(lines)-1]; strings.HasPrefix(last, "#") {
			tb.Errorf("message %d ends on a heading: %q", i, last)
		}
		for _, l := range lines {
			if !(strings.HasPrefix(l, "## ") && strings.HasSuffix(l, " (continued)")) {
				kept = append(kept, l)
			}
		}
	}
	got, want := strings.Fields(strings.Join(kept, "\n")), strings.Fields(Markdown(d))
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				tb.Fatalf("messages differ from the Markdown at word %d: %q, want %q", i, got[i], want[i])
			}
		}
		tb.Fatalf("messages have %d words, the Markdown %d", len(got), len(want))
	}
}

// randomDigest makes a digest of random size from random words, some of
// them long, with markup characters that escaping lengthens.
func randomDigest(r *rand.Rand) Digest {
	words := []string{"North", "Korea", "*", "[x]", "delegation", "@everyone", "_", "cooperation,", "“quoted”", "Tehran.", "ballistic", "é", "😀"}
	text := func(n int) string {
		var b []string
		for range r.IntN(n) + 1 {
			if r.IntN(40) == 0 {
				b = append(b, strings.Repeat("x", r.IntN(400)+1))
			} else {
				b = append(b, words[r.IntN(len(words))])
			}
		}
		return strings.Join(b, " ")
	}
	d := Digest{Date: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}
	for range r.IntN(20) {
		d.Documents = append(d.Documents, DocumentChange{Document: state.Document{
			Title: text(40), Publisher: text(5), Published: "2024-04", Lead: text(80), URL: "https://example.com/" + text(3),
		}, Change: Change(r.IntN(3))})
	}
	d.MoreDocuments = r.IntN(3)
	for range r.IntN(8) {
		d.Asked = append(d.Asked, state.Asked{Text: text(50), Count: r.IntN(5) + 1,
			Citation: state.Citation{DocID: "x", Title: text(20), Excerpt: text(60), Link: "https://example.com/#:~:text=" + text(2)}})
	}
	for range r.IntN(15) {
		d.Unanswered = append(d.Unanswered, state.Asked{Text: text(50), Count: r.IntN(3) + 1})
	}
	for range r.IntN(5) {
		w := WatchMatches{Query: text(30)}
		for range r.IntN(3) + 1 {
			w.Matches = append(w.Matches, index.Result{Doc: corpus.Document{Title: text(20), Publisher: text(3)}, Excerpt: text(60), Link: "https://example.com/"})
		}
		d.Watches = append(d.Watches, w)
	}
	return d
}

func TestMessagesWithinLimits(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	split := 0
	for i := range 500 {
		d := randomDigest(r)
		msgs := Messages(d)
		if d.Empty() {
			if msgs != nil {
				t.Fatalf("digest %d is empty but gives %d messages", i, len(msgs))
			}
			continue
		}
		if len(msgs) > 1 {
			split++
		}
		checkMessages(t, d, msgs)
	}
	if split < 100 {
		t.Errorf("only %d of 500 random digests needed several messages: the test is too easy", split)
	}
}

func TestMessagesResumeSectionHeading(t *testing.T) {
	t.Parallel()
	d := Digest{Date: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}
	for i := range maxUnanswered {
		d.Unanswered = append(d.Unanswered, state.Asked{Text: fmt.Sprint(i, " ", strings.Repeat("long question ", 14)), Count: 1})
	}
	msgs := Messages(d)
	if len(msgs) < 2 {
		t.Fatalf("Messages gave %d message, want the list split", len(msgs))
	}
	if !strings.HasPrefix(msgs[1], "## Unanswered (continued)\n\n- ") {
		t.Errorf("second message starts %q, want the section heading again", msgs[1][:40])
	}
	checkMessages(t, d, msgs)
}

func FuzzMessages(f *testing.F) {
	f.Add("North Korea-Iran Relations", "In recent months, Iran and North Korea have become backers.", "Who led the delegation?", 3)
	f.Add("**[x](y)**", "@everyone <@1>", "# heading\n- item", 20)
	f.Add(strings.Repeat("word ", 500), strings.Repeat("a", 3000), strings.Repeat("é ", 1500), 15)
	f.Fuzz(func(t *testing.T, title, lead, question string, n int) {
		d := Digest{Date: time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)}
		for i := range min(max(n, 0), 30) {
			d.Documents = append(d.Documents, DocumentChange{Document: state.Document{Title: title, Lead: lead, Publisher: question}, Change: Change(i % 3)})
			d.Unanswered = append(d.Unanswered, state.Asked{Text: question, Count: i})
			d.Asked = append(d.Asked, state.Asked{Text: question, Count: i, Citation: state.Citation{Title: title, Excerpt: lead}})
		}
		msgs := Messages(d)
		for i, m := range msgs {
			if n := runes(m); n > MaxContent || strings.TrimSpace(m) == "" {
				t.Fatalf("message %d has %d characters: %q", i, n, m)
			}
		}
		if d.Empty() != (len(msgs) == 0) {
			t.Fatalf("digest empty %v, %d messages", d.Empty(), len(msgs))
		}
	})
}
