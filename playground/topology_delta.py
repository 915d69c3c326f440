"""The live diagram kept up to date from what a command changed, instead of rebuilt and diffed whole.

    d = Diagram.build(engine)                    # the full build (topology.build) plus indexes
    ... the engine runs a command ...
    changed, gone, _ = delta.changes(engine.cluster, stamps_before)
    message = d.advance(engine, changed, gone)   # {"add", "update", "remove"}: what topology.diff would say

Each element is built by topology's per-object builders; the indexes say which elements a changed object
touches: a pod recomputes its own element, its `selects` edges against the Services whose selector shares
one of its labels, its `isolates` edges against the NetworkPolicies of its namespace, and the namespace's
counts; a Service its element,
its NodePort entries and its edges; a workload its element and, when its identity or ownerReferences
change, the pods it owns; an Endpoints object its Service's element (the count of ready endpoints).
Cluster-wide facts (nodes, running, the ingress controllers, IngressClasses, whether policies are
enforced, the set of namespaces) change elements everywhere: then the diagram is rebuilt whole. So does a
change to a Gateway API object, or a Service coming or going while Gateway API objects exist
(topology_gateway's edges join Gateways, routes and Services across namespaces).
tests/web/test_topology_delta.py checks after every command of the lessons and of random sessions that
the result equals the full rebuild.
"""
from __future__ import annotations

from . import topology, topology_gateway, topology_ingress, topology_policy
from .sim import ingress as routing
from .sim import policy
from .sim.cluster import Cluster

Key = tuple[str, str]                      # (plural, "namespace/name"), as playground/sim/delta.py
OwnerKey = tuple[str, str, str]            # (namespace, Kind, name)
PAIR_EDGES = {"selects", "isolates"}       # edges recomputed from either end (service/policy x pod)
REBUILD_ON = {"nodes", "namespaces", "ingressclasses"}      # when one comes or goes
NAMESPACED = {"pods", "services", "endpoints", "networkpolicies", "ingresses", *topology.WORKLOADS}
# the routing objects whose diagnosis a write in their namespace may change: plural -> their element
REDIAGNOSED = {"services": topology.service_element, "networkpolicies": topology_policy.policy_element,
               "ingresses": topology_ingress.ingress_element}
INCREMENTAL = True       # False: every advance() rebuilds whole and diffs (the reference; the benchmark's "before")


def _split(key: str) -> tuple[str, str]:
    ns, _, name = key.partition("/")
    return ns, name


def _owner_key(obj: dict) -> OwnerKey | None:
    ref = topology._controller_ref(obj)
    return (obj["metadata"].get("namespace", "default"), ref.get("kind", ""), ref.get("name", "")) if ref else None


def _ownership(obj: dict | None) -> tuple | None:
    """What a workload's place in the ownership chain depends on: its uid and its ownerReferences."""
    if obj is None:
        return None
    meta = obj["metadata"]
    return meta.get("uid"), tuple(sorted((r.get("kind", ""), r.get("name", ""), r.get("uid", ""),
                                          bool(r.get("controller"))) for r in meta.get("ownerReferences") or []))


