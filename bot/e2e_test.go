package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

func TestAskAnswersFromTheBuiltinCorpus(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	serve(t, fake, ix, bot.Options{})
	r := wait(t, fake.Interact(t, ask(delegationQuestion)))

	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("callback type = %d, want a deferral (5)", r.Type)
	}
	if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Fatalf("answer = %+v, want a public message", r.Original)
	}
	if !strings.Contains(r.Original.Content, delegationQuestion) {
		t.Errorf("answer content = %q, want the question", r.Original.Content)
	}
	if len(r.Original.Embeds) == 0 || len(r.Original.Embeds) > 3 {
		t.Fatalf("answer has %d embeds, want 1 to 3 results", len(r.Original.Embeds))
	}
	var quoted *discordgo.MessageEmbed
	for _, e := range r.Original.Embeds {
		if mentionsYun(e) {
			quoted = e
			break
		}
	}
	if quoted == nil {
		t.Fatalf("no result quotes Yun Jong Ho: %+v", r.Original.Embeds)
	}
	if !strings.HasPrefix(quoted.Description, "> ") || !strings.Contains(quoted.Description, "**") {
		t.Errorf("quote = %q, want a block quote with matched terms in bold", quoted.Description)
	}
	// Each result is titled with its document, linked to the passage
	// (the document itself when no fragment can be made), with the
	// publisher and date below: the results the index gives, in order.
	want, err := ix.Ask(context.Background(), delegationQuestion, 3)
	if err != nil || len(want.Results) != len(r.Original.Embeds) {
		t.Fatalf("Ask(%q) = %d results, %v; want the %d shown", delegationQuestion, len(want.Results), err, len(r.Original.Embeds))
	}
	linked := 0
	for i, e := range r.Original.Embeds {
		res := want.Results[i]
		link := res.Link
		if link == "" {
			link = res.Doc.URL
		}
		if e.Title != res.Doc.Title || e.URL != link {
			t.Errorf("result %d = %q linked to %q, want %q linked to %q", i+1, e.Title, e.URL, res.Doc.Title, link)
		}
		// The footer ends with the passage's citation id.
		wantFooter := res.Doc.Publisher + " · " + res.Doc.Published + " · cite " + cite.ID(res.Doc.ID, res.Passage.Text)
		if e.Footer == nil || e.Footer.Text != wantFooter {
			t.Errorf("result %d footer = %+v, want %q", i+1, e.Footer, wantFooter)
		}
		if strings.HasPrefix(e.URL, "https://") {
			linked++
		}
	}
	if linked == 0 {
		t.Errorf("no result links to its source: %+v", r.Original.Embeds)
	}
	// The bold runs are the terms the index matched.
	for i, e := range r.Original.Embeds {
		res := want.Results[i]
		var matched []string
		for _, h := range res.Highlights {
			matched = append(matched, string([]rune(res.Excerpt)[h[0]:h[1]]))
		}
		if got := boldRuns(e.Description); len(matched) == 0 || !slices.Equal(got, matched) {
			t.Errorf("result %d puts %q in bold, want the matched terms %q", i+1, got, matched)
		}
	}
	if cmds := fake.Commands(fake.GuildID()); len(cmds) != 8 {
		t.Errorf("Commands(guild) = %d commands, want ask, Find sources, sources, digest, watch, cite, citations and Citations in this thread", len(cmds))
	}
	if cmds := fake.Commands(""); len(cmds) != 0 {
		t.Errorf("Commands(global) = %d commands, want none when a guild is set", len(cmds))
	}
	noViolations(t, fake)
}

func TestAskPrivately(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	r := wait(t, fake.Interact(t, ask(delegationQuestion, boolOption("private", true), intOption("results", 1))))
	if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("private answer = %+v, want an ephemeral message", r.Original)
	}
	if len(r.Original.Embeds) != 1 {
		t.Errorf("answer with results:1 has %d embeds, want 1", len(r.Original.Embeds))
	}
	noViolations(t, fake)
}

func TestUnansweredQuestionNamesClosestDocuments(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	serve(t, fake, ix, bot.Options{})
	tests := []struct {
		question string
		closest  bool // whether any document comes close
	}{
		{"How tall is the Eiffel Tower?", true},
		{"What is the weather in Lisbon?", false},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			want, err := ix.Ask(context.Background(), tt.question, 3)
			if err != nil || want.Kind() != index.NothingClose || (len(want.Closest) > 0) != tt.closest {
				t.Fatalf("Ask(%q) = %v, %d closest, %v; want %v (the test wants another question)", tt.question, want.Kind(), len(want.Closest), err, index.NothingClose)
			}
			r := wait(t, fake.Interact(t, ask(tt.question)))
			if r.Original == nil || !strings.Contains(r.Original.Content, "don't answer") {
				t.Fatalf("answer = %+v, want a message saying the documents don't answer", r.Original)
			}
			if len(r.Original.Embeds) != 1 || r.Original.Embeds[0].Title != "Closest documents" {
				t.Fatalf("answer embeds = %+v, want the closest documents", r.Original.Embeds)
			}
			desc := r.Original.Embeds[0].Description
			for _, d := range want.Closest {
				if !strings.Contains(desc, "["+d.Title+"]("+d.URL+")") && !strings.Contains(desc, "**"+d.Title+"**") {
					t.Errorf("closest documents = %q, want %q named (and linked if it has a URL)", desc, d.Title)
				}
			}
			if !tt.closest && !strings.Contains(desc, "/sources") {
				t.Errorf("closest documents = %q, want a pointer to /sources when none comes close", desc)
			}
		})
	}
	noViolations(t, fake)
}

