package digest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

// TestPostedDigestListsItsCitations: a citation a digest quotes is listed
// in the channel with the message that quotes it, once posted, and not
// before.
func TestPostedDigestListsItsCitations(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	subscribe(t, st, "c", "09:00", "UTC", nine.Add(-48*time.Hour))
	// The question was answered privately: its citation is kept, shown to
	// the asker, and listed nowhere.
	ids, err := st.RecordCitations(state.Shown{At: nine.Add(-time.Hour), GuildID: "g", UserID: "u"}, []state.KeptCitation{{
		DocID: "harbour", Title: "Harbour Notes", Text: "Ada Brand kept the light through the storm of 1911.", Excerpt: "Ada Brand kept the light",
	}})
	if err != nil {
		t.Fatal(err)
	}
	q := state.Question{GuildID: "g", ChannelID: "c", Text: "Who kept the light?", Reply: state.ReplyAnswered, Answered: true, Time: nine.Add(-time.Hour),
		Citations: []state.Citation{{ID: ids[0], DocID: "harbour", Title: "Harbour Notes", Excerpt: "Ada Brand kept the light"}}}
	if err := st.LogQuestion(q); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(nine)
	d := newDiscord(clock)
	d.fail = func(string, int) error { return errors.New("503 Service Unavailable") }
	s := scheduler(st, clock, d, nil)
	if err := s.Tick(t.Context()); err == nil {
		t.Fatal("Tick() with Discord down = nil, want the error")
	}
	if listed, _ := st.CitationsIn("c", 0); len(listed) != 0 {
		t.Errorf("before the digest is posted the channel lists %+v, want nothing", listed)
	}

	d.fail = nil
	clock.set(nine.Add(time.Minute))
	tick(t, s)
	msgs := d.msgs["c"]
	if len(msgs) == 0 || !strings.Contains(msgs[0].Content, "· cite "+ids[0]) {
		t.Fatalf("digest posted %+v, want the question's citation named", msgs)
	}
	listed, err := st.CitationsIn("c", 0)
	if err != nil || len(listed) != 1 || listed[0].ID != ids[0] || listed[0].MessageID != msgs[0].ID {
		t.Errorf("CitationsIn() = %+v, %v; want %s listed with message %s", listed, err, ids[0], msgs[0].ID)
	}
}
