package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/dossier-bot/dossier/index"
)

const serveAbout = `Serves Dossier on Discord: connects to the gateway, registers the /ask,
/sources, /digest and /watch commands and the "Find sources" message command
(in the guild of DOSSIER_DISCORD_GUILD_ID, or globally), and answers until
interrupted. With a corpus folder it registers /add and the "Add to corpus"
message command too, which add links and files to the folder (members
with Manage Server, or the role DOSSIER_EDITOR_ROLE names).
Ctrl-C or SIGTERM lets the replies in flight finish, then stops, within
10 seconds.

With --interactions, Discord POSTs the commands to /interactions on the
HTTP server instead (the application's Interactions Endpoint URL), checked
against DOSSIER_DISCORD_PUBLIC_KEY; no gateway connection is made, and
several instances can share the work behind a load balancer.

The HTTP server on DOSSIER_HTTP_ADDR also answers /healthz (alive),
/readyz (index open and Discord connected, or why not), /metrics
(Prometheus) and, to clients on this machine, GET /digest (the digest
dossier digest prints, from this instance's state). While Discord fails
or cannot be reached, serve keeps trying, and /readyz says why; it stops
only if Discord refuses the token.

With --data, a built index there answers at once, however large the
corpus, and is brought up to date with the corpus in the background; one
not built yet (or built by another version) is built first. Without
--data the corpus is indexed in memory first. Either way the corpus folder
is watched (every DOSSIER_CORPUS_POLL) and changes are indexed while
questions are answered, each file once it has stopped changing. With --data, DATA/state.db keeps the daily digests'
subscriptions, history, question log and watches, and this instance posts
the digests, unless DOSSIER_DIGEST=off. With DOSSIER_DATABASE_URL, that
state is in PostgreSQL instead, shared by every instance: each answers
/digest, /watch and /ask from it, and the one elected among them posts the
digests.`

// discordKeyPrefix prefixes the Discord settings: DOSSIER_DISCORD_TOKEN...
const discordKeyPrefix = envPrefix + "_DISCORD"

// serveConfig is serve's settings: the shared ones plus its own.
type serveConfig struct {
	Config
	ServeSettings
}

// ServeSettings are the settings only serve reads.
type ServeSettings struct {
	HTTPSettings
	PagesSettings
	DigestServeSettings
	AddServeSettings
	Interactions bool `desc:"receive commands as HTTP requests to /interactions instead of over the gateway (default false; --interactions)"`
	Discord      discordConfig
}

// discordConfig is read from DOSSIER_DISCORD_* variables.
type discordConfig struct {
	Token     string `desc:"the bot's token, from the Discord developer portal (required)"`
	AppID     string `split_words:"true" desc:"the application ID (default: the one Discord reports on connecting)"`
	GuildID   string `split_words:"true" desc:"register the commands in this guild only, where they appear at once (default: globally)"`
	PublicKey string `split_words:"true" desc:"the application's public key, 64 hex digits (required with --interactions)"`
	API       string `default:"https://discord.com/api/v9" desc:"base URL of Discord's REST API (default: https://discord.com/api/v9)"`
}

func runServe(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("serve", "dossier serve [--interactions] [--corpus DIR] [--data DIR]", serveAbout+"\n\n"+strings.TrimSuffix(serveUsage(), "\n"))
	src := sourceFlags(fs)
	interactions := fs.Bool("interactions", false, "receive commands as HTTP requests to /interactions instead of over the gateway (overrides DOSSIER_INTERACTIONS)")
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("serve takes no arguments, got %q", rest[0]), help: fs.usage()}
	}
	var cfg serveConfig
	if err := loadSettings(loadEnv, &cfg, fs.usage()); err != nil {
		return err
	}
	if fs.isSet("interactions") {
		cfg.Interactions = *interactions
	}
	publicKey, err := checkServeConfig(&cfg)
	if err != nil {
		return &usageError{msg: err.Error(), help: fs.usage()}
	}
	src.resolve(fs, cfg.Config)
	if err := checkPagesNeedState(cfg, src); err != nil {
		return &usageError{msg: err.Error(), help: fs.usage()}
	}
	log := newLogger(sio.errOut, cfg.Config)
	return serve(ctx, cfg, publicKey, src, sio, log)
}

