package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

const versionAbout = `Prints the module version, the commit the binary was built from (marked
"modified" when the work tree had uncommitted changes), and the Go version.`

func runVersion(_ context.Context, args []string, _ envLoader, sio stdio) error {
	fs := newFlagSet("version", "dossier version", versionAbout)
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("version takes no arguments, got %q", rest[0]), help: fs.usage()}
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return errors.New("read build info: the binary carries none")
	}
	_, err = fmt.Fprintln(sio.out, describeBuild(info))
	return err
}

// build is what a binary knows of where it came from.
type build struct {
	version, commit, commitTime, goVersion string
	modified                               bool
}

func buildOf(info *debug.BuildInfo) build {
	b := build{version: info.Main.Version, goVersion: info.GoVersion}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.commit = s.Value
		case "vcs.time":
			b.commitTime = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	if b.version == "" {
		// A test binary, or a build outside module mode.
		b.version = "(devel)"
	}
	return b
}

// describeBuild is the line dossier version prints, e.g.
// "dossier v1.2.0, commit 0a1b2c3… (2026-11-23T19:00:00Z), go1.26.8".
func describeBuild(info *debug.BuildInfo) string {
	b := buildOf(info)
	var s strings.Builder
	fmt.Fprintf(&s, "dossier %s, ", b.version)
	switch {
	case b.commit == "":
		s.WriteString("commit unknown (built without version control information)")
	default:
		s.WriteString("commit " + b.commit)
		if b.commitTime != "" {
			s.WriteString(" (" + b.commitTime + ")")
		}
		if b.modified {
			s.WriteString(", modified")
		}
	}
	s.WriteString(", " + b.goVersion)
	return s.String()
}
