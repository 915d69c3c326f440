"""`kubectl set subject` (pkg/cmd/set/set_subject.go): --local forms against the real kubectl v1.35, and a live
binding gaining subjects once."""
from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, normalise, simulate

RB = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\nroleRef:\n"
      "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: User\n"
      "  apiGroup: rbac.authorization.k8s.io\n  name: a\n")
CASES = ["set subject --local -f rb.yaml --user=b --group=g --serviceaccount=ns:sa -o yaml",
         "set subject --local -f rb.yaml --user=a -o yaml", "set subject --local -f rb.yaml",
         "set subject --local -f rb.yaml --serviceaccount=x", "set subject --local -f rb.yaml --user=z -o json"]


@pytest.mark.parametrize("case", CASES)
def test_local_set_subject_matches_kubectl(kubectl_oracle, tmp_path, case):
    (tmp_path / "rb.yaml").write_text(RB)
    engine = Engine.new(seed=1, now=NOW)
    engine.host.files[engine.host.abspath("rb.yaml")] = RB
    args = shlex.split(case)
    p = subprocess.run([os.path.abspath(kubectl_oracle), *args], capture_output=True, text=True, cwd=tmp_path,
                       env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert simulate(args, engine) == (normalise(p.stdout), normalise(p.stderr), p.returncode)


def test_live_binding_gains_subjects_once():
    e = Engine.new(seed=1, now=NOW)
    e.run("kubectl create rolebinding rb --clusterrole=view --user=a", now=NOW)
    assert e.run("kubectl set subject rolebinding rb --user=b --serviceaccount=:robot", now=NOW).output == \
        "rolebinding.rbac.authorization.k8s.io/rb subjects updated\n"
    assert e.run("kubectl set subject rolebinding rb --user=b", now=NOW).output == ""
    subjects = e.cluster.get("rolebindings", "default", "rb")["subjects"]
    assert [s["name"] for s in subjects] == ["a", "b", "robot"]
    assert subjects[2]["namespace"] == "default"
