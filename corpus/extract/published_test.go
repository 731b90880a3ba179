package extract

import (
	"strings"
	"testing"
	"time"

	"github.com/go-shiori/dom"
)

// testNow is the clock the date tests run at: dates after it are in the
// future.
var testNow = time.Date(2020, 6, 1, 12, 0, 0, 0, time.UTC)

func TestTextDate(t *testing.T) {
	t.Parallel()
	w := newDateWindow(testNow)
	tests := []struct {
		in, want string
	}{
		{"2019-11-19T01:19:34.819Z", "2019-11-19"},
		{"2019-11-19 21:57:00 -0800", "2019-11-19"},
		{"2019/11/19", "2019-11-19"},
		{"Monday, November 18, 2019, 08:19 PM", "2019-11-18"},
		{"Posted Nov. 5th, 2019 at noon", "2019-11-05"},
		{"18 NOV 2019", "2019-11-18"},
		{"Carrie Arnold November 15, 2019", "2019-11-15"},
		{"19 de novembro de 2019", "2019-11-19"},
		{"19. März 2019", "2019-03-19"},
		{"le 3 févr. 2020", "2020-02-03"},
		{"05/10/2018 - Publicado por: Clarissa Borba", "2018-10-05"},
		{"11/19/2019", "2019-11-19"}, // the month first: 19 cannot be one
		{"19.11.19", "2019-11-19"},   // two-figure year
		{"updated 20191115", "2019-11-15"},
		{"2019-11-19, first seen on 1 May 2019", "2019-11-19"}, // the first date given
		{"2019-11", ""},             // a month is not a day
		{"November 2019", ""},       // nor is a named one
		{"2019-02-30", ""},          // not a day of the calendar
		{"2019-11/19", ""},          // mixed separators
		{"1994-12-31", ""},          // before the window
		{"2020-07-01", ""},          // in the future
		{"Page 3 of 10, 12:30", ""}, // figures that are no date
		{"Smith 12, 2019", ""},      // not a month
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := formatDay(textDate(tt.in, w)); got != tt.want {
				t.Errorf("textDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPublishedDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url, head, body, want string
	}{
		{
			name: "address date first",
			url:  "https://news.example/2019/11/18/story.html",
			head: `<meta property="article:published_time" content="2019-11-19T01:00:00Z">`,
			want: "2019-11-18",
		},
		{
			name: "address date with underscores",
			url:  "https://news.example/archive/2018_02_24_story",
			want: "2018-02-24",
		},
		{
			name: "meta published",
			url:  "https://news.example/story",
			head: `<meta property="article:modified_time" content="2019-12-01T10:00:00+01:00">
				<meta property="article:published_time" content="2019-11-19T10:00:00+01:00">`,
			want: "2019-11-19",
		},
		{
			name: "publisher's own day over UTC",
			head: `<meta name="article:published_time" content="2019-11-20T05:57:50Z">
				<meta name="sailthru.date" content="2019-11-19 21:57:00 -0800">`,
			want: "2019-11-19",
		},
		{
			name: "UTC when that is all",
			head: `<meta name="article:published_time" content="2019-11-20T05:57:50Z">`,
			want: "2019-11-20",
		},
		{
			name: "datePublished over dateCreated",
			head: `<meta itemprop="dateCreated" content="2018-09-25T20:52:55+03:00">
				<meta itemprop="datePublished" content="2018-09-24T16:45:00+03:00">`,
			want: "2018-09-24",
		},
		{
			name: "JSON-LD earliest publication",
			head: `<script type="application/ld+json">{"@graph":[
				{"@type":"WebPage","datePublished":"2019-11-20T09:00:00Z"},
				{"@type":"NewsArticle","datePublished":"2019-11-19T09:00:00Z","dateModified":"2019-11-21"}]}}</script>`,
			want: "2019-11-19",
		},
		{
			name: "time marked as the publication",
			body: `<time datetime="2019-11-01">Nov 1</time><time class="entry-date published" datetime="2019-11-19T08:00:00-05:00">Nov 19</time>`,
			want: "2019-11-19",
		},
		{
			name: "earliest time",
			body: `<time datetime="2019-11-21T08:00:00Z">updated</time><time datetime="2019-11-19T08:00:00Z">1 day ago</time>`,
			want: "2019-11-19",
		},
		{
			name: "byline beside the author",
			body: `<div class="byline"><a href="/a">Carrie Arnold</a><p><em>November 15, 2019</em></p></div><p>On 1 May 2019 it rained.</p>`,
			want: "2019-11-15",
		},
		{
			name: "small print",
			body: `<p class="titulo">Título</p><small class="text-muted"><b>05/10/2018</b> - Publicado por: Clarissa</small>`,
			want: "2018-10-05",
		},
		{
			name: "date in the text only is no publication date",
			body: `<p>The meeting on 19 November 2019 was short.</p>`,
			want: "",
		},
		{
			name: "modification when nothing better",
			head: `<meta property="article:modified_time" content="2019-12-01T10:00:00+01:00">`,
			want: "2019-12-01",
		},
		{
			name: "preview image address when nothing better",
			head: `<meta property="og:image" content="https://cdn.example/2019/11/18/photo.jpg">`,
			want: "2019-11-18",
		},
		{
			name: "eight figures in the address when nothing better",
			url:  "https://www.quantamagazine.org/tuft-cells-20191115/",
			want: "2019-11-15",
		},
		{
			name: "an article number is no date",
			url:  "https://news.example/story-14848218.php",
			want: "",
		},
		{
			name: "future and malformed dates are passed over",
			head: `<meta property="article:published_time" content="2031-01-01">
				<script type="application/ld+json">{"datePublished": "soon"</script>`,
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page := "<html><head>" + tt.head + "</head><body>" + tt.body + "</body></html>"
			doc, err := dom.Parse(strings.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			if got := formatDay(publishedDate(doc, tt.url, testNow)); got != tt.want {
				t.Errorf("publishedDate(%s, %q) = %q, want %q", page, tt.url, got, tt.want)
			}
		})
	}
}

func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
