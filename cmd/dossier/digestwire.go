package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// DigestServeSettings are serve's settings for the daily digest.
type DigestServeSettings struct {
	DigestSettings
	Digest onOff `default:"on" desc:"on: post the daily digests (with DOSSIER_DATABASE_URL, whichever replica is elected posts them); off: this instance never posts them (default on)"`
}

// onOff is a setting that is on or off.
type onOff bool

// Decode reads on, off and their usual synonyms; envconfig calls it. An
// empty value is on, the default, as for a variable not set at all.
func (o *onOff) Decode(value string) error {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "on", "true", "yes", "1", "":
		*o = true
	case "off", "false", "no", "0":
		*o = false
	default:
		return errors.New("want on or off")
	}
	return nil
}

// checkDigestSettings names the first malformed digest setting.
func checkDigestSettings(s DigestSettings) error {
	for _, d := range []struct {
		name  string
		value time.Duration
	}{{"QUESTION_RETENTION", s.QuestionRetention}, {"CORPUS_POLL", s.CorpusPoll}} {
		if d.value <= 0 {
			return fmt.Errorf("setting %s_%s is not valid: want a positive duration such as 720h or 1m", envPrefix, d.name)
		}
	}
	return nil
}

// checkDigestServe checks serve's digest settings.
func checkDigestServe(cfg *serveConfig) error {
	cfg.DatabaseURL = strings.TrimSpace(cfg.DatabaseURL)
	return checkDigestSettings(cfg.DigestSettings)
}

// What /digest and /watch say on an instance without the digests' state.
const (
	msgDigestsNeedData = "Daily digests are not set up on this Dossier: it needs a data folder (DOSSIER_DATA) or a database (DOSSIER_DATABASE_URL) to keep subscriptions in."
	msgDigestsOff      = "Daily digests are run by another Dossier instance, not this one (DOSSIER_DIGEST=off)."
)

// digests is the daily digest as serve runs it: the state store when this
// instance keeps it, the scheduler that posts the digests, and the watcher
// that keeps the index (and the document registry) in step with the
// corpus folder.
type digests struct {
	store state.Store // nil without
	// shared is store when it is PostgreSQL, shared by every replica;
	// the one elected among them posts the digests.
	shared *state.Postgres
	// stateName names the store: its file, absolute, or the database's
	// URL without a password.
	stateName string
	closed    atomic.Bool // the store is closing or closed
	// posts says whether this instance posts the digests (when elected,
	// with a shared store); the scheduler also previews them.
	posts bool
	// token is what GET /digest must be sent, from the data folder's
	// digestTokenFile; "" without a data folder.
	token     string
	scheduler *digest.Scheduler
	watcher   *digest.Watcher
	noDigests string
	stop      context.CancelFunc
	wg        sync.WaitGroup
}

// openDigests opens the state store: the database at
// DOSSIER_DATABASE_URL, shared by every replica, or else DATA/state.db,
// unless DOSSIER_DIGEST is off. Either way the corpus is watched, so that
// the index follows it while serving. waiting is told why the state is
// not open yet while a database does not answer.
func openDigests(ctx context.Context, cfg serveConfig, src *sources, ix *index.Index, poster digest.Poster, posted func(), waiting func(why string), log *slog.Logger) (*digests, error) {
	d := &digests{posts: bool(cfg.Digest)}
	switch {
	case cfg.DatabaseURL != "":
		st, err := openShared(ctx, cfg.DatabaseURL, waiting, log)
		if err != nil {
			return nil, err
		}
		d.store, d.shared, d.stateName = st, st, st.Where()
	case src.data == "":
		d.noDigests = msgDigestsNeedData
	case !d.posts:
		d.noDigests = msgDigestsOff
	default:
		path := filepath.Join(src.data, state.FileName)
		st, err := state.Open(path)
		switch {
		case errors.Is(err, state.ErrLocked):
			return nil, fmt.Errorf("the digest state %s is in use by another dossier process: give each instance its own data folder, set %s_DIGEST=off on all but one, or share a database (%s_DATABASE_URL)", path, envPrefix, envPrefix)
		case err != nil:
			return nil, err
		}
		d.store = st
		if d.stateName, err = filepath.Abs(path); err != nil {
			d.stateName = path
		}
	}
	if src.data != "" {
		var err error
		if d.token, err = writeDigestToken(src.data); err != nil {
			if d.store != nil {
				d.store.Close()
			}
			return nil, err
		}
	}
	if d.store != nil {
		d.scheduler = digest.NewScheduler(digest.Config{
			Store: d.store, Index: ix, Poster: poster, Log: log, Retention: cfg.QuestionRetention, Posted: posted,
		})
	}
	var fsys fs.FS = corpus.Builtin()
	if src.corpus != "" {
		fsys = os.DirFS(src.corpus)
	}
	d.watcher = digest.NewWatcher(digest.WatcherConfig{
		Corpus: fsys, Name: corpusName(src), Folder: folderOptions(src), Index: ix, Store: d.store, Interval: cfg.CorpusPoll, Log: log,
	})
	return d, nil
}

