package index

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"
)

// BenchmarkRankBEIR ranks a BEIR benchmark's queries on an index already
// built by dossier eval --beir --data, as issue 16 measures throughput:
//
//	DOSSIER_BENCH_INDEX=/tmp/scidata/beir-scifact \
//	DOSSIER_BENCH_QUERIES=../shared/bench/scifact/queries.jsonl \
//	GOMAXPROCS=1 go test -run '^$' -bench RankBEIR -cpuprofile cpu.out ./index
func BenchmarkRankBEIR(b *testing.B) {
	dir, file := os.Getenv("DOSSIER_BENCH_INDEX"), os.Getenv("DOSSIER_BENCH_QUERIES")
	if dir == "" || file == "" {
		b.Skip("set DOSSIER_BENCH_INDEX and DOSSIER_BENCH_QUERIES")
	}
	ix, err := Open(dir)
	if err != nil {
		b.Fatalf("Open(%q) = %v", dir, err)
	}
	defer ix.Close()
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(qs) < 300 {
		var q struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			b.Fatal(err)
		}
		qs = append(qs, q.Text)
	}
	f.Close()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := ix.Rank(context.Background(), qs[i%len(qs)], 1000); err != nil {
			b.Fatal(err)
		}
	}
}
