package main

import (
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// kustomization is what the renderer below understands of a
// kustomization.yaml. It decodes with known fields only: a patch, an
// image override or anything else it would not apply fails the test
// rather than be skipped, so what is checked is what kubectl applies.
type kustomization struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Labels     []struct {
		Pairs            map[string]string `yaml:"pairs"`
		IncludeSelectors bool              `yaml:"includeSelectors"`
		IncludeTemplates bool              `yaml:"includeTemplates"`
	} `yaml:"labels"`
	Resources []string `yaml:"resources"`
}

// kustomize renders the kustomization in dir as kubectl kustomize does for
// the fields kustomization knows: its resources, with its labels added.
func kustomize(tb testing.TB, dir string) []map[string]any {
	tb.Helper()
	dec := yaml.NewDecoder(strings.NewReader(readFile(tb, filepath.Join(dir, "kustomization.yaml"))))
	dec.KnownFields(true)
	var k kustomization
	if err := dec.Decode(&k); err != nil {
		tb.Fatalf("kustomization.yaml uses what this test cannot render (teach it): %v", err)
	}
	if k.Kind != "Kustomization" || !strings.HasPrefix(k.APIVersion, "kustomize.config.k8s.io/") {
		tb.Fatalf("kustomization.yaml is a %s of %s", k.Kind, k.APIVersion)
	}
	var objs []map[string]any
	for _, r := range k.Resources {
		dec := yaml.NewDecoder(strings.NewReader(readFile(tb, filepath.Join(dir, r))))
		for {
			var obj map[string]any
			err := dec.Decode(&obj)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				tb.Fatalf("parse %s: %v", r, err)
			}
			if obj == nil {
				continue
			}
			for _, l := range k.Labels {
				addLabels(obj, l.Pairs, "metadata", "labels")
				if l.IncludeSelectors {
					if obj["kind"] == "Service" {
						addLabels(obj, l.Pairs, "spec", "selector")
					} else {
						addLabels(obj, l.Pairs, "spec", "selector", "matchLabels")
					}
				}
				if l.IncludeSelectors || l.IncludeTemplates {
					if _, ok := field(obj, "spec", "template"); ok {
						addLabels(obj, l.Pairs, "spec", "template", "metadata", "labels")
					}
				}
			}
			objs = append(objs, obj)
		}
	}
	return objs
}

// field is the value at path in obj.
func field(obj map[string]any, path ...string) (any, bool) {
	var v any = obj
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

// addLabels merges pairs into the map at path, making it if needed.
func addLabels(obj map[string]any, pairs map[string]string, path ...string) {
	m := obj
	for _, p := range path {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	for k, v := range pairs {
		m[k] = v
	}
}

// as decodes a rendered object into v.
func as(tb testing.TB, obj map[string]any, v any) {
	tb.Helper()
	raw, err := yaml.Marshal(obj)
	if err == nil {
		err = yaml.Unmarshal(raw, v)
	}
	if err != nil {
		tb.Fatalf("decode a rendered %v: %v", obj["kind"], err)
	}
}

// TestKustomizationWiresReplicasToPostgres renders deploy/kubernetes as
// kubectl apply -k would and checks that it is N interactions-mode
// replicas behind a Service, each with its own index, sharing a database
// whose URL is in the Secret they read.
func TestKustomizationWiresReplicasToPostgres(t *testing.T) {
	t.Parallel()
	objs := kustomize(t, filepath.Join(deployDir, "kubernetes"))
	byKind := map[string][]map[string]any{}
	for _, o := range objs {
		kind, _ := o["kind"].(string)
		byKind[kind] = append(byKind[kind], o)
		if v, _ := field(o, "metadata", "labels", "app.kubernetes.io/part-of"); v != "dossier" {
			t.Errorf("%s lacks the kustomization's label part-of=dossier", kind)
		}
	}
	if len(byKind["Deployment"]) != 1 || len(byKind["Service"]) != 1 || len(byKind["Secret"]) != 1 {
		t.Fatalf("rendered %d Deployments, %d Services, %d Secrets; want one each", len(byKind["Deployment"]), len(byKind["Service"]), len(byKind["Secret"]))
	}
	var d manifest
	as(t, byKind["Deployment"][0], &d)
	var secret manifest
	as(t, byKind["Secret"][0], &secret)
	var svc struct {
		Metadata struct{ Name string } `yaml:"metadata"`
		Spec     struct {
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Port       int    `yaml:"port"`
				TargetPort string `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
	as(t, byKind["Service"][0], &svc)

	checkDeployment(t, d, settingKeys(t), []string{secret.Metadata.Name}, nil)
	c := d.Spec.Template.Spec.Containers[0]
	if !slices.Contains(c.Args, "--interactions") {
		t.Errorf("args %q, want --interactions: replicas behind a Service take Discord's requests over HTTP", c.Args)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Errorf("replicas %v, want several", d.Spec.Replicas)
	}

	// The Service sends to the pods, on the port the probes use.
	labels := d.Spec.Template.Metadata.Labels
	if len(svc.Spec.Selector) == 0 {
		t.Error("the Service selects no pods")
	}
	for k, v := range svc.Spec.Selector {
		if labels[k] != v {
			t.Errorf("Service %s selects %s=%s, which the pods (%v) lack", svc.Metadata.Name, k, v, labels)
		}
	}
	ports := map[string]bool{}
	for _, p := range c.Ports {
		ports[p.Name] = true
	}
	if len(svc.Spec.Ports) == 0 || !ports[svc.Spec.Ports[0].TargetPort] {
		t.Errorf("Service ports %+v, want one to a named container port of %v", svc.Spec.Ports, slices.Collect(maps.Keys(ports)))
	}

	// The database URL, the token and the public key come from the
	// Secret, not the manifest.
	for _, k := range []string{"DOSSIER_DATABASE_URL", "DOSSIER_DISCORD_TOKEN", "DOSSIER_DISCORD_PUBLIC_KEY"} {
		if secret.StringData[k] == "" {
			t.Errorf("Secret %s has no %s", secret.Metadata.Name, k)
		}
	}
	if !strings.HasPrefix(secret.StringData["DOSSIER_DATABASE_URL"], "postgres://") {
		t.Errorf("DOSSIER_DATABASE_URL %q, want a postgres:// URL", secret.StringData["DOSSIER_DATABASE_URL"])
	}
	data := ""
	for _, e := range c.Env {
		switch e.Name {
		case "DOSSIER_DATABASE_URL", "DOSSIER_DISCORD_TOKEN":
			t.Errorf("env sets %s in the manifest, want it from the Secret", e.Name)
		case "DOSSIER_DATA":
			data = e.Value
		}
	}
	// Each replica's own index: a volume of its own at DOSSIER_DATA, not
	// a claim the replicas would fight over.
	mounted := ""
	for _, m := range c.VolumeMounts {
		if m.MountPath == data {
			mounted = m.Name
		}
	}
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Name == mounted && v.PersistentVolumeClaim != nil {
			t.Errorf("DOSSIER_DATA %s is the claim %s, shared by the replicas; want a volume of each pod's own", data, v.PersistentVolumeClaim.ClaimName)
		}
	}
	if data == "" || mounted == "" {
		t.Errorf("DOSSIER_DATA %q mounted from %q, want each replica's index on a volume of its own", data, mounted)
	}
}
