"""Flags kubectl's own test/cmd suites exercise: annotate --local, `=` in annotation values, bare --cascade,
get --ignore-not-found and --subresource, -l with -f on create/apply.

Client-side forms are compared with the real kubectl v1.35; server-side ones follow get.go (IgnoreNotFound
skips "No resources found" and the empty List), delete_flags.go (--cascade's NoOptDefVal is background),
cmdutil.ParsePairs (annotations split at the first `=`) and the resource builder's FilteredVisitor.
"""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, normalise, simulate

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p1
  labels:
    app: x
spec:
  containers:
  - name: c
    image: nginx
"""
LOCAL_CASES = ["annotate --local -f pod.yaml a=b=c -o yaml", "annotate --local -f pod.yaml a=b",
               "label --local -f pod.yaml a=b -o json", "annotate --local pod/x a=b", "annotate --local a=b",
               "annotate --local -f pod.yaml a=b --dry-run=server", "annotate --local -f pod.yaml a=1 -o name",
               "label --local -f pod.yaml a=b=c"]


@pytest.mark.parametrize("case", LOCAL_CASES)
def test_local_annotate_and_label_match_kubectl(kubectl_oracle, tmp_path, case):
    (tmp_path / "pod.yaml").write_text(POD)
    engine = Engine.new(seed=1, now=NOW)
    engine.host.files[engine.host.abspath("pod.yaml")] = POD
    args = shlex.split(case)
    p = subprocess.run([os.path.abspath(kubectl_oracle), *args], capture_output=True, text=True, cwd=tmp_path,
                       env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert simulate(args, engine) == (normalise(p.stdout), normalise(p.stderr), p.returncode)


def test_bare_cascade_means_background(kubectl_oracle):
    e = Engine.new(seed=1, now=NOW)
    e.run("kubectl create deployment web --image=nginx", now=NOW)
    assert e.run("kubectl delete deploy web --cascade", now=NOW).exit_code == 0
    assert e.cluster.get("deployments", "default", "web") is None


def run(e: Engine, line: str) -> tuple[str, int]:
    r = e.run(line, now=e.cluster.now)
    return r.output, r.exit_code


def test_ignore_not_found_prints_nothing():
    e = Engine.new(seed=1, now=NOW)
    assert run(e, "kubectl get pod nope --ignore-not-found") == ("", 0)
    assert run(e, "kubectl get pods -l a=b --ignore-not-found") == ("", 0)
    assert run(e, "kubectl get pods -l a=b --ignore-not-found -o json") == ("", 0)
    assert run(e, "kubectl get pods -l a=b") == ("No resources found in default namespace.\n", 0)


def test_annotation_values_may_hold_equals_signs_but_labels_may_not():
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl run p --image=nginx")
    assert run(e, "kubectl annotate pod p note=a=b") == ("pod/p annotated\n", 0)
    assert e.cluster.get("pods", "default", "p")["metadata"]["annotations"]["note"] == "a=b"
    assert run(e, "kubectl label pod p tier=a=b") == ("error: invalid label spec: tier=a=b\n", 1)


def test_subresources_on_get():
    """pods serve no scale subresource (test/cmd/get.sh); deployments answer with an autoscaling/v1 Scale,
    printed with printScale's columns."""
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create deployment web --image=nginx --replicas=2")
    run(e, "kubectl run p --image=nginx")
    assert run(e, "kubectl get pod p --subresource=scale") == (
        "Error from server (NotFound): the server could not find the requested resource\n", 1)
    assert run(e, "kubectl get deploy web --subresource=scale -o jsonpath={.kind}/{.spec.replicas}") == (
        "Scale/2", 0)
    out, _ = run(e, "kubectl get deploy web --subresource=scale")
    assert out.splitlines()[0].split() == ["NAME", "DESIRED", "AVAILABLE"]
    assert run(e, "kubectl get pod p --subresource=status -o name") == ("pod/p\n", 0)


def test_selector_filters_objects_from_files_on_create_and_apply():
    """test/cmd/create.sh: `create -l unique-label=bingbang -f hack/testdata/filter` creates only the match."""
    e = Engine.new(seed=1, now=NOW)
    run(e, "mkdir d")
    e.host.files[e.host.abspath("d/a.yaml")] = POD
    e.host.files[e.host.abspath("d/b.yaml")] = POD.replace("p1", "p2").replace("app: x", "app: other")
    assert run(e, "kubectl create -f d -l app=x") == ("pod/p1 created\n", 0)
    assert run(e, "kubectl apply -f d -l app=other") == ("pod/p2 created\n", 0)
    assert run(e, "kubectl create -f d -l app=none") == ("error: no objects passed to create\n", 1)
