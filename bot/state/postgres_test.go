package state

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"strings"
	"sync"
	"testing"

	"github.com/dossier-bot/dossier/bot/state/statetest"
	"github.com/dossier-bot/dossier/corpus"
)

func TestPostgresReplicasStartingTogetherMigrateOnce(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	const replicas = 5
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := OpenPostgres(context.Background(), url)
			if err == nil {
				p.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: OpenPostgres = %v", i, err)
		}
	}
	p := openPostgres(t, url)
	var version, rows int
	if err := p.pool.QueryRow(context.Background(), "SELECT max(version), count(*) FROM dossier_schema").Scan(&version, &rows); err != nil {
		t.Fatal(err)
	}
	if version != len(pgMigrations) || rows != 1 {
		t.Errorf("dossier_schema = version %d in %d rows, want %d in 1", version, rows, len(pgMigrations))
	}
}

func TestPostgresRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	p := openPostgres(t, url)
	if _, err := p.pool.Exec(context.Background(), "UPDATE dossier_schema SET version = $1", len(pgMigrations)+1); err != nil {
		t.Fatal(err)
	}
	q, err := OpenPostgres(context.Background(), url)
	if err == nil {
		q.Close()
		t.Fatal("OpenPostgres of a newer schema succeeded")
	}
	if !strings.Contains(err.Error(), "newer than this dossier") {
		t.Errorf("OpenPostgres of a newer schema = %v, want it to say the schema is newer", err)
	}
}

func TestPostgresErrorsHideThePassword(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"postgres://dossier:s3cret-pw@127.0.0.1:1/dossier?connect_timeout=2",
		"postgres://127.0.0.1:1/dossier?password=s3cret-pw&connect_timeout=2",
		"postgres://dossier:s3cret-pw@[::1/dossier",
	} {
		_, err := OpenPostgres(context.Background(), url)
		if err == nil {
			t.Errorf("OpenPostgres(%q) succeeded", url)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("OpenPostgres error shows the password: %v", err)
		}
	}
}

// Every replica records the shared corpus folder; a document must be
// announced as added by one of them only.
func TestPostgresReplicasAnnounceADocumentOnce(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	var ds []string
	for i := range 40 {
		ds = append(ds, fmt.Sprint("doc", i), fmt.Sprint("hash", i))
	}
	corp := all(docs(ds...))
	const replicas = 3
	added := make([]int, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		s := openPostgres(t, url)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch, err := s.RecordDocuments(corp, t0, func(corpus.Document) string { return "" })
			if err != nil {
				t.Errorf("replica %d: RecordDocuments = %v", i, err)
			}
			added[i] = len(ch.Added)
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range added {
		total += n
	}
	if total != 40 {
		t.Errorf("the replicas announced %v documents added, %d in all; want 40 in all", added, total)
	}
}

// The watch limit, and one watch per query, hold across replicas adding
// at once.
func TestPostgresWatchLimitAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	replicas := []*Postgres{openPostgres(t, url), openPostgres(t, url)}
	addAll := func(queries []string) {
		var wg sync.WaitGroup
		for i, q := range queries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				replicas[i%2].AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: q})
			}()
		}
		wg.Wait()
	}
	addAll([]string{"same topic", "Same topic", "same  topic", "SAME TOPIC", "same topic", "same Topic"})
	if ws, err := replicas[0].Watches("g", "c"); err != nil || len(ws) != 1 {
		t.Errorf("after adding one query six times from two replicas: %d watches, %v; want 1", len(ws), err)
	}
	var many []string
	for i := range MaxChannelWatches + 5 {
		many = append(many, fmt.Sprint("topic ", i))
	}
	addAll(many)
	if ws, err := replicas[1].Watches("g", "c"); err != nil || len(ws) != MaxChannelWatches {
		t.Errorf("after adding %d queries from two replicas: %d watches, %v; want %d", len(many)+1, len(ws), err, MaxChannelWatches)
	}
}

// A server that does not answer is worth waiting for; one that answers
// no is not.
func TestPostgresTellsUnreachableFromRefused(t *testing.T) {
	t.Parallel()
	_, err := OpenPostgres(context.Background(), "postgres://dossier@127.0.0.1:1/dossier?connect_timeout=2")
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("OpenPostgres of a closed port = %v, want ErrUnreachable", err)
	}
	u, perr := neturl.Parse(statetest.Database(t))
	if perr != nil {
		t.Fatal(perr)
	}
	u.Path = "/no_such_database"
	_, err = OpenPostgres(context.Background(), u.String())
	if err == nil || errors.Is(err, ErrUnreachable) {
		t.Errorf("OpenPostgres of a database that does not exist = %v, want an error that is not ErrUnreachable", err)
	}
}
