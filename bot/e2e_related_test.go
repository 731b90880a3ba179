package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// The embed colours of an answer's passages and of the closest passages,
// as Discord receives them.
const (
	answerColor  = 0x2b6cb0
	relatedColor = 0xa0aec0
)

const notDirectly = "No passage answers this question directly."

// nearQuestions each ask about something the ferry corpus mentions
// (radar, breakwater, gulls, ferry) but says nothing of what is asked:
// passages come near them, none answers them.
var nearQuestions = []string{
	"Who repairs the ferry radar?",
	"Who paints the harbour breakwater?",
	"Who feeds the harbour gulls?",
	"Who insures the winter ferry?",
}

// ferryIndex is an index of a small corpus written for these tests.
func ferryIndex(tb testing.TB) *index.Index {
	tb.Helper()
	doc := func(title, publisher, slug string, paragraphs ...string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: %s\npublisher: %s\npublished: 2024-03\nurl: https://example.com/%s\n---\n%s\n",
			title, publisher, slug, strings.Join(paragraphs, "\n\n")))}
	}
	files := fstest.MapFS{
		"ferry.md": doc("Ferry Notes", "Island Gazette", "ferry",
			"The winter ferry to Skerry Island sails from the old harbour at dawn on Mondays and Thursdays, calling at the lighthouse jetty when the sea allows. "+
				"Islanders say the crossing has not changed in living memory: the same two decks, the same brass bell, the same cook serving porridge to anyone awake enough to want it.",
			"Fares on the winter ferry rise in January for the first time in six years, the operator said, blaming fuel and the cost of the new radar. "+
				"A return ticket for an adult will cost eleven pounds, children under twelve still travel free, and season tickets bought before Christmas keep the old price.",
			"Gulls nest on the breakwater by the harbour every spring, and the harbour master has given up chasing them away. "+
				"Birdwatchers come from the mainland to count them, and last year they counted more than four hundred pairs, "+
				"a record that the island's newsletter reported on its front page with a photograph of the largest chick."),
		"school.md": doc("School Board Minutes", "Skerry Council", "school",
			"The school board met in the village hall to discuss the new roof. The contractor, Morven Slaters, quoted forty thousand pounds and promised to finish before the autumn term. "+
				"Two members asked for a second quote; the chair agreed to seek one from the mainland.",
			"The board also heard that the school's orchard produced a record crop of damsons, which the pupils sold at the harvest fair to pay for a new telescope for the science room."),
	}
	c, err := corpus.Load(files)
	if err != nil {
		tb.Fatalf("load the ferry corpus: %v", err)
	}
	ix, err := index.NewMemory()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatalf("index the ferry corpus: %v", err)
	}
	return ix
}

// nearQuestion is the first of nearQuestions that Ask answers with two
// or more closest passages, and that answer; more than one is tried so
// that tuning the index's thresholds does not break the tests.
func nearQuestion(tb testing.TB, ix *index.Index) (string, index.Answer) {
	tb.Helper()
	for _, q := range nearQuestions {
		a, err := ix.Ask(context.Background(), q, 3)
		if err != nil {
			tb.Fatal(err)
		}
		if a.Kind() == index.Related && len(a.Related) >= 2 {
			return q, a
		}
	}
	tb.Fatalf("Ask gives none of %q two closest passages; the tests want another question", nearQuestions)
	return "", index.Answer{}
}

// outcomes records the outcomes the bot reports.
type outcomes struct {
	mu   sync.Mutex
	seen []bot.Outcome
}

func (o *outcomes) Question(outcome bot.Outcome, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seen = append(o.seen, outcome)
}

func (o *outcomes) DiscordError(string)       {}
func (o *outcomes) RateLimited(time.Duration) {}

