package eval

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/dossier-bot/dossier/corpus"
)

// Synthetic corpora are built from the sentences of a real one so that
// word frequencies, lengths and vocabulary stay realistic at any size.
const (
	// SynthSeed is the seed bench makes its corpora and questions with,
	// so that runs on different days measure the same thing.
	SynthSeed           = 20261123
	synthPassagesPerDoc = 5
	synthMinWords       = 60
	synthMaxWords       = 150
)

// SentencePool returns every sentence of c's passages.
func SentencePool(c *corpus.Corpus) []string {
	var pool []string
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			for _, sp := range corpus.Sentences(p.Text) {
				if s := p.Text[sp[0]:sp[1]]; len(strings.Fields(s)) >= 4 {
					pool = append(pool, s)
				}
			}
		}
	}
	return pool
}

// Synthetic is a corpus of n passages made from the sentences in pool,
// the same for the same pool, n and seed. Each document is made as Each
// reaches it and dropped after, so half a million passages are indexed
// without being held; document text is left empty, as the index reads
// passages only.
type Synthetic struct {
	pool []string
	// words counts each sentence's words once: counting them each time
	// one was drawn was a third of the time spent making a document.
	words []int
	n     int
	seed  uint64
}

// Synthesize makes a Synthetic corpus of n passages from pool.
func Synthesize(pool []string, n int, seed uint64) Synthetic {
	words := make([]int, len(pool))
	for i, s := range pool {
		words[i] = len(strings.Fields(s))
	}
	return Synthetic{pool: pool, words: words, n: n, seed: seed}
}

// Len is the number of documents.
func (s Synthetic) Len() int { return (s.n + synthPassagesPerDoc - 1) / synthPassagesPerDoc }

// Each makes every document in turn and passes it to fn.
func (s Synthetic) Each(fn func(*corpus.Document) error) error {
	rng := rand.New(rand.NewPCG(s.seed, s.seed^0x9e3779b97f4a7c15))
	for i := range s.Len() {
		d := s.document(rng, i)
		if err := fn(&d); err != nil {
			return err
		}
	}
	return nil
}

func (s Synthetic) document(rng *rand.Rand, i int) corpus.Document {
	pool := s.pool
	id := fmt.Sprintf("synth-%07d", i)
	title := strings.Join(firstWords(pool[rng.IntN(len(pool))], 8), " ")
	d := corpus.Document{ID: id, Path: id + ".txt", Title: title, Publisher: "Synthetic"}
	h := sha256.New()
	offset := 0
	for j := 0; j < synthPassagesPerDoc && i*synthPassagesPerDoc+j < s.n; j++ {
		var b strings.Builder
		b.Grow(8 * synthMaxWords)
		words := 0
		for words < synthMinWords {
			k := rng.IntN(len(pool))
			if w := s.words[k]; words > 0 && words+w > synthMaxWords {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pool[k])
			words += s.words[k]
		}
		text := b.String()
		h.Write([]byte(text))
		d.Passages = append(d.Passages, corpus.Passage{
			ID: corpus.PassageID(id, j), DocID: id, Ordinal: j, Text: text,
			Start: offset, End: offset + len(text),
		})
		offset += len(text) + 2
	}
	d.Hash = hex.EncodeToString(h.Sum(nil))
	return d
}

// SampleQuestions draws n typical questions of 5 to 12 consecutive words from
// pool, the same for the same pool, n and seed.
func SampleQuestions(pool []string, n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]string, 0, n)
	for len(out) < n {
		words := strings.Fields(pool[rng.IntN(len(pool))])
		k := 5 + rng.IntN(8)
		if len(words) < k {
			continue
		}
		at := rng.IntN(len(words) - k + 1)
		out = append(out, strings.Join(words[at:at+k], " "))
	}
	return out
}

func firstWords(s string, n int) []string {
	w := strings.Fields(s)
	return w[:min(n, len(w))]
}
