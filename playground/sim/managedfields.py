"""metadata.managedFields, as the API server's field manager records them (structured-merge-diff).

Every stored write is attributed to a manager: the kubectl command's field manager (kubectl-create,
kubectl-client-side-apply, kubectl-run, ...; `kubectl` where a command sends none, as the server derives it
from the user agent), kube-controller-manager for the controllers, kubelet for pod status. An Update takes
ownership of the fields it adds or changes (other managers lose them), and removed fields leave every set.
Status is its own subresource: its changes are recorded in a separate entry with `subresource: status`.

A field set is serialised as fieldsV1: `f:<field>`, `k:{"name":"nginx"}` for items of keyed lists, `v:<json>`
for set items; `.` marks a node that is itself owned, which the comparison walker records for a map, list or
item that did not exist before (so `f:labels` gets `.` on create but not when `kubectl label` adds a key).
Non-pointer structs and fields without omitempty exist in the zero object a create is compared with, which is
why `f:spec`, `f:strategy` and `f:containers` carry no `.`.
"""
from __future__ import annotations

import contextlib
import json
from json.encoder import encode_basestring as _encode_string
from contextvars import ContextVar
from typing import NamedTuple

from .jsondata import deep_copy

MISSING = object()
# (manager, subresource) acting now; the controllers and the kubelet set their own.
_acting: ContextVar[tuple[str, str]] = ContextVar("field_manager", default=("kube-controller-manager", ""))

# Never in a field set (StripMetaManager).
STRIPPED_META = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
                 "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"}
# Kinds whose status is written through the status subresource (the rest keep status in the main resource).
NO_STATUS_SUBRESOURCE = {"configmaps", "secrets", "serviceaccounts", "endpoints", "endpointslices", "events",
                         "limitranges", "podtemplates", "controllerrevisions", "ingressclasses", "roles", "clusterroles",
                         "rolebindings", "clusterrolebindings", "priorityclasses", "networkpolicies"}
# Keyed lists (+listType=map): field name -> key fields. `ports` depends on where it is (see _list_keys).
LIST_KEYS = {"containers": ("name",), "initContainers": ("name",), "ephemeralContainers": ("name",),
             "volumes": ("name",), "env": ("name",), "volumeMounts": ("mountPath",), "volumeDevices": ("devicePath",),
             "imagePullSecrets": ("name",), "ownerReferences": ("uid",), "conditions": ("type",), "podIPs": ("ip",),
             "hostIPs": ("ip",), "hostAliases": ("ip",), "resourceClaims": ("name",), "schedulingGates": ("name",),
             "topologySpreadConstraints": ("topologyKey", "whenUnsatisfiable"), "addresses": ("type",)}
SET_LISTS = {"finalizers"}
# LabelSelector is +structType=atomic and a Service's selector +mapType=atomic: owned as one value.
ATOMIC_FIELDS = {"selector", "podSelector", "namespaceSelector", "labelSelector"}
# What a typed zero object already holds (non-pointer structs, fields without omitempty), per kind.
_TEMPLATE = {"metadata": {"creationTimestamp": None}, "spec": {"containers": None}}
ZERO = {
    "Deployment": {"spec": {"selector": None, "template": _TEMPLATE, "strategy": {}}, "status": {}},
    "ReplicaSet": {"spec": {"selector": None, "template": _TEMPLATE}, "status": {"replicas": 0}},
    "DaemonSet": {"spec": {"selector": None, "template": _TEMPLATE, "updateStrategy": {}}, "status": {}},
    "StatefulSet": {"spec": {"selector": None, "template": _TEMPLATE, "serviceName": "", "updateStrategy": {}},
                    "status": {"replicas": 0}},
    "Job": {"spec": {"template": _TEMPLATE}, "status": {}},
    "CronJob": {"spec": {"schedule": "", "jobTemplate": {"metadata": {"creationTimestamp": None},
                                                         "spec": {"template": _TEMPLATE}}}, "status": {}},
    "Pod": {"spec": {"containers": None}, "status": {}},
    "Service": {"spec": {}, "status": {"loadBalancer": {}}},
    "Ingress": {"spec": {}, "status": {"loadBalancer": {}}},
    "NetworkPolicy": {"spec": {"podSelector": {}}},
    "Namespace": {"spec": {}, "status": {}},
    "Node": {"spec": {}, "status": {"daemonEndpoints": {"kubeletEndpoint": {"Port": 0}}, "nodeInfo": {}}},
    "HorizontalPodAutoscaler": {"spec": {"scaleTargetRef": {"kind": "", "name": ""}, "maxReplicas": 0},
                                "status": {"desiredReplicas": 0}},
    "PodDisruptionBudget": {"spec": {}, "status": {"disruptionsAllowed": 0, "currentHealthy": 0,
                                                   "desiredHealthy": 0, "expectedPods": 0}},
}


