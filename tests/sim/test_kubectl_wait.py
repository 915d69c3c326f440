"""kubectl wait on simulated time, and auth whoami (argument errors: test_kubectl_events_nodes.py)."""
from __future__ import annotations

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW


@pytest.fixture
def engine():
    e = Engine.new(seed=1, now=NOW)
    assert e.run("kubectl create deploy web --image=nginx --replicas=2", now=NOW).exit_code == 0
    return e


def test_wait_returns_when_the_pods_are_ready(engine):
    r = engine.run("kubectl wait --for=condition=Ready pod -l app=web --timeout=60s", now=NOW)
    names = sorted(p["metadata"]["name"] for p in engine.cluster.list("pods", "default"))
    assert (r.output, r.exit_code) == ("".join(f"pod/{n} condition met\n" for n in names), 0)
    assert engine.cluster.now > NOW               # the clock moved while kubectl waited


def test_wait_for_a_deployment_and_a_jsonpath(engine):
    assert engine.run("kubectl wait --for=condition=Available deploy/web", now=NOW + 1).output == \
        "deployment.apps/web condition met\n"
    r = engine.run("kubectl wait --for=jsonpath='{.status.readyReplicas}'=2 deployment web", now=NOW + 2)
    assert (r.output, r.exit_code) == ("deployment.apps/web condition met\n", 0)


def test_wait_times_out_and_reports_missing_objects(engine):
    r = engine.run("kubectl wait --for=condition=Ready=false deploy/web --timeout=3s", now=NOW + 60)
    assert (r.output, r.exit_code) == ("error: timed out waiting for the condition on deployments/web\n", 1)
    r = engine.run("kubectl wait --for=condition=Ready pod -l app=nope")
    assert (r.output, r.exit_code) == ("error: no matching resources found\n", 1)
    r = engine.run("kubectl wait --for=condition=Complete job/nope")
    assert (r.output, r.exit_code) == ('Error from server (NotFound): jobs.batch "nope" not found\n', 1)


def test_whoami_is_minikubes_admin(engine):
    assert engine.run("kubectl auth whoami").output == (
        "ATTRIBUTE   VALUE\nUsername    minikube-user\nGroups      [system:masters system:authenticated]\n")
