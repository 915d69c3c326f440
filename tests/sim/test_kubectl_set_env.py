"""kubectl set env / resources / serviceaccount / selector: --local on a file against the real kubectl, live objects by
their state."""
from __future__ import annotations

import os
import subprocess

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, normalise, simulate

CASES = """env -f d.yaml --local A=1 B=two -o yaml
env -f d.yaml --local A=1 --list
env -f d.yaml --local A=1
env -f d.yaml --local A-
env -f d.yaml --local
env -f d.yaml --local -e X=1 -o json
env -f d.yaml --local A=1 -c nope
env -f d.yaml --local 1A=1
env -f d.yaml --local A=1 -c ngi* -o yaml
env -f d.yaml --local A=1 --dry-run=client -o name
resources -f d.yaml --local --limits=cpu=200m,memory=512Mi --requests=cpu=100m -o yaml
resources -f d.yaml --local
resources -f d.yaml --local --limits=cpu=abc
resources -f d.yaml --local --limits=cpu=1
resources -f d.yaml --local --limits=cpu=1000m,memory=1.5Gi -o json
resources -f d.yaml --local --limits=cpu
resources -f d.yaml --local --requests=memory=0.5Gi -c nope
serviceaccount -f d.yaml --local robot -o yaml
sa -f d.yaml --local robot
sa -f d.yaml --local
sa deploy/x
serviceaccount
selector -f s.yaml --local app=x,tier=y -o yaml
selector -f s.yaml --local app=x
selector -f s.yaml --local
selector -f d.yaml --local app=x -o yaml
selector -f s.yaml --local app=x --resource-version=5 -o json
selector -f s.yaml --local app!=x
selector -f s.yaml --local app=x --all""".splitlines()


@pytest.mark.parametrize("case", CASES)
def test_set_on_a_local_file_matches_kubectl(kubectl_oracle, tmp_path, case):
    env = {"KUBECONFIG": "/dev/null", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    manifest = subprocess.run([kubectl_oracle, "create", "deploy", "web", "--image=nginx", "--dry-run=client", "-o",
                               "yaml"], capture_output=True, text=True, env=env, check=True).stdout
    service = subprocess.run([kubectl_oracle, "create", "svc", "clusterip", "web", "--tcp=80", "--dry-run=client",
                              "-o", "yaml"], capture_output=True, text=True, env=env, check=True).stdout
    (tmp_path / "d.yaml").write_text(manifest)
    (tmp_path / "s.yaml").write_text(service)
    args = ["set", *case.split()]
    p = subprocess.run([os.path.abspath(kubectl_oracle), *args], capture_output=True, text=True, cwd=tmp_path,
                       env=env)
    engine = Engine.new(seed=1, now=NOW)
    engine.host.files[engine.host.abspath("d.yaml")] = manifest
    engine.host.files[engine.host.abspath("s.yaml")] = service
    assert simulate(args, engine) == (normalise(p.stdout), normalise(p.stderr), p.returncode)


@pytest.fixture
def engine():
    e = Engine.new(seed=2, now=NOW)
    for line in ("kubectl create deploy web --image=nginx --replicas=2",
                 "kubectl create configmap cfg --from-literal=log-level=debug --from-literal=mode=fast"):
        assert e.run(line, now=NOW).exit_code == 0
    return e


def test_set_env_on_a_live_deployment_rolls_it_out(engine):
    r = engine.run("kubectl set env deploy/web GREETING=hello", now=NOW + 5)
    assert (r.output, r.exit_code) == ("deployment.apps/web env updated\n", 0)
    engine.run("kubectl get pods", now=NOW + 60)
    pods = [p for p in engine.cluster.list("pods", "default") if not p["metadata"].get("deletionTimestamp")]
    assert pods and all(p["spec"]["containers"][0]["env"] == [{"name": "GREETING", "value": "hello"}] for p in pods)
    r = engine.run("kubectl set env deploy/web --list", now=NOW + 61)
    assert r.output == "# Deployment web, container nginx\nGREETING=hello\n"
    assert engine.run("kubectl set env deploy/web GREETING-", now=NOW + 62).output == "deployment.apps/web env updated\n"
    assert engine.run("kubectl set env deploy/web --list", now=NOW + 63).output == "# Deployment web, container nginx\n"


def test_set_env_from_a_configmap_references_each_key(engine):
    r = engine.run("kubectl set env deploy/web --from=configmap/cfg --prefix=APP_", now=NOW + 5)
    assert r.exit_code == 0, r.output
    assert engine.run("kubectl set env deploy/web --list", now=NOW + 6).output == (
        "# Deployment web, container nginx\n# APP_LOG_LEVEL from configmap cfg, key log-level\n"
        "# APP_MODE from configmap cfg, key mode\n")
    r = engine.run("kubectl set env deploy/web --from=configmap/nope", now=NOW + 7)
    assert (r.output, r.exit_code) == ('Error from server (NotFound): configmaps "nope" not found\n', 1)


def test_set_resources_on_a_live_deployment(engine):
    r = engine.run("kubectl set resources deploy web --limits=cpu=500m,memory=256Mi --requests=cpu=250m", now=NOW + 5)
    assert (r.output, r.exit_code) == ("deployment.apps/web resource requirements updated\n", 0)
    c = engine.cluster.get("deployments", "default", "web")["spec"]["template"]["spec"]["containers"][0]
    assert c["resources"] == {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "250m"}}


def test_set_serviceaccount_on_a_live_deployment(engine):
    assert engine.run("kubectl create sa robot", now=NOW + 1).exit_code == 0
    r = engine.run("kubectl set sa deploy web robot", now=NOW + 5)
    assert (r.output, r.exit_code) == ("deployment.apps/web serviceaccount updated\n", 0)
    spec = engine.cluster.get("deployments", "default", "web")["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == "robot"


def test_set_selector_retargets_a_live_service(engine):
    engine.run("kubectl expose deploy web --port=80", now=NOW + 2)
    r = engine.run("kubectl set selector svc web app=other", now=NOW + 5)
    assert (r.output, r.exit_code) == ("service/web selector updated\n", 0)
    assert engine.cluster.get("services", "default", "web")["spec"]["selector"] == {"app": "other"}
