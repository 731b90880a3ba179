// Package trafilatura extracts a web page's main text and metadata. It is a
// copy of github.com/markusmobius/go-trafilatura v1.12.2 (Apache License
// 2.0, see LICENSE), changed only where README.md says: its publication
// date comes from Options.FindDate instead of go-htmldate, whose
// go-dateparser dependency costs every program that links it some 80 MB
// and 0.15 s at start-up.
package trafilatura
