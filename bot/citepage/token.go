package citepage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// tokenLen is the length of a page token: 16 characters of base 32 are
// 80 bits, far beyond guessing at any rate a server answers.
const tokenLen = 16

// tokenEncoding writes tokens in the alphabet of citation ids.
var tokenEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// Token is the token that opens the page of citation id: an HMAC-SHA256
// of the id under secret, so only whoever knows the secret (this Dossier)
// can make one, and knowing one page's address tells nothing of another's.
func Token(secret []byte, id string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("dossier citation page\x00" + id))
	return tokenEncoding.EncodeToString(m.Sum(nil))[:tokenLen]
}

// Anchor is the fragment of a page's address that scrolls to the cited
// passage.
const Anchor = "cited"

// Path is the path of citation id's page, fragment included.
func Path(secret []byte, id string) string {
	return "/c/" + id + "-" + Token(secret, id) + "#" + Anchor
}

// URL is the address of citation id's page on the Dossier reached at
// publicURL (DOSSIER_PUBLIC_URL, which may have a path of its own).
func URL(publicURL string, secret []byte, id string) string {
	return strings.TrimRight(publicURL, "/") + Path(secret, id)
}

// parseRef splits the last element of a page's path into id and token and
// checks the token, in constant time. It reports false for anything that
// is not a page's address.
func parseRef(secret []byte, ref string) (string, bool) {
	id, token, ok := strings.Cut(ref, "-")
	if !ok || len(token) != tokenLen || len(id) > 64 {
		return "", false
	}
	return id, hmac.Equal([]byte(token), []byte(Token(secret, id)))
}
