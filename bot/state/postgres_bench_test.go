package state

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state/statetest"
	"github.com/dossier-bot/dossier/corpus"
)

// BenchmarkRecordDocuments records a corpus of 2,000 documents of 10
// passages each that has not changed since the last time, what every
// replica's watcher does when the folder's fingerprint moves: File
// against Postgres.
func BenchmarkRecordDocuments(b *testing.B) {
	var ds []corpus.Document
	for i := range 2000 {
		d := corpus.Document{ID: fmt.Sprint("doc", i), Title: "T", Hash: fmt.Sprint("h", i)}
		for j := range 10 {
			d.Passages = append(d.Passages, corpus.Passage{Text: fmt.Sprint("passage ", i, " ", j)})
		}
		ds = append(ds, d)
	}
	for _, backend := range backends {
		b.Run(backend.name, func(b *testing.B) {
			s := backend.open(b)
			if _, err := s.RecordDocuments(all(ds), t0, leadOf); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := s.RecordDocuments(all(ds), t0.Add(time.Hour), leadOf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecentCitations lists the 100 citations last shown to a member
// who was shown 2,000 passages of about 1 KB, each twice, as the /cite
// command's autocomplete does at every keystroke: File against Postgres.
func BenchmarkRecentCitations(b *testing.B) {
	text := strings.Repeat("A passage long enough to weigh what a real one does. ", 20)
	for _, backend := range backends {
		b.Run(backend.name, func(b *testing.B) {
			s := backend.open(b)
			var cs []KeptCitation
			for i := range 2000 {
				cs = append(cs, kept(fmt.Sprint("doc", i%50), fmt.Sprint(i, " ", text)))
			}
			for round := range 2 {
				for i := 0; i < len(cs); i += 100 {
					recordCitations(b, s, Shown{At: t0.Add(time.Duration(round*len(cs)+i) * time.Second), ChannelID: "c", UserID: "u"}, cs[i:i+100]...)
				}
			}
			b.ResetTimer()
			for range b.N {
				got, err := s.RecentCitations("u", 100)
				if err != nil || len(got) != 100 {
					b.Fatalf("RecentCitations = %d citations, %v; want 100", len(got), err)
				}
			}
		})
	}
}

// TestReElectionTime measures, with the production election settings,
// how long after the leader's session ends another replica leads. It is a
// measurement, not a check: DOSSIER_MEASURE_ELECTION=1 runs it (about a
// minute), and it logs each figure.
func TestReElectionTime(t *testing.T) {
	if os.Getenv("DOSSIER_MEASURE_ELECTION") == "" {
		t.Skip("a measurement of about a minute: set DOSSIER_MEASURE_ELECTION=1 to run it")
	}
	url := statetest.Database(t)
	started := make(chan time.Time, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 3 {
		p := openPostgres(t, url)
		go p.Lead(ctx, Election{}, func(ctx context.Context) error {
			started <- time.Now()
			<-ctx.Done()
			return nil
		})
	}
	<-started
	for i := range 5 {
		ended := time.Now()
		if !terminateLeader(t, url) {
			t.Fatal("no session holds the leader's lock")
		}
		t.Logf("re-election %d: a new leader %v after the session ended", i, (<-started).Sub(ended).Round(10*time.Millisecond))
	}
}
