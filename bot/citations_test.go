package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus/cite"
)

func TestCitedFooter(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Publisher ", 60)
	for _, tt := range []struct {
		name, id string
		source   []string
		want     string
	}{
		{"all", "c7k2mq9d", []string{"BNN Breaking", "2024-04", "p. 3"}, "BNN Breaking · 2024-04 · p. 3 · cite c7k2mq9d"},
		{"id alone", "c7k2mq9d", []string{"", " "}, "cite c7k2mq9d"},
		{"no id", "", []string{"NK News", "2014-08"}, "NK News · 2014-08"},
		{"nothing", "", nil, ""},
	} {
		got := citedFooter(tt.id, tt.source...)
		if text := ""; got != nil {
			text = got.Text
			if text != tt.want {
				t.Errorf("%s: citedFooter(%q, %q) = %q, want %q", tt.name, tt.id, tt.source, text, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("%s: citedFooter(%q, %q) = nil, want %q", tt.name, tt.id, tt.source, tt.want)
		}
	}
	// A long publisher is cut; the id never is, and reads back.
	f := citedFooter("c7k2mq9d", long, "2024-04-24")
	if markdown.Len(f.Text) > maxFooterLen || !strings.HasSuffix(f.Text, " · cite c7k2mq9d") {
		t.Errorf("citedFooter(long) = %q (%d runes), want at most %d ending with the id", f.Text, markdown.Len(f.Text), maxFooterLen)
	}
	embeds := []*discordgo.MessageEmbed{{Footer: f}, {Footer: citedFooter("", "x")}, {}, {Footer: citedFooter("0123abcd", "y")}}
	if got := footerIDs(embeds); strings.Join(got, ",") != "c7k2mq9d,0123abcd" {
		t.Errorf("footerIDs() = %q, want the two ids", got)
	}
}

func TestSplitRefs(t *testing.T) {
	t.Parallel()
	var refs []cite.Reference
	for j := range 40 {
		refs = append(refs, cite.Reference{Citation: cite.Citation{
			ID: cite.ID("d", strings.Repeat("x", j)), DocID: "d", Title: "Title", Excerpt: strings.Repeat("word ", 50),
		}})
	}
	one, _ := cite.CSLJSON(refs[:1])
	limit := 5*len(one) + 10
	parts := splitRefs(refs, limit)
	if len(parts) < 2 {
		t.Fatalf("splitRefs(40, %d) = %d parts, want several", limit, len(parts))
	}
	n := 0
	for _, p := range parts {
		data, _ := cite.CSLJSON(p)
		if len(data) > limit || len(cite.MarkdownList("", p)) > limit {
			t.Errorf("a part of %d refs is %d bytes of CSL-JSON, over %d", len(p), len(data), limit)
		}
		for _, r := range p {
			if r.ID != refs[n].ID {
				t.Fatalf("part order: ref %d is %s, want %s", n, r.ID, refs[n].ID)
			}
			n++
		}
	}
	if n != len(refs) {
		t.Errorf("parts hold %d refs, want all %d", n, len(refs))
	}
	if got := splitRefs(refs, 1<<30); len(got) != 1 {
		t.Errorf("splitRefs with room for all = %d parts, want 1", len(got))
	}
}

func TestPublicReply(t *testing.T) {
	t.Parallel()
	private := &discordgo.Message{ID: "1", Flags: discordgo.MessageFlagsEphemeral}
	public := &discordgo.Message{ID: "2"}
	for _, tt := range []struct {
		name string
		i    *discordgo.Interaction
		mode answerMode
		want bool
	}{
		{"/ask", &discordgo.Interaction{}, answerMode{}, true},
		{"/ask private", &discordgo.Interaction{}, answerMode{ephemeral: true}, false},
		{"More results on a public answer", &discordgo.Interaction{Message: public}, answerMode{update: true}, true},
		{"More results on a private answer", &discordgo.Interaction{Message: private}, answerMode{update: true}, false},
	} {
		if got := publicReply(tt.i, tt.mode); got != tt.want {
			t.Errorf("publicReply(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
