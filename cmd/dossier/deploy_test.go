package main

import (
	"bufio"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The deployment files, from this package's folder.
const (
	repoRoot   = "../.."
	deployDir  = repoRoot + "/deploy"
	dockerfile = repoRoot + "/Dockerfile"
)

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var settingName = regexp.MustCompile(`\bDOSSIER_[A-Z0-9_]*[A-Z0-9]\b`)

func TestEverySettingIsDocumented(t *testing.T) {
	t.Parallel()
	keys := settingKeys(t)
	if len(keys) < 10 {
		t.Fatalf("settingKeys() = %q, want every setting", keys)
	}
	example := readFile(t, deployDir+"/dossier.env.example")
	readme := readFile(t, repoRoot+"/README.md")
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^#?` + k + `=`).MatchString(example) {
			t.Errorf("deploy/dossier.env.example has no line %s=... (or #%s=...)", k, k)
		}
		if !strings.Contains(readme, "`"+k+"`") {
			t.Errorf("README.md does not document `%s`", k)
		}
	}
	// And the other way: every setting named anywhere is one the code reads.
	files := []string{dockerfile, repoRoot + "/README.md"}
	deployFiles, err := filepath.Glob(deployDir + "/*")
	if err != nil {
		t.Fatal(err)
	}
	k8s, err := filepath.Glob(deployDir + "/kubernetes/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(append(files, deployFiles...), k8s...) {
		if info, err := os.Stat(f); err != nil || info.IsDir() {
			continue
		}
		for _, name := range settingName.FindAllString(readFile(t, f), -1) {
			if _, found := slices.BinarySearch(keys, name); !found && name != envPrefix+"_DISCORD" {
				t.Errorf("%s names %s, which is no setting", f, name)
			}
		}
	}
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
}

