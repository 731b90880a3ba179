package bot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/golden"
	"github.com/dossier-bot/dossier/index"
)

var (
	thirtyEight = corpus.Document{
		ID:        "000-north-korea-iran-relations",
		Title:     "North Korea-Iran Relations Post-JCPOA",
		URL:       "https://www.38north.org/2023/11/north-korea-iran-relations-post-jcpoa/",
		Publisher: "38 North",
		Published: "2023-11",
	}
	bnn = corpus.Document{
		ID:        "001-iran-denies",
		Title:     "Iran Denies North Korean Visit Amid Military Cooperation Concerns",
		Publisher: "BNN Breaking",
		Published: "2024-04",
	}
	bloomberg = corpus.Document{
		ID:        "003-north-korea-sends-top-delegation",
		Title:     "North Korea Sends Top Delegation to Iran Amid Growing Concerns Over Military Cooperation",
		URL:       "https://phbiznews.com/hot-news/north-korea-sends-top-delegation-to-iran/",
		Publisher: "Bloomberg",
		Published: "2024-04-24",
	}
)

// result builds a Result whose highlights are the given words of excerpt.
func result(doc corpus.Document, excerpt string, words ...string) index.Result {
	r := index.Result{Doc: doc, Excerpt: excerpt, Score: 1}
	if doc.URL != "" {
		r.Link = doc.URL + "#:~:text=" + strings.ReplaceAll(strings.Fields(excerpt)[0], " ", "%20")
	}
	rs := []rune(excerpt)
	for at := 0; at < len(rs); at++ {
		for _, w := range words {
			if strings.HasPrefix(string(rs[at:]), w) {
				r.Highlights = append(r.Highlights, [2]int{at, at + len([]rune(w))})
				at += len([]rune(w)) - 1
				break
			}
		}
	}
	return r
}

func delegationAnswer() index.Answer {
	q := "Who led the North Korean delegation to Tehran?"
	return index.Answer{Question: q, Answered: true, Results: []index.Result{
		result(bloomberg, "The delegation is led by Yun Jung Ho, minister of external economic relations, KCNA said.", "delegation", "Yun Jung Ho"),
		result(bnn, "Reports said a North Korean delegation led by Yun Jong Ho had arrived in Tehran.", "delegation", "Tehran"),
		result(thirtyEight, "Pyongyang and Tehran have cooperated on missiles since the 1980s.", "Tehran"),
		result(thirtyEight, "The two countries signed a scientific cooperation agreement in 2012.", "countries"),
		result(bnn, "Iran denied that any North Korean delegation visited.", "delegation"),
	}}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	long := "Given everything reported in April 2024 about visits between the two governments, " +
		"who led the North Korean delegation to Tehran?"
	hostile := index.Result{
		Doc: corpus.Document{
			ID: "evil", Title: "[Click me](https://evil.example) **now** @everyone",
			URL: "javascript:alert(1)", Publisher: "<@123> Press", Published: "2024",
		},
		Excerpt:    "# Breaking\n> quoted [link](https://evil.example) ||spoiler|| <@123> @here `code`",
		Highlights: [][2]int{{2, 10}, {500, 600}, {1, 3}},
		Link:       "javascript:alert(1)",
	}
	tests := []struct {
		name string
		v    any
	}{
		{"ask_answered", page{question: "Who led the North Korean delegation to Tehran?", k: 3, answer: delegationAnswer()}.render().edit()},
		{"ask_page2", page{question: "Who led the North Korean delegation to Tehran?", offset: 3, k: 3, answer: delegationAnswer()}.render().edit()},
		{"ask_long_question", page{question: long, k: 1, answer: delegationAnswer()}.render().edit()},
		{"find_sources", page{
			question: "Who led the North Korean delegation to Tehran?", k: 3, answer: delegationAnswer(),
			source: &messageRef{channelID: "222", messageID: "333"},
		}.render().edit()},
		{"ask_related", page{question: relatedAnswer().Question, k: 3, answer: relatedAnswer()}.render().edit()},
		{"ask_related_page2", page{question: relatedAnswer().Question, offset: 3, k: 3, answer: relatedAnswer()}.render().edit()},
		{"find_sources_related", page{
			question: relatedAnswer().Question, k: 3, answer: relatedAnswer(),
			source: &messageRef{channelID: "222", messageID: "333"},
		}.render().edit()},
		{"unanswered", page{question: "What is the capital of France?", k: 3, answer: index.Answer{
			Question: "What is the capital of France?",
			Closest:  []corpus.Document{thirtyEight, bnn},
		}}.render().edit()},
		{"hostile", page{
			question: "@everyone <@123> **who** [x](https://evil.example)?", k: 3,
			answer: index.Answer{Answered: true, Results: []index.Result{hostile}},
		}.render().data(true)},
		{"sources_list", renderDocuments([]index.DocInfo{{Document: thirtyEight, Passages: 12}, {Document: bnn, Passages: 1}}).data(true)},
		{"sources_document", renderDocument(index.DocInfo{Document: bloomberg, Passages: 7}).data(true)},
		{"sources_document_no_url", renderDocument(index.DocInfo{Document: bnn, Passages: 3}).data(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			golden.JSON(t, tt.name, tt.v)
		})
	}
}

