package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
)

// violations lists every Discord limit a message breaks, checked
// independently of clamp so the two cannot share a mistake.
func violations(content string, embeds []*discordgo.MessageEmbed, components []discordgo.MessageComponent) []string {
	var v []string
	check := func(what string, n, max int) {
		if n > max {
			v = append(v, fmt.Sprintf("%s has %d, limit %d", what, n, max))
		}
	}
	check("content", markdown.Len(content), 2000)
	check("embeds", len(embeds), 10)
	total := 0
	for i, e := range embeds {
		check(fmt.Sprintf("embed %d title", i), markdown.Len(e.Title), 256)
		check(fmt.Sprintf("embed %d description", i), markdown.Len(e.Description), 4096)
		check(fmt.Sprintf("embed %d fields", i), len(e.Fields), 25)
		total += markdown.Len(e.Title) + markdown.Len(e.Description)
		for j, f := range e.Fields {
			check(fmt.Sprintf("embed %d field %d name", i, j), markdown.Len(f.Name), 256)
			check(fmt.Sprintf("embed %d field %d value", i, j), markdown.Len(f.Value), 1024)
			if strings.TrimSpace(f.Value) == "" || strings.TrimSpace(f.Name) == "" {
				v = append(v, fmt.Sprintf("embed %d field %d is empty", i, j))
			}
			total += markdown.Len(f.Name) + markdown.Len(f.Value)
		}
		if e.Footer != nil {
			check(fmt.Sprintf("embed %d footer", i), markdown.Len(e.Footer.Text), 2048)
			total += markdown.Len(e.Footer.Text)
		}
		if e.URL != "" && !strings.HasPrefix(e.URL, "https://") && !strings.HasPrefix(e.URL, "http://") {
			v = append(v, fmt.Sprintf("embed %d url %q is not http(s)", i, e.URL))
		}
	}
	check("embeds in total", total, 6000)
	check("action rows", len(components), 5)
	for _, c := range components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			v = append(v, fmt.Sprintf("component %T is not an action row", c))
			continue
		}
		check("buttons in a row", len(row.Components), 5)
		for _, b := range row.Components {
			btn, ok := b.(discordgo.Button)
			if !ok {
				v = append(v, fmt.Sprintf("row holds %T, not a button", b))
				continue
			}
			check("button label", markdown.Len(btn.Label), 80)
			check("custom_id "+btn.CustomID, markdown.Len(btn.CustomID), 100)
		}
	}
	return v
}

func TestClampMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"fits", 10, "fits"},
		{"> some **bold text that goes** on", 20, "> some **bold**…"},
		{`ends in an escape \* here`, 21, `ends in an escape…`},
		{`abcdefghijklmn\*opqrstuvwxyz`, 18, `abcdefghijklmn…`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := clampMarkdown(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("clampMarkdown(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if markdown.Len(got) > tt.max {
				t.Errorf("clampMarkdown(%q, %d) has %d runes", tt.in, tt.max, markdown.Len(got))
			}
		})
	}
}

func TestClampTrimsEveryLimit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word **bold** \\* ", 2000)
	var embeds []*discordgo.MessageEmbed
	for range 12 {
		var fields []*discordgo.MessageEmbedField
		for range 30 {
			fields = append(fields, &discordgo.MessageEmbedField{Name: long, Value: long})
		}
		embeds = append(embeds, &discordgo.MessageEmbed{
			Title:       long,
			Description: long,
			Fields:      fields,
			Footer:      &discordgo.MessageEmbedFooter{Text: long},
		})
	}
	r := clamp(reply{content: long, embeds: embeds})
	if v := violations(r.content, r.embeds, r.components); len(v) > 0 {
		t.Errorf("clamp(huge reply) breaks limits: %v", v)
	}
	if len(r.embeds) == 0 || r.content == "" {
		t.Errorf("clamp(huge reply) = %d embeds, content %q; want trimmed, not dropped", len(r.embeds), r.content)
	}
	if embeds[0].Title != long {
		t.Errorf("clamp changed the embeds it was given")
	}
}
