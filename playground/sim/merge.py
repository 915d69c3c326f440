"""Patches as the API server applies them: JSON merge patch (RFC 7386), strategic merge patch, JSON
patch (RFC 6902), plus the two-way and three-way diffs that `kubectl edit` and `kubectl apply` send.

Strategic merge knows the lists that matter in this playground by their patchMergeKey (containers by
name, container ports by containerPort, Service ports by port, env by name, volumes by name, ...);
any other list is replaced whole, as for types without a merge key.
"""
from __future__ import annotations

from .jsondata import copy_all, deep_copy


_MISSING = object()


class PatchError(Exception):
    """A patch the server refuses; `message` is the server's wording."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- merge keys: (parent field name, list field name) -> key; parent "*" matches anywhere ------------------
MERGE_KEYS: dict[tuple[str, str], str] = {
    ("*", "containers"): "name",
    ("*", "initContainers"): "name",
    ("*", "ephemeralContainers"): "name",
    ("*", "env"): "name",
    ("*", "volumes"): "name",
    ("*", "volumeMounts"): "mountPath",
    ("*", "volumeDevices"): "devicePath",
    ("*", "imagePullSecrets"): "name",
    ("*", "hostAliases"): "ip",
    ("*", "ownerReferences"): "uid",
    ("*", "conditions"): "type",
    ("*", "topologySpreadConstraints"): "topologyKey",
    ("*", "resourceClaims"): "name",
    ("containers", "ports"): "containerPort",
    ("initContainers", "ports"): "containerPort",
    ("spec", "ports"): "port",               # a Service's ports
}
# Lists of scalars merged as sets (patchStrategy: merge without a key).
MERGE_SCALARS = {"finalizers"}


def merge_key(parent: str, field: str) -> str | None:
    return MERGE_KEYS.get((parent, field)) or MERGE_KEYS.get(("*", field))


# ---- RFC 7386 -------------------------------------------------------------------------------------------
def json_merge_patch(target, patch):
    if not isinstance(patch, dict):
        return deep_copy(patch)
    out = deep_copy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = json_merge_patch(out.get(k), v)
    return out


def create_merge_patch(original, modified):
    """jsonpatch.CreateMergePatch: the RFC 7386 patch that turns original into modified."""
    if not isinstance(original, dict) or not isinstance(modified, dict):
        return deep_copy(modified)
    patch = {}
    for k in original:
        if k not in modified:
            patch[k] = None
    for k, v in modified.items():
        if k not in original:
            patch[k] = deep_copy(v)
        elif original[k] != v:
            if isinstance(v, dict) and isinstance(original[k], dict):
                patch[k] = create_merge_patch(original[k], v)
            else:
                patch[k] = deep_copy(v)
    return patch


# ---- strategic merge patch ----------------------------------------------------------------------------
def strategic_merge_patch(target, patch, parent: str = ""):
    """Apply a strategic merge patch (with `$patch: replace|delete` directives) to a copy of target."""
    if not isinstance(patch, dict):
        return deep_copy(patch)
    if patch.get("$patch") == "replace":
        return {k: deep_copy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    out = deep_copy(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        if v is None:
            out.pop(k, None)
            continue
        current = out.get(k, _MISSING)
        if isinstance(v, dict):
            merged = strategic_merge_patch(current if isinstance(current, dict) else None, v, k)
            if merged is None:
                out.pop(k, None)
            else:
                out[k] = merged
        elif isinstance(v, list):
            out[k] = _merge_list(current if isinstance(current, list) else [], v, parent, k)
        else:
            out[k] = deep_copy(v)
    retain = patch.get("$retainKeys")
    if isinstance(retain, list):            # retainKeys: the fields not listed are cleared
        out = {k: v for k, v in out.items() if k in retain}
    for k, order in patch.items():
        if k.startswith("$setElementOrder/") and isinstance(order, list):
            field = k.split("/", 1)[1]
            if isinstance(out.get(field), list):
                out[field] = _reorder(out[field], order, merge_key(parent, field))
    return out


def _reorder(items: list, order: list, key: str | None) -> list:
    """$setElementOrder: the listed elements in that order, then any the server has beyond them."""
    def ident(item):
        return item.get(key) if key and isinstance(item, dict) else item
    wanted = [o.get(key) if key and isinstance(o, dict) else o for o in order]
    placed = [next(i for i in items if ident(i) == w) for w in wanted if any(ident(i) == w for i in items)]
    rest = [i for i in items if ident(i) not in wanted]
    return placed + rest


def _merge_list(current: list, patch: list, parent: str, field: str) -> list:
    key = merge_key(parent, field)
    if field in MERGE_SCALARS:
        out = list(current)
        for item in patch:
            if item not in out:
                out.append(deep_copy(item))
        return out
    if key is None or not all(isinstance(i, dict) for i in patch):
        return deep_copy(patch)
    if any(i.get("$patch") == "replace" for i in patch):
        return [deep_copy({k: v for k, v in i.items() if k != "$patch"}) for i in patch
                if i.get("$patch") != "replace"]
    out = deep_copy(current)
    for item in patch:
        if key not in item:
            raise PatchError(f"map: {_go_map(item)} does not contain declared merge key: {key}")
        idx = next((n for n, c in enumerate(out) if isinstance(c, dict) and c.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                out.pop(idx)
            continue
        if idx is None:
            out.append(strategic_merge_patch({}, item, field))
        else:
            out[idx] = strategic_merge_patch(out[idx], item, field)
    return out


def _go_map(item: dict) -> str:
    inner = " ".join(f"{k}:{v}" for k, v in sorted(item.items()))
    return f"map[{inner}]"


def create_two_way_patch(original, modified) -> dict:
    """strategicpatch.CreateTwoWayMergePatch (what `kubectl edit` sends): additions, changes, deletions as null
    or `$patch: delete`, and `$setElementOrder` for the keyed lists it touches."""
    return _diff(original if isinstance(original, dict) else {}, modified, "", deletions=True)


def three_way_apply(original: dict | None, modified: dict, current: dict) -> dict:
    """`kubectl apply`: fields removed since the last apply are deleted; the new manifest is merged in, its
    keyed lists in the manifest's order (kubectl sends `$setElementOrder` directives)."""
    patch = deep_copy(modified)
    if original:
        _mark_deletions(original, patch)
    _order_directives(patch, "")
    return strategic_merge_patch(current, patch)


