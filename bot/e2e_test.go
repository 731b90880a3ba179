package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

const delegationQuestion = "Who led the North Korean delegation to Tehran?"

// builtinIndex is a fresh in-memory index of the built-in corpus.
func builtinIndex(tb testing.TB) *index.Index {
	tb.Helper()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		tb.Fatalf("load the built-in corpus: %v", err)
	}
	ix, err := index.NewMemory()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatalf("index the built-in corpus: %v", err)
	}
	return ix
}

// syncLog is a log destination safe for the bot's concurrent handlers.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// running is a bot serving a fake Discord, wired as dossier serve wires it.
type running struct {
	cancel context.CancelFunc
	done   chan error
	log    *syncLog
}

func serve(tb testing.TB, fake *discordtest.Server, search bot.Searcher, opts bot.Options) *running {
	tb.Helper()
	s, err := bot.NewSession(fake.Token(), fake.APIURL())
	if err != nil {
		tb.Fatalf("NewSession() = %v", err)
	}
	r := &running{done: make(chan error, 1), log: &syncLog{}}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.GuildID == "" {
		opts.GuildID = fake.GuildID()
	}
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	go func() { r.done <- bot.New(s, search, opts).Run(ctx) }()
	tb.Cleanup(func() { r.stop(tb) })
	return r
}

// stop ends Run and checks it returned cleanly and logged no secret.
func (r *running) stop(tb testing.TB) {
	tb.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			tb.Errorf("Run() = %v, want nil after the context ends", err)
		}
	case <-time.After(20 * time.Second):
		tb.Fatal("Run() did not return after its context ended")
	}
	if log := r.log.String(); strings.Contains(log, "interaction-token.") || strings.Contains(log, "fake-token.") {
		tb.Errorf("the bot logged a token:\n%s", log)
	}
}

func waitCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

func wait(tb testing.TB, in *discordtest.Interaction) discordtest.Response {
	tb.Helper()
	r, err := in.Wait(waitCtx(tb))
	if err != nil {
		tb.Fatalf("no reply: %v", err)
	}
	return r
}

func ask(question string, more ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return discordtest.SlashCommand("ask", append([]*discordgo.ApplicationCommandInteractionDataOption{
		discordtest.StringOption("question", question)}, more...)...)
}

func intOption(name string, v int) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: float64(v)}
}

func boolOption(name string, v bool) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// noViolations checks the fake saw nothing Discord would refuse, and that
// every message-writing request carried allowed_mentions with an empty
// parse list.
func noViolations(tb testing.TB, fake *discordtest.Server) {
	tb.Helper()
	if v := fake.Violations(); len(v) > 0 {
		tb.Errorf("Violations() = %q, want none", v)
	}
	for _, req := range fake.Requests() {
		if req.Method != "POST" && req.Method != "PATCH" || !strings.Contains(req.Path, "/interactions/") && !strings.Contains(req.Path, "/webhooks/") && !strings.Contains(req.Path, "/messages") {
			continue
		}
		body, _ := req.Body.(map[string]any)
		if data, ok := body["data"].(map[string]any); ok {
			body = data
		}
		am, _ := body["allowed_mentions"].(map[string]any)
		parse, ok := am["parse"].([]any)
		if !ok || len(parse) != 0 {
			tb.Errorf("%s %s sent allowed_mentions %v, want {\"parse\": []}", req.Method, req.Path, body["allowed_mentions"])
		}
	}
}

// buttons lists the custom_ids of a message's buttons.
func buttons(m *discordtest.Message) map[string]string {
	ids := map[string]string{}
	if m == nil {
		return ids
	}
	for _, c := range m.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, b := range row.Components {
			if btn, ok := b.(*discordgo.Button); ok {
				ids[btn.Label] = btn.CustomID
			}
		}
	}
	return ids
}

// mentionsYun reports whether an embed quotes the delegation's leader,
// whose name the sources spell two ways.
func mentionsYun(e *discordgo.MessageEmbed) bool {
	plain := strings.ReplaceAll(e.Description, "**", "")
	return strings.Contains(plain, "Yun Jong Ho") || strings.Contains(plain, "Yun Jung Ho")
}