func TestBadQuestionsArePolitelyRefused(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	tests := []struct {
		question, want string
	}{
		{"   ", "no words"},
		{strings.Repeat("why ", 80), "319 characters long; please keep it to 300"},
		{"??? !!! ...", "no words"},
	}
	for _, tt := range tests {
		r := wait(t, fake.Interact(t, ask(tt.question)))
		msg := r.Original
		if len(r.Followups) > 0 {
			msg = r.Followups[len(r.Followups)-1]
		}
		if msg == nil || msg.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(msg.Content, tt.want) {
			t.Errorf("ask(%q) = %+v, want an ephemeral message saying %q", tt.question, msg, tt.want)
		}
	}
	noViolations(t, fake)
}

func TestNobodyIsPinged(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	r := wait(t, fake.Interact(t, ask("@everyone <@123> @here who led the North Korean delegation?")))
	content := r.Original.Content
	for _, raw := range []string{"@everyone", "@here", " <@123>"} {
		if strings.Contains(content, raw) {
			t.Errorf("answer content %q holds %q as is", content, raw)
		}
	}
	for _, want := range []string{"@\u200beveryone", "@\u200bhere", `\<@123\>`} {
		if !strings.Contains(content, want) {
			t.Errorf("answer content %q lacks the neutralised %q", content, want)
		}
	}
	noViolations(t, fake)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	var mu sync.Mutex
	now := time.Date(2024, 4, 24, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	serve(t, fake, builtinIndex(t), bot.Options{Now: clock})
	for i := range 5 {
		if r := wait(t, fake.Interact(t, ask(delegationQuestion))); len(r.Original.Embeds) == 0 {
			t.Fatalf("question %d = %+v, want an answer", i+1, r.Original)
		}
	}
	r := wait(t, fake.Interact(t, ask(delegationQuestion)))
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 ||
		!strings.Contains(r.Original.Content, "try again in 30 s") {
		t.Errorf("6th question in 30s = type %d %+v, want an ephemeral request to wait", r.Type, r.Original)
	}
	mu.Lock()
	now = now.Add(30 * time.Second)
	mu.Unlock()
	if r := wait(t, fake.Interact(t, ask(delegationQuestion))); len(r.Original.Embeds) == 0 {
		t.Errorf("question after the window = %+v, want an answer", r.Original)
	}
	noViolations(t, fake)
}

func TestHugeDocumentsStayWithinLimits(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{}
	titles := map[string]string{} // by URL up to its long path
	for i := range 60 {
		title := fmt.Sprintf("Report %d: ", i) + strings.Repeat("[Delegation](https://evil.example) **news** @everyone ", 12)
		titles[fmt.Sprintf("https://example.com/%d", i)] = strings.TrimSpace(title)
		var body strings.Builder
		for j := range 40 {
			// Distinct words per document, or the index drops them as near-duplicates.
			fmt.Fprintf(&body, "Envoy%d%d of delegation %d visited Tehran on day %d about missiles, drones and `code%d` ||spoiler%d||. ", i, j, i*7+j, i*13+j, j, i)
		}
		files[fmt.Sprintf("doc%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: %q\npublisher: %q\npublished: 2024-04\nurl: https://example.com/%d/%s\n---\n%s\n",
			title, strings.Repeat("Publisher <@123> ", 40), i, strings.Repeat("long-path/", 40), body.String()))}
	}
	c, err := corpus.Load(files)
	if err != nil || len(c.Documents) != 60 {
		t.Fatalf("Load() = %d documents, %v; want 60", len(c.Documents), err)
	}
	ix, err := index.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), c, nil); err != nil {
		t.Fatal(err)
	}
	fake := discordtest.NewServer(t)
	serve(t, fake, ix, bot.Options{})

	r := wait(t, fake.Interact(t, ask("Which delegation visited Tehran about missiles and drones?", intOption("results", 5))))
	if len(r.Original.Embeds) != 5 {
		t.Errorf("answer has %d embeds, want 5", len(r.Original.Embeds))
	}
	for i, e := range r.Original.Embeds {
		// The titles, far over 256 characters, are cut after a word.
		full := titles[e.URL[:strings.Index(e.URL, "/long-path")]]
		cut, ok := strings.CutSuffix(e.Title, "…")
		cut = strings.NewReplacer(`\`, "", "\u200b", "").Replace(cut)
		if !ok || !strings.HasPrefix(full, cut) || len(cut) >= len(full) || full[len(cut)] != ' ' {
			t.Errorf("result %d title = %q, want %q cut after a word", i+1, e.Title, full)
		}
	}
	list := wait(t, fake.Interact(t, discordtest.SlashCommand("sources")))
	if len(list.Original.Embeds) != 1 || !strings.Contains(list.Original.Embeds[0].Description, "more") {
		t.Errorf("/sources = %+v, want one embed saying some documents were left out", list.Original.Embeds)
	}
	ac := wait(t, fake.Interact(t, discordtest.Autocomplete("sources", "document", "report")))
	if len(ac.Choices) != 25 {
		t.Errorf("autocomplete(report) = %d choices, want 25", len(ac.Choices))
	}
	one := wait(t, fake.Interact(t, discordtest.SlashCommand("sources", discordtest.StringOption("document", ac.Choices[0].Value.(string)))))
	if len(one.Original.Embeds) != 1 {
		t.Errorf("/sources %v = %+v, want the document", ac.Choices[0].Value, one.Original.Embeds)
	}
	noViolations(t, fake)
}
