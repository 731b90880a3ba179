package bot

import "testing"

// One rule for what a document's title says and links to, wherever a
// result or a citation is shown.
func TestDocTitleAndSourceLink(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ title, id, want string }{
		{"Talks  on\nTrade", "talks", "Talks on Trade"},
		{" \n ", "talks", "talks"},
		{"", "talks", "talks"},
		{"*Bold* [link](https://x.example)", "x", `\*Bold\* \[link\]\(https://x.example\)`},
	} {
		if got := docTitle(tt.title, tt.id); got != tt.want {
			t.Errorf("docTitle(%q, %q) = %q, want %q", tt.title, tt.id, got, tt.want)
		}
	}
	const page = "https://dossier.example/c/abc"
	for _, tt := range []struct {
		urls []string
		want string
	}{
		{[]string{"https://news.example/a#:~:text=x", "https://news.example/a"}, "https://news.example/a#:~:text=x"},
		{[]string{"javascript:alert(1)", "https://news.example/a"}, "https://news.example/a"},
		{[]string{"", ""}, page},
		{nil, page},
	} {
		if got := sourceLink(page, tt.urls...); got != tt.want {
			t.Errorf("sourceLink(%q, %q) = %q, want %q", page, tt.urls, got, tt.want)
		}
	}
}
