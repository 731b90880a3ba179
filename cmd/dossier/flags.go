package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagSet is a subcommand's flags with the usage text --help prints.
type flagSet struct {
	*flag.FlagSet
	synopsis, about string
}

func newFlagSet(name, synopsis, about string) *flagSet {
	fs := flag.NewFlagSet("dossier "+name, flag.ContinueOnError)
	// Errors are reported once, by main; --help goes to stdout.
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, synopsis: synopsis, about: about}
}

func (fs *flagSet) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage:\n  %s\n\n%s\n\nFlags:\n", fs.synopsis, fs.about)
	// Written out rather than PrintDefaults, to show the --long spelling
	// that the synopsis and the README use.
	fs.VisitAll(func(f *flag.Flag) {
		dashes := "--"
		if len(f.Name) == 1 {
			dashes = "-"
		}
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  %s\n      %s", strings.TrimSpace(dashes+f.Name+" "+arg), usage)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteString("\n")
	})
	b.WriteString("\n")
	b.WriteString(settingsUsage())
	return b.String()
}

// parse parses args, letting flags and arguments mix ("ask QUESTION --json"),
// and returns the arguments. After "--" everything is an argument. helped
// reports that --help was asked for and printed on stdout.
func (fs *flagSet) parse(args []string, stdout io.Writer) (rest []string, helped bool, err error) {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			_, err = io.WriteString(stdout, fs.usage())
			return nil, true, err
		}
		if err != nil {
			return nil, false, &usageError{msg: err.Error(), help: fs.usage()}
		}
		left := fs.Args()
		if len(left) == 0 {
			return rest, false, nil
		}
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), false, nil
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// start parses args as parse does, then loads the settings.
func (fs *flagSet) start(args []string, loadEnv envLoader, stdout io.Writer) (rest []string, cfg Config, helped bool, err error) {
	rest, helped, err = fs.parse(args, stdout)
	if err != nil || helped {
		return nil, Config{}, helped, err
	}
	cfg, err = loadConfig(loadEnv)
	return rest, cfg, false, err
}

// isSet reports whether the flag was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// sources says where a command finds documents and the on-disk index, and
// where each setting came from, so that errors can name it.
type sources struct {
	corpus, corpusFrom string
	data, dataFrom     string
}

// sourceFlags registers --corpus and --data on fs.
func sourceFlags(fs *flagSet) *sources {
	s := &sources{}
	fs.StringVar(&s.corpus, "corpus", "", "`folder` of documents: .md, .txt, .html, .pdf (overrides DOSSIER_CORPUS; default: the built-in corpus)")
	fs.StringVar(&s.data, "data", "", "`folder` holding the on-disk index in DATA/index (overrides DOSSIER_DATA)")
	return s
}

// resolve fills what the flags left unset from the settings.
func (s *sources) resolve(fs *flagSet, cfg Config) {
	s.corpusFrom, s.dataFrom = "--corpus", "--data"
	if !fs.isSet("corpus") {
		s.corpus, s.corpusFrom = cfg.Corpus, envPrefix+"_CORPUS"
	}
	if !fs.isSet("data") {
		s.data, s.dataFrom = cfg.Data, envPrefix+"_DATA"
	}
}
