"""Ingresses in the live diagram (registered into topology.NODE_BUILDERS / EDGE_BUILDERS).

Elements: `ingress/<ns>/<name>` nodes; `routes` edges from an Ingress to each Service it sends traffic to,
labelled with the host/path rules (`foo.example.com/`, `*/hello`, `default`); `serves` edges from the
ingress-nginx controller pod to each Ingress it serves; a `hostport` edge from the learner's machine to
the controller pod (it listens on the node's ports 80 and 443). A curl through the Ingress is traced as
host -> node -> controller pod, then controller pod -> Service -> pod (playground/sim/ingress.py).
"""
from __future__ import annotations

from typing import Iterable

from . import topology
from .sim import ingress as routing
from .sim.cluster import Cluster


def _rule_labels(ing: dict) -> dict[str, list[str]]:
    """Service name -> the host/path labels of the rules that send traffic to it."""
    out: dict[str, list[str]] = {}
    spec = ing.get("spec") or {}
    for rule in spec.get("rules") or []:
        host = rule.get("host") or "*"
        for p in ((rule.get("http") or {}).get("paths") or []):
            svc = ((p.get("backend") or {}).get("service") or {}).get("name")
            if svc:
                suffix = "*" if p.get("pathType") == "Prefix" else ""      # as --rule writes Prefix
                out.setdefault(svc, []).append(f"{host}{p.get('path') or '/'}{suffix}")
    default = ((spec.get("defaultBackend") or {}).get("service") or {}).get("name")
    if default:
        out.setdefault(default, []).append("default")
    return out


def _ingresses(cluster: Cluster) -> Iterable[dict]:
    serving = bool(routing.controller_pods(cluster))
    classes = routing.nginx_classes(cluster)
    for ing in cluster.list("ingresses"):
        meta, spec = ing["metadata"], ing.get("spec") or {}
        hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
        address = ",".join(i.get("ip") or i.get("hostname", "")
                           for i in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or [])
        served = serving and routing.served(cluster, ing, classes)
        data = {"id": topology.obj_id("ingress", ing), "kind": "ingress", "name": meta["name"],
                "namespace": meta.get("namespace", "default"), "label": meta["name"],
                "class": spec.get("ingressClassName") or "", "hosts": ",".join(hosts) or "*",
                "address": address, "served": served}
        yield {"group": "nodes", "data": data, "classes": "ingress" + ("" if served else " unserved")}


def _ingress_routes(cluster: Cluster) -> Iterable[dict]:
    for ing in cluster.list("ingresses"):
        ns = ing["metadata"].get("namespace", "default")
        for svc_name, labels in _rule_labels(ing).items():
            svc = cluster.get("services", ns, svc_name)     # backends live in the Ingress's own namespace
            if svc is None:
                continue
            yield topology._edge(topology.obj_id("ingress", ing), topology.obj_id("service", svc), "routes",
                                 label="\n".join(labels), rules=labels)


def _controller_serves(cluster: Cluster) -> Iterable[dict]:
    pods = routing.controller_pods(cluster)
    if not pods:
        return
    classes = routing.nginx_classes(cluster)
    for pod in pods:
        pid = topology.obj_id("pod", pod)
        yield topology._edge(topology.HOST_ID, pid, "hostport", label=":80 :443", ports=[80, 443])
        for ing in cluster.list("ingresses"):
            if routing.served(cluster, ing, classes):
                yield topology._edge(pid, topology.obj_id("ingress", ing), "serves")


def register() -> None:
    topology.NODE_BUILDERS.setdefault("ingresses", _ingresses)
    topology.EDGE_BUILDERS.setdefault("ingress-services", _ingress_routes)
    topology.EDGE_BUILDERS.setdefault("ingress-controller", _controller_serves)


register()
