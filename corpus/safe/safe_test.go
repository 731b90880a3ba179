package safe

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

func TestURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://www.38north.org/2023/11/x/", "https://www.38north.org/2023/11/x/"},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"https://example.com/a#:~:text=North%20Korea", "https://example.com/a#:~:text=North%20Korea"},
		{"http://example.com/a b>c", "http://example.com/a%20b%3Ec"},
		{"https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_%28bar%29"},
		{`https://example.com/a\b`, "https://example.com/a%5Cb"},
		{"javascript:alert(1)", ""},
		{"data:text/html,hi", ""},
		{"ftp://example.com/file", ""},
		{"https://user:pw@example.com/", ""},
		{"https://trusted.example@evil.example/", ""},
		{"/relative/path", ""},
		{"//example.com/no-scheme", ""},
		{"https:///no-host", ""},
		{"", ""},
		{"https://example.com/\n[x](y)", ""},
		{"https://example.com/\x7f", ""},
		{"https://example.com/\x1b[2J", ""},
		{"http://a(b/", ""},
		// Bidirectional controls and other invisible formatting are
		// percent-encoded, shown as such.
		{"https://exa\u202Emple.com/", "https://exa%E2%80%AEmple.com/"},
		{"https://example.com/#\u2066x", "https://example.com/#%E2%81%A6x"},
		{"https://example.com/a\u200Bb", "https://example.com/a%E2%80%8Bb"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"  plain  text\n\nover\tlines ", "plain text over lines"},
		{"evil\u202Egnp.exe", "evilgnp.exe"},
		{"\u2066isolated\u2069 \u200Emarked\u200F \u061Carabic", "isolated marked arabic"},
		{"bell\x07 and \x1b[31mred\x1b[0m", "bell and [31mred[0m"},
		{"line\u2028separator\u0085next", "line separator next"},
		// Joiners words need stay: Persian's non-joiner, an emoji's joiner.
		{"می\u200Cخواهم 👩\u200D💻", "می\u200Cخواهم 👩\u200D💻"},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"bell\x07 and \x1b[31mred\x1b[0m", "bell  and  [31mred [0m"},
		{"two\nlines\r\tand\u0085more", "two lines  and more"},
		{"file\u202Etxt.exe and \u2066isolate\u2069", "file txt.exe and  isolate "},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got, in := len([]rune(Printable(tt.in))), len([]rune(tt.in)); got != in {
			t.Errorf("Printable(%q) has %d runes, want %d", tt.in, got, in)
		}
	}
}

func TestStripBidi(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= 0x2100; r++ {
		in := "a" + string(r) + "b"
		got := StripBidi(in)
		if bidi := unicode.Is(unicode.Bidi_Control, r); bidi != (got == "ab") {
			t.Errorf("StripBidi(%q) = %q; U+%04X is a bidirectional control: %v", in, got, r, bidi)
		}
	}
}

func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://example.com/", "http://a b", "https://u@h/", "javascript:x", "https://h/(x)<y>\\z", "https://h/\u202E"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := URL(s)
		if got == "" {
			return
		}
		if strings.ContainsAny(got, " ()<>\\") || strings.ContainsFunc(got, func(r rune) bool {
			return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
		}) {
			t.Fatalf("URL(%q) = %q, which could end a link or hide what it is", s, got)
		}
		p, err := url.Parse(got)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
			t.Fatalf("URL(%q) = %q, not an absolute http(s) URL without user information (%v)", s, got, err)
		}
	})
}
