"""Manifest reading: kubectl's parse-error wording, YAML-bomb/depth/size limits, go-yaml conversions, and
differential tests of `create -f` / `apply -f --dry-run=client` against real kubectl v1.35.

Real kubectl needs API discovery even for a client dry run, so the oracle talks to a tiny fake API server
(tests/sim/recording_apiserver.py, serving discovery only); parse errors need no server at all.
"""
from __future__ import annotations

import subprocess

import pytest

from playground.sim import manifests
from playground.sim.engine import Engine
from tests.sim.recording_apiserver import recording_server, write_kubeconfig

HOME = "/home/student"


@pytest.fixture(scope="module")
def oracle(kubectl_oracle, tmp_path_factory):
    """run(args, files) -> (output, exit code) of real kubectl against the discovery-only server."""
    srv = recording_server()
    home = tmp_path_factory.mktemp("oracle")
    kubeconfig = write_kubeconfig(home, srv)

    def run(args: list[str], files: dict[str, str], stdin: str = "") -> tuple[str, int]:
        work = home / "work"
        work.mkdir(exist_ok=True)
        for name, text in files.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(text)
        proc = subprocess.run([kubectl_oracle, *args], input=stdin, capture_output=True, text=True, timeout=60,
                              cwd=work, env={"KUBECONFIG": str(kubeconfig), "HOME": str(home),
                                             "PATH": "/usr/bin:/bin"})
        return proc.stdout + proc.stderr, proc.returncode
    yield run
    srv.shutdown()


def sim(line: str, files: dict[str, str]) -> tuple[str, int]:
    engine = Engine.new(seed=3, now=1_700_000_000)
    for name, text in files.items():
        engine.host.files[f"{HOME}/{name}"] = text
        if "/" in name:
            engine.host.dirs.add(f"{HOME}/{name.rsplit('/', 1)[0]}")
    result = engine.run(line)
    return result.output, result.exit_code


TUTORIAL_EXAMPLE = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: access-nginx
spec:
  podSelector:
    matchLabels:
      app: nginx
  ingress:
  - from:
    - podSelector:
        matchLabels:
          access: "true"
---
apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  containers:
  - name: nwp-nginx
    image: nginx:1.17
---
apiVersion: v1
kind: Pod
metadata:
  name: busybox
  labels:
    app: sleepy
spec:
  containers:
  - name: nwp-busybox
    image: busybox
    args:
    - sleep
    - "3600"
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: "nginx:1.25", ports: [{containerPort: 80}]}
"""
POD_JSON = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j","annotations":{"note":"<b>&"}},' \
           '"spec":{"containers":[{"name":"a","image":"nginx","args":["on","yes","1.0"]}]}}'
LIST = """apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s1}
  spec: {ports: [{port: 80}], selector: {app: x}}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: c1}
  data: {key: "value", other: no}
