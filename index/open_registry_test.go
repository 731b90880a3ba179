package index

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
)

// awkwardTitles are titles json.Marshal escapes or leaves as multi-byte
// UTF-8.
var awkwardTitles = []string{
	`Quotes "inside" and a back\slash`,
	"<b>Tags</b> & ampersands",
	"Ünïcödé — dashes… and 漢字",
	"Line\nbreak\tand tab",
	"Separators \u2028 and \u2029",
	"",
}

// registryOf is a registry of n documents, every awkward-th of which has
// one of awkwardTitles.
func registryOf(n, awkward int) map[string]docRecord {
	reg := make(map[string]docRecord, n)
	for i := range n {
		id := fmt.Sprintf("doc-%07d", i)
		title := "The objective of this study was to measure"
		if i%awkward == 0 {
			title = awkwardTitles[i/awkward%len(awkwardTitles)]
		}
		reg[id] = docRecord{
			Doc: corpus.Document{
				ID: id, Path: id + ".md", Title: title,
				URL: "https://example.com/a?b=1&c=" + id, Publisher: "Example Times",
				Author: "A. Writer", Published: "2024-04-24",
				Hash: fmt.Sprintf("%064x", i),
			},
			Passages: i % 9,
		}
	}
	return reg
}

// rec is one record as json.Marshal writes it, with the given JSON for its
// key, title and passage count.
func rec(key, title, passages string) string {
	return key + `:{"doc":{"ID":"a","Path":"a.md","Title":` + title +
		`,"URL":"","Publisher":"","Author":"","Published":"","Hash":"","Text":"","Passages":null},"passages":` + passages + "}"
}

func marshalRegistry(tb testing.TB, reg map[string]docRecord) []byte {
	tb.Helper()
	b, err := json.Marshal(reg)
	if err != nil {
		tb.Fatalf("Marshal(registry) = %v", err)
	}
	return b
}

// checkDecodesLikeJSON fails unless decodeRegistry(data) is what
// encoding/json makes of data: the same registry, or an error for both.
func checkDecodesLikeJSON(tb testing.TB, data []byte) {
	tb.Helper()
	want := map[string]docRecord{}
	werr := json.Unmarshal(data, &want)
	got, err := decodeRegistry(data)
	switch {
	case (err != nil) != (werr != nil):
		tb.Fatalf("decodeRegistry(%q) = %v, want %v", data, err, werr)
	case err == nil && !reflect.DeepEqual(got, want):
		tb.Fatalf("decodeRegistry(%q) = %+v, want %+v", data, got, want)
	}
}

