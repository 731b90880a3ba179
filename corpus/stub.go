package corpus

import "io/fs"

// Load reads every .txt and .md document of fsys, plus synonyms.txt.
func Load(fsys fs.FS) (*Corpus, error) { panic("unimplemented") }

// Builtin returns the built-in corpus embedded in the binary.
func Builtin() fs.FS { panic("unimplemented") }

// Parse parses one raw file (front matter, cleaning, passages).
func Parse(path string, raw []byte) (Document, error) { panic("unimplemented") }

// Sentences returns the byte spans [start, end) of the sentences of text.
func Sentences(text string) [][2]int { panic("unimplemented") }

// Link returns d.URL with a text fragment that highlights quote, or "" without a URL.
func (d Document) Link(quote string) string { panic("unimplemented") }

// Citation returns "Title — Publisher, Published" for people.
func (d Document) Citation() string { panic("unimplemented") }
