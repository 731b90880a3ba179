package cite

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The constraints of CSL's input schema, csl-data.json
// (https://resource.citationstyles.org/schema/latest/input/json/csl-data.json):
// each item is an object with "type" and "id" required, a type from its
// enumeration, and no property outside its list (additionalProperties is
// false); names and dates are objects with their own closed property lists.
var (
	cslTypes = []string{
		"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
		"chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
		"entry-encyclopedia", "figure", "graphic", "hearing", "interview", "legal_case", "legislation",
		"manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
		"performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report",
		"review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
	}
	cslNameVariables = []string{
		"author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor",
		"curator", "director", "editor", "editorial-director", "executive-producer", "interviewer",
		"illustrator", "organizer", "original-author", "performer", "producer", "recipient",
		"reviewed-author", "translator",
	}
	cslDateVariables   = []string{"accessed", "available-date", "container", "event-date", "issued", "original-date", "submitted"}
	cslStringVariables = []string{
		"type", "id", "language", "journalAbbreviation", "shortTitle", "abstract", "annote", "archive",
		"archive_collection", "archive_location", "archive-place", "authority", "call-number", "chapter-number",
		"citation-number", "citation-label", "collection-number", "collection-title", "container-title",
		"container-title-short", "dimensions", "division", "DOI", "edition", "event", "event-place",
		"first-reference-note-number", "genre", "ISAN", "ISBN", "ISCI", "ISMN", "ISRC", "ISSN", "ISWC", "issue",
		"jurisdiction", "keyword", "locator", "medium", "note", "number", "number-of-pages", "number-of-volumes",
		"original-publisher", "original-publisher-place", "original-title", "page", "page-first", "part",
		"part-title", "PMCID", "PMID", "printing", "publisher", "publisher-place", "references", "reviewed-title",
		"scale", "section", "source", "status", "supplement", "title", "title-short", "translated-title",
		"translated-title-short", "URL", "version", "volume", "year-suffix",
	}
	cslNameParts = []string{"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "comma-suffix", "static-ordering", "literal", "parse-names"}
	cslDateParts = []string{"date-parts", "season", "circa", "literal", "raw", "edtf"}
)

// validateCSL lists how data breaks the schema's constraints.
func validateCSL(data []byte) []string {
	var items []map[string]any
	if err := json.Unmarshal(data, &items); err != nil {
		return []string{"not an array of objects: " + err.Error()}
	}
	var problems []string
	bad := func(i int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("item %d: ", i)+fmt.Sprintf(format, args...))
	}
	for i, it := range items {
		for _, req := range []string{"type", "id"} {
			if _, ok := it[req]; !ok {
				bad(i, "missing required %q", req)
			}
		}
		if t, ok := it["type"].(string); !ok || !slices.Contains(cslTypes, t) {
			bad(i, "type %v is not in the schema's enumeration", it["type"])
		}
		switch it["id"].(type) {
		case string, float64:
		default:
			bad(i, "id %v is neither a string nor a number", it["id"])
		}
		for k, v := range it {
			switch {
			case slices.Contains(cslNameVariables, k):
				names, ok := v.([]any)
				if !ok {
					bad(i, "%s is not an array", k)
				}
				for _, n := range names {
					obj, ok := n.(map[string]any)
					if !ok || len(obj) == 0 {
						bad(i, "%s holds %v, not a name object", k, n)
					}
					for part := range obj {
						if !slices.Contains(cslNameParts, part) {
							bad(i, "%s has name part %q outside the schema", k, part)
						}
					}
				}
			case slices.Contains(cslDateVariables, k):
				obj, ok := v.(map[string]any)
				if !ok {
					if _, edtf := v.(string); !edtf {
						bad(i, "%s is neither a date object nor an EDTF string", k)
					}
					continue
				}
				for part := range obj {
					if !slices.Contains(cslDateParts, part) {
						bad(i, "%s has %q outside the schema", k, part)
					}
				}
				if dp, ok := obj["date-parts"]; ok {
					outer, ok := dp.([]any)
					if !ok || len(outer) < 1 || len(outer) > 2 {
						bad(i, "%s.date-parts is not 1 or 2 arrays", k)
					}
					for _, d := range outer {
						inner, ok := d.([]any)
						if !ok || len(inner) < 1 || len(inner) > 3 {
							bad(i, "%s.date-parts holds %v, not 1 to 3 parts", k, d)
						}
					}
				}
			case k == "custom":
				if _, ok := v.(map[string]any); !ok {
					bad(i, "custom is not an object")
				}
			case slices.Contains(cslStringVariables, k):
				switch v.(type) {
				case string, float64:
				default:
					bad(i, "%s is %T, not a string or number", k, v)
				}
			default:
				bad(i, "property %q is not in the schema (additionalProperties is false)", k)
			}
		}
	}
	return problems
}