func TestDecodeRegistry(t *testing.T) {
	tests := []struct {
		name string
		data string
		fast bool // read without encoding/json
	}{
		{"empty", `{}`, true},
		{"as written", string(marshalRegistry(t, registryOf(30, 1))), true},
		{"a key twice", "{" + rec(`"a"`, `"x"`, "1") + "," + rec(`"a"`, `"y"`, "3") + "}", true},
		{"escaped key", "{" + rec(`"a\"b"`, `"x"`, "1") + "}", true},
		{"escaped title", "{" + rec(`"a"`, `"\u003cb\u003e \ud83d\ude00 \ud800 \/ \\"`, "1") + "}", true},
		{"surrogates", "{" + rec(`"a"`, `"\ud83d\ude00 \uD83D\uDE00 \ude00\ud83d \ud800\"dc00 \ud800\u0041 \ud800"`, "1") + "}", true},
		{"every escape", "{" + rec(`"a"`, `"\" \\ \/ \b \f \n \r \t \u00e9 \u2028"`, "1") + "}", true},
		{"negative count", "{" + rec(`"a"`, `"x"`, "-4") + "}", true},
		{"fields in another order", `{"a":{"passages":2,"doc":{"Title":"T","ID":"a","Passages":null}}}`, false},
		{"fields missing", `{"a":{"doc":{"ID":"a"},"passages":2}}`, false},
		{"whitespace", "{ \"a\": {\"passages\": 1} }", false},
		{"newline in a string", "{\"a\":{\"doc\":{\"Title\":\"x\ny\"}}}", false},
		{"invalid utf-8", "{\"a\":{\"doc\":{\"Title\":\"\xff\"}}}", false},
		{"field case", `{"a":{"doc":{"id":"a"},"Passages":1}}`, false},
		{"unknown field", `{"a":{"doc":{"ID":"a","Extra":1},"passages":1}}`, false},
		{"null string", `{"a":{"doc":{"Title":null}}}`, false},
		{"null record", `{"a":null}`, false},
		{"null registry", `null`, false},
		{"passages given", `{"a":{"doc":{"Passages":[]}}}`, false},
		{"fractional count", "{" + rec(`"a"`, `"x"`, `1.5`) + "}", false},
		{"exponent count", "{" + rec(`"a"`, `"x"`, `1e2`) + "}", false},
		{"leading zero", "{" + rec(`"a"`, `"x"`, `01`) + "}", false},
		{"huge count", "{" + rec(`"a"`, `"x"`, `99999999999999999999`) + "}", false},
		{"string count", "{" + rec(`"a"`, `"x"`, `"1"`) + "}", false},
		{"trailing comma", `{"a":{"passages":1},}`, false},
		{"trailing value", `{} {}`, false},
		{"unterminated", `{"a":{"passages":1}`, false},
		{"unterminated string", `{"a`, false},
		{"bad escape", `{"a\q":{}}`, false},
		{"bad escape in a record", "{" + rec(`"a"`, `"\q"`, "1") + "}", false},
		{"short unicode escape", "{" + rec(`"a"`, `"\u12"`, "1") + "}", false},
		{"bad unicode escape", "{" + rec(`"a"`, `"\u12g4"`, "1") + "}", false},
		{"escape at the end", "{" + rec(`"a"`, `"\"`, "1") + "}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDecodesLikeJSON(t, []byte(tt.data))
			if _, fast := scanRegistry([]byte(tt.data)); fast != tt.fast {
				t.Errorf("scanRegistry(%q) read it itself = %v, want %v", tt.data, fast, tt.fast)
			}
		})
	}
}

func TestPrintable(t *testing.T) {
	for i := range 40 {
		for _, c := range []byte{0, 0x1f, 0x20, 0x7f, 0x80, 0xff} {
			b := []byte("0123456789abcdefghijklmnopqrstuvwxyz#$%^")[:i+1]
			b[i] = c
			if got, want := printable(b), c >= 0x20; got != want {
				t.Errorf("printable(%q) = %v, want %v", b, got, want)
			}
		}
	}
}

func FuzzDecodeRegistry(f *testing.F) {
	f.Add(marshalRegistry(f, registryOf(8, 1)))
	f.Add([]byte("{" + rec(`"a"`, `"x\u003cy"`, "3") + "}"))
	f.Add([]byte(`{"a":{"passages":1.5}}`))
	f.Add([]byte("{ \"a\": {\"passages\": 1} }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodesLikeJSON(t, data)
	})
}

// FuzzDecodeRegistryStrings puts arbitrary strings where the fast path
// reads them: in a registry as json.Marshal writes it, and as the raw
// text of a title's string literal.
func FuzzDecodeRegistryStrings(f *testing.F) {
	f.Add("doc-1", "Ünïcödé <b> & \"quoted\"", `\u00e9\ud83d\ude00 \n`)
	f.Add("a\xff", "\u2028\x00", `\ud800\"dc00`)
	f.Fuzz(func(t *testing.T, key, title, literal string) {
		reg := map[string]docRecord{key: {Doc: corpus.Document{ID: key, Title: title, URL: title}, Passages: len(title)}}
		checkDecodesLikeJSON(t, marshalRegistry(t, reg))
		checkDecodesLikeJSON(t, []byte("{"+rec(`"a"`, `"`+literal+`"`, "1")+"}"))
	})
}

// The benchmarks' registry is the size of the 500,000-passage benchmark
// index's; every URL holds an escaped &, and a title in a hundred needs
// escapes too.
func BenchmarkDecodeRegistry(b *testing.B) {
	data := marshalRegistry(b, registryOf(100_000, 100))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeRegistry(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRegistryJSON(b *testing.B) {
	data := marshalRegistry(b, registryOf(100_000, 100))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		reg := map[string]docRecord{}
		if err := json.Unmarshal(data, &reg); err != nil {
			b.Fatal(err)
		}
	}
}
