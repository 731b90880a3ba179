package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	// The digest's time zones must not depend on the machine's zoneinfo.
	_ "time/tzdata"

	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
)

const digestAbout = `Prints the daily digest as Markdown: the documents added, changed or removed
within --since, with the lead of each, the questions most asked and those
nothing answered, and new passages for the topics the channels watch.

The document registry, the question log and the watches are the bot's, in
DATA/state.db. When there is none yet, the registry starts from the corpus
as it is now, so every document counts as new; without --data nothing is
kept between runs. With DOSSIER_DATABASE_URL, they are the database's, kept
up to date by the running servers, and read as they are.

While dossier serve holds the data folder (its state or index), the digest
is the server's own: dossier digest asks for it at GET /digest on the
server's HTTP server, at DOSSIER_HTTP_ADDR (default :8080) on this machine,
with the token the server wrote in DATA/digest-token.`

// DigestSettings are the daily digest's settings, for digest and serve.
type DigestSettings struct {
	QuestionRetention time.Duration `split_words:"true" default:"720h" desc:"how long the question log keeps a question, for digests (default 720h: 30 days)"`
	CorpusPoll        time.Duration `split_words:"true" default:"1m" desc:"how often the bot looks for changed files in the corpus folder (default 1m)"`
	DatabaseURL       string        `split_words:"true" desc:"a PostgreSQL URL, such as postgres://dossier:PASSWORD@db/dossier: keep the state (subscriptions, digests, question log, watches, documents) there, shared by every instance, instead of in DATA/state.db"`
}

// digestConfig is digest's settings: the shared ones, the digest's, and
// the address of a running server's HTTP server, which has the digest
// when it holds the data folder.
type digestConfig struct {
	Config
	DigestSettings
	HTTPSettings
}

func runDigest(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("digest", "dossier digest [--since 24h] [--guild ID] [--corpus DIR] [--data DIR]",
		digestAbout+"\n\n"+strings.TrimSuffix(digestUsage(), "\n"))
	since := fs.Duration("since", 24*time.Hour, "show what happened within this `duration` before now")
	guild := fs.String("guild", "", "only the questions and watches of the Discord server with this `ID` (default: all)")
	src := sourceFlags(fs)
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	switch {
	case len(rest) > 0:
		return &usageError{msg: fmt.Sprintf("digest takes no arguments, got %q", rest[0]), help: fs.usage()}
	case *since <= 0:
		return &usageError{msg: fmt.Sprintf("--since %v is not a positive duration such as 24h or 168h", *since), help: fs.usage()}
	case !numeric(*guild):
		return &usageError{msg: fmt.Sprintf("--guild %q is not a numeric Discord server ID", *guild), help: fs.usage()}
	}
	cfg, err := loadDigestConfig(loadEnv, fs.usage())
	if err != nil {
		return err
	}
	src.resolve(fs, cfg.Config)
	log := newLogger(sio.errOut, cfg.Config)
	if *since > cfg.QuestionRetention {
		fmt.Fprintf(sio.errOut, "dossier: note: questions are kept for %v (%s_QUESTION_RETENTION); older ones are not shown\n", cfg.QuestionRetention, envPrefix)
	}

	q := digestQuery{guild: *guild, since: *since}
	md, err := localDigest(ctx, src, cfg.DatabaseURL, q, sio.errOut, log)
	if locked := (*inUseError)(nil); errors.As(err, &locked) {
		own := filepath.Join(src.data, state.FileName)
		if cfg.DatabaseURL != "" {
			own = state.DatabaseName(cfg.DatabaseURL)
		}
		md, err = serverDigest(ctx, cfg.HTTPAddr, src, own, q, locked, sio.errOut)
	}
	if err != nil {
		return err
	}
	if md == "" {
		fmt.Fprintf(sio.errOut, "dossier: nothing new in the last %v\n", *since)
		return nil
	}
	_, err = io.WriteString(sio.out, md)
	return err
}

// digestQuery is what a digest is asked for: the questions and watches of
// one guild ("" for all), over the last since.
type digestQuery struct {
	guild string
	since time.Duration
}

// composeDigest renders the digest of q at now as Markdown, "" when there
// is nothing in it: what dossier digest prints, whether it composes it
// itself or a running server's GET /digest does.
func composeDigest(ctx context.Context, st state.Store, ix digest.Asker, q digestQuery, now time.Time) (string, error) {
	in, err := digest.Gather(ctx, st, ix, digest.Window{
		GuildID: q.guild, Date: now, Since: now.Add(-q.since), Until: now, AskedSince: now.Add(-q.since),
	})
	if err != nil {
		return "", err
	}
	return digest.Markdown(digest.Compose(in)), nil
}

// localDigest composes the digest from the data folder's state, or the
// database at dbURL, and index, first bringing the document registry of a
// data folder up to date with the corpus. A database's registry is the
// running servers' to keep: recording a corpus other than theirs would
// announce its documents to every channel. It fails with an *inUseError
// when another process holds the state or the index.
func localDigest(ctx context.Context, src *sources, dbURL string, q digestQuery, stderr io.Writer, log *slog.Logger) (string, error) {
	if dbURL != "" {
		st, err := state.OpenPostgres(ctx, dbURL)
		if err != nil {
			return "", err
		}
		defer st.Close()
		ix := &lazyIndex{open: func() (*index.Index, error) { return digestIndex(ctx, src, stderr, log) }}
		defer ix.close()
		return composeDigest(ctx, st, ix, q, time.Now())
	}
	if src.data != "" {
		if err := checkCorpus(src); err != nil {
			return "", err
		}
	}
	f, err := openCorpus(src)
	if err != nil {
		return "", err
	}
	st, closeState, err := digestState(src, stderr)
	if err != nil {
		return "", err
	}
	defer closeState()
	now := time.Now()
	known, err := st.Documents()
	if err != nil {
		return "", err
	}
	ch, err := st.RecordDocuments(f, now, digest.Lead)
	warnSkipped(stderr, f.Skipped)
	if err != nil {
		return "", nothingRead(err, src)
	}
	if len(known) == 0 && src.data != "" {
		fmt.Fprintf(stderr, "dossier: no digest state in %s yet: started the document registry with the %d documents of %s, all new\n",
			src.data, len(ch.Added), corpusName(src))
	}
	log.Debug("document registry updated", "added", len(ch.Added), "changed", len(ch.Changed), "removed", len(ch.Removed))

	ix := &lazyIndex{open: func() (*index.Index, error) { return digestIndex(ctx, src, stderr, log) }}
	defer ix.close()
	return composeDigest(ctx, st, ix, q, now)
}

