package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	t.Parallel()
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"release", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"},
			Settings: vcs("vcs.revision", "0a1b2c3d", "vcs.time", "2026-11-23T19:00:00Z", "vcs.modified", "false")},
			"dossier v1.2.0, commit 0a1b2c3d (2026-11-23T19:00:00Z), go1.26.8"},
		{"modified checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs.revision", "0a1b2c3d", "vcs.modified", "true")},
			"dossier (devel), commit 0a1b2c3d, modified, go1.26.8"},
		{"no vcs", debug.BuildInfo{GoVersion: "go1.26.8"},
			"dossier (devel), commit unknown (built without version control information), go1.26.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeBuild(&tt.info); got != tt.want {
				t.Errorf("describeBuild() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	stdout, _ := mustDossier(t, Config{}, "", "version")
	info, _ := debug.ReadBuildInfo()
	if !strings.HasPrefix(stdout, "dossier ") || !strings.HasSuffix(stdout, ", "+info.GoVersion+"\n") {
		t.Errorf("dossier version = %q, want the version line ending in %s", stdout, info.GoVersion)
	}
	if _, _, err := dossier(t, Config{}, "", "version", "extra"); err == nil {
		t.Error("dossier version extra = nil error, want a usage error")
	}
}
