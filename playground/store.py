"""How a sandbox's engine state is kept in the database, and a per-process cache of live engines.

The state is split: every cluster object (a pod, a Service, an event) is one `SandboxObject` row, and the
rest (the cluster's clock, counters and runtime, the learner's host) is `Sandbox.meta`. A command writes
only the objects whose resourceVersion it changed and the small meta, so its cost follows what it did,
not the size of the cluster (a 200-pod cluster is ~1 MB of JSON; a `kubectl get` used to parse and
re-encode all of it).

The cache keeps each sandbox's engine in the worker that last ran it, keyed by `Sandbox.version`: a
command runs on that engine without reading the row or any state, and stores its result with an UPDATE
conditional on that version (services._save_sandbox); if another worker wrote since, nothing is stored
and the line runs again on the stored state. The entry is taken out of the cache while the command runs and
put back only when its transaction commits, so a rollback never leaves a half-applied engine behind.
"""
from __future__ import annotations

import gc
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from . import fastjson
from .models import Sandbox, SandboxObject
from .sim import delta
from .sim.delta import Stamps, join, split
from .sim.engine import Engine


def stamps(engine: Engine) -> Stamps:
    return delta.stamps(engine.cluster)


def meta_of(engine: Engine) -> dict:
    """Sandbox.meta for the engine as it is now."""
    meta, _ = split(engine.to_state())
    return meta


def load_state(sandbox) -> dict:
    """The whole engine state as stored (what `Engine.from_state` takes)."""
    return join(sandbox.meta, sandbox.stored_objects())


def load_engine(sandbox) -> Engine:
    return Engine.from_state(load_state(sandbox))


def release_connection() -> None:
    """Hand this thread's database connection back to the pool while the engine runs (with a pool, closing
    is a return; without one a close would cost a reconnect, so the connection is kept)."""
    if settings.DATABASES["default"].get("OPTIONS", {}).get("pool") and not connection.in_atomic_block:
        connection.close()


# ---- writing ---------------------------------------------------------------------------------------
def write_all(sandbox, engine: Engine) -> None:
    """Replace everything stored for the sandbox (a new or reset cluster). The row must be saved."""
    SandboxObject.objects.filter(sandbox_id=sandbox.pk).delete()
    _put_rows(sandbox.pk, [(plural, key, obj) for plural, items in engine.cluster.objects.items()
                           for key, obj in items.items()])
    sandbox.meta = meta_of(engine)


# One statement for the rows of a command. On PostgreSQL the ORM's bulk_create sends its rows as arrays
# (INSERT ... SELECT * FROM UNNEST(%s::jsonb[], ...)), and psycopg quotes each body into the array literal
# in Python, with a regex per element: 13 % of a worker's CPU under load (py-spy --gil, 300 learners).
# The rows go instead as one JSON document that PostgreSQL unpacks (jsonb_to_recordset); psycopg quotes
# one string, in C.
_UPSERT_PG = (f'INSERT INTO "{SandboxObject._meta.db_table}" (sandbox_id, plural, key, body) '
              "SELECT %s, r.p, r.k, r.b FROM jsonb_to_recordset(%s::jsonb) AS r(p text, k text, b jsonb) "
              "ON CONFLICT (sandbox_id, plural, key) DO UPDATE SET body = EXCLUDED.body")