# Events are written several times per command and nobody reads their managedFields: not recorded, for cost.
UNRECORDED = {"events"}


def recording(plural: str = "") -> bool:
    return _acting.get()[0] is not None and plural not in UNRECORDED


@contextlib.contextmanager
def acting(manager: str | None, subresource: str = ""):
    """Attribute the writes made inside the block to `manager` (and a subresource such as scale); None records
    nothing (the objects `minikube start` lays down, whose real managers the playground does not model)."""
    token = _acting.set((manager, subresource))
    try:
        yield
    finally:
        _acting.reset(token)


def _list_keys(path: tuple, name: str):
    if name in SET_LISTS:
        return "set"
    if name == "ports":
        parent = path[-2] if len(path) >= 2 else ""
        if parent.startswith("k:") and "name" in parent:              # a container's ports
            return ("containerPort", "protocol")
        if path[:2] == ("f:spec", "f:ports"):                          # a Service's
            return ("port", "protocol")
        return None
    return LIST_KEYS.get(name)


def _json(value) -> str:
    """Compact JSON of a key value (strings and ints take the short road: this runs for every list item)."""
    if type(value) is str:
        return _encode_string(value)
    if type(value) is int:
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _item_element(keys, item) -> str | None:
    if keys == "set":
        return "v:" + _json(item)
    if not isinstance(item, dict):
        return None
    if len(keys) == 1:                          # most keyed lists (containers, conditions, ...): one key
        key = keys[0]
        return f'k:{{"{key}":{_json(item[key])}}}' if key in item else None
    if any(k not in item for k in keys):
        return None
    return "k:{" + ",".join(f'"{k}":{_json(item[k])}' for k in sorted(keys)) + "}"


class _Diff:
    def __init__(self):
        self.added: set[tuple] = set()
        self.modified: set[tuple] = set()
        self.removed: set[tuple] = set()      # prefixes


def _empty(value) -> bool:
    return value is None or value is MISSING or (isinstance(value, (dict, list)) and not value)


_SCALARS = frozenset({str, int, float, bool})


def _walk(old, new, path: tuple, diff: _Diff) -> None:
    if old is not MISSING and old == new:
        return                                  # (a compare at C speed spares most of every write)
    is_dict = isinstance(new, dict)
    keys = None
    if not is_dict and not isinstance(new, list):
        leaf = True
    else:
        last = path[-1] if path else ""
        name = last[2:] if last[:2] == "f:" else ""
        leaf = name in ATOMIC_FIELDS or (not new and _empty(old))
        if not is_dict and not leaf:
            keys = _list_keys(path, name)
            leaf = keys is None
    if leaf:
        if old is MISSING:
            diff.added.add(path)
        elif old != new:
            diff.modified.add(path)
        return
    if is_dict:
        before = old if isinstance(old, dict) else {}
        for k, v in new.items():
            prior = before.get(k, MISSING)
            if type(v) in _SCALARS:
                # a scalar is a leaf whatever its name: decided here, without a call per field
                if prior is MISSING:
                    diff.added.add(path + (f"f:{k}",))
                elif prior != v:
                    diff.modified.add(path + (f"f:{k}",))
            elif prior is MISSING or prior != v:
                _walk(prior, v, path + (f"f:{k}",), diff)
        for k in before:
            if k not in new:
                diff.removed.add(path + (f"f:{k}",))
    else:
        before = {}
        for item in old if isinstance(old, list) else []:
            element = _item_element(keys, item)
            if element is not None:
                before[element] = item
        seen = set()
        for item in new:
            element = _item_element(keys, item)
            if element is None or element in seen:
                continue
            seen.add(element)
            if keys == "set":
                if element not in before:
                    diff.added.add(path + (element,))
                continue
            _walk(before.get(element, MISSING), item, path + (element,), diff)
        for element in before:
            if element not in seen:
                diff.removed.add(path + (element,))
    if old is MISSING and path:
        diff.added.add(path)


def _tracked(obj: dict | None, part: str) -> dict:
    """The part of an object a field set covers: `main` (no status, no identity) or `status`."""
    if obj is None:
        return {}
    if part == "status":
        return {"status": obj["status"]} if "status" in obj else {}
    out = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "status")}
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in STRIPPED_META}
    out["metadata"] = meta
    if obj.get("kind") == "Pod" and isinstance(obj.get("spec"), dict):
        out["spec"] = _pod_spec_before_admission(obj["spec"])
    return out


SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"


