"""What a command changed, for storage that writes one row per object (playground/store.py).

Every write to a stored object goes through Cluster.put / Cluster.touch, which bump its resourceVersion,
so comparing resourceVersions before and after a command finds exactly the objects it changed.
"""
from __future__ import annotations

from .cluster import Cluster

Key = tuple[str, str]                     # (plural, "namespace/name")
Stamps = dict[Key, str]                   # -> metadata.resourceVersion


def stamps(cluster: Cluster) -> Stamps:
    return {(plural, key): obj.get("metadata", {}).get("resourceVersion", "")
            for plural, items in cluster.objects.items() for key, obj in items.items()}


def changes(cluster: Cluster, before: Stamps) -> tuple[list[Key], list[Key], Stamps]:
    """(changed or new keys, removed keys, the stamps now)."""
    after = stamps(cluster)
    changed = [k for k, rv in after.items() if before.get(k) != rv]
    gone = [k for k in before if k not in after]
    return changed, gone, after


def split(state: dict) -> tuple[dict, dict[str, dict[str, dict]]]:
    """(meta, objects): an Engine.to_state() without cluster.objects, and cluster.objects."""
    cluster = dict(state.get("cluster", {}))
    objects = cluster.pop("objects", {}) or {}
    return {**state, "cluster": cluster}, objects


def join(meta: dict, objects: dict[str, dict[str, dict]]) -> dict:
    return {**meta, "cluster": {**meta.get("cluster", {}), "objects": objects}}
