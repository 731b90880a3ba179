package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"

	"github.com/dossier-bot/dossier/corpus/golden"
)

// digestSettings is an envLoader of fixed settings for digest, with the
// digest's own settings at their defaults unless given.
func digestSettings(cfg Config, ds DigestSettings) envLoader {
	if ds == (DigestSettings{}) {
		ds = DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute}
	}
	return func(_ string, spec any) error {
		*spec.(*digestConfig) = digestConfig{Config: cfg, DigestSettings: ds}
		return nil
	}
}

// runDigestCmd runs dossier digest in-process.
func runDigestCmd(tb testing.TB, load envLoader, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"digest"}, args...), load, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// dated replaces the digest's heading date, which is today's.
func dated(md string) string {
	return regexp.MustCompile(`(?m)^# Dossier digest · .*$`).ReplaceAllString(md, "# Dossier digest · DATE")
}

func TestDigestWithoutData(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := runDigestCmd(t, digestSettings(Config{}, DigestSettings{}))
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "every document counts as new") {
		t.Errorf("digest without --data said:\n%s\nwant that every document is new", stderr)
	}
	if got := strings.Count(stdout, "· new\n"); got != 4 {
		t.Errorf("digest of the built-in corpus lists %d new documents, want 4:\n%s", got, stdout)
	}
	golden.Check(t, "digest-builtin", dated(stdout))
}