// Waits between tries to reach the database at start.
const (
	firstDatabaseWait = time.Second
	maxDatabaseWait   = 30 * time.Second
)

// openShared opens the database at url, trying again with backoff while
// the server does not answer (it may be starting alongside, or be
// restarting) until ctx is done; a server that answers no (password,
// database, schema) fails at once. Meanwhile waiting is told why ("" once
// done), for /readyz, which says not ready: the bot is not running yet.
func openShared(ctx context.Context, url string, waiting func(why string), log *slog.Logger) (*state.Postgres, error) {
	wait := firstDatabaseWait
	for {
		st, err := state.OpenPostgres(ctx, url)
		if err == nil || !errors.Is(err, state.ErrUnreachable) {
			waiting("")
			return st, err
		}
		log.Warn("the database does not answer yet; trying again", "in", wait, "err", err)
		waiting(fmt.Sprintf("waiting for database: %s; trying again in %s", unreachableCause(err), wait))
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
		wait = min(2*wait, maxDatabaseWait)
	}
}

// unreachableCause says why a database did not answer in words that name
// neither its address nor its user, unlike the error (which the log
// keeps): /readyz answers anyone who can reach it.
func unreachableCause(err error) string {
	var errno syscall.Errno
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return "its host name is not found (" + dns.Err + ")"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "the connection timed out"
	case errors.As(err, &errno):
		return errno.Error()
	}
	return "the server did not answer"
}

// options are the bot's options for the digests.
func (d *digests) options(opts bot.Options) bot.Options {
	if d.store == nil {
		opts.NoDigests = d.noDigests
		return opts
	}
	opts.Digests = &bot.Digests{Store: d.store, Preview: d.scheduler}
	opts.Seen = d.store
	return opts
}

// start runs the watcher, and the scheduler if this instance posts the
// digests (with a shared store, while it is the elected leader), until
// ctx is done or close is called.
func (d *digests) start(ctx context.Context, log *slog.Logger) {
	ctx, d.stop = context.WithCancel(ctx)
	runs := []func(context.Context) error{d.watcher.Run}
	switch {
	case d.scheduler == nil || !d.posts:
	case d.shared != nil:
		runs = append(runs, func(ctx context.Context) error {
			return d.shared.Lead(ctx, state.Election{Changed: func(leading bool, err error) {
				switch {
				case leading:
					log.Info("elected to post the daily digests")
				case err != nil:
					log.Warn("not posting the daily digests: lost or could not seek the election", "err", err)
				default:
					log.Info("stepped down from posting the daily digests")
				}
			}}, d.scheduler.Run)
		})
	default:
		runs = append(runs, d.scheduler.Run)
	}
	for _, run := range runs {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			run(ctx) // returns nil once ctx is done; it logs its own errors
		}()
	}
}

