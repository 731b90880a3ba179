package bot

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// relatedAnswer is a reply to a question no passage answers directly,
// with five passages that come close, as Ask gives it.
func relatedAnswer() index.Answer {
	q := "Which ministry paid for the delegation's flights to Tehran?"
	return index.Answer{Question: q, Confidence: 0.4, Related: []index.Result{
		result(bloomberg, "The delegation is led by Yun Jung Ho, minister of external economic relations, KCNA said.", "delegation", "minister"),
		result(bnn, "Reports said a North Korean delegation led by Yun Jong Ho had arrived in Tehran.", "delegation", "Tehran"),
		result(thirtyEight, "Pyongyang and Tehran have cooperated on missiles since the 1980s.", "Tehran"),
		result(thirtyEight, "Air Koryo flights to Tehran stopped after 2016.", "flights", "Tehran"),
		result(bnn, "Iran denied that any North Korean delegation visited.", "delegation"),
	}, Closest: []corpus.Document{bloomberg, bnn, thirtyEight}}
}

func TestRenderKinds(t *testing.T) {
	t.Parallel()
	src := &messageRef{channelID: "1", messageID: "2"}
	nothing := index.Answer{Question: "q", Closest: []corpus.Document{bnn}}
	tests := []struct {
		name      string
		answer    index.Answer
		offset    int
		header    string // the line after the question
		colors    []int
		post      string // the Post to channel custom_id, "" for none
		moreAfter int    // the More results offset, 0 for none
	}{
		{"answered", delegationAnswer(), 0, "", []int{colorResult, colorResult, colorResult}, "post:1:2", 3},
		{"answered page 2", delegationAnswer(), 3, "Results 4–5", []int{colorResult, colorResult}, "post:1:2", 0},
		{"related", relatedAnswer(), 0, "No passage answers this question directly. These are the closest passages:",
			[]int{colorRelated, colorRelated, colorRelated}, "post:1:2:related", 3},
		{"related page 2", relatedAnswer(), 3, "No passage answers this question directly. Closest passages 4–5:",
			[]int{colorRelated, colorRelated}, "post:1:2:related", 0},
		{"related past the end", relatedAnswer(), 6, "No passage answers this question directly. No further passages.", nil, "", 0},
		{"nothing close", nothing, 0, "The documents don't answer that.", []int{colorClosest}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := page{question: "q", offset: tt.offset, k: 3, source: src, answer: tt.answer}.render()
			lines := strings.Split(r.content, "\n")
			if header := strings.Join(lines[1:], "\n"); header != tt.header {
				t.Errorf("render() header = %q, want %q", header, tt.header)
			}
			var colors []int
			for _, e := range r.embeds {
				colors = append(colors, e.Color)
			}
			if diff := cmp.Diff(tt.colors, colors); diff != "" {
				t.Errorf("render() embed colours (-want +got):\n%s", diff)
			}
			var post string
			var moreAt int
			for _, id := range buttonIDs(r) {
				if m, err := parseMore(id); err == nil {
					moreAt = m.offset
				} else {
					post = id
				}
			}
			if post != tt.post || moreAt != tt.moreAfter {
				t.Errorf("render() buttons = post %q, more at %d; want post %q, more at %d", post, moreAt, tt.post, tt.moreAfter)
			}
		})
	}
}

func TestSharedMarksClosestPassages(t *testing.T) {
	t.Parallel()
	src := messageRef{channelID: "1", messageID: "2"}
	tests := []struct {
		post post
		want string
	}{
		{post{source: src}, "Sources for https://discord.com/channels/9/1/2 — shared by Ann \\*A\\*"},
		{post{source: src, related: true}, "Closest passages for https://discord.com/channels/9/1/2 — shared by Ann \\*A\\*\nNo passage answers this question directly."},
	}
	for _, tt := range tests {
		if got := tt.post.shared("9", "Ann *A*"); got != tt.want {
			t.Errorf("shared(%+v) = %q, want %q", tt.post, got, tt.want)
		}
	}
}
