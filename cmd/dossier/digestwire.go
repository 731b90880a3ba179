package main

import (
	"context"
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
	Digest    onOff  `default:"on" desc:"on: with DOSSIER_DATA, keep the digests' state here and post them; off: leave them to another instance (default on)"`
	DigestURL string `split_words:"true" desc:"with --interactions, on an instance without the digests' state: the /interactions URL of the one that keeps them, for /digest, /watch and the question log"`
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
	if err := checkDigestSettings(cfg.DigestSettings); err != nil {
		return err
	}
	cfg.DigestURL = strings.TrimSpace(cfg.DigestURL)
	if cfg.DigestURL == "" {
		return nil
	}
	if u, err := url.Parse(cfg.DigestURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("setting %s_DIGEST_URL is not valid: want the http or https address of the other instance's /interactions", envPrefix)
	}
	if !cfg.Interactions {
		return fmt.Errorf("setting %s_DIGEST_URL needs --interactions: over the gateway, Discord's signed requests cannot be passed on", envPrefix)
	}
	return nil
}

// What /digest and /watch say on an instance without the digests' state.
const (
	msgDigestsNeedData = "Daily digests are not set up on this Dossier: it needs a data folder (DOSSIER_DATA) to keep subscriptions in."
	msgDigestsOff      = "Daily digests are run by another Dossier instance, not this one (DOSSIER_DIGEST=off)."
)

// digests is the daily digest as serve runs it: the state store when this
// instance keeps it, the scheduler that posts the digests, and the watcher
// that keeps the index (and the document registry) in step with the
// corpus folder.
type digests struct {
	store     state.Store // nil without
	statePath string      // the store's file, absolute
	closed    atomic.Bool // the store is closing or closed
	scheduler *digest.Scheduler
	watcher   *digest.Watcher
	noDigests string
	stop      context.CancelFunc
	wg        sync.WaitGroup
}

// openDigests opens the state store when this instance keeps the
// digests: with a data folder, and DOSSIER_DIGEST on. Either way the
// corpus is watched, so that the index follows it while serving.
func openDigests(cfg serveConfig, src *sources, ix *index.Index, poster digest.Poster, posted func(), log *slog.Logger) (*digests, error) {
	d := &digests{}
	switch {
	case src.data == "":
		d.noDigests = msgDigestsNeedData
	case !bool(cfg.Digest):
		d.noDigests = msgDigestsOff
	default:
		path := filepath.Join(src.data, state.FileName)
		st, err := state.Open(path)
		switch {
		case errors.Is(err, state.ErrLocked):
			return nil, fmt.Errorf("the digest state %s is in use by another dossier process: give each instance its own data folder, or set %s_DIGEST=off on all but one", path, envPrefix)
		case err != nil:
			return nil, err
		}
		d.store = st
		if d.statePath, err = filepath.Abs(path); err != nil {
			d.statePath = path
		}
		d.scheduler = digest.NewScheduler(digest.Config{
			Store: st, Index: ix, Poster: poster, Log: log, Retention: cfg.QuestionRetention, Posted: posted,
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

// options are the bot's options for the digests: this instance's, or
// those of the instance at digestURL.
func (d *digests) options(opts bot.Options, digestURL string, log *slog.Logger) bot.Options {
	if d.store == nil {
		opts.DigestURL, opts.NoDigests = digestURL, d.noDigests
		return opts
	}
	if digestURL != "" {
		log.Warn("this instance keeps the daily digests; "+envPrefix+"_DIGEST_URL is not used", "url", digestURL)
	}
	opts.Digests = &bot.Digests{Store: d.store, Preview: d.scheduler}
	opts.Seen = d.store
	return opts
}

// start runs the watcher, and the scheduler if this instance posts the
// digests, until ctx is done or close is called.
func (d *digests) start(ctx context.Context) {
	ctx, d.stop = context.WithCancel(ctx)
	runs := []func(context.Context) error{d.watcher.Run}
	if d.scheduler != nil {
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
// digest asks it when serve holds the data folder. It answers clients on
// this machine only: the question log is the Discord servers' business,
// and the HTTP server may be reachable from elsewhere for its probes.
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
		w.Header().Set(stateHeader, d.statePath)
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

// fromLoopback reports whether a request comes from this machine.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}
