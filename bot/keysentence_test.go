package bot

import (
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/bot/markdown"
)

func TestQuestionFromMessage(t *testing.T) {
	t.Parallel()
	filler := strings.Repeat("i was thinking about this and it is not so easy to say what we should do here. ", 3)
	tests := []struct {
		name, msg string
		want      string // the question, or for long messages a part it must contain
		contains  bool
	}{
		{"short message kept", "Who led the delegation to Tehran?", "Who led the delegation to Tehran?", false},
		{"chat noise dropped", "<@123> @everyone **who** led the delegation? https://x.example/a <:pog:99>",
			"who led the delegation?", false},
		{"quote and list marks dropped", "> did Iran deny the visit?\n- yes", "did Iran deny the visit? yes", false},
		{"line breaks end sentences", strings.Repeat("so many thoughts on this\n", 12) + "Did Bagheri meet Kim Jong Un in 2024\n" + strings.Repeat("so many thoughts on this\n", 12),
			"Did Bagheri meet Kim Jong Un in 2024", true},
		{"long message: the informative sentence",
			filler + "Yun Jong Ho led a delegation of 21 officials to Tehran in April 2024. " + filler,
			"Yun Jong Ho led a delegation of 21 officials to Tehran in April 2024.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := questionFromMessage(tt.msg)
			if markdown.Len(got) > maxQuestion {
				t.Errorf("questionFromMessage(%q) has %d runes, limit %d", tt.msg, markdown.Len(got), maxQuestion)
			}
			if tt.contains && !strings.Contains(got, tt.want) || !tt.contains && got != tt.want {
				t.Errorf("questionFromMessage(%q) = %q, want %q", tt.msg, got, tt.want)
			}
		})
	}
}

func TestQuestionFromOneLongSentence(t *testing.T) {
	t.Parallel()
	msg := "so the thing is that " + strings.Repeat("the North Korean delegation and Iranian officials ", 20)
	got := questionFromMessage(msg)
	if got == "" || markdown.Len(got) > maxQuestion || strings.HasPrefix(got, "so the") {
		t.Errorf("questionFromMessage(one long sentence) = %q, want its content words within %d runes", got, maxQuestion)
	}
}