"""
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n"

DRY_RUN_CASES = [
    ("create", TUTORIAL_EXAMPLE, []), ("create", TUTORIAL_EXAMPLE, ["-o", "yaml"]),
    ("create", TUTORIAL_EXAMPLE, ["-o", "name"]), ("create", DEPLOYMENT, ["-o", "json"]),
    ("create", DEPLOYMENT, ["-o", "yaml"]), ("create", POD_JSON, ["-o", "yaml"]), ("create", POD_JSON, ["-o", "json"]),
    ("create", LIST, []), ("create", LIST, ["-o", "yaml"]), ("create", NAMESPACE, ["-o", "yaml"]),
    ("apply", DEPLOYMENT, ["-o", "yaml"]), ("apply", POD_JSON, ["-o", "json"]), ("apply", TUTORIAL_EXAMPLE, []),
    ("apply", LIST, ["-o", "yaml"]), ("apply", NAMESPACE, ["-o", "json"]),
    ("create", POD_JSON + "\n" + POD_JSON.replace('"j"', '"k"'), []),
    ("create", POD_JSON + "\n---\n" + NAMESPACE, []),
    ("create", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: f\nspec:\n  terminationGracePeriodSeconds: 2.0\n"
               "  containers:\n  - name: a\n    image: nginx\n    args: [1e3, 0.5, 0x10, 010, y, n, ~, '']\n", ["-o", "yaml"]),
]


@pytest.mark.parametrize("verb,text,extra", DRY_RUN_CASES)
def test_dry_run_output_matches_kubectl(oracle, verb, text, extra):
    name = "m.json" if text.startswith("{") else "m.yaml"
    want = oracle([verb, "-f", name, "--dry-run=client", "--validate=false", *extra], {name: text})
    got = sim(" ".join(["kubectl", verb, "-f", name, "--dry-run=client", *extra]), {name: text})
    assert got == want


MALFORMED = [
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  foo\nspec: {}\n",
    "a: b\n c: d\n", "a:\n\t- b\n", "a: [b\n", "a: \"b\n", "a: b: c\n", "a: &x [1]\nb: *y\n", "a: {b\n",
    "kind: Pod\napiVersion: v1\nmetadata:\n  name: x\n  name: y\n", "a: b\n  - c\n", "key: value\n@bad\n",
    "a: |\n b\nc\n", "a: 'x\n", "hello\n", "- a\n- b\n", "apiVersion: v1\nmetadata:\n  name: nokind\n",
    "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n", "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    app: {{ .Values.app }}\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n     image: b\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n   image: b\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n\tlabels: {}\n", "- apiVersion: v1\nkind: Pod\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    - app: x\n    team: y\n",
    "", "# only a comment\n---\n", '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}\n',
    '{"apiVersion":"v1","kind":"Pod",}', "apiVersion: v1\nkind: Pod\nmetadata:\n  name: f\nspec:\n  x: .inf\n",'{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}\n{"kind": ',
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_manifests_fail_as_kubectl_does(oracle, text):
    want = oracle(["create", "-f", "bad.yaml", "--dry-run=client", "--validate=false"], {"bad.yaml": text})
    assert sim("kubectl create -f bad.yaml --dry-run=client", {"bad.yaml": text}) == want


def test_stdin_parse_errors_name_stdin(run_oracle):
    text = "a: b\n c: d\n"
    want = run_oracle(["create", "-f", "-", "--dry-run=client"], stdin=text)
    engine = Engine.new(seed=1, now=1_700_000_000)
    result = engine.run("kubectl create -f - --dry-run=client <<EOF\n" + text + "EOF")
    assert (result.output, result.exit_code) == want
    assert "error parsing STDIN" in result.output


def test_missing_file_is_reported_before_anything_else(run_oracle):
    want = run_oracle(["create", "-f", "nothere.yaml"])
    assert sim("kubectl create -f nothere.yaml", {}) == want


# ---- hostile input -------------------------------------------------------------------------------------
def test_a_billion_laughs_is_refused_without_expanding_it():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    out, code = sim("kubectl create -f bomb.yaml", {"bomb.yaml": "\n".join(lines) + "\n"})
    assert code == 1
    assert out == ("error: error parsing bomb.yaml: error converting YAML to JSON: yaml: document contains "
                   "excessive aliasing\n")


def test_small_reuse_of_anchors_is_fine():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {app: x}\n"
            "  annotations: *l\ndata: {a: b}\n")
    out, code = sim("kubectl create -f c.yaml", {"c.yaml": text})
    assert (out, code) == ("configmap/c created\n", 0)


def test_deep_nesting_is_refused_with_a_yaml_error():
    text = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    out, code = sim("kubectl create -f deep.yaml", {"deep.yaml": text})
    assert code == 1
    assert out == (f"error: error parsing deep.yaml: error converting YAML to JSON: yaml: exceeded max depth of "
                   f"{manifests.MAX_DEPTH}\n")


def test_an_oversized_object_is_refused_by_the_server_and_others_still_created():
    big = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: " + "x" * 1_100_000 + "\n"
    small = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\n"
    engine = Engine.new(seed=1, now=1_700_000_000)
    engine.host.files[f"{HOME}/big.yaml"] = big + small
    result = engine.run("kubectl create -f big.yaml")
    assert result.exit_code == 1
    assert result.output == ("configmap/small created\nError from server (RequestEntityTooLarge): error when "
                             'creating "big.yaml": Request entity too large: limit is 1048576\n')
    assert engine.cluster.get("configmaps", "default", "big") is None


def test_too_much_input_at_once_is_refused():
    entries = manifests.read_stream("a: b\n" * 600_000, "STDIN")
    assert len(entries) == 1 and isinstance(entries[0], manifests.ManifestError)
    assert "at most" in entries[0].message


# ---- go-yaml conversions ---------------------------------------------------------------------------------
def test_yaml_11_booleans_and_strings_convert_as_go_yaml_does():
    value = manifests.yaml_to_json("a: y\nb: n\nc: on\nd: 'yes'\ne: 2021-01-01\nf: 010\n1: x\n")
    assert value == {"a": True, "b": False, "c": True, "d": "yes", "e": "2021-01-01", "f": 8, "1": "x"}


def test_documents_split_only_on_bare_separators():
    assert manifests.split_documents("a: 1\n--- # c\nb: 2\n---x\n") == ["a: 1\n", "b: 2\n---x\n"]


HOSTILE_DOCS = [
    "apiVersion: v1\nkind: Pod\nmetadata: []", "apiVersion: v1\nkind: List\nitems: 5",
    "apiVersion: v1\nkind: List\nitems: [1, 'a', null]", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: 5",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [5, null, {name: 3}]}",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: 5, template: []}",
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {rules: [5, {http: {paths: [5]}}]}",
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec: {ingress: [{from: 5}]}",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: [1]}, annotations: 5}\ndata: 5",
    "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: 5}",
    "apiVersion: v1\nkind: Pod\nmetadata: {generateName: g-}\nspec: {containers: [{name: a, image: b, resources: "
    "{limits: 5, requests: {cpu: [1]}}}]}",
]


@pytest.mark.parametrize("text", HOSTILE_DOCS)
@pytest.mark.parametrize("verb", ["create", "apply", "delete", "label", "edit"])
def test_hostile_manifests_never_crash_a_command(text, verb):
    extra = " a=b" if verb == "label" else ""
    out, code = sim(f"kubectl {verb} -f bad.yaml{extra}", {"bad.yaml": text})
    assert code == 1 and "unexpectedly" not in out
    for line in out.splitlines():      # one error, or kubectl's list of them
        assert line.startswith(("Error from server", "The ", "error: ", "unable to decode", "* ")), line
