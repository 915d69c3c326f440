"""Cluster state -> cytoscape.js elements for the live diagram, and the diff between two diagrams.

Pure functions of the engine's state (no Django). Element ids are stable so the browser can apply
diffs without redrawing: `host`, `node/<name>`, `pod/<namespace>/<name>`, `service/<namespace>/<name>`
(cluster-scoped kinds have no namespace part), edges `edge/<source>-><target>`.

Pods are compound children of their namespace's box on their node (`namespace/<node>/<ns>`), which is a
child of the node: node > namespace > pod, a strict tree. Services sit outside the node. Kinds are drawn by
the builders in NODE_BUILDERS and linked by EDGE_BUILDERS, so Ingress and NetworkPolicy add one entry each.
"""
from __future__ import annotations

from typing import Callable, Iterable

from .sim.cluster import Cluster
from .sim.labels import format_labels, selector_matches

HOST_ID = "host"
HOST_LABEL = "student@ubuntu"


def element_id(kind: str, name: str, namespace: str | None = None) -> str:
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def obj_id(kind: str, obj: dict) -> str:
    meta = obj.get("metadata", {})
    return element_id(kind, meta.get("name", ""), meta.get("namespace"))


# ---- what kubectl prints in the STATUS / READY columns -----------------------------------------------
def pod_status(pod: dict) -> str:
    """The STATUS column of `kubectl get pods` (printers.go printPod, without init containers' detail)."""
    status = pod.get("status", {}) or {}
    reason = status.get("reason") or status.get("phase") or "Pending"
    init = status.get("initContainerStatuses") or []
    initializing = False
    for i, cs in enumerate(init):
        state = cs.get("state", {}) or {}
        term = state.get("terminated")
        if term and term.get("exitCode") == 0:
            continue
        initializing = True
        if term:
            reason = "Init:" + (term.get("reason") or f"ExitCode:{term.get('exitCode')}")
        elif (state.get("waiting") or {}).get("reason") not in (None, "", "PodInitializing"):
            reason = "Init:" + state["waiting"]["reason"]
        else:
            reason = f"Init:{i}/{len(pod.get('spec', {}).get('initContainers') or [])}"
        break
    if not initializing:
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            state = cs.get("state", {}) or {}
            waiting, term = state.get("waiting"), state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif term and term.get("reason"):
                reason = term["reason"]
            elif term:
                reason = f"Signal:{term['signal']}" if term.get("signal") else f"ExitCode:{term.get('exitCode')}"
            elif cs.get("ready") and state.get("running"):
                has_running = True
        if reason == "Completed" and has_running:
            ready_cond = any(c.get("type") == "Ready" and c.get("status") == "True"
                             for c in status.get("conditions") or [])
            reason = "Running" if ready_cond else "NotReady"
    if pod.get("metadata", {}).get("deletionTimestamp"):
        reason = "Unknown" if status.get("reason") == "NodeLost" else "Terminating"
    return reason


def pod_ready(pod: dict) -> str:
    statuses = pod.get("status", {}).get("containerStatuses") or []
    total = len(pod.get("spec", {}).get("containers") or []) or len(statuses)
    return f"{sum(1 for cs in statuses if cs.get('ready'))}/{total}"


def service_ports(svc: dict) -> str:
    """The PORT(S) column of `kubectl get services`: `80:32000/TCP,443/TCP`."""
    parts = []
    for p in svc.get("spec", {}).get("ports") or []:
        text = str(p.get("port"))
        if p.get("nodePort"):
            text += f":{p['nodePort']}"
        parts.append(f"{text}/{p.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def node_ports(svc: dict) -> list[int]:
    return [int(p["nodePort"]) for p in svc.get("spec", {}).get("ports") or [] if p.get("nodePort")]


# ---- node builders: one per kind ---------------------------------------------------------------------
def _host(cluster: Cluster) -> Iterable[dict]:
    yield {"group": "nodes", "data": {"id": HOST_ID, "kind": "host", "label": HOST_LABEL}, "classes": "host"}


def _nodes(cluster: Cluster) -> Iterable[dict]:
    for node in cluster.list("nodes"):
        name = node["metadata"]["name"]
        addresses = node.get("status", {}).get("addresses") or []
        ip = next((a["address"] for a in addresses if a.get("type") == "InternalIP"), "")
        ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in node.get("status", {}).get("conditions") or [])
        status = "Ready" if ready and cluster.running else "NotReady"
        yield {"group": "nodes", "classes": "node" + ("" if status == "Ready" else " not-ready"),
               "data": {"id": element_id("node", name), "kind": "node", "name": name, "label": f"{name}\n{ip}",
                        "ip": ip, "status": status, "running": cluster.running}}


