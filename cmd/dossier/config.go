package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/kelseyhightower/envconfig"
)

// envPrefix is the prefix of every setting's environment variable.
const envPrefix = "DOSSIER"

// Config is dossier's settings, read from DOSSIER_* environment variables;
// command-line flags override them.
type Config struct {
	Corpus   string     `desc:"folder of documents to answer from: .md, .txt, .html, .pdf (default: the built-in corpus)"`
	Data     string     `desc:"folder holding the on-disk index, in DATA/index (default: index in memory)"`
	LogLevel slog.Level `split_words:"true" default:"WARN" desc:"diagnostics on stderr: DEBUG, INFO, WARN (default) or ERROR"`
	// Discord settings are added here by the bot command.
}

// envLoader fills spec from the environment variables named with prefix.
//
// envconfig.Process reads only the process environment, so run takes the
// loader as an argument instead of calling it: main passes envconfig.Process
// itself, and tests pass a loader of fixed settings. That keeps the tests
// parallel (t.Setenv forbids t.Parallel) and keeps a developer's own
// DOSSIER_DATA from leaking into them, while the real envconfig still does
// all the parsing.
type envLoader func(prefix string, spec any) error

// loadConfig reads the settings, naming the malformed one if any.
func loadConfig(load envLoader) (Config, error) {
	var cfg Config
	if err := loadSettings(load, &cfg, settingsUsage()); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// loadSettings fills spec, a settings struct, from the environment. A
// malformed setting is a usage error naming it, with help.
func loadSettings(load envLoader, spec any, help string) error {
	err := load(envPrefix, spec)
	if err == nil {
		return nil
	}
	var perr *envconfig.ParseError
	if errors.As(err, &perr) {
		// The value itself is left out: a setting may hold a secret.
		err = fmt.Errorf("setting %s is not valid: %w", perr.KeyName, perr.Err)
	} else {
		err = fmt.Errorf("settings: %w", err)
	}
	return &usageError{msg: err.Error(), help: help}
}

// settingsUsage is the table of environment variables, from Config's tags.
func settingsUsage() string {
	return usageTable("Settings (environment variables; flags override them):", &Config{})
}

// usageTable lists the settings of spec, an envconfig struct, under title.
func usageTable(title string, spec any) string {
	var b strings.Builder
	b.WriteString(title + "\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	const format = "{{range .}}  {{usage_key .}}\t{{usage_description .}}\n{{end}}"
	if err := envconfig.Usagef(envPrefix, spec, tw, format); err != nil {
		// Fixed structs with a fixed template: this cannot fail at run
		// time without failing every test first.
		panic(fmt.Sprintf("settings usage: %v", err))
	}
	tw.Flush()
	return b.String()
}
