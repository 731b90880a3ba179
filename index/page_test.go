package index

import (
	"context"
	"strings"
	"testing"
)

// A PDF's page reaches the passage an answer cites.
func TestAskCitesPage(t *testing.T) {
	t.Parallel()
	ix := memIndex(t, loadMap(t, map[string]string{
		"report.md": "---\ntitle: Harbour Report\nurl: https://port.example/report.pdf#top\n---\n\n<!-- page 1 -->\n\n" +
			"The harbour authority counted more containers this year than ever before, and its cranes worked through every night of the autumn.\n\n" +
			"<!-- page 12 -->\n\n" +
			"Customs inspections of refrigerated lorries doubled after the new rules on frozen fish took effect in March, the inspectors said.\n",
	}))
	ans, err := ix.Ask(context.Background(), "inspections of refrigerated lorries", 3)
	if err != nil {
		t.Fatalf("Ask() = %v", err)
	}
	if len(ans.Results) == 0 {
		t.Fatalf("Ask() found nothing")
	}
	r := ans.Results[0]
	if !strings.Contains(r.Passage.Text, "refrigerated") || r.Passage.Page != 12 {
		t.Errorf("Ask() first passage = page %d %q, want page 12 on refrigerated lorries", r.Passage.Page, r.Passage.Text)
	}
	if want := "https://port.example/report.pdf#page=12"; r.Link != want {
		t.Errorf("Ask() link = %q, want %q", r.Link, want)
	}
}
