package digest

import (
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
)

func TestLeadOfBuiltinCorpus(t *testing.T) {
	t.Parallel()
	for _, d := range builtin(t).Documents {
		lead := Lead(d)
		if lead == "" || markdown.Len(lead) > maxLead {
			t.Errorf("Lead(%s) = %q (%d characters), want one or two sentences within %d", d.ID, lead, markdown.Len(lead), maxLead)
			continue
		}
		text := markdown.OneLine(d.Text)
		for _, s := range strings.Split(lead, " … ") {
			if !strings.Contains(text, s) || !endsProse(s) {
				t.Errorf("Lead(%s) part %q is not a whole sentence of the document", d.ID, s)
			}
		}
	}
}

func TestLead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, title, text string
		want              string
	}{
		{
			name:  "the sentence about what the document is about, not the first",
			title: "Quince harvest at the orchard cooperative",
			text: "Sign up now to receive our free weekly newsletter in your inbox every Friday morning.\n\n" +
				"The orchard cooperative brought in its largest quince harvest in a decade this autumn, members said on Monday.\n\n" +
				"Quince prices at the regional market fell as the cooperative sold its harvest to local bakeries and jam makers.\n\n" +
				"The cooperative plans to plant another two hundred quince trees on the orchard's northern slope next spring.",
			want: "The orchard cooperative brought in its largest quince harvest in a decade this autumn, members said on Monday. " +
				"Quince prices at the regional market fell as the cooperative sold its harvest to local bakeries and jam makers.",
		},
		{
			name:  "headings, list items and a sentence lost in copying are passed over",
			title: "Ferry service",
			text: "Key Takeaways\n\n- Ferry cut\n- New times\n\n" +
				"The island ferry service will run twice a week from November as the operator has helped fuel and .\n\n" +
				"The ferry operator said the winter timetable for the island service reflects fewer passengers in the cold months.\n\n" +
				"Island residents asked the operator to keep a daily ferry service for school children.",
			want: "The ferry operator said the winter timetable for the island service reflects fewer passengers in the cold months. " +
				"Island residents asked the operator to keep a daily ferry service for school children.",
		},
		{
			name:  "a second sentence far less central is left out",
			title: "Lighthouse keeper retires",
			text:  "The lighthouse keeper of Skerry Island retires this week. He kept the light for forty years and logged every passing ship in a ledger.",
			want:  "The lighthouse keeper of Skerry Island retires this week.",
		},
		{
			name:  "two central sentences apart are joined with an ellipsis, in order",
			title: "Lighthouse keeper retires",
			text: "The Skerry Island lighthouse keeper retires after forty years. Gulls nested on the roof again in the spring of that year. " +
				"The keeper of the Skerry Island lighthouse retires on Friday with a party.",
			want: "The Skerry Island lighthouse keeper retires after forty years. … The keeper of the Skerry Island lighthouse retires on Friday with a party.",
		},
		{
			name:  "a long lead is cut at a word",
			title: "Harbour",
			text:  "The harbour" + strings.Repeat(" master of the harbour counted boats", 9) + ".",
			want:  "The harbour" + strings.Repeat(" master of the harbour counted boats", 8) + " master of the…",
		},
		{
			name: "no sentence of running text: the first line",
			text: "Minutes\n\nAgenda\n\nActions",
			want: "Minutes",
		},
		{name: "no text", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Lead(corpus.Document{Title: tt.title, Text: tt.text}); got != tt.want {
				t.Errorf("Lead = %q, want %q", got, tt.want)
			}
		})
	}
}
