// Package lexicon relates English words to one another by WordNet 3.0, so
// a question can be matched to documents that word it differently: "led"
// to "lead" and "guide", "withdrew" to "withdrawal", "ambassador" to
// "diplomat".
//
// The data is a table generated from Princeton's WordNet 3.0 database and
// embedded in the binary, so nothing has to be installed or downloaded at
// run time. WordNet's licence, which must travel with the data, is in
// WORDNET_LICENSE beside the table.
//
// The table, wordnet.tsv, is plain text sorted by word, one word a line:
//
//	word <TAB> pos <TAB> exc <TAB> bases <TAB> synonyms <TAB> derived <TAB> hypernyms
//
// pos lists the parts of speech ("nvar") the word is a lemma of, exc
// those whose exception list (*.exc) has it as an irregular form, and
// bases the lemmas that list gives; the other fields are comma-separated
// related lemmas. Empty trailing fields are omitted. Lookups
// binary-search the embedded string in place; Load only finds where the
// lines start.
//
// To regenerate it, install WordNet 3.0 (Debian: wordnet-base) and run
// go generate in this directory; the output is byte-identical on rerun.
package lexicon

//go:generate go run ./gen -wordnet /usr/share/wordnet -o wordnet.tsv

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"
)

//go:embed wordnet.tsv
var table string

// header is the table's first line; it names the format so a table
// written by a different generator fails to load rather than being misread.
const header = "# lexicon v1\tword\tpos\texc\tbases\tsynonyms\tderived\thypernyms\n"

// Relation says how a related word is related. Smaller is closer, and
// Related lists the closest first.
type Relation uint8

const (
	// Inflection relates an inflected form to its lemma: led → lead,
	// headed → head.
	Inflection Relation = iota
	// Synonym relates lemmas sharing one of the word's most frequent
	// senses: lead → guide.
	Synonym
	// Derived relates words derived from one another: expel → expulsion.
	Derived
	// Hypernym relates a noun to the more general kind it is one of:
	// ambassador → diplomat.
	Hypernym
)

func (r Relation) String() string {
	switch r {
	case Inflection:
		return "inflection"
	case Synonym:
		return "synonym"
	case Derived:
		return "derived"
	case Hypernym:
		return "hypernym"
	}
	return fmt.Sprintf("Relation(%d)", uint8(r))
}

// Related is a word related to the one looked up.
type Related struct {
	Word string
	Rel  Relation
}

// Lexicon is a loaded table. It is immutable, so safe for concurrent use.
type Lexicon struct {
	table string   // without the header
	start []uint32 // each line's offset in table, then len(table)
	// forms maps a lemma to its irregular forms (flee → fled), the
	// exception lists read backwards: a question asks "where did he flee"
	// of a passage that says he fled.
	forms map[string][]string
}

// Load returns the lexicon embedded in the binary.
func Load() (*Lexicon, error) {
	l, err := parse(table)
	if err != nil {
		return nil, fmt.Errorf("load embedded lexicon: %w", err)
	}
	return l, nil
}

// Parse reads a table in the embedded table's format.
func Parse(data []byte) (*Lexicon, error) {
	return parse(string(data))
}

// parse indexes the line starts and checks the order binary search
// depends on; the lines themselves are read only when looked up.
func parse(data string) (*Lexicon, error) {
	rest, ok := strings.CutPrefix(data, header)
	if !ok {
		first, _, _ := strings.Cut(data, "\n")
		return nil, fmt.Errorf("parse lexicon: header %q is not %q", first, strings.TrimSuffix(header, "\n"))
	}
	if rest != "" && !strings.HasSuffix(rest, "\n") {
		rest += "\n"
	}
	if uint64(len(rest)) > math.MaxUint32 {
		return nil, fmt.Errorf("parse lexicon: %d bytes is too large", len(rest))
	}
	l := &Lexicon{table: rest, start: make([]uint32, 0, strings.Count(rest, "\n")+1)}
	prev := ""
	for at := 0; at < len(rest); {
		n := strings.IndexByte(rest[at:], '\n')
		line := rest[at : at+n]
		key, _, ok := strings.Cut(line, "\t")
		if !ok || key == "" {
			return nil, fmt.Errorf("parse lexicon: line %d (%q): no word", len(l.start)+2, line)
		}
		if key <= prev {
			return nil, fmt.Errorf("parse lexicon: line %d: %q is not after %q", len(l.start)+2, key, prev)
		}
		prev = key
		l.start = append(l.start, uint32(at))
		l.addForms(key, line)
		at += n + 1
	}
	l.start = append(l.start, uint32(len(rest)))
	return l, nil
}