def _order_directives(patch: dict, parent: str) -> None:
    for k, v in list(patch.items()):
        if isinstance(v, dict):
            _order_directives(v, k)
        elif isinstance(v, list) and all(isinstance(i, dict) for i in v):
            key = merge_key(parent, k)
            for item in v:
                _order_directives(item, k)
            if key and all(key in i for i in v):
                patch[f"$setElementOrder/{k}"] = [{key: i[key]} for i in v]


def _mark_deletions(original: dict, patch: dict) -> None:
    for k, v in original.items():
        if k not in patch:
            patch[k] = None
        elif isinstance(v, dict) and isinstance(patch[k], dict):
            _mark_deletions(v, patch[k])


# ---- RFC 6902 -----------------------------------------------------------------------------------------
def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f'JSON pointer must be empty or start with a "/": {path!r}')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc, parts: list[str], path: str, op: str):
    node = doc
    for p in parts[:-1]:
        if isinstance(node, dict):
            if p not in node:
                raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")
            node = node[p]
        elif isinstance(node, list):
            try:
                node = node[int(p)]
            except (ValueError, IndexError):
                raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")
        else:
            raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")
    return node


def _get(doc, path: str, op: str):
    parts = _pointer(path)
    if not parts:
        return doc
    node = _parent(doc, parts, path, op)
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        return node[last]
    if isinstance(node, list):
        try:
            return node[int(last)]
        except (ValueError, IndexError):
            pass
    raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")