def _pod_spec_before_admission(spec: dict) -> dict:
    """The create handler runs the field manager before admission: what the ServiceAccount, Priority and
    DefaultTolerationSeconds plugins add (and the binding's nodeName) is owned by no one."""
    spec = {k: v for k, v in spec.items() if k not in ("nodeName", "priority", "preemptionPolicy", "serviceAccount")}
    if spec.get("serviceAccountName") == "default":
        del spec["serviceAccountName"]
    tolerations = [t for t in spec.get("tolerations") or [] if not (
        t.get("effect") == "NoExecute" and t.get("tolerationSeconds") == 300 and t.get("operator") == "Exists"
        and t.get("key") in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"))]
    if "tolerations" in spec:
        spec["tolerations"] = tolerations
        if not tolerations:
            del spec["tolerations"]
    volumes = [v for v in spec.get("volumes") or [] if not str(v.get("name", "")).startswith("kube-api-access-")]
    if "volumes" in spec:
        spec["volumes"] = volumes
        if not volumes:
            del spec["volumes"]
    for key in ("containers", "initContainers"):
        if spec.get(key):
            spec[key] = [_without_sa_mount(c) for c in spec[key]]
    return spec


def _without_sa_mount(c: dict) -> dict:
    mounts = [m for m in c.get("volumeMounts") or [] if m.get("mountPath") != SA_MOUNT]
    if "volumeMounts" not in c:
        return c
    c = dict(c)
    if mounts:
        c["volumeMounts"] = mounts
    else:
        del c["volumeMounts"]
    return c


_CURRENT: dict[tuple, tuple[dict, set]] = {}    # the last part seen of each object (a copy) and its paths


class _Create(NamedTuple):
    """What a create's entries are a function of: who, when, and the two parts it recorded."""
    manager: str | None
    subresource: str
    now: str
    api_version: str
    main: dict
    status: dict


_CREATED: dict[str, tuple[_Create, list, tuple]] = {}   # plural -> last create (copies), its entries, its main memo


def _memo_key(obj: dict, part: str) -> tuple:
    meta = obj.get("metadata") or {}
    return obj.get("kind"), meta.get("namespace"), meta.get("name"), part


def _remember(key: tuple, tracked: dict, paths: set) -> None:
    if len(_CURRENT) > 20000:
        _CURRENT.clear()
    _CURRENT[key] = (deep_copy(tracked), paths)


def _current_paths(obj: dict, part: str) -> set[tuple]:
    """Every path the part of obj holds, as a create would record it."""
    key = _memo_key(obj, part)
    tracked = _tracked(obj, part)
    hit = _CURRENT.get(key)
    if hit is not None and hit[0] == tracked:
        return hit[1]
    full = _Diff()
    _walk(_zero(obj, part), tracked, (), full)
    paths = full.added | full.modified
    if part == "main":      # (an in-place write nearly always changes the status: a copy of it would not pay)
        _remember(key, tracked, paths)
    return paths


def _zero(obj: dict, part: str) -> dict:
    zero = {"metadata": {"creationTimestamp": None}, **ZERO.get(obj.get("kind", ""), {})}
    return {"status": zero["status"]} if part == "status" and "status" in zero else \
        {} if part == "status" else {k: v for k, v in zero.items() if k != "status"}


# ---- field sets as fieldsV1 trees ------------------------------------------------------------------------
_PARSED: dict[int, tuple[dict, frozenset]] = {}     # id(fieldsV1 tree) -> (the tree, its paths): trees are
                                                    # replaced, never changed, so a parse is reused


def _paths(tree: dict) -> frozenset:
    hit = _PARSED.get(id(tree))
    if hit is not None and hit[0] is tree:
        return hit[1]
    if len(_PARSED) > 20000:
        _PARSED.clear()
    paths = frozenset(_parse(tree))
    _PARSED[id(tree)] = (tree, paths)
    return paths


def _parse(tree: dict, prefix: tuple = ()) -> set[tuple]:
    out = set()
    for key, child in tree.items():
        if key == ".":
            out.add(prefix)
            continue
        path = prefix + (key,)
        if child:
            out |= _parse(child, path)
        else:
            out.add(path)
    return out


def _tree(paths: set[tuple]) -> dict:
    tree: dict = {}
    for p in sorted(paths):
        node = tree
        for element in p:
            node = node.setdefault(element, {})
    for p in paths:
        node = tree
        for element in p:
            node = node[element]
        if node and "." not in node:
            node["."] = {}
    _PARSED[id(tree)] = (tree, frozenset(paths))
    return tree


def _drop(paths, prefixes: set[tuple]) -> set[tuple]:
    if not prefixes:
        return set(paths)
    return {p for p in paths if not any(p[:len(q)] == q for q in prefixes)}


# ---- recording ---------------------------------------------------------------------------------------------
def _order(entry: dict) -> tuple:
    """sortEncodedManagedFields: operation, then time, then manager, apiVersion, subresource."""
    return entry.get("operation", ""), entry.get("time", ""), entry.get("manager", ""), entry.get("apiVersion", ""), \
        entry.get("subresource", "")


def record(plural: str, old: dict | None, new: dict, now: str, *, old_entries: list | None = None,
           known_only: bool = False) -> None:
    """Set new["metadata"]["managedFields"] after a write from `old` (None: a create) to `new`.

    known_only: `old` is not available (an in-place change); fields no manager owned yet count as added.
    """
    manager, subresource = _acting.get()
    if known_only and not ((new.get("metadata") or {}).get("managedFields")):
        return      # an object no write was recorded for (laid down by minikube start) stays that way
    inputs = None
    if old is None and not known_only and not old_entries:
        # A create's entries are a function of these alone, and a controller creates its replicas alike
        # (one template, one second): the last create of the kind answers again, at a compare's cost.
        inputs = _Create(manager, subresource, now, new.get("apiVersion", ""), _tracked(new, "main"),
                         _tracked(new, "status"))
        last = _CREATED.get(plural)
        if last is not None and last[0] == inputs:
            last_create, last_entries, last_memo = last
            _CURRENT[_memo_key(new, "main")] = last_memo
            if last_entries:
                new.setdefault("metadata", {})["managedFields"] = [dict(e) for e in last_entries]
            else:
                new.setdefault("metadata", {}).pop("managedFields", None)
            return
    source = new if known_only else old
    entries = [dict(e) for e in (old_entries if old_entries is not None else
                                 ((source or {}).get("metadata") or {}).get("managedFields") or [])]
    parts = ["main"] if plural in NO_STATUS_SUBRESOURCE else ["main", "status"]
    for part in parts:
        who, sub = manager, subresource
        if part == "status":
            sub = "status"
            if plural == "pods":
                who = "kubelet"                 # pod status is the kubelet's to write
        relevant = [e for e in entries if (e.get("subresource", "") == "status") == (part == "status")]
        diff = _Diff()
        if known_only:
            owned = set().union(*(_paths(e.get("fieldsV1") or {}) for e in relevant))
            current = _current_paths(new, part)
            diff.added = {p for p in current if p not in owned}
            diff.removed = {p for p in owned if p not in current}
        elif old is None:
            tracked = (inputs.main if part == "main" else inputs.status) if inputs is not None else _tracked(new, part)
            _walk(_zero(new, part), tracked, (), diff)
            if part == "main":      # a controller's in-place write (status, a pod's binding) compares with it
                _remember(_memo_key(new, part), tracked, diff.added | diff.modified)
        else:
            _walk(_tracked(old, part), _tracked(new, part), (), diff)
        diff.added.discard(())
        changed = diff.added | diff.modified
        if not changed and not diff.removed:
            continue
        api_version = new.get("apiVersion", "")
        target = next((e for e in relevant if e.get("manager") == who and e.get("operation") == "Update"
                       and e.get("subresource", "") == sub and e.get("apiVersion") == api_version), None)
        for e in relevant:
            if e is target:
                continue
            paths = _paths(e.get("fieldsV1") or {})
            if paths.isdisjoint(changed) and not diff.removed:
                continue
            kept = _drop(paths - changed, diff.removed)
            if kept != paths:
                e["fieldsV1"] = _tree(kept)
        if not changed and target is None:
            continue
        mine = _drop(_paths(target.get("fieldsV1") or {}) if target else frozenset(), diff.removed) | changed
        if target is None:
            target = {"apiVersion": api_version, "fieldsType": "FieldsV1", "manager": who, "operation": "Update"}
            if sub:
                target["subresource"] = sub
            entries.append(target)
        target["fieldsV1"] = _tree(mine)
        target["time"] = now
    entries = [e for e in entries if e.get("fieldsV1")]
    entries.sort(key=_order)
    meta = new.setdefault("metadata", {})
    if entries:
        meta["managedFields"] = [{k: e[k] for k in ("apiVersion", "fieldsType", "fieldsV1", "manager", "operation",
                                                    "subresource", "time") if k in e} for e in entries]
    else:
        meta.pop("managedFields", None)
    if inputs is not None:
        memo = _CURRENT.get(_memo_key(new, "main"))
        if memo is not None:            # (fieldsV1 trees are replaced, never changed: the entries can share them)
            _CREATED[plural] = (inputs._replace(main=memo[0], status=deep_copy(inputs.status)),
                                [dict(e) for e in meta.get("managedFields") or []], memo)


def hide(obj):
    """A copy without managedFields (kubectl's -o yaml/json unless --show-managed-fields)."""
    if isinstance(obj, dict):
        if obj.get("kind", "").endswith("List") and isinstance(obj.get("items"), list):
            return {**obj, "items": [hide(i) for i in obj["items"]]}
        meta = obj.get("metadata")
        if isinstance(meta, dict) and "managedFields" in meta:
            return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}
    return obj
