"""-o go-template / go-template-file / template: Go's text/template as kubectl v1.35 runs it.

Differential against the real kubectl on client-built objects (`create deploy --dry-run=client`), on a
manifest read with `create -f --dry-run=client` (unstructured: sorted keys in the debugging block), and on
`get` through the fake API server serving the simulated cluster's objects.
"""
from __future__ import annotations

import copy

import pytest

from playground.sim.engine import Engine
from playground.sim.printers.gotemplate import MAX_STEPS, GoTemplate, _float_g
from tests.sim.test_oracle_diff import NOW, _objects, oracle, simulate
from tests.tools.fake_apiserver import FakeApiServer

DEPLOY = ["create", "deploy", "web", "--image=nginx", "--replicas=3", "--dry-run=client"]
TEMPLATES = [
    '{{.metadata.name}}',
    '{{.spec.replicas}}',
    '{{.metadata.nope}}',
    '{{.metadata.nope.deeper}}',
    '{{.metadata.name.foo}}',
    '{{.metadata.name',
    '{{.metadata.name}',
    '{{foo .x}}',
    '{{if .spec}}yes{{else}}no{{end}}',
    '{{range .spec.template.spec.containers}}{{.name}} {{.image}}{{"\\n"}}{{end}}',
    '{{eq .spec.replicas 3}}',
    '{{printf "%d" .spec.replicas}}',
    '{{printf "%v|%s|%5.1f|%q" .spec.replicas .metadata.name .spec.replicas .metadata.name}}',
    '{{len .spec.template.spec.containers}}',
    '{{len .metadata.nope}}',
    '{{index .metadata.labels "app"}}',
    '{{.metadata}}',
    '{{.spec.template.spec.containers}}',
    '{{range $i, $c := .spec.template.spec.containers}}{{$i}}={{$c.name}}{{end}}',
    '{{- .metadata.name -}}   {{ .kind }}',
    '{{if}}x{{end}}',
    '{{end}}',
    '{{range .metadata.name}}x{{end}}',
    '{{index .spec.template.spec.containers 5}}',
    '{{1000000.0}} {{1e6}} {{.status}} {{nil}}',
    'plain',
    '{{$x := .metadata.name}}{{$x}}{{$y}}',
    '{{with .metadata.nope}}A{{else}}B{{end}}',
    '{{range 3}}{{.}}{{end}}',
    '{{if .x}}a',
    '{{else}}',
    '{{.a | .b}}',
    '{{"abc}}',
    '{{range .items}}{{break}}{{end}}{{break}}',
    '{{eq .spec.replicas 3.0}}',
    '{{eq .metadata.name 3}}',
    '{{lt .metadata.name "x"}}',
    '{{print 1 2 "a" "b" 3}} {{println 1 "x"}}',
    '{{printf "%s %d %x %5s|%-5s|%05d %t %v %%" .metadata.name 7 255 "ab" "ab" 42 true .metadata.labels}}',
    '{{printf "%d"}} {{printf "%d" 1 2}}',
    '{{and 1 0 2}} {{or 0 "" "x"}} {{not 0}}',
    '{{len "abc"}} {{len .metadata.labels}} {{len 3}}',
    '{{index .metadata.labels "nope"}}|{{index .spec.replicas 1}}',
    '{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}',
    '{{with $x := .metadata.name}}{{$x}}{{end}}',
    '{{/* comment */}}A{{- /* c2 */ -}} B',
    '{{(.metadata).name}} {{ (index .metadata.labels "app") | printf "%q" }}',
    '{{$}}',
    '{{template "x"}}',
    '{{define "x"}}X{{end}}{{template "x"}}',
    '{{.Metadata}}',
    "{{1.5}} {{0.1}} {{123456789.0}} {{0.00001}} {{-3}} {{0x1F}} {{'a'}}",
    '{{range .spec.template.spec.containers}}{{if eq .name "nginx"}}{{.image}}{{else if eq .name "x"}}x{{else}}other{{end}}{{end}}',
    '{{range $i, $e := .spec.template.spec.containers}}{{if $i}},{{end}}{{$e.name}}{{end}}',
    '{{ .metadata.name | len }} {{ "x" | printf "%s-%s" "a" }}',
    '{{range .spec.template.spec.containers}}{{continue}}{{end}}done',
    '{{$n := 0}}{{range .spec.template.spec.containers}}{{$n = 1}}{{end}}{{$n}}',
    '{{range .nope}}a{{else}}empty{{end}}',
    '{{ .spec.selector.matchLabels.app }}{{"\\t"}}{{.kind}}',
    '{{.metadata.labels.app | printf "%10s|"}}',
    '{{html "<a&b>"}} {{urlquery "a b&c"}} {{js "it\'s"}}',
    '{{exists . "metadata" "name"}} {{exists . "nope"}}',
    '{{base64decode "aGVsbG8="}}',
    '{{slice "abcdef" 1 3}}',
    '{{gt .spec.replicas 2}} {{le 1 2}} {{ne "a" "b"}}',
    '{{.spec.template.spec.containers.name}}',
    '{{range .spec.template.spec.containers}}{{.resources.limits.cpu}}{{end}}',
    '{{ .x }',
    '{{ | }}',
    '{{.metadata.name 1}}',
    '{{range $a, $b, $c := .x}}{{end}}',
    '{{if .metadata.name}}{{else}}{{else}}{{end}}',
    '{{range .spec.template.spec.containers}}{{.name}}:{{range .ports}}{{.containerPort}}{{end}}{{end}}',
    '{{printf "%.2f" 1.5}} {{printf "%e" 1234.5678}} {{printf "%g" 0.000001}} {{printf "%8.3f|" 3.14159}}',
    '{{printf "%x %X %o %b %c" 255 255 8 5 65}}',
    '{{printf "%+d % d %-4d|" 5 5 5}}',
    '{{printf "%s" 3}} {{printf "%d" "x"}} {{printf "%t" 1}}',
    '{{printf "%v %v" .metadata.labels .spec.template.spec.containers}}',
    '{{printf "%q" "a\\"b\\n"}}',
    '{{printf "%5t|%-7v|" true "ab"}}',
    '{{index . "metadata" "name"}}',
    '{{index .spec.template.spec.containers 0 "image"}}',
    '{{ len .spec.template.spec.containers | printf "%d containers" }}',
    '{{with .spec}}{{.replicas}}{{end}}',
    '{{with .spec}}{{$.kind}}{{end}}',
    '{{range $i, $c := .spec.template.spec.containers}}{{$i}}{{$.metadata.name}}{{end}}',
    '{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}',
    '{{if and .spec .metadata}}both{{end}}',
    '{{if or .nope .metadata.name}}{{.metadata.name}}{{end}}',
    '{{if not .nope}}none{{end}}',
    '{{.metadata.name | printf "%s!" | printf "%s?"}}',
    '{{- range .spec.template.spec.containers }}',
    '  {{ .name }}',
    '{{- end }}',
    '{{"a" 1}}',
    '{{3 | printf "%d"}}',
    '{{.metadata.name | 3}}',
    '{{range .spec.template.spec.containers}}{{end',
    '{{define "a"}}A{{.}}{{end}}{{template "a" .kind}}',
    '{{block "b" .kind}}B{{.}}{{end}}',
    '{{lt 1 2.0}}',
    '{{lt .metadata.labels 1}}',
    '{{eq .metadata.labels .metadata.labels}}',
    '{{eq .nope .nope2}}',
    '{{eq .nope "x"}}',
    '{{ne .spec.replicas 3}}',
    '{{len}}',
    '{{not}}',
    '{{and}}',
    '{{index}}',
    '{{index .metadata.labels 1}}',
    '{{slice .metadata.name 1}}',
    '{{.spec.strategy.x.y}}',
    '{{$.metadata.name}}',
    '{{range .metadata.labels}}{{.}}{{end}}',
    '{{range $v := .metadata.labels}}{{$v}}{{end}}',
    '{{range 2.5}}{{end}}',
    '{{range $i, $v := 3}}{{end}}',
    '{{print}} {{print nil}} {{print .nope}} {{printf "%v" .nope}}',
    '{{printf "%s" .metadata}}',
    '{{printf "%d" .metadata}}',
    '{{printf "%5.2s|" "abcdef"}}',
    '{{.status.nope}}',
    '{{- "x" -}}',
    '{{-3}}',
    '{{ 1 | printf "%d %d" 2 }}',
    "{{ 'ab' }}",
    '{{ 1e }}',
    '{{ "\\x41\\u00e9" }}',
    '{{ `raw\\n` }}',
    '{{ . | len }}',
    '{{ true }} {{ false }} {{ printf "%v" nil }}',
    '{{ if eq .kind "Deployment" "Pod" }}match{{ end }}',
    '{{ $x := .metadata }}{{ $x.name }}',
    '{{ $x := .metadata }}{{ $x.name.first }}',
    '{{.spec.replicas.x}}',
    '{{ (.spec).replicas }}',
    '{{ (1).x }}',
    '{{ .metadata.name.x.y }}',
    '{{range .spec.template.spec.containers}}{{.nope.x}}{{end}}',
]
MULTILINE = ["{{- range .spec.template.spec.containers }}\n  {{ .name }}\n{{- end }}",
             "{{.metadata.name}}\n{{.kind}\nx", "line1\n{{.metadata.name.x}}"]


