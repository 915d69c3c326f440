"""`kubectl kustomize` and -k, against the real kubectl v1.35 (its embedded kustomize v5.7.1) on the same files."""
from __future__ import annotations

import os
import subprocess

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, normalise, simulate

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: cfg
        volumeMounts:
        - name: s
          mountPath: /s
      volumes:
      - name: s
        secret:
          secretName: sec
"""
SVC = """kind: Service
apiVersion: v1
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""
BASE = """resources:
- deploy.yaml
- svc.yaml
configMapGenerator:
- name: cfg
  literals:
  - A=1
  - B="two words"
  envs:
  - app.env
  files:
  - conf.txt
  - renamed=conf.txt
secretGenerator:
- name: sec
  literals:
  - pw=s3cret
"""
CASES = {
    "base": {"kustomization.yaml": BASE},
    "everything": {"kustomization.yaml": BASE + """namePrefix: dev-
nameSuffix: -v1
namespace: demo
commonLabels:
  team: blue
labels:
- pairs:
    tier: fe
- pairs:
    zone: a
  includeSelectors: true
commonAnnotations:
  note: hi
images:
- name: nginx
  newName: registry.local/nginx
  newTag: "1.26"
replicas:
- name: web
  count: 3
"""},
    "patches": {"kustomization.yaml": BASE + """patches:
- path: more.yaml
- target:
    kind: Service
    name: web
  patch: |-
    - op: replace
      path: /spec/ports/0/port
      value: 8080
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
          - name: nginx
            resources:
              limits:
                cpu: 100m
""", "more.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n"},
    "no-hash": {"kustomization.yaml": "configMapGenerator:\n- name: plain\n  literals:\n  - k=v\n"
                                      "generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    gen: \"yes\"\n"},
    "missing": {"other.yaml": "x: 1\n"},
}
COMMON = {"deploy.yaml": DEPLOY, "svc.yaml": SVC, "app.env": "# comment\nMODE=prod\nLEVEL=3\n",
          "conf.txt": "listen 80;\n"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_kustomize_output_matches_kubectl(kubectl_oracle, tmp_path, case):
    files = {**COMMON, **CASES[case]}
    engine = Engine.new(seed=1, now=NOW)
    engine.run("mkdir -p k")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        engine.host.files[engine.host.abspath(f"k/{name}")] = text
    p = subprocess.run([os.path.abspath(kubectl_oracle), "kustomize", str(tmp_path)], capture_output=True, text=True,
                       env={"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    out, err, code = simulate(["kustomize", "k"], engine)
    want_err = normalise(p.stderr).replace(str(tmp_path), engine.host.abspath("k"))
    assert (out, err, code) == (normalise(p.stdout), want_err, p.returncode)


def test_apply_get_and_delete_with_k():
    e = Engine.new(seed=1, now=NOW)
    e.run("mkdir -p k", now=NOW)
    for name, text in {**COMMON, "kustomization.yaml": BASE}.items():
        e.host.files[e.host.abspath(f"k/{name}")] = text
    out = e.run("kubectl apply -k k", now=NOW).output
    assert out.splitlines()[0].startswith("configmap/cfg-")
    assert "deployment.apps/web created" in out
    cm = out.splitlines()[0].split()[0].split("/")[1]
    env = e.cluster.get("deployments", "default", "web")["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    assert env == [{"configMapRef": {"name": cm}}]
    assert "service/web" in e.run("kubectl get -k k", now=NOW).output
    assert e.run("kubectl delete -k k", now=NOW).exit_code == 0
    assert e.cluster.get("deployments", "default", "web") is None
    assert e.run("kubectl apply -k k -f x", now=NOW).output == "error: only one of -f or -k can be specified\n"