// wait returns the outcomes once there are n, or all there are after a
// while: the bot reports an outcome after sending the reply.
func (o *outcomes) wait(n int) []bot.Outcome {
	deadline := time.Now().Add(20 * time.Second)
	for {
		o.mu.Lock()
		seen := slices.Clone(o.seen)
		o.mu.Unlock()
		if len(seen) >= n || time.Now().After(deadline) {
			return seen
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkClosest checks that m shows passages as the closest, in the muted
// colour, each as the index found it.
func checkClosest(tb testing.TB, m *discordtest.Message, want []index.Result) {
	tb.Helper()
	if len(m.Embeds) != len(want) {
		tb.Fatalf("reply has %d embeds, want the %d closest passages: %+v", len(m.Embeds), len(want), m.Embeds)
	}
	for i, e := range m.Embeds {
		if e.Color != relatedColor {
			tb.Errorf("passage %d colour = %#x, want the muted %#x", i+1, e.Color, relatedColor)
		}
		if e.Title != want[i].Doc.Title || e.URL != want[i].Link || !strings.HasPrefix(e.Description, "> ") {
			tb.Errorf("passage %d = %q linked to %q, %q; want %q quoted and linked to %q", i+1, e.Title, e.URL, e.Description, want[i].Doc.Title, want[i].Link)
		}
	}
}

func TestCloseButNotAnsweredShowsClosestPassages(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := ferryIndex(t)
	store, err := state.Open(filepath.Join(t.TempDir(), state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	obs := &outcomes{}
	serve(t, fake, ix, bot.Options{Digests: &bot.Digests{Store: store}, Observer: obs})

	q, want := nearQuestion(t, ix)
	r := wait(t, fake.Interact(t, ask(q, intOption("results", 1))))
	if r.Original == nil || !strings.Contains(r.Original.Content, "\n"+notDirectly+" These are the closest passages:") {
		t.Fatalf("reply = %+v, want a line saying no passage answers directly", r.Original)
	}
	checkClosest(t, r.Original, want.Related[:1])

	more, ok := buttons(r.Original)["More results"]
	if !ok {
		t.Fatalf("reply buttons = %v, want More results", buttons(r.Original))
	}
	p := wait(t, fake.Interact(t, discordtest.Component(more, r.Original.Message)))
	if p.Original == nil || !strings.Contains(p.Original.Content, "\n"+notDirectly+" Closest passages 2–2:") {
		t.Fatalf("page 2 = %+v, want it still marked as no direct answer", p.Original)
	}
	checkClosest(t, p.Original, want.Related[1:2])

	qs := waitQuestions(t, store, 1)
	if len(qs) != 1 || qs[0].Reply != state.ReplyRelated || qs[0].Answered || len(qs[0].Citations) == 0 || qs[0].Citations[0].DocID != want.Related[0].Doc.ID {
		t.Errorf("question log = %+v, want the question logged as %q citing its closest passage", qs, state.ReplyRelated)
	}
	if got := obs.wait(2); !slices.Equal(got, []bot.Outcome{bot.Related, bot.Related}) {
		t.Errorf("outcomes = %q, want %q for the question and its second page", got, bot.Related)
	}
	noViolations(t, fake)
}

func TestPostClosestPassagesSaysTheyAreNotAnAnswer(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := ferryIndex(t)
	serve(t, fake, ix, bot.Options{})
	q, _ := nearQuestion(t, ix)
	target := fake.UserMessage(fake.ChannelID(), q)
	r := wait(t, fake.Interact(t, discordtest.MessageCommand("Find sources", target.Message)))
	if r.Original == nil || !strings.Contains(r.Original.Content, notDirectly) || len(r.Original.Embeds) == 0 {
		t.Fatalf("Find sources reply = %+v, want closest passages marked as no direct answer", r.Original)
	}
	post, ok := buttons(r.Original)["Post to channel"]
	if !ok {
		t.Fatalf("Find sources buttons = %v, want Post to channel", buttons(r.Original))
	}
	p, err := fake.Interact(t, discordtest.Component(post, r.Original.Message)).WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return len(r.Followups) > 0 })
	if err != nil {
		t.Fatalf("Post to channel: %v", err)
	}
	posted := p.Followups[0]
	if !strings.HasPrefix(posted.Content, "Closest passages for ") || !strings.Contains(posted.Content, "\n"+notDirectly) {
		t.Errorf("posted content = %q, want it to say the passages do not answer directly", posted.Content)
	}
	for i, e := range posted.Embeds {
		if e.Color != relatedColor {
			t.Errorf("posted passage %d colour = %#x, want the muted %#x", i+1, e.Color, relatedColor)
		}
	}
	noViolations(t, fake)
}

// TestRepliesMatchTheKindOfAnswer asks the unaltered index questions of
// each kind and checks each reply is laid out as its kind, whichever the
// index's thresholds make it.
func TestRepliesMatchTheKindOfAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := discordtest.NewServer(t)
	ix := ferryIndex(t)
	serve(t, fake, ix, bot.Options{Questions: 10}) // six questions: over the default limit
	seen := map[index.Kind]bool{}
	for _, q := range append([]string{
		"When does the winter ferry to Skerry Island sail?",
		"What is the recipe for sourdough bread?",
	}, nearQuestions...) {
		t.Run(q, func(t *testing.T) {
			// The bot asks for one passage more than a page shows.
			want, err := ix.Ask(ctx, q, 4)
			if err != nil {
				t.Fatal(err)
			}
			seen[want.Kind()] = true
			r := wait(t, fake.Interact(t, ask(q)))
			if r.Original == nil {
				t.Fatalf("no reply to %q", q)
			}
			content, embeds := r.Original.Content, r.Original.Embeds
			switch want.Kind() {
			case index.Answered:
				if strings.Contains(content, notDirectly) || strings.Contains(content, "don't answer") || len(embeds) == 0 || embeds[0].Color != answerColor {
					t.Errorf("Ask(%q) = %v, replied %q with %d embeds; want the answer's passages", q, want.Kind(), content, len(embeds))
				}
			case index.Related:
				if !strings.Contains(content, notDirectly) || len(embeds) == 0 || embeds[0].Color != relatedColor {
					t.Errorf("Ask(%q) = %v, replied %q with %d embeds; want the closest passages, marked", q, want.Kind(), content, len(embeds))
				}
			case index.NothingClose:
				if !strings.Contains(content, "don't answer") || len(embeds) != 1 || embeds[0].Title != "Closest documents" {
					t.Errorf("Ask(%q) = %v, replied %q with %d embeds; want the closest documents", q, want.Kind(), content, len(embeds))
				}
			}
		})
	}
	if !seen[index.NothingClose] {
		t.Errorf("no question got %v; the test wants one that is off the corpus", index.NothingClose)
	}
	noViolations(t, fake)
}
