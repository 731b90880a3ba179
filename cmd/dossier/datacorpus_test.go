package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A data folder built from a team's documents keeps them: indexing another
// corpus into it, by forgetting --corpus or naming another folder, is
// refused by every command that would sync it, until --force.
func TestDataFolderKeepsItsCorpus(t *testing.T) {
	t.Parallel()
	team := "testdata/corpus"
	abs, err := filepath.Abs(team)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	teamCfg := Config{Corpus: team, Data: data}
	mustDossier(t, teamCfg, "", "index")
	if got, err := os.ReadFile(filepath.Join(data, corpusRecord)); err != nil || string(got) != abs+"\n" {
		t.Fatalf("%s after the first index = %q (%v), want %q", corpusRecord, got, err, abs+"\n")
	}
	teamAnswers := func(when string) {
		t.Helper()
		stdout, _ := mustDossier(t, Config{Data: data}, "", "ask", "--json", "ferry")
		if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || len(a[0].shown()) == 0 || !strings.Contains(a[0].shown()[0].Title, "Ferry") {
			t.Errorf("ask about the team's ferry %s = %+v, want the team's document", when, a)
		}
	}

	other := builtinCopy(t)
	otherAbs, _ := filepath.Abs(other)
	tests := []struct {
		name string
		cfg  Config
		args []string
		want string
	}{
		{"index without --corpus", Config{Data: data}, []string{"index"},
			"the data folder " + data + " holds the index of corpus folder \"" + abs + "\", not of the built-in corpus: give --corpus " + abs +
				" (or set DOSSIER_CORPUS), or replace its index with dossier index --data " + data + " --force"},
		{"index of another folder", Config{Corpus: other, Data: data}, []string{"index"},
			"holds the index of corpus folder \"" + abs + "\", not of corpus folder \"" + otherAbs + "\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := dossier(t, tt.cfg, "", tt.args...)
			if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, tt.want) {
				t.Errorf("dossier %q exits %d with %q, want 1 and %q", tt.args, code, msg, tt.want)
			}
		})
	}
	// serve, before answering anything, and digest, whose document
	// registry would take the other corpus's documents for news.
	ix, err := serveIndex(context.Background(), &sources{data: data}, io.Discard, slog.New(slog.DiscardHandler))
	if err == nil {
		ix.Close()
		t.Errorf("serve --data %s without --corpus started, want it refused", data)
	} else if !strings.Contains(err.Error(), "holds the index of corpus folder") {
		t.Errorf("serve --data %s without --corpus = %v, want it refused for the corpus", data, err)
	}
	if _, _, err := runDigestCmd(t, digestSettings(Config{Data: data}, DigestSettings{})); err == nil || !strings.Contains(err.Error(), "holds the index of corpus folder") {
		t.Errorf("digest --data %s without --corpus = %v, want it refused for the corpus", data, err)
	}
	teamAnswers("after the refusals")

	// The same folder by another spelling is the same corpus.
	mustDossier(t, Config{Corpus: "./testdata/../testdata/corpus/", Data: data}, "", "index")

	// --force replaces it, and the record with it.
	mustDossier(t, Config{Data: data}, "", "index", "--force")
	if got, _ := os.ReadFile(filepath.Join(data, corpusRecord)); string(got) != builtinRecord+"\n" {
		t.Errorf("%s after index --force of the built-in corpus = %q, want %q", corpusRecord, got, builtinRecord+"\n")
	}
	mustDossier(t, Config{Data: data}, "", "index")
}

// A data folder indexed before the record existed is taken to be of the
// corpus given, unless that is the built-in corpus and the index holds
// documents it lacks.
func TestDataFolderFromBeforeTheRecord(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	team := Config{Corpus: "testdata/corpus", Data: data}
	mustDossier(t, team, "", "index")
	if err := os.Remove(filepath.Join(data, corpusRecord)); err != nil {
		t.Fatal(err)
	}
	_, _, err := dossier(t, Config{Data: data}, "", "index")
	want := "the index in " + indexDir(data) + " holds documents that are not in the built-in corpus"
	if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, want) {
		t.Errorf("dossier index without --corpus on an unrecorded team folder exits %d with %q, want 1 and %q", code, msg, want)
	}
	mustDossier(t, team, "", "index")
	if _, err := os.Stat(filepath.Join(data, corpusRecord)); err != nil {
		t.Errorf("index of the team's corpus did not record it: %v", err)
	}

	// A folder of the built-in corpus from before is recorded as such.
	builtin := Config{Data: filepath.Join(t.TempDir(), "data")}
	mustDossier(t, builtin, "", "index")
	os.Remove(filepath.Join(builtin.Data, corpusRecord))
	mustDossier(t, builtin, "", "index")
	if got, _ := os.ReadFile(filepath.Join(builtin.Data, corpusRecord)); string(got) != builtinRecord+"\n" {
		t.Errorf("%s of an unrecorded built-in folder = %q, want %q", corpusRecord, got, builtinRecord+"\n")
	}
}