def _put_rows(sandbox_id: int, rows: list[tuple[str, str, object]]) -> None:
    """Insert or replace these (plural, key, body) rows of the sandbox."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        doc = fastjson.dumps_for_postgresql([{"p": p, "k": k, "b": body} for p, k, body in rows])
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT_PG, [sandbox_id, doc])
        return
    SandboxObject.objects.bulk_create(
        [SandboxObject(sandbox_id=sandbox_id, plural=p, key=k, body=body) for p, k, body in rows],
        update_conflicts=True, unique_fields=["sandbox", "plural", "key"], update_fields=["body"])


def write_changes(sandbox, engine: Engine, before: Stamps, changes: tuple | None = None, meta: bool = True) -> Stamps:
    """Store what the command changed since `before` (or the `delta.changes` already found); returns the
    stamps of what is stored now. With `meta`, sets sandbox.meta for the caller to save (without: the caller
    wrote the meta itself).

    Relies on the engine's rule that every write to a stored object bumps its resourceVersion
    (Cluster.put / Cluster.touch); settings.PODSCAPE_VERIFY_STORE checks it after every command."""
    changed, gone, after = changes if changes is not None else delta.changes(engine.cluster, before)
    if gone:
        by_plural: dict[str, list[str]] = {}
        for plural, key in gone:
            by_plural.setdefault(plural, []).append(key)
        for plural, keys in by_plural.items():
            SandboxObject.objects.filter(sandbox_id=sandbox.pk, plural=plural, key__in=keys).delete()
    if changed:
        objects = engine.cluster.objects
        _put_rows(sandbox.pk, [(p, k, objects[p][k]) for p, k in changed])
    if meta:
        sandbox.meta = meta_of(engine)
    return after


def verify(sandbox, engine: Engine) -> None:
    """Raise if what is stored differs from the engine (a write that did not bump resourceVersion)."""
    stored = join(Sandbox.objects.values_list("meta", flat=True).get(pk=sandbox.pk), sandbox.stored_objects())
    live = engine.to_state()
    if connection.vendor == "postgresql":     # jsonb keeps no U+0000 (fastjson stores U+FFFD)
        live = fastjson.loads(fastjson.dumps_for_postgresql(live))
    if stored != live:
        _, s_objs = split(stored)
        _, l_objs = split(live)
        diff = sorted({(p, k) for p in set(s_objs) | set(l_objs)
                       for k in set(s_objs.get(p, {})) | set(l_objs.get(p, {}))
                       if s_objs.get(p, {}).get(k) != l_objs.get(p, {}).get(k)})
        raise AssertionError(f"sandbox {sandbox.pk}: stored state differs from the engine: objects {diff[:10]}"
                             f"{'' if diff else ' (meta)'}")


# ---- the per-process engine cache --------------------------------------------------------------------
@dataclass
class Entry:
    version: int
    created: object            # Sandbox.created: a deleted sandbox's id may come back (SQLite reuses rowids)
    engine: Engine
    stamps: Stamps
    diagram: object            # topology_delta.Diagram at this version: what the next command's changes update
    sizes: dict | None = None  # bytes of each stored object at this version (quotas.py), built on first use
    # The row as this worker last wrote it (meta not kept): a command runs on the cached engine without
    # reading the row again, and its conditional UPDATE (version and created unchanged) finds out whether
    # another worker wrote since (services._save_sandbox).
    sandbox: Sandbox | None = None


class EngineCache:
    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[int, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, sandbox) -> Entry | None:
        """The cached engine of this sandbox at its current version, removed from the cache (the caller
        now owns it); None when this worker has none or another worker has written since."""
        with self._lock:
            entry = self._entries.pop(sandbox.pk, None)
        if entry is None or entry.version != sandbox.version or entry.created != sandbox.created:
            return None
        return entry

    def take_owned(self, sandbox_id: int, owner_id) -> Entry | None:
        """The cached engine of the sandbox if it is `owner_id`'s, removed from the cache, without asking the
        database whether it is still current: the caller's write must check that (version and created in its
        UPDATE's WHERE). Someone else's sandbox is left where it is."""
        with self._lock:
            entry = self._entries.get(sandbox_id)
            if entry is None or entry.sandbox is None or entry.sandbox.owner_id != owner_id:
                return None
            del self._entries[sandbox_id]
        return entry

    def put(self, sandbox_id: int, entry: Entry) -> None:
        with self._lock:
            self._put(sandbox_id, entry)

    def offer(self, sandbox_id: int, entry: Entry) -> None:
        """Cache an engine loaded for a reader (a page's hello) unless the cache holds a newer one: a command
        that committed meanwhile put its own, later version."""
        with self._lock:
            held = self._entries.get(sandbox_id)
            if held is None or held.created != entry.created or held.version < entry.version:
                self._put(sandbox_id, entry)

    def _put(self, sandbox_id: int, entry: Entry) -> None:
        if self.size <= 0:
            return
        self._entries[sandbox_id] = entry
        self._entries.move_to_end(sandbox_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def elements(self, sandbox) -> list[dict] | None:
        """The diagram cached for the sandbox's current version (a new list; its elements are never changed
        in place, an update replaces them)."""
        with self._lock:
            entry = self._entries.get(sandbox.pk)
        if entry is None or entry.version != sandbox.version or entry.created != sandbox.created:
            return None
        return entry.diagram.elements()

    def drop(self, sandbox_id: int) -> None:
        with self._lock:
            self._entries.pop(sandbox_id, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


engines = EngineCache(getattr(settings, "PODSCAPE_ENGINE_CACHE", 200))


# ---- the collector and a heap full of cached engines --------------------------------------------------
# Cached engines are hundreds of thousands of dicts and lists that live for minutes. CPython's full
# collection walks all of them (measured: 100-300 ms per pass, several times a minute per worker at 200
# learners), stopping the worker's event loop and database thread alike. Engine state is plain JSON data
# with no reference cycles, so refcounting frees it; the cyclic collector has nothing to find there. So a
# worker moves what survives a command into the collector's permanent generation (gc.freeze, O(1)), and
# every few minutes thaws and collects everything once, so cycles frozen while still alive are freed too.
# A page's hello that loads a sandbox freezes too: a class opening its pages loads hundreds of engines
# between commands, and the collector's passes over them were two thirds of parsing the stored rows.
GC_FULL_EVERY = 600.0          # seconds between the thaw-and-collect passes
_gc_state = {"full_at": time.monotonic(), "lock": threading.Lock()}


def freeze_survivors() -> None:
    """After a command or a page's load: what is alive now leaves the collector's generations."""
    if not getattr(settings, "PODSCAPE_GC_FREEZE", True):
        return
    with _gc_state["lock"]:
        now = time.monotonic()
        if now - _gc_state["full_at"] >= GC_FULL_EVERY:
            _gc_state["full_at"] = now
            gc.unfreeze()
            gc.collect()
        gc.freeze()
