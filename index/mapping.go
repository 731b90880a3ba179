package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/regexp"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The analyser is Bleve's English one (possessives, lower case, stop
// words, Porter stemming) over a tokenizer that also splits letters from
// digits: "IL10", "IL-10" and "p53" then match "IL 10" and "p 53", as
// technical writing spells them every way. Decimals and words with
// apostrophes stay whole. SciFact train nDCG@10 0.7077 with Bleve's
// Unicode word tokenizer, 0.7122 with this one (docs/RETRIEVAL.md).
const (
	analyzerName  = "dossier_en"
	tokenizerName = "dossier_words"
	wordPattern   = `[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}+(?:[.,]\p{N}+)*`
)

func addAnalyzer(im *mapping.IndexMappingImpl) {
	if err := im.AddCustomTokenizer(tokenizerName, map[string]interface{}{"type": regexp.Name, "regexp": wordPattern}); err != nil {
		// The configuration is a constant: failing here is a programming error.
		panic(fmt.Sprintf("add tokenizer %q: %v", tokenizerName, err))
	}
	if err := im.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     tokenizerName,
		"token_filters": []interface{}{en.PossessiveName, lowercase.Name, en.StopName, porter.Name},
	}); err != nil {
		panic(fmt.Sprintf("add analyzer %q: %v", analyzerName, err))
	}
}

// schemaVersion changes whenever the mapping or the stored layout does, so
// an index built by an older Dossier is rebuilt rather than misread.
const schemaVersion = "dossier-index-10"

// Field names of an indexed passage.
const (
	fieldText    = "text"
	fieldHeading = "heading"
	fieldDoc     = "doc"
	fieldOrd     = "ord"
	fieldStart   = "start"
	fieldEnd     = "end"
	fieldPage    = "page"
	fieldLast    = "lastpage"
)

// passageDoc is what Bleve indexes for one passage.
type passageDoc struct {
	Text    string  `json:"text"`
	Heading string  `json:"heading"`
	Doc     string  `json:"doc"`
	Ord     float64 `json:"ord"`
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Page    float64 `json:"page,omitempty"`
	Last    float64 `json:"lastpage,omitempty"`
}

func newMapping() mapping.IndexMapping {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = store
		f.IncludeInAll = false
		// Term vectors and doc values are not used: excerpts are chosen by
		// re-analysing the stored text, which keeps the index smaller
		// (storing each passage's tokens made ranking a third faster but
		// the index 60% larger and building 25% slower: docs/PERFORMANCE.md).
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewTextFieldMapping()
	doc.Analyzer = keyword.Name
	doc.Store = true
	doc.IncludeInAll = false
	doc.IncludeTermVectors = false
	// Doc values: Rank reads the documents of 2,000 passages a question,
	// and a stored field decompresses the passage's text to give its id.
	doc.DocValues = true

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text(true))
	dm.AddFieldMappingsAt(fieldHeading, text(true))
	dm.AddFieldMappingsAt(fieldDoc, doc)
	dm.AddFieldMappingsAt(fieldOrd, stored())
	dm.AddFieldMappingsAt(fieldStart, stored())
	dm.AddFieldMappingsAt(fieldEnd, stored())
	dm.AddFieldMappingsAt(fieldPage, stored())
	dm.AddFieldMappingsAt(fieldLast, stored())

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = analyzerName
	im.ScoringModel = "bm25"
	addAnalyzer(im)
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	return im
}
