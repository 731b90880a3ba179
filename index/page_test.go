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

// A passage running over a page break keeps the page it ends on.
func TestAskCitesPages(t *testing.T) {
	t.Parallel()
	ix := memIndex(t, loadMap(t, map[string]string{
		"report.md": "---\ntitle: Harbour Report\n---\n\n<!-- page 12 -->\n\n" +
			"The dredging of the approach channel continued under the licence granted last year, and the sediment\n" +
			"<!-- page 13 -->\n" +
			"sampling found no contamination above the thresholds set by the regulator.\n",
	}))
	ans, err := ix.Ask(context.Background(), "sediment sampling contamination thresholds", 3)
	if err != nil || len(ans.Results) == 0 {
		t.Fatalf("Ask() = %v, %v", ans, err)
	}
	if p := ans.Results[0].Passage; p.Page != 12 || p.LastPage != 13 || p.PageLabel() != "pp. 12–13" {
		t.Errorf("Ask() first passage on pages %d to %d (%q), want 12 to 13", p.Page, p.LastPage, p.PageLabel())
	}
}
