"""The cluster's state: Kubernetes-shaped objects, resource versions, a clock and seeded randomness.

Objects are stored exactly in their API shape (apiVersion, kind, metadata, spec, status) so that
`-o yaml`, `edit` and `apply` are faithful. Everything here is plain JSON-able data: a sandbox is
`Cluster.from_dict(row.state)` on the way in and `cluster.to_dict()` on the way out.
"""
from __future__ import annotations

import hashlib
import ipaddress
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import AbstractSet, Iterator

from . import managedfields, resources as res
from .indexes import PodIndex, ServiceIndex
from .jsondata import deep_copy
from .limits import Limits, configured

# The alphabet Kubernetes uses for generated suffixes (k8s.io/apimachinery/pkg/util/rand): no vowels,
# no look-alikes, so names never spell words.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
POD_CIDR = ipaddress.ip_network("10.244.0.0/16")
NODE_PORT_RANGE = (30000, 32767)


def rfc3339(ts: float) -> str:
    return _rfc3339(int(ts))


@lru_cache(maxsize=4096)      # a command stamps many objects with the same few seconds (28 per pod it starts)
def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=8192)      # controllers re-read the same timestamps (events, pods) on every reconcile
def parse_rfc3339(value: str) -> float:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


@dataclass
class Derived:
    """Indexes the controllers build from the stored objects, each with the Cluster.stamp it was built at and
    rebuilt when that moved (or kept in step by the controller's own writes). Never persisted."""
    events: dict = field(default_factory=dict)         # stamp, index: involvedObject.uid -> events, floor
    owners: dict = field(default_factory=dict)         # plural -> (stamp, owner uid -> objects in list order)
    labels: dict = field(default_factory=dict)         # stamp, (namespace, label key) -> value -> pods
    selectors: dict = field(default_factory=dict)      # stamp, index: (namespace, key, value) -> Services
    endpoint_pods: dict = field(default_factory=dict)  # stamp, index: (namespace, pod) -> Endpoints keys
    pod_labels: dict = field(default_factory=dict)     # stamp, namespace -> distinct label sets of its pods


_HEX = "0123456789abcdef"
# RFC 4122 version 4: the variant bits 10, the version nibble 4
_UUID_CLEAR = ~((0xc000 << 48) | (0xf000 << 64))
_UUID_SET = (0x8000 << 48) | (4 << 76)


