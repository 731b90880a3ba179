package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/index"
)

const serveAbout = `Serves Dossier on Discord: connects to the gateway, registers the /ask and
/sources commands and the "Find sources" message command (in the guild of
DOSSIER_DISCORD_GUILD_ID, or globally), and answers until interrupted.
Ctrl-C or SIGTERM lets the replies in flight finish, then stops.

With --data, the on-disk index there is first brought up to date with the
corpus; otherwise the corpus is indexed in memory.`

// discordKeyPrefix prefixes the Discord settings: DOSSIER_DISCORD_TOKEN...
const discordKeyPrefix = envPrefix + "_DISCORD"

// serveConfig is serve's settings: the shared ones plus Discord's.
type serveConfig struct {
	Config
	Discord discordConfig
}

// discordConfig is read from DOSSIER_DISCORD_* variables.
type discordConfig struct {
	Token   string `desc:"the bot's token, from the Discord developer portal (required)"`
	AppID   string `split_words:"true" desc:"the application ID (default: the one Discord reports on connecting)"`
	GuildID string `split_words:"true" desc:"register the commands in this guild only, where they appear at once (default: globally)"`
	API     string `default:"https://discord.com/api/v9" desc:"base URL of Discord's REST API (default: https://discord.com/api/v9)"`
}

func runServe(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("serve", "dossier serve [--corpus DIR] [--data DIR]", serveAbout+"\n\n"+strings.TrimSuffix(discordUsage(), "\n"))
	src := sourceFlags(fs)
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("serve takes no arguments, got %q", rest[0]), help: fs.usage()}
	}
	cfg, err := loadServeConfig(loadEnv, fs.usage())
	if err != nil {
		return err
	}
	src.resolve(fs, cfg.Config)
	log := newLogger(sio.errOut, cfg.Config)

	session, err := bot.NewSession(cfg.Discord.Token, cfg.Discord.API)
	if err != nil {
		return err
	}
	ix, err := serveIndex(ctx, src, sio.errOut, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(sio.errOut, "dossier: serving %d documents on Discord; Ctrl-C stops\n", len(ix.Documents()))
	b := bot.New(session, ix, bot.Options{AppID: cfg.Discord.AppID, GuildID: cfg.Discord.GuildID, Log: log})
	if err := b.Run(ctx); err != nil {
		return fmt.Errorf("serve on discord: %w", err)
	}
	return nil
}

// loadServeConfig reads and checks serve's settings, naming the one that
// is missing or malformed; help is the usage shown with the error.
func loadServeConfig(load envLoader, help string) (serveConfig, error) {
	var cfg serveConfig
	if err := load(envPrefix, &cfg); err != nil {
		var perr *envconfig.ParseError
		if errors.As(err, &perr) {
			// The value itself is left out: a setting may hold a secret.
			err = fmt.Errorf("setting %s is not valid: %w", perr.KeyName, perr.Err)
		} else {
			err = fmt.Errorf("settings: %w", err)
		}
		return serveConfig{}, &usageError{msg: err.Error(), help: help}
	}
	d := &cfg.Discord
	d.Token, d.AppID, d.GuildID, d.API = strings.TrimSpace(d.Token), strings.TrimSpace(d.AppID), strings.TrimSpace(d.GuildID), strings.TrimSpace(d.API)
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
	}
	if problem != "" {
		return serveConfig{}, &usageError{msg: problem, help: help}
	}
	return cfg, nil
}

// numeric reports whether an optional ID is absent or all digits.
func numeric(id string) bool {
	return strings.Trim(id, "0123456789") == ""
}

// serveIndex returns the index serve answers from: the on-disk index of
// the data folder, brought up to date with the corpus, or else a fresh
// in-memory index of the corpus.
func serveIndex(ctx context.Context, src *sources, stderr io.Writer, log *slog.Logger) (*index.Index, error) {
	if src.data == "" {
		return answerIndex(ctx, src, stderr, log)
	}
	if err := checkData(src); err != nil {
		return nil, err
	}
	c, err := loadCorpus(src, stderr)
	if err != nil {
		return nil, err
	}
	ix, err := openDisk(indexDir(src.data))
	if err != nil {
		return nil, err
	}
	bar := newProgress(stderr, "indexing")
	ch, err := ix.Sync(ctx, c, bar.update)
	bar.finish()
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("index %s into %s: %w", corpusName(src), indexDir(src.data), err)
	}
	log.Info("index up to date", "dir", indexDir(src.data), "added", len(ch.Added), "changed", len(ch.Changed),
		"removed", len(ch.Removed), "passages", ch.Total)
	return ix, nil
}

// discordUsage is the table of Discord settings, from discordConfig's tags.
func discordUsage() string {
	var b strings.Builder
	b.WriteString("Discord settings (environment variables):\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	const format = "{{range .}}  {{usage_key .}}\t{{usage_description .}}\n{{end}}"
	if err := envconfig.Usagef(discordKeyPrefix, &discordConfig{}, tw, format); err != nil {
		// A fixed struct with a fixed template: this cannot fail at run
		// time without failing every test first.
		panic(fmt.Sprintf("discord settings usage: %v", err))
	}
	tw.Flush()
	return b.String()
}