class Diagram:
    def __init__(self):
        self.els: dict[str, dict] = {}
        self.published = self.els                       # the last finished state (see elements())
        self.facts: dict = {}
        self.lanes: set[str] = set()                     # namespaces with a lane
        self.namespace_objects: set[str] = set()
        self.members: dict[str, dict[str, set[str]]] = {}   # plural -> namespace -> names
        self.ready: dict[str, bool] = {}                 # pod id -> counted ready
        self.counts: dict[str, list[int]] = {}           # namespace -> [pods, ready, services]
        self.incident: dict[str, set[str]] = {}          # node id -> ids of the edges touching it
        self.owner_of: dict[str, OwnerKey | None] = {}   # pod id -> its controller's (ns, Kind, name)
        self.owned: dict[OwnerKey, set[str]] = {}        # (ns, Kind, name) -> ids of pods it controls
        self.ownership: dict[Key, tuple] = {}            # workload key -> _ownership()
        self.children: dict[OwnerKey, set[Key]] = {}     # Deployment/CronJob -> keys of its ReplicaSets/Jobs
        self.parent_of: dict[Key, OwnerKey] = {}         # the other way round
        self.entries: dict[str, set[str]] = {}           # service id -> its NodePort entry ids
        # label pairs, so a pod meets only the Services whose selector shares one of its labels and a
        # Service only the pods that carry its selector: (plural, ns, key, value) -> names
        self.by_pair: dict[tuple, set[str]] = {}
        self.pairs_of: dict[tuple, tuple] = {}           # (plural, "ns/name") -> its (key, value) pairs
        self.rebuilds = getattr(self, "rebuilds", 0)      # how often advance() rebuilt whole (tests, bench)
        self.version = getattr(self, "version", None)     # the sandbox version it last changed at (services)

    # ---- the full build ----------------------------------------------------------------------------
    @classmethod
    def build(cls, source) -> "Diagram":
        d = cls()
        d._index(topology._source(source)[0], topology.build(source))
        return d

    def _index(self, cluster: Cluster, els: dict[str, dict]) -> None:
        self.__init__()
        self.els = els
        self.published = els
        self.facts = topology.Context.facts_of(cluster)
        self.namespace_objects = {n["metadata"]["name"] for n in cluster.list("namespaces")}
        self.lanes = topology.namespaces_of(cluster) if self.facts["nodes"] else set()
        for plural in ("pods", "services", "networkpolicies", "ingresses"):
            for key in cluster.objects.get(plural, {}):
                ns, name = _split(key)
                self.members.setdefault(plural, {}).setdefault(ns, set()).add(name)
        for ns in self.lanes:
            lane = els.get(topology.namespace_id(ns))
            counts = lane["data"]["counts"] if lane else {"pods": 0, "ready": 0, "services": 0}
            self.counts[ns] = [counts["pods"], counts["ready"], counts["services"]]
        for key, svc in cluster.objects.get("services", {}).items():
            self._pairs("services", key, (svc.get("spec") or {}).get("selector"))
        for key, pod in cluster.objects.get("pods", {}).items():
            self._pairs("pods", key, pod["metadata"].get("labels"))
            pid = topology.obj_id("pod", pod)
            self._own(pid, _owner_key(pod))
            if pid in els:
                self.ready[pid] = els[pid]["data"]["isReady"]
        for plural in topology.WORKLOADS:
            for key, obj in cluster.objects.get(plural, {}).items():
                self.ownership[(plural, key)] = _ownership(obj)
                self._adopt((plural, key), _owner_key(obj) if plural in ("replicasets", "jobs") else None)
        for i, e in els.items():
            if e["group"] == "edges":
                self.incident.setdefault(e["data"]["source"], set()).add(i)
                self.incident.setdefault(e["data"]["target"], set()).add(i)
            elif e["data"]["kind"] == "entry":
                self.entries.setdefault(e["data"]["service"], set()).add(i)

    def elements(self) -> list[dict]:
        """The whole diagram, ordered. Safe while another thread advances it: it reads the dict of the
        last finished state, which advance() never changes (it works on a copy and swaps it in)."""
        return topology.ordered(self.published)

    # ---- indexes ---------------------------------------------------------------------------------------
    def _own(self, pid: str, owner: OwnerKey | None) -> None:
        old = self.owner_of.get(pid)
        if old is not None:
            self.owned.get(old, set()).discard(pid)
        self.owner_of[pid] = owner
        if owner is not None:
            self.owned.setdefault(owner, set()).add(pid)

    def _pairs(self, plural: str, key: str, labels: dict | None) -> None:
        ns, name = _split(key)
        for k, v in self.pairs_of.pop((plural, key), ()):
            self.by_pair.get((plural, ns, k, v), set()).discard(name)
        if labels:
            self.pairs_of[(plural, key)] = tuple(labels.items())
            for k, v in labels.items():
                self.by_pair.setdefault((plural, ns, k, v), set()).add(name)

    def _adopt(self, key: Key, parent: OwnerKey | None) -> None:
        old = self.parent_of.pop(key, None)
        if old is not None:
            self.children.get(old, set()).discard(key)
        if parent is not None:
            self.parent_of[key] = parent
            self.children.setdefault(parent, set()).add(key)

    # ---- applying a command's changes ------------------------------------------------------------------
    def advance(self, source, changed: list[Key], gone: list[Key]) -> dict:
        """Bring the diagram to the cluster as it is now, given the keys the command changed or removed
        (delta.changes); returns the diff from the diagram before, as topology.diff would."""
        cluster, files = topology._source(source)
        self._before: dict[str, dict | None] = {}
        if not INCREMENTAL:                      # what the server did before: rebuild, diff, no indexes
            old, self.els = self.els, topology.build(source)
            self.published, self.facts = self.els, {}
            return topology.diff(old, self.els)
        if not self.facts or self._needs_rebuild(cluster, changed, gone):
            old = self.els
            self._index(cluster, topology.build(source))
            self.rebuilds += 1
            return topology.diff(old, self.els)
        self.els = dict(self.published)          # copy on write: readers keep the last state whole
        ctx = topology.Context(cluster, files, self.facts)
        self._set(topology.host_element(ctx))
        for plural, key in changed:
            if plural == "nodes":               # status only: its element, nothing else
                self._set(topology.node_element(ctx, cluster.objects["nodes"][key]))
        if self.facts["nodes"]:
            self._apply(ctx, changed + gone)
        self.published = self.els
        before = self._before
        changes = [(i, prev, self.els.get(i)) for i, prev in before.items()]
        return topology.diff_of(changes, self.els, lambda i: before[i] is not None if i in before else i in self.els,
                                self._related)

    def verify(self, source) -> None:
        """Raise if the diagram differs from a rebuild from scratch (settings.PODSCAPE_VERIFY_STORE)."""
        full = topology.build(source)
        if full != self.els:
            wrong = sorted(i for i in set(full) | set(self.els) if full.get(i) != self.els.get(i))
            raise AssertionError(f"the incremental diagram differs from the rebuild: {wrong[:10]}")

    def _needs_rebuild(self, cluster: Cluster, changed: list[Key], gone: list[Key]) -> bool:
        if cluster.running != self.facts.get("running"):
            return True
        for plural, key in gone:
            if plural in REBUILD_ON:
                return True
        if self._gateway_api_changed(cluster, changed + gone):
            return True
        for plural, key in changed:
            if plural == "ingressclasses" or (plural == "nodes" and _split(key)[1] not in self.facts["nodes"]) \
                    or (plural == "namespaces" and _split(key)[1] not in self.namespace_objects):
                return True                    # a node, a namespace or an IngressClass came
        for plural, key in changed + gone:
            if plural in NAMESPACED and _split(key)[0] not in self.lanes and self.facts["nodes"]:
                return True                    # an object in a namespace that has no lane yet
            if plural == "pods":
                pod = cluster.objects.get("pods", {}).get(key)
                now = pod is not None and routing.is_controller_pod(pod)
                if now != (f"pod/{key}" in self.facts["controllers"]):
                    return True                # an ingress controller came or went: hostport/serves everywhere
        if [1 for plural, key in gone if plural in NAMESPACED and _split(key)[0] not in self.namespace_objects]:
            return True                        # the lane of a namespace without a Namespace object may go
        return policy.enforced(cluster) != self.facts["enforced"]

    def _gateway_api_changed(self, cluster: Cluster, keys: list[Key]) -> bool:
        if any(plural in topology_gateway.PLURALS for plural, _ in keys):
            return True
        if not topology_gateway.present(cluster):
            return False
        for plural, key in keys:
            if plural == "services":
                ns, name = _split(key)
                was = name in self.members.get("services", {}).get(ns, ())
                if was != (key in cluster.objects.get("services", {})):
                    return True
        return False

    def _set(self, e: dict) -> None:
        i = e["data"]["id"]
        if i not in self._before:
            self._before[i] = self.els.get(i)
        self.els[i] = e
        if e["group"] == "edges":
            self.incident.setdefault(e["data"]["source"], set()).add(i)
            self.incident.setdefault(e["data"]["target"], set()).add(i)

    def _drop(self, i: str) -> None:
        e = self.els.get(i)
        if e is None:
            return
        if i not in self._before:
            self._before[i] = e
        del self.els[i]
        if e["group"] == "edges":
            for end in (e["data"]["source"], e["data"]["target"]):
                self.incident.get(end, set()).discard(i)
        else:
            for edge in list(self.incident.pop(i, ())):   # an edge cannot outlive its ends
                self._drop(edge)

    def _drop_edges(self, i: str, kinds: set[str]) -> None:
        for edge in [x for x in self.incident.get(i, ()) if self.els[x]["data"]["kind"] in kinds]:
            self._drop(edge)

    def _related(self, moved: set[str]) -> set[str]:
        """Edges touching, and children of, re-parented nodes: only pods re-parent outside a rebuild
        (lanes and workloads keep their parents), and pods have no children."""
        return {edge for i in moved for edge in self.incident.get(i, ())}

    def _apply(self, ctx: topology.Context, keys: list[Key]) -> None:
        cluster = ctx.cluster
        by: dict[str, set[str]] = {}
        for plural, key in keys:
            by.setdefault(plural, set()).add(key)
        for plural in ("pods", "services", "networkpolicies", "ingresses"):
            for key in by.get(plural, ()):
                ns, name = _split(key)
                names = self.members.setdefault(plural, {}).setdefault(ns, set())
                (names.add if key in cluster.objects.get(plural, {}) else names.discard)(name)
        pods, services, policies, ingresses = (set(by.get(p, ())) for p in (
            "pods", "services", "networkpolicies", "ingresses"))
        namespaces = {_split(k)[0] for k in pods | services}
        rediagnose: list[Key] = []
        if topology.CAUSE is not None:
            # A Service's, Ingress's or policy's diagnosis reads anything in its namespace (the pods it
            # selects, the Services it routes to); a pod's reads only the pod and its owners. So a write
            # redraws the element (not the edges) of its namespace's routing objects, never its every pod.
            touched = {_split(k)[0] for plural, k in keys if plural in NAMESPACED}
            namespaces |= touched
            rediagnose = sorted((plural, f"{ns}/{n}") for plural in REDIAGNOSED for ns in touched
                                for n in self.members.get(plural, {}).get(ns, ()))
        reparent = self._workloads(ctx, [(p, k) for p, k in keys if p in topology.WORKLOADS])
        for key in sorted(pods):
            self._pod(ctx, key)
        for pid in sorted(reparent - {f"pod/{k}" for k in pods}):
            pod = cluster.get("pods", *pid.split("/")[1:])
            if pod is not None:
                self._set(topology.pod_element(ctx, pod))
        for key in sorted(services):
            self._service(ctx, key)
            ingresses |= {f"{_split(key)[0]}/{n}" for n in self.members.get("ingresses", {}).get(_split(key)[0], ())}
        for key in sorted(by.get("endpoints", set()) - services):     # only the count of ready endpoints
            svc = cluster.objects.get("services", {}).get(key)
            if svc is not None:
                self._set(topology.service_element(ctx, svc))
        for key in sorted(policies):
            self._policy(ctx, key)
        for key in sorted(ingresses):
            self._ingress(ctx, key)
        redrawn = {("services", k) for k in services} | {("networkpolicies", k) for k in policies} | \
            {("ingresses", k) for k in ingresses}
        for plural, key in rediagnose:
            obj = cluster.objects.get(plural, {}).get(key)
            if obj is not None and (plural, key) not in redrawn:
                self._set(REDIAGNOSED[plural](ctx, obj))
        for ns in sorted(namespaces):
            n, ready, nsvc = self.counts.setdefault(ns, [0, 0, 0])
            self._set(topology.namespace_element(ctx, ns, n, ready, nsvc))

    def _workloads(self, ctx: topology.Context, keys: list[Key]) -> set[str]:
        """Recompute changed workloads; returns the ids of pods whose workload may have changed."""
        cluster = ctx.cluster
        reparent: set[str] = set()
        todo, seen = list(keys), set()
        while todo:
            plural, key = todo.pop()
            if (plural, key) in seen:
                continue
            seen.add((plural, key))
            kind, (ns, name) = topology.WORKLOADS[plural], _split(key)
            obj = cluster.objects.get(plural, {}).get(key)
            wid = topology.workload_id(ns, kind, name)
            if obj is not None and topology.is_workload(cluster, kind, obj):
                self._set(topology.workload_element(ctx, kind, obj))
            else:
                self._drop(wid)
            was, now = self.ownership.get((plural, key)), _ownership(obj)
            if was == now:
                continue                       # a status or spec change: nobody moves
            if now is None:
                self.ownership.pop((plural, key), None)
            else:
                self.ownership[(plural, key)] = now
            if plural in ("replicasets", "jobs"):
                self._adopt((plural, key), _owner_key(obj) if obj is not None else None)
            me = (ns, kind, name)
            reparent |= self.owned.get(me, set())
            for child in self.children.get(me, set()):     # a ReplicaSet folds into its Deployment or not
                todo.append(child)
                reparent |= self.owned.get((ns, topology.WORKLOADS[child[0]], _split(child[1])[1]), set())
        return reparent

    def _pod(self, ctx: topology.Context, key: str) -> None:
        cluster = ctx.cluster
        ns, name = _split(key)
        pid = f"pod/{ns}/{name}"
        pod = cluster.objects.get("pods", {}).get(key)
        counts = self.counts.setdefault(ns, [0, 0, 0])
        if pid in self.ready:
            counts[0] -= 1
            counts[1] -= self.ready.pop(pid)
        self._drop_edges(pid, PAIR_EDGES)
        self._pairs("pods", key, pod["metadata"].get("labels") if pod else None)
        if pod is None:
            self._own(pid, None)
            self.owner_of.pop(pid, None)
            self._drop(pid)
            return
        self._own(pid, _owner_key(pod))
        e = topology.pod_element(ctx, pod)
        self._set(e)
        self.ready[pid] = e["data"]["isReady"]
        counts[0] += 1
        counts[1] += e["data"]["isReady"]
        labels = pod["metadata"].get("labels") or {}
        for svc_name in set().union(*(self.by_pair.get(("services", ns, k, v), ()) for k, v in labels.items())):
            svc = cluster.get("services", ns, svc_name)
            edge = svc and topology.selects_edge(ctx, svc, pod)
            if edge:
                self._set(edge)
        for np_name in self.members.get("networkpolicies", {}).get(ns, ()):
            np_ = cluster.get("networkpolicies", ns, np_name)
            edge = np_ and topology_policy.isolates_edge(ctx, np_, pod)
            if edge:
                self._set(edge)

    def _pods_in(self, ctx: topology.Context, ns: str):
        for name in self.members.get("pods", {}).get(ns, ()):
            pod = ctx.cluster.get("pods", ns, name)
            if pod is not None:
                yield pod

    def _service(self, ctx: topology.Context, key: str) -> None:
        ns, name = _split(key)
        sid = f"service/{ns}/{name}"
        svc = ctx.cluster.objects.get("services", {}).get(key)
        had = sid in self.els
        for entry in self.entries.pop(sid, set()):
            self._drop(entry)
        self._drop_edges(sid, {"selects", "routes"})
        selector = (svc or {}).get("spec", {}).get("selector")
        self._pairs("services", key, selector)
        if svc is None:
            self._drop(sid)
        else:
            self._set(topology.service_element(ctx, svc))
            for e in topology.entry_elements(ctx, svc):
                self._set(e)
                if e["data"]["kind"] == "entry":
                    self.entries.setdefault(sid, set()).add(e["data"]["id"])
            if selector:
                names = min((self.by_pair.get(("pods", ns, k, v), set()) for k, v in selector.items()), key=len)
                for pod_name in list(names):
                    edge = topology.selects_edge(ctx, svc, ctx.cluster.get("pods", ns, pod_name))
                    if edge:
                        self._set(edge)
        if had != (svc is not None):
            self.counts.setdefault(ns, [0, 0, 0])[2] += 1 if svc is not None else -1

    def _policy(self, ctx: topology.Context, key: str) -> None:
        ns, name = _split(key)
        npid = f"networkpolicy/{ns}/{name}"
        np_ = ctx.cluster.objects.get("networkpolicies", {}).get(key)
        self._drop_edges(npid, {"isolates"})
        if np_ is None:
            self._drop(npid)
            return
        self._set(topology_policy.policy_element(ctx, np_))
        for pod in self._pods_in(ctx, ns):
            edge = topology_policy.isolates_edge(ctx, np_, pod)
            if edge:
                self._set(edge)

    def _ingress(self, ctx: topology.Context, key: str) -> None:
        ns, name = _split(key)
        iid = f"ingress/{ns}/{name}"
        ing = ctx.cluster.objects.get("ingresses", {}).get(key)
        self._drop_edges(iid, {"routes", "serves"})
        if ing is None:
            self._drop(iid)
            return
        for e in topology_ingress.ingress_elements(ctx, ing):
            self._set(e)
