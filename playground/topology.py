"""Cluster state -> cytoscape.js elements for the live diagram, and the diff between two diagrams.

Pure functions of the engine's state (no Django). The element contract (ids, parents, data) is
notes/diagram-contract.md; in short:

    host                                   the learner's machine (data.hosts: its /etc/hosts names for the cluster)
    node/<name>                            a node; inside it
      nodeport/<node>/<port>               a NodePort open on the node (host -> nodeport -> service)
      namespace/<ns>                       one lane per namespace; inside it
        workload/<ns>/<Kind>/<name>        Deployment, DaemonSet, StatefulSet, Job, CronJob, an unowned ReplicaSet
          pod/<ns>/<name>                  (a pod without a workload sits in the lane directly)
        service/<ns>/<name>, ingress/<ns>/<name>, networkpolicy/<ns>/<name>, gateway/<ns>/<name>,
        httproute/<ns>/<name>
      gatewayclass/<name>                  a GatewayClass (playground/topology_gateway.py)
    edge/<source>-><target>                selects, nodeport, exposes, hostport, serves, routes, isolates,
                                           instance, fronts, attaches, backend

Every element is built by a function of one object (and a few cluster-wide facts kept in `Context`), and
every edge by a function of one pair of objects, so playground/topology_delta.py can rebuild only what a
command changed and get exactly what `elements()` builds from scratch.
"""
from __future__ import annotations

from typing import Callable, Iterable

from . import topology_gateway, topology_ingress, topology_policy
from .sim import diagnose, ingress as routing, policy
from .sim.network import parse_hosts
from .sim.cluster import Cluster
from .sim.labels import format_labels
from .sim.printers.tables import pod_columns
from .topology_elements import (HOST_ID, SYSTEM_NAMESPACES, edge_id, element_id, namespace_id,  # noqa: F401
                                nodeport_id, obj_id, workload_id)
from .topology_elements import edge as _edge, node as _node

HOST_LABEL = "student@ubuntu"
CLUSTER_NETWORK = "192.168.49."      # minikube's docker network: /etc/hosts names pointing here reach the cluster

# Diagnoses on elements (pod, service, ingress, networkpolicy): fn(cluster, kind, obj) -> (cause, fix) | None,
# the same words the lesson's hints use. None draws no diagnoses (tests swap in their own).
CAUSE: Callable[[Cluster, str, dict], "tuple[str, str | None] | None"] | None = diagnose.diagnose_object
CAUSE_KINDS = ("pod", "service", "ingress", "networkpolicy")

# Workload kinds: plural -> Kind. Pods find theirs through ownerReferences only; a ReplicaSet owned by a
# Deployment folds into it, and a Job owned by a CronJob into that.
WORKLOADS = {"deployments": "Deployment", "daemonsets": "DaemonSet", "statefulsets": "StatefulSet",
             "cronjobs": "CronJob", "jobs": "Job", "replicasets": "ReplicaSet"}
PLURAL_OF = {kind: plural for plural, kind in WORKLOADS.items()}
FOLDS_INTO = {"ReplicaSet": "Deployment", "Job": "CronJob"}


# ---- what kubectl prints in the STATUS / READY columns -----------------------------------------------
def pod_status(pod: dict) -> str:
    """The STATUS column of `kubectl get pods`."""
    return pod_columns(pod)[1]


def pod_ready(pod: dict) -> str:
    """The READY column of `kubectl get pods` (`1/2`)."""
    return pod_columns(pod)[0]


def pod_is_ready(pod: dict, status: str | None = None, ready: str | None = None) -> bool:
    """What the diagram colours green: STATUS Running and every container ready."""
    ready = ready or pod_ready(pod)
    return (status or pod_status(pod)) == "Running" and ready.split("/")[0] == ready.split("/")[1]


def pod_condition_ready(pod: dict) -> bool:
    """The Ready condition: what makes a pod a Service's ready endpoint."""
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions") or [])


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


def exposes_node_ports(svc: dict) -> bool:
    return svc.get("spec", {}).get("type") in ("NodePort", "LoadBalancer") and bool(node_ports(svc))


