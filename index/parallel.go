package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/dossier-bot/dossier/corpus"
)

// Bleve's offline builder analyses each batch in the goroutine that fills
// it, so a build used one core however many there were. The pipeline
// below maps and analyses passages on every core and leaves the builder
// only to write them, in the order the source gave them, so the index
// holds what a serial build's does (TestParallelBuildMatchesSerial).
//
// The builder takes a passage as data to map; preMapped hands it the
// fields a worker has already mapped and analysed instead, and
// analysedField keeps the builder from analysing them again.

// maxInFlight bounds the passages handed to the workers and not yet
// written. The writer is busy for a while each time the builder writes a
// batch out; with room for a batch's worth, the workers analyse the next
// one meanwhile instead of waiting (at 500,000 passages from a folder,
// 512 in flight built at 11,300 passages/s, a batch's worth at 13,100).
const maxInFlight = builderBatch

// preMapped is the index mapping, except that a document already mapped
// is taken as it is. It marshals as the mapping it wraps, so the index
// records the same mapping either way.
type preMapped struct{ mapping.IndexMapping }

func (m preMapped) MapDocument(doc *document.Document, data interface{}) error {
	pre, ok := data.(*document.Document)
	if !ok {
		return m.IndexMapping.MapDocument(doc, data)
	}
	doc.Fields, doc.CompositeFields, doc.StoredFieldsSize = pre.Fields, pre.CompositeFields, pre.StoredFieldsSize
	if pre.Indexed() {
		doc.SetIndexed()
	}
	return nil
}

func (m preMapped) MarshalJSON() ([]byte, error) { return json.Marshal(m.IndexMapping) }

// analysedField is a field whose analysis is done: Analyze keeps it.
type analysedField struct {
	document.Field
	length int
	freqs  bindex.TokenFrequencies
}