func parseDockerfile(tb testing.TB, text string) [][]instruction {
	tb.Helper()
	var stages [][]instruction
	var line string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") || (l == "" && line == "") {
			continue
		}
		if cont, ok := strings.CutSuffix(l, `\`); ok {
			line += cont + " "
			continue
		}
		line += l
		cmd, args, _ := strings.Cut(line, " ")
		line = ""
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			tb.Fatalf("Dockerfile: %s before FROM", in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	return stages
}

// find returns the arguments of a stage's instructions named cmd.
func find(stage []instruction, cmd string) []string {
	var out []string
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// execForm decodes an instruction's JSON array form, or fails.
func execForm(tb testing.TB, what, args string) []string {
	tb.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
		tb.Errorf("Dockerfile %s %s: want the exec (JSON array) form: the image has no shell", what, args)
	}
	return argv
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	stages := parseDockerfile(t, readFile(t, dockerfile))
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a run stage", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if from := build[0].args; from != "golang:1.26 AS build" {
		t.Errorf("build stage FROM %s, want golang:1.26 AS build", from)
	}
	if from := final[0].args; from != "gcr.io/distroless/static-debian12:nonroot" {
		t.Errorf("run stage FROM %s, want gcr.io/distroless/static-debian12:nonroot", from)
	}
	if env := strings.Join(find(build, "ENV"), " "); !strings.Contains(env, "CGO_ENABLED=0") {
		t.Errorf("build stage ENV %q, want CGO_ENABLED=0 for a static binary", env)
	}
	if runs := strings.Join(find(build, "RUN"), "\n"); !strings.Contains(runs, "go build") || !strings.Contains(runs, "./cmd/dossier") {
		t.Errorf("build stage RUN %q, want go build ./cmd/dossier", runs)
	}

	if user := find(final, "USER"); len(user) != 1 || !strings.HasPrefix(user[0], "nonroot") {
		t.Errorf("run stage USER %q, want nonroot", user)
	}
	if vol := find(final, "VOLUME"); !slices.Contains(vol, "/data") && !slices.Contains(vol, `["/data"]`) {
		t.Errorf("run stage VOLUME %q, want /data", vol)
	}
	var binary string
	for _, c := range find(final, "COPY") {
		if f := strings.Fields(c); strings.HasPrefix(c, "--from=build") && strings.HasSuffix(f[len(f)-1], "/dossier") {
			binary = f[len(f)-1]
		}
	}
	if binary == "" {
		t.Fatal("run stage copies no dossier binary from the build stage")
	}
	entry := find(final, "ENTRYPOINT")
	if len(entry) != 1 || !slices.Equal(execForm(t, "ENTRYPOINT", entry[0]), []string{binary}) {
		t.Errorf("ENTRYPOINT %q, want [%q]", entry, binary)
	}
	if cmd := find(final, "CMD"); len(cmd) != 1 || !slices.Equal(execForm(t, "CMD", cmd[0]), []string{"serve"}) {
		t.Errorf("CMD %q, want [\"serve\"]", cmd)
	}

	hc := find(final, "HEALTHCHECK")
	if len(hc) != 1 {
		t.Fatalf("run stage has %d HEALTHCHECKs, want 1", len(hc))
	}
	_, probe, ok := strings.Cut(hc[0], "CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %q has no CMD", hc[0])
	}
	argv := execForm(t, "HEALTHCHECK CMD", probe)
	if len(argv) < 2 || argv[0] != binary || !isCommand(argv[1]) {
		t.Errorf("HEALTHCHECK CMD %q, want %s and one of its commands", argv, binary)
	}

	keys := settingKeys(t)
	for _, stage := range stages {
		for _, in := range stage {
			if in.cmd != "ENV" && in.cmd != "ARG" {
				continue
			}
			for _, name := range settingName.FindAllString(in.args, -1) {
				if strings.Contains(name, "TOKEN") || strings.Contains(name, "KEY") {
					t.Errorf("Dockerfile %s %s: a secret must not be baked into the image", in.cmd, in.args)
				}
				if _, found := slices.BinarySearch(keys, name); !found {
					t.Errorf("Dockerfile %s sets %s, which is no setting", in.cmd, name)
				}
			}
		}
	}
}

func isCommand(name string) bool {
	return slices.ContainsFunc(commands(), func(c command) bool { return c.name == name })
}

func TestComposeFile(t *testing.T) {
	t.Parallel()
	var compose struct {
		Services map[string]struct {
			Build struct {
				Context    string `yaml:"context"`
				Dockerfile string `yaml:"dockerfile"`
			} `yaml:"build"`
			Command         []string          `yaml:"command"`
			EnvFile         string            `yaml:"env_file"`
			Environment     map[string]string `yaml:"environment"`
			Volumes         []string          `yaml:"volumes"`
			StopGracePeriod string            `yaml:"stop_grace_period"`
			ReadOnly        bool              `yaml:"read_only"`
			CapDrop         []string          `yaml:"cap_drop"`
			SecurityOpt     []string          `yaml:"security_opt"`
			Image           string            `yaml:"image"`
			DependsOn       map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, deployDir+"/docker-compose.yml")), &compose); err != nil {
		t.Fatalf("parse deploy/docker-compose.yml: %v", err)
	}
	svc, ok := compose.Services["dossier"]
	if !ok {
		t.Fatalf("docker-compose.yml services = %v, want dossier", compose.Services)
	}
	if _, err := os.Stat(filepath.Join(deployDir, svc.Build.Context, svc.Build.Dockerfile)); err != nil {
		t.Errorf("build context %q, dockerfile %q: %v", svc.Build.Context, svc.Build.Dockerfile, err)
	}
	if svc.EnvFile != "dossier.env" {
		t.Errorf("env_file %q, want dossier.env (from dossier.env.example)", svc.EnvFile)
	}
	if !slices.Equal(svc.Command, []string{"serve"}) {
		t.Errorf("command %q, want [serve]", svc.Command)
	}
	var data string
	for _, v := range svc.Volumes {
		if name, ok := strings.CutSuffix(v, ":/data"); ok {
			data = name
		}
	}
	if _, declared := compose.Volumes[data]; data == "" || !declared {
		t.Errorf("volumes %q (declared %v), want a named volume at /data", svc.Volumes, compose.Volumes)
	}
	if svc.Environment["DOSSIER_DATA"] != "/data" {
		t.Errorf("environment DOSSIER_DATA = %q, want /data", svc.Environment["DOSSIER_DATA"])
	}
	// The state in the postgres service, which the bot waits for.
	pg, ok := compose.Services["postgres"]
	url := svc.Environment["DOSSIER_DATABASE_URL"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") {
		t.Errorf("services %v, want a postgres service from the postgres image", slices.Collect(maps.Keys(compose.Services)))
	} else if !strings.HasPrefix(url, "postgres://"+pg.Environment["POSTGRES_USER"]+":") || !strings.Contains(url, "@postgres:5432/"+pg.Environment["POSTGRES_DB"]+"?") {
		t.Errorf("DOSSIER_DATABASE_URL %q, want the postgres service's database %q as its user %q", url, pg.Environment["POSTGRES_DB"], pg.Environment["POSTGRES_USER"])
	}
	if svc.DependsOn["postgres"].Condition != "service_healthy" || len(pg.Healthcheck.Test) == 0 {
		t.Errorf("dossier depends on %+v and postgres checks %q; want dossier to wait until postgres is healthy", svc.DependsOn, pg.Healthcheck.Test)
	}
	if _, declared := compose.Volumes[strings.Split(strings.Join(pg.Volumes, ""), ":")[0]]; len(pg.Volumes) != 1 || !declared {
		t.Errorf("postgres volumes %q, want one named volume for its data", pg.Volumes)
	}
	if grace, err := time.ParseDuration(svc.StopGracePeriod); err != nil || grace <= 10*time.Second {
		t.Errorf("stop_grace_period %q, want more than the 10 s serve takes to stop", svc.StopGracePeriod)
	}
	if !svc.ReadOnly || !slices.Contains(svc.CapDrop, "ALL") || !slices.Contains(svc.SecurityOpt, "no-new-privileges:true") {
		t.Errorf("read_only %v, cap_drop %q, security_opt %q; want a read-only root, no capabilities, no new privileges",
			svc.ReadOnly, svc.CapDrop, svc.SecurityOpt)
	}
	keys := settingKeys(t)
	for k := range svc.Environment {
		if _, found := slices.BinarySearch(keys, k); !found {
			t.Errorf("environment sets %s, which is no setting", k)
		}
	}
}

func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	unit := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(readFile(t, deployDir+"/dossier.service")))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			unit[k] = append(unit[k], v)
		}
	}
	for k, want := range map[string]string{
		"DynamicUser":           "yes",
		"ProtectSystem":         "strict",
		"ProtectHome":           "yes",
		"NoNewPrivileges":       "yes",
		"PrivateTmp":            "yes",
		"StateDirectory":        "dossier",
		"Restart":               "on-failure",
		"KillSignal":            "SIGTERM",
		"EnvironmentFile":       "/etc/dossier/dossier.env",
		"CapabilityBoundingSet": "",
	} {
		if got := unit[k]; len(got) != 1 || got[0] != want {
			t.Errorf("dossier.service %s=%q, want %q", k, got, want)
		}
	}
	if exec := unit["ExecStart"]; len(exec) != 1 || !strings.HasSuffix(exec[0], "/dossier serve") {
		t.Errorf("ExecStart=%q, want dossier serve", exec)
	}
	if !slices.Contains(unit["Environment"], "DOSSIER_DATA=/var/lib/dossier") {
		t.Errorf("Environment=%q, want DOSSIER_DATA in the StateDirectory, /var/lib/dossier", unit["Environment"])
	}
	if stop, err := time.ParseDuration(strings.Join(unit["TimeoutStopSec"], "")); err != nil || stop <= 10*time.Second {
		t.Errorf("TimeoutStopSec=%q, want more than the 10 s serve takes to stop", unit["TimeoutStopSec"])
	}
}
