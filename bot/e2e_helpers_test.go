package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
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

// serve runs a bot whose commands are registered in the fake's guild,
// unless opts names another, as for development.
func serve(tb testing.TB, fake *discordtest.Server, search bot.Searcher, opts bot.Options) *running {
	tb.Helper()
	if opts.GuildID == "" {
		opts.GuildID = fake.GuildID()
	}
	return serveGlobally(tb, fake, search, opts)
}

// serveGlobally runs a bot as serve does, but with opts.GuildID as it is:
// empty registers the commands globally, as in production. It returns
// once the bot is up: its session answers as soon as it is open, which
// may be before the commands are registered.
func serveGlobally(tb testing.TB, fake *discordtest.Server, search bot.Searcher, opts bot.Options) *running {
	tb.Helper()
	s, err := bot.NewSession(fake.Token(), fake.APIURL())
	if err != nil {
		tb.Fatalf("NewSession() = %v", err)
	}
	r := &running{done: make(chan error, 1), log: &syncLog{}}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var ctx context.Context
	ctx, r.cancel = context.WithCancel(context.Background())
	b := bot.New(s, search, opts)
	go func() { r.done <- b.Run(ctx) }()
	tb.Cleanup(func() { r.stop(tb) })
	select {
	case <-b.Up():
	case err := <-r.done:
		r.done <- err // for stop
		tb.Fatalf("Run() = %v before the bot was up; log:\n%s", err, r.log.String())
	case <-time.After(20 * time.Second):
		tb.Fatalf("the bot was not up within 20s; log:\n%s", r.log.String())
	}
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

// boldRuns lists the text between pairs of "**" in rendered markdown.
func boldRuns(md string) []string {
	parts := strings.Split(md, "**")
	var runs []string
	for i := 1; i < len(parts); i += 2 {
		runs = append(runs, parts[i])
	}
	return runs
}
