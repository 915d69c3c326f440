"""What the controllers and the allocators ask about every pod and Service, kept up to date as they are stored.

Cluster._note calls `update` for every put, touch and remove of a pod, so a write costs what it changed
instead of a scan of every pod: the kubelet's pass looks only at the pods still to start, the ingress
controller finds its own pods by image, and a new pod's IP is checked against a table instead of a set
rebuilt from every pod (which made starting N pods quadratic). Built from the objects when first asked
for after a load (Cluster.pod_index); never persisted. The index keeps, per pod, what it recorded for it,
so a pod changed in place and then touched (the kubelet writes status that way) leaves its old entries.
ServiceIndex does the same for the addresses and node ports Services hold (the allocators' tables).
"""
from __future__ import annotations

from . import images


class KeptIndex:
    """An index over the objects of one type, told of every write by Cluster._note through update()."""

    @classmethod
    def build(cls, objects: dict[str, dict]):
        index = cls()
        for key, obj in objects.items():
            index.update(key, obj)
        return index

    def update(self, key: str, obj: dict | None) -> None:
        raise NotImplementedError


class PodIndex(KeptIndex):
    def __init__(self) -> None:
        self.ips: dict[str, int] = {}                   # status.podIP -> pods holding it
        self.pending: set[str] = set()                  # keys of pods with no status or phase Pending
        self.by_repository: dict[str, set[str]] = {}    # image repository -> keys of pods running a container of it
        self._held: dict[str, tuple[str | None, bool, frozenset[str]]] = {}   # key -> (ip, pending, repositories)

    def update(self, key: str, pod: dict | None) -> None:
        """The pod stored at `key` is now `pod` (None: removed)."""
        old = self._held.pop(key, None)
        if old is not None:
            ip, pending, repos = old
            _count(self.ips, (ip,) if ip else (), -1)
            if pending:
                self.pending.discard(key)
            for repo in repos:
                keys = self.by_repository[repo]
                keys.discard(key)
                if not keys:
                    del self.by_repository[repo]
        if pod is None:
            return
        status = pod.get("status")
        ip = status.get("podIP") if status else None
        pending = status is None or status.get("phase") in ("Pending", None)
        repos = frozenset(images.repository(c.get("image", "") or "")
                          for c in (pod.get("spec") or {}).get("containers") or [])
        self._held[key] = (ip, pending, repos)
        _count(self.ips, (ip,) if ip else (), 1)
        if pending:
            self.pending.add(key)
        for repo in repos:
            self.by_repository.setdefault(repo, set()).add(key)


class ServiceIndex(KeptIndex):
    """ClusterIPs and node ports in use, by how many Services hold each (a Service being updated still holds
    its old ones until it is stored)."""

    def __init__(self) -> None:
        self.cluster_ips: dict[str, int] = {}
        self.node_ports: dict[int, int] = {}
        self._held: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}

    def update(self, key: str, svc: dict | None) -> None:
        old = self._held.pop(key, None)
        if old is not None:
            _count(self.cluster_ips, old[0], -1)
            _count(self.node_ports, old[1], -1)
        if svc is None:
            return
        spec = svc.get("spec") or {}
        ips = tuple(spec.get("clusterIPs") or [])
        ports = []
        for p in spec.get("ports") or []:
            try:
                if p.get("nodePort"):
                    ports.append(int(p["nodePort"]))
            except (AttributeError, TypeError, ValueError):
                continue          # a shape validation refuses: it holds no port
        self._held[key] = (ips, tuple(ports))
        _count(self.cluster_ips, ips, 1)
        _count(self.node_ports, ports, 1)


def _count(table: dict, values, step: int) -> None:
    for v in values:
        n = table.get(v, 0) + step
        if n > 0:
            table[v] = n
        else:
            table.pop(v, None)
