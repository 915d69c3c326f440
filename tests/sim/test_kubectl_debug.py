"""`kubectl debug` without attaching (pkg/cmd/debug/debug.go, profiles.go): validation against the real kubectl
v1.35; the ephemeral container, the --copy-to pod and the node-debugger pod as the sources build them."""
from __future__ import annotations

import re
import shlex

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate

CASES = ["debug x", "debug x --image=busybox --replace", "debug x --copy-to=y", "debug x --copy-to=y -- sh",
         "debug --image=busybox", "debug x --image=Bad:Image", "debug x --image=busybox --image-pull-policy=Sometimes",
         "debug x --image=busybox --target=c --copy-to=y", "debug x --image=busybox -t",
         "debug x --attach --copy-to=y --set-image=*=nginx", "debug x --image=busybox --set-image=a=b",
         "debug x --image=busybox --same-node", "debug x --image=busybox --target=c -t",
         "debug x --image=busybox --profile=nope"]


@pytest.mark.parametrize("case", CASES)
def test_validation_matches_kubectl(kubectl_oracle, case):
    args = shlex.split(case)
    assert simulate(args, Engine.new(seed=1, now=NOW)) == oracle(kubectl_oracle, args)


T0 = 1_800_000_000.0


def engine_with_pod() -> tuple[Engine, str]:
    e = Engine.new(seed=1, now=T0)
    e.run("kubectl run web --image=nginx --labels=app=web", now=T0)
    e.run("true", now=T0 + 30)
    return e, "web"


def test_an_ephemeral_container_is_added_to_the_pod():
    e, pod = engine_with_pod()
    r = e.run(f"kubectl debug {pod} --image=busybox --target=web --profile=general", now=T0 + 31)
    lines = r.output.splitlines()
    assert lines[0].startswith('Targeting container "web". If you don\'t see processes')
    assert re.fullmatch(r"Defaulting debug container name to debugger-[a-z0-9]{5}\.", lines[1])
    live = e.cluster.get("pods", "default", pod)
    ec = live["spec"]["ephemeralContainers"][0]
    assert ec["targetContainerName"] == "web" and ec["image"] == "busybox"
    assert ec["securityContext"] == {"capabilities": {"add": ["SYS_PTRACE"]}}
    status = live["status"]["ephemeralContainerStatuses"][0]
    assert status["state"]["terminated"]["reason"] == "Completed"      # busybox's sh has no stdin: it exits
    mf = {(m["manager"], m.get("subresource", "")) for m in live["metadata"]["managedFields"]}
    assert ("kubectl", "ephemeralcontainers") in mf


def test_copy_to_makes_a_pod_without_the_labels():
    e, pod = engine_with_pod()
    r = e.run(f"kubectl debug {pod} --image=busybox --copy-to=web-debug -- sleep 1d", now=T0 + 31)
    warning, defaulting = r.output.splitlines()
    assert warning.startswith("--profile=legacy is deprecated")          # legacy is still the default
    assert defaulting.startswith("Defaulting debug container name to debugger-")
    copy = e.cluster.get("pods", "default", "web-debug")
    assert "labels" not in copy["metadata"]
    names = [c["name"] for c in copy["spec"]["containers"]]
    assert names[0] == "web" and names[1].startswith("debugger-")
    assert copy["spec"]["containers"][1]["command"] == ["sleep", "1d"]


def test_node_debugging_creates_a_host_namespaced_pod():
    e, _ = engine_with_pod()
    r = e.run("kubectl debug node/minikube --image=busybox --profile=general", now=T0 + 31)
    m = re.fullmatch(r"Creating debugging pod (node-debugger-minikube-[a-z0-9]{5}) with container debugger on node "
                     r"minikube\.\n", r.output)
    assert m
    pod = e.cluster.get("pods", "default", m.group(1))
    spec = pod["spec"]
    assert (spec["hostNetwork"], spec["hostPID"], spec["hostIPC"], spec["nodeName"]) == (True, True, True, "minikube")
    assert {"name": "host-root", "hostPath": {"path": "/", "type": ""}} in spec["volumes"] or \
        {"name": "host-root", "hostPath": {"path": "/"}} in spec["volumes"]
    assert pod["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "kubectl-debug"}
    assert e.run("kubectl debug node/minikube -it --image=busybox", now=T0 + 32).exit_code == 1
