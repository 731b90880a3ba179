package cite

import (
	"strings"
	"testing"
)

func TestID(t *testing.T) {
	t.Parallel()
	const doc, text = "bnn-tehran", "Yun Jong Ho led the delegation to Tehran."
	id := ID(doc, text)
	if len(id) != IDLen || !Valid(id) {
		t.Fatalf("ID(%q, %q) = %q, want %d characters of %q", doc, text, id, IDLen, alphabet)
	}
	if !strings.HasPrefix(Key(doc, text), id) || len(Key(doc, text)) != 52 {
		t.Errorf("Key(%q, %q) = %q, want 52 characters starting with the id %q", doc, text, Key(doc, text), id)
	}
	tests := []struct {
		name       string
		doc, text  string
		sameAsBase bool
	}{
		{"same again", doc, text, true},
		{"re-wrapped", doc, "  Yun Jong Ho led\nthe delegation\tto Tehran.\n", true},
		{"one word edited", doc, "Yun Jung Ho led the delegation to Tehran.", false},
		{"punctuation edited", doc, "Yun Jong Ho led the delegation to Tehran!", false},
		{"other document", "bnn-tehran-2", text, false},
		{"boundary moved", "bnn-tehranY", "un Jong Ho led the delegation to Tehran.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ID(tt.doc, tt.text)
			if (got == id) != tt.sameAsBase {
				t.Errorf("ID(%q, %q) = %q; base id %q; want same = %v", tt.doc, tt.text, got, id, tt.sameAsBase)
			}
		})
	}
}

// TestIDFixed pins an id: ids are kept in state and posted in messages, so
// a change to how they are computed orphans every citation already given.
func TestIDFixed(t *testing.T) {
	t.Parallel()
	got := ID("harbor-lighthouse", "The lighthouse was built in 1871.")
	const want = "5p7mw6gj" // computed independently: Python base64.b32encode of the SHA-256, mapped to the alphabet
	if got != want {
		t.Errorf("ID = %q, want %q: ids must never change", got, want)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"c7k2mq9d", "c7k2mq9d", true},
		{"  C7K2MQ9D\n", "c7k2mq9d", true},
		{"c7k2mq9O", "c7k2mq90", true},
		{"c7k2mqIL", "c7k2mq11", true},
		{"c7k2mq9", "c7k2mq9", false},
		{"c7k2mq9u", "c7k2mq9u", false},
		{"c7k2-q9d", "c7k2-q9d", false},
		{"", "", false},
		{strings.Repeat("a", 53), strings.Repeat("a", 53), false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte{0}, "00"},
		{[]byte{0xff}, "zw"},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff}, "zzzzzzzz"},
		{[]byte{0x08, 0x42, 0x10, 0x84, 0x21}, "11111111"},
	}
	for _, tt := range tests {
		if got := encoding.EncodeToString(tt.in); got != tt.want {
			t.Errorf("EncodeToString(%x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