func TestCSLJSONValidatesAgainstTheSchema(t *testing.T) {
	t.Parallel()
	data, err := CSLJSON(references())
	if err != nil {
		t.Fatalf("CSLJSON() = %v", err)
	}
	if p := validateCSL(data); len(p) > 0 {
		t.Errorf("CSLJSON() breaks the CSL schema:\n%s", strings.Join(p, "\n"))
	}
	// The validator itself catches what it should.
	for _, broken := range []string{
		`[{"type": "article"}]`,
		`[{"id": "x", "type": "newspaper"}]`,
		`[{"id": "x", "type": "webpage", "quote": "y"}]`,
		`[{"id": "x", "type": "webpage", "author": [{"name": "y"}]}]`,
		`[{"id": "x", "type": "webpage", "issued": {"date-parts": [[2024, 1, 2, 3]]}}]`,
	} {
		if p := validateCSL([]byte(broken)); len(p) == 0 {
			t.Errorf("validateCSL(%s) found nothing wrong", broken)
		}
	}
}

func TestCSLJSONRoundTrips(t *testing.T) {
	t.Parallel()
	refs := references()
	data, err := CSLJSON(refs)
	if err != nil {
		t.Fatalf("CSLJSON() = %v", err)
	}
	var got []Item
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("decode CSLJSON() = %v", err)
	}
	want := make([]Item, len(refs))
	for i, r := range refs {
		want[i] = r.CSL()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSL-JSON round trip (-want +got):\n%s", diff)
	}
	// Spot checks of what an importer relies on.
	if got[0].URL != refs[0].URL || got[1].URL != refs[1].PageURL {
		t.Errorf("URLs = %q, %q; want the source's, then the page of a document without one", got[0].URL, got[1].URL)
	}
	if got[4].URL != refs[4].PageURL {
		t.Errorf("a javascript: URL gave %q, want the citation's page", got[4].URL)
	}
}

func TestCSLFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    Citation
		want Item
	}{
		{"article", Citation{ID: "a", Title: "T", Publisher: "NK News", Published: "2014-08", URL: "https://x.example/a"},
			Item{ID: "a", Type: "article-newspaper", Title: "T", ContainerTitle: "NK News", URL: "https://x.example/a",
				Issued: &Date{DateParts: [][]int{{2014, 8}}}}},
		{"webpage", Citation{ID: "w", Title: "T", URL: "https://x.example/w", Published: "2024"},
			Item{ID: "w", Type: "webpage", Title: "T", URL: "https://x.example/w", Issued: &Date{DateParts: [][]int{{2024}}}}},
		{"report", Citation{ID: "r", Title: "T", Publisher: "Institute", Page: 12, Author: "Ann Lee"},
			Item{ID: "r", Type: "report", Title: "T", Publisher: "Institute", Page: "12", Author: []Name{{Family: "Lee", Given: "Ann"}}}},
		{"document", Citation{ID: "d", DocID: "notes-2024", Published: "spring 2024", Author: "Ludwig van Beethoven, Reuters staff"},
			Item{ID: "d", Type: "document", Title: "notes-2024", Issued: &Date{Raw: "spring 2024"},
				Author: []Name{{Literal: "Ludwig van Beethoven"}, {Literal: "Reuters staff"}}}},
		{"bad date", Citation{ID: "b", Title: "T", Published: "2024-13-01"},
			Item{ID: "b", Type: "document", Title: "T", Issued: &Date{Raw: "2024-13-01"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Reference{Citation: tc.c}.CSL()
			got.Note, got.Custom, got.Accessed = "", nil, nil
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("CSL(%+v) (-want +got):\n%s", tc.c, diff)
			}
		})
	}
	it := Reference{Citation: Citation{ID: "s", ShownAt: time.Date(2026, 1, 2, 23, 0, 0, 0, time.FixedZone("x", -5*3600))}}.CSL()
	if want := [][]int{{2026, 1, 3}}; it.Accessed == nil || !cmp.Equal(it.Accessed.DateParts, want) {
		t.Errorf("accessed = %+v, want the UTC date %v", it.Accessed, want)
	}
}
