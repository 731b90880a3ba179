package markdown

import "testing"

func TestTrim(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"First sentence here. Second sentence goes on and on.", 30, "First sentence here. …"},
		{"one two three four five six", 15, "one two three…"},
		{"one two, three four", 10, "one two…"},
		{"unbreakablewordthatgoeson", 10, "unbreakab…"},
		{"anything", 0, ""},
		{"ab", 1, "…"},
		{"safe \u202Etext", 20, "safe text"},
		{"\u202E\u202E\u202Eabc", 3, "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := Trim(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Trim(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if Len(got) > tt.max {
				t.Errorf("Trim(%q, %d) has %d characters", tt.in, tt.max, Len(got))
			}
		})
	}
}
