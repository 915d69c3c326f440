"""`kubectl diff`: diff.go's LIVE/MERGED files named group.version.Kind.namespace.name, `diff -u -N` output, exit 1
when something would change, Secret values masked."""
from __future__ import annotations

import re

from playground.sim.engine import Engine

T0 = 1_800_000_000.0
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
"""


def engine_with(text: str) -> Engine:
    e = Engine.new(seed=1, now=T0)
    e.host.files[e.host.abspath("d.yaml")] = text
    return e


def test_a_change_is_shown_as_diff_u_of_live_and_merged():
    e = engine_with(DEPLOY)
    e.run("kubectl apply -f d.yaml", now=T0)
    assert e.run("kubectl diff -f d.yaml", now=T0).output == ""
    assert e.run("kubectl diff -f d.yaml", now=T0).exit_code == 0
    e.host.files[e.host.abspath("d.yaml")] = DEPLOY.replace("replicas: 2", "replicas: 3")
    r = e.run("kubectl diff -f d.yaml", now=T0)
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert re.fullmatch(r"diff -u -N /tmp/LIVE-\d+/apps\.v1\.Deployment\.default\.web "
                        r"/tmp/MERGED-\d+/apps\.v1\.Deployment\.default\.web", lines[0])
    assert re.fullmatch(r"--- /tmp/LIVE-\d+/apps\.v1\.Deployment\.default\.web\t\d{4}-\d\d-\d\d "
                        r"\d\d:\d\d:\d\d\.\d{9} \+0000", lines[1])
    assert "-  replicas: 2" in lines and "+  replicas: 3" in lines
    assert "-  generation: 1" in lines and "+  generation: 2" in lines
    assert not any(line.startswith(("-  resourceVersion", "+  resourceVersion")) for line in lines)
    assert not any("managedFields" in line for line in lines)
    assert e.cluster.get("deployments", "default", "web")["spec"]["replicas"] == 2     # nothing applied


def test_a_new_object_diffs_against_an_empty_file():
    r = engine_with(DEPLOY).run("kubectl diff -f d.yaml", now=T0)
    assert r.exit_code == 1
    assert r.output.splitlines()[3].startswith("@@ -0,0 +1,")


def test_secret_values_are_masked():
    e = engine_with("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: YQ==\n  b: Yg==\n")
    e.run("kubectl apply -f d.yaml", now=T0)
    e.host.files[e.host.abspath("d.yaml")] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: eA==\n  b: Yg==\n"
    out = e.run("kubectl diff -f d.yaml", now=T0).output
    assert "-  a: '*** (before)'" in out and "+  a: '*** (after)'" in out and "   b: '***'" in out
    assert "YQ==" not in out.split("last-applied")[0]
