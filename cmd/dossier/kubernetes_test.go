package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

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
	replicas := 1 // Kubernetes' default
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	if !interactions && (replicas != 1 || d.Spec.Strategy.Type != "Recreate") {
		t.Errorf("gateway mode with %d replicas and strategy %q, want exactly 1 replica, replaced with Recreate: two gateway connections answer twice",
			replicas, d.Spec.Strategy.Type)
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
