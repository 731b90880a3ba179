package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/bot/state/statetest"
	"github.com/dossier-bot/dossier/corpus"
)

func TestServeRefusesBadDigestSettings(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"digest neither on nor off", map[string]string{"DOSSIER_DIGEST": "sometimes"}, nil, "setting DOSSIER_DIGEST is not valid"},
		{"no poll", map[string]string{"DOSSIER_CORPUS_POLL": "0s"}, nil, "setting DOSSIER_CORPUS_POLL is not valid"},
		{"negative retention", map[string]string{"DOSSIER_QUESTION_RETENTION": "-1h"}, nil, "setting DOSSIER_QUESTION_RETENTION is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}
			for k, v := range tt.vars {
				vars[k] = v
			}
			serveEnv(t, vars)
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tt.args...), envconfig.Process, strings.NewReader(""), &out, &out)
			code, printed := exitStatus(err)
			if code != 2 || !strings.Contains(printed, tt.want) || !strings.Contains(printed, "DOSSIER_DATABASE_URL") {
				t.Errorf("serve = exit %d, printed:\n%s\nwant exit 2, %q and the settings table", code, printed, tt.want)
			}
		})
	}
}

// copyCorpus copies the built-in corpus into a folder of the test's own.
func copyCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(corpus.Builtin(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(corpus.Builtin(), p)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, p), data, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// askWhenIndexed waits until serve's index holds docs documents, as its
// /metrics reports them, then asks question once on fake and wants the
// answer's first quote from a document whose title contains title. The
// index counts a document only once its passages are searchable. Asking
// over and over instead would trip the bot's limit of 5 questions in 30 s
// per user and wait out the window: 30 s, racing the test's deadline.
func askWhenIndexed(t *testing.T, fake *discordtest.Server, s *served, docs int, question, title string) {
	t.Helper()
	metrics := s.waitOutput(t, opsURL) + "/metrics"
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, body := get(t, metrics)
		if n, ok := metric(body, "dossier_documents_indexed"); ok && n == float64(docs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index never held %d documents; /metrics:\n%s\noutput:\n%s", docs, body, s.out.String())
		}
		select {
		case <-s.done:
			t.Fatalf("serve stopped: %v\noutput:\n%s", s.err, s.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	ask := discordtest.SlashCommand("ask", discordtest.StringOption("question", question))
	r, err := fake.Interact(t, ask).Wait(waitContext(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Original.Embeds) == 0 || !strings.Contains(r.Original.Embeds[0].Title, title) {
		t.Fatalf("Ask(%q) = %q %+v, want the first quote from %q; output:\n%s", question, r.Original.Content, r.Original.Embeds, title, s.out.String())
	}
}

func TestServeRunsTheDigests(t *testing.T) {
	fake := discordtest.NewServer(t)
	data, dir := t.TempDir(), copyCorpus(t)
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		"DOSSIER_DATA":             data,
		"DOSSIER_CORPUS":           dir,
		"DOSSIER_CORPUS_POLL":      "20ms",
		"DOSSIER_LOG_LEVEL":        "INFO",
	})
	subscribe := discordtest.SlashCommand("digest", discordtest.Subcommand("subscribe", discordtest.StringOption("time", "08:15"),
		discordtest.StringOption("timezone", "Europe/Paris")))
	r, err := fake.Interact(t, subscribe).Wait(waitContext(t))
	if err != nil || !strings.Contains(r.Original.Content, "daily digest is on") {
		t.Fatalf("/digest subscribe = %+v, %v; output:\n%s", r.Original, err, s.out.String())
	}

	// The corpus folder is watched: a new document is answered from
	// without a restart.
	doc := "---\ntitle: \"Caspian Ferry Line\"\npublisher: Test Desk\n---\nA weekly ferry now links the Caspian port of Anzali with Astrakhan.\n"
	if err := os.WriteFile(filepath.Join(dir, "ferry.md"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	askWhenIndexed(t, fake, s, 5, "Which port does the Caspian ferry link with Astrakhan?", "Caspian Ferry")
	s.cancel()
	<-s.done
	if s.err != nil {
		t.Fatalf("serve = %v", s.err)
	}

	// What serve kept is in the data folder, for the next start and for
	// dossier digest.
	st, err := state.Open(filepath.Join(data, state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sub, found, err := st.Subscription(fake.ChannelID())
	if err != nil || !found || sub.Time != "08:15" || sub.Zone != "Europe/Paris" {
		t.Errorf("Subscription() = %+v, %v, %v; want the one made on Discord", sub, found, err)
	}
	qs, err := st.Questions(fake.GuildID(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(qs) == 0 {
		t.Errorf("question log = %d questions, %v; want the questions asked", len(qs), err)
	}
	docs, err := st.Documents()
	if err != nil || len(docs) != 5 {
		t.Errorf("document registry = %d documents, %v; want the 4 built-in ones and the new one", len(docs), err)
	}
	if v := fake.Violations(); len(v) > 0 {
		t.Errorf("Violations() = %q, want none", v)
	}
}

func TestServeWithoutTheDigestState(t *testing.T) {
	tests := []struct {
		name, data, digest, want string
	}{
		{"no data folder", "", "", "needs a data folder (DOSSIER_DATA)"},
		{"digests off", "data", "off", "run by another Dossier instance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := discordtest.NewServer(t)
			vars := map[string]string{
				"DOSSIER_DISCORD_TOKEN":    fake.Token(),
				"DOSSIER_DISCORD_API":      fake.APIURL(),
				"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
				"DOSSIER_DIGEST":           tt.digest,
			}
			var data string
			if tt.data != "" {
				data = t.TempDir()
				vars["DOSSIER_DATA"] = data
			}
			startServe(t, vars)
			r, err := fake.Interact(t, discordtest.SlashCommand("watch", discordtest.Subcommand("list"))).Wait(waitContext(t))
			if err != nil || !strings.Contains(r.Original.Content, tt.want) {
				t.Errorf("/watch list = %+v, %v; want %q", r.Original, err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(data, state.FileName)); data != "" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("state file: %v, want none made with DOSSIER_DIGEST=off", err)
			}
		})
	}
}

// Two instances on one database, with no data folder of their own, each
// answer /digest from the state they share.
func TestServeReplicasShareTheDatabase(t *testing.T) {
	db := statetest.Database(t)
	fake := discordtest.NewServer(t)
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	common := map[string]string{
		"DOSSIER_DISCORD_TOKEN":      fake.Token(),
		"DOSSIER_DISCORD_API":        fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID":   fake.GuildID(),
		"DOSSIER_DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		"DOSSIER_DATABASE_URL":       db,
	}
	with := func(extra map[string]string) map[string]string {
		vars := map[string]string{}
		for _, m := range []map[string]string{common, extra} {
			for k, v := range m {
				vars[k] = v
			}
		}
		return vars
	}
	first := startServe(t, with(map[string]string{"DOSSIER_DATA": t.TempDir()}), "--interactions")
	firstURL := first.waitOutput(t, interactionsURL)
	replica := startServe(t, with(nil), "--interactions")
	replicaURL := replica.waitOutput(t, interactionsURL)

	r, err := fake.Post(t, firstURL, key, discordtest.SlashCommand("digest", discordtest.Subcommand("subscribe"))).Wait(waitContext(t))
	if err != nil || !strings.Contains(r.Original.Content, "daily digest is on") || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/digest subscribe on one instance = %+v, %v; want it on, privately", r.Original, err)
	}
	r, err = fake.Post(t, replicaURL, key, discordtest.SlashCommand("digest", discordtest.Subcommand("status"))).Wait(waitContext(t))
	if err != nil || !strings.Contains(r.Original.Content, "every day at 09:00 (UTC)") {
		t.Errorf("/digest status on the other instance = %+v, %v; want the subscription", r.Original, err)
	}
}

var interactionsURL = regexp.MustCompile(`on Discord at (http://\S+/interactions)`)
