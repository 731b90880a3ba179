// Package ingest adds documents to a corpus folder: a page fetched from a
// link, a file read from disk or uploaded, converted to Markdown with
// front matter that says where it came from and who added it, checked
// against the documents already there (same link, same text), and written
// atomically under a name from its title that no other file has.
//
// Indexing is left to the caller: once Add returns, the file is in the
// folder whole, and any sync of the folder (dossier index, or serve's
// watcher) indexes it once, however the process that added it ends.
package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract"
)

// Source is a document to add, as it came.
type Source struct {
	// Name is the file's name or the link as given: it names the source
	// in messages, and its extension tells the type when ContentType is
	// empty.
	Name string
	// URL is the document's public address, recorded as its url unless
	// the document names its own (a page's canonical link); empty for a
	// file, and for an upload, whose download link is not public.
	URL string
	// ContentType is the media type it was served as, or empty.
	ContentType string
	Data        []byte
}

// Added is a document Add wrote.
type Added struct {
	// Path is the file's slash-separated path within the folder.
	Path string
	// Doc is the document as the corpus reads the file.
	Doc corpus.Document
}

// DuplicateError is a document that is in the folder already.
type DuplicateError struct {
	// Path is the file already holding it, ID and Title the document's.
	Path, ID, Title string
	// SameURL says the link matched; otherwise the text did.
	SameURL bool
}

func (e *DuplicateError) Error() string {
	what := "the same text"
	if e.SameURL {
		what = "the same link"
	}
	return fmt.Sprintf("already in the corpus with %s: %q in %s", what, e.Title, e.Path)
}

// Errors Add fails with, beside *DuplicateError.
var (
	// ErrEmpty is a document with no text to quote once converted.
	ErrEmpty = errors.New("no text to quote in it")
	// ErrUnsupported is a document of a type that cannot be converted.
	ErrUnsupported = errors.New("not a kind of document that can be added")
	// ErrUnreadable is a document the corpus cannot read once converted,
	// such as Markdown whose front matter is never closed.
	ErrUnreadable = errors.New("not readable as a document")
)

// Folder adds documents to one corpus folder. Its methods are safe for
// concurrent use; adds are made one at a time, so two adds of one
// document cannot both miss the other.
type Folder struct {
	dir     string
	convert corpus.Converter
	record  string
	mu      sync.Mutex
	// known caches what each file holds, by path, while its size and
	// modification time stay the same: a folder is read in full once per
	// process at most (never, with a record) rather than once per add.
	known map[string]known
	// loaded says the record was read; dirty that known has changed
	// since it was read or written.
	loaded, dirty bool
}

// Option changes what a Folder reuses.
type Option func(*Folder)

// Convert has the folder's web pages converted by c, as the corpus reads
// them (an *extract.Cache keeping DATA/extracted), rather than each once
// more per process.
func Convert(c corpus.Converter) Option { return func(f *Folder) { f.convert = c } }

// Record keeps what each file of the folder holds in the file name (in
// the data folder), keyed by path, size and modification time, so that
// a process adding one document reads only the files changed since the
// last add rather than the whole folder.
func Record(name string) Option { return func(f *Folder) { f.record = name } }

