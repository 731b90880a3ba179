package corpus

import "testing"

func TestHeadingLevel(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		line string
		want int
	}{
		{"# Title", 1},
		{"## Findings", 2},
		{"###### Deepest", 6},
		{"# ", 1},
		{"####### Seven", 0},
		{"#hashtag", 0},
		{"Plain text", 0},
		{"", 0},
		{"#", 0},
		{" # indented", 0},
	} {
		if got := HeadingLevel(tt.line); got != tt.want {
			t.Errorf("HeadingLevel(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
}
