"""Readiness probes, evaluated by the kubelet against what the container's process serves (processes.py).

Following pkg/kubelet/prober: an httpGet probe succeeds on a status in [200, 400) and its failure event
reads "HTTP probe failed with statuscode: N" (probe/http/http.go), or the dial error when nothing listens;
tcpSocket succeeds when the port accepts (probe/tcp/tcp.go). An unready container leaves its pod
Ready=False, so the endpoints controller lists it under notReadyAddresses and kube-proxy sends it nothing.
exec and grpc probes are taken as passing (not simulated).
"""
from __future__ import annotations

from . import webcontent
from .processes import listener

KUBELET_IP = "10.244.0.1"      # probes come from the node's address on the pod network


def _port(container: dict, port) -> int | None:
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return int(p.get("containerPort", 0))
    return None


def readiness_failure(cluster, pod: dict, container: dict) -> str | None:
    """Why the container's readiness probe fails now (the kubelet's event text), or None when it passes."""
    probe = container.get("readinessProbe") or {}
    ip = pod.get("status", {}).get("podIP", "")
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
