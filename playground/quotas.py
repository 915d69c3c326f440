"""Byte quotas per sandbox: what its stored objects and its learner's files may weigh.

The count quota (PODSCAPE_MAX_OBJECTS) stops a thousand tiny ConfigMaps; these stop a few big ones: the
issue's 600 ConfigMaps of 1 MB each made a 709 MB database. A command that takes the sandbox over a byte
limit is refused as a whole (services keeps nothing it changed), with Kubernetes' ResourceQuota wording and
sizes. Only a command that grows the total is refused, so a sandbox over a lowered limit can still shrink.

Object sizes are their stored JSON; each command measures only the objects it changed (the rest are kept
in the engine cache's entry), so a check costs what the command did, not the size of the cluster.
"""
from __future__ import annotations

import math

from django.conf import settings

from . import fastjson
from .sim import apiserver, delta
from .sim.engine import Engine

OBJECT_BYTES = "podscape.io/object-bytes"


def quantity(n: int) -> str:
    """Bytes as a Kubernetes quantity, rounded up to whole Ki ("1024Ki", "0Ki")."""
    return f"{math.ceil(n / 1024)}Ki"


def object_sizes(engine: Engine) -> dict:
    return {(plural, key): len(fastjson.dumps(obj))
            for plural, items in engine.cluster.objects.items() for key, obj in items.items()}


def sizes_after(engine: Engine, before_stamps: delta.Stamps, before_sizes: dict) -> dict:
    changed, gone, _ = delta.changes(engine.cluster, before_stamps)
    sizes = dict(before_sizes)
    for k in gone:
        sizes.pop(k, None)
    objects = engine.cluster.objects
    for plural, key in changed:
        sizes[(plural, key)] = len(fastjson.dumps(objects[plural][key]))
    return sizes


def file_bytes(engine: Engine) -> int:
    return sum(len(content) for content in engine.host.files.values())


def check(engine: Engine, sizes_before: dict, sizes_now: dict, files_before: int, what: str) -> str | None:
    """The refusal for a command that took the sandbox past a byte limit, or None."""
    limit = settings.PODSCAPE_MAX_OBJECT_BYTES
    used, now = sum(sizes_before.values()), sum(sizes_now.values())
    if now > limit and now > used:
        refusal = apiserver.exceeded_quota(what, OBJECT_BYTES, quantity(now - used), quantity(used), quantity(limit))
        return f"Error from server (Forbidden): {refusal}\n"
    limit = settings.PODSCAPE_MAX_FILE_BYTES
    files = file_bytes(engine)
    if files > limit and files > files_before:
        return (f"podscape: Disk quota exceeded: the files in your home would use {quantity(files)} of this "
                f"sandbox's {quantity(limit)}; nothing the command changed was kept (rm some files)\n")
    return None
