package corpus

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Folder is a corpus folder that has been listed but whose documents are
// read and parsed only as Each reaches them, so a corpus larger than
// memory can be indexed.
type Folder struct {
	// Synonyms are the groups of the folder's synonyms.txt, read by
	// OpenFolder.
	Synonyms [][]string
	// Skipped lists the files that could not be read or parsed; Each adds
	// those it meets.
	Skipped []FileError

	fsys   fs.FS
	files  []listed // sorted by path
	listed []FileError
	// natural holds every document's ID before clashes are settled, so a
	// suffix given to a clashing ID never takes another file's.
	natural map[string]bool
	conv    Converter
	convExt map[string]bool
}

type listed struct {
	path string
	d    fs.DirEntry
}

// OpenFolder lists the text and Markdown documents of fsys (by
// NameFormat: .txt, .text, .md, .markdown), and those a Convert option
// takes, and reads its synonyms.txt. Hidden files and
// folders and files of other types are ignored. It fails only when the
// folder itself cannot be walked.
func OpenFolder(fsys fs.FS, opts ...Option) (*Folder, error) {
	f := &Folder{fsys: fsys, natural: map[string]bool{}}
	for _, o := range opts {
		o(f)
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			f.listed = append(f.listed, FileError{Path: p, Err: err})
			return nil
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if p == synonymsFile {
			f.readSynonyms(p, d)
			return nil
		}
		if k := NameFormat(p); k != FormatMarkdown && k != FormatText && !f.convExt[strings.ToLower(path.Ext(p))] {
			return nil
		}
		f.files = append(f.files, listed{path: p, d: d})
		f.natural[slug(p)] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk corpus folder: %w", err)
	}
	slices.SortFunc(f.files, func(a, b listed) int { return strings.Compare(a.path, b.path) })
	f.Skipped = slices.Clone(f.listed)
	return f, nil
}

func (f *Folder) readSynonyms(p string, d fs.DirEntry) {
	raw, err := readFile(f.fsys, p, d, maxFileSize)
	if err == nil {
		err = checkText(raw)
	}
	if err != nil {
		f.listed = append(f.listed, FileError{Path: p, Err: err})
		return
	}
	groups, errs := parseSynonyms(string(raw))
	f.Synonyms = append(f.Synonyms, groups...)
	for _, err := range errs {
		f.listed = append(f.listed, FileError{Path: p, Err: err})
	}
}

// Len is the number of documents listed; Each yields fewer when some
// cannot be read or parsed.
func (f *Folder) Len() int { return len(f.files) }

// Each reads, parses and passes to fn every document in path order,
// stopping at fn's first error. A file that cannot be read or parsed is
// added to Skipped and passed over. A document whose ID an earlier one
// took is given a numbered suffix that no other file's ID has, so adding
// a file never renames another whose ID is unique.
//
// Files are read and parsed a few ahead of fn, on every core: reading
// and cleaning was half the time of indexing a folder.
func (f *Folder) Each(fn func(*Document) error) error {
	f.Skipped = slices.Clone(f.listed)
	first := map[string]bool{}
	taken := maps.Clone(f.natural)
	return f.parseAhead(func(l listed, doc Document, err error) error {
		if err != nil {
			f.Skipped = append(f.Skipped, FileError{Path: l.path, Err: err})
			return nil
		}
		if first[doc.ID] {
			doc.setID(unusedID(taken, doc.ID))
		}
		first[doc.ID] = true
		return fn(&doc)
	})
}

// parsed is one file read and parsed ahead of its turn.
type parsed struct {
	l     listed
	doc   Document
	err   error
	ready chan struct{}
}

// parseAhead reads and parses the listed files on one goroutine a core
// and passes each to fn in listing order, stopping at fn's first error.
// At most ahead files are held beyond the one fn has, so memory does not
// grow with the folder.
func (f *Folder) parseAhead(fn func(listed, Document, error) error) error {
	workers := runtime.GOMAXPROCS(0)
	ahead := 4 * workers
	order := make(chan *parsed, ahead)
	jobs := make(chan *parsed)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(workers + 1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		for _, l := range f.files {
			p := &parsed{l: l, ready: make(chan struct{})}
			select {
			case order <- p:
			case <-stop:
				return
			}
			jobs <- p
		}
	}()
	for range workers {
		go func() {
			defer wg.Done()
			for p := range jobs {
				p.doc, p.err = f.read(p.l)
				close(p.ready)
			}
		}()
	}
	defer wg.Wait()
	defer close(stop)
	for p := range order {
		<-p.ready
		if err := fn(p.l, p.doc, p.err); err != nil {
			return err
		}
	}
	return nil
}

func unusedID(taken map[string]bool, id string) string {
	for n := 2; ; n++ {
		alt := id + "-" + strconv.Itoa(n)
		if !taken[alt] {
			taken[alt] = true
			return alt
		}
	}
}