// New returns the corpus folder dir for adding to.
func New(dir string, opts ...Option) *Folder {
	f := &Folder{dir: dir, convert: extract.NewCache(""), known: map[string]known{}}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Dir is the folder's path.
func (f *Folder) Dir() string { return f.dir }

// Lookup returns a *DuplicateError when a document of the folder has the
// link u (compared without scheme, "www.", fragment or tracking
// parameters), so that a link already added need not be fetched again.
func (f *Folder) Lookup(u string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.save()
	files, err := f.scan()
	if err != nil {
		return err
	}
	if d := files.byURL(normURL(u)); d != nil {
		return d
	}
	return nil
}

// Add converts src, checks the folder does not hold it already, and
// writes it with front matter naming by as who added it, at at. It
// returns a *DuplicateError for a document already there, ErrEmpty for
// one with nothing to quote, and leaves the folder as it was on any error.
func (f *Folder) Add(src Source, by string, at time.Time) (Added, error) {
	md, err := Markdown(src)
	if err != nil {
		return Added{}, fmt.Errorf("convert %s: %w", src.Name, err)
	}
	// Parsed twice: the conversion, for what the front matter records
	// (its title also names the file), then the file as written, under
	// its name, which is the document the corpus will read: front matter
	// folds white space, and cleaning sees the title it records.
	meta, err := corpus.Parse("new.md", md)
	if err != nil {
		return Added{}, fmt.Errorf("read %s: %w", src.Name, unreadable(err))
	}
	if meta.URL == "" {
		meta.URL = src.URL
	}
	meta.AddedBy, meta.AddedAt = by, at.UTC().Format(time.RFC3339)
	content := []byte(corpus.FrontMatter(meta) + strings.TrimLeft(corpus.Body(string(md)), "\n"))

	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.save()
	files, err := f.scan()
	if err != nil {
		return Added{}, err
	}
	for _, u := range []string{meta.URL, src.URL} {
		if d := files.byURL(normURL(u)); d != nil {
			return Added{}, d
		}
	}
	base, ids := baseName(meta.Title, src.Name), files.ids()
	first := ""
	for name := range freeNames(base, ids) {
		first = name
		break
	}
	if first == "" {
		return Added{}, fmt.Errorf("write to corpus folder %q: no free name for %q", f.dir, base)
	}
	doc, err := corpus.Parse(first, content)
	if err != nil {
		return Added{}, fmt.Errorf("read %s: %w", src.Name, unreadable(err))
	}
	if d := files.byText(textPrint(doc.Text), rawPrint(src.Data)); d != nil {
		return Added{}, d
	}
	name, err := f.write(content, base, ids)
	if err != nil {
		return Added{}, err
	}
	if name != doc.Path {
		// Another process took the name in the meantime.
		if doc, err = corpus.Parse(name, content); err != nil {
			return Added{}, fmt.Errorf("read back %s: %w", name, err)
		}
	}
	f.note(name, content, doc)
	return Added{Path: name, Doc: doc}, nil
}

// unreadable sorts why the corpus could not read a converted document:
// nothing in it to quote (ErrEmpty), or not a document it reads.
func unreadable(err error) error {
	if errors.Is(err, corpus.ErrEmpty) {
		return fmt.Errorf("%w: %w", ErrEmpty, err)
	}
	return fmt.Errorf("%w: %w", ErrUnreadable, err)
}

// Types are the media types Markdown converts: those of the corpus's
// formats.
var Types = corpus.MediaTypes()

// Markdown converts src to a Markdown document with front matter, by
// corpus/extract: a web page's article text and metadata, a PDF's text in
// reading order with its pages marked, a text file as it is. Its link, when it has one, names it, so that a page without a
// canonical link of its own is recorded at the address it came from.
func Markdown(src Source) ([]byte, error) {
	name := src.Name
	if src.URL != "" {
		name = src.URL
	}
	if _, known := corpus.MediaTypeFormat(src.ContentType); !known && src.ContentType != "" && !corpus.GenericMediaType(src.ContentType) {
		return nil, fmt.Errorf("%w: %s", ErrUnsupported, corpus.MediaType(src.ContentType))
	}
	md, err := extract.Markdown(name, src.ContentType, src.Data)
	switch {
	case errors.Is(err, extract.ErrUnsupported):
		return nil, fmt.Errorf("%w: %w", ErrUnsupported, err)
	case errors.Is(err, extract.ErrNoText):
		return nil, fmt.Errorf("%w: %w", ErrEmpty, err)
	}
	return md, err
}

// write writes content to a new file, under the first of freeNames(base,
// ids) that no file has, and returns its name. The file appears whole or
// not at all: it is written and synced under a hidden temporary name,
// which the corpus ignores, then linked to its name, which fails rather
// than replace a file.
func (f *Folder) write(content []byte, base string, ids map[string]bool) (string, error) {
	tmp, err := os.CreateTemp(f.dir, tempPrefix+"*.tmp")
	if err != nil {
		return "", fmt.Errorf("write to corpus folder %q: %w", f.dir, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(content)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("write to corpus folder %q: %w", f.dir, err)
	}
	for name := range freeNames(base, ids) {
		err := place(tmp.Name(), filepath.Join(f.dir, name))
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("write %s to corpus folder %q: %w", name, f.dir, err)
		}
		syncDir(f.dir)
		return name, nil
	}
	return "", fmt.Errorf("write to corpus folder %q: no free name for %q", f.dir, base)
}

// freeNames are the names a document may take, from base: base.md,
// base-2.md and so on, but none whose document ID the folder has (ids),
// so that a new file renames no other document.
func freeNames(base string, ids map[string]bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		for n := 1; n < 1000; n++ {
			name := base + ".md"
			if n > 1 {
				name = fmt.Sprintf("%s-%d.md", base, n)
			}
			if !ids[corpus.IDOf(name)] && !yield(name) {
				return
			}
		}
	}
}

// place gives the finished temporary file its name, failing with
// fs.ErrExist rather than replacing a file. A hard link does that in one
// step; where the file system has none, the name is claimed first.
func place(tmp, name string) error {
	err := os.Link(tmp, name)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	claim, cerr := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if cerr != nil {
		return cerr
	}
	claim.Close()
	return os.Rename(tmp, name)
}

// syncDir makes a new name in dir durable; where a directory cannot be
// synced the name is there all the same, so failure is ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// tempPrefix starts the names of files being written: hidden, so that
// the corpus never reads one half-written.
const tempPrefix = ".dossier-add-"

// maxNameRunes bounds a file name made from a title.
const maxNameRunes = 60

// baseName is a file name without extension from title, or the source's
// name, or "document": lower-case words joined by dashes.
func baseName(title, srcName string) string {
	for _, s := range []string{title, strings.TrimSuffix(path.Base(srcName), path.Ext(srcName))} {
		id := corpus.IDOf(s + ".md")
		if id == "doc" && !strings.Contains(strings.ToLower(s), "doc") {
			continue // nothing usable in it
		}
		rs := []rune(id)
		if len(rs) <= maxNameRunes {
			return id
		}
		cut := string(rs[:maxNameRunes])
		if i := strings.LastIndexByte(cut, '-'); i > maxNameRunes/2 {
			cut = cut[:i]
		}
		return cut
	}
	return "document"
}
