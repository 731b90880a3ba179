package bot

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
)

// Chat furniture that says nothing about a message's subject: links,
// mentions of users, roles and channels, custom emoji, timestamps, and
// markdown decoration.
var (
	chatNoise  = regexp.MustCompile(`https?://\S+|<a?:\w+:\d+>|<[@#][!&]?\d+>|<t:\d+(?::\w)?>|</[\w -]+:\d+>|@(?i:everyone|here)\b`)
	decoration = strings.NewReplacer("*", "", "_", " ", "~", "", "|", "", "`", "", "\\", "")
	blockMark  = regexp.MustCompile(`(?m)^\s*(?:>+|#+|-#|[-*+]|\d+[.)])\s+`)
	// Chat is loosely punctuated: a sentence ends at a line break or at
	// end punctuation before a space, whatever case follows.
	chatSentenceEnd = regexp.MustCompile(`\n+|[.!?…]+["')\]]*\s+`)
)

// messageText is what Find sources reads of a message: its content, or
// for a message that is all embeds (another bot's post, a link preview)
// their titles and descriptions, one sentence each at least.
func messageText(m *discordgo.Message) string {
	if strings.TrimSpace(m.Content) != "" {
		return m.Content
	}
	var parts []string
	for _, e := range m.Embeds {
		for _, t := range []string{e.Title, e.Description} {
			if t = strings.TrimSpace(t); t != "" {
				parts = append(parts, t)
			}
		}
	}
	return strings.Join(parts, "\n")
}

// questionFromMessage turns a chat message into a question for the index:
// the whole message when it is short enough, else its most informative
// sentence, with any others nearly as informative, up to maxQuestion
// characters.
func questionFromMessage(msg string) string {
	msg = decoration.Replace(blockMark.ReplaceAllString(chatNoise.ReplaceAllString(msg, " "), ""))
	if clean := markdown.OneLine(msg); markdown.Len(clean) <= maxQuestion {
		return clean
	}
	type sentence struct {
		text  string
		at    int
		score float64
	}
	var ss []sentence
	for i, t := range chatSentences(msg) {
		ss = append(ss, sentence{text: t, at: i, score: informative(t)})
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].score > ss[j].score })
	// Sentences far less informative than the best would only dilute the
	// question.
	var picked []sentence
	used := -1 // the separating space before the first sentence is not needed
	for _, s := range ss {
		if n := markdown.Len(s.text) + 1; used+n <= maxQuestion && s.score >= ss[0].score/2 {
			picked = append(picked, s)
			used += n
		}
	}
	if len(picked) == 0 {
		// Every sentence is too long: keep the best one's content words.
		return cutAtWord(keyWords(ss[0].text), maxQuestion)
	}
	sort.Slice(picked, func(i, j int) bool { return picked[i].at < picked[j].at })
	parts := make([]string, len(picked))
	for i, s := range picked {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// chatSentences splits a chat message into sentences, each on one line.
func chatSentences(msg string) []string {
	msg += "\n" // so the last sentence ends at a match too
	var out []string
	start := 0
	for _, end := range chatSentenceEnd.FindAllStringIndex(msg, -1) {
		if t := markdown.OneLine(msg[start:end[1]]); t != "" {
			out = append(out, t)
		}
		start = end[1]
	}
	return out
}

// informative scores a sentence by the words that tend to carry its
// subject: numbers, names (capitalised past the first word) and long words.
func informative(s string) float64 {
	score := 0.0
	for i, w := range strings.Fields(s) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		rs := []rune(w)
		switch {
		case len(rs) == 0 || corpus.IsStopWord(strings.ToLower(w)):
		case strings.IndexFunc(w, unicode.IsDigit) >= 0:
			score += 3
		case i > 0 && unicode.IsUpper(rs[0]):
			score += 2
		case len(rs) >= 7:
			score += 1
		default:
			score += 0.25
		}
	}
	return score
}

// keyWords drops the stopwords of s.
func keyWords(s string) string {
	var keep []string
	for _, w := range strings.Fields(s) {
		if !corpus.IsStopWord(strings.ToLower(strings.Trim(w, ".,;:!?\"'()"))) {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}

// cutAtWord shortens s to at most max runes at a word boundary, without an
// ellipsis: the result is a query, not text for people.
func cutAtWord(s string, max int) string {
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	for i := max; i > 0; i-- {
		if unicode.IsSpace(rs[i]) {
			return strings.TrimSpace(string(rs[:i]))
		}
	}
	return string(rs[:max])
}
