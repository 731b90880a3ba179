package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dossier-bot/dossier/corpus"
)

func article(title, body string) string {
	return "---\ntitle: " + title + "\npublisher: Test Wire\n---\n" + body + "\n"
}

var baseFiles = map[string]string{
	"alpha.md": article("Alpha", "The aqueduct of Segovia carried water from the Frio river for nearly two thousand years, and engineers still study its granite arches today."),
	"beta.md":  article("Beta", "Lighthouse keepers on the Skerryvore rock kept the lamp burning through winter storms, logging every ship that passed the reef."),
	"gamma.md": article("Gamma", "The glassblowers of Murano guarded their furnace techniques so closely that the republic forbade them to leave the island."),
}

func withFiles(base map[string]string, edits map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range edits {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func docIDs(ix *Index) []string {
	var ids []string
	for _, d := range ix.Documents() {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestSyncUpdatesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	defer func() { ix.Close() }()

	steps := []struct {
		name  string
		files map[string]string
		want  Changes
		ask   string
		found string // doc id expected first, "" for no answer
	}{
		{"first build", baseFiles, Changes{Added: []string{"alpha", "beta", "gamma"}}, "Segovia aqueduct granite arches", "alpha"},
		{"no change", baseFiles, Changes{Unchanged: 3}, "Skerryvore lighthouse keepers", "beta"},
		{"edit one", withFiles(baseFiles, map[string]string{"beta.md": article("Beta", "Lighthouse keepers on the Bell Rock polished brass lenses every dawn, and a ship's bell warned sailors in fog.")}),
			Changes{Changed: []string{"beta"}, Unchanged: 2}, "Bell Rock brass lenses", "beta"},
		{"remove one", withFiles(baseFiles, map[string]string{"gamma.md": ""}),
			Changes{Changed: []string{"beta"}, Removed: []string{"gamma"}, Unchanged: 1}, "Murano glassblowers furnace", ""},
	}
	for _, s := range steps {
		ch, err := ix.Sync(ctx, loadMap(t, s.files), nil)
		if err != nil {
			t.Fatalf("%s: Sync() = %v", s.name, err)
		}
		opts := []cmp.Option{cmpopts.IgnoreFields(Changes{}, "Took", "Passages", "Total"), cmpopts.EquateEmpty()}
		if diff := cmp.Diff(s.want, ch, opts...); diff != "" {
			t.Errorf("%s: Sync() changes (-want +got):\n%s", s.name, diff)
		}
		if ch.Total != len(ix.Documents()) { // one passage per test article
			t.Errorf("%s: Sync() total passages = %d, want %d", s.name, ch.Total, len(ix.Documents()))
		}
		ans, err := ix.Ask(ctx, s.ask, 3)
		if err != nil {
			t.Fatalf("%s: Ask(%q) = %v", s.name, s.ask, err)
		}
		got := ""
		if ans.Answered {
			got = ans.Results[0].Doc.ID
		}
		if got != s.found {
			t.Errorf("%s: Ask(%q) first doc = %q, want %q", s.name, s.ask, got, s.found)
		}
	}

	// Everything survives a reopen.
	want := docIDs(ix)
	if err := ix.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: Open(%q) = %v", dir, err)
	}
	if got := docIDs(ix); !slices.Equal(got, want) {
		t.Errorf("after reopen Documents() = %v, want %v", got, want)
	}
	ch, err := ix.Sync(ctx, loadMap(t, steps[len(steps)-1].files), nil)
	if err != nil {
		t.Fatalf("after reopen: Sync() = %v", err)
	}
	if len(ch.Added)+len(ch.Changed)+len(ch.Removed) != 0 || ch.Unchanged != 2 {
		t.Errorf("after reopen Sync() = %+v, want 2 unchanged and nothing else", ch)
	}
}

func TestOpenLocked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	_, err = Open(dir)
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open(%q) = %v, want ErrLocked", dir, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("Open(%q) after Close = %v", dir, err)
	}
	ix.Close()
}

// The crash tests run this test binary again as a child that builds an
// index and kills itself part way through.
const crashEnv = "DOSSIER_INDEX_CRASH_AT"

// crashDocs is more than one batch, so a crash can fall between batches.
const crashDocs = batchPassages + batchPassages/4

func TestMain(m *testing.M) {
	if at := os.Getenv(crashEnv); at != "" {
		os.Exit(crashChild(at))
	}
	os.Exit(m.Run())
}

func crashChild(at string) int {
	n, _ := strconv.Atoi(at)
	dir := os.Getenv("DOSSIER_INDEX_DIR")
	ix, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	files := map[string]string{}
	for i := range crashDocs {
		files[fmt.Sprintf("doc%03d.md", i)] = article(fmt.Sprintf("Doc %d", i), syntheticBody(i, os.Getenv("DOSSIER_INDEX_VARIANT")))
	}
	c := loadMap(&testing.T{}, files)
	ix.Sync(context.Background(), c, func(done, total int) {
		if done == n {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	})
	return 0
}

func syntheticBody(i int, variant string) string {
	return fmt.Sprintf("Record %d %s describes the harbour of town%d, where %d boats unloaded cargo of copper and salt. The harbourmaster of town%d wrote that trade grew each spring.", i, variant, i, i%17+2, i)
}

func runCrashChild(t *testing.T, dir, variant string, at int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+strconv.Itoa(at), "DOSSIER_INDEX_DIR="+dir, "DOSSIER_INDEX_VARIANT="+variant)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(ee.String(), "killed") {
		t.Fatalf("crash child = %v, output %s; want killed", err, out)
	}
}

