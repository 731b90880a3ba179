package citepage

import "github.com/dossier-bot/dossier/corpus/cite"

// references are the Markdown and plain forms of c's reference, linking
// to its page at pageURL ("" when pages have no public address).
func references(c cite.Citation, pageURL string) (markdown, plain string) {
	r := cite.Reference{Citation: c, PageURL: pageURL}
	return r.Markdown(), r.Plain()
}
