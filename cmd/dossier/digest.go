package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
kept between runs.`

// DigestSettings are the daily digest's settings, for digest and serve.
type DigestSettings struct {
	QuestionRetention time.Duration `split_words:"true" default:"720h" desc:"how long the question log keeps a question, for digests (default 720h: 30 days)"`
	CorpusPoll        time.Duration `split_words:"true" default:"1m" desc:"how often the bot looks for changed files in the corpus folder (default 1m)"`
}

// digestConfig is digest's settings: the shared ones plus the digest's.
type digestConfig struct {
	Config
	DigestSettings
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

	c, err := loadCorpus(src, sio.errOut)
	if err != nil {
		return err
	}
	st, closeState, err := digestState(src, sio.errOut)
	if err != nil {
		return err
	}
	defer closeState()
	now := time.Now()
	known, err := st.Documents()
	if err != nil {
		return err
	}
	ch, err := st.RecordDocuments(c.Documents, now, digest.Lead)
	if err != nil {
		return err
	}
	if len(known) == 0 && src.data != "" {
		fmt.Fprintf(sio.errOut, "dossier: no digest state in %s yet: started the document registry with the %d documents of %s, all new\n",
			src.data, len(c.Documents), corpusName(src))
	}
	log.Debug("document registry updated", "added", ch.Added, "changed", ch.Changed, "removed", ch.Removed)

	ix := &lazyIndex{open: func() (*index.Index, error) { return answerIndex(ctx, src, sio.errOut, log) }}
	defer ix.close()
	in, err := digest.Gather(ctx, st, ix, digest.Window{
		GuildID: *guild, Date: now, Since: now.Add(-*since), Until: now, AskedSince: now.Add(-*since),
	})
	if err != nil {
		return err
	}
	d := digest.Compose(in)
	if d.Empty() {
		fmt.Fprintf(sio.errOut, "dossier: nothing new in the last %v\n", *since)
		return nil
	}
	_, err = io.WriteString(sio.out, digest.Markdown(d))
	return err
}

// digestState opens the state in the data folder, creating it if needed,
// or a throwaway one without a data folder; release closes it.
func digestState(src *sources, stderr io.Writer) (st *state.Store, release func(), err error) {
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
		err = fmt.Errorf("the digest state %s is in use by another dossier process (stop the bot or use another --data folder)", path)
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
