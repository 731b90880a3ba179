package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileSize bounds a document: anything larger is not an article.
const maxFileSize = 10 << 20

var errBinary = errors.New("binary content, not text")

// ErrEmpty is a file with nothing left to quote once cleaned.
var ErrEmpty = errors.New("no text left after removing page furniture")

// Load reads every .txt and .md document of fsys (and those opts
// convert), plus synonyms.txt,
// into memory; OpenFolder reads them one at a time instead.
//
// Documents are sorted by path. Hidden files and folders and files of other
// types are ignored. Files that cannot be read or parsed land in
// Corpus.Skipped; Load fails only when the folder itself cannot be walked.
func Load(fsys fs.FS, opts ...Option) (*Corpus, error) {
	f, err := OpenFolder(fsys, opts...)
	if err != nil {
		return nil, err
	}
	c := &Corpus{Synonyms: f.Synonyms}
	f.Each(func(d *Document) error {
		c.Documents = append(c.Documents, *d)
		return nil
	})
	c.Skipped = f.Skipped
	return c, nil
}

func (c *Corpus) addSynonyms(raw []byte) {
	if err := checkText(raw); err != nil {
		c.Skipped = append(c.Skipped, FileError{Path: synonymsFile, Err: err})
		return
	}
	groups, errs := parseSynonyms(string(raw))
	c.Synonyms = append(c.Synonyms, groups...)
	for _, err := range errs {
		c.Skipped = append(c.Skipped, FileError{Path: synonymsFile, Err: err})
	}
}

// Parse parses one raw file (front matter, cleaning, passages).
func Parse(path string, raw []byte) (Document, error) {
	if len(raw) > maxFileSize {
		return Document{}, fmt.Errorf("file is %d bytes, more than the %d allowed", len(raw), maxFileSize)
	}
	if err := checkText(raw); err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(raw)
	fm, body, err := splitFrontMatter(normalizeText(string(raw)))
	if err != nil {
		return Document{}, err
	}
	doc := Document{
		ID:        slug(path),
		Path:      path,
		Title:     fm.title,
		URL:       fm.url,
		Publisher: fm.publisher,
		Author:    fm.author,
		Published: fm.published,
		AddedBy:   fm.addedBy,
		AddedAt:   fm.addedAt,
		Hash:      hex.EncodeToString(sum[:]),
	}
	body, pages := cutPageMarks(body)
	var headings map[int]bool
	doc.Title, doc.Text, headings = clean(body, fm.title, fm.author)
	if doc.Text == "" {
		return Document{}, ErrEmpty
	}
	pages = locatePages(doc.Text, pages)
	var breaks []int
	for _, p := range pages {
		breaks = append(breaks, p.offset)
	}
	doc.Passages = split(doc.ID, doc.Text, headings, breaks...)
	setPages(doc.Passages, pages)
	return doc, nil
}

// normalizeText drops a byte-order mark and turns every line ending
// into "\n", as front matter and cleaning expect.
func normalizeText(text string) string {
	text = strings.TrimPrefix(text, "\uFEFF")
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
}

// checkText rejects what is not UTF-8 text: NUL bytes, invalid encoding
// or a high share of control characters.
func checkText(raw []byte) error {
	if i := strings.IndexByte(string(raw), 0); i >= 0 {
		return fmt.Errorf("%w (NUL byte at offset %d)", errBinary, i)
	}
	controls, runes := 0, 0
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("invalid UTF-8 at byte %d", i)
		}
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' && r != '\f' {
			controls++
		}
		runes++
		i += size
	}
	if controls > 0 && controls*20 > runes {
		return fmt.Errorf("%w (%d control characters)", errBinary, controls)
	}
	return nil
}

// slug turns a slash-separated path into a document ID: lowercase letters
// and digits, runs of anything else (including '/') as one '-', without
// the extension.
func slug(p string) string {
	p = strings.TrimSuffix(p, path.Ext(p))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(p) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "doc"
	}
	return b.String()
}

func (d *Document) setID(id string) {
	d.ID = id
	for i := range d.Passages {
		d.Passages[i].DocID = id
		d.Passages[i].ID = PassageID(id, d.Passages[i].Ordinal)
	}
}

// PassageID is the id of the passage of document docID at ordinal.
func PassageID(docID string, ordinal int) string { return docID + "#" + strconv.Itoa(ordinal) }
