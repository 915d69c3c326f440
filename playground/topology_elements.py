"""Element ids and constructors shared by every diagram builder (topology.py and its per-kind modules,
topology_ingress.py and topology_policy.py): the id scheme is the contract with the browser (see topology.py)."""
from __future__ import annotations

from typing import Iterable

HOST_ID = "host"
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})


def element_id(kind: str, name: str, namespace: str | None = None) -> str:
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def obj_id(kind: str, obj: dict) -> str:
    meta = obj.get("metadata", {})
    return element_id(kind, meta.get("name", ""), meta.get("namespace"))


def namespace_id(ns: str) -> str:
    return f"namespace/{ns}"


def workload_id(ns: str, kind: str, name: str) -> str:
    return f"workload/{ns}/{kind}/{name}"


def nodeport_id(node: str, port: int) -> str:
    return f"nodeport/{node}/{port}"


def edge_id(source: str, target: str) -> str:
    return f"edge/{source}->{target}"


def node(data: dict, classes: Iterable[str]) -> dict:
    return {"group": "nodes", "data": data, "classes": " ".join(c for c in classes if c)}


def edge(source: str, target: str, kind: str, **data) -> dict:
    return {"group": "edges", "classes": kind,
            "data": {"id": edge_id(source, target), "source": source, "target": target, "kind": kind, **data}}