func TestCrashMidBuildLeavesIndexUsable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	// A first build killed part way: the aside generation is discarded.
	runCrashChild(t, dir, "first", crashDocs/2)
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open after crashed first build = %v", err)
	}
	if n := len(ix.Documents()); n != 0 {
		t.Errorf("after crashed first build Documents() = %d documents, want 0", n)
	}
	files := map[string]string{}
	for i := range crashDocs {
		files[fmt.Sprintf("doc%03d.md", i)] = article(fmt.Sprintf("Doc %d", i), syntheticBody(i, "first"))
	}
	if _, err := ix.Sync(ctx, loadMap(t, files), nil); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	ix.Close()

	// An update killed part way: every document the registry lists is whole
	// and searchable, and the next Sync finishes the rest.
	runCrashChild(t, dir, "second", crashDocs-200)
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("Open after crashed update = %v", err)
	}
	defer ix.Close()
	if n := len(ix.Documents()); n != crashDocs {
		t.Errorf("after crashed update Documents() = %d, want %d", n, crashDocs)
	}
	ans, err := ix.Ask(ctx, "harbour of town42 copper", 1)
	if err != nil || !ans.Answered || ans.Results[0].Doc.ID != "doc042" {
		t.Errorf("Ask after crashed update = %+v, %v; want doc042", ans.Results, err)
	}
	for i := range crashDocs {
		files[fmt.Sprintf("doc%03d.md", i)] = article(fmt.Sprintf("Doc %d", i), syntheticBody(i, "second"))
	}
	ch, err := ix.Sync(ctx, loadMap(t, files), nil)
	if err != nil {
		t.Fatalf("Sync() after crash = %v", err)
	}
	if len(ch.Changed) == 0 || len(ch.Changed) == crashDocs {
		t.Errorf("Sync() after crash changed %d documents, want some but not all (the crashed run committed part)", len(ch.Changed))
	}
}

func TestSyncOfNoDocumentsKeepsTheIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	defer func() { ix.Close() }()
	if !ix.NeedsBuild() {
		t.Errorf("NeedsBuild() of a new index = false, want true")
	}
	if _, err := ix.Sync(ctx, loadMap(t, nil), nil); !errors.Is(err, ErrNoDocuments) {
		t.Errorf("Sync(no documents) into a new index = %v, want ErrNoDocuments", err)
	}
	if _, err := ix.Sync(ctx, loadMap(t, baseFiles), nil); err != nil {
		t.Fatal(err)
	}
	want := docIDs(ix)
	if _, err := ix.Sync(ctx, loadMap(t, nil), nil); !errors.Is(err, ErrNoDocuments) {
		t.Errorf("Sync(no documents) = %v, want ErrNoDocuments", err)
	}
	if got := docIDs(ix); !cmp.Equal(got, want) {
		t.Errorf("after Sync(no documents), Documents() = %v, want %v", got, want)
	}
	if ix.NeedsBuild() {
		t.Errorf("NeedsBuild() of a built index = true, want false")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	if ix.NeedsBuild() {
		t.Errorf("NeedsBuild() of a built index reopened = true, want false")
	}
	if a, err := ix.Ask(ctx, "Segovia aqueduct granite arches", 3); err != nil || !a.Answered {
		t.Errorf("Ask after reopening = %+v, %v; want it answered", a, err)
	}
}

// TestRecordsHoldNoFileText guards the registry's memory: a record whose
// title is a substring of the parsed file keeps the whole file alive.
func TestRecordsHoldNoFileText(t *testing.T) {
	t.Parallel()
	d, err := corpus.Parse("notes/ferry.md", []byte("---\ntitle: Ferry Notes\npublisher: Test Desk\nauthor: A. Writer\n"+
		"date: 2024-04-01\nurl: https://example.com/ferry\n---\n"+strings.Repeat("The winter ferry sails at dawn. ", 40)))
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecord(&d)
	for _, f := range []struct{ name, got, src string }{
		{"ID", rec.Doc.ID, d.ID}, {"Path", rec.Doc.Path, d.Path}, {"Title", rec.Doc.Title, d.Title},
		{"URL", rec.Doc.URL, d.URL}, {"Publisher", rec.Doc.Publisher, d.Publisher}, {"Author", rec.Doc.Author, d.Author},
		{"Published", rec.Doc.Published, d.Published}, {"Hash", rec.Doc.Hash, d.Hash},
	} {
		if f.got != f.src {
			t.Errorf("newRecord %s = %q, want %q", f.name, f.got, f.src)
		}
		if f.src != "" && unsafe.StringData(f.got) == unsafe.StringData(f.src) {
			t.Errorf("newRecord %s shares the parsed document's memory, want a copy", f.name)
		}
	}
	if rec.Doc.Text != "" || rec.Doc.Passages != nil || rec.Passages != len(d.Passages) {
		t.Errorf("newRecord = %+v, want metadata only and %d passages", rec, len(d.Passages))
	}
}
