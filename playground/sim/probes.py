"""Readiness probes, evaluated by the kubelet against what the container's process serves (processes.py).

Following pkg/kubelet/prober: an httpGet probe succeeds on a status in [200, 400) and its failure event
reads "HTTP probe failed with statuscode: N" (probe/http/http.go), or the dial error when nothing listens;
tcpSocket succeeds when the port accepts (probe/tcp/tcp.go). An unready container leaves its pod
Ready=False, so the endpoints controller lists it under notReadyAddresses and kube-proxy sends it nothing.
exec probes run their command in the container (programs/container); grpc probes check that the port
accepts (the health RPC is not simulated). Liveness probes are judged on the kubelet's period
(controllers._probe_liveness): failureThreshold failures in a row restart the container.
"""
from __future__ import annotations

from typing import Callable

from . import webcontent
from .proc import Stream
from .processes import listener

KUBELET_IP = "10.244.0.1"      # probes come from the node's address on the pod network

# How an exec probe's command runs in its container: fn(cluster, pod, container, argv, term) -> an outcome
# with .code and .missing (programs/container's ExecOutcome). Running a program takes an Engine, which sits
# above the kubelet: the engine hands its runner to wiring.install as an Engine is built.
EXEC_IN_CONTAINER: Callable | None = None


def _port(container: dict, port) -> int | None:
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return int(p.get("containerPort", 0))
    return None


def readiness_failure(cluster, pod: dict, container: dict) -> str | None:
    """Why the container's readiness probe fails now (the kubelet's event text), or None when it passes."""
    return probe_failure(cluster, pod, container, container.get("readinessProbe") or {})


def _exec_failure(cluster, pod: dict, container: dict, argv: list) -> str | None:
    """probe/exec: the command runs in the container (no shell unless it names one); exit 0 passes, any other
    status fails with what it printed (the kubelet's event carries the output)."""
    if not argv:
        return None
    assert EXEC_IN_CONTAINER is not None, "exec probes run through the engine: build an Engine first"
    term = Stream()
    outcome = EXEC_IN_CONTAINER(cluster, pod, container, [str(a) for a in argv], term)
    if outcome.missing:
        return (f'OCI runtime exec failed: exec failed: unable to start container process: exec: "{argv[0]}": '
                "executable file not found in $PATH: unknown")
    return None if outcome.code == 0 else term.text.rstrip("\n")


def probe_failure(cluster, pod: dict, container: dict, probe: dict) -> str | None:
    """Why one probe (readiness, liveness or startup) fails now, in the kubelet's words, or None.
    grpc: the port must accept a connection; the grpc.health.v1 answer itself is not simulated (a listening
    process is taken as SERVING)."""
    ip = pod.get("status", {}).get("podIP", "")
    if isinstance(probe.get("exec"), dict):
        return _exec_failure(cluster, pod, container, probe["exec"].get("command") or [])
    if isinstance(probe.get("grpc"), dict):
        port = _port(container, probe["grpc"].get("port"))
        if port and listener(pod, port) is None:
            return f'timeout: failed to connect service "{ip}:{port}" within 1s: context deadline exceeded'
        return None
    for kind in ("httpGet", "tcpSocket"):
        spec = probe.get(kind)
        if not isinstance(spec, dict):
            continue
        port = _port(container, spec.get("port"))
        path = spec.get("path", "/") or "/"
        scheme = str(spec.get("scheme", "HTTP")).lower()
        target = f"{scheme}://{ip}:{port}{path}" if kind == "httpGet" else f"{ip}:{port}"
        found = listener(pod, port) if port else None
        if found is None:
            dial = f"dial tcp {ip}:{port}: connect: connection refused"
            return f'Get "{target}": {dial}' if kind == "httpGet" else dial
        if kind == "tcpSocket":
            return None
        req = webcontent.Request(method="GET", path=path, host=f"{ip}:{port}",
                                 headers=[("Host", f"{ip}:{port}"), ("User-Agent", "kube-probe/1.35")],
                                 client_ip=KUBELET_IP)
        resp = webcontent.serve(found[0].get("image", ""), port, req, cluster.now, pod["metadata"]["name"], ip,
                                webcontent.ServeContext(cluster, {}, pod))
        if resp.empty_reply or resp.raw is not None:
            return f'Get "{target}": EOF'
        if not 200 <= resp.status < 400:
            return f"HTTP probe failed with statuscode: {resp.status}"
    return None
