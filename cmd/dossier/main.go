// Command dossier answers questions from a team's documents with quoted,
// cited excerpts: from the command line (ask), by building an on-disk index
// (index), by measuring answer quality (eval), and on Discord (serve, with
// an HTTP server for health checks, metrics and Discord's interactions).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/kelseyhightower/envconfig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], envconfig.Process, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(report(err, os.Stderr))
}

// usageError is a mistake in how dossier was invoked: exit status 2, and
// help tells how to do it right.
type usageError struct {
	msg  string
	help string
}

func (e *usageError) Error() string { return e.msg }

// report prints err once for people and returns the exit status.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "dossier: interrupted")
		return 1
	}
	fmt.Fprintf(stderr, "dossier: %v\n", err)
	var uerr *usageError
	if errors.As(err, &uerr) {
		if uerr.help != "" {
			fmt.Fprintf(stderr, "\n%s", uerr.help)
		}
		return 2
	}
	return 1
}

// command is one subcommand of dossier.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error
}

// stdio is where a command reads questions and writes its output.
type stdio struct {
	in          io.Reader
	out, errOut io.Writer
}

func commands() []command {
	return []command{
		{"ask", "answer questions from the corpus with quoted, linked excerpts", runAsk},
		{"index", "build or update the on-disk index of a corpus", runIndex},
		{"add", "add links and files to the corpus folder, once each, and index them", runAdd},
		{"eval", "measure answer quality on a question file or a BEIR benchmark", runEval},
		{"bench", "measure index build, size, memory and question latency at one scale", runBench},
		{"serve", "answer questions on Discord: /ask, /sources and Find sources", runServe},
		{"digest", "print the daily digest of new documents and questions as Markdown", runDigest},
		{"cite", "print a citation Dossier showed, by its id: Markdown, CSL-JSON or text", runCite},
		{"state", "export or import the bot's state, to move it between a data folder and PostgreSQL", runState},
		{"version", "print the version and the commit dossier was built from", runVersion},
		{"healthcheck", "check that a running dossier serve is alive, for container health checks", runHealthcheck},
	}
}

// run is dossier without the process around it: loadEnv fills the settings
// (main passes envconfig.Process), and the streams stand for stdin, stdout
// and stderr.
func run(ctx context.Context, args []string, loadEnv envLoader, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &usageError{msg: "no command given", help: mainUsage()}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout)
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, rest, loadEnv, stdio{in: stdin, out: stdout, errOut: stderr})
		}
	}
	return &usageError{msg: fmt.Sprintf("unknown command %q", name), help: mainUsage()}
}

// runHelp prints the overview, or a command's usage as its --help would.
func runHelp(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		_, err := io.WriteString(stdout, mainUsage())
		return err
	}
	for _, c := range commands() {
		if c.name == args[0] {
			// --help returns before any setting is read: no loader needed.
			return c.run(context.Background(), []string{"--help"}, nil, stdio{out: stdout, errOut: io.Discard})
		}
	}
	return &usageError{msg: fmt.Sprintf("no help for unknown command %q", args[0]), help: mainUsage()}
}

func mainUsage() string {
	var b strings.Builder
	b.WriteString("Dossier answers questions from your documents with quoted, cited excerpts.\n\n")
	b.WriteString("Usage:\n  dossier COMMAND [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(&b, "  %-11s %s\n\n", "help", "show this overview, or a command's flags: dossier help ask")
	b.WriteString(settingsUsage())
	return b.String()
}
