package bot

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
		{"**bold** and _it_", `\*\*bold\*\* and \_it\_`},
		{"[click](https://evil.example)", `\[click\]\(https://evil.example\)`},
		{"hi <@123> and <#456> <@&7> <t:1:R>", `hi \<@123> and \<#456> \<@&7> \<t:1:R>`},
		{"@everyone look @here", "@\u200beveryone look @\u200bhere"},
		{"@EVERYONE", "@\u200bEVERYONE"},
		{"# Heading", `\# Heading`},
		{"> quote\n- item\n  + other\n-# small", "\\> quote\n\\- item\n  \\+ other\n\\-# small"},
		{"1. first\n12) second", "1\\. first\n12\\) second"},
		{"North Korea-Iran relations in 2023.", "North Korea-Iran relations in 2023."},
		{"a > b # c - d", "a > b # c - d"},
		{"||spoiler|| `code` ~~strike~~", `\|\|spoiler\|\| \` + "`code\\`" + ` \~\~strike\~\~`},
		{`back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := escape(tt.in); got != tt.want {
				t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := unescape(escape(tt.in)); got != tt.in {
				t.Errorf("unescape(escape(%q)) = %q, want the input back", tt.in, got)
			}
		})
	}
}

func TestEscapeFragmentMidLine(t *testing.T) {
	t.Parallel()
	if got, want := escapeFrom("# not a heading", false), "# not a heading"; got != want {
		t.Errorf("escapeFrom(%q, false) = %q, want %q", "# not a heading", got, want)
	}
}

func FuzzEscapeRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a*b", "@everyone", `\`, "1. x", "<@1>", "@\u200bhere"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("Discord's JSON carries valid UTF-8 only")
		}
		if strings.Contains(s, "@"+zwsp) {
			t.Skip("escape cannot tell a zero-width space it inserted from one already there")
		}
		e := escape(s)
		if got := unescape(e); got != s {
			t.Fatalf("unescape(escape(%q)) = %q, want the input back", s, got)
		}
		// No unescaped markup character may survive.
		rs := []rune(e)
		for i := 0; i < len(rs); i++ {
			if rs[i] == '\\' {
				i++
				continue
			}
			if strings.ContainsRune("*_~`|[]()<", rs[i]) {
				t.Fatalf("escape(%q) = %q leaves %q unescaped", s, e, rs[i])
			}
		}
		if strings.Contains(strings.ToLower(e), "@everyone") || strings.Contains(strings.ToLower(e), "@here") {
			t.Fatalf("escape(%q) = %q leaves a mass mention", s, e)
		}
	})
}