// seedState writes a state as the bot would have left it: the built-in
// corpus seen two days ago, questions in two guilds, and a watch.
func seedState(tb testing.TB, data string, now time.Time) {
	tb.Helper()
	if err := os.MkdirAll(data, 0o755); err != nil {
		tb.Fatal(err)
	}
	st, err := state.Open(filepath.Join(data, state.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.RecordDocuments(c, now.Add(-48*time.Hour), digest.Lead); err != nil {
		tb.Fatal(err)
	}
	for i, q := range []state.Question{
		{GuildID: "111", Text: "Who led the delegation to Tehran?", Answered: true, Citations: []state.Citation{{
			DocID: bloombergID, Title: "North Korea Sends Top Delegation to Iran", Publisher: "Bloomberg",
			Excerpt: "the North Korean delegation led by External Economic Relations Minister Yun Jong Ho left Pyongyang for Tehran"}}},
		{GuildID: "111", Text: "Who led the delegation to Tehran?", Answered: true, Citations: []state.Citation{{
			DocID: bloombergID, Title: "North Korea Sends Top Delegation to Iran", Publisher: "Bloomberg",
			Excerpt: "the North Korean delegation led by External Economic Relations Minister Yun Jong Ho left Pyongyang for Tehran"}}},
		{GuildID: "111", Text: "What did we decide about the launch date?"},
		{GuildID: "222", Text: "A question from another server?"},
	} {
		q.Time = now.Add(-time.Duration(i+1) * time.Hour)
		if err := st.LogQuestion(q); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := st.AddWatch(state.Watch{GuildID: "111", ChannelID: "5", Query: "uranium enrichment"}); err != nil {
		tb.Fatal(err)
	}
}

func TestDigestFromState(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	seedState(t, data, time.Now())
	dir := builtinCopy(t)
	writeEnrichment(t, dir)
	load := digestSettings(Config{Corpus: dir, Data: data}, DigestSettings{})

	stdout, stderr, err := runDigestCmd(t, load, "--guild", "111")
	if err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	for _, want := range []string{"Enrichment talks stall", "Who led the delegation to Tehran?** · asked twice", "launch date", "“uranium enrichment”"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("digest lacks %q:\n%s", want, stdout)
		}
	}
	for _, unwanted := range []string{"another server", "North Korea-Iran Relations Post-JCPOA"} {
		if strings.Contains(stdout, unwanted) {
			t.Errorf("digest --guild 111 shows %q:\n%s", unwanted, stdout)
		}
	}
	golden.Check(t, "digest-state", dated(stdout))

	// Without --guild, every guild's questions; with a short --since, none
	// of them, and the document seen a moment ago only.
	stdout, _, _ = runDigestCmd(t, load)
	if !strings.Contains(stdout, "another server") {
		t.Errorf("digest without --guild lacks the other server's question:\n%s", stdout)
	}
	stdout, _, _ = runDigestCmd(t, load, "--since", "30m")
	if strings.Contains(stdout, "Most asked") || !strings.Contains(stdout, "Enrichment talks stall") {
		t.Errorf("digest --since 30m = \n%s\nwant the new document and no questions", stdout)
	}
}

func TestDigestStartsRegistry(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	load := digestSettings(Config{Data: data}, DigestSettings{})
	_, stderr, err := runDigestCmd(t, load)
	if err != nil || !strings.Contains(stderr, "started the document registry with the 4 documents") {
		t.Errorf("first digest with --data: %v, said:\n%s\nwant that the registry was started", err, stderr)
	}
	stdout, stderr, err := runDigestCmd(t, load, "--since", "1ns")
	if err != nil || stdout != "" || !strings.Contains(stderr, "nothing new") {
		t.Errorf("digest --since 1ns = %q, %v, said %q; want nothing, saying so", stdout, err, stderr)
	}
}

func TestDigestStateInUse(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	st, err := state.Open(filepath.Join(data, state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, _, err = runDigestCmd(t, digestSettings(Config{Data: data}, DigestSettings{}))
	if err == nil || !strings.Contains(err.Error(), "in use by another dossier process") {
		t.Errorf("digest with the state open elsewhere = %v, want an error saying it is in use", err)
	}
}

func TestDigestBadInvocation(t *testing.T) {
	t.Parallel()
	load := digestSettings(Config{}, DigestSettings{})
	tests := []struct {
		args []string
		load envLoader
		want string
	}{
		{[]string{"--since", "-1h"}, load, "--since -1h0m0s is not a positive duration"},
		{[]string{"--since", "yesterday"}, load, "invalid value"},
		{[]string{"--guild", "my-server"}, load, `--guild "my-server" is not a numeric`},
		{[]string{"today"}, load, "digest takes no arguments"},
		{nil, digestSettings(Config{}, DigestSettings{QuestionRetention: -time.Hour, CorpusPoll: time.Minute}), "DOSSIER_QUESTION_RETENTION is not valid"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			_, _, err := runDigestCmd(t, tt.load, tt.args...)
			code, printed := exitStatus(err)
			if code != 2 || !strings.Contains(printed, tt.want) || !strings.Contains(printed, "DOSSIER_CORPUS_POLL") {
				t.Errorf("digest %q = exit %d, printed:\n%s\nwant exit 2, %q and the usage", tt.args, code, printed, tt.want)
			}
		})
	}
}

// TestDigestMalformedSetting goes through the real envconfig, so it sets
// the process environment and cannot run in parallel.
func TestDigestMalformedSetting(t *testing.T) {
	t.Setenv("DOSSIER_QUESTION_RETENTION", "a month")
	_, _, err := runDigestCmd(t, envconfig.Process, "--help")
	if err != nil {
		t.Errorf("digest --help with a malformed setting: %v, want the help", err)
	}
	_, _, err = runDigestCmd(t, envconfig.Process)
	if code, printed := exitStatus(err); code != 2 || !strings.Contains(printed, "setting DOSSIER_QUESTION_RETENTION is not valid") {
		t.Errorf("digest with DOSSIER_QUESTION_RETENTION=a month = exit %d, printed:\n%s", code, printed)
	}
}

// heldDataFolder is a data folder as dossier serve holds it: the index
// brought up to date with the corpus and the state opened, both by serve's
// own code, with the document registry as its watcher leaves it (the new
// document seen an hour ago); the HTTP server answers GET /digest on
// loopback with the digest of now. keep says whether it keeps the digests
// (DOSSIER_DIGEST).
type heldDataFolder struct {
	data, corpus, addr string
	now                time.Time
	dg                 *digests
	ix                 *index.Index
}

func holdDataFolder(tb testing.TB, keep bool) *heldDataFolder {
	tb.Helper()
	h := &heldDataFolder{data: filepath.Join(tb.TempDir(), "data"), now: time.Now()}
	seedState(tb, h.data, h.now)
	dir := builtinCopy(tb)
	writeEnrichment(tb, dir)
	h.corpus = dir
	src := &sources{corpus: dir, corpusFrom: "DOSSIER_CORPUS", data: h.data, dataFrom: "DOSSIER_DATA"}
	log := slog.New(slog.DiscardHandler)
	var err error
	if h.ix, err = serveIndex(context.Background(), src, io.Discard, log); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.ix.Close() })
	cfg := serveConfig{Config: Config{Corpus: dir, Data: h.data}}
	cfg.Digest = onOff(keep)
	cfg.DigestSettings = DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute}
	if h.dg, err = openDigests(context.Background(), cfg, src, h.ix, nil, nil, log); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.dg.close(log) })
	if keep {
		c, err := corpus.Load(os.DirFS(dir))
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := h.dg.store.RecordDocuments(c, h.now.Add(-time.Hour), digest.Lead); err != nil {
			tb.Fatal(err)
		}
	}
	srv, err := listen("127.0.0.1:0", opsHandler(&readiness{}, newTelemetry().reg, nil,
		h.dg.markdownHandler(h.ix, func() time.Time { return h.now }, log), log), log)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.close() })
	h.addr = srv.addr.String()
	return h
}

