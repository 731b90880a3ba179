package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Question is one line of a question file.
type Question struct {
	ID         string   `json:"id"`
	Q          string   `json:"q"`
	Expect     []string `json:"expect"`
	ExpectNone bool     `json:"expect_none"`
}

// ReadQuestions reads a question file, naming the line of any mistake.
func ReadQuestions(name string) ([]Question, error) {
	var qs []Question
	ids := map[string]int{} // line of each id
	err := eachLine(name, func(n int, line []byte) error {
		q, err := parseQuestion(line)
		if err != nil {
			return err
		}
		if ids[q.ID] > 0 {
			return fmt.Errorf("id %q was already used on line %d", q.ID, ids[q.ID])
		}
		ids[q.ID] = n
		qs = append(qs, q)
		return nil
	})
	if err == nil && len(qs) == 0 {
		err = fmt.Errorf("%s has no questions", name)
	}
	return qs, err
}

// eachLine calls fn with every non-blank line of the file and its number;
// an error names the file and the line.
func eachLine(name string, fn func(n int, line []byte) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err // names the operation and the file already
	}
	defer f.Close()
	br := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read %s: %w", name, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if ferr := fn(n, line); ferr != nil {
				return fmt.Errorf("%s:%d: %w", name, n, ferr)
			}
		}
		if err != nil {
			return nil
		}
	}
}

func parseQuestion(raw []byte) (Question, error) {
	var q Question
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return q, fmt.Errorf("not a question object: %w", err)
	}
	if dec.More() {
		return q, errors.New("more than one JSON value on the line")
	}
	switch {
	case q.ID == "":
		return q, errors.New(`no "id"`)
	case strings.TrimSpace(q.Q) == "":
		return q, errors.New(`no question in "q"`)
	case q.ExpectNone && len(q.Expect) > 0:
		return q, errors.New(`"expect" and "expect_none" contradict each other`)
	case !q.ExpectNone && len(q.Expect) == 0:
		return q, errors.New(`needs "expect" strings or "expect_none": true`)
	case slices.ContainsFunc(q.Expect, func(s string) bool { return normalize(s) == "" }):
		return q, errors.New(`an "expect" string is empty`)
	}
	return q, nil
}

// foldQuotes reads typographic quotes and apostrophes as straight ones.
var foldQuotes = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201A", "'", "\u201B", "'", "\u2032", "'",
	"\u201C", `"`, "\u201D", `"`, "\u201E", `"`, "\u201F", `"`, "\u2033", `"`,
)

// normalize is text as eval compares it: lower case, straight quotes,
// single spaces.
func normalize(s string) string {
	return strings.Join(strings.Fields(foldQuotes.Replace(strings.ToLower(s))), " ")
}

// containsAny reports whether text contains one of the normalized wants.
func containsAny(text string, wants []string) bool {
	text = normalize(text)
	return slices.ContainsFunc(wants, func(w string) bool { return strings.Contains(text, w) })
}
