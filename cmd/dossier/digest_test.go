package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"

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
	return dossierWith(tb, load, "", append([]string{"digest"}, args...)...)
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
