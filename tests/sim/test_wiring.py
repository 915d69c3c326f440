"""The hooks lower layers call up through are installed by wiring.install (which every Engine runs as it is
built), from explicit lists, once: importing a module installs nothing, and installing again duplicates
nothing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from playground.sim import capabilities, completion, controllers, dns, engine, network, policy, probes, shell, wiring
from playground.sim.addons import ingress as ingress_addon
from playground.sim.downloads import GATEWAY_API
from playground.sim.engine import Engine
from playground.sim.gateway import status as gateway_status
from playground.sim.proc import EDITOR_HANDLERS
from playground.sim.programs import minikube
from playground.sim.programs.container import sh as container_sh
from playground.sim.programs.kubectl import attach
from playground.sim.webcontent import CONTEXT_SERVERS

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_800_000_000.0


def test_an_engine_installs_every_hook():
    Engine.new(seed=1)
    assert controllers.RECONCILERS == [gateway_status.sync, ingress_addon.sync]     # the order they always ran in
    assert network.DNS_FAILURE is dns.dns_failure and network.RESOLVERS["pod"] is dns.resolve_in_pod
    assert network.ADMISSION.count(policy.admission) == 1
    assert probes.EXEC_IN_CONTAINER is engine._exec_in_container
    assert shell.POD_SHELL is container_sh.run_pod_line and completion.POD_COMPLETE is container_sh.complete_in_pod
    assert container_sh.ON_ATTACHED_EXIT is attach.session_over
    assert {"ssh", "tunnel"} <= set(minikube.COMMANDS) and not {"ssh", "tunnel"} & set(minikube.UNSIMULATED)
    assert minikube.ADDON_HOOKS["ingress"] is ingress_addon.hook
    assert {"file", "kubectl-edit"} <= set(EDITOR_HANDLERS)
    assert {"registry.k8s.io/ingress-nginx/controller", "envoyproxy/envoy"} <= set(CONTEXT_SERVERS)


def test_installing_again_duplicates_nothing(monkeypatch):
    Engine.new(seed=1)
    before = (list(controllers.RECONCILERS), list(network.ADMISSION), dict(EDITOR_HANDLERS))
    for _ in range(3):
        Engine.new(seed=1)
        wiring.install()
        monkeypatch.setattr(wiring, "_installed", False)     # and the installers themselves, run again
        wiring.install()
    assert (controllers.RECONCILERS, network.ADMISSION, EDITOR_HANDLERS) == before
    assert len(controllers.RECONCILERS) == len(set(controllers.RECONCILERS)) == 2


def test_each_reconciler_is_registered_once():
    reg = wiring.reconcilers()
    with pytest.raises(capabilities.DuplicateCapability, match="'envoy-gateway-status' is registered twice"):
        reg.register("envoy-gateway-status", gateway_status.sync)


CHILD = """
import json, sys
from playground.sim import apiserver, controllers, resources as res
from playground.sim.cluster import Cluster
from playground.sim.gateway import status        # once registered itself as it loaded
assert controllers.RECONCILERS == [], controllers.RECONCILERS
assert "playground.sim.engine" not in sys.modules
if sys.argv[1] == "wire":
    from playground.sim import wiring
    wiring.install()
cluster = Cluster.from_dict(json.loads(sys.stdin.read()))
with res.serving(cluster):
    apiserver.create(cluster, {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
                               "metadata": {"name": "eg"},
                               "spec": {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"}})
    controllers.reconcile(cluster)
    accepted = cluster.get("gatewayclasses", None, "eg")["status"]["conditions"][0]
print(accepted["reason"])
"""


def test_a_bare_cluster_gets_the_gateway_controller_from_the_wiring_not_from_imports():
    """No engine in the process: importing the Gateway API's status module installs nothing, and wiring.install
    gives the bare cluster Envoy Gateway's controller (before, it came with whichever import ran first)."""
    e = Engine.new(seed=3, now=T0)
    for line in ("kubectl create namespace envoy-gateway-system",
                 "kubectl create deployment envoy-gateway -n envoy-gateway-system "
                 "--image=docker.io/envoyproxy/gateway:v1.6.7",
                 f"kubectl apply --server-side -f {GATEWAY_API}v1.4.1/standard-install.yaml"):
        assert e.run(line, now=T0).exit_code == 0, line
    e.tick(T0 + 60)                                  # the controller's Deployment is available
    state = json.dumps(e.cluster.to_dict())

    def child(mode: str) -> str:
        run = subprocess.run([sys.executable, "-c", CHILD, mode], input=state, capture_output=True, text=True,
                             cwd=ROOT, timeout=120)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert child("bare") == "Pending"                # the CRD's default: no controller ran
    assert child("wire") == "Accepted"
