package markdown

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"plain words", "plain words"},
		{"", ""},
		{"**bold** and _it_", `\*\*bold\*\* and \_it\_`},
		{"[click](https://evil.example)", `\[click\]\(https://evil.example\)`},
		{"hi <@123> and <#456> <@&7> <t:1:R>", `hi \<@123\> and \<#456\> \<@&7\> \<t:1:R\>`},
		{"@everyone look @here", "@\u200beveryone look @\u200bhere"},
		{"@EVERYONE and @Here", "@\u200bEVERYONE and @\u200bHere"},
		{"# Heading", `\# Heading`},
		{"> quote\n- item\n  + other\n-# small", "\\> quote\n\\- item\n  \\+ other\n\\-# small"},
		{"1. first\n12) second", "1\\. first\n12\\) second"},
		{"North Korea-Iran relations in 2023.", "North Korea-Iran relations in 2023."},
		{"a > b # c - d", `a \> b # c - d`},
		{"||spoiler|| `code` ~~strike~~", `\|\|spoiler\|\| \` + "`code\\`" + ` \~\~strike\~\~`},
		{`back\slash`, `back\\slash`},
		{"e-mail: ops@heretic.example", "e-mail: ops@\u200bheretic.example"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Unescape(Escape(tt.in)); got != tt.in {
				t.Errorf("Unescape(Escape(%q)) = %q, want the input back", tt.in, got)
			}
		})
	}
}

func TestEscapeFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in        string
		lineStart bool
		want      string
	}{
		{"# not a heading", false, "# not a heading"},
		{"# heading", true, `\# heading`},
		{"- not a list", false, "- not a list"},
		{"2. not a list", false, "2. not a list"},
		{"> not a quote", false, `\> not a quote`},
		{"end\n# new line", false, "end\n\\# new line"},
	}
	for _, tt := range tests {
		if got := EscapeFrom(tt.in, tt.lineStart); got != tt.want {
			t.Errorf("EscapeFrom(%q, %v) = %q, want %q", tt.in, tt.lineStart, got, tt.want)
		}
	}
}

// TestBidiControls checks that every bidirectional control is removed,
// by Escape and by Plain, and nothing else is.
func TestBidiControls(t *testing.T) {
	t.Parallel()
	controls := []rune{'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'}
	for _, r := range controls {
		in := "pay \u0041" + string(r) + "lice 100"
		if got, want := Escape(in), "pay Alice 100"; got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if got, want := Plain(in), "pay Alice 100"; got != want {
			t.Errorf("Plain(%q) = %q, want %q", in, got, want)
		}
		if !IsBidiControl(r) {
			t.Errorf("IsBidiControl(%U) = false, want true", r)
		}
	}
	for _, r := range []rune{'a', '\u200B', '\u200D', '\u2065', '\u202F', '\u05D0', '\u0627'} {
		if IsBidiControl(r) {
			t.Errorf("IsBidiControl(%U) = true, want false", r)
		}
	}
	// Right-to-left text itself is kept: only the controls go.
	if in := "שלום \u202Eabc"; Plain(in) != "שלום abc" {
		t.Errorf("Plain(%q) = %q, want the Hebrew kept", in, Plain(in))
	}
}

func TestOneLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"a\n# b", "a # b"},
		{"  a \t b\r\n\n c  ", "a b c"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := OneLine(tt.in); got != tt.want {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLen(t *testing.T) {
	t.Parallel()
	if got := Len("naïve “quotes” 北"); got != 16 {
		t.Errorf("Len = %d, want 16 characters", got)
	}
}

// TestSafeURL checks what SafeURL adds to safe.URL, whose tests cover
// the rest of the policy: the length Discord can show.
func TestSafeURL(t *testing.T) {
	t.Parallel()
	base := "https://example.com/"
	tests := []struct{ in, want string }{
		{base + "a(b)", base + "a%28b%29"},
		{"https://trusted.example@evil.example/", ""},
		{base + strings.Repeat("x", MaxURL), ""},
		{base + strings.Repeat("x", MaxURL-len(base)), base + strings.Repeat("x", MaxURL-len(base))},
	}
	for _, tt := range tests {
		if got := SafeURL(tt.in); got != tt.want {
			t.Errorf("SafeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkEscaped fails when escaped, Escape's output for s, leaves markup:
// an unescaped markup character, a mass mention or a bidirectional
// control.
func checkEscaped(tb testing.TB, s, escaped string) {
	tb.Helper()
	rs := []rune(escaped)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' {
			i++
			continue
		}
		if strings.ContainsRune("*_~`|[]()<>", rs[i]) {
			tb.Fatalf("Escape(%q) = %q leaves %q unescaped", s, escaped, rs[i])
		}
	}
	lower := strings.ToLower(escaped)
	if strings.Contains(lower, "@everyone") || strings.Contains(lower, "@here") {
		tb.Fatalf("Escape(%q) = %q leaves a mass mention", s, escaped)
	}
	if strings.ContainsFunc(escaped, IsBidiControl) {
		tb.Fatalf("Escape(%q) = %q leaves a bidirectional control", s, escaped)
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "a*b", "@everyone", `\`, "1. x", "<@1>", "@\u200bhere", "a\u202Eb", "> q\n# h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("Discord's JSON carries valid UTF-8 only")
		}
		if strings.Contains(s, "@"+zwsp) {
			t.Skip("Escape cannot tell a zero-width space it inserted from one already there")
		}
		e := Escape(s)
		checkEscaped(t, s, e)
		if got, want := Unescape(e), Plain(s); got != want {
			t.Fatalf("Unescape(Escape(%q)) = %q, want %q", s, got, want)
		}
		// A fragment placed mid-line is as safe.
		checkEscaped(t, s, EscapeFrom(s, false))
	})
}

func TestCount(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 topics"}, {1, "1 topic"}, {2, "2 topics"}, {120, "120 topics"}} {
		if got := Count(tt.n, "topic"); got != tt.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tt.n, "topic", got, tt.want)
		}
	}
}