@pytest.mark.parametrize("template", TEMPLATES + MULTILINE)
def test_go_template_matches_kubectl(kubectl_oracle, template):
    args = [*DEPLOY, "-o", f"go-template={template}"]
    assert simulate(args) == oracle(kubectl_oracle, args)


@pytest.mark.parametrize("flags", [
    ["-o", "template={{.kind}}"], ["-o", "go-template", "--template={{.kind}}"], ["--template={{.kind}}"],
    ["-o", "go-template"], ["-o", "template"], ["-o", "go-template={{.metadata.nope}}",
                                                   "--allow-missing-template-keys=false"],
    ["-o", "go-template-file=/nonexistent.tmpl"], ["-o", "templatefile=/nonexistent.tmpl"],
])
def test_template_flags_match_kubectl(kubectl_oracle, flags):
    args = [*DEPLOY, *flags]
    assert simulate(args) == oracle(kubectl_oracle, args)


def test_template_file_is_read_from_the_learners_machine(kubectl_oracle, tmp_path):
    text = '{{range .spec.template.spec.containers}}{{.name}}={{.image}}{{"\\n"}}{{end}}'
    (tmp_path / "t.tmpl").write_text(text)
    engine = Engine.new(seed=7, now=NOW)
    engine.host.files[engine.host.abspath("t.tmpl")] = text
    for fmt in ("go-template-file", "templatefile"):
        want = oracle(kubectl_oracle, [*DEPLOY, "-o", f"{fmt}={tmp_path}/t.tmpl"])
        assert simulate([*DEPLOY, "-o", f"{fmt}=t.tmpl"], engine) == want == ("nginx=nginx\n", "", 0)


