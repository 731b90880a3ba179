package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// Go runs the initialisation of every package a program links, whether or
// not the program ever calls it. These modules' initialisation is costly
// enough that no dossier command may pay it: go-dateparser compiles some
// 4,000 regular expressions at start-up (about 80 MB of heap and 0.15 s,
// upstream markusmobius/go-dateparser#20), and go-htmldate imports it.
// corpus/extract/trafilatura is go-trafilatura without them.
var unwantedModules = []string{
	"github.com/markusmobius/go-dateparser",
	"github.com/markusmobius/go-htmldate",
	"github.com/markusmobius/go-trafilatura",
}

func TestNoModuleWithCostlyInit(t *testing.T) {
	t.Parallel()
	info, ok := debug.ReadBuildInfo()
	if !ok || len(info.Deps) == 0 {
		t.Fatal("the test binary has no module information to check")
	}
	for _, d := range info.Deps {
		for _, u := range unwantedModules {
			if d.Path == u || strings.HasPrefix(d.Path, u+"/") {
				t.Errorf("dossier links %s %s; its package initialisation runs in every dossier process (see unwantedModules)", d.Path, d.Version)
			}
		}
	}
}
