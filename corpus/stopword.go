package corpus

// IsStopWord reports whether w, in lower case, is an English function
// word, or a word as empty of subject ("said"), that weighs nothing when
// telling what a text is about: choosing a message's key sentence or the
// words a lead shares with its document.
func IsStopWord(w string) bool {
	switch w {
	case "a", "about", "after", "again", "all", "also", "an", "and", "any", "are", "as", "at",
		"be", "because", "been", "before", "being", "but", "by",
		"can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
		"had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
		"i", "if", "in", "into", "is", "it", "its", "just", "me", "more", "most", "my",
		"no", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "out", "over", "own",
		"said", "same", "she", "should", "so", "some", "such",
		"than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
		"through", "to", "too", "under", "until", "us", "very",
		"was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
		"with", "would", "you", "your", "yours":
		return true
	}
	return false
}