// checkServeConfig checks serve's settings, naming the one that is
// missing or malformed, and returns the public key in interactions mode.
func checkServeConfig(cfg *serveConfig) (ed25519.PublicKey, error) {
	d := &cfg.Discord
	d.Token, d.AppID, d.GuildID, d.API = strings.TrimSpace(d.Token), strings.TrimSpace(d.AppID), strings.TrimSpace(d.GuildID), strings.TrimSpace(d.API)
	d.PublicKey = strings.TrimSpace(d.PublicKey)
	key, keyErr := hex.DecodeString(d.PublicKey)
	var problem string
	switch api, err := url.Parse(d.API); {
	case d.Token == "":
		problem = "setting " + discordKeyPrefix + "_TOKEN is required: the bot's token, from the Discord developer portal"
	case err != nil || (api.Scheme != "http" && api.Scheme != "https") || api.Host == "":
		problem = "setting " + discordKeyPrefix + "_API is not valid: want an http or https URL such as https://discord.com/api/v9"
	case !numeric(d.AppID):
		problem = "setting " + discordKeyPrefix + "_APP_ID is not valid: want a numeric Discord ID"
	case !numeric(d.GuildID):
		problem = "setting " + discordKeyPrefix + "_GUILD_ID is not valid: want a numeric Discord ID"
	case cfg.Interactions && d.PublicKey == "":
		problem = "setting " + discordKeyPrefix + "_PUBLIC_KEY is required with --interactions: the application's public key, from the Discord developer portal"
	case d.PublicKey != "" && (keyErr != nil || len(key) != ed25519.PublicKeySize):
		// The value is left out, like every setting's.
		problem = "setting " + discordKeyPrefix + "_PUBLIC_KEY is not valid: want the 64 hex digits of the application's public key"
	case !validAddr(cfg.HTTPAddr):
		problem = "setting " + envPrefix + "_HTTP_ADDR is not valid: want HOST:PORT or :PORT, such as :8080"
	}
	if problem != "" {
		return nil, errors.New(problem)
	}
	if err := checkDigestServe(cfg); err != nil {
		return nil, err
	}
	var err error
	if cfg.PublicURL, err = checkPublicURL(cfg.PublicURL); err != nil {
		return nil, err
	}
	return ed25519.PublicKey(key), nil
}

func validAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

// numeric reports whether an optional ID is absent or all digits.
func numeric(id string) bool {
	return strings.Trim(id, "0123456789") == ""
}

// serveIndex returns the index serve answers from: the on-disk index of
// the data folder, or else a fresh in-memory index of the corpus. An
// on-disk index that can answer is served as it is, at once, however
// large the corpus: the corpus watcher's first look brings it up to date
// in the background while questions are answered. One that cannot (new,
// or built by another version) is built first.
func serveIndex(ctx context.Context, src *sources, stderr io.Writer, log *slog.Logger) (*index.Index, error) {
	if src.data == "" {
		return answerIndex(ctx, src, stderr, log)
	}
	if err := checkData(src); err != nil {
		return nil, err
	}
	// A wrong corpus setting fails now, but the folder is listed only if
	// the index must be built: a built one answers before that.
	if _, _, err := corpusFS(src); err != nil {
		return nil, err
	}
	ix, err := openDisk(indexDir(src.data))
	if err != nil {
		return nil, err
	}
	if err := claimCorpus(src, ix, false); err != nil {
		ix.Close()
		return nil, err
	}
	if !ix.NeedsBuild() {
		log.Info("answering from the index as built; bringing it up to date with the corpus in the background",
			"dir", indexDir(src.data), "documents", len(ix.Documents()))
		return ix, nil
	}
	f, err := openCorpus(src)
	if err != nil {
		ix.Close()
		return nil, err
	}
	ch, err := syncFolder(ctx, ix, f, src, stderr)
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("index %s into %s: %w", corpusName(src), indexDir(src.data), err)
	}
	log.Info("index built", "dir", indexDir(src.data), "documents", len(ch.Added), "passages", ch.Total, "took", ch.Took)
	return ix, nil
}

// serveUsage is the table of serve's own settings, from their tags.
func serveUsage() string {
	return usageTable("Serve settings (environment variables):", &ServeSettings{})
}