def namespace_group_id(node: str, namespace: str) -> str:
    """The box of one namespace's pods on one node (ids stay stable: a node and a namespace name)."""
    return f"namespace/{node}/{namespace}"


def _namespaces(cluster: Cluster) -> Iterable[dict]:
    """A compound node per (node, namespace) that has pods there: node > namespace > pods, a strict tree."""
    nodes = {n["metadata"]["name"] for n in cluster.list("nodes")}
    seen: set[tuple[str, str]] = set()
    for pod in cluster.list("pods"):
        node = pod.get("spec", {}).get("nodeName")
        ns = pod["metadata"].get("namespace", "default")
        if node in nodes and (node, ns) not in seen:
            seen.add((node, ns))
            yield {"group": "nodes", "classes": "namespace" + (" system" if ns == "kube-system" else ""),
                   "data": {"id": namespace_group_id(node, ns), "kind": "namespace", "name": ns, "label": ns,
                            "namespace": ns, "node": node, "parent": element_id("node", node),
                            "system": ns == "kube-system"}}


def _pods(cluster: Cluster) -> Iterable[dict]:
    nodes = {n["metadata"]["name"] for n in cluster.list("nodes")}
    for pod in cluster.list("pods"):
        meta, status = pod["metadata"], pod.get("status", {}) or {}
        ns = meta.get("namespace", "default")
        text = pod_status(pod)
        ready = pod_ready(pod)
        ok = text == "Running" and ready.split("/")[0] == ready.split("/")[1]
        system = ns == "kube-system"
        data = {"id": obj_id("pod", pod), "kind": "pod", "name": meta["name"], "namespace": ns,
                "label": meta["name"], "status": text, "phase": status.get("phase", "Pending"), "ready": ready,
                "isReady": ok, "ip": status.get("podIP", ""), "labels": meta.get("labels") or {},
                "labelText": format_labels(meta.get("labels")), "system": system,
                "restarts": sum(cs.get("restartCount", 0) for cs in status.get("containerStatuses") or [])}
        node = pod.get("spec", {}).get("nodeName")
        if node in nodes:
            data["parent"] = namespace_group_id(node, ns)
        classes = ["pod", "ready" if ok else "not-ready"] + (["system"] if system else [])
        yield {"group": "nodes", "data": data, "classes": " ".join(classes)}


