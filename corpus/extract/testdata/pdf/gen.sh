#!/bin/sh
# Makes the PDF fixtures from their groff sources with Debian's tools:
#   apt-get install groff ghostscript chromium
#   cd corpus/extract/testdata/pdf && sh gen.sh
# then refresh the golden files: go test ./corpus/extract -run PDF -update
set -eu
# harbour.pdf: typeset by groff's ms macros (running headers, page numbers,
# footnotes, two columns, hyphenation). SOURCE_DATE_EPOCH keeps the file the
# same from run to run.
export SOURCE_DATE_EPOCH=1700000000
groff -ms -Tpdf -P-pa4 harbour.ms > harbour.pdf
# memo.pdf: one column; a paragraph runs on over a page past its footnote.
groff -ms -Tpdf -P-pa4 memo.ms > memo.pdf
# table.pdf: a table set by tbl between two paragraphs.
groff -t -ms -Tpdf -P-pa4 table.ms > table.pdf
# scanned.pdf: the letter rendered as a picture only, as a scanner makes it.
groff -ms -Tpdf -P-pa4 scanned.ms > scanned-text.pdf
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfimage8 -r50 -o scanned.pdf scanned-text.pdf
# locked.pdf: the same letter with its text layer, readable only with a password.
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOwnerPassword=owner -sUserPassword=reader \
	-dEncryptionR=3 -dKeyLength=128 -o locked.pdf scanned-text.pdf
rm scanned-text.pdf
# printed.pdf: the cafe-closure web page printed by Chromium (embedded subset
# TrueType fonts with two-byte codes, as most PDFs made today have).
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --disable-quic \
	--user-data-dir="$(mktemp -d)" --no-pdf-header-footer \
	--print-to-pdf=printed.pdf ../html/cafe-closure.html