func (*analysedField) Analyze()                                            {}
func (f *analysedField) AnalyzedLength() int                               { return f.length }
func (f *analysedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

// mapper maps and analyses passages as the mapping does, except that
// text the mapping gives to slow is analysed by fast: the same terms
// (TestParallelBuildMatchesSerial holds them to it) from the analyser
// questions use, which does without the regular expression and filters
// each word once; Bleve's own took two thirds of a build's analysis.
// Each worker has its own fast, so they do not share one cache's lock.
type mapper struct {
	m    mapping.IndexMapping
	slow analysis.Analyzer
	fast *termAnalyzer
}

func (mp mapper) mapPassage(d *corpus.Document, p corpus.Passage) (*document.Document, error) {
	doc := document.NewDocument(p.ID)
	if err := mp.m.MapDocument(doc, toPassageDoc(d, p)); err != nil {
		return nil, fmt.Errorf("map passage %q: %w", p.ID, err)
	}
	for i, f := range doc.Fields {
		if f.Options().IsIndexed() {
			doc.Fields[i] = mp.analyse(f)
		}
	}
	return doc, nil
}

func (mp mapper) analyse(f document.Field) document.Field {
	tf, ok := f.(*document.TextField)
	if !ok || tf.Analyzer() != mp.slow || f.Options().IncludeTermVectors() {
		f.Analyze()
		return &analysedField{Field: f, length: f.AnalyzedLength(), freqs: f.AnalyzedTokenFrequencies()}
	}
	n, freqs := frequencies(mp.fast.tokens(string(tf.Value())), f.Options())
	return &analysedField{Field: f, length: n, freqs: freqs}
}

// frequencies is analysis.TokenFrequency without term vectors, from
// tokens rather than a token stream, and with the terms' structs and
// bytes allocated at once rather than two allocations a term: a build
// spent a sixth of its time collecting garbage.
func frequencies(tokens []token, opts bindex.FieldIndexingOptions) (int, bindex.TokenFrequencies) {
	freqs := make(bindex.TokenFrequencies, len(tokens))
	// Never grown, so the pointers into it stay good.
	all := make([]bindex.TokenFreq, 0, len(tokens))
	buf := make([]byte, 0, 8*len(tokens))
	for _, t := range tokens {
		tf, ok := freqs[t.term]
		if !ok {
			at := len(buf)
			buf = append(buf, t.term...)
			all = append(all, bindex.TokenFreq{Term: buf[at:len(buf):len(buf)]})
			tf = &all[len(all)-1]
			freqs[t.term] = tf
		}
		if !opts.SkipFreqNorm() {
			tf.SetFrequency(tf.Frequency() + 1)
		}
	}
	return len(tokens), freqs
}

// buildJob is one document on its way through the pipeline.
type buildJob struct {
	doc    corpus.Document
	mapped []*document.Document
	err    error
	ready  chan struct{} // closed when mapped or err is set
	slots  int
}

// pipeline analyses documents on several goroutines and passes them to
// write on one more, in the order they were added.
type pipeline struct {
	write   func(*buildJob) error
	jobs    chan *buildJob // to the workers
	ordered chan *buildJob // to the writer
	slots   chan struct{}  // one a passage in flight
	failed  chan struct{}  // closed when writing fails
	err     error          // writing's first error, set before failed closes
	drop    atomic.Bool    // skip what is left: the build is abandoned
	wg      sync.WaitGroup
	stopped bool
}

func startPipeline(workers int, mp mapper, write func(*buildJob) error) *pipeline {
	p := &pipeline{
		write:   write,
		jobs:    make(chan *buildJob, maxInFlight),
		ordered: make(chan *buildJob, maxInFlight),
		slots:   make(chan struct{}, maxInFlight),
		failed:  make(chan struct{}),
	}
	p.wg.Add(workers + 1)
	for range workers {
		mp.fast = newAnalyzer()
		go p.analyse(mp)
	}
	go p.writeInOrder()
	return p
}

func (p *pipeline) analyse(mp mapper) {
	defer p.wg.Done()
	for j := range p.jobs {
		if !p.drop.Load() {
			j.mapped = make([]*document.Document, 0, len(j.doc.Passages))
			for _, ps := range j.doc.Passages {
				doc, err := mp.mapPassage(&j.doc, ps)
				if err != nil {
					j.err = err
					break
				}
				j.mapped = append(j.mapped, doc)
			}
		}
		close(j.ready)
	}
}

func (p *pipeline) writeInOrder() {
	defer p.wg.Done()
	failed := false
	for j := range p.ordered {
		<-j.ready
		if !failed && !p.drop.Load() {
			err := j.err
			if err == nil {
				err = p.write(j)
			}
			if err != nil {
				p.err, failed = err, true
				close(p.failed)
			}
		}
		for range j.slots {
			<-p.slots
		}
	}
}

// add queues d, waiting while too many passages are in flight. It
// returns writing's first error, if there has been one yet.
func (p *pipeline) add(d *corpus.Document) error {
	select {
	case <-p.failed:
		return p.err
	default:
	}
	// The source owns d only until add returns; passage texts are
	// strings, so a copy of the slice is enough.
	j := &buildJob{doc: *d, ready: make(chan struct{}), slots: min(len(d.Passages), maxInFlight)}
	j.doc.Passages = slices.Clone(d.Passages)
	j.doc.Text = ""
	for range j.slots {
		p.slots <- struct{}{}
	}
	p.ordered <- j
	p.jobs <- j
	return nil
}

// stop waits for everything added to be written and returns writing's
// first error.
func (p *pipeline) stop() error {
	if !p.stopped {
		p.stopped = true
		close(p.jobs)
		close(p.ordered)
		p.wg.Wait()
	}
	select {
	case <-p.failed:
		return p.err
	default:
		return nil
	}
}

// abandon stops, neither analysing nor writing what is still queued.
func (p *pipeline) abandon() {
	p.drop.Store(true)
	p.stop()
}