# ---- cluster-wide facts every builder may read (computed once per build) -------------------------------
class Context:
    """What builders read besides their object. `facts` (from facts()) skips looking them up again."""

    def __init__(self, cluster: Cluster, host_files: dict | None = None, facts: dict | None = None):
        self.cluster = cluster
        self.host_files = host_files or {}
        self.facts = facts if facts is not None else self.facts_of(cluster)
        self.nodes = self.facts["nodes"]
        # Lanes live in the first node; without a node (a deleted cluster) nothing inside one is drawn.
        self.first_node = self.nodes[0] if self.nodes else None
        self.controllers = self.facts["controllers"]
        self.ingress_classes = self.facts["ingress_classes"]
        self.enforced = self.facts["enforced"]

    @staticmethod
    def facts_of(cluster: Cluster) -> dict:
        """The cluster-wide facts: a change to any of them changes elements all over the diagram."""
        return {"nodes": [n["metadata"]["name"] for n in cluster.list("nodes")], "running": cluster.running,
                "controllers": [obj_id("pod", p) for p in routing.controller_pods(cluster)],
                "ingress_classes": routing.nginx_classes(cluster), "enforced": policy.enforced(cluster)}

    def cause(self, kind: str, obj: dict, data: dict) -> None:
        """The diagnosis of an element's object (CAUSE), as its data's cause and fix."""
        if CAUSE is None:
            return
        found = CAUSE(self.cluster, kind, obj)
        if found:
            data["cause"], data["fix"] = found[0], found[1] if len(found) > 1 else None

    def lane(self, ns: str) -> str | None:
        return namespace_id(ns) if self.first_node else None


# ---- one builder per element -------------------------------------------------------------------------
def host_element(ctx: Context) -> dict:

    table = parse_hosts(ctx.host_files.get("/etc/hosts", ""))
    hosts = [{"name": name, "ip": ip} for name, ip in table.items() if ip.startswith(CLUSTER_NETWORK)]
    return _node({"id": HOST_ID, "kind": "host", "label": HOST_LABEL, "hosts": hosts}, ["host"])


def node_element(ctx: Context, node: dict) -> dict:
    name = node["metadata"]["name"]
    addresses = node.get("status", {}).get("addresses") or []
    ip = next((a["address"] for a in addresses if a.get("type") == "InternalIP"), "")
    ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                for c in node.get("status", {}).get("conditions") or [])
    status = "Ready" if ready and ctx.cluster.running else "NotReady"
    return _node({"id": element_id("node", name), "kind": "node", "name": name, "label": f"{name}\n{ip}",
                  "ip": ip, "status": status, "running": ctx.cluster.running},
                 ["node", "" if status == "Ready" else "not-ready"])


def namespace_element(ctx: Context, ns: str, pods: int, ready: int, services: int) -> dict:
    system = ns in SYSTEM_NAMESPACES
    return _node({"id": namespace_id(ns), "kind": "namespace", "name": ns, "label": ns, "namespace": ns,
                  "parent": element_id("node", ctx.first_node), "system": system,
                  "counts": {"pods": pods, "ready": ready, "services": services}},
                 ["namespace", "system" if system else ""])


def _owner(cluster: Cluster, ns: str, ref: dict) -> tuple[str, dict] | None:
    """The object an ownerReference names, if it exists (same namespace, and the uid when given)."""
    plural = PLURAL_OF.get(ref.get("kind", ""))
    obj = cluster.get(plural, ns, ref.get("name", "")) if plural else None
    if obj is None or (ref.get("uid") and obj["metadata"].get("uid") != ref["uid"]):
        return None
    return ref["kind"], obj


def _controller_ref(obj: dict) -> dict | None:
    refs = obj["metadata"].get("ownerReferences") or []
    return next((r for r in refs if r.get("controller")), refs[0] if refs else None)


def workload_of(cluster: Cluster, obj: dict) -> str | None:
    """The workload element an object (a pod, a ReplicaSet, a Job) belongs to, by ownerReferences."""
    ns = obj["metadata"].get("namespace", "default")
    ref = _controller_ref(obj)
    found = _owner(cluster, ns, ref) if ref else None
    if found is None:
        return None
    kind, owner = found
    if kind in FOLDS_INTO:
        up = _controller_ref(owner)
        if up and up.get("kind") == FOLDS_INTO[kind] and _owner(cluster, ns, up):
            return workload_id(ns, up["kind"], up["name"])
    return workload_id(ns, kind, owner["metadata"]["name"])