func TestRenderAnswer(t *testing.T) {
	t.Parallel()
	q := "Who led the North Korean delegation to Tehran?"
	r := page{question: q, k: 3, answer: delegationAnswer()}.render()
	if len(r.embeds) != 3 {
		t.Fatalf("render(k=3) has %d embeds, want 3", len(r.embeds))
	}
	first := r.embeds[0]
	if want := "> The **delegation** is led by **Yun Jung Ho**, minister"; !strings.HasPrefix(first.Description, want) {
		t.Errorf("first description = %q, want prefix %q", first.Description, want)
	}
	if !strings.HasPrefix(first.URL, bloomberg.URL) || first.Title != bloomberg.Title {
		t.Errorf("first embed links %q as %q, want the Bloomberg title linked to its URL", first.Title, first.URL)
	}
	if first.Footer == nil || first.Footer.Text != "Bloomberg · 2024-04-24" {
		t.Errorf("first footer = %+v, want publisher and date", first.Footer)
	}
	if second := r.embeds[1]; second.URL != "" || second.Footer == nil || !strings.Contains(second.Footer.Text, "BNN Breaking") {
		t.Errorf("a document without URL rendered as url %q footer %+v, want no link and its publisher", second.URL, second.Footer)
	}
	if got := questionIn(r.content); got != q {
		t.Errorf("questionIn(content) = %q, want %q", got, q)
	}
	m, err := parseMore(buttonIDs(r)[0])
	if err != nil || m != (more{offset: 3, k: 3, question: q}) {
		t.Errorf("More results button = %+v, %v; want offset 3, k 3 and the question", m, err)
	}
}

func TestRenderPagingEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		offset, k int
		buttons   int
		embeds    int
	}{
		{0, 4, 1, 4},
		{0, 5, 0, 5},
		{3, 3, 0, 2},
		{5, 3, 0, 0},
		{24, 1, 0, 0},
	}
	for _, tt := range tests {
		r := page{question: "q", offset: tt.offset, k: tt.k, answer: delegationAnswer()}.render()
		if got := len(buttonIDs(r)); got != tt.buttons || len(r.embeds) != tt.embeds {
			t.Errorf("render(offset %d, k %d) = %d buttons, %d embeds; want %d, %d", tt.offset, tt.k, got, len(r.embeds), tt.buttons, tt.embeds)
		}
	}
}

func buttonIDs(r reply) []string {
	var ids []string
	for _, c := range r.components {
		for _, b := range c.(discordgo.ActionsRow).Components {
			ids = append(ids, b.(discordgo.Button).CustomID)
		}
	}
	return ids
}

