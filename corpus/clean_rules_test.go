package corpus

import (
	"strings"
	"testing"
)

// TestClean checks each furniture rule on its own, including text that
// looks like furniture but is not.
func TestClean(t *testing.T) {
	t.Parallel()
	const body = "The talks lasted three days and ended without a joint statement from either side."
	long := strings.Repeat("The envoy repeated the position of his government at length. ", 6)
	tests := []struct {
		name, raw, title, author string
		wantTitle, wantText      string
	}{
		{name: "title from first line", raw: "A Title\n\n" + body, wantTitle: "A Title", wantText: body},
		{name: "title copies", raw: "Iran’s “Axis” Talks\n\nIRAN'S \"AXIS\" TALKS.\n\n" + body, title: "Iran’s “Axis” Talks", wantTitle: "Iran’s “Axis” Talks", wantText: body},
		{name: "date banner", raw: "March 02, 2024\n\n" + body, title: "T", wantTitle: "T", wantText: body},
		{name: "date banner with weekday and time", raw: "Sat, 2 Mar 2024 09:30 am GMT\n" + body, title: "T", wantTitle: "T", wantText: body},
		{name: "date banner with label", raw: "Published: 2024-03-02\n" + body, title: "T", wantTitle: "T", wantText: body},
		{name: "date skipped before first-line title", raw: "12/05/2023\nReal Title\n" + body, wantTitle: "Real Title", wantText: body},
		{name: "date line deep in text kept", raw: "a.\n\nb.\n\nc.\n\nd.\n\ne.\n\nMarch 2016", title: "T", wantTitle: "T", wantText: "a.\n\nb.\n\nc.\n\nd.\n\ne.\n\nMarch 2016"},
		{name: "css class names", raw: "post_thumbnail\nauthor-image\n" + body, title: "T", wantTitle: "T", wantText: body},
		{name: "badges and counters", raw: "New Update\nBREAKING NEWS\n1.2K views\n5 min read\n" + body + "\n\nAdvertisement\n\n" + body, title: "T", wantTitle: "T", wantText: body + "\n\n" + body},
		{name: "stray word after paragraph", raw: `He said "no." view` + "\n\nIt ended. Read more", title: "T", wantTitle: "T", wantText: `He said "no."` + "\n\nIt ended."},
		{name: "ui word inside prose kept", raw: "They enjoyed the view\n\nWe share the view.", title: "T", wantTitle: "T", wantText: "They enjoyed the view\n\nWe share the view."},
		{name: "byline", raw: "By Jane Doe\n" + body, title: "T", author: "Jane Doe", wantTitle: "T", wantText: body},
		{name: "one of several authors", raw: "John Roe\n" + body, title: "T", author: "Jane Doe, John Roe", wantTitle: "T", wantText: body},
		{name: "other name kept", raw: "John Roe\n\n" + body, title: "T", author: "Jane Doe", wantTitle: "T", wantText: "John Roe\n\n" + body},
		{name: "newsletter footer", raw: body + "\n\n" + long + "\n\nSign up for our weekly briefing\nEmail address\n- Daily digest\n- Breaking alerts\nNo spam, ever.", title: "T", wantTitle: "T", wantText: body + "\n\n" + strings.TrimSpace(long)},
		{name: "paywall footer", raw: long + "\n\nWant more? Try it free for 30 days.\nCancel anytime.", title: "T", wantTitle: "T", wantText: strings.TrimSpace(long)},
		{name: "mid-article promo box", raw: body + "\n\nSubscribe to our newsletter\n\n" + body, title: "T", wantTitle: "T", wantText: body + "\n\n" + body},
		{name: "promo words in prose kept", raw: long + "\n\nStay informed, the minister told reporters, because the talks would move fast.", title: "T", wantTitle: "T",
			wantText: strings.TrimSpace(long) + "\n\nStay informed, the minister told reporters, because the talks would move fast."},
		{name: "promo followed by article text kept", raw: "Subscribe, the ads said, and people did so in large numbers that year.\n\n" + long, title: "T", wantTitle: "T",
			wantText: "Subscribe, the ads said, and people did so in large numbers that year.\n\n" + strings.TrimSpace(long)},
		{name: "bullets", raw: "Key Points\n▪ First point.\n•Second point.\n* Third point.\n  continued here.", title: "T", wantTitle: "T",
			wantText: "Key Points\n\n- First point.\n- Second point.\n- Third point. continued here."},
		{name: "whitespace", raw: "A\u00a0 b\t\tc\u200b d.\r\n\r\n\r\n\r\nNext   one.", title: "T", wantTitle: "T", wantText: "A b c d.\n\nNext one."},
		{name: "hard wrap joined", raw: "The ministers met\nin Geneva. They agreed\nto meet again.\nOfficials welcomed it.", title: "T", wantTitle: "T",
			wantText: "The ministers met in Geneva. They agreed to meet again. Officials welcomed it."},
		{name: "heading in block", raw: "Why It Matters\nThe deal changes trade.", title: "T", wantTitle: "T", wantText: "Why It Matters\n\nThe deal changes trade."},
		{name: "markdown headings and rules", raw: "# Big Title\n\n## Part One\n\n" + body + "\n\n***\n\n" + body, wantTitle: "Big Title", wantText: "Part One\n\n" + body + "\n\n" + body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := strings.ReplaceAll(tt.raw, "\r\n", "\n")
			title, text, _ := clean(raw, tt.title, tt.author)
			if title != tt.wantTitle || text != tt.wantText {
				t.Errorf("clean(%q, %q, %q) = %q, %q; want %q, %q", tt.raw, tt.title, tt.author, title, text, tt.wantTitle, tt.wantText)
			}
		})
	}
}
