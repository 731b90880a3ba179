package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/dossier-bot/dossier/corpus"
)

// Errors that used to be dropped, each of which changed answers silently.

// TestOpenRejectsCorruptMeanLength: a stored mean passage length that does
// not parse used to be read as 0, which scores every passage against a
// mean of one token.
func TestOpenRejectsCorruptMeanLength(t *testing.T) {
	t.Parallel()
	for _, stored := range []string{"garbage", "NaN", "-3", ""} {
		t.Run(stored, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "index")
			ix, err := Open(dir)
			if err != nil {
				t.Fatalf("Open(%q) = %v", dir, err)
			}
			if _, err := ix.Sync(context.Background(), loadMap(t, baseFiles), nil); err != nil {
				t.Fatalf("Sync() = %v", err)
			}
			if err := ix.Close(); err != nil {
				t.Fatalf("Close() = %v", err)
			}
			setInternal(t, dir, keyAvgLen, []byte(stored))
			ix, err = Open(dir)
			if err == nil {
				ix.Close()
				t.Fatalf("Open(%q) with mean length %q = nil error, want one", dir, stored)
			}
			if !strings.Contains(err.Error(), "mean passage length") {
				t.Errorf("Open(%q) with mean length %q = %v, want it to name the mean passage length", dir, stored, err)
			}
		})
	}
}

// setInternal overwrites one internal value of the live generation of the
// index in dir, which must be closed.
func setInternal(tb testing.TB, dir string, key, value []byte) {
	tb.Helper()
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		tb.Fatal(err)
	}
	bi, err := bleve.Open(filepath.Join(dir, strings.TrimSpace(string(cur))))
	if err != nil {
		tb.Fatal(err)
	}
	if err := bi.SetInternal(key, value); err != nil {
		tb.Fatal(err)
	}
	if err := bi.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestCorruptOffsetIsAnError: a stored offset that does not decode used
// to leave 0, and the result's link then quoted from the document's start.
func TestCorruptOffsetIsAnError(t *testing.T) {
	t.Parallel()
	ix := memIndex(t, loadMap(t, baseFiles))
	id := corpus.PassageID("alpha", 0)
	c := &candidate{id: id}
	if err := ix.load(c); err != nil {
		t.Fatalf("load(%q) = %v", id, err)
	}
	d := document.NewDocument(id)
	d.AddField(document.NewTextFieldCustom(fieldText, nil, []byte(c.text), index.IndexField|index.StoreField, ix.analyzer))
	d.AddField(document.NewTextFieldWithIndexingOptions(fieldDoc, nil, []byte(c.doc), index.IndexField|index.StoreField))
	d.AddField(document.NewNumericFieldFromBytes(fieldStart, nil, []byte("not a number")))
	b := ix.bi.NewBatch()
	if err := b.IndexAdvanced(d); err != nil {
		t.Fatal(err)
	}
	if err := ix.bi.Batch(b); err != nil {
		t.Fatal(err)
	}
	if err := ix.load(&candidate{id: id}); err == nil || !strings.Contains(err.Error(), fieldStart) {
		t.Errorf("load(%q) with a corrupt start = %v, want an error naming %q", id, err, fieldStart)
	}
	q := "Segovia aqueduct granite arches"
	if ans, err := ix.Ask(context.Background(), q, 3); err == nil {
		t.Errorf("Ask(%q) = %+v, nil error; want the corrupt offset reported", q, ans)
	}
}

// failingReader is a real Bleve reader whose dictionary reads fail, as a
// truncated or unreadable segment's would.
type failingReader struct {
	index.IndexReader
	err error
}

func (r failingReader) TermFieldReader(context.Context, []byte, string, bool, bool, bool) (index.TermFieldReader, error) {
	return nil, r.err
}

func (r failingReader) FieldDictPrefix(string, []byte) (index.FieldDict, error) {
	return nil, r.err
}

// TestDictionaryErrorIsNotAbsence: a failed dictionary read used to count
// as a word no passage holds, the strongest sign that a question is about
// something else, and to send the question guessing other spellings.
func TestDictionaryErrorIsNotAbsence(t *testing.T) {
	t.Parallel()
	ix := memIndex(t, loadMap(t, baseFiles))
	r := readerOf(t, ix)
	broken := errors.New("segment unreadable")
	for _, tc := range []struct {
		name string
		read func(d readerDict)
	}{
		{"docFreq", func(d readerDict) { d.docFreq("aqueduct") }},
		{"similar", func(d readerDict) { d.similar("aqueducts", false) }},
		{"parseQuestion", func(d readerDict) {
			parseQuestion(ix.analyzer, nil, ix.lexicon, d, 3, "Segovia aqueduct granite arches")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := newReaderDict(r, fieldText)
			tc.read(good)
			if *good.err != nil {
				t.Fatalf("%s on a sound reader: error %v", tc.name, *good.err)
			}
			bad := newReaderDict(failingReader{r, broken}, fieldText)
			tc.read(bad)
			if !errors.Is(*bad.err, broken) {
				t.Errorf("%s on a failing reader: error %v, want %v", tc.name, *bad.err, broken)
			}
		})
	}
}

func readerOf(tb testing.TB, ix *Index) index.IndexReader {
	tb.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// eachThenFail yields its documents, then runs fail and returns its error,
// as a folder that becomes unreadable mid-way does.
type eachThenFail struct {
	docs []corpus.Document
	fail func() error
}

func (s eachThenFail) Len() int { return len(s.docs) }

func (s eachThenFail) Each(fn func(*corpus.Document) error) error {
	for i := range s.docs {
		if err := fn(&s.docs[i]); err != nil {
			return err
		}
	}
	return s.fail()
}

// TestSyncReportsLostWork: when a sync fails, what was read before the
// failure is written; if that write fails too, the sync used to report
// only the first failure, as if the rest had been kept.
func TestSyncReportsLostWork(t *testing.T) {
	t.Parallel()
	ix := memIndex(t, loadMap(t, baseFiles))
	edited := loadMap(t, withFiles(baseFiles, map[string]string{
		"beta.md": article("Beta", "Lighthouse keepers on the Bell Rock polished brass lenses every dawn."),
	}))
	gone := errors.New("folder unmounted")
	src := eachThenFail{docs: edited.Documents, fail: func() error {
		// The disk goes with the folder: the index can no longer be written.
		ix.bi.Close()
		return gone
	}}
	_, err := ix.SyncFrom(context.Background(), src, nil, nil)
	ix.mu.Lock()
	ix.bi = nil // closed already
	ix.mu.Unlock()
	if !errors.Is(err, gone) {
		t.Errorf("SyncFrom() = %v, want it to wrap %v", err, gone)
	}
	if !errors.Is(err, bleve.ErrorIndexClosed) {
		t.Errorf("SyncFrom() = %v, want it to report the failed write of the work done (%v)", err, bleve.ErrorIndexClosed)
	}
}