// settings are digest's settings for the held data folder, asking the
// server at addr.
func (h *heldDataFolder) settings(addr string) envLoader {
	return func(_ string, spec any) error {
		*spec.(*digestConfig) = digestConfig{
			Config:         Config{Corpus: h.corpus, Data: h.data},
			DigestSettings: DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute},
			HTTPSettings:   HTTPSettings{HTTPAddr: addr},
		}
		return nil
	}
}

// writeEnrichment adds a document to a corpus folder, one that the watch
// seedState saves matches.
func writeEnrichment(tb testing.TB, dir string) {
	tb.Helper()
	news := "---\ntitle: \"Enrichment talks stall\"\npublisher: Test Wire\npublished: 2024-05-01\nurl: https://example.com/enrichment\n---\n" +
		"Talks on uranium enrichment limits stalled on Tuesday as negotiators failed to agree on inspections.\n\n" +
		"The uranium enrichment talks are to resume next month, officials said.\n"
	if err := os.WriteFile(filepath.Join(dir, "enrichment.md"), []byte(news), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestDigestFromTheRunningServer(t *testing.T) {
	t.Parallel()
	h := holdDataFolder(t, true)
	tests := []struct {
		args  []string
		query digestQuery
		want  []string // in the digest
	}{
		{[]string{"--guild", "111"}, digestQuery{guild: "111", since: 24 * time.Hour},
			[]string{"Enrichment talks stall", "Who led the delegation to Tehran?** · asked twice", "“uranium enrichment”"}},
		{nil, digestQuery{since: 24 * time.Hour}, []string{"another server"}},
		{[]string{"--since", "30m"}, digestQuery{since: 30 * time.Minute}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runDigestCmd(t, h.settings(h.addr), tt.args...)
			if err != nil {
				t.Fatalf("digest while the server holds the data folder: %v\n%s", err, stderr)
			}
			want, err := composeDigest(context.Background(), h.dg.store, h.ix, tt.query, h.now)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != want {
				t.Errorf("digest printed\n%s\nwant what the server composes:\n%s", stdout, want)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("digest lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, "held by the running dossier serve") || !strings.Contains(stderr, "http://"+h.addr+"/digest") {
				t.Errorf("digest said:\n%s\nwant that the digest is the server's, from its address", stderr)
			}
		})
	}
	t.Run("nothing new", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, err := runDigestCmd(t, h.settings(h.addr), "--since", "1ns")
		if err != nil || stdout != "" || !strings.Contains(stderr, "nothing new") {
			t.Errorf("digest --since 1ns = %q, %v, said %q; want nothing, saying so", stdout, err, stderr)
		}
	})
}

func TestDigestWhenNoServerHasTheDataFolder(t *testing.T) {
	t.Parallel()
	held := holdDataFolder(t, true)
	offDuty := holdDataFolder(t, false) // holds the index, keeps no digests
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	other := holdDataFolder(t, true)
	tests := []struct {
		name string
		load envLoader
		want []string
	}{
		{"nothing listening", held.settings(closed), []string{
			"digest state " + filepath.Join(held.data, state.FileName) + " is in use by another dossier process",
			"no dossier serve answered at http://" + closed + "/digest", "connection refused", "DOSSIER_HTTP_ADDR"}},
		{"no address", held.settings(""), []string{"is in use by another dossier process", "DOSSIER_HTTP_ADDR"}},
		{"another data folder's server", held.settings(other.addr), []string{
			"the dossier serve at http://" + other.addr + "/digest", "does not hold " + held.data, "refused its digest token"}},
		{"a server without the digests", offDuty.settings(offDuty.addr), []string{
			"index " + indexDir(offDuty.data) + " is in use by another dossier process", "answered 503", "keeps no digests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, _, err := runDigestCmd(t, tt.load, "--guild", "111")
			if err == nil || stdout != "" {
				t.Fatalf("digest = %q, %v; want an error", stdout, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("digest error = %v\nwant %q", err, w)
				}
			}
		})
	}
}

// TestDigestWhileServing runs dossier serve itself, which sets the process
// environment: it is not parallel.
func TestDigestWhileServing(t *testing.T) {
	fake := discordtest.NewServer(t)
	data := t.TempDir()
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		"DOSSIER_DATA":             data,
	})
	base := s.waitOutput(t, opsURL)
	eventually(t, base+"/readyz", http.StatusOK)
	if _, err := fake.Interact(t, discordtest.SlashCommand("ask", discordtest.StringOption("question", delegationQuestion))).Wait(waitContext(t)); err != nil {
		t.Fatal(err)
	}
	load := func(_ string, spec any) error {
		*spec.(*digestConfig) = digestConfig{
			Config:         Config{Data: data},
			DigestSettings: DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute},
			HTTPSettings:   HTTPSettings{HTTPAddr: strings.TrimPrefix(base, "http://")},
		}
		return nil
	}
	stdout, stderr, err := runDigestCmd(t, load, "--guild", fake.GuildID())
	if err != nil {
		t.Fatalf("digest while serving: %v\n%s", err, stderr)
	}
	if status, body := get(t, base+"/digest?since=24h&guild="+fake.GuildID()); status != http.StatusForbidden {
		t.Errorf("GET /digest without the token = %d %q, want 403", status, body)
	}
	status, served := getDigest(t, base+"/digest?since=24h&guild="+fake.GuildID(), readDigestToken(data))
	if status != http.StatusOK || stdout != served {
		t.Errorf("digest printed\n%s\nwant what the server's GET /digest answers (%d):\n%s", stdout, status, served)
	}
	if !strings.Contains(stdout, "## Most asked") || !strings.Contains(stdout, delegationQuestion) {
		t.Errorf("digest while serving lacks the question just asked:\n%s", stdout)
	}
	if !strings.Contains(stderr, "held by the running dossier serve") {
		t.Errorf("digest said:\n%s\nwant that the digest is the server's", stderr)
	}
}

// getDigest is GET url with the digest token.
func getDigest(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