def _list_index(node: list, last: str, path: str, allow_end: bool) -> int:
    if last == "-" and allow_end:
        return len(node)
    try:
        i = int(last)
    except ValueError:
        raise PatchError(f"Unable to access invalid index: {last}: invalid index referenced")
    if i < 0 or i > len(node) or (i == len(node) and not allow_end):
        raise PatchError(f"Unable to access invalid index: {i}: invalid index referenced")
    return i


def _add(doc, path: str, value, op: str = "add"):
    parts = _pointer(path)
    if not parts:
        return copy_all(value)
    node = _parent(doc, parts, path, op)
    last = parts[-1]
    if isinstance(node, dict):
        node[last] = copy_all(value)
    elif isinstance(node, list):
        node.insert(_list_index(node, last, path, True), copy_all(value))
    else:
        raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")
    return doc


def _remove(doc, path: str, op: str = "remove"):
    parts = _pointer(path)
    node = _parent(doc, parts, path, op)
    last = parts[-1] if parts else ""
    if isinstance(node, dict) and last in node:
        return doc, node.pop(last)
    if isinstance(node, list):
        i = _list_index(node, last, path, False)
        return doc, node.pop(i)
    raise PatchError(f"{op} operation does not apply: doc is missing path: \"{path}\": missing value")


def json_patch(doc, ops) -> dict:
    """Apply an RFC 6902 patch to a copy of doc; errors worded as the API server's json-patch library."""
    if not isinstance(ops, list):
        raise PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy_all(doc)           # an op may point into a managedFields entry's fieldsV1
    for op in ops:
        if not isinstance(op, dict):
            raise PatchError("json: cannot unmarshal into Go value of type jsonpatch.Operation")
        kind = op.get("op")
        path = op.get("path")
        if kind not in ("add", "remove", "replace", "move", "copy", "test"):
            raise PatchError(f"Unexpected kind: {kind}")
        if not isinstance(path, str):
            raise PatchError(f"{kind} operation does not apply: doc is missing path: \"\": missing value")
        if kind in ("add", "replace", "test") and "value" not in op:
            raise PatchError(f"{kind} operation does not apply: doc is missing path: \"{path}\": missing value"
                             if kind != "add" else "add operation does not apply: value is missing")
        if kind == "add":
            doc = _add(doc, path, op["value"])
        elif kind == "remove":
            doc, _ = _remove(doc, path)
        elif kind == "replace":
            _get(doc, path, "replace")
            doc, _ = _remove(doc, path, "replace")
            doc = _add(doc, path, op["value"], "replace")
        elif kind == "move":
            doc, value = _remove(doc, op.get("from", ""), "move")
            doc = _add(doc, path, value, "move")
        elif kind == "copy":
            doc = _add(doc, path, _get(doc, op.get("from", ""), "copy"), "copy")
        elif kind == "test":
            if _get(doc, path, "test") != op["value"]:
                raise PatchError(f"testing value {path} failed: test failed")
    return doc


# ---- the patch kubectl apply sends (strategicpatch.CreateThreeWayMergePatch) ---------------------------------
def create_three_way_patch(original: dict | None, modified: dict, current: dict, *, keyed: bool = True) -> dict:
    """Changes and additions from current to modified, plus deletions from original to modified.
    keyed=False: a JSON merge patch (CreateThreeWayJSONMergePatch, for kinds without strategic merge
    metadata such as custom resources): lists are replaced whole, never merged by key."""
    delta = _diff(current, modified, "", deletions=False, keyed=keyed)
    if original:
        deletions = _diff(original, modified, "", deletions=True, additions=False, keyed=keyed)
        delta = _merge_patches(deletions, delta)
    if keyed:                         # retainKeys is strategic-merge metadata: none for a JSON merge patch
        _retain_keys(delta, modified, "")
    return delta


