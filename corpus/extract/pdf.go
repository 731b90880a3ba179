package extract

func pdfMarkdown(name string, data []byte) ([]byte, error) {
	return nil, ErrUnsupported
}
