package main

import (
	"context"
	"errors"
	"log/slog"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/bot/state/statetest"
	"github.com/dossier-bot/dossier/corpus"
)

// stateCmd runs dossier state with the settings given, and returns what
// it printed on stdout and stderr.
func stateCmd(t *testing.T, cfg stateConfig, stdin string, args ...string) (string, string, error) {
	t.Helper()
	load := func(_ string, spec any) error {
		*spec.(*stateConfig) = cfg
		return nil
	}
	return dossierWith(t, load, stdin, append([]string{"state"}, args...)...)
}

// seedEveryKind writes a record of every kind to the state in dir.
func seedEveryKind(t *testing.T, dir string) {
	t.Helper()
	st, err := state.Open(dir + "/" + state.FileName)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	steps := []error{
		second(st.Subscribe(state.Subscription{GuildID: "1", ChannelID: "2", Time: "9:00", Zone: "Europe/London", Created: at})),
		second(st.AddWatch(state.Watch{GuildID: "1", ChannelID: "2", Query: "drone exports", Created: at})),
		second(st.RecordDocuments(&corpus.Corpus{Documents: []corpus.Document{{ID: "a", Title: "A", Hash: "h",
			Passages: []corpus.Passage{{Text: "one passage"}}}}}, at, func(corpus.Document) string { return "lead" })),
		third(st.BeginDigest(state.Digest{ChannelID: "2", Date: "2024-04-30", Status: state.Posting, Started: at,
			Parts: []state.Part{{Content: "part", Nonce: "n"}}})),
		st.PartPosted("2", "2024-04-30", 0, "99"),
		st.LogQuestion(state.Question{GuildID: "1", ChannelID: "2", Text: "Who?", Reply: state.ReplyRelated, Time: at}),
		second(st.RecordCitations(state.Shown{At: at, GuildID: "1", ChannelID: "2", UserID: "3"},
			[]state.KeptCitation{{DocID: "a", Title: "A", Text: "one passage", Excerpt: "one"}})),
		second(st.CitationSecret()),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("seed step %d: %v", i, err)
		}
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }

// The state goes from a data folder to PostgreSQL and back through
// dossier state export | dossier state import, every record kind intact.
func TestStateExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	db := statetest.Database(t)
	from, back := t.TempDir(), t.TempDir()
	seedEveryKind(t, from)

	exported, stderr, err := stateCmd(t, stateConfig{DatabaseURL: db}, "", "export", "--data", from)
	if err != nil {
		t.Fatalf("state export --data: %v", err)
	}
	for _, kind := range []string{"Subscription", "Watch", "Document", "Digest", "Question", "Citation", "ChannelShowing", "UserShowing", "CitationSecret"} {
		if !strings.Contains(exported, `{"`+kind+`":`) {
			t.Errorf("the export lacks a %s record:\n%s", kind, exported)
		}
	}
	if !strings.Contains(stderr, "exported 9 records") {
		t.Errorf("state export said %q, want the 9 records counted", stderr)
	}
	if _, stderr, err := stateCmd(t, stateConfig{DatabaseURL: db}, exported, "import"); err != nil || !strings.Contains(stderr, "imported 9 records") {
		t.Fatalf("state import into PostgreSQL = %v, %q", err, stderr)
	}
	fromDB, _, err := stateCmd(t, stateConfig{DatabaseURL: db}, "", "export")
	if err != nil || fromDB != exported {
		t.Errorf("state export from PostgreSQL = %v\n%s\nwant what was imported:\n%s", err, fromDB, exported)
	}
	if _, _, err := stateCmd(t, stateConfig{Config: Config{Data: back}}, fromDB, "import"); err != nil {
		t.Fatalf("state import into a data folder: %v", err)
	}
	again, _, err := stateCmd(t, stateConfig{Config: Config{Data: back}}, "", "export")
	if err != nil || again != exported {
		t.Errorf("state export after the way back = %v\n%s\nwant\n%s", err, again, exported)
	}

	// A store in use is not written over; a bad line imports nothing.
	if _, _, err := stateCmd(t, stateConfig{DatabaseURL: db}, exported, "import"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("state import into a database in use = %v, want that it is not empty", err)
	}
	empty := t.TempDir()
	if _, _, err := stateCmd(t, stateConfig{}, exported+"not json\n", "import", "--data", empty); err == nil || !strings.Contains(err.Error(), "line 10") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("state import of a bad line = %v, want the line named and nothing imported", err)
	}
	if out, _, err := stateCmd(t, stateConfig{}, "", "export", "--data", empty); err != nil || out != "" {
		t.Errorf("state export after a failed import = %v, %q; want an empty state", err, out)
	}
}

func TestStateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  stateConfig
		args []string
		want string
	}{
		{"no verb", stateConfig{Config: Config{Data: t.TempDir()}}, nil, "export or import"},
		{"no store", stateConfig{}, []string{"export"}, "needs --data DIR, DOSSIER_DATA or DOSSIER_DATABASE_URL"},
		{"nothing to export", stateConfig{}, []string{"export", "--data", t.TempDir()}, "no state to export"},
		{"a bad database URL", stateConfig{DatabaseURL: "postgres://u:s3cret@[::1"}, []string{"export"}, "is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := stateCmd(t, tt.cfg, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("state %v = %v, want %q", tt.args, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("state %v error shows the password: %v", tt.args, err)
			}
		})
	}
}

// With DOSSIER_DATABASE_URL, dossier digest reads the shared state as the
// servers keep it, and leaves the registry to them: a corpus of its own
// does not announce anything to the database.
func TestDigestFromTheDatabase(t *testing.T) {
	t.Parallel()
	db := statetest.Database(t)
	st, err := state.OpenPostgres(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RecordDocuments(c, now.Add(-time.Hour), func(corpus.Document) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if err := st.LogQuestion(state.Question{GuildID: "111", Text: "Who kept the harbour log?", Time: now.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir() // a corpus the servers do not have
	writeEnrichment(t, other)
	load := func(_ string, spec any) error {
		*spec.(*digestConfig) = digestConfig{
			Config:         Config{Corpus: other},
			DigestSettings: DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute, DatabaseURL: db},
		}
		return nil
	}
	stdout, stderr, err := runDigestCmd(t, load, "--guild", "111")
	if err != nil {
		t.Fatalf("digest from the database: %v\n%s", err, stderr)
	}
	if got := strings.Count(stdout, "· new\n"); got != 4 || !strings.Contains(stdout, "Who kept the harbour log?") {
		t.Errorf("digest from the database:\n%s\nwant the 4 documents the servers recorded and the question logged", stdout)
	}
	docs, err := st.Documents()
	if err != nil || len(docs) != 4 {
		t.Errorf("the registry holds %d documents (%v) after dossier digest, want the servers' 4 untouched", len(docs), err)
	}
}

// serve waits for a database that does not answer yet, saying so, and
// gives up at once on one that answers no.
func TestOpenSharedWaitsOnlyForAnUnreachableServer(t *testing.T) {
	t.Parallel()
	var logged syncBuffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	start := time.Now()
	var whys []string
	_, err := openShared(ctx, "postgres://dossier:s3cret@127.0.0.1:1/dossier?connect_timeout=1", func(why string) { whys = append(whys, why) }, log)
	if !errors.Is(err, state.ErrUnreachable) || time.Since(start) < 2*time.Second {
		t.Errorf("openShared of a closed port = %v after %v, want ErrUnreachable once the context ends", err, time.Since(start))
	}
	if n := strings.Count(logged.String(), "trying again"); n < 2 || strings.Contains(logged.String(), "s3cret") {
		t.Errorf("openShared logged %d retries (want 2 or more, without the password):\n%s", n, logged.String())
	}
	// /readyz shows the reason to anyone: the cause, not the address.
	if len(whys) < 2 {
		t.Errorf("openShared told why it waits %d times, want once a retry: %q", len(whys), whys)
	}
	for _, why := range whys {
		if why == "" {
			t.Errorf("openShared said it no longer waits, yet it never reached the database: %q", whys)
			continue
		}
		if !strings.HasPrefix(why, "waiting for database: connection refused") || strings.ContainsAny(why, "@") ||
			strings.Contains(why, "s3cret") || strings.Contains(why, "127.0.0.1") {
			t.Errorf("openShared said it waits because %q, want the cause (connection refused) without the URL", why)
		}
	}

	u, perr := neturl.Parse(statetest.Database(t))
	if perr != nil {
		t.Fatal(perr)
	}
	u.Path = "/no_such_database"
	start = time.Now()
	if _, err := openShared(context.Background(), u.String(), func(string) {}, log); err == nil || errors.Is(err, state.ErrUnreachable) || time.Since(start) > 5*time.Second {
		t.Errorf("openShared of a database that does not exist = %v after %v, want a prompt error", err, time.Since(start))
	}
}