# Fields whose patch strategy is retainKeys (k8s.io/api: DeploymentSpec.strategy, DaemonSetSpec and
# StatefulSetSpec.updateStrategy, PodSpec.volumes' items): a patch that touches one lists the keys to keep.
RETAIN_KEYS = {"strategy", "updateStrategy"}


def _retain_keys(patch: dict, modified, parent: str) -> None:
    if not isinstance(patch, dict) or not isinstance(modified, dict):
        return
    for k, v in patch.items():
        if k.startswith("$") or k not in modified:
            continue
        if isinstance(v, dict):
            if k in RETAIN_KEYS and parent == "spec" and isinstance(modified[k], dict):
                v["$retainKeys"] = sorted(modified[k])
            _retain_keys(v, modified[k], k)
        elif isinstance(v, list) and k == "volumes" and isinstance(modified[k], list):
            for item in v:
                if isinstance(item, dict) and "name" in item and not item.get("$patch"):
                    src = next((m for m in modified[k] if isinstance(m, dict) and m.get("name") == item["name"]),
                               None)
                    if src is not None:
                        item["$retainKeys"] = sorted(src)


def _diff(old, new, parent: str, *, deletions: bool, additions: bool = True, keyed: bool = True) -> dict:
    patch: dict = {}
    old = old if isinstance(old, dict) else {}
    if deletions:
        for k in old:
            if k not in new:
                patch[k] = None
    for k, v in new.items():
        o = old.get(k, _MISSING)
        if o is _MISSING:
            if additions:
                patch[k] = deep_copy(v)
            continue
        if isinstance(v, dict) and isinstance(o, dict):
            sub = _diff(o, v, k, deletions=deletions, additions=additions, keyed=keyed)
            if sub:
                patch[k] = sub
        elif keyed and isinstance(v, list) and isinstance(o, list) and merge_key(parent, k) and \
                all(isinstance(i, dict) for i in o + v):
            sub = _diff_keyed_list(o, v, merge_key(parent, k), k, deletions=deletions, additions=additions)
            if sub is not None:
                items, order = sub
                if items:
                    patch[k] = items
                if order is not None:
                    patch[f"$setElementOrder/{k}"] = order
        elif o != v and additions:
            patch[k] = deep_copy(v)
    return patch


def _diff_keyed_list(old: list, new: list, key: str, field: str, *, deletions: bool, additions: bool):
    by_key = {i.get(key): i for i in old}
    new_keys = [i.get(key) for i in new]
    items = []
    for item in new:
        o = by_key.get(item.get(key))
        if o is None:
            if additions:
                items.append(deep_copy(item))
            continue
        sub = _diff(o, item, field, deletions=deletions, additions=additions)
        if sub:
            items.append({**sub, key: item.get(key)})
    if deletions:
        items += [{"$patch": "delete", key: k} for k in by_key if k not in new_keys]
    if not items:
        return None
    order = [{key: k} for k in new_keys] if additions else None
    return items, order


def _merge_patches(a: dict, b: dict, parent: str = "") -> dict:
    out = deep_copy(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge_patches(out[k], v, k)
        elif isinstance(v, list) and isinstance(out.get(k), list):
            key = None if k.startswith("$") else merge_key(parent, k)
            if key and all(isinstance(i, dict) for i in out[k] + v):
                # the deletions' and the changes' entries for one element become one entry
                merged = list(out[k])
                for item in v:
                    same = next((i for i, m in enumerate(merged) if m.get(key) == item.get(key)
                                 and not m.get("$patch") and not item.get("$patch")), None)
                    if same is None:
                        merged.append(deep_copy(item))
                    else:
                        merged[same] = _merge_patches(merged[same], item, k)
                out[k] = merged
            else:
                out[k] = out[k] + deep_copy(v)
        else:
            out[k] = deep_copy(v)
    return out