class Cluster:
    """The API server's storage for one sandbox, plus the bits of the world it needs (clock, dice)."""

    def __init__(self, seed: int = 0, now: float | None = None, limits: Limits | None = None):
        self.limits = limits or configured()     # the server's, handed in (not persisted)
        self.objects: dict[str, dict[str, dict]] = {}   # plural -> "ns/name" -> object
        self.resource_version = 1000
        self.seed = seed
        self.counter = 0          # draws taken from the seeded generator so far
        self._draw_base: tuple = (None, None)    # (seed, blake2b state after "<seed>:"), see _draw
        self.now = time.time() if now is None else now
        self.running = True       # `minikube stop` turns the whole cluster off
        self.cni = ""             # "" (minikube's default bridge), "calico", "flannel", ...
        self.addons: dict[str, bool] = {}
        self.next_pod_ip = 2      # 10.244.0.x, handed out in order as the bridge CNI does
        # What the node's runtime knows that the API does not (the minikube container, access logs).
        self.runtime: dict = {}
        self.log_seq = 0                        # grows for the life of the object
        self._members: dict[str, int] = {}      # plural -> count of keys added or removed (which objects)
        self._contents: dict[str, int] = {}     # plural -> count of puts/touches/removes (anything in them)
        self._replaced: dict[str, int] = {}     # plural -> count of puts over a stored object (a new dict)
        # list(): (plural, namespace) -> (stamp of the keys, sorted keys, replacements then, the objects)
        self._lists: dict[tuple[str, str | None], tuple[tuple, list[str], int, list[dict]]] = {}
        self._pod_index: PodIndex | None = None     # built on first use (a read on a loaded cluster needs none)
        self._service_index: ServiceIndex | None = None
        self.derived = Derived()
        # What was stored, touched or removed since `written_base` (the stamps delta.changes last returned), so
        # the store finds what a command changed without walking every object. None: unknown, walk them all.
        self.written: set[tuple[str, str]] | None = None
        self.written_base: dict | None = None
        self.last_changes: tuple | None = None      # (before, what delta.changes answered): asked twice, once found
        self._reset_log(None)
        # Watch events for the running processes (jobs.py): while a process watches a kind, every write of it
        # is kept here as (type, plural, object as written) until the processes have read it. Never persisted.
        self.watching: frozenset[str] = frozenset()
        self.watch_log: list[tuple[str, str, dict]] = []

    # ---- the change log (in memory, never persisted) ---------------------------------------------
    # put/touch/remove note what they changed so the controllers can reconcile only what a command touched
    # (controllers.reconcile). `log_base` is the resourceVersion the log starts at: when it is the one the
    # last reconcile settled at, the log holds every change since; None means "unknown, reconcile it all".
    def _reset_log(self, base: int | None) -> None:
        self.log_base = base
        self.log_changed: dict[str, dict[str, int]] = {}      # plural -> key -> log_seq of its last put/touch
        self.log_previous: list[tuple[int, str, dict]] = []   # (log_seq, plural, object removed or replaced)

    def log_reset(self) -> None:
        """The controllers settled here: forget what changed before."""
        self._reset_log(self.resource_version)

    def _note(self, plural: str, key: str, old: dict | None, obj: dict | None) -> None:
        self.log_seq += 1
        if obj is not None:
            self.log_changed.setdefault(plural, {})[key] = self.log_seq
        if old is not None and old is not obj:
            self.log_previous.append((self.log_seq, plural, old))
        if (old is None) != (obj is None):
            self._members[plural] = self._members.get(plural, 0) + 1
        elif old is not obj:
            self._replaced[plural] = self._replaced.get(plural, 0) + 1
        self._contents[plural] = self._contents.get(plural, 0) + 1
        if plural == "pods" and self._pod_index is not None:
            self._pod_index.update(key, obj)
        elif plural == "services" and self._service_index is not None:
            self._service_index.update(key, obj)
        if self.written is not None:
            self.written.add((plural, key))
        if plural in self.watching:
            kind = "DELETED" if obj is None else "ADDED" if old is None else "MODIFIED"
            self.watch_log.append((kind, plural, deep_copy(obj if obj is not None else old)))

    @property
    def pod_index(self) -> PodIndex:
        """Pending pods, pod IPs, pods by image: kept in step by every write from the first time it is asked for."""
        if self._pod_index is None:
            self._pod_index = PodIndex.build(self.objects.get("pods", {}))
        return self._pod_index

    @property
    def service_index(self) -> ServiceIndex:
        """ClusterIPs and node ports in use, kept in step the same way."""
        if self._service_index is None:
            self._service_index = ServiceIndex.build(self.objects.get("services", {}))
        return self._service_index

    def stamp(self, plural: str, content: bool = False) -> tuple:
        """Changes whenever the set of keys stored for a type does (content=True: or any object of it does)."""
        items = self.objects.get(plural)
        return (id(items), len(items or ()), (self._contents if content else self._members).get(plural, 0))

    # ---- persistence -------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "objects": self.objects,
            "resource_version": self.resource_version,
            "seed": self.seed,
            "counter": self.counter,
            "now": self.now,
            "running": self.running,
            "cni": self.cni,
            "addons": self.addons,
            "next_pod_ip": self.next_pod_ip,
            "runtime": self.runtime,
        }

    @classmethod
    def from_dict(cls, data: dict, limits: Limits | None = None) -> "Cluster":
        c = cls(seed=data.get("seed", 0), now=data.get("now"), limits=limits)
        c.objects = data.get("objects", {})
        c.resource_version = data.get("resource_version", 1000)
        c.counter = data.get("counter", 0)
        c.running = data.get("running", True)
        c.cni = data.get("cni", "")
        c.addons = data.get("addons", {})
        c.next_pod_ip = data.get("next_pod_ip", 2)
        c.runtime = data.get("runtime", {})
        c._reset_log(c.resource_version)
        return c

    # ---- seeded randomness: a counter-based stream, so the state is two integers ---------------
    def _draw(self) -> int:
        # (not _digests(1): a list per draw costs half as much again, and most draws come one at a time)
        self.counter += 1
        h = self._draw_state().copy()
        h.update(b"%d" % self.counter)
        return int.from_bytes(h.digest(), "big")

    def _digests(self, n: int) -> list[bytes]:
        """The next n draws' digests, as n calls of _draw would hash them (in one loop)."""
        base = self._draw_state()
        start = self.counter + 1
        self.counter += n
        out = []
        for i in range(start, start + n):
            h = base.copy()
            h.update(b"%d" % i)
            out.append(h.digest())
        return out

    def _draw_state(self):
        # A draw is blake2b("<seed>:<counter>"), hashed from a copy of the state after "<seed>:" (half the cost
        # of hashing anew: a started pod takes ~150 draws for its names and ids).
        if self._draw_base[0] != self.seed:
            self._draw_base = (self.seed, hashlib.blake2b(f"{self.seed}:".encode(), digest_size=8))
        return self._draw_base[1]

    def randint(self, lo: int, hi: int) -> int:
        return lo + self._draw() % (hi - lo + 1)

    def choice(self, seq):
        return seq[self._draw() % len(seq)]

    def rand_suffix(self, n: int = 5) -> str:
        size = len(NAME_ALPHABET)
        return "".join([NAME_ALPHABET[int.from_bytes(d, "big") % size] for d in self._digests(n)])

    def uid(self) -> str:
        # str(uuid.UUID(bytes=..., version=4)) without the class's checks (every event has a uid)
        high, low = self._digests(2)
        n = int.from_bytes(high + low, "big") & _UUID_CLEAR | _UUID_SET
        h = "%032x" % n
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def hex_id(self, n: int = 12) -> str:
        # a draw % 16 is its digest's last nibble
        return "".join([_HEX[d[-1] & 15] for d in self._digests(n)])

    # ---- time --------------------------------------------------------------------------------
    def timestamp(self) -> str:
        return rfc3339(self.now)

    def age_seconds(self, obj: dict) -> float:
        ts = obj.get("metadata", {}).get("creationTimestamp")
        return max(0.0, self.now - parse_rfc3339(ts)) if ts else 0.0

    # ---- storage -----------------------------------------------------------------------------
    @staticmethod
    def key(namespace: str | None, name: str) -> str:
        return f"{namespace or ''}/{name}"

    def get(self, plural: str, namespace: str | None, name: str) -> dict | None:
        return self.objects.get(plural, {}).get(self.key(namespace, name))

    def list(self, plural: str, namespace: str | None = None) -> list[dict]:
        """Objects of a type, in one namespace (None: all), sorted as the API server lists them."""
        items = self.objects.get(plural, {})
        # Controllers (and the diagram) list the same types many times per command: reuse the sorted keys while
        # no key of the type was added or dropped (a touch or a put over an object does not move the order),
        # and the objects while none was replaced by a put.
        stamp, replaced = self.stamp(plural), self._replaced.get(plural, 0)
        hit = self._lists.get((plural, namespace))
        if hit is None or hit[0] != stamp:
            keys = [k for k in items if namespace is None or k.split("/", 1)[0] == namespace]
            keys.sort(key=lambda k: (items[k]["metadata"].get("namespace", ""), items[k]["metadata"]["name"]))
            hit = self._lists[(plural, namespace)] = (stamp, keys, replaced, [items[k] for k in keys])
        elif hit[2] != replaced:
            hit = self._lists[(plural, namespace)] = (stamp, hit[1], replaced, [items[k] for k in hit[1]])
        return list(hit[3])

    def all_objects(self) -> Iterator[dict]:
        for items in self.objects.values():
            yield from items.values()

    def count(self) -> int:
        return sum(len(v) for v in self.objects.values())

    def bump(self) -> str:
        self.resource_version += 1
        return str(self.resource_version)

    def put(self, obj: dict, *, new: bool | None = None) -> dict:
        """Store an object as the API server would: fill in uid, creationTimestamp, resourceVersion.

        The caller passes a complete object; `new=True` also stamps identity fields.
        """
        r = res.for_object(obj)
        if r is None:
            raise KeyError(f"unknown kind {obj.get('apiVersion')}/{obj.get('kind')}")
        meta = obj.setdefault("metadata", {})
        if r.namespaced:
            meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
        k = self.key(meta.get("namespace"), meta["name"])
        existing = self.objects.get(r.plural, {}).get(k)
        if new is None:
            new = existing is None
        if new:
            # a Job's uid is chosen before it is stored: its selector names it (batch.prepare_job)
            meta["uid"] = meta["uid"] if r.plural == "jobs" and meta.get("uid") else self.uid()
            meta["creationTimestamp"] = self.timestamp()
            meta.setdefault("generation", 1) if r.plural in GENERATION_TYPES or r.custom is not None else None
        elif existing is not None:
            meta.setdefault("uid", existing["metadata"].get("uid"))
            meta.setdefault("creationTimestamp", existing["metadata"].get("creationTimestamp"))
            if r.plural in GENERATION_TYPES or r.custom is not None:
                gen = existing["metadata"].get("generation", 1)
                if existing.get("spec") != obj.get("spec"):
                    gen += 1
                meta["generation"] = gen
        if managedfields.recording(r.plural):
            # an object changed in place before put has no previous state: only its owned set is compared
            before = None if new or existing is obj else existing
            managedfields.record(r.plural, before, obj, self.timestamp(), known_only=not new and before is None,
                                 old_entries=[] if new else (before or obj).get("metadata", {}).get("managedFields"))
        meta["resourceVersion"] = self.bump()
        self.objects.setdefault(r.plural, {})[k] = obj
        self._note(r.plural, k, existing, obj)
        return obj

    def touch(self, obj: dict) -> None:
        """Record an in-place change to a stored object (status written by a controller)."""
        r = res.for_object(obj)
        if r is not None and managedfields.recording(r.plural):
            managedfields.record(r.plural, None, obj, self.timestamp(), known_only=True)
        obj["metadata"]["resourceVersion"] = self.bump()
        if r is None:
            self.log_base = None        # a change the log cannot name: the next reconcile looks at everything
            self.written = None         # and the store walks every object
            return
        meta = obj["metadata"]
        self._note(r.plural, self.key(meta.get("namespace") if r.namespaced else None, meta["name"]), obj, obj)

    def remove(self, plural: str, namespace: str | None, name: str) -> dict | None:
        return self.remove_key(plural, self.key(namespace, name))

    def remove_key(self, plural: str, key: str) -> dict | None:
        obj = self.objects.get(plural, {}).pop(key, None)
        if obj is not None:
            self._note(plural, key, obj, None)
        return obj

    def snapshot(self) -> dict:
        return deep_copy(self.to_dict())

    # ---- allocation --------------------------------------------------------------------------
    def allocated_cluster_ips(self) -> AbstractSet[str]:
        return self.service_index.cluster_ips.keys()

    def allocate_cluster_ip(self) -> str:
        """A random free address in 10.96.0.0/12, as the apiserver's bitmap allocator picks one."""
        used = self.allocated_cluster_ips()
        size = SERVICE_CIDR.num_addresses
        for _ in range(1000):
            # The lower band (first 1/16th, at most 256) is reserved for static IPs such as kube-dns.
            offset = self.randint(min(256, size // 16) + 1, size - 2)
            ip = str(SERVICE_CIDR.network_address + offset)
            if ip not in used:
                return ip
        raise RuntimeError("service IP range exhausted")

    def allocated_node_ports(self) -> AbstractSet[int]:
        return self.service_index.node_ports.keys()

    def allocate_node_port(self) -> int:
        used = self.allocated_node_ports()
        lo, hi = NODE_PORT_RANGE
        for _ in range(1000):
            port = self.randint(lo, hi)
            if port not in used:
                return port
        raise RuntimeError("node port range exhausted")

    def allocate_pod_ip(self) -> str:
        used = self.pod_index.ips
        while True:
            ip = str(POD_CIDR.network_address + self.next_pod_ip)
            self.next_pod_ip += 1
            if ip not in used:
                return ip


# Types whose metadata.generation counts spec changes (the rest leave it unset).
GENERATION_TYPES = {"customresourcedefinitions", "deployments", "replicasets", "daemonsets", "statefulsets", "jobs",
                    "ingresses", "networkpolicies", "ingressclasses", "poddisruptionbudgets"}
