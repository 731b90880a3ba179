package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/dossier-bot/dossier/index"
)

const (
	defaultK = 3
	maxK     = 20
	// maxQuestionBytes bounds a question: far above any real one (Discord
	// caps a message at 4000 characters), low enough that a pasted file
	// does not become a query of thousands of terms.
	maxQuestionBytes = 10_000
)

const askAbout = `Answers QUESTION with the passages of the corpus that best answer it, best
first: each with its source, section heading, a quoted excerpt with the
matched words marked, and a link that scrolls to the excerpt. When no
passage answers it directly, says so and quotes the closest passages
instead, or names the closest documents when nothing comes near. Without a
QUESTION, answers each line of stdin in turn, skipping blank lines.

Matched words are shown in bold on a terminal and between **stars**
otherwise. With --data, answers from the index "dossier index" built there,
as it is; otherwise the corpus is indexed in memory first.`

func runAsk(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("ask", "dossier ask [--json] [-k N] [--corpus DIR] [--data DIR] [QUESTION...]", askAbout)
	src := sourceFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object a line per question")
	k := fs.Int("k", defaultK, fmt.Sprintf("answer with at most `N` passages, 1 to %d", maxK))
	words, cfg, helped, err := fs.start(args, loadEnv, sio.out)
	if err != nil || helped {
		return err
	}
	if *k < 1 || *k > maxK {
		return &usageError{msg: fmt.Sprintf("-k %d is out of range: use 1 to %d", *k, maxK), help: fs.usage()}
	}
	src.resolve(fs, cfg)
	// A bad single question is refused before any indexing work.
	question := strings.TrimSpace(strings.Join(words, " "))
	if len(words) > 0 {
		if err := checkQuestion(question); err != nil {
			return err
		}
	}

	ix, err := answerIndex(ctx, src, sio.errOut, newLogger(sio.errOut, cfg))
	if err != nil {
		return err
	}
	defer ix.Close()
	p := newPrinter(sio.out, *asJSON)
	if src.data != "" {
		keep, release := askKeeper(src, sio.errOut, newLogger(sio.errOut, cfg))
		defer release()
		p.keep = keep
	}
	if len(words) > 0 {
		return askOne(ctx, ix, question, *k, p)
	}
	p.headers = true
	if isTerminal(sio.in) {
		fmt.Fprintln(sio.errOut, "Type a question and press Enter; Ctrl-D ends.")
	}
	return askLines(ctx, ix, sio.in, *k, p, sio.errOut)
}

// newLogger logs to w at cfg's level: as text for a person at a terminal,
// and otherwise as JSON lines, for log collectors (journald, docker logs,
// kubectl logs).
func newLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// checkQuestion refuses questions that cannot be asked.
func checkQuestion(q string) error {
	if q == "" {
		return &usageError{msg: `the question is empty; ask something, for example: dossier ask "Who led the North Korean delegation to Tehran?"`}
	}
	if len(q) > maxQuestionBytes {
		return fmt.Errorf("the question is %d bytes long; the limit is %d", len(q), maxQuestionBytes)
	}
	return nil
}

func askOne(ctx context.Context, ix *index.Index, q string, k int, p *printer) error {
	a, err := ix.Ask(ctx, q, k)
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	return p.answer(a)
}

// line is one line of input: its number and its text, unless it was too
// long to keep.
type line struct {
	n       int
	text    string
	size    int // bytes read, line end included
	tooLong bool
}

// askLines answers each line of r. A line that cannot be answered is
// reported on stderr and the rest are still answered; the error at the end
// says how many failed.
func askLines(ctx context.Context, ix *index.Index, r io.Reader, k int, p *printer, stderr io.Writer) error {
	lines := make(chan line)
	done := make(chan struct{})
	defer close(done)
	readErr := make(chan error, 1)
	// Reading runs apart so that an interrupt is not stuck behind a read
	// from a terminal that is waiting for the next line.
	go func() { readErr <- readLines(r, lines, done) }()

	failed := 0
	for {
		var l line
		var ok bool
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l, ok = <-lines:
		}
		if !ok {
			break
		}
		q := strings.TrimSpace(l.text)
		switch {
		case l.tooLong || len(q) > maxQuestionBytes:
			fmt.Fprintf(stderr, "dossier: line %d: skipped: the question is longer than %d bytes\n", l.n, maxQuestionBytes)
		case q == "":
		default:
			if err := askOne(ctx, ix, q, k, p); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				fmt.Fprintf(stderr, "dossier: line %d: %v\n", l.n, err)
				failed++
			}
		}
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	if failed > 0 {
		return fmt.Errorf("%d of the questions could not be answered (see above)", failed)
	}
	return nil
}

// readLines sends the lines of r until its end or until done is closed.
// bufio.Scanner would stop at the first line over 64 KiB; a long line is
// read through here in pieces and only its size is kept.
func readLines(r io.Reader, out chan<- line, done <-chan struct{}) error {
	defer close(out)
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		l, err := readLine(br)
		l.n = n
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if l.size > 0 {
			select {
			case out <- l:
			case <-done:
				return nil
			}
		}
		if err != nil {
			return nil
		}
	}
}

// readLine reads one line, keeping at most maxQuestionBytes of it.
func readLine(br *bufio.Reader) (line, error) {
	var l line
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		l.size += len(chunk)
		if !l.tooLong {
			buf = append(buf, chunk...)
			// Room for the line end, which is trimmed below.
			l.tooLong = len(buf) > maxQuestionBytes+len("\r\n")
			if l.tooLong {
				buf = nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		l.text = strings.TrimRight(string(buf), "\r\n")
		return l, err
	}
}
