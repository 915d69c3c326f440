"""`minikube tunnel` on Linux with the docker driver: a route to the Service CIDR through the node and the
load balancer emulator, while it runs.

minikube's pkg/minikube/tunnel is the reference: the route `10.96.0.0/12 -> 192.168.49.2` lets the host reach
ClusterIPs (network.route), the emulator (loadbalancer_patcher.go) sets every LoadBalancer Service's
status.loadBalancer.ingress to its ClusterIP, so `kubectl get svc` shows it as EXTERNAL-IP, and takes it back
when the tunnel stops. reporter.go prints the Status block when the tunnel's state changes.
"""
from __future__ import annotations

from .. import jobs, nodes
from ..proc import Proc
from . import minikube

SERVICE_CIDR = "10.96.0.0/12"


def status_report(pid: int, services: list[str]) -> str:
    """reporter.go's simpleReporter.Report (no errors)."""
    return (f"Status:\t\n\tmachine: minikube\n\tpid: {pid}\n\troute: {SERVICE_CIDR} -> {nodes.NODE_IP}\n"
            f"\tminikube: Running\n\tservices: [{', '.join(services)}]\n"
            "    errors: \n\t\tminikube: no errors\n\t\trouter: no errors\n\t\tloadbalancer emulator: no errors\n")


def _load_balancers(cluster) -> list[dict]:
    return [s for s in cluster.list("services") if (s.get("spec") or {}).get("type") == "LoadBalancer"]


def patch(cluster) -> list[str]:
    """The emulator's pass: each LoadBalancer Service gets its ClusterIP as ingress IP. The names it manages."""
    names = []
    for svc in _load_balancers(cluster):
        ip = (svc.get("spec") or {}).get("clusterIP")
        if not ip or ip == "None":
            continue
        names.append(svc["metadata"]["name"])
        status = svc.setdefault("status", {})
        if (status.get("loadBalancer") or {}).get("ingress") != [{"ip": ip}]:
            status["loadBalancer"] = {"ingress": [{"ip": ip}]}
            cluster.touch(svc)
    return names


@jobs.process("minikube-tunnel")
class Tunnel(jobs.Process):
    def watches(self) -> tuple[str, ...]:
        return ("services",)

    def resume(self, engine, events, out) -> int | None:
        cluster = engine.cluster
        if not cluster.running:
            self.stop(engine)
            out.write("podscape: the minikube cluster stopped; the tunnel ended\n")
            return 1
        names = patch(cluster)
        if names != self.state.get("services"):
            self.state["services"] = names
            out.write(status_report(self.state["pid"], names))
        return None

    def stop(self, engine) -> None:
        cluster = engine.cluster
        cluster.runtime.pop("tunnel", None)
        for svc in _load_balancers(cluster):
            lb = (svc.get("status") or {}).get("loadBalancer") or {}
            if lb.get("ingress"):
                svc["status"]["loadBalancer"] = {}
                cluster.touch(svc)


def tunnel(proc: Proc, args: list[str]) -> int:
    cluster = proc.cluster
    if minikube.state(cluster) != "Running":
        proc.err("podscape: the minikube cluster is not running; start it with `minikube start`\n")
        return 1
    if cluster.runtime.get("tunnel"):
        proc.err("podscape: a minikube tunnel is already running (one per cluster)\n")
        return 1
    t = Tunnel({"services": []})
    job = jobs.spawn(proc, t)
    if job is None:
        proc.err("podscape: minikube tunnel runs only as a command of its own (or with &)\n")
        return 1
    t.state["pid"] = job["pid"]
    cluster.runtime["tunnel"] = {"pid": job["pid"]}
    names = patch(cluster)
    t.state["services"] = names
    proc.out(status_report(job["pid"], names))
    return 0


def install() -> None:
    """minikube's command table gets `tunnel` (wiring.install calls this): this module reads minikube's state,
    so minikube.py cannot import it back."""
    minikube.COMMANDS["tunnel"] = tunnel
    minikube.UNSIMULATED.pop("tunnel", None)
