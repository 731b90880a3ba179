package bot

// Limits the tests of package bot_test check at the wire.
const (
	MaxInteractionBody = maxInteractionBody
	MaxBodyReads       = maxBodyReads
)