def is_workload(cluster: Cluster, kind: str, obj: dict) -> bool:
    """Whether an object is drawn as a workload: a folding kind (ReplicaSet, Job) only without its owner."""
    return kind not in FOLDS_INTO or workload_of(cluster, obj) is None


def _desired_and_ready(kind: str, obj: dict) -> tuple[int, int]:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    if kind == "DaemonSet":
        return status.get("desiredNumberScheduled", 0), status.get("numberReady", 0)
    if kind == "Job":
        return spec.get("parallelism", 1), status.get("ready", 0)
    if kind == "CronJob":
        return len(status.get("active") or []), 0
    return spec.get("replicas", 1), status.get("readyReplicas", 0)


def workload_element(ctx: Context, kind: str, obj: dict) -> dict:
    meta = obj["metadata"]
    ns, name = meta.get("namespace", "default"), meta["name"]
    desired, ready = _desired_and_ready(kind, obj)
    system = ns in SYSTEM_NAMESPACES
    return _node({"id": workload_id(ns, kind, name), "kind": "workload", "workloadKind": kind, "name": name,
                  "namespace": ns, "label": name, "parent": ctx.lane(ns), "replicas": desired, "ready": ready,
                  "system": system},
                 ["workload", kind.lower(), "system" if system else ""])


def pod_element(ctx: Context, pod: dict) -> dict:
    meta, status = pod["metadata"], pod.get("status", {}) or {}
    ns = meta.get("namespace", "default")
    ready, text, restarts, _ = pod_columns(pod)
    ok = pod_is_ready(pod, text, ready)
    system = ns in SYSTEM_NAMESPACES
    owner = workload_of(ctx.cluster, pod)
    data = {"id": obj_id("pod", pod), "kind": "pod", "name": meta["name"], "namespace": ns,
            "label": meta["name"], "parent": owner or ctx.lane(ns), "status": text,
            "phase": status.get("phase", "Pending"), "ready": ready, "isReady": ok,
            "ip": status.get("podIP", ""), "labels": dict(meta.get("labels") or {}),
            "labelText": format_labels(meta.get("labels")), "system": system,
            "restarts": restarts,
            "owner": owner, "node": pod.get("spec", {}).get("nodeName")}
    ctx.cause("pod", pod, data)
    return _node(data, ["pod", "ready" if ok else "not-ready", "system" if system else ""])


def ready_endpoints(endpoints: dict | None) -> int:
    return sum(len(s.get("addresses") or []) for s in (endpoints or {}).get("subsets") or [])