// inUseError is a data folder's state or index held by another process,
// such as a running dossier serve.
type inUseError struct {
	what, path string // "digest state" or "index", and its path
	err        error
}

func (e *inUseError) Error() string {
	return fmt.Sprintf("the %s %s is in use by another dossier process", e.what, e.path)
}

func (e *inUseError) Unwrap() error { return e.err }

// digestIndex opens the index a digest searches for the watches, as ask
// does, telling an index held by another process by an *inUseError.
func digestIndex(ctx context.Context, src *sources, stderr io.Writer, log *slog.Logger) (*index.Index, error) {
	ix, err := answerIndex(ctx, src, stderr, log)
	if errors.Is(err, index.ErrLocked) {
		return nil, &inUseError{what: "index", path: indexDir(src.data), err: err}
	}
	return ix, err
}

// maxServerDigest bounds the digest read from a server; a digest has at
// most a few dozen items.
const maxServerDigest = 4 << 20

// serverDigest fetches the digest from the dossier serve that holds the
// data folder (locked), through GET /digest on its HTTP server at addr
// (DOSSIER_HTTP_ADDR). It composes it from its own state, corpus and index,
// as localDigest would. When no server answers for that data folder, the
// error says what holds it and what to do.
func serverDigest(ctx context.Context, addr string, src *sources, own string, q digestQuery, locked *inUseError, stderr io.Writer) (string, error) {
	ask := serverAsk{addr: addr, src: src, locked: locked, own: own,
		command: "dossier digest", what: "the digest", kept: "digests", token: "digest token", limit: maxServerDigest}
	a, err := ask.get(ctx, "/digest", url.Values{"since": {q.since.String()}, "guild": {q.guild}})
	if err != nil {
		return "", err
	}
	switch a.status {
	case http.StatusOK, http.StatusNoContent:
		fmt.Fprintf(stderr, "dossier: %s is held by the running dossier serve: this digest is its own, from %s, of its corpus\n", locked.path, a.url)
		return string(a.body), nil
	}
	return "", a.unexpected
}

// samePath reports whether two paths name the same file.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// digestState opens the state in the data folder, creating it if needed,
// or a throwaway one without a data folder; release closes it.
func digestState(src *sources, stderr io.Writer) (st state.Store, release func(), err error) {
	dir := src.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "dossier-digest-"); err != nil {
			return nil, nil, fmt.Errorf("create a temporary digest state: %w", err)
		}
		fmt.Fprintln(stderr, "dossier: without --data there is no question log or watch, and every document counts as new")
	} else {
		if err := checkData(src); err != nil {
			return nil, nil, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, fmt.Errorf("create data folder %q: %w", dir, err)
		}
	}
	path := filepath.Join(dir, state.FileName)
	st, err = state.Open(path)
	switch {
	case errors.Is(err, state.ErrLocked):
		err = &inUseError{what: "digest state", path: path, err: err}
	case err != nil:
		err = fmt.Errorf("open digest state %q: %w", path, err)
	}
	if err != nil {
		if src.data == "" {
			os.RemoveAll(dir)
		}
		return nil, nil, err
	}
	return st, func() {
		st.Close()
		if src.data == "" {
			os.RemoveAll(dir)
		}
	}, nil
}

// lazyIndex opens the index on the first question: a digest only asks
// when there are watches and new documents for them to match.
type lazyIndex struct {
	open func() (*index.Index, error)
	ix   *index.Index
}

func (l *lazyIndex) Ask(ctx context.Context, question string, k int) (index.Answer, error) {
	if l.ix == nil {
		ix, err := l.open()
		if err != nil {
			return index.Answer{}, err
		}
		l.ix = ix
	}
	return l.ix.Ask(ctx, question, k)
}

func (l *lazyIndex) close() {
	if l.ix != nil {
		l.ix.Close()
	}
}

// loadDigestConfig reads and checks digest's settings; help is the usage
// shown with an error.
func loadDigestConfig(load envLoader, help string) (digestConfig, error) {
	var cfg digestConfig
	if err := load(envPrefix, &cfg); err != nil {
		var perr *envconfig.ParseError
		if errors.As(err, &perr) {
			err = fmt.Errorf("setting %s is not valid: %w", perr.KeyName, perr.Err)
		} else {
			err = fmt.Errorf("settings: %w", err)
		}
		return digestConfig{}, &usageError{msg: err.Error(), help: help}
	}
	if err := checkDigestSettings(cfg.DigestSettings); err != nil {
		return digestConfig{}, &usageError{msg: err.Error(), help: help}
	}
	return cfg, nil
}

// digestUsage is the table of the digest's settings, from DigestSettings'
// tags.
func digestUsage() string {
	return usageTable("Digest settings (environment variables):", &DigestSettings{})
}
