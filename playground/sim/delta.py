"""What a command changed, for storage that writes one row per object (playground/store.py).

Every write to a stored object goes through Cluster.put / Cluster.touch, which bump its resourceVersion,
so comparing resourceVersions before and after a command finds exactly the objects it changed; the
cluster also notes which keys it wrote (Cluster.written), so only those are compared.
"""
from __future__ import annotations

from .cluster import Cluster

Key = tuple[str, str]                     # (plural, "namespace/name")
Stamps = dict[Key, str]                   # -> metadata.resourceVersion


def _rv(obj: dict) -> str:
    return obj.get("metadata", {}).get("resourceVersion", "")


def stamps(cluster: Cluster) -> Stamps:
    """Every object's resourceVersion (a walk of the whole cluster: on load). The cluster notes its writes
    from here on, so changes() against these stamps looks only at what was written since."""
    out = {(plural, key): _rv(obj) for plural, items in cluster.objects.items() for key, obj in items.items()}
    cluster.written, cluster.written_base = set(), out
    return out


def changes(cluster: Cluster, before: Stamps) -> tuple[list[Key], list[Key], Stamps]:
    """(changed or new keys, removed keys, the stamps now). When `before` is what the last stamps() or
    changes() returned for this cluster, only the keys it wrote since are looked at; else every object."""
    written = cluster.written
    last = cluster.last_changes
    if last is not None and last[0] is before and cluster.written_base is last[1][2] and not written:
        # asked again with nothing written since (the quota check, then the store): the same answer, where
        # a second look against `before` would have to walk every object
        return last[1]
    if written is None or cluster.written_base is not before:
        after = stamps(cluster)
        changed = [k for k, rv in after.items() if before.get(k) != rv]
        gone = [k for k in before if k not in after]
        cluster.last_changes = (before, (changed, gone, after))
        return cluster.last_changes[1]
    after = dict(before)
    changed, gone = [], []
    for plural, key in sorted(written):
        obj = cluster.objects.get(plural, {}).get(key)
        if obj is None:
            if (plural, key) in before:
                gone.append((plural, key))
                del after[(plural, key)]
            continue
        rv = _rv(obj)
        if before.get((plural, key)) != rv:
            changed.append((plural, key))
            after[(plural, key)] = rv
    cluster.written, cluster.written_base = set(), after
    cluster.last_changes = (before, (changed, gone, after))
    return cluster.last_changes[1]


def split(state: dict) -> tuple[dict, dict[str, dict[str, dict]]]:
    """(meta, objects): an Engine.to_state() without cluster.objects, and cluster.objects."""
    cluster = dict(state.get("cluster", {}))
    objects = cluster.pop("objects", {}) or {}
    return {**state, "cluster": cluster}, objects


def join(meta: dict, objects: dict[str, dict[str, dict]]) -> dict:
    return {**meta, "cluster": {**meta.get("cluster", {}), "objects": objects}}