MANIFEST = """apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels: {b: "2", a: "1"}
data:
  ratio: "0.5"
  html: "<b>&</b>"
"""


@pytest.mark.parametrize("template", ["{{.data.html}}", "{{.metadata.labels}}", "{{.data.nope.x}}",
                                      "{{range $k, $v := .data}}{{$k}}={{$v}};{{end}}", "{{.data.ratio.x}}"])
def test_go_template_on_a_manifest_matches_kubectl(kubectl_oracle, tmp_path, template):
    (tmp_path / "cm.yaml").write_text(MANIFEST)
    engine = Engine.new(seed=7, now=NOW)
    engine.host.files[engine.host.abspath("cm.yaml")] = MANIFEST
    args = ["--dry-run=client", "--validate=false", "-o", f"go-template={template}"]
    with FakeApiServer([]) as server:                   # discovery only: the object is never sent
        want = oracle(kubectl_oracle, ["create", "-f", str(tmp_path / "cm.yaml"), *args], server.kubeconfig)
    got = simulate(["create", "-f", "cm.yaml", *args], engine)
    assert got == want


@pytest.fixture(scope="module")
def cluster_engine():
    engine = Engine.new(seed=11, now=NOW)
    for line in (["create", "deploy", "nginx-app", "--image=nginx", "--port=80", "--replicas=2"],
                 ["run", "solo", "--image=nginx", "--port=80", "--labels=app=solo,tier=web"]):
        assert simulate(line, engine)[2] == 0
    return engine


@pytest.mark.parametrize("args", [
    ["get", "pods", "-o", 'go-template={{range .items}}{{.metadata.name}} {{.status.phase}}{{"\\n"}}{{end}}'],
    ["get", "pod", "solo", "-o", "go-template={{.metadata.labels}} {{.spec.containers}}"],
    ["get", "deploy", "nginx-app", "-o", "go-template={{.spec.replicas}} {{.metadata.generation}}"],
    ["get", "deploy", "nginx-app", "-o", "go-template={{.spec.replicas.x}}"],
    ["get", "pods", "-o", "template", "--template={{len .items}} {{.kind}}"],
])
def test_go_template_on_get_matches_kubectl(kubectl_oracle, cluster_engine, args):
    with FakeApiServer(copy.deepcopy(_objects(cluster_engine))) as server:
        want = oracle(kubectl_oracle, args, server.kubeconfig)
    assert simulate(args, cluster_engine) == want


# ---- the playground's own guarantees --------------------------------------------------------------------
def test_a_huge_range_is_stopped_by_the_meter():
    engine = Engine.new(seed=1, now=NOW)
    r = engine.run("kubectl create ns x --dry-run=client -o go-template='{{range 100000000}}x{{end}}'")
    assert r.exit_code == 1
    assert f"stopped after {MAX_STEPS} steps" in r.output
    assert len(r.output) < 3 * MAX_STEPS


def test_nested_templates_are_bounded():
    with pytest.raises(Exception, match="maximum template depth"):
        GoTemplate('{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}').execute({})


@pytest.mark.parametrize("value,text", [(1e6, "1e+06"), (100000.0, "100000"), (0.5, "0.5"), (1e-05, "1e-05"),
                                        (123456789.0, "1.23456789e+08"), (-2.5, "-2.5"), (0.0001, "0.0001")])
def test_floats_print_as_go_prints_them(value, text):
    assert _float_g(value) == text


def test_get_with_go_template_in_the_terminal():
    engine = Engine.new(seed=1, now=NOW)
    engine.run("kubectl create deploy web --image=nginx --replicas=2")
    r = engine.run("""kubectl get deploy -o go-template='{{range .items}}{{.metadata.name}}:{{.spec.replicas}}{{"\\n"}}{{end}}'""")
    assert (r.output, r.exit_code) == ("web:2\n", 0)
