package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
)

// TestDigestNeutralisesBidiControls renders a digest whose documents and
// questions are full of bidirectional controls and checks that none
// reaches its Markdown or its messages.
func TestDigestNeutralisesBidiControls(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	bidi := "Pay \u202Ethe sum\u202C of \u2066001\u2069 to \u061CAlice\u200E\u200F, \u202A\u202B\u202D\u2067\u2068"
	d := Compose(Input{Date: now, Since: now.Add(-time.Hour), Until: now,
		Documents: []state.Document{{ID: "x", Title: bidi, Publisher: bidi, Published: bidi, Lead: bidi,
			URL: "https://example.com/\u202Eok", FirstSeen: now, Changed: now}},
		Asked:      []state.Asked{{Text: bidi, Count: 3, Citation: state.Citation{DocID: "x", Title: bidi, Publisher: bidi, Excerpt: bidi, Link: "https://example.com/ok#\u2066"}}},
		Unanswered: []state.Asked{{Text: bidi, Count: 1}, {Text: bidi, Count: 2, Reply: state.ReplyRelated}},
	})
	md := Markdown(d)
	for name, text := range map[string]string{"Markdown": md, "Messages": strings.Join(Messages(d), "\n")} {
		if i := strings.IndexFunc(text, markdown.IsBidiControl); i >= 0 {
			t.Errorf("%s holds a bidirectional control at byte %d:\n%q", name, i, text)
		}
	}
	if !strings.Contains(md, "Pay the sum of 001 to Alice") {
		t.Errorf("Markdown lost the text around the controls:\n%s", md)
	}
}
