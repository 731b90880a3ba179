package corpus

import (
	"io/fs"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	fsys := Builtin()
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		b.Fatal(err)
	}
	raws := make([][]byte, len(names))
	size := 0
	for i, n := range names {
		raws[i] = mustRead(b, fsys, n)
		size += len(raws[i])
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for i, raw := range raws {
			if _, err := Parse(names[i], raw); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkSentences(b *testing.B) {
	c, err := Load(Builtin())
	if err != nil {
		b.Fatal(err)
	}
	text := c.Documents[0].Text
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Sentences(text)
	}
}
