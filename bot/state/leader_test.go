package state

import (
	"bufio"
	"context"
	"fmt"
	neturl "net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state/statetest"
)

// fastElection is an election at test speed.
var fastElection = Election{Retry: 50 * time.Millisecond, Check: 50 * time.Millisecond, Settle: 100 * time.Millisecond}

// terminateLeader ends the session holding the leader's lock in the
// database at url, as a server restart or an operator would, and reports
// whether there was one. Advisory locks are per database: tests running
// in parallel each have their own leader.
func terminateLeader(tb testing.TB, url string) bool {
	tb.Helper()
	u, err := neturl.Parse(url)
	if err != nil {
		tb.Fatal(err)
	}
	key := uint64(lockLeader)
	var n int
	err = statetest.Admin(tb).QueryRow(context.Background(), `SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l
		JOIN pg_database d ON d.oid = l.database
		WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1 AND d.datname = $3`,
		uint32(key>>32), uint32(key), strings.TrimPrefix(u.Path, "/")).Scan(&n)
	if err != nil {
		tb.Fatalf("terminate the leader's session: %v", err)
	}
	return n > 0
}

func TestLeadOneAtATimeAndReElected(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	var (
		mu      sync.Mutex
		leading = map[int]bool{}
		terms   []int // who led, in order
		overlap bool
	)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 3 {
		p := openPostgres(t, url)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Lead(ctx, fastElection, func(ctx context.Context) error {
				mu.Lock()
				for _, on := range leading {
					overlap = overlap || on
				}
				leading[i] = true
				terms = append(terms, i)
				mu.Unlock()
				<-ctx.Done()
				mu.Lock()
				leading[i] = false
				mu.Unlock()
				return nil
			})
		}()
	}
	waitTerms := func(n int) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			mu.Lock()
			got := len(terms)
			mu.Unlock()
			if got >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d terms of leadership, want %d", got, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitTerms(1)
	for n := 2; n <= 4; n++ {
		if !terminateLeader(t, url) {
			t.Fatal("no session holds the leader's lock")
		}
		waitTerms(n)
	}
	cancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if overlap {
		t.Errorf("two replicas led at once; terms %v", terms)
	}
	if len(terms) < 4 {
		t.Errorf("terms of leadership = %v, want a new leader after each of 3 lost sessions", terms)
	}
}

// leaderChildEnv names the database a re-executed test binary leads on
// until it is stopped.
const leaderChildEnv = "DOSSIER_STATE_LEADER_CHILD"

// A leader that hangs (here: stopped with SIGSTOP, its process alive and
// its connection open) stops answering the server, which ends its idle
// session and frees the lock: another replica takes over.
func TestLeadSurvivesAHungLeader(t *testing.T) {
	if url := os.Getenv(leaderChildEnv); url != "" {
		p, err := OpenPostgres(context.Background(), url)
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(2)
		}
		p.Lead(context.Background(), fastElection, func(ctx context.Context) error {
			fmt.Println("leading")
			<-ctx.Done()
			return nil
		})
		os.Exit(0)
	}
	t.Parallel()
	url := statetest.Database(t)
	child := exec.Command(os.Args[0], "-test.run=^TestLeadSurvivesAHungLeader$")
	child.Env = append(os.Environ(), leaderChildEnv+"="+url)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		child.Process.Kill()
		child.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "leading\n" {
		t.Fatalf("the child said %q, %v; want that it leads", line, err)
	}
	led := make(chan struct{}, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 2 {
		p := openPostgres(t, url)
		go p.Lead(ctx, fastElection, func(ctx context.Context) error {
			led <- struct{}{}
			<-ctx.Done()
			return nil
		})
	}
	select {
	case <-led:
		t.Fatal("a replica led while the child held the lock")
	case <-time.After(time.Second):
	}
	if err := child.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-led:
	case <-time.After(30 * time.Second):
		t.Fatal("no replica led within 30 s of the leader hanging")
	}
}