def service_element(ctx: Context, svc: dict) -> dict:
    meta, spec = svc["metadata"], svc.get("spec", {}) or {}
    ns = meta.get("namespace", "default")
    type_ = spec.get("type", "ClusterIP")
    system = ns in SYSTEM_NAMESPACES
    data = {"id": obj_id("service", svc), "kind": "service", "name": meta["name"], "namespace": ns,
            "label": meta["name"], "parent": ctx.lane(ns), "type": type_, "clusterIP": spec.get("clusterIP", ""),
            "ports": service_ports(svc), "nodePorts": node_ports(svc), "selector": dict(spec.get("selector") or {}),
            "system": system, "endpoints": ready_endpoints(ctx.cluster.get("endpoints", ns, meta["name"]))}
    if type_ == "ExternalName":
        data["externalName"] = spec.get("externalName", "")
    if type_ == "LoadBalancer":   # minikube without `minikube tunnel` leaves it <pending>
        ingress = (svc.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
        data["externalIP"] = ",".join(i.get("ip") or i.get("hostname", "") for i in ingress) or "<pending>"
    ctx.cause("service", svc, data)
    return _node(data, ["service", type_.lower(), "system" if system else ""])


def entry_elements(ctx: Context, svc: dict) -> Iterable[dict]:
    """The NodePorts a Service opens on every node, each with host -> nodeport -> service edges."""
    if not exposes_node_ports(svc):
        return
    sid = obj_id("service", svc)
    for node in ctx.nodes:
        for p in svc["spec"].get("ports") or []:
            if not p.get("nodePort"):
                continue
            port, eid = int(p["nodePort"]), nodeport_id(node, int(p["nodePort"]))
            yield _node({"id": eid, "kind": "entry", "name": str(port), "label": f":{port}", "port": port,
                         "protocol": p.get("protocol", "TCP"), "service": sid, "node": node,
                         "parent": element_id("node", node)}, ["entry", "nodeport"])
            yield _edge(HOST_ID, eid, "nodeport", label=f":{port}")
            yield _edge(eid, sid, "exposes")


def selects_edge(ctx: Context, svc: dict, pod: dict) -> dict | None:
    """A Service's selector picks a pod (a selector only ever picks pods in its own namespace)."""
    selector = svc.get("spec", {}).get("selector")
    if not selector or svc["metadata"].get("namespace") != pod["metadata"].get("namespace"):
        return None
    labels = pod["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in selector.items()):       # matchLabels: every pair present
        return None
    return _edge(obj_id("service", svc), obj_id("pod", pod), "selects", endpoint=pod_condition_ready(pod))


# ---- the whole diagram -------------------------------------------------------------------------------
KIND_ORDER = {k: i for i, k in enumerate(
    ("host", "node", "namespace", "entry", "workload", "pod", "service", "ingress", "networkpolicy",
     "gatewayclass", "gateway", "httproute"))}


def order_key(e: dict) -> tuple:
    """Parents before children, nodes before edges (cytoscape needs an edge's ends first)."""
    return (e["group"] != "nodes", KIND_ORDER.get(e["data"].get("kind"), 99), e["data"]["id"])


def _source(source) -> tuple[Cluster, dict]:
    """(cluster, host files) from an Engine, a Cluster, or a stored state dict."""
    if isinstance(source, Cluster):
        return source, {}
    if isinstance(source, dict):
        cluster = Cluster.from_dict(source.get("cluster", source))
        return cluster, (source.get("host") or {}).get("files") or {}
    return source.cluster, source.host.files


def namespaces_of(cluster: Cluster) -> set[str]:
    """Every namespace with a lane: the Namespace objects and any namespace an object sits in."""
    names = {n["metadata"]["name"] for n in cluster.list("namespaces")}
    for plural in ("pods", "services", "ingresses", "networkpolicies", "gateways", "httproutes", *WORKLOADS):
        names.update(k.split("/", 1)[0] for k in cluster.objects.get(plural, {}))
    return names


def build(source) -> dict[str, dict]:
    """Every element by id, built from scratch."""
    cluster, files = _source(source)
    ctx = Context(cluster, files)
    out: dict[str, dict] = {}

    def add(e: dict | None) -> None:
        if e is not None:
            out.setdefault(e["data"]["id"], e)

    add(host_element(ctx))
    for node in cluster.list("nodes"):
        add(node_element(ctx, node))
    services = cluster.list("services")
    for svc in services:
        for e in entry_elements(ctx, svc):
            add(e)
    if ctx.first_node:
        pods = cluster.list("pods")
        counts: dict[str, list[int]] = {ns: [0, 0, 0] for ns in namespaces_of(cluster)}
        for pod in pods:
            e = pod_element(ctx, pod)
            add(e)
            c = counts[e["data"]["namespace"]]
            c[0] += 1
            c[1] += e["data"]["isReady"]
        for svc in services:
            counts[svc["metadata"].get("namespace", "default")][2] += 1
        for ns, (n, ready, nsvc) in counts.items():
            add(namespace_element(ctx, ns, n, ready, nsvc))
        for plural, kind in WORKLOADS.items():
            for obj in cluster.list(plural):
                if is_workload(cluster, kind, obj):
                    add(workload_element(ctx, kind, obj))
        by_ns: dict[str, list[dict]] = {}
        by_label: dict[tuple, list[dict]] = {}      # (namespace, key, value) -> pods: a selector's candidates
        for pod in pods:
            ns = pod["metadata"].get("namespace", "default")
            by_ns.setdefault(ns, []).append(pod)
            for k, v in (pod["metadata"].get("labels") or {}).items():
                by_label.setdefault((ns, k, v), []).append(pod)
        for svc in services:
            add(service_element(ctx, svc))
            selector = svc.get("spec", {}).get("selector")
            if selector:
                ns = svc["metadata"].get("namespace", "default")
                candidates = min((by_label.get((ns, k, v), ()) for k, v in selector.items()), key=len)
                for pod in candidates:
                    add(selects_edge(ctx, svc, pod))
        for ing in cluster.list("ingresses"):
            for e in topology_ingress.ingress_elements(ctx, ing):
                add(e)
        for np_ in cluster.list("networkpolicies"):
            add(topology_policy.policy_element(ctx, np_))
            for pod in by_ns.get(np_["metadata"].get("namespace", "default"), ()):
                add(topology_policy.isolates_edge(ctx, np_, pod))
        for e in topology_ingress.controller_edges(ctx):
            add(e)
        for e in topology_gateway.elements(ctx):
            add(e)
    return prune(out)


def prune(out: dict[str, dict]) -> dict[str, dict]:
    """Drop edges whose ends are not drawn, and elements whose parent is not."""
    for i in [i for i, e in out.items() if e["group"] == "nodes" and e["data"].get("parent")
              and e["data"]["parent"] not in out]:
        del out[i]
    for i in [i for i, e in out.items() if e["group"] == "edges"
              and (e["data"]["source"] not in out or e["data"]["target"] not in out)]:
        del out[i]
    return out


def ordered(by_id: dict[str, dict]) -> list[dict]:
    return sorted(by_id.values(), key=order_key)


def elements(source) -> list[dict]:
    """Every element of the diagram in a canonical order (see order_key), from an Engine (with the
    learner's /etc/hosts), a Cluster, or a stored state dict."""
    return ordered(build(source))


def diff(old: list[dict] | dict[str, dict], new: list[dict] | dict[str, dict]) -> dict:
    """What changed between two diagrams: {"add": [elements], "update": [elements], "remove": [ids]}.

    Apply in that order: remove, add, update. An element whose parent changed is removed and re-added,
    because cytoscape cannot change a compound parent through data.
    """
    before = old if isinstance(old, dict) else {e["data"]["id"]: e for e in old}
    after = new if isinstance(new, dict) else {e["data"]["id"]: e for e in new}
    changes = [(i, before.get(i), after.get(i)) for i in {**before, **after}]
    return diff_of(changes, after, lambda i: i in before, lambda moved: _related_by_scan(after, moved))


def _related_by_scan(after: dict[str, dict], moved: set[str]) -> set[str]:
    """Edges touching, and children of, the given nodes (a scan: the full diff has no index)."""
    return {i for i, e in after.items()
            if (e["group"] == "edges" and (e["data"]["source"] in moved or e["data"]["target"] in moved))
            or (e["group"] == "nodes" and e["data"].get("parent") in moved)}


def diff_of(changes: Iterable[tuple[str, dict | None, dict | None]], after: dict[str, dict],
            existed: Callable[[str], bool], related: Callable[[set[str]], set[str]]) -> dict:
    """The diff from (id, old element or None, new element or None) for every element that may have changed.

    cytoscape drops a removed node's children and edges, so those of a re-parented node are removed and
    added again too (`related(ids)` names them; `existed(id)`: whether an id was in the old diagram)."""
    add, update, remove = [], [], []
    for i, prev, e in changes:
        if e is None:
            if prev is not None:
                remove.append(i)
        elif prev is None:
            add.append(e)
        elif prev["data"].get("parent") != e["data"].get("parent"):
            remove.append(i)
            add.append(e)
        elif prev != e:
            update.append(e)
    moved = {i for i in remove if i in after}
    again: set[str] = set()
    while moved:
        removed = set(remove)
        moved = {i for i in related(moved) if existed(i) and i not in removed and i not in again}
        again |= moved
        remove.extend(sorted(moved))
        add.extend(after[i] for i in sorted(moved))
        moved = {i for i in moved if after[i]["group"] == "nodes"}
    if again:
        update = [e for e in update if e["data"]["id"] not in again]
    add.sort(key=order_key)
    update.sort(key=order_key)
    return {"add": add, "update": update, "remove": remove}


def is_empty(d: dict) -> bool:
    return not (d["add"] or d["update"] or d["remove"])
