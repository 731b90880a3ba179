package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/corpus/golden"
)

// settings is an envLoader of fixed settings, so that tests neither read
// nor touch the process environment.
func settings(cfg Config) envLoader {
	return func(_ string, spec any) error {
		*spec.(*Config) = cfg
		return nil
	}
}

// dossier runs the command in-process and returns its output.
func dossier(tb testing.TB, cfg Config, stdin string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	return dossierWith(tb, settings(cfg), stdin, args...)
}

// dossierWith is dossier with settings from load, for commands whose
// settings are more than Config.
func dossierWith(tb testing.TB, load envLoader, stdin string, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, load, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustDossier is dossier for runs that must succeed.
func mustDossier(tb testing.TB, cfg Config, stdin string, args ...string) (stdout, stderr string) {
	tb.Helper()
	stdout, stderr, err := dossier(tb, cfg, stdin, args...)
	if err != nil {
		tb.Fatalf("dossier %q: %v\nstderr:\n%s", args, err, stderr)
	}
	return stdout, stderr
}

// exitStatus is the status main would exit with after err, and what it
// would print.
func exitStatus(err error) (int, string) {
	var b bytes.Buffer
	code := report(err, &b)
	return code, b.String()
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"help"}, {"--help"}, {"help", "ask"}, {"help", "index"}, {"help", "eval"},
		{"ask", "--help"}, {"index", "--help"}, {"eval", "--help"}, {"ask", "-h"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := dossier(t, Config{}, "", args...)
			if code, msg := exitStatus(err); code != 0 {
				t.Fatalf("dossier %q exits %d: %s", args, code, msg)
			}
			if !strings.Contains(stdout, "Usage:") || !strings.Contains(stdout, "DOSSIER_CORPUS") {
				t.Errorf("dossier %q printed no usage with the settings:\n%s", args, stdout)
			}
			if stderr != "" {
				t.Errorf("dossier %q wrote to stderr: %s", args, stderr)
			}
		})
	}
}

func TestHelpGolden(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ask", "index", "eval"} {
		stdout, _ := mustDossier(t, Config{}, "", name, "--help")
		golden.Check(t, "help-"+name, stdout)
	}
	stdout, _ := mustDossier(t, Config{}, "", "help")
	golden.Check(t, "help", stdout)
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"serve-coffee"}, `unknown command "serve-coffee"`},
		{[]string{"help", "nope"}, `unknown command "nope"`},
		{[]string{"ask", "--nope", "q"}, "flag provided but not defined: -nope"},
		{[]string{"ask", "-k", "0", "q"}, "-k 0 is out of range"},
		{[]string{"ask", "-k", "21", "q"}, "-k 21 is out of range"},
		{[]string{"ask", "-k", "three", "q"}, "invalid value"},
		{[]string{"ask", ""}, "the question is empty"},
		{[]string{"ask", "  ", "\t"}, "the question is empty"},
		{[]string{"index", "extra"}, "index takes no arguments"},
		{[]string{"index"}, "give --data DIR or set DOSSIER_DATA"},
		{[]string{"eval"}, "eval needs one question file"},
		{[]string{"eval", "a.jsonl", "b.jsonl"}, "eval needs one question file"},
		{[]string{"eval", "-k", "2", "a.jsonl"}, "-k 2 is out of range"},
		{[]string{"eval", "--run", "r.txt", "a.jsonl"}, "--split and --run go with --beir only"},
		{[]string{"eval", "--beir", "dir", "a.jsonl"}, "either a question file or --beir"},
		{[]string{"eval", "--beir", "dir", "--corpus", "c"}, "--corpus does not go with --beir"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			_, _, err := dossier(t, Config{}, "", tt.args...)
			code, msg := exitStatus(err)
			if code != 2 || !strings.Contains(msg, tt.want) {
				t.Errorf("dossier %q exits %d with %q, want 2 and %q", tt.args, code, msg, tt.want)
			}
			if strings.Count(msg, "dossier: ") != 1 {
				t.Errorf("dossier %q reports the error other than once:\n%s", tt.args, msg)
			}
		})
	}
}

func TestSettingNamedInError(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nowhere")
	tests := []struct {
		name string
		cfg  Config
		args []string
		want string
	}{
		{"corpus from env", Config{Corpus: missing}, []string{"ask", "q"}, "(from DOSSIER_CORPUS) does not exist"},
		{"corpus from flag", Config{}, []string{"ask", "--corpus", missing, "q"}, "(from --corpus) does not exist"},
		{"flag beats env", Config{Corpus: missing}, []string{"ask", "--corpus", "testdata/corpus", "--json", "ferry"}, ""},
		{"corpus is a file", Config{Corpus: "main.go"}, []string{"index", "--data", t.TempDir()}, "(from DOSSIER_CORPUS) is not a folder"},
		{"no data for index", Config{Corpus: "testdata/corpus"}, []string{"index"}, "DOSSIER_DATA"},
		{"data is a file", Config{Data: "main.go"}, []string{"ask", "q"}, `data folder "main.go" (from DOSSIER_DATA) is not a folder`},
		{"data flag is a file", Config{}, []string{"index", "--data", "main.go"}, `data folder "main.go" (from --data) is not a folder`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := dossier(t, tt.cfg, "", tt.args...)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("dossier %q: %v", tt.args, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("dossier %q = %v, want an error with %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestMalformedEnvironment goes through the real environment and
// envconfig, so it cannot run in parallel.
func TestMalformedEnvironment(t *testing.T) {
	t.Setenv("DOSSIER_CORPUS", "")
	t.Setenv("DOSSIER_DATA", "")
	t.Setenv("DOSSIER_LOG_LEVEL", "loud")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"ask", "Who led the delegation?"}, envconfig.Process, strings.NewReader(""), &out, &errOut)
	code, msg := exitStatus(err)
	if code != 2 {
		t.Errorf("exit status = %d, want 2", code)
	}
	for _, want := range []string{"dossier: setting DOSSIER_LOG_LEVEL is not valid", "Settings (environment variables", "DOSSIER_DATA"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report = %q, want it to contain %q", msg, want)
		}
	}

	t.Setenv("DOSSIER_LOG_LEVEL", "debug")
	t.Setenv("DOSSIER_CORPUS", "testdata/corpus")
	err = run(context.Background(), []string{"ask", "--json", "When does the ferry leave?"}, envconfig.Process, strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatalf("ask with DOSSIER_CORPUS=testdata/corpus: %v", err)
	}
	if !strings.Contains(out.String(), "Ferry Timetable Notes") {
		t.Errorf("ask with DOSSIER_CORPUS=testdata/corpus did not answer from it:\n%s", out.String())
	}
	if !strings.Contains(errOut.String(), `"level":"DEBUG"`) {
		t.Errorf("DOSSIER_LOG_LEVEL=debug logged no debug lines:\n%s", errOut.String())
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		code int
		want string
	}{
		{nil, 0, ""},
		{errors.New("open index: boom"), 1, "dossier: open index: boom\n"},
		{fmt.Errorf("ask: %w", context.Canceled), 1, "dossier: interrupted\n"},
		{&usageError{msg: "bad flag", help: "Usage: x\n"}, 2, "dossier: bad flag\n\nUsage: x\n"},
	}
	for _, tt := range tests {
		code, msg := exitStatus(tt.err)
		if code != tt.code || msg != tt.want {
			t.Errorf("report(%v) = %d, %q; want %d, %q", tt.err, code, msg, tt.code, tt.want)
		}
	}
}
