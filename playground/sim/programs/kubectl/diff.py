"""`kubectl diff -f FILE | -k DIR`: what `kubectl apply` would change, as pkg/cmd/diff/diff.go shows it.

Each object's live state and its merged state (the apply patch on a server-side dry run) are written as YAML
(managedFields omitted, Secret data masked as `***`) to files named `group.version.Kind.namespace.name` in
two temporary directories, /tmp/LIVE-<n> and /tmp/MERGED-<n>, and `diff -u -N` runs over them: its output is
kubectl's, and its exit status too (1 when something differs). The diff is computed here, not by running a
diff program.
"""
from __future__ import annotations

import copy
import datetime
import difflib
import json

from ... import apiserver, merge
from ...apierrors import ApiError
from ...cluster import Cluster
from .apply import LAST_APPLIED, _start, with_last_applied
from .framework import Invocation, KubectlError, command
from .helpflags import flags_from_help
from .objrefs import ApiFailure, print_errors
from ...printers.output import to_yaml

MASK, BEFORE, AFTER = "***", "*** (before)", "*** (after)"


def _file_name(ref) -> str:
    r = ref.r
    return (f"{r.group}." if r.group else "") + f"{r.version}.{r.kind}.{ref.namespace or ''}.{ref.name}"


def _mask(live: dict | None, merged: dict | None) -> None:
    """diff.go's Masker: Secret values never reach the terminal, only whether they changed."""
    before = (live or {}).get("data") or {}
    after = (merged or {}).get("data") or {}
    for k in before:
        if k in after:
            if before[k] != after[k]:
                before[k], after[k] = BEFORE, AFTER
                continue
            after[k] = MASK
        before[k] = MASK
    for k in after:
        if k not in before:
            after[k] = MASK


def _yaml(obj: dict | None) -> list[str]:
    if obj is None:
        return []
    return to_yaml(obj).splitlines(keepends=True)


def _stamp(now: float) -> str:
    t = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc)
    return f"{t:%Y-%m-%d %H:%M:%S}.{int((now % 1) * 1e9):09d} +0000"


def _merged(scratch: Cluster, ref) -> dict:
    """What apply would store: the create, or the three-way patch, on a scratch copy (server dry run)."""
    modified = with_last_applied(ref.obj)
    current = scratch.get(ref.r.plural, ref.namespace, ref.name)
    if current is None:
        stored = apiserver.create(scratch, copy.deepcopy(modified))
        stored["metadata"].pop("resourceVersion", None)
        return stored
    ann = (current["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    try:
        original = json.loads(ann) if ann else None
    except ValueError:
        original = None
    patch = merge.create_three_way_patch(original, modified, current)
    if not patch:
        return copy.deepcopy(current)
    rv = current["metadata"].get("resourceVersion")
    stored, _ = apiserver.patch(scratch, ref.r, ref.namespace, ref.name, "strategic", patch)
    stored = copy.deepcopy(stored)
    stored["metadata"]["resourceVersion"] = rv          # a dry run stores nothing: the version stays
    return stored


@command("diff", flags=flags_from_help("diff", {"filename": "stringSlice"}))
def diff(inv: Invocation) -> int:
    f = inv.flags
    if f["server-side"]:
        raise KubectlError("the playground does not simulate server-side apply: use kubectl diff without "
                           "--server-side")
    if f["prune"]:
        raise KubectlError("the playground does not simulate --prune")
    _, found = _start(inv, "diff")
    if found.errors:
        return print_errors(inv, found.errors)
    scratch = Cluster.from_dict(copy.deepcopy(inv.cluster.to_dict()))
    pairs = []
    for ref in found.refs:
        live = copy.deepcopy(inv.cluster.get(ref.r.plural, ref.namespace, ref.name))
        try:
            merged = copy.deepcopy(_merged(scratch, ref))
        except ApiError as exc:
            return print_errors(inv, [ApiFailure(exc, ref.source, "creating" if live is None else "patching")])
        if not f["show-managed-fields"]:
            for o in (live, merged):
                if o is not None:
                    o["metadata"].pop("managedFields", None)
        if ref.r.kind == "Secret" and ref.r.version == "v1":
            _mask(live, merged)
        pairs.append((_file_name(ref), live, merged))
    live_dir = f"/tmp/LIVE-{inv.cluster.randint(1_000_000_000, 4_294_967_295)}"
    merged_dir = f"/tmp/MERGED-{inv.cluster.randint(1_000_000_000, 4_294_967_295)}"
    stamp = _stamp(inv.cluster.now)
    differs = False
    for name, live, merged in sorted(pairs, key=lambda p: p[0]):
        a, b = _yaml(live), _yaml(merged)
        if a == b:
            continue
        differs = True
        left, right = f"{live_dir}/{name}", f"{merged_dir}/{name}"
        inv.out(f"diff -u -N {left} {right}\n")
        inv.out("".join(difflib.unified_diff(a, b, left, right, stamp, stamp)))
    return 1 if differs else 0