def _services(cluster: Cluster) -> Iterable[dict]:
    for svc in cluster.list("services"):
        meta, spec = svc["metadata"], svc.get("spec", {}) or {}
        ns = meta.get("namespace", "default")
        type_ = spec.get("type", "ClusterIP")
        data = {"id": obj_id("service", svc), "kind": "service", "name": meta["name"], "namespace": ns,
                "label": meta["name"], "type": type_, "clusterIP": spec.get("clusterIP", ""),
                "ports": service_ports(svc), "nodePorts": node_ports(svc),
                "selector": spec.get("selector") or {}, "system": ns == "kube-system"}
        if type_ == "ExternalName":
            data["externalName"] = spec.get("externalName", "")
        if type_ == "LoadBalancer":   # minikube without `minikube tunnel` leaves it <pending>
            ingress = (svc.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
            data["externalIP"] = ",".join(i.get("ip") or i.get("hostname", "") for i in ingress) or "<pending>"
        classes = ["service", type_.lower()] + (["system"] if ns == "kube-system" else [])
        yield {"group": "nodes", "data": data, "classes": " ".join(classes)}


NODE_BUILDERS: dict[str, Callable[[Cluster], Iterable[dict]]] = {
    "host": _host,
    "nodes": _nodes,
    "namespaces": _namespaces,
    "pods": _pods,
    "services": _services,
}


# ---- edge builders: relations, always namespace-checked -------------------------------------------------
def _edge(source: str, target: str, kind: str, **data) -> dict:
    return {"group": "edges", "classes": kind,
            "data": {"id": f"edge/{source}->{target}", "source": source, "target": target, "kind": kind, **data}}


def _service_selects_pods(cluster: Cluster) -> Iterable[dict]:
    for svc in cluster.list("services"):
        selector = svc.get("spec", {}).get("selector")
        if not selector:
            continue
        ns = svc["metadata"].get("namespace", "default")
        for pod in cluster.list("pods", ns):        # a selector only ever picks pods in its own namespace
            if selector_matches({"matchLabels": selector}, pod["metadata"].get("labels") or {}):
                ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                            for c in pod.get("status", {}).get("conditions") or [])
                yield _edge(obj_id("service", svc), obj_id("pod", pod), "selects", endpoint=ready)


def _host_reaches_node_ports(cluster: Cluster) -> Iterable[dict]:
    for svc in cluster.list("services"):
        if svc.get("spec", {}).get("type") in ("NodePort", "LoadBalancer") and node_ports(svc):
            ports = node_ports(svc)
            yield _edge(HOST_ID, obj_id("service", svc), "nodeport", label=",".join(map(str, ports)),
                        nodePorts=ports)


EDGE_BUILDERS: dict[str, Callable[[Cluster], Iterable[dict]]] = {
    "service-pods": _service_selects_pods,
    "host-nodeports": _host_reaches_node_ports,
}


def elements(cluster_or_state: Cluster | dict) -> list[dict]:
    """Every element of the diagram, nodes before edges (cytoscape needs an edge's ends first)."""
    cluster = cluster_or_state
    if isinstance(cluster_or_state, dict):
        cluster = Cluster.from_dict(cluster_or_state.get("cluster", cluster_or_state))
    out: list[dict] = []
    for build in NODE_BUILDERS.values():
        out.extend(build(cluster))
    ids = {e["data"]["id"] for e in out}
    for build in EDGE_BUILDERS.values():
        out.extend(e for e in build(cluster) if e["data"]["source"] in ids and e["data"]["target"] in ids)
    return out


def diff(old: list[dict], new: list[dict]) -> dict:
    """What changed between two diagrams: {"add": [elements], "update": [elements], "remove": [ids]}.

    Apply in that order: remove, add, update. An element whose parent changed is removed and re-added,
    because cytoscape cannot change a compound parent through data.
    """
    before = {e["data"]["id"]: e for e in old}
    after = {e["data"]["id"]: e for e in new}
    remove = [i for i in before if i not in after]
    add, update = [], []
    for i, e in after.items():
        prev = before.get(i)
        if prev is None:
            add.append(e)
        elif prev["data"].get("parent") != e["data"].get("parent"):
            remove.append(i)
            add.append(e)
        elif prev != e:
            update.append(e)
    # cytoscape drops the edges of a removed node: re-send the surviving edges of re-parented nodes.
    moved = {i for i in remove if i in after}
    if moved:
        for i, e in after.items():
            if e["group"] == "edges" and i in before and i not in remove and (
                    e["data"]["source"] in moved or e["data"]["target"] in moved):
                remove.append(i)
                add.append(e)
                if e in update:
                    update.remove(e)
    # Nodes before edges on the way in.
    add.sort(key=lambda e: e["group"] != "nodes")
    return {"add": add, "update": update, "remove": remove}


def is_empty(d: dict) -> bool:
    return not (d["add"] or d["update"] or d["remove"])


# Kinds drawn by other modules register their builders on import.
from . import topology_ingress  # noqa: E402,F401  (Ingresses, their routes and the controller)
from . import topology_policy  # noqa: E402,F401  (NetworkPolicies drawn on the pods they select)