func TestRenderHugeAnswerIsTrimmed(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("Sentence about Pyongyang and Tehran with [brackets] and *stars*. ", 500)
	doc := corpus.Document{
		Title: strings.Repeat("Title ", 200), URL: "https://example.com/" + strings.Repeat("a", 3000),
		Publisher: strings.Repeat("Publisher ", 500), Published: strings.Repeat("2024 ", 300),
	}
	var results []index.Result
	var closest []corpus.Document
	for i := range 30 {
		results = append(results, index.Result{Doc: doc, Excerpt: huge, Highlights: [][2]int{{i, i + 900}}})
		closest = append(closest, doc)
	}
	for _, a := range []index.Answer{
		{Answered: true, Results: results},
		{Related: results, Closest: closest},
		{Closest: closest},
	} {
		kind := a.Kind()
		for _, k := range []int{1, 5} {
			r := page{question: strings.Repeat("why? ", 100), k: k, answer: a}.render()
			if v := violations(r.content, r.embeds, r.components); len(v) > 0 {
				t.Errorf("render(%v, k %d) breaks limits: %v", kind, k, v)
			}
			d := r.data(false)
			if v := violations(d.Content, d.Embeds, d.Components); len(v) > 0 {
				t.Errorf("data(%v, k %d) breaks limits: %v", kind, k, v)
			}
			if kind != index.NothingClose && (len(r.embeds) != k || !strings.HasSuffix(r.embeds[0].Description, ellipsis)) {
				t.Errorf("render(%v, k %d) = %d embeds, want %d trimmed with %q", kind, k, len(r.embeds), k, ellipsis)
			}
		}
	}
	docs := make([]index.DocInfo, 500)
	for i := range docs {
		docs[i] = index.DocInfo{Document: doc, Passages: i}
	}
	r := renderDocuments(docs)
	if v := violations(r.content, r.embeds, r.components); len(v) > 0 {
		t.Errorf("renderDocuments(500 long docs) breaks limits: %v", v)
	}
	if !strings.Contains(r.embeds[0].Description, "more") {
		t.Errorf("renderDocuments(500 long docs) does not say some were left out")
	}
}

// TestAllowedMentionsEncoding guards against a nil Parse list, which
// discordgo encodes as null and Discord reads as "ping as usual".
func TestAllowedMentionsEncoding(t *testing.T) {
	t.Parallel()
	r := text("hi @everyone")
	for name, v := range map[string]any{
		"response": r.data(true),
		"edit":     r.edit(),
		"followup": r.followup(true),
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %s: %v", name, err)
		}
		if !strings.Contains(string(b), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s encodes as %s, want allowed_mentions with an empty parse list", name, b)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("Who led the delegation?", "Title", "The delegation was led by Yun.", "38 North", "https://x.org/a", 4, 14, 3, 0)
	f.Add("@everyone <@1>", "[a](b)", "# x\n> y", "<@&2>", "javascript:x", -1, 900, 5, 2)
	f.Fuzz(func(t *testing.T, question, docTitle, excerpt, publisher, link string, start, end, k, offset int) {
		k = 1 + int(uint(k)%maxResults)
		offset = int(uint(offset) % maxPageResults)
		doc := corpus.Document{Title: docTitle, URL: link, Publisher: publisher, Published: publisher}
		res := index.Result{Doc: doc, Excerpt: excerpt, Link: link, Highlights: [][2]int{{start, end}}}
		// The excerpt's length picks the kind of reply.
		a := index.Answer{Closest: []corpus.Document{doc, doc}}
		for range 8 {
			switch len(excerpt) % 3 {
			case 0:
				a.Answered = true
				a.Results = append(a.Results, res)
			case 1:
				a.Related = append(a.Related, res)
			}
		}
		replies := []reply{
			page{question: question, k: k, offset: offset, answer: a, source: &messageRef{"1", "2"}}.render(),
			renderDocuments([]index.DocInfo{{Document: doc}, {Document: doc}}),
			renderDocument(index.DocInfo{Document: doc}),
		}
		for _, r := range replies {
			d := r.data(false)
			if v := violations(d.Content, d.Embeds, d.Components); len(v) > 0 {
				t.Fatalf("rendered reply breaks limits: %v", v)
			}
		}
		for _, c := range documentChoices([]index.DocInfo{{Document: doc}}, "") {
			if markdown.Len(c.Name) > maxChoiceName || markdown.Len(c.Value.(string)) > maxChoiceValue {
				t.Fatalf("choice %q = %q is over the limits", c.Name, c.Value)
			}
		}
	})
}
