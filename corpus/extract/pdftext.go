package extract

import (
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// The PDF library's own text reader leaves out word spacing (Tw), which
// justified text is set with, and so misplaces every glyph after a space;
// this reader follows the text state of the content stream itself.

// ligatures are spelled out: a reader searches for "fi", not "ﬁ".
var ligatures = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl", "ﬅ", "st", "ﬆ", "st")

// affine is a PDF transformation matrix [a b c d e f].
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{1, 0, 0, 1, 0, 0}

// then is m followed by n (m × n in PDF's row-vector convention).
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.b*n.c, b: m.a*n.b + m.b*n.d,
		c: m.c*n.a + m.d*n.c, d: m.c*n.b + m.d*n.d,
		e: m.e*n.a + m.f*n.c + n.e, f: m.e*n.b + m.f*n.d + n.f,
	}
}

func translate(x, y float64) affine { return affine{1, 0, 0, 1, x, y} }

// font is what showing text needs of a PDF font.
type font struct {
	name   string
	enc    pdf.TextEncoding
	twoB   bool // a composite (Type0) font, two bytes a code
	widths map[int]float64
	dw     float64 // width of codes not in widths, in 1/1000 em
	// text caches decoded codes: the library decodes a font with its own
	// encoding by walking the encoding's table at every code.
	text map[int]string
}

func (f *font) decode(code int, raw string) string {
	if s, ok := f.text[code]; ok {
		return s
	}
	s := ligatures.Replace(f.enc.Decode(raw))
	f.text[code] = s
	return s
}

func loadFont(v pdf.Value) *font {
	f := &font{name: v.Key("BaseFont").Name(), widths: map[int]float64{}, text: map[int]string{}}
	pf := pdf.Font{V: v}
	f.enc = pf.Encoder()
	if v.Key("Subtype").Name() == "Type0" {
		f.twoB = true
		desc := v.Key("DescendantFonts").Index(0)
		f.dw = 1000
		if dw := desc.Key("DW"); !dw.IsNull() {
			f.dw = dw.Float64()
		}
		w := desc.Key("W")
		for i := 0; i < w.Len(); {
			first := int(w.Index(i).Int64())
			if i+1 < w.Len() && w.Index(i+1).Kind() == pdf.Array {
				arr := w.Index(i + 1)
				for j := 0; j < arr.Len(); j++ {
					f.widths[first+j] = arr.Index(j).Float64()
				}
				i += 2
				continue
			}
			if i+2 >= w.Len() {
				break
			}
			last, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
			for c := first; c <= last && c-first < 65536; c++ {
				f.widths[c] = width
			}
			i += 3
		}
		return f
	}
	first := int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len(); i++ {
		f.widths[first+i] = ws.Index(i).Float64()
	}
	// Fonts without widths (the standard fourteen) are given an average
	// width: word gaps are then told by the spaces drawn.
	f.dw = 500
	return f
}

func (f *font) width(code int) float64 {
	if w, ok := f.widths[code]; ok && w > 0 {
		return w
	}
	return f.dw
}

// textState is the part of the graphics state that places text.
type textState struct {
	ctm                        affine
	tc, tw, th, tl, rise, size float64
	font                       *font
}

// pageGlyphs interprets a page's content stream and returns the glyphs
// it draws, horizontal text only (rotated labels and watermarks are not
// part of the reading text).
func pageGlyphs(pg pdf.Page) []glyph {
	res := pg.V.Key("Resources")
	for v := pg.V; res.IsNull() && !v.IsNull(); v = v.Key("Parent") {
		res = v.Key("Resources")
	}
	var out []glyph
	runContent(pg.V.Key("Contents"), res, textState{ctm: identity, th: 1}, 0, &out)
	return out
}

// maxFormDepth bounds forms drawn inside forms; a file whose forms draw
// each other would otherwise never end.
const maxFormDepth = 8

// runContent interprets a content stream with its resources, from the
// graphics state st, adding the glyphs it draws to out. Forms it draws
// (Do) are interpreted in turn: some producers put a page's whole text in
// one.
func runContent(strm, res pdf.Value, st textState, depth int, out *[]glyph) {
	fonts := map[string]*font{}
	var stack []textState
	tm, tlm := identity, identity
	show := func(raw string) {
		f := st.font
		if f == nil {
			return
		}
		step := 1
		if f.twoB {
			step = 2
		}
		for i := 0; i+step <= len(raw); i += step {
			code := int(raw[i])
			if step == 2 {
				code = code<<8 | int(raw[i+1])
			}
			w0 := f.width(code) / 1000
			trm := affine{st.size * st.th, 0, 0, st.size, 0, st.rise}.then(tm).then(st.ctm)
			size := math.Hypot(trm.c, trm.d)
			if math.Abs(trm.b) < 0.1*math.Abs(trm.a) && trm.a > 0 && size > 0 {
				*out = append(*out, glyph{
					x: trm.e, y: trm.f, w: w0 * trm.a, size: size, font: f.name,
					s: f.decode(code, raw[i:i+step]),
				})
			}
			tx := w0*st.size + st.tc
			if step == 1 && code == ' ' {
				tx += st.tw
			}
			tm = translate(tx*st.th, 0).then(tm)
		}
	}
	nextLine := func() {
		tlm = translate(0, -st.tl).then(tlm)
		tm = tlm
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			stack = append(stack, st)
		case "Q":
			if n := len(stack); n > 0 {
				st, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				st.ctm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}.then(st.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				if _, ok := fonts[name]; !ok {
					fonts[name] = loadFont(res.Key("Font").Key(name))
				}
				st.font, st.size = fonts[name], num(1)
			}
		case "Tc":
			st.tc = num(0)
		case "Tw":
			st.tw = num(0)
		case "Tz":
			st.th = num(0) / 100
		case "TL":
			st.tl = num(0)
		case "Ts":
			st.rise = num(0)
		case "Td":
			tlm = translate(num(0), num(1)).then(tlm)
			tm = tlm
		case "TD":
			st.tl = -num(1)
			tlm = translate(num(0), num(1)).then(tlm)
			tm = tlm
		case "Tm":
			if len(args) == 6 {
				tlm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			nextLine()
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			nextLine()
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				st.tw, st.tc = num(0), num(1)
				nextLine()
				show(args[2].RawString())
			}
		case "Do":
			x := res.Key("XObject").Key(args0Name(args))
			if depth >= maxFormDepth || x.Key("Subtype").Name() != "Form" {
				return
			}
			fst := st
			if m := x.Key("Matrix"); m.Len() == 6 {
				fst.ctm = affine{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(),
					m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}.then(st.ctm)
			}
			fres := x.Key("Resources")
			if fres.IsNull() {
				fres = res
			}
			runContent(x, fres, fst, depth+1, out)
		case "TJ":
			if len(args) != 1 {
				return
			}
			for i := 0; i < args[0].Len(); i++ {
				x := args[0].Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
					continue
				}
				tm = translate(-x.Float64()/1000*st.size*st.th, 0).then(tm)
			}
		}
	})
}

func args0Name(args []pdf.Value) string {
	if len(args) == 0 {
		return ""
	}
	return args[0].Name()
}
