"""Ingresses in the live diagram: per-object builders called by topology.build and topology_delta.

Elements: `ingress/<ns>/<name>` nodes in their namespace's lane; `routes` edges from an Ingress to each
Service it sends traffic to, labelled with the host/path rules (`foo.example.com/`, `*/hello`, `default`);
`serves` edges from the ingress-nginx controller pod to each Ingress it serves; a `hostport` edge from the
learner's machine to the controller pod (it listens on the node's ports 80 and 443). A curl through the
Ingress is traced host -> controller pod -> ingress -> service -> pod (playground/sim/ingress.py).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .sim import ingress as routing
from .topology_elements import HOST_ID, edge, element_id, node, obj_id

if TYPE_CHECKING:                    # only for annotations: topology imports this module
    from .topology import Context


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


def backends(ing: dict) -> list[str]:
    """The names of the Services an Ingress routes to (in its own namespace)."""
    return list(_rule_labels(ing))


def ingress_element(ctx: "Context", ing: dict) -> dict:
    meta, spec = ing["metadata"], ing.get("spec") or {}
    ns = meta.get("namespace", "default")
    hosts = [r.get("host") for r in spec.get("rules") or [] if r.get("host")]
    address = ",".join(i.get("ip") or i.get("hostname", "")
                       for i in ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or [])
    served = bool(ctx.controllers) and routing.served(ctx.cluster, ing, ctx.ingress_classes)
    data = {"id": obj_id("ingress", ing), "kind": "ingress", "name": meta["name"], "namespace": ns,
            "label": meta["name"], "parent": ctx.lane(ns), "class": spec.get("ingressClassName") or "",
            "hosts": ",".join(hosts) or "*", "address": address, "served": served}
    ctx.cause("ingress", ing, data)
    return node(data, ["ingress", "" if served else "unserved"])


def ingress_elements(ctx: "Context", ing: dict) -> Iterable[dict]:
    """The Ingress, its routes to the Services that exist, and the controllers' `serves` edges to it."""
    yield ingress_element(ctx, ing)
    ns, iid = ing["metadata"].get("namespace", "default"), obj_id("ingress", ing)
    for svc_name, labels in _rule_labels(ing).items():
        if ctx.cluster.get("services", ns, svc_name) is not None:     # backends live in the Ingress's namespace
            yield edge(iid, element_id("service", svc_name, ns), "routes",
                                 label="\n".join(labels), rules=labels)
    if routing.served(ctx.cluster, ing, ctx.ingress_classes):
        for pid in ctx.controllers:
            yield edge(pid, iid, "serves")


def controller_edges(ctx: "Context") -> Iterable[dict]:
    for pid in ctx.controllers:
        yield edge(HOST_ID, pid, "hostport", label=":80 :443", ports=[80, 443])
