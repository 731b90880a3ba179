package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// schemaVersion changes whenever the mapping or the stored layout does, so
// an index built by an older Dossier is rebuilt rather than misread.
const schemaVersion = "dossier-index-4"

// Field names of an indexed passage.
const (
	fieldText    = "text"
	fieldHeading = "heading"
	fieldDoc     = "doc"
	fieldOrd     = "ord"
	fieldStart   = "start"
	fieldEnd     = "end"
)

// passageDoc is what Bleve indexes for one passage.
type passageDoc struct {
	Text    string  `json:"text"`
	Heading string  `json:"heading"`
	Doc     string  `json:"doc"`
	Ord     float64 `json:"ord"`
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
}

func newMapping() mapping.IndexMapping {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = store
		f.IncludeInAll = false
		// Term vectors and doc values are not used: excerpts are chosen by
		// re-analysing the stored text, which keeps the index smaller.
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
	doc.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text(true))
	dm.AddFieldMappingsAt(fieldHeading, text(true))
	dm.AddFieldMappingsAt(fieldDoc, doc)
	dm.AddFieldMappingsAt(fieldOrd, stored())
	dm.AddFieldMappingsAt(fieldStart, stored())
	dm.AddFieldMappingsAt(fieldEnd, stored())

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = en.AnalyzerName
	im.ScoringModel = "bm25"
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	return im
}
