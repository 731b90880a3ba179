package corpus

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Converter turns a file of another format (a web page, a PDF) into a
// Markdown document with front matter, which is then parsed as any other.
// "<!-- page N -->" markers in its output give passages their pages.
type Converter interface {
	Convert(path string, raw []byte) ([]byte, error)
}

// Option changes how OpenFolder and Load read a folder.
type Option func(*Folder)

// Convert makes a folder take files with the given extensions (".html",
// ".pdf"), read through c. The corpus package reads no format but text;
// the command wires in the converters.
func Convert(c Converter, exts ...string) Option {
	return func(f *Folder) {
		f.conv = c
		if f.convExt == nil {
			f.convExt = map[string]bool{}
		}
		for _, e := range exts {
			f.convExt[strings.ToLower(e)] = true
		}
	}
}

// maxConvertedSize bounds a file that is converted: reports in PDF are
// larger than any text article, and what they convert to is then held
// to maxFileSize.
const maxConvertedSize = 64 << 20

// read reads and parses one listed file, converting it first when its
// type is one a Converter takes.
func (f *Folder) read(l listed) (Document, error) {
	if !f.convExt[strings.ToLower(path.Ext(l.path))] {
		raw, err := readFile(f.fsys, l.path, l.d, maxFileSize)
		if err != nil {
			return Document{}, err
		}
		return Parse(l.path, raw)
	}
	raw, err := readFile(f.fsys, l.path, l.d, maxConvertedSize)
	if err != nil {
		return Document{}, err
	}
	md, err := f.conv.Convert(l.path, raw)
	if err != nil {
		return Document{}, err
	}
	doc, err := Parse(l.path, md)
	if err != nil {
		return Document{}, fmt.Errorf("converted text: %w", err)
	}
	return doc, nil
}

// readFile reads a file after checking its size, so a huge file is never
// loaded into memory.
func readFile(fsys fs.FS, p string, d fs.DirEntry, limit int64) ([]byte, error) {
	info, err := d.Info()
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("file is %d bytes, more than the %d allowed", info.Size(), limit)
	}
	return fs.ReadFile(fsys, p)
}