// close stops the scheduler and the watcher, waits for them, and closes
// the state store. A digest interrupted half-posted is finished at the
// next start.
func (d *digests) close(log *slog.Logger) {
	if d.stop != nil {
		d.stop()
	}
	d.wg.Wait()
	d.closed.Store(true)
	if d.store != nil {
		if err := d.store.Close(); err != nil {
			log.Warn("close the digest state", "err", err)
		}
	}
}

// stateHeader names, in GET /digest's answer, the state file the digest
// is composed from, so that dossier digest can tell it is its own data
// folder's.
const stateHeader = "X-Dossier-State"

// markdownHandler answers GET /digest?since=24h&guild=ID with the digest
// dossier digest prints, composed from this instance's state and index at
// now(), as text/markdown, or 204 when there is nothing in it. dossier
// digest asks it when serve holds the data folder. The question log is
// the Discord servers' business, and the HTTP server is reachable from
// elsewhere for its probes, so it answers only a client on this machine
// that sends the token serve wrote in the data folder: a connection from
// loopback alone proves nothing behind a reverse proxy on the same host.
func (d *digests) markdownHandler(ix digest.Asker, now func() time.Time, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromLoopback(r) {
			writeText(w, http.StatusForbidden, "the digest is served to dossier digest on this machine only")
			return
		}
		if d.store == nil {
			writeText(w, http.StatusServiceUnavailable, "this instance keeps no digests: "+d.noDigests)
			return
		}
		if !d.tokenOK(r) {
			writeText(w, http.StatusForbidden, "the digest is served to dossier digest only, which sends the token in the data folder's "+digestTokenFile)
			return
		}
		w.Header().Set(stateHeader, d.stateName)
		q, err := parseDigestQuery(r.URL.Query())
		if err != nil {
			writeText(w, http.StatusBadRequest, err.Error())
			return
		}
		md, err := composeDigest(r.Context(), d.store, ix, q, now())
		switch {
		case err != nil && d.closed.Load():
			writeText(w, http.StatusServiceUnavailable, "shutting down")
		case err != nil:
			log.Error("compose the digest for GET /digest", "guild", q.guild, "since", q.since, "err", err)
			writeText(w, http.StatusInternalServerError, "the digest could not be composed; the server's log says why")
		case md == "":
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			io.WriteString(w, md)
		}
	})
}

// parseDigestQuery reads GET /digest's parameters: since, a positive
// duration (default 24h), and guild, a Discord server ID (default: all).
func parseDigestQuery(v url.Values) (digestQuery, error) {
	q := digestQuery{guild: v.Get("guild"), since: 24 * time.Hour}
	if s := v.Get("since"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return digestQuery{}, fmt.Errorf("since %q is not a positive duration such as 24h", s)
		}
		q.since = d
	}
	if !numeric(q.guild) {
		return digestQuery{}, fmt.Errorf("guild %q is not a numeric Discord server ID", q.guild)
	}
	return q, nil
}

// digestTokenFile is the file in the data folder that holds the token GET
// /digest wants: whoever can read the data folder may read the digest.
const digestTokenFile = "digest-token"

// writeDigestToken makes a new token and writes it, readable by its owner
// only, in the data folder.
func writeDigestToken(data string) (string, error) {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand's contract since Go 1.24)
	token := hex.EncodeToString(b[:])
	if err := os.MkdirAll(data, 0o755); err != nil {
		return "", fmt.Errorf("create data folder %q: %w", data, err)
	}
	path := filepath.Join(data, digestTokenFile)
	tmp, err := os.CreateTemp(data, digestTokenFile+".*")
	if err == nil {
		_, err = tmp.WriteString(token + "\n")
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		return "", fmt.Errorf("write the digest token %s: %w", path, err)
	}
	return token, nil
}

// readDigestToken reads the token the server holding the data folder
// wrote; "" when there is none.
func readDigestToken(data string) string {
	b, err := os.ReadFile(filepath.Join(data, digestTokenFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// tokenOK reports whether r carries the digest token.
func (d *digests) tokenOK(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && d.token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(d.token)) == 1
}

// fromLoopback reports whether a request comes from this machine.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}