func TestAskAnswersFromTheBuiltinCorpus(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
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
	if quoted.Footer == nil || quoted.Footer.Text == "" {
		t.Errorf("quote has no publisher and date")
	}
	// The BNN article has no known URL; the others link with a text fragment.
	if quoted.URL != "" && !strings.Contains(quoted.URL, "#:~:text=") {
		t.Errorf("quote links to %q, want a link that scrolls to the excerpt", quoted.URL)
	}
	linked := 0
	for _, e := range r.Original.Embeds {
		if strings.HasPrefix(e.URL, "https://") {
			linked++
		}
	}
	if linked == 0 {
		t.Errorf("no result links to its source: %+v", r.Original.Embeds)
	}
	if cmds := fake.Commands(fake.GuildID()); len(cmds) != 3 {
		t.Errorf("Commands(guild) = %d commands, want ask, Find sources and sources", len(cmds))
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
	serve(t, fake, builtinIndex(t), bot.Options{})
	r := wait(t, fake.Interact(t, ask("What is the recipe for sourdough bread?")))
	if r.Original == nil || !strings.Contains(r.Original.Content, "don't answer") {
		t.Fatalf("answer = %+v, want a message saying the documents don't answer", r.Original)
	}
	if len(r.Original.Embeds) != 1 || r.Original.Embeds[0].Title != "Closest documents" {
		t.Errorf("answer embeds = %+v, want the closest documents", r.Original.Embeds)
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
	for _, want := range []string{"@\u200beveryone", "@\u200bhere", `\<@123>`} {
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

func TestFindSourcesAndPostToChannel(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	chatter := strings.Repeat("honestly I am not sure about any of this and we keep going around in circles here. ", 3)
	target := fake.UserMessage(fake.ChannelID(),
		chatter+"Apparently Yun Jong Ho led the North Korean delegation to Tehran in April 2024? "+chatter+" https://example.com/x <@42>")
	r := wait(t, fake.Interact(t, discordtest.MessageCommand("Find sources", target.Message)))
	if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("Find sources reply = %+v, want an ephemeral message", r.Original)
	}
	if !strings.Contains(r.Original.Content, "Yun Jong Ho led the North Korean delegation") || strings.Contains(r.Original.Content, "circles") {
		t.Errorf("Find sources asked %q, want the message's key sentence", r.Original.Content)
	}
	found := false
	for _, e := range r.Original.Embeds {
		found = found || mentionsYun(e)
	}
	if !found {
		t.Errorf("Find sources embeds = %+v, want a quote naming Yun Jong Ho", r.Original.Embeds)
	}
	post, ok := buttons(r.Original)["Post to channel"]
	if !ok {
		t.Fatalf("Find sources buttons = %v, want Post to channel", buttons(r.Original))
	}

	p := wait(t, fake.Interact(t, discordtest.Component(post, r.Original.Message)))
	if p.Type != discordgo.InteractionResponseChannelMessageWithSource || p.Original == nil || p.Original.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Fatalf("Post to channel = type %d %+v, want a new public message", p.Type, p.Original)
	}
	link := "https://discord.com/channels/" + fake.GuildID() + "/" + fake.ChannelID() + "/" + target.ID
	if want := "Sources for " + link + " — shared by tester"; p.Original.Content != want {
		t.Errorf("posted content = %q, want %q", p.Original.Content, want)
	}
	if len(p.Original.Embeds) != len(r.Original.Embeds) || p.Original.Embeds[0].Description != r.Original.Embeds[0].Description {
		t.Errorf("posted embeds = %+v, want the sources the clicker saw", p.Original.Embeds)
	}
	noViolations(t, fake)
}

func TestMoreResultsPagesEvenAfterARestart(t *testing.T) {
	t.Parallel()
	// Questions with at least three results, one too long for a custom_id.
	short := "North Korea Iran military cooperation"
	// The long one adds only words the index ignores, so both have the
	// same results.
	long := "Please tell me, is there anything that was ever said about the North Korea and Iran military cooperation at all, and if so what?"
	for _, question := range []string{short, long} {
		t.Run(question[:20], func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			first := serve(t, fake, builtinIndex(t), bot.Options{})
			r := wait(t, fake.Interact(t, ask(question, intOption("results", 1))))
			more, ok := buttons(r.Original)["More results"]
			if !ok {
				t.Fatalf("answer buttons = %v, want More results", buttons(r.Original))
			}
			if fits := strings.HasSuffix(more, question); fits != (question == short) {
				t.Errorf("More results custom_id %q; the question should be in it only when it fits", more)
			}
			page1 := r.Original.Embeds[0]

			p := wait(t, fake.Interact(t, discordtest.Component(more, r.Original.Message)))
			if p.Type != discordgo.InteractionResponseDeferredMessageUpdate || p.Original.ID != r.Original.ID {
				t.Fatalf("More results = type %d on message %v, want the same message updated", p.Type, p.Original)
			}
			if !strings.Contains(p.Original.Content, "Results 2–2") || len(p.Original.Embeds) != 1 || p.Original.Embeds[0].Description == page1.Description {
				t.Errorf("page 2 = %q %+v, want the second result", p.Original.Content, p.Original.Embeds)
			}
			more2, ok := buttons(p.Original)["More results"]
			if !ok {
				t.Fatalf("page 2 buttons = %v, want More results", buttons(p.Original))
			}

			// A new bot, with a new index, answers the old button.
			first.stop(t)
			serve(t, fake, builtinIndex(t), bot.Options{})
			p3 := wait(t, fake.Interact(t, discordtest.Component(more2, p.Original.Message)))
			if !strings.Contains(p3.Original.Content, "Results 3–3") || len(p3.Original.Embeds) != 1 {
				t.Errorf("page 3 after a restart = %q %+v, want the third result", p3.Original.Content, p3.Original.Embeds)
			}
			if !strings.Contains(p3.Original.Content, question) {
				t.Errorf("page 3 content = %q, want the question kept", p3.Original.Content)
			}
			noViolations(t, fake)
		})
	}
}

func TestSourcesAndAutocomplete(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	serve(t, fake, ix, bot.Options{})

	list := wait(t, fake.Interact(t, discordtest.SlashCommand("sources")))
	if len(list.Original.Embeds) != 1 || !strings.Contains(list.Original.Embeds[0].Title, "Documents (4)") {
		t.Fatalf("/sources = %+v, want the four documents", list.Original.Embeds)
	}
	for _, d := range ix.Documents() {
		if !strings.Contains(strings.ReplaceAll(list.Original.Embeds[0].Description, `\`, ""), d.Publisher) {
			t.Errorf("/sources list lacks %q's publisher %q", d.Title, d.Publisher)
		}
	}

	ac := wait(t, fake.Interact(t, discordtest.Autocomplete("sources", "document", "delegation")))
	if len(ac.Choices) != 1 || !strings.Contains(ac.Choices[0].Name, "Delegation") {
		t.Fatalf("autocomplete(delegation) = %+v, want the Bloomberg article", ac.Choices)
	}
	all := wait(t, fake.Interact(t, discordtest.Autocomplete("sources", "document", "")))
	if len(all.Choices) != 4 {
		t.Errorf("autocomplete(\"\") = %d choices, want all 4", len(all.Choices))
	}

	id, _ := ac.Choices[0].Value.(string)
	one := wait(t, fake.Interact(t, discordtest.SlashCommand("sources", discordtest.StringOption("document", id))))
	if len(one.Original.Embeds) != 1 || !strings.Contains(one.Original.Embeds[0].Title, "Delegation") || one.Original.Embeds[0].URL == "" {
		t.Errorf("/sources %s = %+v, want that document linked", id, one.Original.Embeds)
	}
	none := wait(t, fake.Interact(t, discordtest.SlashCommand("sources", discordtest.StringOption("document", "zzz"))))
	if !strings.Contains(none.Original.Content, "No document matches") {
		t.Errorf("/sources zzz = %q, want a polite miss", none.Original.Content)
	}
	noViolations(t, fake)
}

func TestGatewayDropLosesNoInteraction(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	wait(t, fake.Interact(t, ask(delegationQuestion)))
	fake.DropConnection()
	var during []*discordtest.Interaction
	for range 3 {
		during = append(during, fake.Interact(t, ask(delegationQuestion)))
	}
	for _, in := range during {
		if r := wait(t, in); r.Original == nil || len(r.Original.Embeds) == 0 {
			t.Errorf("question during the drop = %+v, want an answer", r.Original)
		}
	}
	if st := fake.GatewayStats(); st.Identifies != 1 || st.Resumes < 1 {
		t.Errorf("GatewayStats() = %+v, want the session resumed, not identified again", st)
	}
	noViolations(t, fake)
}

func TestShutdownFinishesRepliesInFlight(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	b := serve(t, fake, builtinIndex(t), bot.Options{})
	in := fake.Interact(t, ask(delegationQuestion))
	if _, err := in.WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return r.Type != 0 }); err != nil {
		t.Fatal(err)
	}
	b.stop(t)
	if r := in.Response(); !r.Final() || len(r.Original.Embeds) == 0 {
		t.Errorf("reply after shutdown = %+v, want the answer finished", r.Original)
	}
	noViolations(t, fake)
}

func TestHugeDocumentsStayWithinLimits(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{}
	for i := range 60 {
		title := fmt.Sprintf("Report %d: ", i) + strings.Repeat("[Delegation](https://evil.example) **news** @everyone ", 12)
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
