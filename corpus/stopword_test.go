package corpus

import "testing"

func TestIsStopWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w    string
		want bool
	}{
		{"the", true}, {"a", true}, {"whom", true}, {"said", true}, {"yours", true}, {"i", true},
		{"delegation", false}, {"tehran", false}, {"korea", false}, {"2023", false}, {"", false},
		// Callers lower-case first: the list is of lower-case words.
		{"The", false},
	}
	for _, tt := range tests {
		if got := IsStopWord(tt.w); got != tt.want {
			t.Errorf("IsStopWord(%q) = %v, want %v", tt.w, got, tt.want)
		}
	}
}
