// Package corpus holds Dossier's domain types, documents and the passages
// they are cut into, and turns a folder of text files into them.
//
// It uses the standard library only, so every other package can depend on it.
package corpus

// Document is one cleaned source file of a corpus.
type Document struct {
	// ID is a stable slug derived from the file's path within the corpus.
	ID string
	// Path is the file's slash-separated path within the corpus folder.
	Path      string
	Title     string
	URL       string
	Publisher string
	Author    string
	// Published is the publication date as the front matter gives it
	// ("2023-11", "2024-04-24"); empty when unknown.
	Published string
	// AddedBy and AddedAt say who added the document with dossier add or
	// Discord's /add, and when (RFC 3339), as its front matter gives them;
	// empty for documents put in the folder by hand. The index's registry
	// does not keep them, and omitempty keeps its JSON as it was.
	AddedBy string `json:",omitempty"`
	AddedAt string `json:",omitempty"`
	// Hash is the hex SHA-256 of the raw file, used to detect changes.
	Hash string
	// Text is the cleaned text: page furniture removed, paragraphs
	// separated by blank lines, headings on lines of their own.
	Text     string
	Passages []Passage
}

// Passage is a run of whole sentences from one document, the unit that is
// indexed, ranked and quoted.
type Passage struct {
	// ID is DocID + "#" + Ordinal, stable while the document is unchanged.
	ID      string
	DocID   string
	Ordinal int
	// Heading is the nearest section heading above the passage, or "".
	Heading string
	Text    string
	// Start and End are byte offsets into Document.Text:
	// Document.Text[Start:End] == Text.
	Start, End int
	// Page is the page of the source (a PDF) the passage starts on, from
	// the file's "<!-- page N -->" markers; 0 when unknown. LastPage is
	// the page it ends on when that is a later one, else 0.
	Page, LastPage int
}

// Corpus is everything loaded from a corpus folder.
type Corpus struct {
	Documents []Document
	// Synonyms are groups of equivalent terms or phrases, from the
	// folder's synonyms.txt; each group has at least two members.
	Synonyms [][]string
	// Skipped lists files that could not be read or parsed; the rest of
	// the corpus is still loaded.
	Skipped []FileError
}

// FileError is a problem with one file of a corpus.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Len is the number of documents.
func (c *Corpus) Len() int { return len(c.Documents) }

// Each calls fn with every document in order and stops at its first error.
func (c *Corpus) Each(fn func(*Document) error) error {
	for i := range c.Documents {
		if err := fn(&c.Documents[i]); err != nil {
			return err
		}
	}
	return nil
}
