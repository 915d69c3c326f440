"""kubectl top: without the metrics-server addon, kubectl's own answer (the oracle against a server whose
discovery has no metrics.k8s.io); with it, figures in kubectl's layout."""
from __future__ import annotations

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate
from tests.tools.fake_apiserver import FakeApiServer


@pytest.mark.parametrize("args", [["top", "pod"], ["top", "node"], ["top", "pods", "-A"]], ids=" ".join)
def test_without_metrics_server_matches_kubectl(kubectl_oracle, args):
    with FakeApiServer([]) as server:
        want = oracle(kubectl_oracle, args, server.kubeconfig)
    assert simulate(args) == want


def test_with_metrics_server_every_running_pod_has_figures():
    e = Engine.new(seed=1, now=NOW)
    for line in ("minikube addons enable metrics-server", "kubectl create deploy web --image=nginx --replicas=2"):
        assert e.run(line, now=NOW).exit_code == 0
    out = e.run("kubectl top pods", now=NOW + 60).output.splitlines()
    assert out[0] == "NAME                   CPU(cores)   MEMORY(bytes)   "
    assert len(out) == 3 and all(line.split()[1].endswith("m") and line.split()[2].endswith("Mi") for line in out[1:])
    node = e.run("kubectl top node", now=NOW + 61).output.splitlines()
    assert node[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert node[1].startswith("minikube ")
