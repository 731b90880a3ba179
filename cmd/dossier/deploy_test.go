package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
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

// manifest is the part of a Kubernetes object these tests check.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	StringData map[string]string `yaml:"stringData"`
	Resources  []string          `yaml:"resources"` // of a Kustomization
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	TerminationGracePeriodSeconds int `yaml:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot bool `yaml:"runAsNonRoot"`
	} `yaml:"securityContext"`
	Containers []struct {
		Name    string   `yaml:"name"`
		Args    []string `yaml:"args"`
		EnvFrom []struct {
			SecretRef struct {
				Name string `yaml:"name"`
			} `yaml:"secretRef"`
		} `yaml:"envFrom"`
		Env []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"env"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		LivenessProbe  probe `yaml:"livenessProbe"`
		ReadinessProbe probe `yaml:"readinessProbe"`
		VolumeMounts   []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
		SecurityContext struct {
			ReadOnlyRootFilesystem   bool  `yaml:"readOnlyRootFilesystem"`
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
		} `yaml:"securityContext"`
	} `yaml:"containers"`
	Volumes []struct {
		Name                  string `yaml:"name"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	} `yaml:"volumes"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

// manifests reads every object of every file in deploy/kubernetes, by kind.
func manifests(tb testing.TB) map[string][]manifest {
	tb.Helper()
	files, err := filepath.Glob(deployDir + "/kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		tb.Fatalf("deploy/kubernetes/*.yaml: %v files, %v", len(files), err)
	}
	byKind := map[string][]manifest{}
	for _, f := range files {
		dec := yaml.NewDecoder(strings.NewReader(readFile(tb, f)))
		for {
			var m manifest
			err := dec.Decode(&m)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				tb.Fatalf("parse %s: %v", f, err)
			}
			if m.Kind == "" {
				tb.Errorf("%s: an object without a kind", f)
			}
			byKind[m.Kind] = append(byKind[m.Kind], m)
		}
	}
	return byKind
}

func TestKubernetesManifests(t *testing.T) {
	t.Parallel()
	objs := manifests(t)
	for _, kind := range []string{"Deployment", "PersistentVolumeClaim", "Secret", "Service", "Kustomization"} {
		if len(objs[kind]) == 0 {
			t.Errorf("deploy/kubernetes has no %s", kind)
		}
	}
	names := func(kind string) []string {
		var out []string
		for _, m := range objs[kind] {
			out = append(out, m.Metadata.Name)
		}
		return out
	}
	for _, k := range objs["Kustomization"] {
		for _, r := range k.Resources {
			if _, err := os.Stat(filepath.Join(deployDir, "kubernetes", r)); err != nil {
				t.Errorf("kustomization.yaml lists %s: %v", r, err)
			}
		}
	}
	keys := settingKeys(t)
	isSetting := func(k string) bool { _, found := slices.BinarySearch(keys, k); return found }
	for _, s := range objs["Secret"] {
		for k := range s.StringData {
			if !isSetting(k) {
				t.Errorf("Secret %s holds %s, which is no setting", s.Metadata.Name, k)
			}
		}
	}
	for _, d := range objs["Deployment"] {
		t.Run(d.Metadata.Name, func(t *testing.T) {
			checkDeployment(t, d, keys, names("Secret"), names("PersistentVolumeClaim"))
		})
	}
}

func checkDeployment(t *testing.T, d manifest, keys, secrets, claims []string) {
	spec := d.Spec.Template.Spec
	for k, v := range d.Spec.Selector.MatchLabels {
		if d.Spec.Template.Metadata.Labels[k] != v {
			t.Errorf("selector %s=%s does not match the pod labels %v", k, v, d.Spec.Template.Metadata.Labels)
		}
	}
	if spec.TerminationGracePeriodSeconds <= 10 {
		t.Errorf("terminationGracePeriodSeconds %d, want more than the 10 s serve takes to stop", spec.TerminationGracePeriodSeconds)
	}
	if !spec.SecurityContext.RunAsNonRoot {
		t.Error("securityContext.runAsNonRoot is not true")
	}
	if len(spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(spec.Containers))
	}
	c := spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Errorf("args %q, want serve", c.Args)
	}
	interactions := slices.Contains(c.Args, "--interactions")
	if !interactions && (d.Spec.Replicas == nil || *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != "Recreate") {
		t.Errorf("gateway mode with replicas %v and strategy %q, want exactly 1 replica, replaced with Recreate: two gateway connections answer twice",
			d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	var port string
	for _, p := range c.Ports {
		if p.ContainerPort == 8080 {
			port = p.Name
		}
	}
	if port == "" {
		t.Errorf("ports %+v, want the HTTP server's 8080, named", c.Ports)
	}
	for _, p := range []struct {
		name  string
		probe probe
		path  string
	}{{"liveness", c.LivenessProbe, "/healthz"}, {"readiness", c.ReadinessProbe, "/readyz"}} {
		if p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port != port {
			t.Errorf("%s probe GET %s on port %q, want %s on %q", p.name, p.probe.HTTPGet.Path, p.probe.HTTPGet.Port, p.path, port)
		}
	}
	for _, e := range c.Env {
		if _, found := slices.BinarySearch(keys, e.Name); !found {
			t.Errorf("env %s is no setting", e.Name)
		}
		if e.Name == "DOSSIER_HTTP_ADDR" && e.Value != ":8080" {
			t.Errorf("DOSSIER_HTTP_ADDR=%q, but the probes use 8080", e.Value)
		}
	}
	if len(c.EnvFrom) == 0 {
		t.Error("no envFrom: the token must come from the Secret")
	}
	for _, ef := range c.EnvFrom {
		if !slices.Contains(secrets, ef.SecretRef.Name) {
			t.Errorf("envFrom secret %q, want one of %q", ef.SecretRef.Name, secrets)
		}
	}
	if !c.SecurityContext.ReadOnlyRootFilesystem || c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation {
		t.Errorf("container securityContext %+v, want a read-only root and no privilege escalation", c.SecurityContext)
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim != nil && !slices.Contains(claims, v.PersistentVolumeClaim.ClaimName) {
			t.Errorf("volume %s claims %q, want one of %q", v.Name, v.PersistentVolumeClaim.ClaimName, claims)
		}
		if v.PersistentVolumeClaim != nil && mounts[v.Name] != "/data" {
			t.Errorf("persistent volume %s mounted at %q, want /data", v.Name, mounts[v.Name])
		}
	}
}
