package state

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// crashEnv names the state file a re-executed test binary writes to until
// it is killed.
const crashEnv = "DOSSIER_STATE_CRASH_CHILD"

// writeUntilKilled is the child process: it makes every kind of write in
// turn and prints the number of each round once the round is committed.
func writeUntilKilled(path string) {
	s, err := Open(path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	big := strings.Repeat("a passage long enough to need several pages ", 40)
	for i := 0; ; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		date := fmt.Sprint("day-", i)
		var corp []string
		for j := range i + 1 {
			corp = append(corp, fmt.Sprint("doc", j), fmt.Sprint("hash", j, "-", i/3))
		}
		steps := []error{
			s.LogQuestion(Question{GuildID: "g", Text: fmt.Sprint("q", i), Time: at, Citations: []Citation{{DocID: "d", Excerpt: big}}}),
			first(s.BeginDigest(Digest{ChannelID: "c", Date: date, Status: Posting, Parts: []Part{{Content: big}, {Content: big}}})),
			s.PartPosted("c", date, 0, fmt.Sprint("m", i)),
			s.PartPosted("c", date, 1, fmt.Sprint("n", i)),
			s.FinishDigest("c", date, at),
			second(s.RecordDocuments(all(docs(corp...)), at, func(d corpus.Document) string { return big })),
		}
		for _, err := range steps {
			if err != nil {
				fmt.Println("write:", err)
				os.Exit(2)
			}
		}
		fmt.Println(i)
	}
}

func first[A, B any](_ A, _ B, err error) error { return err }
func second[A any](_ A, err error) error        { return err }

func TestCrashMidWriteLeavesConsistentState(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		writeUntilKilled(path)
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	t.Parallel()
	for _, rounds := range []int{1, 7, 30} {
		t.Run(fmt.Sprint(rounds, " rounds"), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), FileName)
			last := killAfter(t, path, rounds)
			s := open(t, path)

			qs, err := s.Questions("", t0.Add(-time.Hour), t0.Add(24*time.Hour))
			if err != nil {
				t.Fatalf("Questions after the crash: %v", err)
			}
			if len(qs) < last+1 {
				t.Errorf("after the crash %d questions are logged, want at least the %d committed", len(qs), last+1)
			}
			for i, q := range qs {
				if q.Text != fmt.Sprint("q", i) {
					t.Errorf("question %d is %q, want q%d", i, q.Text, i)
				}
			}
			for i := 0; ; i++ {
				d, found, err := s.Digest("c", fmt.Sprint("day-", i))
				if err != nil {
					t.Fatalf("Digest day-%d after the crash: %v", i, err)
				}
				if !found {
					if i <= last {
						t.Errorf("digest day-%d was committed but is gone", i)
					}
					break
				}
				if d.Status == Posted && (d.Parts[0].MessageID == "" || d.Parts[1].MessageID == "") || len(d.Parts) != 2 {
					t.Errorf("digest day-%d is inconsistent: %+v", i, d)
				}
			}
			ds, err := s.Documents()
			if err != nil || len(ds) < last+1 {
				t.Errorf("after the crash Documents = %d, %v; want at least %d", len(ds), err, last+1)
			}
			// The store still takes writes.
			if err := s.LogQuestion(Question{Text: "after", Time: t0}); err != nil {
				t.Errorf("LogQuestion after the crash: %v", err)
			}
		})
	}
}

// killAfter runs the child writer on path, kills it with SIGKILL once it
// has committed the given number of rounds (and then some, while it is
// writing), and returns the last round it reported committed.
func killAfter(tb testing.TB, path string, rounds int) int {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidWriteLeavesConsistentState$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	last := -1
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		n, err := strconv.Atoi(lines.Text())
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			tb.Fatalf("child: %s", lines.Text())
		}
		last = n
		if n+1 >= rounds {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		tb.Fatal(err)
	}
	cmd.Wait()
	if last+1 < rounds {
		tb.Fatalf("child stopped after %d rounds, before being killed", last+1)
	}
	return last
}
