package citepage

import (
	"github.com/dossier-bot/dossier/corpus/cite"
)

// references are the Markdown and plain forms of c's reference.
// TODO(cite): stand-in until corpus/cite/format.go lands on main.
func references(c cite.Citation, pageURL string) (markdown, plain string) {
	link := c.URL
	if link == "" {
		link = pageURL
	}
	plain = c.Title + ". " + c.Publisher + ", " + c.Published + ". " + link + " \"" + c.Excerpt + "\" [" + c.ID + "]"
	return plain, plain
}
