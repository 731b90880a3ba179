package ingest

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// known is what a file of the folder holds, for finding duplicates.
type known struct {
	size    int64
	modTime time.Time
	id      string
	title   string
	url     string // normalised
	text    string // textPrint of its text; empty when unreadable
	raw     string // rawPrint of the file
}

// files are the folder's files as scan found them, by path.
type files map[string]known

// maxRead bounds a file read for duplicates, as the corpus bounds one it
// reads.
const maxRead = 10 << 20

// scan lists the folder's files and what each holds, reading only those
// new or changed since the last scan. Hidden files and folders are left
// out, as the corpus leaves them; temporary files left by an add that
// was interrupted are removed once they are an hour old. Call with f.mu
// held.
func (f *Folder) scan() (files, error) {
	if !f.loaded {
		f.loaded = true
		f.load()
	}
	seen := files{}
	fsys := os.DirFS(f.dir)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			return nil // the corpus skips what it cannot read; so do we
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			if strings.HasPrefix(d.Name(), tempPrefix) {
				f.removeStale(p, d)
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if k, ok := f.known[p]; ok && k.size == info.Size() && k.modTime.Equal(info.ModTime()) {
			seen[p] = k
			return nil
		}
		seen[p] = f.read(fsys, p, info)
		f.dirty = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read corpus folder %q: %w", f.dir, err)
	}
	if len(seen) < len(f.known) {
		f.dirty = true // files were removed
	}
	f.known = seen
	return seen, nil
}

// note records what the file f.write just wrote holds, as scan would
// read it, so that no later scan or process reads it again.
func (f *Folder) note(name string, content []byte, doc corpus.Document) {
	info, err := os.Stat(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		return
	}
	f.known[name] = known{size: info.Size(), modTime: info.ModTime(), id: doc.ID, title: doc.Title,
		url: normURL(doc.URL), text: textPrint(doc.Text), raw: rawPrint(content)}
	f.dirty = true
}

// read works out what the file at p holds. Text documents and web pages
// are compared by their cleaned text and link, as the corpus reads them;
// other files by their bytes.
func (f *Folder) read(fsys fs.FS, p string, info fs.FileInfo) known {
	k := known{size: info.Size(), modTime: info.ModTime(), id: corpus.IDOf(p), title: path.Base(p)}
	if info.Size() > maxRead {
		return k
	}
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return k
	}
	k.raw = rawPrint(raw)
	switch corpus.NameFormat(p) {
	case corpus.FormatMarkdown, corpus.FormatText:
	case corpus.FormatHTML:
		// As the corpus converts it: kept, with a cache, from its sync.
		if raw, err = f.convert.Convert(p, raw); err != nil {
			return k
		}
	default:
		return k
	}
	doc, err := corpus.Parse(p, raw)
	if err != nil {
		return k
	}
	k.title, k.url, k.text = doc.Title, normURL(doc.URL), textPrint(doc.Text)
	return k
}

func (f *Folder) removeStale(p string, d fs.DirEntry) {
	if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
		os.Remove(filepath.Join(f.dir, filepath.FromSlash(p)))
	}
}

// byURL finds the file whose document has the normalised link u.
func (fs files) byURL(u string) *DuplicateError {
	if u == "" {
		return nil
	}
	return fs.find(func(k known) bool { return k.url == u }, true)
}

// byText finds the file with the same text, or the same bytes.
func (fs files) byText(text, raw string) *DuplicateError {
	return fs.find(func(k known) bool { return (text != "" && k.text == text) || k.raw == raw }, false)
}

// find returns the first file, in path order, that match accepts: the
// least matching path, found in one pass rather than by sorting every
// path of the folder at each look.
func (fs files) find(match func(known) bool, sameURL bool) *DuplicateError {
	first := ""
	for p, k := range fs {
		if match(k) && (first == "" || p < first) {
			first = p
		}
	}
	if first == "" {
		return nil
	}
	k := fs[first]
	return &DuplicateError{Path: first, ID: k.id, Title: k.title, SameURL: sameURL}
}

// ids are the document IDs the folder's files have or would have, so a
// new file takes none of them and renames no other document.
func (fs files) ids() map[string]bool {
	ids := make(map[string]bool, len(fs))
	for _, k := range fs {
		ids[k.id] = true
	}
	return ids
}

// textPrint identifies a text by its words, so that re-wrapping or
// spacing does not make it new: a SHA-256, as bytes.
func textPrint(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return string(sum[:])
}

// rawPrint identifies a file by its bytes: a SHA-256, as bytes.
func rawPrint(b []byte) string {
	sum := sha256.Sum256(b)
	return string(sum[:])
}

// trackingParams are query parameters that say how a link was shared,
// not what it links to.
var trackingParams = []string{"fbclid", "gclid", "mc_cid", "mc_eid", "ref_src", "igshid"}

// normURL is u as compared for duplicates: without scheme, "www.", port
// 80 or 443, fragment, trailing slash or tracking parameters, host in
// lower case. "" for what is not an http or https link.
func normURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.")
	if port := p.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	q := p.Query()
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") || slices.Contains(trackingParams, strings.ToLower(k)) {
			q.Del(k)
		}
	}
	s := host + strings.TrimSuffix(p.EscapedPath(), "/")
	if enc := q.Encode(); enc != "" {
		s += "?" + enc
	}
	return s
}
