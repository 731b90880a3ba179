package ingest

import (
	"bufio"
	"encoding/gob"
	"os"
	"path/filepath"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// recordVersion names the record's layout and what its prints are of: a
// change to either bumps it, and an older record is then read no more.
const recordVersion = 1

// record is the Record file: what each file of the corpus folder Dir
// held when last read.
type record struct {
	Version int
	// Dir is the corpus folder's absolute path: a data folder moved to
	// another corpus keeps nothing of the last one's.
	Dir   string
	Files []recordFile
}

type recordFile struct {
	Path                  string
	Size, ModTime         int64 // ModTime in Unix nanoseconds
	Title, URL, Text, Raw string
}

// load reads the record into f.known, for files scan has not read yet.
// A record that is missing, unreadable or another folder's is ignored:
// it costs the reading of the folder, which then writes it anew.
func (f *Folder) load() {
	if f.record == "" {
		return
	}
	file, err := os.Open(f.record)
	if err != nil {
		return
	}
	defer file.Close()
	var r record
	if err := gob.NewDecoder(bufio.NewReader(file)).Decode(&r); err != nil || r.Version != recordVersion || r.Dir != f.absDir() {
		return
	}
	f.known = make(map[string]known, len(r.Files))
	for _, e := range r.Files {
		f.known[e.Path] = known{size: e.Size, modTime: time.Unix(0, e.ModTime), id: corpus.IDOf(e.Path),
			title: e.Title, url: e.URL, text: e.Text, raw: e.Raw}
	}
}

// save writes f.known to the record when it has changed. The record is
// replaced whole (written under a temporary name, then renamed), so a
// crash leaves the old one or the new one. One that cannot be written
// costs the next process a reading of the folder, no more.
func (f *Folder) save() {
	if f.record == "" || !f.dirty {
		return
	}
	r := record{Version: recordVersion, Dir: f.absDir(), Files: make([]recordFile, 0, len(f.known))}
	for p, k := range f.known {
		r.Files = append(r.Files, recordFile{Path: p, Size: k.size, ModTime: k.modTime.UnixNano(),
			Title: k.title, URL: k.url, Text: k.text, Raw: k.raw})
	}
	dir := filepath.Dir(f.record)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(f.record)+"-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	err = gob.NewEncoder(w).Encode(r)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && os.Rename(tmp.Name(), f.record) == nil {
		f.dirty = false
	}
}

func (f *Folder) absDir() string {
	if abs, err := filepath.Abs(f.dir); err == nil {
		return abs
	}
	return f.dir
}
