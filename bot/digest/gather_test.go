package digest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

func TestWatchShowsOnlyTheEditedParagraph(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	// Paragraphs long enough to be passages of their own.
	const (
		harbour = "The winter ferry to Skerry Island sails from the old harbour at dawn on Mondays and Thursdays, " +
			"calling at the lighthouse jetty when the sea allows. Islanders say the crossing has not changed in living memory: " +
			"the same two decks, the same brass bell, the same cook serving porridge to anyone awake enough to want it."
		fares = "Fares on the winter ferry rise in January for the first time in six years, the operator said, " +
			"blaming fuel and the cost of the new radar. A return ticket for an adult will cost eleven pounds, " +
			"children under twelve still travel free, and season tickets bought before Christmas keep the old price."
		faresX = "Fares on the winter ferry fall in January, the council decided after a long debate about the island's school " +
			"and the families who cross to it every week. A return ticket for an adult will cost seven pounds, " +
			"children under twelve still travel free, and the council pays the operator the difference."
		gulls = "Gulls nest on the breakwater every spring, and the harbour master has given up chasing them away. " +
			"Birdwatchers come from the mainland to count them, and last year they counted more than four hundred pairs, " +
			"a record that the island's newsletter reported on its front page with a photograph of the largest chick."
	)
	writeDoc(t, dir, "ferry.md", "Ferry Notes", harbour+"\n\n"+fares+"\n\n"+gulls, mtime)
	clock := newFakeClock(time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC))
	w, ix, st := newWatcher(t, dir, clock)
	if _, err := st.AddWatch(state.Watch{GuildID: "g", ChannelID: "c", Query: "winter ferry"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	lastDigest := clock.Now().Add(time.Hour)

	// A day later one of the two matching paragraphs is edited.
	clock.set(clock.Now().Add(24 * time.Hour))
	writeDoc(t, dir, "ferry.md", "Ferry Notes", harbour+"\n\n"+faresX+"\n\n"+gulls, mtime.Add(24*time.Hour))
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}

	in, err := Gather(ctx, st, ix, Window{GuildID: "g", ChannelID: "c", Since: lastDigest, Until: clock.Now().Add(time.Hour), AskedSince: lastDigest})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Watches) != 1 || len(in.Watches[0].Results) < 2 {
		t.Fatalf("Gather watches = %+v, want the watch finding both ferry paragraphs", in.Watches)
	}
	d := Compose(in)
	if len(d.Documents) != 1 || d.Documents[0].Change != Changed {
		t.Errorf("Compose documents = %+v, want ferry changed", d.Documents)
	}
	if len(d.Watches) != 1 || len(d.Watches[0].Matches) != 1 {
		t.Fatalf("Compose watches = %+v, want one match", d.Watches)
	}
	if got := d.Watches[0].Matches[0].Passage.Text; !strings.Contains(got, "council decided") {
		t.Errorf("watch match = %q, want the edited paragraph only (%q)", got, faresX)
	}
}

func TestUnansweredIncludesClosestPassages(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	day := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	cite := []state.Citation{{DocID: "d", Title: "Ferry Notes", Excerpt: "The winter ferry sails at dawn."}}
	for i, q := range []state.Question{
		{Text: "When does the ferry sail?", Reply: state.ReplyAnswered, Citations: cite},
		{Text: "Who pays for the ferry's radar?", Reply: state.ReplyRelated, Citations: cite},
		{Text: "Who pays for the ferry's radar", Reply: state.ReplyRelated, Citations: cite},
		{Text: "What is the weather in Lisbon?", Reply: state.ReplyNone},
		// Logged before replies had kinds.
		{Text: "Where do gulls nest?", Answered: false},
	} {
		q.GuildID, q.ChannelID, q.Time = "g", "c", day.Add(-time.Duration(i+1)*time.Minute)
		if err := st.LogQuestion(q); err != nil {
			t.Fatal(err)
		}
	}
	// No documents are recorded, so no watch is searched: no index.
	in, err := Gather(context.Background(), st, nil, Window{GuildID: "g", Date: day, Since: day.Add(-24 * time.Hour), Until: day, AskedSince: day.Add(-24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	d := Compose(in)
	var asked, unanswered []string
	for _, a := range d.Asked {
		asked = append(asked, a.Text)
	}
	for _, a := range d.Unanswered {
		unanswered = append(unanswered, a.Text+" ("+string(a.Reply)+")")
	}
	if want := "When does the ferry sail?"; strings.Join(asked, "|") != want {
		t.Errorf("Compose(Gather()).Asked = %q, want only %q", asked, want)
	}
	want := []string{"Who pays for the ferry's radar? (related)", "What is the weather in Lisbon? (none)", "Where do gulls nest? (none)"}
	if strings.Join(unanswered, "|") != strings.Join(want, "|") {
		t.Errorf("Compose(Gather()).Unanswered = %q, want %q", unanswered, want)
	}
	md := Markdown(d)
	for _, line := range []string{
		"- Who pays for the ferry's radar? · asked twice · closest passages shown\n",
		"- What is the weather in Lisbon?\n",
	} {
		if !strings.Contains(md, line) {
			t.Errorf("Markdown lacks the line %q:\n%s", line, md)
		}
	}
}
