package corpus

import (
	"embed"
	"io/fs"
)

// builtinFiles is the corpus shipped in the binary: four articles on
// North Korea–Iran relations and their synonyms.
//
//go:embed builtin
var builtinFiles embed.FS

// Builtin returns the built-in corpus embedded in the binary.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtinFiles, "builtin")
	if err != nil {
		panic("corpus: embedded folder missing: " + err.Error()) // cannot happen: the path is a constant
	}
	return sub
}
