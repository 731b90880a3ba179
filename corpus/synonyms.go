package corpus

import (
	"fmt"
	"strings"
)

// synonymsFile is the file at the corpus root that lists synonym groups;
// it is not a document.
const synonymsFile = "synonyms.txt"

// parseSynonyms reads one group per line, members separated by '=' or ',',
// with '#' comments and blank lines. A bad line is reported and skipped.
func parseSynonyms(text string) ([][]string, []error) {
	var groups [][]string
	var errs []error
	for n, line := range strings.Split(text, "\n") {
		if i := commentStart(line); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		var group []string
		seen := map[string]bool{}
		for _, m := range strings.FieldsFunc(line, func(r rune) bool { return r == '=' || r == ',' }) {
			m = strings.Join(strings.Fields(m), " ")
			if m == "" || seen[strings.ToLower(m)] {
				continue
			}
			seen[strings.ToLower(m)] = true
			group = append(group, m)
		}
		if len(group) < 2 {
			errs = append(errs, fmt.Errorf("line %d: synonym group %q needs at least two members separated by '=' or ','", n+1, strings.TrimSpace(line)))
			continue
		}
		groups = append(groups, group)
	}
	return groups, errs
}

// commentStart returns where a '#' comment starts in line, or -1; a '#'
// inside a word ("C#") is not a comment.
func commentStart(line string) int {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}