// addForms records form as an irregular form of the bases its line gives.
// Only exception entries have bases, so most lines stop at the first
// check.
func (l *Lexicon) addForms(form, line string) {
	_, rest, _ := strings.Cut(line, "\t") // the word
	_, rest, _ = strings.Cut(rest, "\t")  // pos
	exc, rest, _ := strings.Cut(rest, "\t")
	if exc == "" {
		return
	}
	bases, _, _ := strings.Cut(rest, "\t")
	if l.forms == nil {
		l.forms = make(map[string][]string)
	}
	for b := range strings.SplitSeq(bases, ",") {
		if b != "" && !slices.Contains(l.forms[b], form) {
			l.forms[b] = append(l.forms[b], form)
		}
	}
}

// Len returns the number of words in the table.
func (l *Lexicon) Len() int { return len(l.start) - 1 }

type entry struct {
	pos, exc string
	// lists holds the comma-separated bases, synonyms, derived and
	// hypernyms fields, indexed by the Relation the field gives.
	lists [Hypernym + 1]string
}

// entry returns the table line for word.
func (l *Lexicon) entry(word string) (entry, bool) {
	i, ok := slices.BinarySearchFunc(l.start[:len(l.start)-1], word, func(at uint32, w string) int {
		key := l.table[at:]
		return strings.Compare(key[:strings.IndexByte(key, '\t')], w)
	})
	if !ok {
		return entry{}, false
	}
	line := l.table[l.start[i] : l.start[i+1]-1]
	_, line, _ = strings.Cut(line, "\t")
	var e entry
	e.pos, line, _ = strings.Cut(line, "\t")
	e.exc, line, _ = strings.Cut(line, "\t")
	for r := range e.lists {
		e.lists[r], line, _ = strings.Cut(line, "\t")
	}
	return e, true
}

// Related returns the words related to word (any case; a surface form such
// as "led", "headed", "withdrew", "expulsion"), each once, with its closest
// relation, strongest relations first. It covers word's base forms too:
// "led" gives "lead" as an Inflection, then lead's relations. Within a
// relation, word's own relations come before its bases', and more frequent
// senses before rarer ones. nil when WordNet does not know it.
func (l *Lexicon) Related(word string) []Related {
	w := normalize(word)
	bases := l.Bases(w)
	var out []Related
	at := make(map[string]int)
	add := func(x string, r Relation) {
		if x == w {
			return
		}
		if i, ok := at[x]; ok {
			out[i].Rel = min(out[i].Rel, r)
			return
		}
		at[x] = len(out)
		out = append(out, Related{Word: x, Rel: r})
	}
	for _, b := range bases {
		add(b, Inflection)
		for _, f := range l.forms[b] {
			add(f, Inflection)
		}
	}
	for _, b := range bases {
		e, _ := l.entry(b)
		for r := Synonym; r <= Hypernym; r++ {
			for x := range strings.SplitSeq(e.lists[r], ",") {
				if x != "" {
					add(x, r)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Related) int { return int(a.Rel) - int(b.Rel) })
	return out
}

// normalize spells word the way the table does: lower case, words
// separated by single spaces (WordNet's underscores included).
func normalize(word string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ToLower(word), "_", " ")), " ")
}
