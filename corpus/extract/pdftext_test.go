package extract

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// buildPDF writes a PDF of the given objects (numbered from 1) with a
// correct cross-reference table; the last object is the document
// information.
func buildPDF(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

func stream(content string) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
}

// Text drawn inside a form, set with word spacing, in a standard font
// without widths, is read; a rotated watermark is not.
func TestPDFFormsAndWordSpacing(t *testing.T) {
	t.Parallel()
	form := "BT /F1 12 Tf 72 700 Td 3 Tw (Words spaced by Tw stay words, and a form's text is read.) Tj ET"
	raw := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> /Contents 4 0 R >>",
		stream("q /X1 Do Q BT /F1 40 Tf 0.7 0.7 -0.7 0.7 200 300 Tm (DRAFT) Tj ET"),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		strings.Replace(stream(form), "<< ", "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> ", 1),
		"<< /Title (Form Test) /Author (A. Tester) /CreationDate (D:20240102120000Z) >>",
	)
	md, err := Markdown("form.pdf", "", raw)
	if err != nil {
		t.Fatalf("Markdown(form.pdf) = %v", err)
	}
	got := string(md)
	for _, want := range []string{`title: "Form Test"`, `author: "A. Tester"`, `published: "2024-01-02"`,
		"<!-- page 1 -->", "Words spaced by Tw stay words, and a form's text is read."} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown(form.pdf) lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "DRAFT") {
		t.Errorf("Markdown(form.pdf) keeps the rotated watermark:\n%s", got)
	}
}

// A form that draws itself does not loop for ever.
func TestPDFFormLoop(t *testing.T) {
	t.Parallel()
	raw := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /X1 4 0 R >> >> /Contents 6 0 R >>",
		strings.Replace(stream("BT /F1 12 Tf 72 700 Td (Looping form text) Tj ET /X1 Do"), "<< ", "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] ", 1),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		stream("/X1 Do"),
		"<< >>",
	)
	md, err := Markdown("loop.pdf", "", raw)
	if err != nil {
		t.Fatalf("Markdown(loop.pdf) = %v", err)
	}
	if !strings.Contains(string(md), "Looping form text") {
		t.Errorf("Markdown(loop.pdf) = %s", md)
	}
}

// Without a title in its metadata, a PDF is titled by the largest line of
// its first page, and its date is left unknown.
func TestPDFTitleFromFirstPage(t *testing.T) {
	t.Parallel()
	content := "BT /F1 20 Tf 72 720 Td (Quarterly Shipping Outlook) Tj ET " +
		"BT /F1 11 Tf 72 680 Td (Freight rates on the northern routes fell for a third quarter running.) Tj ET " +
		"BT /F1 11 Tf 72 666 Td (Operators expect them to recover once the new terminal opens.) Tj ET"
	raw := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream(content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		"<< /Producer (test) >>",
	)
	md, err := Markdown("outlook.pdf", "", raw)
	if err != nil {
		t.Fatalf("Markdown(outlook.pdf) = %v", err)
	}
	got := string(md)
	for _, want := range []string{`title: "Quarterly Shipping Outlook"`, "# Quarterly Shipping Outlook\n",
		"Freight rates on the northern routes fell for a third quarter running. Operators expect"} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown(outlook.pdf) lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "published:") {
		t.Errorf("Markdown(outlook.pdf) gives a date it does not have:\n%s", got)
	}
}
